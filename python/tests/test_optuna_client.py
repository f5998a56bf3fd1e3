"""The Optuna client of docs/python.md: TPE via ask/tell and the Hyperband pruner."""

import os
import sys

import pytest

import nhb2
from conftest import SOURCE_DIR

optuna = pytest.importorskip("optuna")
sys.path.insert(0, os.path.join(SOURCE_DIR, "docs", "examples", "python"))
import optuna_comparison  # noqa: E402


def test_the_documented_example_is_the_tested_file():
    with open(os.path.join(SOURCE_DIR, "docs", "python.md")) as handle:
        doc = handle.read()
    with open(optuna_comparison.__file__) as handle:
        code = handle.read()
    assert code.strip() in doc


def test_tpe_spends_the_budget_and_is_reproducible():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = nhb2.Benchmark()
    a = optuna_comparison.optuna_run(bench, seed=3, budget=4000, hyperband=False)
    b = optuna_comparison.optuna_run(bench, seed=3, budget=4000, hyperband=False)
    assert a == b and set(a) == {12, 200}


def test_hyperband_prunes_and_the_session_pays_only_the_epochs_trained():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = nhb2.Benchmark()
    seen = []
    original = bench.session

    class Spy:
        def session(self):
            s = original()
            seen.append(s)
            return s

        def query(self, *args, **kwargs):
            return bench.query(*args, **kwargs)

    optuna_comparison.optuna_run(Spy(), seed=1, budget=8000, hyperband=True)
    (session,) = seen
    epochs = session.epochs_trans
    assert min(epochs) < 12 and 12 in epochs
    for record in session.log:
        assert record["cost"] == bench.query(record["key"], iepoch=record["epochs"])[1]


def test_the_comparison_runs_optuna_next_to_built_ins():
    table = optuna_comparison.compare(runs=2, budget=3000)
    assert set(table) == {"optuna_tpe", "optuna_tpe_hyperband", "random_search",
                          "regularized_evolution"}
    assert all(len(v) == 2 and all(0 < x <= 100 for x in v) for v in table.values())
