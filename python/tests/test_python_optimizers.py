"""Python optimizers through nhb2's driver: nhb2.run, seeds, bad optimizers."""

import numpy as np
import pytest

import nhb2
import example_optimizers as ex
from conftest import cli_json, cli_error


def test_optimizers_lists_the_built_ins_with_their_parameters():
    infos = {o["name"]: o for o in nhb2.optimizers()}
    assert {"random_search", "regularized_evolution", "bohb", "gp_bo"} <= set(infos)
    params = {p["name"]: p for p in infos["regularized_evolution"]["params"]}
    assert params["population_size"]["default"] == "10"
    assert params["population_size"]["type"] == "integer"
    assert params["sample_size"]["help"]


def test_run_of_a_built_in_returns_what_nhb2_run_json_returns(bench):
    runs = nhb2.run("regularized_evolution", budget=5000, runs=3, seed=7,
                    params={"population_size": 5}, benchmark=bench)
    expected = cli_json("run", "--optimizer", "regularized_evolution", "--budget", "5000",
                        "--runs", "3", "--seed", "7", "--param", "population_size=5")["runs"]
    assert runs == expected


def test_a_python_optimizer_runs_through_the_driver_reproducibly(bench):
    a = nhb2.run(ex.RandomSearch, budget=4000, runs=3, seed=1, benchmark=bench)
    b = nhb2.run(ex.RandomSearch(), budget=4000, runs=3, seed=1, benchmark=bench)
    assert a == b
    assert [r["run_seed"] for r in a] == [nhb2.run_seed(1, i) for i in range(3)]
    assert all(r["total_cost"] >= 4000 and r["trials"] > 1 for r in a)
    assert a[0]["best_key"] != a[1]["best_key"]


def test_the_python_seed_is_derived_from_the_run_seed(bench):
    seen = []

    class Recorder(ex.RandomSearch):
        def reset(self, space, rng):
            seen.append(rng.integers(1 << 62))
            super().reset(space, rng)

    nhb2.run(Recorder, budget=100, runs=2, seed=5, benchmark=bench)
    for run, value in enumerate(seen):
        expected = np.random.default_rng(nhb2.python_seed(nhb2.run_seed(5, run)))
        assert value == expected.integers(1 << 62)


def test_a_python_optimizer_can_choose_fidelities_and_finish_early(bench):
    (result,) = nhb2.run(ex.LowFidelity, budget=1e6, runs=1, benchmark=bench)
    assert result["trials"] == 5 and result["stop_reason"] == "optimizer_finished"


def test_python_evolution_with_params_runs(bench):
    runs = nhb2.run(ex.Evolution, budget=8000, runs=2, params={"population_size": 4},
                    benchmark=bench)
    assert len(runs) == 2
    made = []

    class Recording(ex.Evolution):
        def __init__(self, **kwargs):
            made.append(kwargs)
            super().__init__(**kwargs)

    nhb2.run(Recording, budget=100, runs=1, params={"sample_size": "2"}, benchmark=bench)
    assert made == [{"population_size": 10, "sample_size": 2}]


def test_python_parameters_are_checked_against_the_class_declaration(bench):
    with pytest.raises(nhb2.ConfigError) as raised:
        nhb2.run(ex.Evolution, budget=100, params={"population_sise": 4}, benchmark=bench)
    message = str(raised.value)
    assert "optimizer 'python:example_optimizers:Evolution' has no parameter " \
           "'population_sise' (did you mean 'population_size'?)" in message
    with pytest.raises(nhb2.ConfigError, match="population_size"):
        nhb2.run(ex.Evolution, budget=100, params={"population_size": 1}, benchmark=bench)
    with pytest.raises(nhb2.ConfigError, match="no parameter 'x'"):
        nhb2.run(ex.RandomSearch, budget=100, params={"x": 1}, benchmark=bench)

    class BadDeclaration(ex.RandomSearch):
        nhb2_params = [{"name": "k", "type": "number", "default": 1}]

    with pytest.raises(nhb2.ConfigError, match="has type 'number'"):
        nhb2.run(BadDeclaration, budget=100, benchmark=bench)


def test_a_malformed_trial_names_the_optimizer_and_the_run(bench):
    with pytest.raises(nhb2.Error) as raised:
        nhb2.run(ex.Malformed, budget=100, runs=1, benchmark=bench)
    message = str(raised.value)
    assert "optimizer 'python:example_optimizers:Malformed'" in message
    assert "run 0" in message and "ask() returned 'not a trial'" in message
    with pytest.raises(nhb2.Error, match="epochs 13|13"):
        nhb2.run(ex.BadEpochs, budget=100, runs=1, benchmark=bench)


def test_an_exception_in_a_python_optimizer_ends_the_run_with_its_message(bench):
    with pytest.raises(nhb2.Error) as raised:
        nhb2.run(ex.Raises, budget=1e5, runs=1, benchmark=bench)
    message = str(raised.value)
    assert "Python class 'example_optimizers:Raises'" in message
    assert "run 0: tell() raised RuntimeError: boom in tell" in message


def test_an_object_without_the_contract_is_refused(bench):
    class NoAsk:
        def reset(self, space, rng):
            pass

    with pytest.raises(nhb2.Error, match="has no ask"):
        nhb2.run(NoAsk, budget=100, runs=1, benchmark=bench)


