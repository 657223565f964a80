"""Recipe `bgan_mnist`: the discrete boundary-seeking GAN on binarised MNIST.

Players `gentk.models.binary_image` (Bernoulli-logit generator, convolutional
critic), algorithm `gentk.algorithms.bgan` with `config.bgan.estimator`.
Training batches are binarised inside the step (`digits.binary_digits`);
scored by the MNIST-classifier IS / FID / KID of `eval.num_samples` binary
samples against the binarised test images, the classifier's label histogram
of the samples (`mnist_classifier_min_share`: the rarest digit's share,
>= 0.05 when no digit is lost), and the spread of the estimators' generator
gradients at the final state (`gentk.algorithms.bgan.gradient_moments`,
same codes, same critic: importance, importance with centred weights,
REINFORCE).
"""
import pathlib

import jax
import ml_collections

from gentk import plotting
from gentk.algorithms import adversarial
from gentk.algorithms import bgan
from gentk.metrics import classifier as classifier_metrics
from gentk.models import binary_image
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.data import digits
from gentk.recipes import adversarial_methods


def modules(model: ml_collections.ConfigDict
            ) -> tuple[binary_image.BernoulliConvGenerator,
                       binary_image.ConvCritic]:
  """The generator and critic of `config.model` (`width`, `hidden`)."""
  return (binary_image.BernoulliConvGenerator(model.width, model.hidden),
          binary_image.ConvCritic(model.width, model.hidden))


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """BGAN on binarised MNIST; see `experiments/configs/bgan_mnist.py`."""
  m, b, e = config.model, config.bgan, config.eval
  data = digits.binary_digits(config)
  generator, critic = modules(m)
  algorithm = bgan.make_bgan(
      generator, critic, latent_dim=m.latent_dim, num_samples=b.num_samples,
      divergence=b.divergence, estimator=b.estimator,
      critic_samples=b.critic_samples or None, centred=b.centred,
      **adversarial_methods.adversarial_schedule(config, axis_name))
  estimators = {"importance": ("importance", False),
                "importance_centred": ("importance", True),
                "reinforce": ("reinforce", False)}
  games = {name: bgan.bgan_game(critic, None, num_samples=b.num_samples,
                                divergence=b.divergence, estimator=estimator,
                                centred=centred)
           for name, (estimator, centred) in estimators.items()}
  moments = jax.jit(lambda params, collections, key: {
      name: bgan.gradient_moments(
          generator, game, params, collections, key,
          batch_size=config.data.batch_size, latent_dim=m.latent_dim,
          num_draws=e.gradient_draws)
      for name, game in games.items()})

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    key_samples, key_moments = jax.random.split(key)
    samples = evaluation.sample_in_chunks(algorithm, state, key_samples,
                                      e.num_samples)
    result = classifier_metrics.mnist_classifier_metrics(
        samples, data.test, num_splits=e.num_splits,
        kid_subsets=e.kid_subsets)
    for name, values in moments(
        state.params, state.collections.get(adversarial.GENERATOR),
        key_moments).items():
      result.update({f"gradient_{name}/{k}": float(v)
                     for k, v in values.items()})
    plotting.image_grid(samples[:evaluation.GRID_SIZE],
                        workdir / evaluation.png_name("samples", tag))
    return result

  return Experiment(algorithm, data.data_fn, evaluate)
