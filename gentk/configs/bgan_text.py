"""The boundary-seeking GAN on sequences: the SeqGAN oracle (NLL-oracle) and
COCO captions (BLEU).

The SeqGAN configs (`seqgan_oracle`, `seqgan_text`: generator, MLE
pre-training, discriminator, schedule) with `seqgan.method='bgan'`: each
generator update weighs M = 20 groups of 64 sampled sequences by w = D / (1 -
D), self-normalised within each group, instead of rolling out continuations.
  gentk train --config=bgan_text:oracle --workdir=runs/bgan_oracle
Variants: `oracle` (default) or `coco`; `reinforce` (reward log w with a
leave-one-out baseline); `quick` (seconds; a smoke test).
Run time (2-core CPU): SeqGAN's pre-training (oracle 20 minutes, COCO ~30),
then 3.6 s per adversarial step (oracle 200 steps, 12 minutes).
Expected: oracle NLL-oracle 9.07-9.15 for 130 steps, 9.36 at step 200 (MLE
9.09); COCO BLEU-2 0.720, self-BLEU-2 0.732, NLL-test 6.52 (MLE 0.730 /
0.695 / 6.25).
Reference: Hjelm et al. 2018, "Boundary-Seeking GANs", Algorithm 1.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

CORPORA = ("oracle", "coco")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="oracle",
                       exclusive=(CORPORA,), flags=("reinforce", "quick"))
  # seqgan_oracle's config, or seqgan_text's on COCO.
  config = groups.seqgan_config("bgan_text")
  if "coco" in args:
    groups.seqgan_on_text(config, "coco")
  groups.seqgan_variants(config, [a for a in args if a == "quick"])
  groups.seqgan_constraints(config)  # Checked before anything is written.
  config.seqgan.method = "bgan"
  if "reinforce" in args:
    config.seqgan.bgan_estimator = "reinforce"
  if "quick" in args:  # No discriminator pre-training: one compile less.
    config.seqgan.bgan_samples = 4
    config.train.num_steps -= config.seqgan.pretrain_rounds
    config.seqgan.pretrain_rounds = 0
  return config
