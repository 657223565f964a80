#!/usr/bin/env bash
# The PacGAN code's GAN setting (`gan_mixture.py:reference`: 400,000 steps of
# batch 100) on the grid and the ring, 5 seeds on the seed axis each, both runs
# at once on one accelerator, each cut at RUN_SECONDS (1-seed CPU pace: ~33
# steps/s, so this is a GPU budget); summary.json carries the PacGAN-protocol
# figures (median and range over the seeds). DATA picks the mixtures (default
# "grid ring"); SETTING the setting (default reference; reference100k: 100,000
# steps, the rate decayed to 1%, 2 h on a 2-core CPU, ~4 min on one H200);
# TAG suffixes the run names, so that runs with other overrides keep their
# own workdirs, e.g. the boundary-seeking cost:
#   OUT=/tmp/reference RUN_SECONDS=500 experiments/accelerator/gan_mixture_reference.sh [overrides]
#   SETTING=reference100k TAG=bs DATA=grid experiments/accelerator/gan_mixture_reference.sh \
#     --config.gan.generator_cost=boundary_seeking
source "$(dirname "$0")/parallel_runs.sh"
setting=${SETTING:-reference}
for data in ${DATA:-grid ring}; do
  launch "${setting}_$data${TAG:+_$TAG}" "gan_mixture.py:$data,$setting,seeds5" "$@"
done
wait
