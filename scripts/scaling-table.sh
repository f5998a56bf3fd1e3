#!/usr/bin/env bash
# Time per run and peak memory of every built-in optimizer at budgets of 20,000, 200,000 and
# 2,000,000 simulated seconds, as the markdown rows of docs/performance.md ("Scaling").
# Usage: scripts/scaling-table.sh [NHB2_BINARY]   (default build/nhb2)
# Runs per cell: 20 at 20,000 s, 5 at 200,000 s, 1 at 2,000,000 s (set RUNS_20K, RUNS_200K,
# RUNS_2M to change them). CPU is user + system time of the whole process divided by the runs.
set -euo pipefail
nhb2=${1:-build/nhb2}
runs_for() {
  case $1 in
    20000) echo "${RUNS_20K:-20}" ;;
    200000) echo "${RUNS_200K:-5}" ;;
    2000000) echo "${RUNS_2M:-1}" ;;
  esac
}
optimizers=$("$nhb2" list | grep -E '^[a-z_]+$')
echo "| optimizer | budget (s) | runs | trials per run | CPU per run (s) | wall per run (s) | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for optimizer in $optimizers; do
  for budget in 20000 200000 2000000; do
    runs=$(runs_for "$budget")
    timing=$(mktemp)
    trials=$(/usr/bin/time -f "%U %S %e %M" -o "$timing" "$nhb2" run --optimizer "$optimizer" \
      --budget "$budget" --runs "$runs" --quiet | awk -F: '/^trials/ {split($2, a, " "); print a[1]}')
    read -r user sys wall rss < "$timing"
    rm -f "$timing"
    awk -v o="$optimizer" -v b="$budget" -v r="$runs" -v t="$trials" -v u="$user" -v s="$sys" \
      -v w="$wall" -v m="$rss" 'BEGIN { printf "| `%s` | %d | %d | %s | %.3f | %.3f | %.0f |\n",
      o, b, r, t, (u + s) / r, w / r, m / 1024 }'
  done
done
