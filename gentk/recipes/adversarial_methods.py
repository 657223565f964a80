"""The adversarial methods a recipe offers by `config.method`: each built by
the method's own `make_<method>` from the recipe's players, the latent size
and the schedule of `config.optim` / `config.adversarial`."""
from typing import Callable, NamedTuple

import flax.linen as nn
import jax.numpy as jnp
import ml_collections

from gentk import optim
from gentk.algorithms import adagan
from gentk.algorithms import began
from gentk.algorithms import ebgan
from gentk.algorithms import feature_matching
from gentk.algorithms import fgan
from gentk.algorithms import gan
from gentk.algorithms import mmd_gan
from gentk.algorithms import sig
from gentk.algorithms import wgan
from gentk.models import autoencoder
from gentk.models import mlp
from gentk.models import packing
from gentk.training import sweep
from gentk.training.config import ConfigError
from gentk.types import Algorithm


def adversarial_schedule(config: ml_collections.ConfigDict,
                         axis_name: str | None) -> dict:
  """The keyword arguments of `gentk.algorithms.adversarial.make_adversarial`
  (and every `make_<method>`) from `config.optim` and `config.adversarial`."""
  generator_optimizer, discriminator_optimizer = optim.optimizers(
      config.optim, config.train.num_steps,
      lr=sweep.hyper(config, "optim.lr"))
  return {"generator_optimizer": generator_optimizer,
          "discriminator_optimizer": discriminator_optimizer,
          "disc_steps": config.adversarial.disc_steps,
          "pretrain_steps": config.adversarial.pretrain_steps,
          "axis_name": axis_name}


def compute_dtype(config: ml_collections.ConfigDict):
  """The image players' computation dtype from `config.train.compute_dtype`:
  None (float32, the modules' default) or `jnp.bfloat16` (parameters, batch
  statistics and optimizer state stay float32)."""
  name = config.train.get("compute_dtype", "float32")
  return None if name == "float32" else jnp.dtype(name)


class Players(NamedTuple):
  """The modules an adversarial recipe offers its methods.

  Attributes:
    generator: G.
    scorer: `(batch_norm) -> module` with one score (logit, critic value,
      f-GAN V) per example; `batch_norm` is False for critics that must
      treat examples independently (WGAN, WGAN-GP).
    autoencoder: `() -> module` returning `(reconstruction, code)` (EBGAN,
      BEGAN).
    features: `(minibatch_kernels, minibatch_kernel_dim) -> module` returning
      `(logits, features)` (feature matching, minibatch discrimination with
      kernels > 0, MMD GAN), or None where the recipe has none.
  """
  generator: nn.Module
  scorer: Callable[[bool], nn.Module]
  autoencoder: Callable[[], nn.Module]
  features: Callable[[int, int], nn.Module] | None = None


def mixture_players(model: ml_collections.ConfigDict, dim: int = 2) -> Players:
  """MLP players of `model`'s widths on `dim`-dimensional points: the
  generator (batch-normalised with `model.generator_batch_norm`), the scorer
  (maxout units of `model.discriminator_maxout` pieces), both initialised
  with `model.init_std`, the autoencoder and the feature network."""
  hidden = tuple(model.discriminator_hidden)
  return Players(
      generator=mlp.MLP(hidden=tuple(model.generator_hidden), out=dim,
                        batch_norm=model.generator_batch_norm,
                        init_std=model.init_std),
      scorer=lambda batch_norm: mlp.MLP(hidden=hidden, out=1,
                                        squeeze_out=True,
                                        maxout=model.discriminator_maxout,
                                        init_std=model.init_std),
      autoencoder=lambda: autoencoder_discriminator(model),
      features=lambda kernels, kernel_dim: mlp.FeatureMLP(
          hidden=hidden, minibatch_kernels=kernels,
          minibatch_kernel_dim=kernel_dim, return_features=kernels == 0))


def autoencoder_discriminator(model: ml_collections.ConfigDict) -> nn.Module:
  """The MLP autoencoder of `model.discriminator_hidden` / `code_dim` /
  `decoder_hidden`, or with `model.autoencoder = 'conv'` the convolutional
  one (width `model.width`)."""
  kind = model.get("autoencoder", "mlp")
  if kind == "conv":
    if model.get("autoencoder_batch_norm", False):
      raise ConfigError("config.model.autoencoder_batch_norm applies to the "
                        "'mlp' autoencoder only, not 'conv': pass "
                        "--config.model.autoencoder_batch_norm=false or "
                        "--config.model.autoencoder=mlp.")
    return autoencoder.ConvAutoencoder(width=model.width,
                                       code_dim=model.code_dim,
                                       activation=model.autoencoder_activation)
  if kind != "mlp":
    raise ConfigError(f"config.model.autoencoder={kind!r} is unknown: use "
                      "'mlp' or 'conv', e.g. --config.model.autoencoder=mlp.")
  return autoencoder.Autoencoder(
      encoder_hidden=tuple(model.discriminator_hidden),
      code_dim=model.code_dim, decoder_hidden=tuple(model.decoder_hidden),
      activation=model.autoencoder_activation,
      batch_norm=model.get("autoencoder_batch_norm", False))


def _gan(config, players: Players, latent_dim: int, schedule: dict):
  return gan.make_gan(players.generator, players.scorer(True),
                      latent_dim=latent_dim,
                      generator_cost=config.gan.generator_cost, **schedule)


