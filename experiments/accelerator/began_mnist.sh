#!/usr/bin/env bash
# BEGAN on MNIST on an accelerator: gamma 1, 1.5 and 2 with the MLP
# autoencoder and gamma 1.5 with the convolutional one (Adam 2e-4), lambda_k
# 1e-2, all at once for STEPS generator steps (the CPU default is 3,000; on
# the CPU 10,000 steps leave FID ~200 and the digits 0 and 6 under 5%; so
# did 50,000 on one H200, 2026-11-27: FID 180-236, rarest digit 1.1-2.9%),
# each cut at RUN_SECONDS; summary.json carries IS / FID / KID and the rarest
# digit's share (the target: every digit >= 5%). GAMMAS picks the MLP
# runs (default "1.0 1.5 2.0"); CONV=0 leaves out the convolutional one.
#   OUT=/tmp/began STEPS=50000 RUN_SECONDS=500 experiments/accelerator/began_mnist.sh [overrides]
source "$(dirname "$0")/parallel_runs.sh"
steps=${STEPS:-50000}
common=(--config.began.lambda_k=0.01 --config.train.num_steps="$steps"
        --config.train.checkpoint_every="$steps" --config.train.log_every=1000)
for gamma in ${GAMMAS:-1.0 1.5 2.0}; do
  launch "began_mlp_gamma$gamma" gan_mnist.py:began \
    --config.began.gamma="$gamma" "${common[@]}" "$@"
done
if [ "${CONV:-1}" = 1 ]; then
  launch began_conv_gamma1.5 gan_mnist.py:began --config.began.gamma=1.5 \
    --config.model.autoencoder=conv --config.optim.lr=2e-4 "${common[@]}" "$@"
fi
wait
