"""nhb2.sweep and `python3 -m nhb2 sweep`: Python optimizers next to built-ins, same outputs."""

import os
import signal
import subprocess
import sys
import time

import pytest

import nhb2
from conftest import CLI

HERE = os.path.dirname(os.path.abspath(__file__))

MIXED = """\
name: mixed
data: synthetic
budget: 3000
runs: 3
master_seed: 4
optimizers:
  - optimizer: random_search
    label: rs
  - optimizer: python:example_optimizers:RandomSearch
  - optimizer: regularized_evolution
    label: rea
  - optimizer: python:example_optimizers:Evolution
    label: py_rea
    params: {{population_size: 5}}
output: {out}
"""


def write_config(tmp_path, text, name="sweep.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def python_module_nhb2(*args, cwd):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "nhb2", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_python_m_nhb2_sweep_mixes_python_and_built_in_optimizers(tmp_path):
    out = tmp_path / "out"
    config = write_config(tmp_path, MIXED.format(out=out))
    done = python_module_nhb2("sweep", str(config), "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("trajectories.csv", "runs.csv", "curves.csv", "summary.md", "summary.csv",
                 "resolved.yaml", "curves.svg", "curves.png"):
        assert (out / name).exists(), name
    summary = (out / "summary.md").read_text()
    assert "RandomSearch" in summary and "rs" in summary and "rea" in summary
    assert done.stdout.startswith(summary)
    runs = (out / "runs.csv").read_text()
    assert runs.count("\nRandomSearch,") == 3
    svg = (out / "curves.svg").read_text()
    assert "RandomSearch" in svg and "rea" in svg
    resolved = (out / "resolved.yaml").read_text()
    assert "optimizer: python:example_optimizers:RandomSearch" in resolved
    assert "population_size: 5" in resolved and "sample_size: 3" in resolved


def test_the_sweep_is_the_same_whatever_the_jobs_and_pairs_runs_with_built_ins(tmp_path):
    sys.path.insert(0, HERE)
    a = nhb2.sweep(str(write_config(tmp_path, MIXED.format(out=tmp_path / "a"), "a.yaml")),
                   jobs=1, plots=False)
    b = nhb2.sweep(str(write_config(tmp_path, MIXED.format(out=tmp_path / "b"), "b.yaml")),
                   jobs=2, plots=False)
    assert (tmp_path / "a" / "trajectories.csv").read_text() == \
        (tmp_path / "b" / "trajectories.csv").read_text()
    assert a.runs == b.runs and len(a.runs) == 12
    seeds = {(r["optimizer"], r["run"]): r["run_seed"] for r in a.runs}
    assert seeds[("RandomSearch", 2)] == seeds[("rs", 2)] == nhb2.run_seed(4, 2)
    assert {row["optimizer"] for row in a.summary} == {"rs", "RandomSearch", "rea", "py_rea"}
    assert a.trajectories()[0]["optimizer"] == "rs"


def test_a_sweep_from_a_dict_writes_the_files_the_cli_writes(tmp_path):
    config = {"name": "d", "data": "synthetic", "budget": 2000, "runs": 2, "master_seed": 1,
              "optimizers": [{"optimizer": "random_search"}, {"optimizer": "local_search"}],
              "output": str(tmp_path / "py")}
    result = nhb2.sweep(config, plots=False)
    path = write_config(tmp_path, "\n".join([
        "name: d", "data: synthetic", "budget: 2000", "runs: 2", "master_seed: 1",
        "optimizers: [{optimizer: random_search}, {optimizer: local_search}]",
        f"output: {tmp_path / 'cli'}"]) + "\n")
    done = subprocess.run([CLI, "sweep", str(path), "--no-plots", "-q"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for name in ("trajectories.csv", "runs.csv", "curves.csv", "summary.csv", "summary.md"):
        assert (tmp_path / "py" / name).read_text() == (tmp_path / "cli" / name).read_text(), name
    assert len(result.runs) == 4


def test_an_exception_in_a_later_run_keeps_the_finished_runs(tmp_path):
    config = write_config(tmp_path, """\
name: failing
budget: 2000
runs: 3
optimizers:
  - optimizer: python:example_optimizers:RaisesInLaterRuns
    label: later
output: {out}
""".format(out=tmp_path / "out"))
    done = python_module_nhb2("sweep", str(config), "--jobs", "1", "--no-plots", cwd=tmp_path)
    assert done.returncode == 2
    assert "optimizer 'python:example_optimizers:RaisesInLaterRuns'" in done.stderr
    assert "run 1: reset() raised ValueError: cannot reset twice" in done.stderr
    assert (tmp_path / "out" / "runs" / "later" / "0.csv").exists()
    assert not (tmp_path / "out" / "runs.csv").exists()


def test_bad_python_optimizer_names_are_config_errors(tmp_path):
    for name, message in (
        ("python:no_such_module:X", "cannot import module 'no_such_module'"),
        ("python:example_optimizers:Missing", "has no attribute 'Missing'"),
        ("python:example_optimizers", "expected python:MODULE:CLASS"),
    ):
        config = write_config(tmp_path, f"optimizers: [{{optimizer: '{name}'}}]\n"
                                        f"output: {tmp_path / 'never'}\n")
        done = python_module_nhb2("sweep", str(config), cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "optimizers[0].optimizer" in done.stderr
        assert not (tmp_path / "never").exists()


def test_an_unknown_parameter_of_a_built_in_gives_the_cli_message(tmp_path):
    config = write_config(tmp_path, "optimizers:\n  - optimizer: regularized_evolution\n"
                                    "    params: {sample_sise: 3}\n"
                                    f"output: {tmp_path / 'never'}\n")
    py = python_module_nhb2("sweep", str(config), cwd=tmp_path)
    cli = subprocess.run([CLI, "sweep", str(config)], capture_output=True, text=True)
    assert py.returncode == cli.returncode == 2
    assert py.stderr.strip().splitlines()[-1] == cli.stderr.strip().splitlines()[-1]


def test_ctrl_c_stops_a_sweep_and_keeps_the_finished_runs(tmp_path):
    out = tmp_path / "out"
    config = write_config(tmp_path, f"budget: 20000\nruns: 1000000\n"
                                    f"optimizers: [{{optimizer: random_search}}]\noutput: {out}\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen([sys.executable, "-m", "nhb2", "sweep", str(config), "--jobs",
                                "1", "--no-plots"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = out / "runs" / "random_search"
    deadline = time.monotonic() + 120
    while not (runs.exists() and any(runs.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "--resume" in err
    assert any(runs.iterdir()) and not (out / "runs.csv").exists()


def test_python_m_nhb2_run_prints_the_runs_nhb2_run_returns(tmp_path):
    import json

    import example_optimizers

    done = python_module_nhb2("run", "--optimizer", "python:example_optimizers:Evolution",
                              "--param", "population_size=5", "--runs", "2", "--budget", "3000",
                              "--seed", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = nhb2.run(example_optimizers.Evolution, budget=3000, runs=2, seed=3,
                        params={"population_size": 5})
    assert json.loads(done.stdout)["runs"] == json.loads(json.dumps(expected))
    done = python_module_nhb2("run", "--budget", "nan", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == \
        "nhb2: error: budget nan must be a positive number of seconds, at most 100000000"
