"""Shared fixtures: the synthetic benchmark (opened once) and the nhb2 command line."""

import json
import os
import subprocess

import pytest

import nhb2

CLI = os.environ.get("NHB2_CLI", "nhb2")
SOURCE_DIR = os.environ.get(
    "NHB2_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
)
BUILD_DIR = os.environ.get("NHB2_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))


@pytest.fixture(scope="session")
def bench():
    return nhb2.Benchmark()


def run_cli(*args):
    """(exit status, stdout, stderr) of the nhb2 command line."""
    done = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def cli_json(*args):
    status, out, err = run_cli(*args, "--json")
    assert status == 0, err
    return json.loads(out)


def cli_error(*args):
    """The message the command line prints for a bad input (after 'nhb2: error: ')."""
    status, _, err = run_cli(*args)
    assert status == 2, err
    line = err.strip().splitlines()[-1]
    assert line.startswith("nhb2: error: "), err
    return line[len("nhb2: error: "):]
