#!/usr/bin/env bash
# The PacGAN code's GAN setting (`gan_mixture.py:reference`: 400,000 steps of
# batch 100) on the grid and the ring, 5 seeds on the seed axis each, both runs
# at once on one accelerator, each cut at RUN_SECONDS (1-seed CPU pace: ~33
# steps/s, so this is a GPU budget); summary.json carries the PacGAN-protocol
# figures (median and range over the seeds).
#   OUT=/tmp/reference RUN_SECONDS=500 experiments/accelerator/gan_mixture_reference.sh [overrides]
source "$(dirname "$0")/parallel_runs.sh"
for data in grid ring; do
  launch "reference_$data" "gan_mixture.py:$data,reference,seeds5" "$@"
done
wait
