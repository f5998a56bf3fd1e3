"""nhb2.Benchmark, Config and the search-space functions, checked against the command line."""

import math

import numpy as np
import pytest

import nhb2
from conftest import cli_error, cli_json


def test_the_default_benchmark_is_labelled_synthetic(bench):
    info = bench.info
    assert bench.source == "synthetic" == info["source"]
    assert info["description"].startswith("synthetic")
    assert info["num_configs"] == 196608 and info["num_classes"] == 1011
    assert info["seeds"] == [222, 555, 888]
    cli = cli_json("info")
    for key in ("source", "description", "file", "checksum", "num_cellcodes", "num_classes",
                "learning_rates", "batch_sizes", "num_configs", "seeds", "epochs_per_run",
                "surrogate_epochs"):
        assert info[key] == cli[key], key


def test_a_query_answers_what_the_command_line_answers(bench):
    config = nhb2.Config("0|10|210", 0.1, 256)
    for mode, iepoch in (("valid", None), ("train", 5), ("test", 12)):
        acc, cost = bench.query(config, mode=mode, iepoch=iepoch)
        args = ["query", "0|10|210", "--lr", "0.1", "--batch-size", "256", "--mode", mode]
        if iepoch:
            args += ["--iepoch", str(iepoch)]
        expected = cli_json(*args)
        assert acc == expected["accuracy"] and cost == expected["cost_seconds"]
    acc, cost = bench.query(config, epoch=200)
    assert cost is None
    assert acc == cli_json("query", "0|10|210", "--lr", "0.1", "--batch-size", "256",
                           "--epoch", "200")["accuracy"]


def test_a_config_can_be_given_as_config_index_or_tuple(bench):
    config = nhb2.Config("0|10|210", 0.1, 256)
    assert bench.query(config) == bench.query(config.index) == bench.query(("0|10|210", 0.1, 256))
    assert bench.query(config, seed=555) != bench.query(config)


def test_conversions_between_cellcode_index_and_config():
    config = nhb2.Config("0|10|210", 0.1, 256)
    assert config.index == nhb2.cellcode_to_index("0|10|210") * 48 + 5 * 6 + 4
    assert nhb2.Config.from_index(config.index) == config
    assert config.as_tuple() == ("0|10|210", 0.1, 256)
    assert nhb2.index_to_cellcode(nhb2.cellcode_to_index("3|21|012")) == "3|21|012"
    assert nhb2.cellcode_to_index("0|00|000") == 0 and nhb2.cellcode_to_index("3|33|333") == 4095
    assert repr(config) == "Config('0|10|210', 0.1, 256)"
    assert len({config, nhb2.Config.from_index(config.index)}) == 1
    assert nhb2.Config.from_values(list(config.values)) == config


def test_canonical_class_and_model_size_match_the_command_line():
    assert nhb2.canonical_cellcode("3|33|333") == nhb2.canonical_cellcode("3|33|332")
    assert nhb2.cell_class("0|00|000") != nhb2.cell_class("3|33|333")
    assert nhb2.model_size("0|00|000") == {"params": 73610 + 243040 * 6,
                                           "flops_millions": pytest.approx(220.172938)}
    assert nhb2.model_size("3|33|333")["flops_millions"] == pytest.approx(7.836298)
    expected = cli_json("query", "2|02|302", "--lr", "0.1", "--batch-size", "256")["config"]
    assert nhb2.canonical_cellcode("2|02|302") == expected["representative"]
    assert nhb2.cell_class("2|02|302") == expected["class"]


def test_query_many_equals_the_scalar_queries(bench):
    rng = np.random.default_rng(0)
    indices = rng.integers(0, nhb2.NUM_CONFIGS, size=500)
    for kwargs in ({}, {"mode": "test", "iepoch": 7}, {"mode": "train", "seed": 888},
                   {"mode": "test"}, {"mode": "train", "iepoch": 1}):
        out = bench.query_many(indices, **kwargs)
        assert out["accuracy"].dtype == np.float64 and out["accuracy"].shape == (500,)
        for i in (0, 17, 499):
            assert (out["accuracy"][i], out["cost"][i]) == bench.query(int(indices[i]), **kwargs)
    out = bench.query_many(indices.astype(np.int32), epoch=200)
    assert out["accuracy"][3] == bench.query(int(indices[3]), epoch=200)[0]
    assert np.isnan(out["cost"]).all()
    assert bench.query_many([1, 2, 3])["accuracy"].shape == (3,)


