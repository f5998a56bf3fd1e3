"""Drop-in replacement for the authors' NAS-HPO-Bench-II API, answered by nhb2.

``from nashpobench2api import NASHPOBench2API`` works as with the authors' package (same
constructor, methods, attributes, return types and log output); the data come from nhb2: the
authors' pickles (converted once and cached), a .nhb2 file, or the built-in synthetic benchmark.
Differences that remain are listed in docs/python.md.
"""

from .api import NASHPOBench2API
