#!/usr/bin/env bash
# Runs several launcher runs at once on one accelerator (one process each,
# sharing the device), each cut at RUN_SECONDS; what each run wrote
# (summary.json, metrics.jsonl, curve / sample PNGs) and the tail of its log
# land in $OUT/<name>/. Sourced by the per-experiment scripts beside it:
#   launch NAME CONFIG[:VARIANTS] [overrides...]   (starts one run)
#   wait                                         (then waits for all)
# A run cut at RUN_SECONDS has saved a checkpoint in $WORK_ROOT/run_<name>;
# the same command resumes it. To resume in a later call on a warm device
# machine, keep the workdirs in an ignored folder of the working tree, which
# the machine keeps between calls (WORK_ROOT=.runs, listed in
# .git/info/exclude).
set -uo pipefail
out=${OUT:-/tmp/accelerator}
limit=${RUN_SECONDS:-450}
work_root=${WORK_ROOT:-/tmp}
mkdir -p "$out"
launch() {  # name config [overrides...]
  local name=$1 config=$2; shift 2
  (
    local start=$(date +%s) work="$work_root/run_$name"
    mkdir -p "$out/$name"
    timeout "$limit" python3 -m experiments.main --config="experiments/configs/$config" \
      --workdir="$work" --config.train.progress_bar=false "$@" 2>&1 \
      | grep -v '^[IW][0-9]' >> "$out/$name/log.txt"
    echo "wall $(( $(date +%s) - start )) s (limit $limit s)" >> "$out/$name/log.txt"
    cp "$work"/{summary.json,metrics.jsonl,config.json} "$work"/*.png \
      "$out/$name/" 2>/dev/null
    tail -n 12 "$out/$name/log.txt" | sed "s/^/[$name] /"
  ) &
}
