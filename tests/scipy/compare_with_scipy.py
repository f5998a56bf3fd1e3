#!/usr/bin/python3
"""Checks nhb2's statistics against scipy on the same numbers.

Usage: compare_with_scipy.py PROBE [--break]
PROBE is the statistics_probe executable; --break perturbs one reference value to show that the
comparison fails when the numbers differ. Exit 0 when every value agrees, 1 when one differs,
77 (skipped) when Debian's python3-scipy is not installed.
"""
import json
import subprocess
import sys

try:
    import numpy as np
    from scipy import stats
except ImportError as error:
    print(f"SKIPPED: scipy is not available ({error}); install python3-scipy "
          "(scripts/install-deps.sh)")
    sys.exit(77)

probe = sys.argv[1]
broken = "--break" in sys.argv[2:]
rng = np.random.RandomState(12)
requests, expected = [], []


def case(request, reference, tolerance):
    requests.append(request)
    expected.append((reference, tolerance))


def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


# Friedman on continuous scores, on rounded scores (ties), and with a clear winner.
for blocks, k, decimals in [(20, 4, None), (50, 6, 1), (8, 3, 0), (500, 6, 2)]:
    scores = rng.normal(size=(blocks, k)) + np.linspace(0, 0.6, k)
    if decimals is not None:
        scores = np.round(scores, decimals)
    result = stats.friedmanchisquare(*scores.T)
    ranks = stats.rankdata(-scores, axis=1).mean(axis=0)
    case({"friedman": scores.tolist()},
         {"statistic": result.statistic, "p": result.pvalue, "mean_ranks": ranks.tolist()}, 1e-9)

# Wilcoxon signed-rank: exact (n <= 25, no ties) and normal approximation (ties, zeros, n > 25).
for n, decimals in [(12, None), (25, None), (40, None), (60, 1), (500, 2)]:
    x = rng.normal(size=n)
    y = x + rng.normal(0.2, 1.0, size=n)
    if decimals is not None:
        x, y = np.round(x, decimals), np.round(y, decimals)
    d = x - y
    nonzero = d[d != 0]
    exact = len(nonzero) <= 25 and len(np.unique(np.abs(nonzero))) == len(nonzero) and len(nonzero) == n
    result = stats.wilcoxon(x, y, zero_method="wilcox", correction=False,
                            method="exact" if exact else "approx")
    case({"wilcoxon": {"x": x.tolist(), "y": y.tolist()}}, {"p": result.pvalue}, 1e-9)

p_values = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.8]
case({"holm": p_values}, {"adjusted": holm(p_values)}, 1e-12)

for k in [2, 3, 4, 6, 10, 15]:
    q = stats.studentized_range.ppf(0.95, k, np.inf)
    case({"studentized_range_quantile": {"p": 0.95, "k": k}}, {"q": q}, 1e-6)
    n = 500
    cd = q / np.sqrt(2) * np.sqrt(k * (k + 1) / (6 * n))
    case({"nemenyi_cd": {"k": k, "n": n, "alpha": 0.05}}, {"cd": cd}, 1e-7)

for x, df in [(0.5, 1), (3.2, 2), (11.07, 5), (40.0, 5), (120.0, 9)]:
    case({"chi2_sf": {"x": x, "df": df}}, {"sf": stats.chi2.sf(x, df)}, 1e-12)

for n in [1, 4, 7, 10, 33, 500]:
    values = rng.exponential(size=n)
    case({"iqm": values.tolist()}, {"iqm": stats.trim_mean(values, 0.25)}, 1e-12)

# The bootstrap interval: different random draws, so agreement within a tenth of the width.
values = rng.exponential(size=200)
reference = stats.bootstrap((values,), lambda v, axis: stats.trim_mean(v, 0.25, axis=axis),
                            n_resamples=10000, method="percentile", random_state=3)
width = reference.confidence_interval.high - reference.confidence_interval.low
case({"bootstrap_iqm": values.tolist()},
     {"lo": reference.confidence_interval.low, "hi": reference.confidence_interval.high},
     0.1 * width)

values = np.round(rng.normal(size=30), 1)
case({"ranks": values.tolist()}, {"ranks": stats.rankdata(-values).tolist()}, 1e-12)

values = rng.exponential(size=50)
points = [0.0, 0.1, 0.5, 1.0, float(np.median(values)), 10.0]
case({"ecdf": {"values": values.tolist(), "x": points}},
     {"ecdf": [float(np.mean(values <= x)) for x in points]}, 1e-12)

if broken:
    expected[0][0]["statistic"] *= 1.001

answers = json.loads(subprocess.run([probe], input=json.dumps(requests), capture_output=True,
                                    text=True, check=True).stdout)
failures = 0
for request, answer, (reference, tolerance) in zip(requests, answers, expected):
    name = next(iter(request))
    for key, want in reference.items():
        got = answer[key]
        want_list = want if isinstance(want, list) else [want]
        got_list = got if isinstance(got, list) else [got]
        for w, g in zip(want_list, got_list):
            scale = 1.0 if tolerance >= 1e-3 else max(1.0, abs(w))
            if not abs(w - g) <= tolerance * scale:
                failures += 1
                print(f"MISMATCH {name}.{key}: nhb2 {g!r} scipy {w!r} (tolerance {tolerance})")
print(f"{len(requests)} statistics compared with scipy {__import__('scipy').__version__}: "
      f"{failures} mismatches")
sys.exit(1 if failures else 0)
