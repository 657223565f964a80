r"""SeqGAN on real text: COCO image captions (Texygen's benchmark) or Chinese
poems (the SeqGAN paper's), scored by BLEU-2..5 against the test split,
self-BLEU-2..5 and the generator's NLL of the test split.

Data (`gentk.data.text`): COCO `image_coco.txt` (10,000 captions) for
training and `image_coco_test.txt` (10,000) as references, words as
Texygen's `nltk.word_tokenize` splits them (punctuation separate),
vocabulary from the training file (4,659 words + 4 special tokens), length
22 tokens with the end token (under 1% of captions are truncated to 21
words); poems `shi.txt`, every 10th poem held out as references (14,755 /
1,639), characters as tokens, length 25 (24 characters + end).
BLEU is reported against all references (`bleuN`) and against the first 500
(`bleuN_fast`, Texygen's fast mode), on 10,000 samples; self-BLEU on the
first 500 samples (Texygen's fast mode).
The schedule is the oracle config's CPU budget (`seqgan_oracle.py`: the
small discriminator, 10 pre-training d-steps, one d-step of one epoch per
adversarial step), with 80 MLE epochs and 100 adversarial steps (Texygen's
SeqGAN settings).
Run (about 40 minutes on 2 cores):
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/seqgan_text.py:coco --workdir=runs/seqgan_coco
Variants: `coco` (default) or `poems`; with `mle` (the MLE baseline: the
same pre-training only), `paper` (the published discriminator schedule),
`quick` (seconds; a smoke test).
Expected (measured 2026-11-26, shared 2-core CPU; README's SeqGAN table):
COCO BLEU-2..5 0.750 / 0.512 / 0.316 / 0.200 against all test captions
(fast mode BLEU-2 0.540), MLE 0.730 / 0.492 / 0.304 / 0.189; poems BLEU-2
0.600, MLE 0.594, real poems 0.653. References: COCO (Texygen, fast
mode) BLEU-2..5 SeqGAN 0.745 / 0.498 / 0.294 / 0.180, MLE 0.731 / 0.497 /
0.305 / 0.189, SeqGAN self-BLEU-2 0.950; poems (SeqGAN paper) BLEU-2 MLE
0.667, SeqGAN 0.739, real poems 0.746.
"""
import ml_collections

from gentk.configs import seqgan_oracle
from gentk.training import spec

LENGTHS = {"coco": 22, "poems": 25}
TRAIN_SIZES = {"coco": 10_000, "poems": 14_755}


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'coco' / 'poems', 'mle',
  'paper', 'quick'."""
  args = spec.variants(arg, __file__,
                       exclusive=(("coco", "poems"),),
                       flags=("mle", "paper", "quick"))
  corpus = "poems" if "poems" in args else "coco"
  config = seqgan_oracle.base_config()
  config.data.corpus = corpus
  config.data.length = LENGTHS[corpus]
  config.data.num_train = 0
  epoch = TRAIN_SIZES[corpus] // config.data.batch_size
  s = config.seqgan
  s.mle_steps = 80 * epoch
  config.eval.monitor_every_mle = 5 * epoch
  config.train.num_steps = s.mle_steps + s.pretrain_rounds + 100
  seqgan_oracle.apply_variants(config, args)
  if "quick" in args:
    config.data.num_train = 640
  seqgan_oracle.constraints(config)  # Checked before anything is written.
  return config
