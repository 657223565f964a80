"""The groups shipped configs are built from; a researcher's own config file
imports them too.

Each function here returns one group of a config (a `ConfigDict` whose every
field is declared with its check, `gentk.training.spec.field`, and documented
by its comment) or declares relations between fields (`spec.constraint`), so
that the configs sharing a group share its fields, checks and comments. A
config file assembles them; the shipped configs import this module, never
one another. A config file of your own, e.g. `my_configs/wide.py`
(`gentk train --config=my_configs/wide.py:quick`):

  from gentk.configs import groups
  from gentk.training import spec

  def get_config(arg=None):
    args = spec.variants(arg, __file__, default="ring",
                         exclusive=(groups.MIXTURE_DATASETS,),
                         flags=("quick",))
    # gan_mixture's fields and recipe, the variants applied ...
    config = groups.mixture_config("gan_mixture", args)
    config.gan = groups.gan_group()
    # ... with wider players and Adam decaying to a tenth of its rate.
    config.model.generator_hidden = (256, 256)
    config.optim = groups.adam_group(lr=1e-3, b1=0.5, final_lr_fraction=0.1)
    return config

The families: every config (`experiment`: the recipe of a shipped config,
from `gentk.configs.RECIPES`), Adam (`adam_group`), MNIST digits
(`digits_group`, `binary_digits_group`), adversarial training
(`adversarial_group`, `generator_cost`), the 2-D mixtures of the PacGAN
protocol (`mixture_*`, `gan_group`), the mode-coverage methods
(`pacgan_group`, `whole_packs`, `gan_si_group`, `adagan_group`), SeqGAN
(`seqgan_*`) and the Boltzmann machines (`boltzmann_*`). The check
vocabulary, the constraint builders and `train_group` are
`gentk.training.spec`'s.
"""
import ml_collections

from gentk.training import spec


def experiment(config_name: str) -> spec.Checked:
  """The `config.experiment` field of the shipped config `config_name` (a
  module name, dotted or not): its recipe in `gentk.configs.RECIPES`, checked
  to be a module of gentk/recipes.

  Raises:
    ValueError: `config_name` is not in the table, or its runner reads no
      recipe (entry None).
  """
  from gentk import configs  # pylint: disable=g-import-not-at-top
  name = config_name.rpartition(".")[2]
  recipe = configs.RECIPES.get(name)
  if recipe is None:
    raise ValueError(
        f"config {name!r} has no recipe in gentk.configs.RECIPES: a config "
        "of your own declares config.experiment = spec.field('<recipe>', "
        "spec.module_in('gentk.recipes')).")
  # module of gentk/recipes.
  return spec.field(recipe, spec.module_in("gentk.recipes"))


# ------------------------------------------------------------ optimizers


