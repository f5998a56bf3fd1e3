"""Python-side helpers added to the C++ classes: random sampling and mutation with a numpy
Generator (the ``rng`` a Python optimizer's ``reset`` receives), and ``Benchmark.session``."""

from ._core import Benchmark, Config, SearchSpace, Session

_DIM_SIZES = tuple(SearchSpace.dim_sizes)


def _sample(self, rng):
    """A uniformly random config of this space (fixed dimensions keep their value)."""
    values = [
        self.fixed_value(dim) if self.is_fixed(dim) else int(rng.integers(size))
        for dim, size in enumerate(_DIM_SIZES)
    ]
    return Config.from_values(values)


def _mutate(self, config, rng):
    """The reference REA mutation: one free dimension uniformly, then a different value."""
    free = [d for d, size in enumerate(_DIM_SIZES) if not self.is_fixed(d) and size > 1]
    if not free:
        raise ValueError("mutate needs a free dimension with two or more values")
    dim = free[int(rng.integers(len(free)))]
    values = list(config.values)
    new = int(rng.integers(_DIM_SIZES[dim] - 1))
    if new >= values[dim]:
        new += 1
    values[dim] = new
    return Config.from_values(values)


def _session(self, seed_policy="fixed", seed=None, rng_seed=0):
    """A new Session (query log, incumbent, results) on this benchmark."""
    return Session(self, seed_policy=seed_policy, seed=seed, rng_seed=rng_seed)


def install():
    SearchSpace.sample = _sample
    SearchSpace.mutate = _mutate
    Benchmark.session = _session
