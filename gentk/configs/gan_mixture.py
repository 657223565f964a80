r"""GAN on the 2-D mixtures of the PacGAN protocol (the default experiment).

Run (grid, the default; ~1 minute on a 2-core CPU):
  python -m experiments.main --workdir=runs/quickstart
Variants: `:grid` (default), `:ring`, `:quick` (a few seconds, for tests),
`:grid,seeds5` / `:ring,seeds5` (5 seeds trained together on the seed axis),
`bn_maxout` (the PacGAN paper's kinds of players at these widths: a
batch-normalised generator, a maxout discriminator of 5 pieces, and Adam's
rate cosine-decayed to 1% over the run; ~4x slower per step), `long`
(80,000 steps, Adam's rate cosine-decayed to 1%), and `reference` (the
PacGAN code's GAN setting, fjxmlzn/PacGAN `synthetic_data_experiments`:
generator 4 x 400 batch-normalised ReLU layers on a 2-d z, discriminator
3 x 200 maxout units of 5 pieces, kernels N(0, 0.02^2), batch 100, Adam 1e-4
with beta1 0.8, 400 epochs of its 100,000 points = 400,000 steps; here the
points are drawn afresh in every step; a GPU budget), and `reference100k`
(those players over 100,000 steps, Adam's rate cosine-decayed to 1%: the
plain GAN that meets the reference-GAN target on the grid, >= 17 modes and
>= 90% high quality; 2 h for 5 seeds on a 2-core CPU):
  python -m experiments.main \
    --config=experiments/configs/gan_mixture.py:ring --workdir=runs/ring

Expected (non-saturating cost, 10,000 steps, 5 seeds, median (range), measured
2026-11-21 on a 2-core CPU): ring 8 (7-8) of 8 modes / 94.8% (46.3-96.5) high
quality / reverse KL 0.057 (0.014-0.321); grid 11 (10-12) of 25 modes / 62.0%
(54.2-74.0) / 1.30 (1.19-1.51): the grid falls short of the reference.
With `bn_maxout` (grid, 5 seeds, measured 2026-11-27, 16 minutes): 16 (15-20)
modes / 64.4% (54.6-71.9) / 1.32 (1.26-1.41).
With `long` (grid, 5 seeds, measured 2026-11-27, 25 minutes): 12 (10-14) modes /
97.4% (96.6-97.8) / 0.89 (0.64-1.26); at 40,000 steps
(`--config.train.num_steps=40000`, 13 minutes) 10 (8-11) / 95.4% (94.8-95.6) /
1.18 (1.03-1.30): sharp samples on too few modes.
With `reference` (grid, one seed, 2026-11-27 CPU probes, ~50 steps/s): 16 /
88.0% / 0.80 at 100,000 of its 400,000 steps.
With `reference100k` (grid, 5 seeds, 2026-11-27, 2-core CPU, 2 h 05 min):
18 (15-19) modes / 92.3% (87.5-93.4) / 0.61 (0.39-0.84): the reference GAN's
mode count and KL, 2.5 points under its high-quality rate; over 200,000
decayed steps (one H200) 16 (14-19) / 95.6% / 0.65: the longer schedule
sharpens and drops modes.
Reference (PacGAN Table 1, GAN): ring 6.3 modes / 98.2% / KL 0.45;
grid 17.3 / 94.8% / 0.70.
`gan.penalty_weight` (a gradient penalty on the discriminator's logit) and
`optim.generator_lr` (the generator's own rate) were probed with the
boundary-seeking cost on the ring (2026-11-27, 5 seeds, 10,000 steps, ~3-4
min on one core): 3-6 median modes, none the 7 of issue 13 (README).
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
