#!/usr/bin/python3
"""Paired comparison of two `nhb2 run --json` outputs made with the same runs and master seed.

Usage: scripts/paired-comparison.py A.json B.json [--metric test_acc_12]

Prints the mean of each, the mean paired difference A - B with its standard error, and the
two-sided paired Wilcoxon signed-rank p-value (scipy; zero differences dropped).
"""
import argparse
import json
import math
import sys

from scipy.stats import wilcoxon


def load(path, metric):
    with open(path) as f:
        runs = json.load(f)["runs"]
    return {r["run_seed"]: r[metric] for r in runs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--metric", default="test_acc_12")
    args = parser.parse_args()
    a = load(args.a, args.metric)
    b = load(args.b, args.metric)
    seeds = sorted(set(a) & set(b))
    if len(seeds) < 2 or len(seeds) != len(a) or len(seeds) != len(b):
        sys.exit("paired-comparison: the two files must hold the same runs (same run seeds)")
    d = [a[s] - b[s] for s in seeds]
    n = len(d)
    mean = sum(d) / n
    se = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1) / n)
    nonzero = [x for x in d if x != 0.0]
    p = wilcoxon(nonzero).pvalue if nonzero else 1.0
    print(f"runs {n}  {args.metric}: A {sum(a[s] for s in seeds) / n:.4f}  "
          f"B {sum(b[s] for s in seeds) / n:.4f}")
    print(f"A - B = {mean:+.4f} ± {se:.4f} (s.e.)  Wilcoxon p = {p:.4g}  "
          f"({sum(x > 0 for x in d)} A better, {sum(x < 0 for x in d)} B better, "
          f"{n - len(nonzero)} ties)")


if __name__ == "__main__":
    main()
