"""Recipe `stacked_mnist`: GANs on Stacked MNIST (three independent digits as
the channels of a 28 x 28 x 3 image, 1,000 modes), scored by the modes hit
and KL to uniform of `eval.num_samples` samples (26,000 in the protocol) and
seed 004's columns (`gentk.metrics.classifier.stacked_mnist_modes`).

`config.method`: 'gan' (DCGAN), 'pacgan' (packed discriminator), 'gan_si'
(GAN + lambda H_M) or 'adagan' (a boosted mixture of DCGANs trained on a fixed
sample of `adagan.num_points` stacks, reweighted each round); the players are
`gentk.models.dcgan`'s with three output channels, the generator of width
`model.generator_width` and the discriminator of `model.discriminator_width`
(seed 004's S / M / L sizes), batch-normalised for every method.
"""
import pathlib

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import adagan
from gentk.data import mnist
from gentk.metrics import classifier as classifier_metrics
from gentk.models import dcgan
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.data import digits
from gentk.recipes import adversarial_methods

CHANNELS = 3  # Digits per image.
METHODS = ("gan", "pacgan", "gan_si", "adagan")


def players(model: ml_collections.ConfigDict, axis_name: str | None,
            dtype=None) -> adversarial_methods.Players:
  """DCGAN players for three-channel images."""
  return adversarial_methods.Players(
      generator=dcgan.DCGANGenerator(model.generator_width, CHANNELS,
                                     model.bn_momentum, axis_name,
                                     dtype=dtype),
      scorer=lambda batch_norm: dcgan.DCGANDiscriminator(
          model.discriminator_width, model.bn_momentum, axis_name,
          batch_norm=batch_norm, dtype=dtype),
      autoencoder=None)


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """`config.method` on Stacked MNIST drawn in the step from
  `data.train_split`."""
  d, e = config.data, config.eval
  digits.resolve_source(d)
  loaded = digits.load_digits(d.source, d.train_split, d.num_train,
                              seed=config.seed)
  dcgans = players(config.model, axis_name,
                   adversarial_methods.compute_dtype(config))
  if config.method == "adagan":
    algorithm = adversarial_methods.adagan_algorithm(
        config, dcgans.generator, dcgans.scorer(True),
        fixed_stacks(loaded.images, config.adagan.num_points, config.seed),
        axis_name=axis_name)
  else:
    algorithm = adversarial_methods.adversarial_algorithm(
        config, dcgans, axis_name=axis_name)
  data_fn = mnist.make_batch_fn(loaded.images, loaded.labels, d.batch_size,
                                stack=CHANNELS)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = evaluation.sample_in_chunks(algorithm, state, key,
                                          e.num_samples)
    result = classifier_metrics.stacked_mnist_modes(samples)
    plotting.image_grid(samples[:evaluation.GRID_SIZE],
                        workdir / evaluation.png_name("samples", tag))
    return {"modes": result["stacked_mnist_modes"],
            "kl": result["stacked_mnist_kl"],
            **{k.removeprefix("stacked_mnist_"): v for k, v in result.items()
               if k not in ("stacked_mnist_modes", "stacked_mnist_kl")}}

  return Experiment(algorithm, data_fn, evaluate)


def fixed_stacks(images: np.ndarray, num: int, seed: int) -> adagan.Points:
  """N stacked images fixed by `seed`: triples of digit indices drawn
  uniformly with replacement, looked up (and stacked) inside the step."""
  triples = jax.random.randint(jax.random.PRNGKey(seed), (num, CHANNELS), 0,
                               images.shape[0])
  images = jnp.asarray(images)
  return adagan.Points(num, lambda i: mnist.stack_images(images, triples[i]))
