"""Recipe `adversarial_mixture`: any adversarial method on a 2-D mixture.

`config.method` picks the method (see
`adversarial_methods.ADVERSARIAL_METHODS`, or 'sig', the semi-implicit
generator trained on H_M without a discriminator, or 'adagan', a boosted
mixture of generators trained on a fixed sample); the generator is an MLP of z ~ N(0, I), the data and evaluation are those of
`gan_mixture` (the PacGAN protocol). Each method reads its own config group,
named after the method.
"""
import jax
import ml_collections

from gentk.algorithms import sig
from gentk.data import mixtures
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk import optim
from gentk.recipes import evaluation
from gentk.recipes import adversarial_methods


# The fields a sweep may vary (read as traced values, gentk.training.sweep).
SWEEPABLE = ("optim.lr", "gan_si.weight", "began.gamma",
              "wgan_gp.penalty_weight")

def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """The adversarial method `config.method` on mixture `config.data.name`."""
  mixture = mixtures.get(config.data.name)
  if config.method == "sig" and config.model.generator_batch_norm:
    raise ConfigError(
        f"config.model.generator_batch_norm=True: method {config.method!r} "
        "trains generators without batch statistics: pass e.g. "
        "--config.model.generator_batch_norm=False.")
  mlps = adversarial_methods.mixture_players(config.model)
  if config.method == "sig":
    algorithm = sig.make_sig(
        mlps.generator, latent_dim=config.model.latent_dim,
        sigma=config.sig.sigma, num_mixture=config.sig.num_mixture,
        optimizer=optim.optimizer(config.optim, config.train.num_steps),
        axis_name=axis_name)
  elif config.method == "adagan":
    points = mixtures.sample(mixture, jax.random.PRNGKey(config.seed),
                             (config.adagan.num_points,))
    algorithm = adversarial_methods.adagan_algorithm(
        config, mlps.generator, mlps.scorer(False), points,
        axis_name=axis_name)
  else:
    algorithm = adversarial_methods.adversarial_algorithm(
        config, mlps, axis_name=axis_name)
  return Experiment(algorithm,
                    mixtures.make_batch_fn(mixture, config.data.batch_size),
                    evaluation.mixture_evaluate(algorithm, mixture,
                                            config.eval.num_samples))
