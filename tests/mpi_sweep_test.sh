#!/usr/bin/env bash
# mpirun -n P nhb2 sweep on localhost: outputs byte-identical to --jobs 1 for P = 2 and 3 (and P
# larger than the number of runs); a worker rank killed mid-sweep leaves a folder that --resume
# finishes to the same files.
# Usage: mpi_sweep_test.sh NHB2 MPIEXEC identical|worker-death
set -euo pipefail
nhb2=$1
mpiexec=$2
mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Localhost only, no ssh, shared memory between ranks; root needs an explicit yes (CI runs as root).
launch=("$mpiexec" --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)
if [ "$(id -u)" = 0 ]; then launch+=(--allow-run-as-root); fi
export OMPI_MCA_plm=isolated OMPI_MCA_rmaps_base_oversubscribe=1

fail() { echo "FAIL: $*" >&2; exit 1; }

same_folder() {  # every file, byte for byte, and the same set of files
  diff -r "$1" "$2" >"$work/diff.txt" 2>&1 || { head -20 "$work/diff.txt" >&2; fail "$1 differs from $2"; }
}

# Every sweep writes to "out" inside its own folder: resolved.yaml records the path as given.
in_dir() { mkdir -p "$work/$1" && cd "$work/$1"; }

case $mode in
identical)
  cat >"$work/small.yaml" <<'YAML'
name: mpi
budget: 4000
runs: 4
master_seed: 3
optimizers:
  - optimizer: random_search
  - optimizer: regularized_evolution
  - optimizer: hyperband
YAML
  cat >"$work/tiny.yaml" <<'YAML'
name: mpi_tiny
budget: 4000
runs: 1
optimizers:
  - optimizer: random_search
YAML
  in_dir ref
  "$nhb2" sweep "$work/small.yaml" --jobs 1 --quiet --no-plots --out out >/dev/null
  for p in 2 3; do
    in_dir p$p
    "${launch[@]}" -n $p "$nhb2" sweep "$work/small.yaml" --quiet --no-plots --out out \
      >"$work/p$p.log" 2>&1 || { cat "$work/p$p.log" >&2; fail "mpirun -n $p exited with $?"; }
    same_folder "$work/p$p/out" "$work/ref/out"
    echo "P = $p: identical to --jobs 1"
  done
  # More ranks than runs: the idle ranks are told to stop.
  in_dir tiny_ref
  "$nhb2" sweep "$work/tiny.yaml" --jobs 1 --quiet --no-plots --out out >/dev/null
  in_dir tiny_p3
  "${launch[@]}" -n 3 "$nhb2" sweep "$work/tiny.yaml" --quiet --no-plots --out out \
    >"$work/tiny.log" 2>&1 || { cat "$work/tiny.log" >&2; fail "mpirun -n 3 on 1 run failed"; }
  same_folder "$work/tiny_p3/out" "$work/tiny_ref/out"
  echo "P = 3 > 1 run: identical"
  # Bad input exits 2 with the usual message, on every rank.
  set +e
  "${launch[@]}" -n 2 "$nhb2" sweep "$work/small.yaml" --shard 3/2 --out "$work/bad" \
    >"$work/bad.log" 2>&1
  status=$?
  set -e
  [ $status = 2 ] || { cat "$work/bad.log" >&2; fail "bad --shard under mpirun exited $status, not 2"; }
  grep -q "allowed: K/N" "$work/bad.log" || fail "no message for a bad --shard under mpirun"
  [ ! -e "$work/bad" ] || fail "a refused sweep wrote $work/bad"
  ;;
worker-death)
  cat >"$work/long.yaml" <<'YAML'
name: mpi_death
budget: 100000
runs: 150
master_seed: 7
optimizers:
  - optimizer: random_search
  - optimizer: regularized_evolution
  - optimizer: local_search
YAML
  in_dir ref
  "$nhb2" sweep "$work/long.yaml" --jobs 2 --quiet --no-plots --out out >/dev/null
  in_dir killed
  out="$work/killed/out"
  "${launch[@]}" -n 3 "$nhb2" sweep "$work/long.yaml" --quiet --no-plots --out out \
    >"$work/killed.log" 2>&1 &
  launcher=$!
  # Wait for a few saved runs, then kill worker rank 1 with SIGKILL.
  for _ in $(seq 1 3000); do
    n=$(find "$out/runs" -name '*.csv' 2>/dev/null | wc -l || true)
    [ "$n" -ge 20 ] && break
    kill -0 $launcher 2>/dev/null || break
    sleep 0.01
  done
  victim=""
  for pid in $(pgrep -f -- "sweep $work/long.yaml" || true); do
    # grep without -q reads all its input: with -q it could stop early, and under pipefail the
    # SIGPIPE that then stops tr (the environment of an MPI rank is long) would hide the match.
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -x 'OMPI_COMM_WORLD_RANK=1' >/dev/null; then
      victim=$pid
    fi
  done
  [ -n "$victim" ] || fail "no worker rank to kill (the sweep finished too early?)"
  kill -9 "$victim"
  set +e
  wait $launcher
  status=$?
  set -e
  [ $status != 0 ] || fail "mpirun reported success although a worker rank was killed"
  [ ! -e "$out/runs.csv" ] || fail "outputs were written although runs are missing"
  saved=$(find "$out/runs" -name '*.csv' | wc -l)
  for f in $(find "$out/runs" -name '*.csv'); do
    [ "$(tail -n 1 "$f")" = END ] || fail "$f is not a complete checkpoint"
  done
  echo "worker rank killed (mpirun exit $status), $saved of 450 runs saved"
  "$nhb2" sweep "$work/long.yaml" --resume --jobs 2 --quiet --no-plots --out out >/dev/null
  same_folder "$out" "$work/ref/out"
  echo "resumed: identical to the uninterrupted sweep"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
