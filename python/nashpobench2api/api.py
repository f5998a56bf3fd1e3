"""NASHPOBench2API: the authors' API (yoichii/nashpobench2api) on nhb2's oracle.

The behaviour follows the authors' API, quirks included: a truthy ``seed=`` given to a query
becomes the current seed for later queries; every epoch-12 query with ``enable_log=True`` is
logged whatever its mode; ``get_results()`` returns the live log lists; each construction with the
default logger adds one stream handler to the shared logger ``nashpobench2api.api``; bad keys
raise ValueError and bad modes/iepochs AssertionError with the authors' messages.
"""

import errno
import logging
import os
import random
import warnings
from typing import Optional, Union

import nhb2
from nhb2 import _core
from nhb2._official import has_pickles, open_official

_MODES = {"train": 0, "valid": 1, "test": 2}
_HEADER = "   valid acc   cost        cellcode lr      batch_size"
_DEFAULT_DATA_DIR = "data"
_NOT_GIVEN = object()


def _open_data(data_dir):
    """The nhb2 Benchmark behind a data_dir (see NASHPOBench2API)."""
    if data_dir is None:
        warnings.warn(
            "nashpobench2api (nhb2): no data_dir given; answering from nhb2's built-in SYNTHETIC "
            "benchmark, not the real NAS-HPO-Bench-II data",
            stacklevel=3,
        )
        return _core.Benchmark()
    path = os.fspath(data_dir)
    if os.path.isfile(path) and path.endswith(".nhb2"):
        return _core.Benchmark(path)
    if os.path.isdir(path):
        if has_pickles(path):
            return open_official(path)
        files = sorted(f for f in os.listdir(path) if f.endswith(".nhb2"))
        if files:
            return _core.Benchmark(os.path.join(path, files[0]))
    # As the authors' API: the first file it would have opened is missing.
    missing = os.path.join(path, "bench12.pkl")
    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), missing)


