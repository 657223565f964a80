#!/usr/bin/env bash
# Stacked MNIST on an accelerator: DCGAN(M), DCGAN-SI(M) at two lambdas and
# PacGAN2, each SEEDS seeds on the seed axis for STEPS generator steps (batch
# 64), one after the other; RUNS picks some of them (names below). The
# summaries land in $OUT/summary_<run>.json, the logs in $OUT/log.txt.
#   STEPS=20000 SEEDS=3 OUT=/tmp/stacked experiments/accelerator/stacked_mnist.sh [overrides]
#   RUNS="dcgan_m pacgan2" ... experiments/accelerator/stacked_mnist.sh
set -uo pipefail
steps=${STEPS:-20000}
seeds=${SEEDS:-3}
out=${OUT:-/tmp/stacked}
limit=${RUN_SECONDS:-80}
per_call=${STEPS_PER_CALL:-1000}
extra=("$@")  # Overrides for every run.
mkdir -p "$out"
runs=${RUNS:-dcgan_m dcgan_si_001 dcgan_si_01 pacgan2}
run() {  # name variant [overrides...]
  local name=$1 variant=$2; shift 2
  [[ " $runs " == *" $name "* ]] || return 0
  local start=$(date +%s)
  timeout "$limit" python3 -m experiments.main \
    --config="experiments/configs/stacked_mnist.py:$variant" \
    --workdir="/tmp/stacked_$name" --config.num_seeds="$seeds" \
    --config.train.num_steps="$steps" --config.train.steps_per_call="$per_call" \
    --config.train.log_every=1000 --config.train.checkpoint_every="$steps" \
    --config.train.progress_bar=false "${extra[@]}" "$@" 2>&1 | grep -v '^[IW][0-9]' \
    | tail -n 9 | sed "s/^/[$name] /"
  echo "[$name] wall $(( $(date +%s) - start )) s"
  cp "/tmp/stacked_$name/summary.json" "$out/summary_$name.json" 2>/dev/null
}
{
  run dcgan_m dcgan_m
  run dcgan_si_001 dcgan_si --config.gan_si.weight=0.01
  run dcgan_si_01 dcgan_si --config.gan_si.weight=0.1
  run pacgan2 pacgan
} | tee "$out/log.txt"
