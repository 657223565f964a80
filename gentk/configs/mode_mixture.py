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
(23-25) / 43.2% / 0.94; adagan 25 (24-25) / 25.2% / 0.51; `gan_si,long` 25
(25-25) / 96.6% (95.4-97.4) / 0.052 (0.046-0.064).
Reference (PacGAN Table 1, PacGAN4): ring 7.8 / 95.9% / 0.07; grid 24.8 /
93.6% / 0.04.
"""
import ml_collections

from gentk.configs import groups
from gentk.data import mixtures
from gentk.training import spec

METHODS = ("pacgan", "sig", "gan_si", "adagan")
DATASETS = groups.MIXTURE_DATASETS
FLAGS = groups.MIXTURE_FLAGS
EXCLUSIVE = (METHODS, DATASETS, *groups.MIXTURE_SETTING_GROUPS)


def _method(args) -> str:
  """The method among `args` (default pacgan), refusing a run length for
  adagan (its rounds set it)."""
  method = next((a for a in args if a in METHODS), "pacgan")
  for length in ("long", *groups.REFERENCES):
    if method == "adagan" and length in args:
      raise spec.variant_error(
          __file__, f"variant {length} sets one run's length; adagan's is "
          "its rounds' (--config.adagan.round_steps)",
          list(METHODS + DATASETS + groups.MIXTURE_SETTINGS + FLAGS),
          example="gan_si,grid,long")
  return method


def _sig(config: ml_collections.ConfigDict) -> None:
  """The `config.sig` group and its relation to the generator."""
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


def _method_group(config: ml_collections.ConfigDict, method: str) -> None:
  """The group of `method` (named after it), with its relations."""
  if method == "pacgan":
    # m = 4 samples per pack (PacGAN4); the GAN generator cost.
    config.pacgan = groups.pacgan_group(packing=4)
    groups.whole_packs(config)  # Checked before anything is written.
  if method == "sig":
    _sig(config)
  if method == "gan_si":
    # lambda, the weight of H_M; sigma of H_M's Gaussian kernel; the GAN
    # generator cost.
    config.gan_si = groups.gan_si_group(weight=0.1, sigma=0.1)
  if method == "adagan":
    config.adagan = groups.adagan_group(num_rounds=5, round_steps=2_000,
                                        ratio_steps=500, num_points=10_000)
    config.train.num_steps = groups.adagan_num_steps(config.adagan)
    groups.adagan_rounds_in_run(config)  # Checked before anything is written.


def _quick(config: ml_collections.ConfigDict, method: str) -> None:
  """Small players and batch; adagan: 3 short rounds (in place)."""
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


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated; one method of `METHODS` (default pacgan), then
  any of 'grid' / 'ring', 'quick', 'seeds5', 'bn_maxout', 'long',
  'reference', 'reference100k'."""
  args = spec.variants(arg, __file__, default="pacgan", exclusive=EXCLUSIVE,
                       flags=FLAGS)
  method = _method(args)
  passed_on = DATASETS + groups.MIXTURE_SETTINGS + FLAGS
  # Data, players, Adam, training loop and scoring of the 2-D mixtures.
  config = groups.mixture_config(
      "mode_mixture", [a for a in args if a in passed_on])
  # The method (see the docstring).
  config.method = spec.field(method, spec.one_of(*METHODS))
  _method_group(config, method)
  if "quick" in args:
    _quick(config, method)
  return config
