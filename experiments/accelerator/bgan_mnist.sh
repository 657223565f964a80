#!/usr/bin/env bash
# The discrete boundary-seeking GAN on binarised MNIST on an accelerator: both
# estimators at once for STEPS generator steps (the CPU default is 2,500),
# each cut at RUN_SECONDS; summary.json carries IS / FID / KID, the rarest
# digit's share and the two estimators' gradient variance.
#   OUT=/tmp/bgan STEPS=10000 RUN_SECONDS=450 experiments/accelerator/bgan_mnist.sh [overrides]
source "$(dirname "$0")/parallel_runs.sh"
steps=${STEPS:-10000}
variant=${VARIANT:-}
for estimator in importance reinforce; do
  launch "bgan_$estimator" "bgan_mnist.py:$estimator${variant:+,$variant}" \
    --config.train.num_steps="$steps" --config.train.checkpoint_every="$steps" \
    --config.train.log_every=500 "$@"
done
wait
