"""Recipe `gan_mixture`: an MLP GAN on a Gaussian mixture (the PacGAN
protocol's 2-D ones, or the 1-D line)."""
import ml_collections

from gentk.algorithms import gan
from gentk.data import mixtures
from gentk.losses import adversarial
from gentk.models import mlp
from gentk.recipes import common
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """MLP GAN on a mixture (`config.data.name` in {'ring', 'grid', 'line'})."""
  mixture = mixtures.get(config.data.name)
  if config.gan.generator_cost not in adversarial.GENERATOR_LOSSES:
    raise ConfigError(
        f"config.gan.generator_cost={config.gan.generator_cost!r} is unknown: "
        f"use one of {sorted(adversarial.GENERATOR_LOSSES)}.")
  m = config.model
  algorithm = gan.make_gan(
      mlp.MLP(hidden=tuple(m.generator_hidden),
              out=mixture.centers.shape[-1],
              batch_norm=m.generator_batch_norm),
      mlp.MLP(hidden=tuple(m.discriminator_hidden), out=1, squeeze_out=True,
              maxout=m.discriminator_maxout),
      latent_dim=m.latent_dim, generator_cost=config.gan.generator_cost,
      **common.adversarial_schedule(config, axis_name))
  return Experiment(algorithm,
                    mixtures.make_batch_fn(mixture, config.data.batch_size),
                    common.mixture_evaluate(algorithm, mixture,
                                            config.eval.num_samples))
