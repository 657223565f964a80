"""GAN on the 2-D mixtures of the PacGAN protocol (the quick-start experiment).

MLPs 3 x 128, batch 256, Adam 1e-3, 10,000 steps; scored on 2,500 samples.
  gentk train --config=gan_mixture --workdir=runs/quickstart
Variants: `grid` (default) or `ring`; `seeds5` (5 seeds on the seed axis);
`bn_maxout` (PacGAN's kinds of players), `long` (80,000 steps), `reference`
(the PacGAN code's setting, 400,000 steps: a GPU budget), `reference100k`
(those players over 100,000 steps); `quick` (a few seconds).
Run time (2-core CPU): about a minute (grid, one seed); with `seeds5`,
`bn_maxout` 16 minutes, `long` 25 minutes, `reference100k` 2 h 05 min.
Expected (5 seeds, median (range); modes / high quality / reverse KL): grid
11 (10-12) / 62.0% (54.2-74.0) / 1.30 (1.19-1.51); ring 8 (7-8) / 94.8%
(46.3-96.5) / 0.057 (0.014-0.321); `reference100k` (grid) 18 (15-19) / 92.3%
(87.5-93.4) / 0.61 (0.39-0.84).
Reference (PacGAN, Table 1): GAN ring 6.3 / 98.2% / 0.45, grid 17.3 / 94.8% /
0.70.
"""
import ml_collections

from gentk.training import spec

DATASETS = ("grid", "ring")
FLAGS = ("quick", "seeds5")
# Players and schedules; `reference` and `reference100k` are whole settings:
# they take neither other players nor another schedule.
SETTINGS = ("bn_maxout", "long", "reference", "reference100k")
REFERENCES = ("reference", "reference100k")
SETTING_GROUPS = (("bn_maxout", *REFERENCES), ("long", *REFERENCES))
EXCLUSIVE = (DATASETS, *SETTING_GROUPS)
LONG_STEPS = 80_000  # The `long` schedule's generator steps.
REFERENCE_STEPS = 400_000  # 400 epochs of 100,000 points, batch 100.
# `reference100k`: a quarter of them, Adam's rate cosine-decayed to 1%.
REFERENCE100K_STEPS = 100_000
# The generator costs of gentk.losses.adversarial.GENERATOR_LOSSES.
GENERATOR_COSTS = ("minimax", "nonsaturating", "maximum_likelihood",
                   "boundary_seeking")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated of {'grid', 'ring', 'quick', 'seeds5',
  'bn_maxout', 'long', 'reference', 'reference100k'}."""
  args = spec.variants(arg, __file__, default="grid", exclusive=EXCLUSIVE,
                       flags=FLAGS)
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("gan_mixture",
                                 spec.module_in("gentk.recipes"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.num_seeds = spec.field(5 if "seeds5" in args else 1,
                                spec.positive_int)  # S runs on the seed axis.

  config.data = ml_collections.ConfigDict()
  config.data.name = spec.field("ring" if "ring" in args else "grid",
                                # Mixture name ('line': 1-D, for demos).
                                spec.one_of(*DATASETS, "line"))
  # Real (and fake) examples per step.
  config.data.batch_size = spec.field(256, spec.positive_int)

  config.model = ml_collections.ConfigDict()
  config.model.latent_dim = spec.field(2 if "ring" in args else 4,
                                       spec.positive_int)  # Dimension of z.
  # Generator MLP widths.
  config.model.generator_hidden = spec.field((128, 128, 128),
                                             spec.positive_ints())
  # Discriminator widths.
  config.model.discriminator_hidden = spec.field((128, 128, 128),
                                                 spec.positive_ints())
  # Batch-normalise the generator's hidden layers.
  config.model.generator_batch_norm = spec.field(False, spec.boolean)
  # P > 1: maxout discriminator units of P pieces (1: ReLU).
  config.model.discriminator_maxout = spec.field(1, spec.positive_int)
  # Std of both players' normal kernel initialisation (0: Flax's default,
  # LeCun normal).
  config.model.init_std = spec.field(0.0, spec.non_negative_float)

  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating', 'maximum_likelihood' or 'boundary_seeking'.
  config.gan.generator_cost = spec.field("nonsaturating",
                                         spec.one_of(*GENERATOR_COSTS))
  # lambda of the gradient penalty on the discriminator's logit at random
  # real-generated interpolates (GAN-GP, Fedus et al. 2018; 0: none). Needs
  # a discriminator without batch normalisation (the MLPs here have none).
  config.gan.penalty_weight = spec.field(0.0, spec.non_negative_float)
  # The penalty's target gradient norm K: 1 as in WGAN-GP and GAN-GP, 0 for
  # the zero-centred penalty (Thanh-Tung et al. 2019).
  config.gan.penalty_target = spec.field(1.0, spec.non_negative_float)

  config.adversarial = ml_collections.ConfigDict()
  # k discriminator steps per generator step.
  config.adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)

  config.optim = ml_collections.ConfigDict()
  # Adam learning rate, both players (the discriminator's alone when
  # generator_lr > 0).
  config.optim.lr = spec.field(1e-3, spec.positive_float)
  # > 0: the generator's own Adam rate (two time scales; 0: optim.lr).
  config.optim.generator_lr = spec.field(0.0, spec.non_negative_float)
  config.optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  config.optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  # Cosine decay to lr * this at the last step (1: a constant rate).
  config.optim.final_lr_fraction = spec.field(1.0, spec.real(0, 1))

  config.train = spec.train_group(
      num_steps=10_000, steps_per_call=100, log_every=500,
      checkpoint_every=2_000, keep_checkpoints=3)

  config.eval = ml_collections.ConfigDict()
  # Samples for the mode metrics (protocol).
  config.eval.num_samples = spec.field(2_500, spec.positive_int)
  spec.pretrain_in_run(config)

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
  if "quick" in args:
    config.train.num_steps = 200
    config.train.steps_per_call = 50
    config.train.log_every = 50
    config.train.checkpoint_every = 100
    config.eval.num_samples = 500
  return config
