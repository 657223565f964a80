#!/usr/bin/env bash
# Burda et al.'s IWAE schedule (vae_mnist.py:iwae,paper: k = 50, batch 20, the
# 8 learning-rate stages) fitted to a wall-time budget on an accelerator:
#   TRAIN_SECONDS=300 BATCH=20 OUT=/tmp/iwae experiments/accelerator/iwae_paper.sh [overrides]
# 1. times the training step and the IS-5000 scoring (experiments.benchmarks.vae);
# 2. sets num_steps = steps/s x TRAIN_SECONDS (the stages keep their 3^i shares;
#    9,774,400 steps = the published 3,280 epochs);
# 3. trains and scores the 10,000 test images (summary.json).
# Extra arguments are passed to experiments.main (e.g. --config.eval.num_test=200).
set -euo pipefail
budget=${TRAIN_SECONDS:-300}
batch=${BATCH:-20}  # The published 20; a larger batch covers more epochs.
variant=${VARIANT:-iwae,paper}
out=${OUT:-/tmp/iwae_paper}
mkdir -p "$out"
python3 -m experiments.benchmarks.vae --variant="$variant" \
  --steps="${BENCH_STEPS:-20000}" --steps_per_call=1000 --batch_size="$batch" \
  --score_images="${SCORE_IMAGES:-1000}" 2>&1 | grep -v '^[IW][0-9]' | tee "$out/benchmark.txt"
rate=$(sed -n 's/^train: *\([0-9.]*\) steps\/s.*/\1/p' "$out/benchmark.txt")
full=$(( 3280 * 59600 / batch ))  # The published 3,280 epochs.
steps=$(python3 -c "print(min($full, max(1000, int($rate * $budget) // 1000 * 1000)))")
echo "num_steps=$steps of batch $batch = $(( steps * batch / 59600 )) epochs (budget ${budget} s)" \
  | tee -a "$out/benchmark.txt"
start=$(date +%s)
python3 -m experiments.main --config="experiments/configs/vae_mnist.py:$variant" \
  --workdir="$out/run" --config.train.num_steps="$steps" \
  --config.data.batch_size="$batch" --config.train.progress_bar=false "$@" 2>&1 | grep -v '^[IW][0-9]' | tail -n 30 | tee "$out/train.txt"
echo "wall (train + score) $(( $(date +%s) - start )) s" | tee -a "$out/train.txt"
cp "$out/run/summary.json" "$out/"
cp "$out/run/metrics.jsonl" "$out/"
cp "$out"/run/samples*.png "$out/samples.png" 2>/dev/null || true