def adam_group(*, lr: float, b1: float, b2: float = 0.999,
               final_lr_fraction: float | None = None
               ) -> ml_collections.ConfigDict:
  """The `config.optim` group of Adam that `gentk.optim.optimizer`
  reads, every field declared with its check (`final_lr_fraction`: a cosine
  decay to lr * it over the run; None: a constant rate)."""
  optim = ml_collections.ConfigDict()
  optim.lr = spec.field(lr, spec.positive_float)  # Adam rate.
  if final_lr_fraction is not None:
    # Cosine decay to lr * this at the last step (1: a constant rate).
    optim.final_lr_fraction = spec.field(final_lr_fraction, spec.real(0, 1))
  optim.b1 = spec.field(b1, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(b2, spec.fraction)  # Adam beta2.
  return optim


# ---------------------------------------------------------------- digits


def digits_group(*, batch_size: int) -> ml_collections.ConfigDict:
  """The `config.data` group of MNIST recipes that read grey-level digits
  (`source`, `train_split`, `test_split`, `batch_size`), every field declared
  with its check."""
  split = spec.tfds_split("train", "test")  # MNIST's splits.
  data = ml_collections.ConfigDict()
  # 'mnist' (TFDS), 'segments' (seven-segment digits) or 'auto'.
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  data.train_split = spec.field("train", split)  # Trained on.
  data.test_split = spec.field("test", split)  # Scored.
  # Examples per step.
  data.batch_size = spec.field(batch_size, spec.positive_int)
  return data


def sampled_digits_group(*, batch_size: int = 64
                         ) -> ml_collections.ConfigDict:
  """The `config.data` group of the image GANs that draw batches from the
  first `num_train` digits of one split (`source`, `train_split`,
  `num_train`, `batch_size`), every field declared with its check."""
  data = ml_collections.ConfigDict()
  # 'mnist', 'segments' (seven-segment digits, no files) or 'auto' (MNIST
  # when $GENTK_DATA_DIR holds it, else segments).
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  # TFDS split the batches are drawn from.
  data.train_split = spec.field("train", spec.tfds_split("train", "test"))
  # Keep the first N images of it (0: all).
  data.num_train = spec.field(0, spec.non_negative_int)
  # Real (and fake) examples per step.
  data.batch_size = spec.field(batch_size, spec.positive_int)
  return data


def binary_digits_constraints(config: ml_collections.ConfigDict) -> None:
  """Declares the relations of `binary_digits_group`'s splits (`config.data`)
  and `config.eval.num_test`: the validation images leave training images,
  and the test images scored are in the test split."""
  spec.held_out_of_split(config, "data.num_valid", "data.train_split")
  spec.within_split(config, "eval.num_test", "data.test_split")


def binary_digits_group(*, batch_size: int = 100, num_valid: int = 400
                        ) -> ml_collections.ConfigDict:
  """The `config.data` group of the binarised-MNIST likelihood models
  (`gentk.data.digits.binary_digits` reads it), every field declared with
  its check."""
  split = spec.tfds_split("train", "test")  # MNIST's splits.
  data = ml_collections.ConfigDict()
  # Examples per step.
  data.batch_size = spec.field(batch_size, spec.positive_int)
  # Split trained on; its last `num_valid` images are held out.
  data.train_split = spec.field("train", split)
  # Validation images held out from the train split (IWAE: 400).
  data.num_valid = spec.field(num_valid, spec.positive_int)
  # Split scored.
  data.test_split = spec.field("test", split)
  # 'dynamic' (Bernoulli pixels drawn in every step) or 'static' (once).
  data.binarization = spec.field("dynamic", spec.one_of("dynamic", "static"))
  # PRNG seed of the static binarisation of the training images.
  data.static_seed = spec.field(0, spec.non_negative_int)
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no files) or 'auto' (MNIST when present; resolved when the experiment is
  # built and recorded in config.json).
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  return data


# ------------------------------------------------------ adversarial training

# The generator costs of gentk.losses.adversarial.GENERATOR_LOSSES.
GENERATOR_COSTS = ("minimax", "nonsaturating", "maximum_likelihood",
                   "boundary_seeking")


def generator_cost(value: str = "nonsaturating") -> spec.Checked:
  """A GAN generator cost field: 'minimax', 'nonsaturating',
  'maximum_likelihood' or 'boundary_seeking' (`GENERATOR_COSTS`)."""
  return spec.field(value, spec.one_of(*GENERATOR_COSTS))


def adversarial_group() -> ml_collections.ConfigDict:
  """The `config.adversarial` group of the two-player schedule
  (`gentk.recipes.adversarial_methods.adversarial_schedule` reads it); its
  relation to the run: `spec.pretrain_in_run`."""
  adversarial = ml_collections.ConfigDict()
  # k discriminator steps per generator step.
  adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the discriminator alone (0: none).
  adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)
  return adversarial


# ------------------------------------------------------------ 2-D mixtures
# The PacGAN protocol's experiments: gan_mixture, adversarial_mixture,
# mode_mixture and game_dynamics' GAN runs.

MIXTURE_DATASETS = ("grid", "ring")
MIXTURE_FLAGS = ("quick", "seeds5")
# Players and schedules; `reference` and `reference100k` are whole settings:
# they take neither other players nor another schedule.
MIXTURE_SETTINGS = ("bn_maxout", "long", "reference", "reference100k")
REFERENCES = ("reference", "reference100k")
MIXTURE_SETTING_GROUPS = (("bn_maxout", *REFERENCES), ("long", *REFERENCES))
LONG_STEPS = 80_000  # The `long` schedule's generator steps.
REFERENCE_STEPS = 400_000  # 400 epochs of 100,000 points, batch 100.
# `reference100k`: a quarter of them, Adam's rate cosine-decayed to 1%.
REFERENCE100K_STEPS = 100_000


def mixture_data(args) -> ml_collections.ConfigDict:
  """The `config.data` group: the mixture (`grid`, or `ring` among `args`)
  and the batch."""
  data = ml_collections.ConfigDict()
  data.name = spec.field("ring" if "ring" in args else "grid",
                         # Mixture name ('line': 1-D, for demos).
                         spec.one_of(*MIXTURE_DATASETS, "line"))
  # Real (and fake) examples per step.
  data.batch_size = spec.field(256, spec.positive_int)
  return data


