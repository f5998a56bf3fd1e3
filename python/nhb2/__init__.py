"""nhb2 from Python: NAS-HPO-Bench-II queries, optimizer runs and sweeps.

Quick start::

    import nhb2
    bench = nhb2.Benchmark()                      # the built-in synthetic benchmark
    acc, cost = bench.query(nhb2.Config("0|10|210", 0.1, 256))

``Benchmark(data=None)`` opens the synthetic default or a ``.nhb2`` file; ``Session`` logs
queries with the reference API's semantics; ``Benchmark.query_many`` answers numpy arrays of
config indices; ``optimizers()``, ``run()`` and ``sweep()`` drive nhb2's optimizers and Python
ones (any object with ``reset(space, rng)``, ``ask()``, ``tell(trial, observation)``).
Errors raise ``nhb2.Error`` (``InvalidArgument`` and ``ConfigError`` are also ``ValueError``)
with the message the ``nhb2`` command line prints. See docs/python.md.
"""

from ._core import (
    NUM_CELLS,
    NUM_CONFIGS,
    Benchmark,
    Config,
    ConfigError,
    DataError,
    Error,
    InvalidArgument,
    Observation,
    PluginError,
    SearchSpace,
    Session,
    Trial,
    __version__,
    batch_sizes,
    canonical_cellcode,
    cell_class,
    cellcode_to_index,
    index_to_cellcode,
    learning_rates,
    model_size,
    optimizers,
    run_seed,
)
from ._space import install as _install_space_helpers
from ._run import SweepResult, python_seed, run, sweep

_install_space_helpers()

__all__ = [
    "NUM_CELLS",
    "NUM_CONFIGS",
    "Benchmark",
    "Config",
    "ConfigError",
    "DataError",
    "Error",
    "InvalidArgument",
    "Observation",
    "PluginError",
    "SearchSpace",
    "Session",
    "SweepResult",
    "Trial",
    "__version__",
    "batch_sizes",
    "canonical_cellcode",
    "cell_class",
    "cellcode_to_index",
    "index_to_cellcode",
    "learning_rates",
    "model_size",
    "optimizers",
    "python_seed",
    "run",
    "run_seed",
    "sweep",
]
