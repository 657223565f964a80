"""MaskGAN and MaskMLE on COCO captions (fill in the blank).

COCO captions take the place of PTB's train split (not available here): 20
tokens, contiguous masks keeping half of each sentence. Seq2seq LSTMs with
attention, one layer of 128 units (published: two of 650); the published
rates (actor 3.9e-5, discriminator 5e-4, critic 5.2e-7), gamma 0.89. Scored
on 2,000 test captions: masked-token perplexity, % distinct 2/3/4-grams of
the fills, BLEU-2. Needs the COCO captions.
  gentk train --config=maskgan_coco --workdir=runs/maskgan_coco
Variants: `maskmle` (the baseline), `random` (random masks), `quick` (seconds).
Run time (2-core CPU): MaskMLE 6.5 minutes, adversarial phase 9 minutes,
scoring under a minute.
Expected: perplexity 174, 56.6 / 84.7 / 95.4 % distinct 2/3/4-grams, BLEU-2
0.869; `maskmle` 334 (it overfits), 55.6 / 84.3 / 95.6 %, 0.873.
Reference: Fedus et al. 2018, "MaskGAN: Better Text Generation via Filling in
the ______".
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

BATCH = 64
EPOCH = 10_000 // BATCH  # 156 steps.
# rho, the share of tokens kept: at 0 nothing is left to condition on, at 1
# no blank is left to fill (the contiguous mask would still blank one token).
PRESENT_RATE = spec.real(0, 1, open_low=True, open_high=True)._replace(
    text="a finite float in (0, 1): 0 keeps nothing to condition on, 1 "
    "leaves no blank to fill")


def _data() -> ml_collections.ConfigDict:
  """The `config.data` group: the captions."""
  data = ml_collections.ConfigDict()
  # A text corpus of gentk.data.text.
  data.corpus = spec.field("coco", spec.one_of(
      "coco", "poems", "emnlp_news", "ptb"))
  data.batch_size = spec.field(BATCH, spec.positive_int)
  # Training sentences kept (the first ones; 0: all).
  data.num_train = spec.field(0, spec.non_negative_int)
  # Tokens per sequence, the end token included (published 20).
  data.length = spec.field(20, spec.positive_int)
  return data


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the seq2seq players' sizes."""
  model = ml_collections.ConfigDict()
  model.embed_dim = spec.field(128, spec.positive_int)  # All players.
  model.hidden_dim = spec.field(128, spec.positive_int)  # LSTMs.
  # Std of the normal initialisation of every matrix.
  model.init_scale = spec.field(0.1, spec.positive_float)
  return model


def _maskgan() -> ml_collections.ConfigDict:
  """The `config.maskgan` group: the method, the masks and the returns."""
  maskgan = ml_collections.ConfigDict()
  # 'maskgan', or 'maskmle' (the baseline: MaskMLE for the whole run).
  maskgan.method = spec.field("maskgan", spec.one_of("maskgan", "maskmle"))
  # MaskMLE pre-training steps before the adversarial phase.
  maskgan.maskmle_steps = spec.field(30 * EPOCH, spec.non_negative_int)
  # rho: share of the sentence's tokens kept.
  maskgan.present_rate = spec.field(0.5, PRESENT_RATE)
  # 'contiguous' or 'random'.
  maskgan.mask_mode = spec.field("contiguous",
                                 spec.one_of("contiguous", "random"))
  # gamma of the returns (published 0.89).
  maskgan.discount = spec.field(0.89, spec.fraction)
  # Advantages clipped to [-c, c] (published 5).
  maskgan.advantage_clip = spec.field(5.0, spec.positive_float)
  return maskgan


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: the players' Adam rates."""
  optim = ml_collections.ConfigDict()
  # Adam rate of MaskMLE (the published cross-entropy runs: 7.5e-4).
  optim.g_lr = spec.field(1e-3, spec.positive_float)
  # Adam rate of the generator in the adversarial phase (published PTB
  # MaskGAN 3.9e-5; 0: optim.g_lr).
  optim.actor_lr = spec.field(3.9e-5, spec.non_negative_float)
  # Generator gradients clipped to this global norm (published 10).
  optim.g_clip = spec.field(10.0, spec.positive_float)
  # Adam rate of the discriminator (published 5e-4).
  optim.d_lr = spec.field(5e-4, spec.positive_float)
  # Adam rate of the critic (published 5.2e-7: the critic barely moves).
  optim.critic_lr = spec.field(5.2e-7, spec.positive_float)
  return optim


def _phases_in_run(config: ml_collections.ConfigDict) -> None:
  """Declares that MaskGAN's adversarial phase follows the MaskMLE steps
  inside the run."""
  spec.constraint(
      config, ("maskgan.maskmle_steps", "maskgan.method", "train.num_steps"),
      lambda steps, method, num: method != "maskgan" or steps < num,
      "{0} must be less than {2} with {1} 'maskgan': the adversarial phase "
      "follows the MaskMLE steps ({1} 'maskmle' trains MaskMLE alone)",
      fix=lambda steps, method, num: {"maskgan.maskmle_steps": num // 2},
      breaks=lambda steps, method, num: {"maskgan.method": "maskgan",
                                         "maskgan.maskmle_steps": num})


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the fills scored."""
  group = ml_collections.ConfigDict()
  # Test captions masked, scored and filled (0: all).
  group.num_test = spec.field(2_000, spec.non_negative_int)
  # n of the n-gram statistics of the fills.
  group.ngram_orders = spec.field((2, 3, 4), spec.positive_ints())
  # BLEU orders of the filled captions.
  group.bleu_orders = spec.field((2, 3, 4), spec.positive_ints())
  return group


def _quick(config: ml_collections.ConfigDict) -> None:
  """640 captions, small LSTMs, 20 steps (in place)."""
  config.data.num_train = 640
  config.model.embed_dim = 16
  config.model.hidden_dim = 16
  config.maskgan.maskmle_steps = 10
  config.train.num_steps = 20
  config.train.steps_per_call = 5
  config.train.log_every = 5
  config.train.checkpoint_every = 10
  config.eval.num_test = 200


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'maskmle', 'random',
  'quick'."""
  args = spec.variants(arg, __file__, flags=("maskmle", "random", "quick"))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("maskgan_coco")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = _data()
  config.model = _model()
  config.maskgan = _maskgan()
  config.optim = _optim()
  config.train = spec.train_group(
      num_steps=30 * EPOCH + 3_000, steps_per_call=20, log_every=100,
      checkpoint_every=1_000, keep_checkpoints=2)
  _phases_in_run(config)  # Checked before anything is written.
  config.eval = _eval()

  if "random" in args:
    config.maskgan.mask_mode = "random"
  if "quick" in args:
    _quick(config)
  if "maskmle" in args:
    config.maskgan.method = "maskmle"
  return config
