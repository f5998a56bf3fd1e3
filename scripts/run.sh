#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job on the built-in synthetic benchmark:
# the quickstart sweep (configs/quickstart.yaml), whose outputs land in results/quickstart/.
# --resume makes it re-runnable: a finished sweep is only re-reported, a missing one is run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
./build/nhb2 sweep configs/quickstart.yaml --resume "$@"
echo "Open the report in a browser: results/quickstart/report.html (docs/analysis.md explains it)"
