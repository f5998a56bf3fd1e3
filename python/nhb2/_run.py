"""nhb2.run and nhb2.sweep: nhb2's driver and sweep runner with built-in and Python optimizers."""

import csv
import importlib
import math
import os
import sys

from . import _core

_PREFIX = "python:"


def python_seed(run_seed):
    """The seed of the numpy Generator a Python optimizer receives in run ``run_seed``.

    It is the first 64-bit output of the run's optimizer stream (the mt19937_64 engine that a
    built-in optimizer of the same run draws from): ``rng = numpy.random.default_rng(seed)``.
    Run i of a sweep or of ``run()`` has ``run_seed = nhb2.run_seed(master_seed, i)``.
    """
    return _core._python_seed(run_seed)


def _resolve(name, where="optimizer"):
    """The class that ``python:module:Class`` names (imported now)."""
    parts = name[len(_PREFIX):].split(":")
    if len(parts) != 2 or not all(parts):
        raise _core.ConfigError(
            f"{where} '{name}' is not a Python optimizer name; expected python:MODULE:CLASS, "
            "e.g. python:my_optimizers:RandomSearch"
        )
    module_name, class_name = parts
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the module's own import errors, reported with their type
        raise _core.ConfigError(
            f"{where} '{name}': cannot import module '{module_name}': "
            f"{type(error).__name__}: {error}"
        ) from error
    target = module
    for attribute in class_name.split("."):
        if not hasattr(target, attribute):
            raise _core.ConfigError(
                f"{where} '{name}': module '{module_name}' has no attribute '{class_name}'"
            )
        target = getattr(target, attribute)
    if not callable(target):
        raise _core.ConfigError(f"{where} '{name}': '{class_name}' is not a class or callable")
    return target


def _python_name(optimizer):
    target = optimizer if isinstance(optimizer, type) else type(optimizer)
    return f"{_PREFIX}{target.__module__}:{target.__qualname__}"


def run(optimizer, budget=20000.0, runs=10, seed=0, params=None, data=None,
        seed_policy="fixed", workers=1, benchmark=None, objectives=None):
    """Runs an optimizer ``runs`` times through nhb2's driver; returns one dict per run.

    ``optimizer``: a registry name (``nhb2.optimizers()``), ``"python:MODULE:CLASS"``, a Python
    optimizer class (instantiated once per run with the resolved ``params`` as keyword
    arguments; the class declares them in ``nhb2_params``, see docs/python.md) or an object
    (reset at the start of every run). Run i uses ``nhb2.run_seed(seed, i)``, as
    ``nhb2 run`` does, so results are paired with built-ins. Each dict has the keys of
    ``nhb2 run --json``'s runs: run, run_seed, best_key, best_valid_acc, trials, total_cost,
    wallclock, test_acc_12, test_acc_200, stop_reason.

    ``objectives``: for the multi-objective optimizers, as ``nhb2 run --objectives``: a pair
    such as ``["valid_acc", "params"]`` (or the text ``"valid_acc,params"``), valid_acc and one
    of cost, params, flops; ``None`` is valid_acc against cost (docs/multi_objective.md).
    """
    if benchmark is None:
        benchmark = _core.Benchmark(data)
    elif data is not None:
        raise TypeError("give either data or benchmark, not both")
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise TypeError(f"budget must be a number of seconds, got {budget!r}")
    if objectives is None:
        objectives_text = ""
    elif isinstance(objectives, str):
        objectives_text = objectives
    elif isinstance(objectives, (list, tuple)) and all(isinstance(o, str) for o in objectives):
        objectives_text = ",".join(objectives)
    else:
        raise TypeError(f"objectives must be a list of objective names such as "
                        f"['valid_acc', 'params'], got {objectives!r}")
    python = {}
    if isinstance(optimizer, str) and not optimizer.startswith(_PREFIX):
        name = optimizer
    else:
        if isinstance(optimizer, str):
            name, target = optimizer, _resolve(optimizer)
        else:
            name, target = _python_name(optimizer), optimizer
        if isinstance(target, type) or (callable(target) and not hasattr(target, "ask")):
            # A class: one object per run, made with the resolved parameters.
            python[name] = (target, getattr(target, "nhb2_params", None))
        else:
            python[name] = (lambda **_: target, None)
    return benchmark._run(name, python, params, float(budget), int(runs), int(seed),
                          seed_policy, int(workers), objectives_text)