def test_bad_run_arguments_raise_the_cli_messages(bench):
    with pytest.raises(nhb2.InvalidArgument) as raised:
        nhb2.run("random_search", budget=float("nan"), runs=1, benchmark=bench)
    assert str(raised.value) == cli_error("run", "--budget", "nan").lstrip("-")
    with pytest.raises(nhb2.ConfigError) as raised:
        nhb2.run("random_serch", budget=100, runs=1, benchmark=bench)
    assert str(raised.value) == cli_error("run", "--optimizer", "random_serch", "--budget", "100")
    with pytest.raises(nhb2.ConfigError) as raised:
        nhb2.run("regularized_evolution", budget=100, params={"sample_sise": 3}, benchmark=bench)
    assert str(raised.value) == cli_error("run", "--optimizer", "regularized_evolution",
                                          "--param", "sample_sise=3")
    with pytest.raises(ValueError, match="runs 0"):
        nhb2.run("random_search", budget=100, runs=0, benchmark=bench)
    with pytest.raises(TypeError):
        nhb2.run("random_search", budget="100", benchmark=bench)


def test_with_parallel_workers_tell_gets_back_the_object_ask_returned(bench):
    class Tracking(ex.RandomSearch):
        def reset(self, space, rng):
            super().reset(space, rng)
            self.pending, self.max_pending = set(), 0

        def ask(self):
            trial = [self.space.sample(self.rng), int(self.rng.integers(1, 13))]
            self.pending.add(id(trial))
            self.max_pending = max(self.max_pending, len(self.pending))
            self.kept = getattr(self, "kept", []) + [trial]
            return trial

        def tell(self, trial, observation):
            self.pending.remove(id(trial))  # KeyError if it were another object
            assert observation.cost > 0

    optimizer = Tracking()
    (result,) = nhb2.run(optimizer, budget=20000, runs=1, workers=4, benchmark=bench)
    assert optimizer.max_pending == 4 and result["trials"] > 10


def test_numpy_integers_and_floats_are_accepted_in_trials(bench):
    class NumpyTypes(ex.RandomSearch):
        def ask(self):
            choice = int(self.rng.integers(3))
            index = self.rng.integers(nhb2.NUM_CONFIGS)  # numpy.int64
            if choice == 0:
                return index, np.int32(6)
            if choice == 1:
                config = nhb2.Config.from_index(int(index))
                return (config.cellcode, np.float64(config.lr), np.int64(config.batch_size))
            return nhb2.Trial(int(index), epochs=12)

    (result,) = nhb2.run(NumpyTypes, budget=5000, runs=1, benchmark=bench)
    assert result["trials"] > 3


def test_epochs_out_of_range_or_of_the_wrong_type_are_refused_with_the_value(bench):
    class Huge(ex.Malformed):
        def ask(self):
            return (0, 10**12)

    with pytest.raises(nhb2.Error, match=r"epochs 1000000000000 is out of range; allowed: 1\.\.12"):
        nhb2.run(Huge, budget=100, runs=1, benchmark=bench)

    class FloatEpochs(ex.Malformed):
        def ask(self):
            return (0, 3.0)

    with pytest.raises(nhb2.Error, match="must be an integer in 1..12, got 3.0"):
        nhb2.run(FloatEpochs, budget=100, runs=1, benchmark=bench)


def test_run_with_objectives_returns_what_nhb2_run_objectives_returns(bench):
    small = {"population_size": 4}
    runs = nhb2.run("nsga2", budget=4000, runs=2, seed=3, params=small,
                    objectives=["valid_acc", "params"], benchmark=bench)
    expected = cli_json("run", "--optimizer", "nsga2", "--budget", "4000", "--runs", "2",
                        "--seed", "3", "--param", "population_size=4",
                        "--objectives", "valid_acc,params")["runs"]
    assert runs == expected
    assert nhb2.run("nsga2", budget=4000, runs=2, seed=3, params=small,
                    objectives="params,valid_acc", benchmark=bench) == runs
    # The default pair is valid_acc against cost; another pair changes what nsga2 selects.
    by_cost = nhb2.run("nsga2", budget=4000, runs=2, seed=3, params=small, benchmark=bench)
    assert by_cost == nhb2.run("nsga2", budget=4000, runs=2, seed=3, params=small,
                               objectives=("valid_acc", "cost"), benchmark=bench)
    assert by_cost != runs


def test_run_refuses_bad_objectives_naming_them(bench):
    with pytest.raises(nhb2.InvalidArgument, match="objective 'valid_acc' is given twice"):
        nhb2.run("nsga2", budget=1000, runs=1, objectives=["valid_acc", "valid_acc"],
                 benchmark=bench)
    with pytest.raises(ValueError, match="objectives.*'latency'.*allowed"):
        nhb2.run("nsga2", budget=1000, runs=1, objectives=["valid_acc", "latency"],
                 benchmark=bench)
    with pytest.raises(TypeError, match="objectives must be a list"):
        nhb2.run("nsga2", budget=1000, runs=1, objectives=["valid_acc", 3], benchmark=bench)
