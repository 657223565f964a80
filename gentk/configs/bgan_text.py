r"""The boundary-seeking GAN on sequences: the SeqGAN oracle (NLL-oracle) and
COCO captions (BLEU), beside SeqGAN in the README's table.

The SeqGAN configs with `seqgan.method='bgan'`: the same generator, MLE
pre-training, discriminator and schedule (`seqgan_oracle.py` /
`seqgan_text.py`: the CPU budget), but each generator update weighs
M = 20 groups of 64 sampled sequences by w = D / (1 - D) (the density
ratio at the optimal discriminator), self-normalised within each group's
M sequences (Hjelm et al. 2018, Algorithm 1), instead of rolling out 16
continuations per token. The SeqGAN default's 200 (oracle) / 100 (COCO)
adversarial steps are kept, so the comparison is at the same budget in
steps (a BGAN step costs a fraction of a SeqGAN step: no rollouts).
Run:
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/bgan_text.py:oracle --workdir=runs/bgan_oracle
Variants: `oracle` (default) or `coco`; `reinforce` (reward log w with the
leave-one-out baseline over the M sequences); `quick` (seconds; a smoke
test: no discriminator pre-training).
Time: the SeqGAN configs' pre-training (oracle 20 minutes, COCO ~30), then
3.6 s per adversarial step on the oracle (12 minutes for 200).
Expected (measured 2026-11-26, shared 2-core CPU, resuming the SeqGAN runs'
checkpoints at the end of discriminator pre-training; README's table):
oracle NLL-oracle 9.07-9.15 for 130 steps, then rising to 9.36 at step 200
(MLE 9.09, SeqGAN 8.84 at best): the normalised weights concentrate (ESS
5.5 -> 2.2 of 20) as the discriminator's accuracy reaches 0.98. COCO (100
adversarial steps, 12 minutes with an evaluation every 10): BLEU-2 0.720,
self-BLEU-2 0.732, NLL-test 6.52 (MLE 0.730 / 0.695 / 6.25; SeqGAN 0.750 /
0.748 / 6.60).
"""
import ml_collections

from gentk.configs import seqgan_oracle
from gentk.configs import seqgan_text
from gentk.training import spec

CORPORA = ("oracle", "coco")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="oracle",
                       exclusive=(CORPORA,), flags=("reinforce", "quick"))
  quick = ["quick"] if "quick" in args else []
  if "coco" in args:
    config = seqgan_text.get_config(",".join(["coco"] + quick))
  else:
    config = seqgan_oracle.get_config(",".join(quick) or None)
  config.seqgan.method = "bgan"
  if "reinforce" in args:
    config.seqgan.bgan_estimator = "reinforce"
  if "quick" in args:  # No discriminator pre-training: one compile less.
    config.seqgan.bgan_samples = 4
    config.train.num_steps -= config.seqgan.pretrain_rounds
    config.seqgan.pretrain_rounds = 0
  return config
