"""The nashpobench2api compatibility module against facts recorded from the authors' API.

fixtures/nashpobench2api_golden.json holds what the authors' package answered to
fixtures/nashpobench2api_probe.py on the official-layout fixture (make_official_fixture.py
--classes 64); here the same probe runs on nhb2's module and every answer must be identical.
When copies of the authors' scripts are present (NHB2_NASHPOBENCH2API_SCRIPTS, default
/tmp/nashpobench2api_ref/scripts; they are not part of nhb2), they also run unmodified.
"""

import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import warnings

import pytest

from conftest import SOURCE_DIR

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SCRIPTS = os.environ.get("NHB2_NASHPOBENCH2API_SCRIPTS", "/tmp/nashpobench2api_ref/scripts")


@pytest.fixture(scope="module")
def official_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("official") / "data"
    subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tests", "fixtures",
                                                 "make_official_fixture.py"),
                    "--out", str(out), "--classes", "64"], check=True, timeout=600)
    return out


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NHB2_CACHE_DIR", str(tmp_path / "cache"))


def env_with_package(**extra):
    return dict(os.environ, **extra)


def test_the_probe_answers_exactly_what_the_authors_api_answered(official_dir, tmp_path):
    out = tmp_path / "probe.json"
    subprocess.run([sys.executable, os.path.join(FIXTURES, "nashpobench2api_probe.py"),
                    str(official_dir), str(out)], check=True, env=env_with_package(),
                   timeout=600)
    with open(os.path.join(FIXTURES, "nashpobench2api_golden.json")) as handle:
        golden = json.load(handle)
    with open(out) as handle:
        ours = json.load(handle)
    for key in golden:
        assert ours[key] == golden[key], key
    assert ours == golden


def test_the_pickles_are_converted_once_and_the_cache_follows_changes(official_dir, tmp_path):
    from nashpobench2api import NASHPOBench2API

    cache = tmp_path / "cache"
    quiet = logging.getLogger("quiet")
    first = NASHPOBench2API(str(official_dir), logger=quiet, verbose=False)
    assert len(list(cache.glob("*.nhb2"))) == 1
    second = NASHPOBench2API(str(official_dir), logger=quiet, verbose=False)
    assert first.query_by_key("0|10|210", 0.1, 256) == second.query_by_key("0|10|210", 0.1, 256)
    assert len(list(cache.glob("*.nhb2"))) == 1
    copy = tmp_path / "copy"
    shutil.copytree(official_dir, copy)
    os.utime(copy / "avgaccs200.pkl", ns=(1, 1))
    NASHPOBench2API(str(copy), logger=quiet, verbose=False)
    assert len(list(cache.glob("*.nhb2"))) == 2


def test_the_pickle_cache_follows_the_libraries_cache_rules(official_dir, tmp_path, monkeypatch):
    import stat

    from nhb2 import _official

    cache = tmp_path / "cache" / "nested"
    monkeypatch.setenv("NHB2_CACHE_DIR", str(cache))
    first = _official.open_official(official_dir)
    files = list(cache.glob("official-*.nhb2"))
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700  # a per-user folder, as the C++ cache
    # A symlink in the file's place is never read through: it is replaced by a converted file.
    target = tmp_path / "elsewhere.nhb2"
    target.write_bytes(files[0].read_bytes())
    files[0].unlink()
    files[0].symlink_to(target)
    again = _official.open_official(official_dir)
    assert not files[0].is_symlink()
    assert again.query(("0|10|210", 0.1, 256)) == first.query(("0|10|210", 0.1, 256))
    # NHB2_NO_CACHE turns it off, as for the synthetic table.
    monkeypatch.setenv("NHB2_NO_CACHE", "1")
    monkeypatch.setenv("NHB2_CACHE_DIR", str(tmp_path / "off"))
    _official.open_official(official_dir)
    assert not (tmp_path / "off").exists()
    # A cache folder that cannot be used gives a warning, not an error.
    monkeypatch.delenv("NHB2_NO_CACHE")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("NHB2_CACHE_DIR", str(blocked))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        benchmark = _official.open_official(official_dir)
    assert benchmark.query(("0|10|210", 0.1, 256)) == first.query(("0|10|210", 0.1, 256))
    assert any("not cached" in str(w.message) for w in caught)


def test_a_nhb2_file_or_a_folder_holding_one_is_accepted(tmp_path):
    import nhb2
    from nashpobench2api import NASHPOBench2API

    folder = tmp_path / "d"
    folder.mkdir()
    bench = nhb2.Benchmark()
    bench.save(str(folder / "synthetic.nhb2"))
    quiet = logging.getLogger("quiet")
    by_folder = NASHPOBench2API(str(folder), logger=quiet)
    by_file = NASHPOBench2API(str(folder / "synthetic.nhb2"), logger=quiet)
    expected = bench.query(nhb2.Config("0|10|210", 0.1, 256), mode="test", iepoch=4)
    assert by_folder.query_by_key("0|10|210", 0.1, 256, mode="test", iepoch=4) == expected
    assert by_file.query_by_key("0|10|210", 0.1, 256, mode="test", iepoch=4) == expected


