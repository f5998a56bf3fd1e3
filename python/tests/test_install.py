"""Both documented ways to use the package: the build tree (PYTHONPATH=build/python) and
`cmake --install build --component python --prefix P`, each imported outside the source tree."""

import os
import subprocess
import sys

import nhb2
from conftest import BUILD_DIR

CHECK = ("import nhb2, nashpobench2api, warnings\n"
         "b = nhb2.Benchmark()\n"
         "assert b.source == 'synthetic'\n"
         "assert nhb2.__file__.startswith(__import__('sys').argv[1]), nhb2.__file__\n"
         "with warnings.catch_warnings():\n"
         "    warnings.simplefilter('ignore')\n"
         "    api = nashpobench2api.NASHPOBench2API(None, verbose=False)\n"
         "print(b.query(14050), api.query_by_key('0|10|210', 0.1, 256))\n")


def python_in(path, cwd, *extra):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = path
    return subprocess.run([sys.executable, "-c", CHECK, path, *extra], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_build_tree_package_imports_from_anywhere(tmp_path):
    done = python_in(os.path.join(BUILD_DIR, "python"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(nhb2.Benchmark().query(14050)) in done.stdout


def test_cmake_install_puts_an_importable_package_under_the_prefix(tmp_path):
    prefix = tmp_path / "prefix"
    done = subprocess.run(["cmake", "--install", BUILD_DIR, "--component", "python", "--prefix",
                           str(prefix)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = prefix / "lib" / version / "site-packages"
    assert (site / "nhb2" / "__init__.pyi").exists() and (site / "nhb2" / "py.typed").exists()
    assert (site / "nashpobench2api" / "utils.py").exists()
    done = python_in(str(site), tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(nhb2.Benchmark().query(14050)) in done.stdout
