#!/usr/bin/python3
"""Writes the seed corpus of the pickle fuzz target (tests/fuzz/corpus/pickle/).

Small pickles shaped like NAS-HPO-Bench-II's bench12/cellinfo/avgaccs200 files (dicts of dicts
with tuple keys, numpy scalars) at every protocol, a few other values, and hostile pickles that the
reader must refuse. Run from anywhere with the Debian python3 (python3-numpy).
"""
import collections
import os
import pathlib
import pickle

import numpy as np

out = pathlib.Path(__file__).resolve().parent / "corpus" / "pickle"
out.mkdir(parents=True, exist_ok=True)


def write(name, value, protocol):
    (out / name).write_bytes(pickle.dumps(value, protocol=protocol))


def bench(n=3):
    keys = [("h%02d" % i, 0.1, 256, s) for i in range(n) for s in (222, 555)]
    return {
        "lr": {k: np.float64(k[1]) for k in keys},
        "batch_size": {k: np.int64(k[2]) for k in keys},
        "seed": {k: k[3] for k in keys},
        "valid_acc_0": {k: np.float32(50.5 + i) for i, k in enumerate(keys)},
        "train_time_0": {k: float(i) * 1.5 for i, k in enumerate(keys)},
        "total_test_time": {k: np.float16(2.5) for k in keys},
    }


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class Plain:
    pass


for protocol in range(0, 6):
    write("bench12_p%d.pkl" % protocol, bench(), protocol)
cellinfo = {"hash": {"0|00|000": "h00", "0|10|210": "h01", "3|33|333": "h02"}}
avgaccs = {"avg_acc": {("h00", 0.1, 256): np.float64(91.25), ("h01", 0.4, 16): 88.0}}
for protocol in (2, 4):
    write("cellinfo_p%d.pkl" % protocol, cellinfo, protocol)
    write("avgaccs200_p%d.pkl" % protocol, avgaccs, protocol)
misc = [None, True, False, -1, 2**62, -2**63, 1.5, float("nan"), "h\u00e9llo\ud800", b"\x00\xff",
        (1, (2, 3)), [1, [2]], {}, np.int8(-3), np.uint64(2**64 - 1), np.bool_(True)]
for protocol in (0, 2, 3, 4, 5):
    write("misc_p%d.pkl" % protocol, misc, protocol)
write("memo_shared_p4.pkl", [(1, 2)] * 3, 4)
# Hostile: each must be refused with DataError; nothing may run.
write("hostile_os_system_p2.pkl", Evil(), 2)
write("hostile_os_system_p4.pkl", Evil(), 4)
write("hostile_reconstructor_p0.pkl", Plain(), 0)
write("hostile_newobj_p2.pkl", Plain(), 2)
write("hostile_set_p4.pkl", {1, 2}, 4)
write("hostile_ordereddict_p4.pkl", collections.OrderedDict(a=1), 4)
write("hostile_ndarray_p4.pkl", np.arange(3), 4)
