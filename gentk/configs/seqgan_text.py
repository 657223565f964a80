"""SeqGAN on real text: COCO captions (Texygen's benchmark) or Chinese poems,
scored by BLEU-2..5 against the test split, self-BLEU and the test NLL.

COCO: 10,000 training captions, the 10,000 test captions as references, 22
tokens; poems: every 10th held out, 25 tokens. The schedule is
seqgan_oracle's CPU budget with 80 MLE epochs and 100 adversarial steps
(Texygen's settings). Needs the text corpora (`gentk data fetch coco poems`).
  gentk train --config=seqgan_text:coco --workdir=runs/seqgan_coco
Variants: `coco` (default) or `poems`; `mle`, `paper`, `quick` (seconds).
Run time: about 40 minutes on a 2-core CPU.
Expected: COCO BLEU-2..5 0.750 / 0.512 / 0.316 / 0.200 (MLE 0.730 / 0.492 /
0.304 / 0.189); poems BLEU-2 0.600 (MLE 0.594, real poems 0.653).
References: Texygen (fast mode) SeqGAN BLEU-2..5 0.745 / 0.498 / 0.294 /
0.180; SeqGAN paper, poems BLEU-2 0.739 (MLE 0.667).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'coco' / 'poems', 'mle',
  'paper', 'quick'."""
  args = spec.variants(arg, __file__,
                       exclusive=(("coco", "poems"),),
                       flags=("mle", "paper", "quick"))
  corpus = "poems" if "poems" in args else "coco"
  config = groups.seqgan_config("seqgan_text")
  # The corpus' length and sentences, 80 MLE epochs, 100 adversarial steps.
  groups.seqgan_on_text(config, corpus)
  groups.seqgan_variants(config, args)
  groups.seqgan_constraints(config)  # Checked before anything is written.
  return config