class NASHPOBench2API:
    """The NAS-HPO-Bench-II API of the authors, answered by nhb2.

    data_dir: a folder with the authors' bench12.pkl, cellinfo.pkl and avgaccs200.pkl (imported
    once with nhb2's restricted reader and cached as .nhb2, see nhb2._official), a folder holding
    a .nhb2 file, or a .nhb2 path. Not given: 'data' if that folder holds the data, else nhb2's
    synthetic benchmark with a warning saying so. None: the synthetic benchmark.
    """

    def __init__(self, data_dir: str = _NOT_GIVEN, seed: Optional[int] = None,
                 logger: Optional[logging.Logger] = None, verbose: bool = True):
        if data_dir is _NOT_GIVEN:
            given = os.path.isdir(_DEFAULT_DATA_DIR) and (
                has_pickles(_DEFAULT_DATA_DIR)
                or any(f.endswith(".nhb2") for f in os.listdir(_DEFAULT_DATA_DIR)))
            data_dir = _DEFAULT_DATA_DIR if given else None
        self.data_dir = data_dir
        self.logger = logger
        self.verbose = verbose
        if logger is None:
            self.logger = logging.getLogger(__name__)
            self.logger.addHandler(logging.StreamHandler())
            self.logger.propagate = False
        try:
            self._benchmark = _open_data(data_dir)
        except Exception:
            self.logger.error('HINT: Download the API data from Google Drive, and set the path '
                              'like NASHPOBench2API("path/to/data")')
            raise
        self.cellcodes = [nhb2.index_to_cellcode(i) for i in range(nhb2.NUM_CELLS)]
        self.lrs = list(nhb2.learning_rates())
        self.batch_sizes = list(nhb2.batch_sizes())
        self.seeds = list(self._benchmark.seeds)
        self.epochs = [12, 200]
        self._cell_index = {c: i for i, c in enumerate(self.cellcodes)}
        self._lr_index = {lr: i for i, lr in enumerate(self.lrs)}
        self._bs_index = {bs: i for i, bs in enumerate(self.batch_sizes)}
        self._seed_index = {s: i for i, s in enumerate(self.seeds)}
        self._init_logdata()
        if seed:
            self.set_seed(seed)
        else:
            self.seed = self.seeds[0]

    # --- the search space --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.cellcodes) * len(self.lrs) * len(self.batch_sizes)

    def __str__(self) -> str:
        return "NAS-HPO-Bench-II"

    def get_key_from_idx(self, idx: int) -> dict:
        n_lrs, n_bss = len(self.lrs), len(self.batch_sizes)
        return {
            "cellcode": self.cellcodes[int(idx / (n_lrs * n_bss))],
            "lr": self.lrs[int(idx / n_bss) % n_lrs],
            "batch_size": self.batch_sizes[idx % n_bss],
        }

    def get_idx_from_key(self, key: dict) -> int:
        n_lrs, n_bss = len(self.lrs), len(self.batch_sizes)
        return (self.cellcodes.index(key["cellcode"]) * n_lrs * n_bss
                + self.lrs.index(key["lr"]) * n_bss
                + self.batch_sizes.index(key["batch_size"]))

    def __getitem__(self, idx: int) -> tuple:
        if type(idx) is not int or idx < 0:
            key = self.get_key_from_idx(idx)
            return self.query_by_key(**key)
        # The same as above for the common case (iteration): the key's values come from the
        # search-space lists, so they pass the checks; a valid, logged epoch-12 query.
        n_bss = len(self.batch_sizes)
        n_hps = len(self.lrs) * n_bss
        cellcode = self.cellcodes[idx // n_hps]
        lr = self.lrs[idx // n_bss % len(self.lrs)]
        batch_size = self.batch_sizes[idx % n_bss]
        index = self._cell_index[cellcode] * 48 + self._lr_index[lr] * 6 + self._bs_index[batch_size]
        acc, cost = self._benchmark._lookup(index, 1, 12, self._seed_index[self.seed])
        key = {"cellcode": cellcode, "lr": lr, "batch_size": batch_size}
        if self.logger.isEnabledFor(logging.DEBUG):
            self._write_log(acc, cost, key)
            return acc, cost
        # _write_log without the (disabled) debug lines, inlined: iteration calls this 196608 times.
        self.acc_trans.append(acc)
        self.key_trans.append(key)
        self.total_cost = total_cost = self.total_cost + cost
        self.total_cost_trans.append(total_cost)
        if self.best_key is None or self.best_acc < acc:
            self.best_acc = acc
            self.best_cost = cost
            self.best_key = key
        self.best_acc_trans.append(self.best_acc)
        self.best_key_trans.append(self.best_key)
        return acc, cost

    def __iter__(self):
        # The authors' class has no __iter__: `for x in api` is the sequence protocol, api[0],
        # api[1], ... until IndexError, each a logged valid query at the current seed. This
        # yields and logs the same items one by one, with the answers of a block of indices
        # fetched at once; a seed change, debug logging or resized lists fall back to api[i].
        idx = 0
        while True:
            seed = self.seed
            fast = (len(self.cellcodes), len(self.lrs), len(self.batch_sizes)) == (4096, 8, 6) \
                and idx < 196608 and not self.logger.isEnabledFor(logging.DEBUG)
            if not fast:
                try:
                    item = self[idx]
                except IndexError:
                    return
                yield item
                idx += 1
                continue
            start, stop = idx, min(idx + 4096, 196608)
            accs, costs = self._benchmark._lookup_range(start, stop, 1, 12,
                                                        self._seed_index[seed])
            cellcodes, lrs, batch_sizes = self.cellcodes, self.lrs, self.batch_sizes
            logger = self.logger
            generation = self._log_generation
            acc_append, key_append = self.acc_trans.append, self.key_trans.append
            total_append = self.total_cost_trans.append
            best_acc_append, best_key_append = self.best_acc_trans.append, self.best_key_trans.append
            for i in range(start, stop):
                # Anything that changes what api[i] would do ends the block.
                if self.seed != seed or self._log_generation != generation \
                        or self.logger is not logger or logger.isEnabledFor(logging.DEBUG):
                    break
                acc, cost = accs[i - start], costs[i - start]
                key = {"cellcode": cellcodes[i // 48], "lr": lrs[i // 6 % 8],
                       "batch_size": batch_sizes[i % 6]}
                acc_append(acc)
                key_append(key)
                self.total_cost = total_cost = self.total_cost + cost
                total_append(total_cost)
                if self.best_key is None or self.best_acc < acc:
                    self.best_acc = acc
                    self.best_cost = cost
                    self.best_key = key
                best_acc_append(self.best_acc)
                best_key_append(self.best_key)
                idx = i + 1
                yield acc, cost

    def get_random_key(self) -> dict:
        # Python's global random module, three draws in this order, as the authors' API.
        cellcode = random.choice(self.cellcodes)
        lr = random.choice(self.lrs)
        batch_size = random.choice(self.batch_sizes)
        return {"cellcode": cellcode, "lr": lr, "batch_size": batch_size}

    def get_search_space(self) -> tuple:
        return self.cellcodes, self.lrs, self.batch_sizes

    def set_seed(self, seed: int) -> None:
        if seed in self.seeds:
            self.seed = seed
        else:
            raise ValueError(f"choose a seed value from {self.seeds}.")

    # --- queries -----------------------------------------------------------------------------

    def query_by_index(self, cell_idx: int, lr_idx: int, batch_size_idx: int,
                       epoch: Union[int, str] = 12, iepoch: Optional[int] = None,
                       seed: Optional[int] = None):
        cellcode = self.cellcodes[cell_idx]
        lr = self.lrs[lr_idx]
        batch_size = self.batch_sizes[batch_size_idx]
        if seed:
            self.set_seed(seed)
        return self.query_by_key(cellcode, lr, batch_size, epoch=epoch, iepoch=iepoch)

    def query_by_key(self, cellcode: str, lr: float, batch_size: int,
                     epoch: Union[int, str] = 12, mode: str = "valid",
                     iepoch: Optional[int] = None, seed: Optional[int] = None,
                     enable_log: bool = True):
        self._check_key(cellcode, lr, batch_size, epoch)
        assert mode in ["train", "valid", "test"], ValueError(
            f"mode {mode} should be train, valid, or test")
        if epoch != 12:
            assert iepoch is None, ValueError(f"iepoch is not available in epoch {epoch}")
        if iepoch == None:  # noqa: E711 (the authors' comparison, kept for its semantics)
            iepoch = epoch
        assert iepoch <= epoch, ValueError(f"iepoch {iepoch} is graeter than epoch {epoch}")
        if seed:
            self.set_seed(seed)
        index = (self._cell_index[cellcode] * 48 + self._lr_index[lr] * 6
                 + self._bs_index[batch_size])
        key = {"cellcode": cellcode, "lr": lr, "batch_size": batch_size}
        if epoch == 12:
            if type(iepoch) is not int or iepoch < 1:
                # The authors' column look-up fails for these: f'{mode}_acc_{iepoch - 1}'.
                raise KeyError(f"{mode}_acc_{iepoch - 1}")
            acc, cost = self._benchmark._lookup(index, _MODES[mode], iepoch,
                                                self._seed_index[self.seed])
            if enable_log:
                self._write_log(acc, cost, key)
            return acc, cost
        return self._benchmark._avg_acc_200(index), None

    def get_total_cost(self):
        return self.total_cost

    def get_results(self, epoch: Union[int, str] = "both", mode: str = "test") -> dict:
        self.logger.info("-" * 23 + " finished " + "-" * 23)
        self.logger.info("The best setting is")
        self.logger.info(_HEADER)
        self.logger.info(
            f"{self.best_acc:>8.2f} %   {self.best_cost:>8.2f} sec  {self.best_key['cellcode']} "
            f"{self.best_key['lr']:<7.5f} {self.best_key['batch_size']:<3}")
        self.logger.info(f" in {len(self.key_trans)} trials ({self.total_cost:.2f} sec)")
        self.logger.info("-" * 56)
        epochs = [12, 200] if epoch == "both" else [epoch]
        self.final_accs = []
        for e in epochs:
            final_acc, _ = self.query_by_key(**self.best_key, epoch=e, mode=mode, enable_log=False)
            self.final_accs.append(final_acc)
            self.logger.info(f"{e}-epoch {mode} accuracy is {final_acc:.2f}%")
        self.logger.info("-" * 56)
        return {
            "acc_trans": self.acc_trans,
            "key_trans": self.key_trans,
            "best_acc_trans": self.best_acc_trans,
            "best_key_trans": self.best_key_trans,
            "total_cost_trans": self.total_cost_trans,
            "final_accs": self.final_accs,
        }

    def reset_logdata(self, logger: Optional[logging.Logger] = None, verbose: bool = None):
        if logger is not None:
            self.logger = logger
        if verbose is not None:
            self.verbose = verbose
        self._init_logdata()

    # --- the log -----------------------------------------------------------------------------

    def _init_logdata(self):
        self._log_generation = getattr(self, "_log_generation", 0) + 1  # new lists below
        self.acc_trans = []
        self.best_acc = -1
        self.best_acc_trans = []
        self.total_cost = 0.0
        self.total_cost_trans = []
        self.best_cost = None
        self.key_trans = []
        self.best_key = None
        self.best_key_trans = []
        self.logger.setLevel(logging.DEBUG if self.verbose else logging.INFO)

    def _write_log(self, acc, cost, key):
        acc_trans = self.acc_trans
        if self.logger.isEnabledFor(logging.DEBUG):
            if len(acc_trans) == 0:
                self.logger.debug(_HEADER)
            self.logger.debug(f"{acc:>8.2f} %   {cost:>8.2f} sec  {key['cellcode']} "
                              f"{key['lr']:<7.5f} {key['batch_size']:<3}")
        acc_trans.append(acc)
        self.key_trans.append(key)
        self.total_cost = total_cost = self.total_cost + cost
        self.total_cost_trans.append(total_cost)
        if self.best_key is None or self.best_acc < acc:
            self.best_acc = acc
            self.best_cost = cost
            self.best_key = key
        self.best_acc_trans.append(self.best_acc)
        self.best_key_trans.append(self.best_key)

    def _check_key(self, cellcode, lr, batch_size, epoch):
        try:
            known = cellcode in self._cell_index
        except TypeError:  # unhashable: the authors' list membership
            known = cellcode in self.cellcodes
        if not known:
            raise ValueError(f"choose a cellcode {cellcode} from search space.")
        try:
            known = lr in self._lr_index
        except TypeError:
            known = lr in self.lrs
        if not known:
            raise ValueError(f"choose lr from {self.lrs}.")
        try:
            known = batch_size in self._bs_index
        except TypeError:
            known = batch_size in self.batch_sizes
        if not known:
            raise ValueError(f"choose batch size from {self.batch_sizes}.")
        if epoch not in self.epochs:
            raise ValueError(f"choose epoch from {self.epochs}.")
