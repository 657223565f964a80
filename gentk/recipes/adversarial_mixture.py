"""Recipe `adversarial_mixture`: any adversarial method on a 2-D mixture.

`config.method` picks the game (see `METHODS`); the generator is an MLP of
z ~ N(0, I), the data and evaluation are those of `gan_mixture` (the PacGAN
protocol). Each method reads its own config group, named after the method.
"""
from typing import Callable

import flax.linen as nn
import ml_collections
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import began
from gentk.algorithms import ebgan
from gentk.algorithms import feature_matching
from gentk.algorithms import fgan
from gentk.algorithms import gan
from gentk.algorithms import mmd_gan
from gentk.algorithms import wgan
from gentk.data import mixtures
from gentk.models import autoencoder
from gentk.models import feature_mlp
from gentk.models import mlp
from gentk.recipes.gan_mixture import mixture_evaluate
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment


def optimizer(optim: ml_collections.ConfigDict) -> optax.GradientTransformation:
  """Adam (`lr`, `b1`, `b2`) or RMSProp (`lr`, `decay`) from `optim.name`."""
  if optim.name == "adam":
    return optax.adam(optim.lr, b1=optim.b1, b2=optim.b2)
  if optim.name == "rmsprop":
    return optax.rmsprop(optim.lr, decay=optim.decay)
  raise ConfigError(f"config.optim.name={optim.name!r} is unknown: use "
                    "'adam' or 'rmsprop'.")


def optimizers(optim: ml_collections.ConfigDict
               ) -> tuple[optax.GradientTransformation,
                          optax.GradientTransformation]:
  """`(generator, discriminator)` optimizers from `optim` (see `optimizer`);
  `optim.generator_lr > 0` gives the generator its own learning rate (the
  two time-scale setting of Heusel et al. 2017; InfoGAN's 1e-3 vs 2e-4)."""
  generator_optim = optim
  if optim.get("generator_lr", 0.0) > 0:
    generator_optim = ml_collections.ConfigDict(optim.to_dict())
    generator_optim.lr = optim.generator_lr
  return optimizer(generator_optim), optimizer(optim)


def _scorer(config) -> nn.Module:
  """An MLP with one output per example (critic, f-GAN V, GAN logits)."""
  return mlp.MLP(hidden=tuple(config.model.discriminator_hidden), out=1,
                 squeeze_out=True)


def _wgan(config, latent_fn):
  critic = _scorer(config)
  return critic, wgan.wgan_game(critic, latent_fn, clip=config.wgan.clip)


def _wgan_gp(config, latent_fn):
  critic = _scorer(config)
  return critic, wgan.wgan_game(
      critic, latent_fn, penalty_weight=config.wgan_gp.penalty_weight)


def _fgan(config, latent_fn):
  critic = _scorer(config)
  return critic, fgan.fgan_game(critic, latent_fn,
                                divergence=config.fgan.divergence,
                                generator_cost=config.fgan.generator_cost)


def _autoencoder(config) -> nn.Module:
  """The MLP autoencoder, or on images with `model.autoencoder = 'conv'` the
  convolutional one (width `model.width`)."""
  m = config.model
  kind = m.get("autoencoder", "mlp")
  if kind == "conv":
    return autoencoder.ConvAutoencoder(width=m.width, code_dim=m.code_dim,
                                       activation=m.autoencoder_activation)
  if kind != "mlp":
    raise ConfigError(f"config.model.autoencoder={kind!r} is unknown: use "
                      "'mlp' or 'conv'.")
  return autoencoder.Autoencoder(
      encoder_hidden=tuple(m.discriminator_hidden), code_dim=m.code_dim,
      decoder_hidden=tuple(m.decoder_hidden),
      activation=m.autoencoder_activation)


def _ebgan(config, latent_fn):
  ae = _autoencoder(config)
  return ae, ebgan.ebgan_game(ae, latent_fn, margin=config.ebgan.margin,
                              pull_away_weight=config.ebgan.pull_away_weight)


def _began(config, latent_fn):
  ae = _autoencoder(config)
  return ae, began.began_game(ae, latent_fn, gamma=config.began.gamma,
                              lambda_k=config.began.lambda_k)


def _feature_matching(config, latent_fn):
  d = feature_mlp.FeatureMLP(hidden=tuple(config.model.discriminator_hidden))
  return d, feature_matching.feature_matching_game(d, latent_fn)


def _minibatch(config, latent_fn):
  """The GAN game with a minibatch discrimination layer before the logit."""
  mb = config.minibatch
  d = feature_mlp.FeatureMLP(
      hidden=tuple(config.model.discriminator_hidden),
      minibatch_kernels=mb.num_kernels, minibatch_kernel_dim=mb.kernel_dim,
      return_features=False)
  return d, gan.gan_game(d, latent_fn, generator_cost=mb.generator_cost)


def _mmd(config, latent_fn):
  d = feature_mlp.FeatureMLP(hidden=tuple(config.model.discriminator_hidden))
  return d, mmd_gan.mmd_game(d, latent_fn,
                             bandwidths=tuple(config.mmd.bandwidths),
                             learned=config.mmd.learned,
                             clip=config.mmd.clip or None)


# config.method -> (config, latent_fn) -> (discriminator module, Game).
METHODS: dict[str, Callable] = {
    "wgan": _wgan,
    "wgan_gp": _wgan_gp,
    "fgan": _fgan,
    "ebgan": _ebgan,
    "began": _began,
    "feature_matching": _feature_matching,
    "minibatch": _minibatch,
    "mmd": _mmd,
}


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """The adversarial method `config.method` on mixture `config.data.name`."""
  if config.method not in METHODS:
    raise ConfigError(f"config.method={config.method!r} is unknown: use one "
                      f"of {sorted(METHODS)}.")
  mixture = mixtures.get(config.data.name)
  m = config.model
  latent_fn = adversarial_lib.gaussian_latent(m.latent_dim)
  discriminator, game = METHODS[config.method](config, latent_fn)
  disc_steps = config.adversarial.disc_steps
  generator_optimizer, discriminator_optimizer = optimizers(config.optim)
  algorithm = adversarial_lib.make_adversarial(
      mlp.MLP(hidden=tuple(m.generator_hidden), out=2), discriminator, game,
      disc_steps=disc_steps, generator_optimizer=generator_optimizer,
      discriminator_optimizer=discriminator_optimizer, axis_name=axis_name)
  data_fn = mixtures.make_batch_fn(mixture, config.data.batch_size,
                                   num_batches=disc_steps)
  return Experiment(algorithm, data_fn,
                    mixture_evaluate(algorithm, mixture, config.eval.num_samples))