def mixture_model(args) -> ml_collections.ConfigDict:
  """The `config.model` group: the MLP players
  (`gentk.recipes.adversarial_methods.mixture_players` reads it)."""
  model = ml_collections.ConfigDict()
  model.latent_dim = spec.field(2 if "ring" in args else 4,
                                spec.positive_int)  # Dimension of z.
  # Generator MLP widths.
  model.generator_hidden = spec.field((128, 128, 128), spec.positive_ints())
  # Discriminator widths.
  model.discriminator_hidden = spec.field((128, 128, 128),
                                          spec.positive_ints())
  # Batch-normalise the generator's hidden layers.
  model.generator_batch_norm = spec.field(False, spec.boolean)
  # P > 1: maxout discriminator units of P pieces (1: ReLU).
  model.discriminator_maxout = spec.field(1, spec.positive_int)
  # Std of both players' normal kernel initialisation (0: Flax's default,
  # LeCun normal).
  model.init_std = spec.field(0.0, spec.non_negative_float)
  return model


def gan_group() -> ml_collections.ConfigDict:
  """The `config.gan` group of the plain GAN (`gentk.recipes.gan_mixture`
  reads it)."""
  gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating', 'maximum_likelihood' or 'boundary_seeking'.
  gan.generator_cost = generator_cost()
  # lambda of the gradient penalty on the discriminator's logit at random
  # real-generated interpolates (GAN-GP, Fedus et al. 2018; 0: none). Needs
  # a discriminator without batch normalisation (the MLPs here have none).
  gan.penalty_weight = spec.field(0.0, spec.non_negative_float)
  # The penalty's target gradient norm K: 1 as in WGAN-GP and GAN-GP, 0 for
  # the zero-centred penalty (Thanh-Tung et al. 2019).
  gan.penalty_target = spec.field(1.0, spec.non_negative_float)
  return gan


def mixture_optim() -> ml_collections.ConfigDict:
  """The `config.optim` group of both players (`gentk.optim.optimizers`
  reads it)."""
  optim = ml_collections.ConfigDict()
  # Adam learning rate, both players (the discriminator's alone when
  # generator_lr > 0).
  optim.lr = spec.field(1e-3, spec.positive_float)
  # > 0: the generator's own Adam rate (two time scales; 0: optim.lr).
  optim.generator_lr = spec.field(0.0, spec.non_negative_float)
  optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  # Cosine decay to lr * this at the last step (1: a constant rate).
  optim.final_lr_fraction = spec.field(1.0, spec.real(0, 1))
  return optim


def mixture_eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the protocol's samples."""
  group = ml_collections.ConfigDict()
  # Samples for the mode metrics (protocol).
  group.num_samples = spec.field(2_500, spec.positive_int)
  return group


def mixture_settings(config: ml_collections.ConfigDict, args) -> None:
  """The players and schedules of `MIXTURE_SETTINGS` among `args` (in
  place)."""
  if "bn_maxout" in args:
    # The PacGAN paper's kinds of players at these widths, and a schedule.
    config.model.generator_batch_norm = True
    config.model.discriminator_maxout = 5
    config.optim.final_lr_fraction = 0.01
  if "long" in args:
    # Eight times the steps, Adam's rate cosine-decayed to 1% by the end.
    config.train.num_steps = LONG_STEPS
    config.train.checkpoint_every = 10_000
    config.optim.final_lr_fraction = 0.01
  if any(r in args for r in REFERENCES):
    config.model.latent_dim = 2
    config.model.generator_hidden = (400, 400, 400, 400)
    config.model.discriminator_hidden = (200, 200, 200)
    config.model.generator_batch_norm = True
    config.model.discriminator_maxout = 5
    config.model.init_std = 0.02
    config.data.batch_size = 100
    config.optim.lr, config.optim.b1 = 1e-4, 0.8
    config.train.num_steps = REFERENCE_STEPS
    config.train.steps_per_call = 1_000
    config.train.log_every = 5_000
    config.train.checkpoint_every = 50_000
  if "reference100k" in args:
    config.train.num_steps = REFERENCE100K_STEPS
    config.train.checkpoint_every = 10_000
    config.optim.final_lr_fraction = 0.01


def mixture_quick(config: ml_collections.ConfigDict) -> None:
  """The `quick` schedule (a few seconds; in place)."""
  config.train.num_steps = 200
  config.train.steps_per_call = 50
  config.train.log_every = 50
  config.train.checkpoint_every = 100
  config.eval.num_samples = 500


