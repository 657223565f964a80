"""Recipe `gan_mixture`: an MLP GAN on a 2-D mixture of the PacGAN protocol."""
import pathlib
from typing import Callable

import jax
import ml_collections
import optax

from gentk import plotting
from gentk.algorithms import gan
from gentk.data import mixtures
from gentk.losses import adversarial
from gentk.metrics import modes
from gentk.models import mlp
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment


def adam(optim: ml_collections.ConfigDict) -> optax.GradientTransformation:
  """Adam from `optim.lr`, `optim.b1`, `optim.b2`."""
  return optax.adam(optim.lr, b1=optim.b1, b2=optim.b2)


def mixture_evaluate(algorithm, mixture: mixtures.Mixture,
                     num_samples: int) -> Callable:
  """PacGAN mode metrics on `num_samples` samples, plus a scatter plot."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = jax.jit(algorithm.sample, static_argnums=2)(state, key,
                                                          num_samples)
    result = {k: float(v) for k, v in
              modes.mode_metrics(samples, mixture).items()}
    name = f"samples_{tag}.png" if tag else "samples.png"
    plotting.scatter_with_modes(
        samples, mixture.centers, workdir / name,
        title=(f"{result['modes']:.0f}/{mixture.centers.shape[0]} modes, "
               f"{result['high_quality_pct']:.1f}% HQ, "
               f"KL {result['reverse_kl']:.2f}"))
    return result
  return evaluate


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """MLP GAN on a 2-D mixture (`config.data.name` in {'ring', 'grid'})."""
  mixture = mixtures.get(config.data.name)
  if config.gan.generator_cost not in adversarial.GENERATOR_LOSSES:
    raise ConfigError(
        f"config.gan.generator_cost={config.gan.generator_cost!r} is unknown: "
        f"use one of {sorted(adversarial.GENERATOR_LOSSES)}.")
  m = config.model
  algorithm = gan.make_gan(
      mlp.MLP(hidden=tuple(m.generator_hidden), out=2),
      mlp.MLP(hidden=tuple(m.discriminator_hidden), out=1, squeeze_out=True),
      latent_dim=m.latent_dim, generator_cost=config.gan.generator_cost,
      disc_steps=config.gan.disc_steps, generator_optimizer=adam(config.optim),
      discriminator_optimizer=adam(config.optim), axis_name=axis_name)
  data_fn = mixtures.make_batch_fn(mixture, config.data.batch_size,
                                   num_batches=config.gan.disc_steps)
  return Experiment(algorithm, data_fn,
                    mixture_evaluate(algorithm, mixture, config.eval.num_samples))
