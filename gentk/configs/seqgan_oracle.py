"""SeqGAN on the synthetic oracle (Yu et al. 2017, Section 5), scored by
NLL-oracle on 10,000 samples.

The published oracle LSTM and generator (hidden 32, Adam 0.01, batch 64); one
run holds MLE pre-training (120 epochs), discriminator pre-training and 200
adversarial steps with 16 rollouts per token. For the 2-core budget the
discriminator is the small one (250 filters) with 1/30 of the published
updates. Needs the SeqGAN oracle (`gentk data fetch seqgan_oracle`).
  gentk train --config=seqgan_oracle --workdir=runs/seqgan_oracle
Variants: `paper` (the published discriminator schedule; for a GPU), `mle`
(the pre-training only), `quick` (seconds; a smoke test).
Run time: under an hour on 2 cores (20 minutes of MLE, ~5 s per adversarial
step); one H200 with `--config.seqgan.rollout_rate=0`: 224 s.
Expected: NLL-oracle 9.09 after MLE, 8.84 at adversarial step 30, 8.96 at
step 100 (the H200 run: 8.723 at step 30).
Reference: SeqGAN 8.736 (Yu et al. 2017, Table 1).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'paper', 'mle', 'quick'."""
  args = spec.variants(arg, __file__, flags=("paper", "mle", "quick"))
  # The fields of every SeqGAN config, at the oracle's defaults.
  config = groups.seqgan_config("seqgan_oracle")
  groups.seqgan_variants(config, args)
  groups.seqgan_constraints(config)  # Checked before anything is written.
  return config