def test_no_data_means_the_synthetic_benchmark_with_a_warning(tmp_path, monkeypatch):
    from nashpobench2api import NASHPOBench2API

    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="SYNTHETIC"):
        api = NASHPOBench2API(logger=logging.getLogger("quiet"))
    assert api.data_dir is None and len(api) == 196608


def test_a_missing_folder_fails_as_the_authors_api_does(tmp_path, capsys):
    from nashpobench2api import NASHPOBench2API

    with pytest.raises(FileNotFoundError) as raised:
        NASHPOBench2API(str(tmp_path / "nowhere"))
    assert str(raised.value) == \
        f"[Errno 2] No such file or directory: '{tmp_path / 'nowhere' / 'bench12.pkl'}'"
    assert "HINT: Download the API data" in capsys.readouterr().err


def test_every_default_logger_instance_adds_a_handler_as_the_authors_api_does(tmp_path, capfd):
    from nashpobench2api import NASHPOBench2API

    logger = logging.getLogger("nashpobench2api.api")
    before = len(logger.handlers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = NASHPOBench2API(None)
        NASHPOBench2API(None)
    assert len(logger.handlers) == before + 2 and logger.propagate is False
    capfd.readouterr()
    a.query_by_key("0|10|210", 0.1, 256)
    lines = capfd.readouterr().err.splitlines()
    assert lines[-1] == lines[-2] and lines[-1].endswith("0|10|210 0.10000 256")
    for handler in logger.handlers[before:]:
        logger.removeHandler(handler)


def test_iteration_logs_every_configuration(tmp_path):
    from nashpobench2api import NASHPOBench2API

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api = NASHPOBench2API(None, logger=logging.getLogger("quiet"), verbose=False)
    count = sum(1 for _ in api)
    assert count == 196608 == len(api.acc_trans)
    results = api.get_results()
    assert results["acc_trans"] is api.acc_trans and list(results)[-1] == "final_accs"


def test_iteration_is_the_sequence_protocol_even_when_the_seed_changes_midway():
    from nashpobench2api import NASHPOBench2API

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iterated = NASHPOBench2API(None, logger=logging.getLogger("quiet"), verbose=False)
        indexed = NASHPOBench2API(None, logger=logging.getLogger("quiet"), verbose=False)
    answers = []
    for i, item in enumerate(iterated):
        answers.append(item)
        if i == 5000:
            iterated.set_seed(888)
    expected = []
    i = 0
    while True:
        try:
            expected.append(indexed[i])
        except IndexError:
            break
        if i == 5000:
            indexed.set_seed(888)
        i += 1
    assert answers == expected
    for name in ("acc_trans", "key_trans", "total_cost_trans", "best_acc_trans",
                 "best_key_trans"):
        assert getattr(iterated, name) == getattr(indexed, name), name
    assert iterated.best_key == indexed.best_key and iterated.total_cost == indexed.total_cost


@pytest.mark.skipif(not os.path.isdir(SCRIPTS),
                    reason=f"the authors' scripts are not present in {SCRIPTS} (they are not "
                           "part of nhb2; set NHB2_NASHPOBENCH2API_SCRIPTS to a copy)")
def test_the_authors_scripts_run_unmodified(official_dir, tmp_path):
    work = tmp_path / "repo"
    for folder in ("test", "bench_algos"):
        (work / folder).mkdir(parents=True)
    shutil.copytree(official_dir, work / "data")
    shutil.copy(os.path.join(SCRIPTS, "test.py"), work / "test")
    for name in ("random_search.py", "rea.py", "rea_nas.py", "random_search_hpo.py",
                 "rs_then_rea.py"):
        shutil.copy(os.path.join(SCRIPTS, name), work / "bench_algos")
    done = subprocess.run([sys.executable, "test.py"], cwd=work / "test", capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ">> loop" in done.stdout and "196608" in done.stdout
    assert "in 196627 trials" in done.stderr
    with open(os.path.join(FIXTURES, "nashpobench2api_golden.json")) as handle:
        golden = json.load(handle)
    for script in ("random_search", "rea", "rs_then_rea"):
        done = subprocess.run([sys.executable, f"{script}.py", "--runs", "2", "--save_dir",
                               f"logs/{script}"], cwd=work / "bench_algos", capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, (script, done.stderr[-2000:])
        for run in range(2):
            with open(work / "bench_algos" / "logs" / script / f"seed{run}.pkl", "rb") as handle:
                results = pickle.load(handle)
            assert list(results) == ["acc_trans", "key_trans", "best_acc_trans",
                                     "best_key_trans", "total_cost_trans", "final_accs"]
            if script == "random_search":
                assert results == golden["random_search"][run]