def mixture_config(config_name: str, args) -> ml_collections.ConfigDict:
  """What every 2-D mixture config has (all but the method's own groups):
  runner, recipe (`experiment(config_name)`), seeds, data, players, the
  adversarial schedule, Adam, the loop and the scoring, with the mixture,
  `seeds5`, the `MIXTURE_SETTINGS` and `quick` of `args` applied."""
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  config.experiment = experiment(config_name)  # module of gentk/recipes.
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.num_seeds = spec.field(5 if "seeds5" in args else 1,
                                spec.positive_int)  # S runs on the seed axis.
  config.data = mixture_data(args)
  config.model = mixture_model(args)
  config.adversarial = adversarial_group()
  config.optim = mixture_optim()
  config.train = spec.train_group(
      num_steps=10_000, steps_per_call=100, log_every=500,
      checkpoint_every=2_000, keep_checkpoints=3)
  config.eval = mixture_eval()
  spec.pretrain_in_run(config)
  mixture_settings(config, args)
  if "quick" in args:
    mixture_quick(config)
  return config


# ------------------------------------------------ mode-coverage methods
# mode_mixture (the 2-D mixtures) and stacked_mnist.


def pacgan_group(*, packing: int, cost: str = "nonsaturating"
                 ) -> ml_collections.ConfigDict:
  """The `config.pacgan` group (PacGAN, Lin et al. 2018); its relation to the
  batch: `whole_packs`."""
  pacgan = ml_collections.ConfigDict()
  # m, samples per pack (the batch must be a multiple).
  pacgan.packing = spec.field(packing, spec.positive_int)
  # The GAN generator cost.
  pacgan.generator_cost = generator_cost(cost)
  return pacgan


def _devices_per_batch(mode: str) -> int:
  """The batch's shards that pack on their own: one per local device with
  `train.mode='pmap'` (each packs its share), else 1."""
  if mode != "pmap":
    return 1
  import jax  # pylint: disable=g-import-not-at-top
  return jax.local_device_count()