def _read_csv(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(line for line in handle if not line.startswith("#")))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    return [dict(zip(header, (_number(v) for v in row))) for row in body]


def _number(text):
    try:
        value = int(text)
        return value
    except ValueError:
        pass
    try:
        value = float(text)
        return value if not math.isnan(value) or text.lower() == "nan" else text
    except ValueError:
        return text


class SweepResult:
    """What a sweep wrote, read back: ``runs``, ``summary`` and ``curves`` (lists of row dicts
    with numbers as int/float; pandas DataFrames with ``as_dataframes()`` when pandas is
    installed) and ``trajectories()`` (read on demand: it can be large). ``output`` is the
    folder; ``files`` the paths of what was written."""

    def __init__(self, output, labels):
        self.output = output
        self.labels = list(labels)
        self.files = {
            name: os.path.join(output, name)
            for name in ("trajectories.csv", "runs.csv", "curves.csv", "summary.csv",
                         "summary.md", "resolved.yaml", "curves.svg", "curves.png")
            if os.path.exists(os.path.join(output, name))
        }
        self.runs = _read_csv(self.files["runs.csv"])
        self.summary = _read_csv(self.files["summary.csv"])
        self.curves = _read_csv(self.files["curves.csv"])
        with open(self.files["summary.md"]) as handle:
            self.summary_md = handle.read()

    def trajectories(self):
        return _read_csv(self.files["trajectories.csv"])

    def as_dataframes(self):
        """{'runs', 'summary', 'curves', 'trajectories'} as pandas DataFrames."""
        import pandas  # optional dependency

        read = lambda name: pandas.read_csv(self.files[name], comment="#")
        return {key: read(f"{key}.csv") for key in ("runs", "summary", "curves", "trajectories")}

    def __repr__(self):
        return f"<nhb2.SweepResult {self.output}: {len(self.runs)} runs of {', '.join(self.labels)}>"


def _python_optimizers(document, label):
    """{name: (class, its nhb2_params)} for every python:MODULE:CLASS the config names."""
    found = {}
    entries = document.get("optimizers") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return found
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        name = entry.get("optimizer")
        if isinstance(name, str) and name.startswith(_PREFIX) and name not in found:
            target = _resolve(name, f"{label}: key 'optimizers[{index}].optimizer':")
            found[name] = (target, getattr(target, "nhb2_params", None))
    return found


def sweep(config, out=None, jobs=0, resume=False, plots=True):
    """Runs a sweep config (a YAML path or the same content as a dict) like ``nhb2 sweep``.

    The same files are written (trajectories.csv, runs.csv, curves.csv, summary.md/.csv,
    plots, resolved.yaml) in the config's ``output`` folder or ``out``. Optimizer entries may
    name Python optimizers as ``python:MODULE:CLASS`` (imported from sys.path; the config's
    folder and the working directory are searched first). Returns a SweepResult.
    """
    import yaml

    if isinstance(config, dict):
        text = yaml.safe_dump(config, sort_keys=False)
        label = "<dict>"
        folder = os.getcwd()
    else:
        label = os.fspath(config)
        try:
            with open(label) as handle:
                text = handle.read()
        except OSError as error:
            raise _core.ConfigError(f"cannot read config {label}: {error.strerror}") from None
        folder = os.path.dirname(os.path.abspath(label))
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        document = None  # nhb2's own parser reports it with the line and column
    added = [p for p in (folder, os.getcwd()) if p not in sys.path]
    sys.path[:0] = added
    try:
        python = _python_optimizers(document, label)
    finally:
        for path in added:
            sys.path.remove(path)
    outcome = _core._sweep(text, label, python, out, int(jobs), bool(resume), bool(plots))
    if not outcome["complete"]:
        raise _core.Error(
            f"sweep interrupted: {outcome['runs_done']} of {outcome['runs_total']} runs are "
            f"complete and saved in {outcome['output']}/runs/"
        )
    result = SweepResult(outcome["output"], outcome["labels"])
    result.plot_warning = outcome["plot_warning"]
    result.runs_resumed = outcome["runs_resumed"]
    return result