def test_the_search_space_samples_and_mutates_with_a_numpy_generator():
    space = nhb2.SearchSpace()
    rng = np.random.default_rng(1)
    config = space.sample(rng)
    assert config in space and space.size == 196608 and space.num_free_dims == 8
    mutated = space.mutate(config, rng)
    assert sum(a != b for a, b in zip(config.values, mutated.values)) == 1
    assert len(space.neighbours(config)) == 30
    space.fix(6, 5).fix(7, 4)
    assert space.sample(rng).lr == 0.1 and space.sample(rng).batch_size == 256


# --- bad input: the exception type and the command line's message ----------------------------

def test_a_bad_cellcode_raises_the_cli_message(bench):
    expected = cli_error("query", "0|10|219", "--lr", "0.1", "--batch-size", "256")
    with pytest.raises(ValueError) as raised:
        nhb2.Config("0|10|219", 0.1, 256)
    assert str(raised.value) == expected
    assert isinstance(raised.value, nhb2.Error)
    with pytest.raises(nhb2.InvalidArgument, match="0|10|219"):
        bench.query(("0|10|219", 0.1, 256))


def test_an_lr_off_the_grid_raises_the_cli_message():
    expected = cli_error("query", "0|10|210", "--lr", "0.3", "--batch-size", "256")
    with pytest.raises(nhb2.InvalidArgument) as raised:
        nhb2.Config("0|10|210", 0.3, 256)
    assert str(raised.value) == expected
    expected = cli_error("query", "0|10|210", "--lr", "0.1", "--batch-size", "100")
    with pytest.raises(ValueError) as raised:
        nhb2.Config("0|10|210", 0.1, 100)
    assert str(raised.value) == expected


def test_iepoch_13_and_other_bad_query_options_raise_the_cli_message(bench):
    config = nhb2.Config("0|10|210", 0.1, 256)
    cases = [
        ({"iepoch": 13}, ["--iepoch", "13"]),
        ({"iepoch": 0}, ["--iepoch", "0"]),
        ({"epoch": 50}, ["--epoch", "50"]),
        ({"mode": "validation"}, ["--mode", "validation"]),
        ({"epoch": 200, "iepoch": 3}, ["--epoch", "200", "--iepoch", "3"]),
        ({"seed": 1}, ["--seed", "1"]),
    ]
    for kwargs, flags in cases:
        expected = cli_error("query", "0|10|210", "--lr", "0.1", "--batch-size", "256", *flags)
        with pytest.raises(nhb2.InvalidArgument) as raised:
            bench.query(config, **kwargs)
        assert str(raised.value) == expected, kwargs
        with pytest.raises(nhb2.InvalidArgument):
            bench.query_many([config.index], **kwargs)


def test_wrong_types_raise_type_errors(bench):
    with pytest.raises(TypeError):
        nhb2.Config(17, 0.1, 256)
    with pytest.raises(TypeError):
        bench.query_many(np.array([0.5, 1.5]))
    with pytest.raises(TypeError):
        nhb2.Benchmark(data=3)
    with pytest.raises(nhb2.Error, match="expected a config"):
        bench.query("0|10|210")
    with pytest.raises(nhb2.InvalidArgument, match="out of range"):
        bench.query(nhb2.NUM_CONFIGS)
    with pytest.raises(nhb2.InvalidArgument, match=r"indices\[1\] = -1"):
        bench.query_many([0, -1])


def test_a_missing_data_file_raises_a_data_error(tmp_path):
    missing = str(tmp_path / "missing.nhb2")
    with pytest.raises(nhb2.DataError) as raised:
        nhb2.Benchmark(missing)
    assert str(raised.value) == cli_error("info", "--data", missing)


def test_a_saved_benchmark_opens_with_the_same_answers(bench, tmp_path):
    path = tmp_path / "synthetic.nhb2"
    bench.save(str(path))
    reopened = nhb2.Benchmark(path)
    assert reopened.checksum == bench.checksum and reopened.source == "synthetic"
    assert reopened.query(12345, mode="test") == bench.query(12345, mode="test")
    assert reopened.info["file"] == str(path)