def whole_packs(config: ml_collections.ConfigDict) -> None:
  """Declares that PacGAN's packs of `pacgan.packing` samples fill the batch
  `data.batch_size` exactly (each device's share with `train.mode='pmap'`):
  no sample repeated, none left out."""
  def unit(m, mode):
    return m * _devices_per_batch(mode)

  spec.constraint(
      config, ("pacgan.packing", "data.batch_size", "train.mode"),
      lambda m, batch, mode: batch % unit(m, mode) == 0,
      lambda m, batch, mode: (
          "{1} must be a multiple of {0}" + (
              f" times the {unit(m, mode) // m} devices of {{2}}"
              if unit(m, mode) > m else "")
          + ": the discriminator judges whole packs of m samples"),
      fix=lambda m, batch, mode: {"data.batch_size": max(
          unit(m, mode), batch // unit(m, mode) * unit(m, mode))},
      breaks=lambda m, batch, mode: {"pacgan.packing": max(m, 2),
                                     "data.batch_size": max(m, 2) + 1})


def gan_si_group(*, weight: float, sigma: float) -> ml_collections.ConfigDict:
  """The `config.gan_si` group: GAN + lambda H_M (the semi-implicit
  generator's entropy term, Yin & Zhou 2019)."""
  gan_si = ml_collections.ConfigDict()
  # lambda, the weight of H_M in the generator loss.
  gan_si.weight = spec.field(weight, spec.non_negative_float)
  # sigma of H_M's Gaussian kernel (the generated samples, points or pixels,
  # are the thetas).
  gan_si.sigma = spec.field(sigma, spec.positive_float)
  # The GAN generator cost.
  gan_si.generator_cost = generator_cost()
  return gan_si


def adagan_group(*, num_rounds: int, round_steps: int, ratio_steps: int,
                 num_points: int) -> ml_collections.ConfigDict:
  """AdaGAN's settings (`gentk.algorithms.adagan.make_adagan`) with these
  defaults; the run's length: `adagan_num_steps`, its relation to the
  rounds: `adagan_rounds_in_run`."""
  group = ml_collections.ConfigDict()
  # T, generators in the mixture.
  group.num_rounds = spec.field(num_rounds, spec.positive_int)
  # GAN steps of rounds 1..T-1 (round T: the rest of train.num_steps).
  group.round_steps = spec.field(round_steps, spec.positive_int)
  # Density-ratio classifier steps before rounds 2..T.
  group.ratio_steps = spec.field(ratio_steps, spec.positive_int)
  # N, the fixed training sample that the rounds reweight.
  group.num_points = spec.field(num_points, spec.positive_int)
  # beta, the new component's weight (0: 1/t, a uniform mixture).
  group.beta = spec.field(0.0, spec.fraction)
  return group


def adagan_num_steps(group: ml_collections.ConfigDict) -> int:
  """Steps of T full rounds: T x round_steps + (T - 1) x (ratio_steps + the
  one reweighting step)."""
  t = group.num_rounds
  return t * group.round_steps + (t - 1) * (group.ratio_steps + 1)


def adagan_rounds_in_run(config: ml_collections.ConfigDict) -> None:
  """Declares that `train.num_steps` reaches the last of the
  `adagan.num_rounds` rounds (which runs to the end of the run)."""
  def before_last(t, round_steps, ratio_steps):
    return (t - 1) * (round_steps + ratio_steps + 1)

  spec.constraint(
      config, ("adagan.num_rounds", "adagan.round_steps",
               "adagan.ratio_steps", "train.num_steps"),
      lambda t, r, q, num: num > before_last(t, r, q),
      lambda t, r, q, num: (
          "{3} must exceed the " + f"{before_last(t, r, q):,}" + " steps "
          "before the last of {0} rounds ((T - 1) x ({1} + {2} + 1 "
          "reweighting step)), or the later rounds never train"),
      fix=lambda t, r, q, num: {"train.num_steps": t * r + (t - 1) * (q + 1)},
      breaks=lambda t, r, q, num: {
          "adagan.num_rounds": max(t, 2),
          "train.num_steps": before_last(max(t, 2), r, q)})


# ------------------------------------------------------------------ SeqGAN
# seqgan_oracle, seqgan_text and bgan_text.

SEQGAN_BATCH = 64
ORACLE_NUM_TRAIN, ORACLE_LENGTH = 10_000, 20  # gentk.data.oracle's.
ORACLE_EPOCH = ORACLE_NUM_TRAIN // SEQGAN_BATCH  # 156 steps.
# The widest convolution of each discriminator of `model.d_filters`
# (`gentk.models.text_cnn.PAPER_FILTERS`, `SMALL_FILTERS`): a sequence is at
# least that long.
WIDEST_FILTER = {"paper": 20, "small": 10}
# Text corpora: tokens per sequence and training sentences.
TEXT_LENGTHS = {"coco": 22, "poems": 25}
TEXT_TRAIN_SIZES = {"coco": 10_000, "poems": 14_755}


def _seqgan_corpus_constraints(config: ml_collections.ConfigDict) -> None:
  """The sequence length against the oracle and the discriminator's
  filters, the oracle's training sequences."""
  spec.constraint(
      config, ("data.length", "data.corpus"),
      lambda length, corpus: corpus != "oracle" or length == ORACLE_LENGTH,
      "{0} does not apply to the oracle ({1} 'oracle'), whose sequences "
      "have " + f"{ORACLE_LENGTH}" + " tokens",
      fix=lambda length, corpus: {"data.length": ORACLE_LENGTH},
      breaks=lambda length, corpus: {"data.corpus": "oracle",
                                     "data.length": ORACLE_LENGTH // 2})
  spec.constraint(
      config, ("data.num_train", "data.corpus"),
      lambda num, corpus: corpus != "oracle" or num > 0,
      "{0} sequences are drawn from the oracle ({1} 'oracle'): at least 1 "
      "(0 means all the sentences of a text corpus only)",
      fix=lambda num, corpus: {"data.num_train": ORACLE_NUM_TRAIN},
      breaks=lambda num, corpus: {"data.corpus": "oracle",
                                  "data.length": ORACLE_LENGTH,
                                  "data.num_train": 0})
  spec.constraint(
      config, ("data.length", "model.d_filters"),
      lambda length, filters: length >= WIDEST_FILTER[filters],
      lambda length, filters: (
          "{0} must be at least the widest filter ("
          + f"{WIDEST_FILTER[filters]}" + ") of {1}"
          + (" (or {1} 'small')" if filters != "small" else "")),
      fix=lambda length, filters: {"data.length": WIDEST_FILTER[filters]},
      breaks=lambda length, filters: {
          "data.corpus": "coco", "model.d_filters": "paper",
          "data.length": WIDEST_FILTER["paper"] - 1})


def seqgan_constraints(config: ml_collections.ConfigDict) -> None:
  """Declares the relations between the fields of a SeqGAN config: the
  sequence length against the oracle and the discriminator's filters, the
  phases inside the run, and the self-BLEU samples."""
  _seqgan_corpus_constraints(config)

  def before(mle, rounds):
    return mle + rounds

  spec.constraint(
      config, ("seqgan.mle_steps", "seqgan.pretrain_rounds", "seqgan.method",
               "train.num_steps"),
      lambda mle, rounds, method, num: method == "mle" or num > before(
          mle, rounds),
      "{3} must exceed {0} + {1}: the adversarial phase follows the MLE and "
      "discriminator pre-training steps ({2} 'mle' trains MLE alone)",
      fix=lambda mle, rounds, method, num: {
          "train.num_steps": before(mle, rounds) + num},
      breaks=lambda mle, rounds, method, num: {
          "seqgan.method": "seqgan", "train.num_steps": before(mle, rounds)})

  def self_bleu(count, num):
    return count or num

  spec.constraint(
      config, ("eval.num_self_bleu", "eval.num_samples", "data.corpus"),
      lambda count, num, corpus: corpus == "oracle" or (
          2 <= self_bleu(count, num) <= num),
      "self-BLEU scores {0} of the {1} samples (0: all) against the others: "
      "at least 2 and at most {1} (with {2} a text corpus)",
      fix=lambda count, num, corpus: (
          {"eval.num_self_bleu": 0} if num >= 2 else
          {"eval.num_samples": 2, "eval.num_self_bleu": 0}),
      breaks=lambda count, num, corpus: {
          "data.corpus": corpus if corpus != "oracle" else "coco",
          "eval.num_self_bleu": 1})


def seqgan_data() -> ml_collections.ConfigDict:
  """The `config.data` group, at the oracle's defaults."""
  data = ml_collections.ConfigDict()
  # 'oracle', or a text corpus of gentk.data.text.
  data.corpus = spec.field("oracle", spec.one_of(
      "oracle", "coco", "poems", "emnlp_news", "ptb"))
  # Sequences per update.
  data.batch_size = spec.field(SEQGAN_BATCH, spec.positive_int)
  # Training sequences (oracle: samples drawn; text: the first ones, 0: all).
  data.num_train = spec.field(ORACLE_NUM_TRAIN, spec.non_negative_int)
  # Text: tokens per sequence, the end token included (longer: truncated).
  data.length = spec.field(ORACLE_LENGTH, spec.positive_int)
  # Text: vocabulary size, special tokens included (0: every word).
  data.max_vocab = spec.field(0, spec.non_negative_int)
  return data


def seqgan_model() -> ml_collections.ConfigDict:
  """The `config.model` group: the LSTM generator and the CNN
  discriminator."""
  model = ml_collections.ConfigDict()
  model.embed_dim = spec.field(32, spec.positive_int)  # Generator.
  model.hidden_dim = spec.field(32, spec.positive_int)  # Generator.
  # Std of the generator's normal initialisation.
  model.init_scale = spec.field(0.1, spec.positive_float)
  # Discriminator: 'paper' (12 widths, 1,720 filters) or 'small' (6, 250).
  model.d_filters = spec.field("small", spec.one_of("paper", "small"))
  model.d_embed_dim = spec.field(64, spec.positive_int)
  model.d_dropout = spec.field(0.25, spec.fraction)  # Keep 0.75.
  # L2 weight on the discriminator's output layer.
  model.d_l2 = spec.field(0.2, spec.non_negative_float)
  return model


def seqgan_optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: the generator's (MLE and policy gradient)
  and the discriminator's Adam."""
  optim = ml_collections.ConfigDict()
  optim.g_lr = spec.field(0.01, spec.positive_float)  # Adam.
  optim.g_clip = spec.field(5.0, spec.positive_float)  # Global norm.
  # Adam rate of the policy gradient (0: optim.g_lr, as published).
  optim.pg_lr = spec.field(0.0, spec.non_negative_float)
  # Cosine decay of that rate to this fraction of it over the adversarial
  # phase's updates (1: constant, as published).
  optim.pg_final_lr_fraction = spec.field(1.0, spec.real(0, 1))
  optim.d_lr = spec.field(1e-4, spec.positive_float)  # Adam.
  return optim


def seqgan_method() -> ml_collections.ConfigDict:
  """The `config.seqgan` group: the method and its schedule."""
  s = ml_collections.ConfigDict()
  # 'seqgan', 'mle' (the baseline: MLE pre-training only) or 'bgan'
  # (boundary-seeking generator updates instead of rollouts).
  s.method = spec.field("seqgan", spec.one_of("seqgan", "mle", "bgan"))
  # Generator MLE updates (120 epochs of 10,000 / 64).
  s.mle_steps = spec.field(120 * ORACLE_EPOCH, spec.non_negative_int)
  # Discriminator pre-training d-steps.
  s.pretrain_rounds = spec.field(10, spec.non_negative_int)
  # Generator updates per adversarial step.
  s.g_steps = spec.field(1, spec.positive_int)
  # d-steps per adversarial step.
  s.d_steps = spec.field(1, spec.positive_int)
  # Epochs over the negatives per d-step.
  s.d_epochs = spec.field(1, spec.positive_int)
  # Generated sequences per d-step.
  s.num_negatives = spec.field(5_000, spec.positive_int)
  # Rollouts per token (N).
  s.num_rollouts = spec.field(16, spec.positive_int)
  # Delayed copy beta <- r beta + (1 - r) theta (0: the current generator).
  s.rollout_rate = spec.field(0.8, spec.fraction)
  # Sequences sampled at once (memory; the result does not depend on it).
  s.sample_chunk = spec.field(2_000, spec.positive_int)
  # Rollout rows at once (0: all).
  s.rollout_chunk = spec.field(0, spec.non_negative_int)
  # BGAN: M, sequences per group of self-normalised weights.
  s.bgan_samples = spec.field(20, spec.integer(2))
  # BGAN: 'importance' (self-normalised weights) or 'reinforce' (log w
  # reward, leave-one-out baseline).
  s.bgan_estimator = spec.field("importance",
                                spec.one_of("importance", "reinforce"))
  return s


def seqgan_eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: NLL-oracle, BLEU, self-BLEU and the
  monitored curve."""
  group = ml_collections.ConfigDict()
  # Samples scored (NLL-oracle, BLEU) and saved.
  group.num_samples = spec.field(10_000, spec.positive_int)
  # Monitored curve: every this many MLE steps (0: never).
  group.monitor_every_mle = spec.field(5 * ORACLE_EPOCH,
                                       spec.non_negative_int)
  # ... and every this many adversarial steps (0: never).
  group.monitor_every_adv = spec.field(10, spec.non_negative_int)
  # Text: BLEU orders.
  group.bleu_orders = spec.field((2, 3, 4, 5), spec.positive_ints())
  # Text: samples whose self-BLEU is taken (500: Texygen's fast mode; 0: all).
  group.num_self_bleu = spec.field(500, spec.non_negative_int)
  # Text: test sentences scored (NLL-test) and used as BLEU references (0:
  # all).
  group.num_test = spec.field(0, spec.non_negative_int)
  return group


def seqgan_config(config_name: str) -> ml_collections.ConfigDict:
  """The fields every SeqGAN config has, at the oracle's defaults, with the
  recipe of `config_name` (the relations between them:
  `seqgan_constraints`)."""
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  config.experiment = experiment(config_name)  # module of gentk/recipes.
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = seqgan_data()
  config.model = seqgan_model()
  config.optim = seqgan_optim()
  config.seqgan = seqgan_method()
  config.eval = seqgan_eval()
  config.train = spec.train_group(
      num_steps=120 * ORACLE_EPOCH + 10 + 200, steps_per_call=20,
      log_every=100, checkpoint_every=1_000, keep_checkpoints=2)
  return config


def seqgan_on_text(config: ml_collections.ConfigDict, corpus: str) -> None:
  """A SeqGAN config moved to the text corpus `corpus` (in place): its
  length and all its sentences, 80 MLE epochs and 100 adversarial steps
  (Texygen's settings)."""
  config.data.corpus = corpus
  config.data.length = TEXT_LENGTHS[corpus]
  config.data.num_train = 0
  epoch = TEXT_TRAIN_SIZES[corpus] // config.data.batch_size
  s = config.seqgan
  s.mle_steps = 80 * epoch
  config.eval.monitor_every_mle = 5 * epoch
  config.train.num_steps = s.mle_steps + s.pretrain_rounds + 100


def seqgan_variants(config: ml_collections.ConfigDict, args) -> None:
  """The variants `paper`, `mle` and `quick` of the SeqGAN configs among
  `args` (in place), keeping the adversarial steps of the run."""
  s = config.seqgan
  adversarial = config.train.num_steps - s.mle_steps - s.pretrain_rounds
  if "paper" in args:
    config.model.d_filters = "paper"
    s.pretrain_rounds, s.d_steps, s.d_epochs = 50, 5, 3
    s.num_negatives = 10_000
  if "quick" in args:
    config.data.num_train = 640
    config.model.d_filters = "small"
    s.mle_steps, s.pretrain_rounds, adversarial = 20, 2, 3
    s.num_negatives, s.num_rollouts = 128, 2
    s.sample_chunk = 500
    config.eval.num_samples = 500
    config.eval.num_test = 500
    config.eval.monitor_every_mle = 20  # The curve's ends only: each point
    config.eval.monitor_every_adv = 3   # scores the whole test split.
    config.train.steps_per_call = 5
    config.train.log_every = 5
    config.train.checkpoint_every = 10
  config.train.num_steps = s.mle_steps + s.pretrain_rounds + adversarial
  if "mle" in args:
    s.method = "mle"
    config.train.num_steps = s.mle_steps


# -------------------------------------------------------- Boltzmann machines
# rbm_mnist and dbm_mnist (`gentk.recipes.boltzmann_mnist` reads them).

BOLTZMANN_METHODS = ("rbm", "dbm")


def boltzmann_model() -> ml_collections.ConfigDict:
  """The `config.model` group, at the RBM's defaults."""
  model = ml_collections.ConfigDict()
  # Hidden layer widths: (500,) RBM; (500, 1000) DBM.
  model.hidden = spec.field((500,), spec.positive_ints())
  # W ~ N(0, weight_scale^2) at init.
  model.weight_scale = spec.field(0.01, spec.positive_float)
  # Visible biases start at the log-odds of the training pixel means.
  model.base_rate_init = spec.field(True, spec.boolean)
  # Gibbs transitions per CD update (RBM; DBM: its pre-training).
  model.k = spec.field(1, spec.positive_int)
  # Persistent chains (PCD) instead of chains started at the data (RBM).
  model.persistent = spec.field(True, spec.boolean)
  # Persistent chains (PCD; the DBM's negative phase).
  model.num_chains = spec.field(100, spec.positive_int)
  return model


def boltzmann_optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: SGD with momentum and weight decay."""
  optim = ml_collections.ConfigDict()
  optim.lr = spec.field(0.05, spec.positive_float)  # SGD rate.
  # The rate decays linearly to lr * final_lr_fraction at the last step.
  optim.final_lr_fraction = spec.field(0.0, spec.real(0, 1))
  optim.momentum = spec.field(0.9, spec.fraction)
  # L2 weight decay on the weights (not the biases).
  optim.weight_decay = spec.field(2e-4, spec.non_negative_float)
  return optim


def boltzmann_eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: AIS and the samples."""
  group = ml_collections.ConfigDict()
  # AIS runs (Salakhutdinov & Murray: 100; 2 or more for a standard error).
  group.ais_runs = spec.field(100, spec.integer(2))
  # AIS transitions (published: 14,500; DBM: 20,000).
  group.ais_transitions = spec.field(14_500, spec.positive_int)
  # 'published' (the three stretches of S&M 2008, scaled to ais_transitions)
  # or 'linear'.
  group.ais_schedule = spec.field("published",
                                  spec.one_of("published", "linear"))
  # Gibbs transitions of the chains whose samples are drawn.
  group.sample_steps = spec.field(10_000, spec.positive_int)
  # Test images scored (0: the whole split).
  group.num_test = spec.field(0, spec.non_negative_int)
  return group


def boltzmann_constraints(config: ml_collections.ConfigDict) -> None:
  """Declares the relations between the fields of a Boltzmann config: the
  splits, an RBM's one hidden layer, the AIS schedule's stretches."""
  binary_digits_constraints(config)
  spec.constraint(
      config, ("method", "model.hidden"),
      lambda method, hidden: method != "rbm" or len(hidden) == 1,
      "an RBM has one hidden layer: {1} must have one width with {0} 'rbm'",
      fix=lambda method, hidden: {"model.hidden": tuple(hidden[:1])},
      breaks=lambda method, hidden: {"method": "rbm", "model.hidden": tuple(
          hidden) + (hidden[-1],) * (len(hidden) == 1)})
  spec.constraint(
      config, ("eval.ais_schedule", "eval.ais_transitions"),
      lambda schedule, num: schedule != "published" or num >= 3,
      "{0} 'published' splits {1} between three stretches of "
      "temperatures: it needs at least 3 (or {0} 'linear')",
      fix=lambda schedule, num: {"eval.ais_transitions": 3},
      breaks=lambda schedule, num: {"eval.ais_schedule": "published",
                                    "eval.ais_transitions": 2})


def boltzmann_config(config_name: str, method: str
                     ) -> ml_collections.ConfigDict:
  """The fields RBM and DBM configs share, for `method` ('rbm' or 'dbm')
  and the recipe of `config_name` (its `train` group is the config's)."""
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  config.experiment = experiment(config_name)  # module of gentk/recipes.
  # 'rbm' or 'dbm'.
  config.method = spec.field(method, spec.one_of(*BOLTZMANN_METHODS))
  # Root PRNG seed: init, data and chains derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = binary_digits_group()
  config.model = boltzmann_model()
  config.optim = boltzmann_optim()
  config.eval = boltzmann_eval()
  # Relations between fields (checked before anything is written).
  boltzmann_constraints(config)
  return config


def boltzmann_quick(config: ml_collections.ConfigDict) -> None:
  """Small settings for tests (in place)."""
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:500]"
  config.data.num_valid = 100
  config.data.source = "auto"
  config.eval.ais_transitions = 200
  config.eval.ais_runs = 16
  config.eval.sample_steps = 20
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10
