"""Recipe `ssgan_mnist`: the semi-supervised (K+1)-class GAN on MNIST with a
few labels (10 per class by default, fixed by `config.data.label_seed`) and
feature matching; evaluated by the classifier's test accuracy."""
import pathlib

import jax
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import adversarial
from gentk.algorithms import ssgan
from gentk.data import mnist
from gentk.models import image_mlp
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.data import digits
from gentk.recipes import adversarial_methods


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """SS-GAN on MNIST with `gentk.models.image_mlp` players."""
  d = config.data
  train, test = digits.train_and_test(d, seed=config.seed)
  counts = np.bincount(train.labels, minlength=mnist.NUM_CLASSES)
  if counts.min() < config.data.labels_per_class:
    raise ConfigError(
        f"config.data.labels_per_class={config.data.labels_per_class} exceeds "
        f"the {counts.min()} examples of the rarest class in "
        f"{config.data.train_split!r}: lower it or use a larger split.")
  labelled = np.asarray(ssgan.labelled_subset(
      jax.random.PRNGKey(config.data.label_seed), train.labels,
      per_class=config.data.labels_per_class, num_classes=mnist.NUM_CLASSES))
  m = config.model
  generator = image_mlp.MLPGenerator(hidden=tuple(m.generator_hidden),
                                     out_shape=mnist.IMAGE_SHAPE,
                                     activation=m.generator_activation)
  discriminator = image_mlp.NoisyClassifier(
      hidden=tuple(m.discriminator_hidden), num_classes=mnist.NUM_CLASSES,
      input_noise=m.input_noise, hidden_noise=m.hidden_noise)
  algorithm = ssgan.make_ssgan(
      generator, discriminator, train.images[labelled], train.labels[labelled],
      latent_dim=m.latent_dim,
      labelled_batch_size=config.ssgan.labelled_batch_size,
      unsupervised_weight=config.ssgan.unsupervised_weight,
      **adversarial_methods.adversarial_schedule(config, axis_name))
  data_fn = mnist.make_batch_fn(train.images, train.labels, d.batch_size)
  predict = jax.jit(lambda p, x: ssgan.classify(discriminator, p, x))
  sample = jax.jit(algorithm.sample, static_argnums=2)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    predicted = predict(state.params[adversarial.DISCRIMINATOR], test.images)
    plotting.image_grid(sample(state, key, evaluation.GRID_SIZE),
                        workdir / evaluation.png_name("samples", tag))
    return {"test_accuracy": float(np.mean(np.asarray(predicted)
                                           == test.labels)),
            "num_labels": float(labelled.size)}

  return Experiment(algorithm, data_fn, evaluate)
