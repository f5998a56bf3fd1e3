"""python3 -m nhb2: the subcommands that involve Python optimizers.

    python3 -m nhb2 sweep CONFIG.yaml [--out DIR] [--jobs N] [--resume] [--no-plots]
    python3 -m nhb2 run --optimizer NAME|python:MODULE:CLASS [--param K=V]... [--budget S]
                        [--runs N] [--seed S] [--seed-policy P] [--workers N] [--data FILE]
    python3 -m nhb2 list
    python3 -m nhb2 info [--data FILE]

`sweep` runs the same sweep as `nhb2 sweep` and writes the same files; its optimizer entries may
also name Python optimizers (`optimizer: python:MODULE:CLASS`). Errors print
"nhb2: error: MESSAGE" and exit with status 2, as the command line does.
"""

import argparse
import json
import os
import sys

from . import _core
from ._run import run, sweep


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"nhb2: error: {message}", file=sys.stderr)
        sys.exit(2)


def _main(argv):
    parser = _Parser(prog="python3 -m nhb2", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("sweep", help="run a sweep config (Python optimizers allowed)")
    s.add_argument("config", metavar="CONFIG.yaml")
    s.add_argument("--out", "-o", metavar="DIR")
    s.add_argument("--jobs", "-j", type=int, default=0, metavar="N")
    s.add_argument("--resume", action="store_true")
    s.add_argument("--no-plots", action="store_true")
    s.add_argument("--quiet", "-q", action="store_true")
    r = commands.add_parser("run", help="runs of one optimizer (built-in or python:MODULE:CLASS)")
    r.add_argument("--optimizer", default="random_search", metavar="NAME")
    r.add_argument("--param", action="append", default=[], metavar="K=V")
    r.add_argument("--budget", type=float, default=20000.0, metavar="SECONDS")
    r.add_argument("--runs", type=int, default=10, metavar="N")
    r.add_argument("--seed", type=int, default=0, metavar="S")
    r.add_argument("--seed-policy", default="fixed", metavar="P")
    r.add_argument("--workers", type=int, default=1, metavar="N")
    r.add_argument("--data", metavar="FILE")
    commands.add_parser("list", help="the built-in optimizers and their parameters")
    i = commands.add_parser("info", help="the benchmark's source and dimensions")
    i.add_argument("--data", metavar="FILE")
    args = parser.parse_args(argv)

    if args.command == "sweep":
        if args.jobs < 0:
            raise _core.InvalidArgument(f"--jobs {args.jobs} must be in [1, 256]")
        if not args.quiet:
            print(f"nhb2 sweep {args.config} (Python)", file=sys.stderr)
        result = sweep(args.config, out=args.out, jobs=args.jobs, resume=args.resume,
                       plots=not args.no_plots)
        if result.plot_warning:
            print(f"nhb2: warning: {result.plot_warning}", file=sys.stderr)
        sys.stdout.write(result.summary_md)
        names = ", ".join(sorted(
            (n for n in result.files if n != "summary.md"),
            key=["trajectories.csv", "runs.csv", "curves.csv", "summary.csv", "curves.svg",
                 "curves.png", "resolved.yaml"].index))
        print(f"\nwrote {result.output}/{{{names.replace('summary.csv', 'summary.md, summary.csv')}}}")
    elif args.command == "run":
        params = {}
        for text in args.param:
            name, sep, value = text.partition("=")
            if not sep:
                raise _core.ConfigError(f"--param '{text}' is not of the form name=value")
            params[name] = value
        sys.path.insert(0, os.getcwd())
        runs = run(args.optimizer, budget=args.budget, runs=args.runs, seed=args.seed,
                   params=params, data=args.data, seed_policy=args.seed_policy,
                   workers=args.workers)
        print(json.dumps({"optimizer": args.optimizer, "runs": runs}, indent=2))
    elif args.command == "list":
        for info in _core.optimizers():
            print(f"{info['name']}: {info['summary']}")
            for p in info["params"]:
                print(f"  {p['name']} ({p['allowed']}, default {p['default']}): {p['help']}")
    elif args.command == "info":
        info = _core.Benchmark(args.data).info
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


def main(argv=None):
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except _core.Error as error:
        print(f"nhb2: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nhb2: interrupted; a sweep keeps every finished run in its output folder's runs/ "
              "(finish it with --resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
