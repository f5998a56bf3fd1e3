#!/usr/bin/env python3
"""Timings of the Python package (numbers for docs/performance.md).

    PYTHONPATH=build/python /usr/bin/python3 perf/python_bench.py \
        [--reference-api DIR --reference-scripts DIR --official-data DIR]

Measures, each as the median of several repetitions:
  - a scalar query from Python (Benchmark.query with a Config, and with an int index);
  - Benchmark.query_many per element (10^6 random indices);
  - `import nhb2` plus opening the default (synthetic) benchmark, in a fresh process;
  - the peak RSS of a process that holds the benchmark and has queried it;
  - optionally the authors' test script (test/test.py) run unmodified on the compatibility
    module and on the authors' API (their package folder given), on the same official-layout
    data, side by side.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit


# In-process figures are CPU time (time.process_time), the best of the repetitions: on a shared
# machine wall time also counts the time other processes hold the cores.
def per_call(statement, setup, number, repeat=7):
    times = timeit.repeat(statement, setup, number=number, repeat=repeat, timer=time.process_time)
    return min(times) / number


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fresh_process(code, env=None):
    """(wall seconds, CPU seconds, peak RSS in MB) of `python3 -c code`."""
    start, cpu = time.perf_counter(), children_cpu()
    # VmHWM, not ru_maxrss: the latter can carry the forking parent's peak across exec.
    done = subprocess.run([sys.executable, "-c", code + "\nprint([l.split()[1] for l in "
                           "open('/proc/self/status') if l.startswith('VmHWM')][0])"],
                          capture_output=True, text=True, check=True, env=env)
    return (time.perf_counter() - start, children_cpu() - cpu,
            int(done.stdout.split()[-1]) / 1024)


def run_test_script(scripts, data, package_path):
    """(wall, CPU) seconds of test/test.py run unmodified with `package_path` on PYTHONPATH."""
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "test"))
        os.symlink(os.path.abspath(data), os.path.join(work, "data"))
        shutil.copy(os.path.join(scripts, "test.py"), os.path.join(work, "test"))
        env = dict(os.environ, PYTHONPATH=package_path)
        start, cpu = time.perf_counter(), children_cpu()
        done = subprocess.run([sys.executable, "test.py"], cwd=os.path.join(work, "test"),
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"test.py failed with PYTHONPATH={package_path}:\n{done.stderr[-2000:]}")
        return time.perf_counter() - start, children_cpu() - cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference-api", help="folder holding the authors' nashpobench2api/")
    parser.add_argument("--reference-scripts", help="folder holding the authors' test.py")
    parser.add_argument("--official-data", help="folder with bench12/cellinfo/avgaccs200.pkl")
    args = parser.parse_args()

    setup = ("import nhb2, numpy as np\nb = nhb2.Benchmark()\n"
             "c = nhb2.Config('0|10|210', 0.1, 256)\n"
             "idx = np.random.default_rng(0).integers(0, nhb2.NUM_CONFIGS, 1_000_000)\n")
    print(f"scalar query (Config)        {per_call('b.query(c)', setup, 200_000) * 1e9:8.0f} ns")
    print(f"scalar query (int index)     {per_call('b.query(14050)', setup, 200_000) * 1e9:8.0f} ns")
    test_query = per_call("b.query(c, mode='test', iepoch=7)", setup, 200_000)
    print(f"scalar query (test, iepoch)  {test_query * 1e9:8.0f} ns")
    print(f"session query (logged)       "
          f"{per_call('s.query(c)', setup + 's = b.session()', 200_000) * 1e9:8.0f} ns")
    many = per_call("b.query_many(idx)", setup, 5) / 1_000_000
    print(f"query_many per element       {many * 1e9:8.1f} ns (10^6 random indices)")
    many_t = per_call("b.query_many(idx, mode='test', iepoch=7)", setup, 5) / 1_000_000
    print(f"query_many per element       {many_t * 1e9:8.1f} ns (test, iepoch 7)")

    starts = [fresh_process("import nhb2\nb = nhb2.Benchmark()") for _ in range(5)]
    print(f"import nhb2 + Benchmark()    {min(s[0] for s in starts):8.3f} s wall, "
          f"{min(s[1] for s in starts):.3f} s CPU (best of 5 fresh processes, interpreter "
          "start included)")
    empty = [fresh_process("pass") for _ in range(5)]
    print(f"  (an empty python3 -c       {min(s[0] for s in empty):8.3f} s wall, "
          f"{min(s[1] for s in empty):.3f} s CPU)")
    _, _, rss = fresh_process("import nhb2, numpy as np\nb = nhb2.Benchmark()\n"
                           "out = b.query_many(np.arange(nhb2.NUM_CONFIGS))\n"
                           "s = b.session()\nfor i in range(10000): s.query(i)")
    print(f"peak RSS holding a benchmark {rss:8.1f} MB")

    if args.reference_api and args.reference_scripts and args.official_data:
        ours_path = os.pathsep.join(os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["NHB2_CACHE_DIR"] = cache  # the first run converts the pickles
            first = run_test_script(args.reference_scripts, args.official_data, ours_path)
            ours = run_test_script(args.reference_scripts, args.official_data, ours_path)
        theirs = run_test_script(args.reference_scripts, args.official_data, args.reference_api)
        print(f"authors' test.py, nhb2 compatibility module  {ours[0]:8.2f} s wall, "
              f"{ours[1]:.2f} s CPU (first run, converting the pickles: {first[0]:.2f} s wall, "
              f"{first[1]:.2f} s CPU)")
        print(f"authors' test.py, authors' API               {theirs[0]:8.2f} s wall, "
              f"{theirs[1]:.2f} s CPU")
        print(f"speed-up                                     {theirs[0] / ours[0]:8.1f}x wall, "
              f"{theirs[1] / ours[1]:.1f}x CPU (first run: {theirs[0] / first[0]:.1f}x wall)")


if __name__ == "__main__":
    main()
