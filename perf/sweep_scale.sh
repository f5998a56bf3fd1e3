#!/usr/bin/env bash
# Scale evidence for docs/performance.md: one sweep of 8 optimizers × RUNS runs (default 12,500:
# 100,000 runs) at a small budget, run (1) on one process with --jobs 2, (2) as 2 shards side by
# side plus --merge, (3) under mpirun -n 2 and (4) mpirun -n 3; wall time and peak RSS of every
# process (/usr/bin/time -v), and a check that all four output folders are byte-identical.
# Usage: perf/sweep_scale.sh NHB2 WORKDIR [RUNS]
set -euo pipefail
nhb2=$(realpath "$1")
work=$2
runs=${3:-12500}
mkdir -p "$work"
work=$(realpath "$work")
cd "$work"
rm -rf single shards mpi2 mpi3 ./*.time
cat >scale.yaml <<YAML
name: scale
budget: 2000
runs: $runs
master_seed: 1
optimizers:
  - optimizer: random_search
  - optimizer: local_search
  - optimizer: regularized_evolution
  - optimizer: reinforce
  - optimizer: hyperband
  - optimizer: asha
  - optimizer: rs_then_rea
  - optimizer: bohb_then_rea
YAML
launch=(mpirun --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)
if [ "$(id -u)" = 0 ]; then launch+=(--allow-run-as-root); fi
export OMPI_MCA_plm=isolated

report() {  # label, time -v files...
  local label=$1
  shift
  for f in "$@"; do
    printf '%-28s %-14s wall %8s  peak RSS %7.1f MB  user %7.1f s  sys %6.1f s\n' "$label" \
      "$(basename "$f" .time)" \
      "$(grep 'Elapsed (wall clock)' "$f" | awk '{print $NF}')" \
      "$(grep 'Maximum resident' "$f" | awk '{print $NF / 1024}')" \
      "$(grep 'User time' "$f" | awk '{print $NF}')" \
      "$(grep 'System time' "$f" | awk '{print $NF}')"
  done
}

mkdir single shards mpi2 mpi3
(cd single && /usr/bin/time -v -o ../single.time "$nhb2" sweep ../scale.yaml --jobs 2 --quiet \
  --no-plots --out out >/dev/null)
report "one process, --jobs 2" single.time

start=$(date +%s.%N)
(cd shards && for k in 0 1; do
  /usr/bin/time -v -o ../shard$k.time "$nhb2" sweep ../scale.yaml --shard $k/2 --jobs 1 --quiet \
    --no-plots --out out >/dev/null &
done && wait)
(cd shards && /usr/bin/time -v -o ../merge.time "$nhb2" sweep ../scale.yaml --merge --quiet \
  --no-plots --out out >/dev/null)
end=$(date +%s.%N)
report "2 shards side by side" shard0.time shard1.time
report "merge" merge.time
echo "2 shards + merge: $(echo "$end - $start" | bc) s wall in all"

for p in 2 3; do
  (cd mpi$p && "${launch[@]}" -n $p sh -c '/usr/bin/time -v -o ../mpi'$p'-rank$OMPI_COMM_WORLD_RANK.time "$0" "$@"' \
    "$nhb2" sweep ../scale.yaml --quiet --no-plots --out out >/dev/null)
  report "mpirun -n $p" mpi$p-rank*.time
done

for d in shards mpi2 mpi3; do
  diff -r single/out $d/out >/dev/null && echo "$d: identical to the single-process folder" ||
    { echo "$d: DIFFERS from the single-process folder"; exit 1; }
done
du -sh single/out | awk '{print "output folder: " $1}'
find single/out/runs -name '*.csv' | wc -l | awk '{print "checkpoints: " $1}'