def _wgan(config, players: Players, latent_dim: int, schedule: dict):
  return wgan.make_wgan(players.generator, players.scorer(False),
                        latent_dim=latent_dim, clip=config.wgan.clip,
                        **schedule)


def _wgan_gp(config, players: Players, latent_dim: int, schedule: dict):
  return wgan.make_wgan_gp(players.generator, players.scorer(False),
                           latent_dim=latent_dim,
                           penalty_weight=sweep.hyper(
                               config, "wgan_gp.penalty_weight"),
                           **schedule)


def _fgan(config, players: Players, latent_dim: int, schedule: dict):
  return fgan.make_fgan(players.generator, players.scorer(False),
                        latent_dim=latent_dim,
                        divergence=config.fgan.divergence,
                        generator_cost=config.fgan.generator_cost, **schedule)


def _ebgan(config, players: Players, latent_dim: int, schedule: dict):
  return ebgan.make_ebgan(players.generator, players.autoencoder(),
                          latent_dim=latent_dim, margin=config.ebgan.margin,
                          pull_away_weight=config.ebgan.pull_away_weight,
                          **schedule)


def _began(config, players: Players, latent_dim: int, schedule: dict):
  return began.make_began(players.generator, players.autoencoder(),
                          latent_dim=latent_dim,
                          gamma=sweep.hyper(config, "began.gamma"),
                          lambda_k=config.began.lambda_k,
                          k_init=config.began.get("k_init", 0.0), **schedule)


def _feature_matching(config, players: Players, latent_dim: int,
                      schedule: dict):
  return feature_matching.make_feature_matching(
      players.generator, players.features(0, 0), latent_dim=latent_dim,
      **schedule)


def _minibatch(config, players: Players, latent_dim: int, schedule: dict):
  """The GAN with a minibatch discrimination layer before the logit."""
  mb = config.minibatch
  return gan.make_gan(players.generator,
                      players.features(mb.num_kernels, mb.kernel_dim),
                      latent_dim=latent_dim,
                      generator_cost=mb.generator_cost, **schedule)


def _mmd(config, players: Players, latent_dim: int, schedule: dict):
  return mmd_gan.make_mmd_gan(
      players.generator, players.features(0, 0), latent_dim=latent_dim,
      bandwidths=tuple(config.mmd.bandwidths), learned=config.mmd.learned,
      clip=config.mmd.clip or None, **schedule)


def _pacgan(config, players: Players, latent_dim: int, schedule: dict):
  """The GAN whose discriminator judges packs of `config.pacgan.packing`
  samples (`gentk.models.packing`)."""
  return gan.make_gan(players.generator,
                      packing.Packed(players.scorer(True),
                                     config.pacgan.packing),
                      latent_dim=latent_dim,
                      generator_cost=config.pacgan.generator_cost, **schedule)


def _gan_si(config, players: Players, latent_dim: int, schedule: dict):
  return sig.make_gan_si(players.generator, players.scorer(True),
                         latent_dim=latent_dim,
                         weight=sweep.hyper(config, "gan_si.weight"),
                         sigma=config.gan_si.sigma,
                         generator_cost=config.gan_si.generator_cost,
                         **schedule)


# config.method -> (config, players, latent_dim, schedule) -> Algorithm, each
# through the method's own `make_<method>`.
ADVERSARIAL_METHODS: dict[str, Callable] = {
    "gan": _gan, "wgan": _wgan, "wgan_gp": _wgan_gp, "fgan": _fgan,
    "ebgan": _ebgan, "began": _began, "feature_matching": _feature_matching,
    "minibatch": _minibatch, "mmd": _mmd, "pacgan": _pacgan,
    "gan_si": _gan_si,
}
_NEEDS_FEATURES = ("feature_matching", "minibatch", "mmd")


def adversarial_algorithm(config: ml_collections.ConfigDict,
                          players: Players, *,
                          axis_name: str | None) -> Algorithm:
  """The method `config.method` with `players`, latent z ~ N(0, I) of
  `config.model.latent_dim`, schedule from `config.optim` and
  `config.adversarial`."""
  methods = sorted(m for m in ADVERSARIAL_METHODS
                   if players.features is not None or m not in _NEEDS_FEATURES)
  if config.method not in methods:
    raise ConfigError(f"config.method={config.method!r} is unknown here: use "
                      f"one of {methods}.")
  return ADVERSARIAL_METHODS[config.method](
      config, players, config.model.latent_dim,
      adversarial_schedule(config, axis_name))


def adagan_algorithm(config: ml_collections.ConfigDict, generator: nn.Module,
                     discriminator: nn.Module, points, *,
                     axis_name: str | None) -> Algorithm:
  """AdaGAN (`gentk.algorithms.adagan`) of `config.adagan` over `points`
  (an array or `adagan.Points`). Each round trains a fresh generator and
  discriminator, so a decaying rate of `config.optim` runs its schedule over
  one round."""
  a = config.adagan
  generator_optimizer, discriminator_optimizer = optim.optimizers(
      config.optim, a.round_steps)
  return adagan.make_adagan(
      generator, discriminator, latent_dim=config.model.latent_dim,
      data=points, batch_size=config.data.batch_size,
      num_rounds=a.num_rounds, round_steps=a.round_steps,
      ratio_steps=a.ratio_steps, generator_optimizer=generator_optimizer,
      discriminator_optimizer=discriminator_optimizer, beta=a.beta,
      axis_name=axis_name)
