"""Mode-coverage methods on the 2-D mixtures of the PacGAN protocol.

The first variant names the method: `pacgan` (default; PacGAN4, Lin et al.
2018), `sig` (the semi-implicit generator on H_M alone, Yin & Zhou 2019),
`gan_si` (GAN + lambda H_M), `adagan` (Tolstikhin et al. 2017: 5 GANs of
2,000 steps, reweighted); then gan_mixture's `grid` (default) or `ring`,
`seeds5`, `quick`, and (not for adagan) `bn_maxout`, `long`, `reference`,
`reference100k`. Players, batch, budget and scoring are gan_mixture's.
  gentk train --config=mode_mixture:pacgan,grid,seeds5 --workdir=runs/pacgan
Run time (5 seeds, 2-core CPU): 3-7 minutes (adagan 9, `gan_si,long` 41).
Expected (grid, 5 seeds, median (range); modes / high quality / reverse KL):
pacgan 18 (7-19) / 1.8% / 0.59; sig 23 (17-25) / 4.1% / 0.27; gan_si 24
(23-25) / 43.2% / 0.94; adagan 24 (24-25) / 17.8% / 0.48; `gan_si,long` 25
(25-25) / 96.6% (95.4-97.4) / 0.052 (0.046-0.064).
Reference (PacGAN Table 1, PacGAN4): ring 7.8 / 95.9% / 0.07; grid 24.8 /
93.6% / 0.04.
"""
import ml_collections

from gentk.configs import gan_mixture
from gentk.data import mixtures
from gentk.training import spec

METHODS = ("pacgan", "sig", "gan_si", "adagan")
DATASETS = ("grid", "ring")
FLAGS = ("quick", "seeds5")
EXCLUSIVE = (METHODS, DATASETS, *gan_mixture.SETTING_GROUPS)


def adagan_group(*, num_rounds: int, round_steps: int, ratio_steps: int,
                 num_points: int) -> ml_collections.ConfigDict:
  """AdaGAN's settings (`gentk.algorithms.adagan.make_adagan`) with these
  defaults; shared with `stacked_mnist.py`."""
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
  no sample repeated, none left out. Shared with `stacked_mnist.py`."""
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


def adagan_rounds_in_run(config: ml_collections.ConfigDict) -> None:
  """Declares that `train.num_steps` reaches the last of the
  `adagan.num_rounds` rounds (which runs to the end of the run). Shared with
  `stacked_mnist.py`."""
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


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated; one method of `METHODS` (default pacgan), then
  any of 'grid' / 'ring', 'quick', 'seeds5', 'bn_maxout', 'long',
  'reference', 'reference100k'."""
  args = spec.variants(arg, __file__, default="pacgan", exclusive=EXCLUSIVE,
                       flags=FLAGS)
  method = next((a for a in args if a in METHODS), "pacgan")
  for length in ("long", *gan_mixture.REFERENCES):
    if method == "adagan" and length in args:
      raise spec.variant_error(
          __file__, f"variant {length} sets one run's length; adagan's is "
          "its rounds' (--config.adagan.round_steps)",
          list(METHODS + DATASETS + gan_mixture.SETTINGS + FLAGS),
          example="gan_si,grid,long")
  passed_on = DATASETS + gan_mixture.SETTINGS + FLAGS
  config = gan_mixture.get_config(
      ",".join(a for a in args if a in passed_on) or None)
  config.experiment = "adversarial_mixture"  # module of gentk/recipes.
  # The method (see the docstring).
  config.method = spec.field(method, spec.one_of(*METHODS))
  generator_cost = config.gan.generator_cost
  del config.gan
  if method == "pacgan":
    config.pacgan = ml_collections.ConfigDict()
    # m, samples per pack (the batch must be a multiple).
    config.pacgan.packing = spec.field(4, spec.positive_int)
    # The GAN generator cost.
    config.pacgan.generator_cost = spec.field(
        generator_cost, spec.one_of(*gan_mixture.GENERATOR_COSTS))
    whole_packs(config)  # Checked before anything is written.
  if method == "sig":
    config.sig = ml_collections.ConfigDict()
    # sigma of the Gaussian kernel p(x | theta) (default: the mixture's std).
    config.sig.sigma = spec.field(mixtures.get(config.data.name).std,
                                  spec.positive_float)
    # M, thetas drawn per step (against the whole data batch).
    config.sig.num_mixture = spec.field(config.data.batch_size,
                                        spec.positive_int)
    # Checked before anything is written.
    spec.constraint(
        config, ("model.generator_batch_norm",), lambda batch_norm: not (
            batch_norm),
        "{0} must be False: method 'sig' trains generators without batch "
        "statistics",
        fix=lambda batch_norm: {"model.generator_batch_norm": False},
        breaks=lambda batch_norm: {"model.generator_batch_norm": True},
        on="sig.sigma")
  if method == "gan_si":
    config.gan_si = ml_collections.ConfigDict()
    # lambda, the weight of H_M in the generator loss.
    config.gan_si.weight = spec.field(0.1, spec.non_negative_float)
    # sigma of H_M's Gaussian kernel (the generated samples are the thetas).
    config.gan_si.sigma = spec.field(0.1, spec.positive_float)
    # The GAN generator cost.
    config.gan_si.generator_cost = spec.field(
        generator_cost, spec.one_of(*gan_mixture.GENERATOR_COSTS))
  if method == "adagan":
    config.adagan = adagan_group(num_rounds=5, round_steps=2_000,
                                 ratio_steps=500, num_points=10_000)
    config.train.num_steps = adagan_num_steps(config.adagan)
    adagan_rounds_in_run(config)  # Checked before anything is written.
  if "quick" in args:
    config.model.generator_hidden = (32, 32)
    config.model.discriminator_hidden = (32, 32)
    config.data.batch_size = 64
    if method == "sig":
      config.sig.num_mixture = 64
    if method == "adagan":
      config.adagan.num_rounds = 3
      config.adagan.round_steps = 60
      config.adagan.ratio_steps = 20
      config.adagan.num_points = 1_000
      config.train.num_steps = 200
  return config
