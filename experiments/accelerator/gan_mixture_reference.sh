#!/usr/bin/env bash
# The PacGAN code's GAN setting (`gan_mixture.py:reference`: 400,000 steps of
# batch 100) on the grid and the ring, 5 seeds on the seed axis each, both runs
# at once on one accelerator, each cut at RUN_SECONDS (1-seed CPU pace: ~33
# steps/s, so this is a GPU budget); summary.json carries the PacGAN-protocol
# figures (median and range over the seeds). DATA picks the mixtures (default
# "grid ring"); TAG suffixes the run names, so that runs with other overrides
# keep their own workdirs, e.g. the boundary-seeking cost decayed over 100,000
# steps:
#   OUT=/tmp/reference RUN_SECONDS=500 experiments/accelerator/gan_mixture_reference.sh [overrides]
#   TAG=bs100k DATA=grid experiments/accelerator/gan_mixture_reference.sh \
#     --config.gan.generator_cost=boundary_seeking \
#     --config.train.num_steps=100000 --config.optim.final_lr_fraction=0.01
source "$(dirname "$0")/parallel_runs.sh"
for data in ${DATA:-grid ring}; do
  launch "reference_$data${TAG:+_$TAG}" "gan_mixture.py:$data,reference,seeds5" "$@"
done
wait
