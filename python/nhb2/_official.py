"""Opening the authors' data: a folder with their three pickles is converted once (restricted
reader, nothing in the files is executed) and cached as a .nhb2 file."""

import hashlib
import os

from . import _core

PICKLES = ("bench12.pkl", "cellinfo.pkl", "avgaccs200.pkl")


def cache_dir():
    """$NHB2_CACHE_DIR, else $XDG_CACHE_HOME/nhb2, else ~/.cache/nhb2."""
    if os.environ.get("NHB2_CACHE_DIR"):
        return os.environ["NHB2_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nhb2")


def _cache_path(folder, cache):
    # The cache is keyed by the pickles' absolute paths, sizes and modification times: a changed
    # (or replaced) pickle gets a new cache file.
    digest = hashlib.sha256()
    for name in PICKLES:
        path = os.path.realpath(os.path.join(folder, name))
        status = os.stat(path)
        digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    return os.path.join(cache, f"official-{digest.hexdigest()[:24]}.nhb2")


def open_official(folder, cache=None):
    """The Benchmark of a folder with bench12.pkl, cellinfo.pkl and avgaccs200.pkl.

    The first call imports the pickles (seconds) and writes the .nhb2 cache into ``cache``
    (default ``cache_dir()``); later calls open the cache (milliseconds) until a pickle changes.
    A cache that cannot be written is not an error: the import is then repeated next time.
    """
    cache = cache or cache_dir()
    path = _cache_path(folder, cache)
    if os.path.exists(path):
        try:
            return _core.Benchmark(path)
        except _core.DataError:
            pass  # a damaged cache is rebuilt
    benchmark = _core._import_official(os.fspath(folder))
    try:
        os.makedirs(cache, exist_ok=True)
        benchmark.save(path)
    except (OSError, _core.Error):
        pass
    return benchmark


def has_pickles(folder):
    return all(os.path.isfile(os.path.join(folder, name)) for name in PICKLES)
