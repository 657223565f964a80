"""Recipe `gan_mixture`: an MLP GAN on a Gaussian mixture (the PacGAN
protocol's 2-D ones, or the 1-D line)."""
import ml_collections

from gentk.algorithms import gan
from gentk.data import mixtures
from gentk.losses import adversarial
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.recipes import adversarial_methods


# The fields a sweep may vary (read as traced values, gentk.training.sweep).
SWEEPABLE = ("optim.lr",)

def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """MLP GAN on a mixture (`config.data.name` in {'ring', 'grid', 'line'})."""
  mixture = mixtures.get(config.data.name)
  if config.gan.generator_cost not in adversarial.GENERATOR_LOSSES:
    raise ConfigError(
        f"config.gan.generator_cost={config.gan.generator_cost!r} is unknown: "
        f"use one of {sorted(adversarial.GENERATOR_LOSSES)}.")
  players = adversarial_methods.mixture_players(config.model,
                                   dim=mixture.centers.shape[-1])
  algorithm = gan.make_gan(
      players.generator, players.scorer(True),
      latent_dim=config.model.latent_dim,
      generator_cost=config.gan.generator_cost,
      penalty_weight=config.gan.penalty_weight,
      penalty_target=config.gan.penalty_target,
      **adversarial_methods.adversarial_schedule(config, axis_name))
  return Experiment(algorithm,
                    mixtures.make_batch_fn(mixture, config.data.batch_size),
                    evaluation.mixture_evaluate(algorithm, mixture,
                                            config.eval.num_samples))
