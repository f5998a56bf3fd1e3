"""Opening the authors' data: a folder with their three pickles is converted once (restricted
reader, nothing in the files is executed) and cached as a .nhb2 file."""

import hashlib
import os
import warnings

from . import _core

PICKLES = ("bench12.pkl", "cellinfo.pkl", "avgaccs200.pkl")


def cache_dir():
    """$NHB2_CACHE_DIR, else the C++ library's cache folder: $XDG_CACHE_HOME/nhb2 when
    XDG_CACHE_HOME is an absolute path, else ~/.cache/nhb2 ("" when there is none)."""
    return os.environ.get("NHB2_CACHE_DIR") or _core._cache_dir()


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
    A cache that cannot be used is not an error: a one-line warning says why, and the import is
    repeated next time.
    """
    cache = cache or cache_dir()
    # The C++ library's rules: NHB2_NO_CACHE turns the cache off; the folder is this user's
    # (created 0700); only a regular file of this user is read from it, and it is trusted only
    # after its checksum is verified on opening (anything else is converted again).
    if not cache or _core._cache_disabled():
        return _core._import_official(os.fspath(folder))
    path = _cache_path(folder, cache)
    if _core._own_regular_file(path):
        try:
            return _core.Benchmark(path)
        except _core.DataError:
            pass  # a damaged cache is rebuilt
    benchmark = _core._import_official(os.fspath(folder))
    problem = _core._prepare_cache_dir(cache)
    if not problem:
        try:
            benchmark.save(path)  # a complete temporary file renamed over whatever was there
        except (OSError, _core.Error) as error:
            problem = str(error)
    if problem:
        warnings.warn(f"nhb2: converted pickles not cached ({problem}); they will be converted "
                      "again next time", stacklevel=3)
    return benchmark


def has_pickles(folder):
    return all(os.path.isfile(os.path.join(folder, name)) for name in PICKLES)
