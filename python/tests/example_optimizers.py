"""Python optimizers used by the tests (and named as python:example_optimizers:CLASS)."""

import nhb2


class RandomSearch:
    """Uniform random configs at full fidelity."""

    def reset(self, space, rng):
        self.space, self.rng = space, rng

    def ask(self):
        return nhb2.Trial(self.space.sample(self.rng), 12)

    def tell(self, trial, observation):
        pass


class Evolution:
    """Regularized evolution (population 10, sample 3) on the Python side."""

    nhb2_params = [
        {"name": "population_size", "type": "integer", "default": 10, "min": 2, "max": 10000,
         "help": "configurations kept alive"},
        {"name": "sample_size", "type": "integer", "default": 3, "min": 1, "max": 10000,
         "help": "tournament size"},
    ]

    def __init__(self, population_size=10, sample_size=3):
        self.population_size, self.sample_size = population_size, sample_size

    def reset(self, space, rng):
        self.space, self.rng, self.population = space, rng, []

    def ask(self):
        if len(self.population) < self.population_size:
            return self.space.sample(self.rng)
        picks = self.rng.choice(len(self.population), self.sample_size, replace=False)
        parent = max((self.population[i] for i in picks), key=lambda p: p[1])[0]
        return self.space.mutate(parent, self.rng)

    def tell(self, trial, observation):
        self.population.append((trial, observation.valid_acc))
        if len(self.population) > self.population_size:
            self.population.pop(0)


class LowFidelity:
    """Returns (index, epochs) pairs and stops itself after 5 trials."""

    def reset(self, space, rng):
        self.rng, self.told = rng, []

    def ask(self):
        return (int(self.rng.integers(nhb2.NUM_CONFIGS)), 3)

    def tell(self, trial, observation):
        self.told.append((trial, observation.cost))

    def finished(self):
        return len(self.told) >= 5


class Malformed:
    def reset(self, space, rng):
        pass

    def ask(self):
        return "not a trial"

    def tell(self, trial, observation):
        pass


class BadEpochs(Malformed):
    def ask(self):
        return (0, 13)


class Raises(RandomSearch):
    """Raises in tell() after three trials."""

    def reset(self, space, rng):
        super().reset(space, rng)
        self.count = 0

    def tell(self, trial, observation):
        self.count += 1
        if self.count == 3:
            raise RuntimeError("boom in tell")


class RaisesInLaterRuns(RandomSearch):
    """Fine in the first run of every process, raises from the second reset on."""

    resets = 0

    def reset(self, space, rng):
        type(self).resets += 1
        if type(self).resets > 1:
            raise ValueError("cannot reset twice")
        super().reset(space, rng)
