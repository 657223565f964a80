"""Recipe `infogan_mnist`: InfoGAN (10-way categorical + 2 continuous codes)
on MNIST (DCGAN or MLP generator; a discriminator whose body is shared with
the Q head, optionally batch-normalised); evaluated by the categorical code's
accuracy as a digit classifier (best permutation), the MNIST-classifier IS /
FID / KID of samples against the test split, and a sample grid (rows = code
values). `config.data.source`: see `digits.resolve_source`."""
import pathlib

import jax
import ml_collections

from gentk import plotting
from gentk.algorithms import adversarial
from gentk.algorithms import infogan
from gentk.data import mnist
from gentk.metrics import classifier as classifier_metrics
from gentk.models import dcgan
from gentk.models import image_mlp
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.data import digits
from gentk.recipes import adversarial_methods


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """InfoGAN on MNIST (players from `config.model`)."""
  d = config.data
  train, test = digits.train_and_test(d, seed=config.seed)
  m, info = config.model, config.infogan
  spec = infogan.CodeSpec(categories=(info.num_categories,),
                          num_continuous=info.num_continuous,
                          learn_std=info.learn_std)
  dtype = adversarial_methods.compute_dtype(config)
  if m.generator == "dcgan":
    generator = dcgan.DCGANGenerator(width=m.generator_width,
                                     axis_name=axis_name, dtype=dtype)
  elif m.generator == "mlp":
    generator = image_mlp.MLPGenerator(hidden=tuple(m.generator_hidden),
                                       out_shape=mnist.IMAGE_SHAPE,
                                       axis_name=axis_name, dtype=dtype)
  else:
    raise ConfigError(f"config.model.generator={m.generator!r} is unknown: "
                      "use 'mlp' or 'dcgan'.")
  discriminator = image_mlp.InfoDiscriminator(
      hidden=tuple(m.discriminator_hidden), q_hidden=m.q_hidden,
      q_out=spec.q_size, conv_widths=tuple(m.discriminator_conv),
      batch_norm=m.discriminator_batch_norm, axis_name=axis_name,
      dtype=dtype)
  algorithm = infogan.make_infogan(
      generator, discriminator, noise_dim=m.noise_dim, spec=spec,
      categorical_weight=info.categorical_weight,
      continuous_weight=info.continuous_weight,
      **adversarial_methods.adversarial_schedule(config, axis_name))
  data_fn = mnist.make_batch_fn(train.images, train.labels, d.batch_size)

  @jax.jit
  def predict(state, images):
    """Q's categorical code of real images (running batch statistics)."""
    _, q = discriminator.apply(
        adversarial.player_variables(state, adversarial.DISCRIMINATOR),
        images, train=False)
    return infogan.split_q(q, spec).categorical_logits.argmax(-1)

  @jax.jit
  def sweep(state, key):
    inputs, _ = infogan.categorical_sweep(
        key, noise_dim=m.noise_dim, num_columns=config.eval.grid_columns,
        spec=spec)
    return generator.apply(
        adversarial.player_variables(state, adversarial.GENERATOR), inputs,
        train=False)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    key_sweep, key_samples = jax.random.split(key)
    codes = predict(state, test.images)
    confusion = infogan.confusion_matrix(
        codes, test.labels, num_codes=info.num_categories,
        num_classes=mnist.NUM_CLASSES)
    accuracy, _ = infogan.permutation_accuracy(confusion)
    plotting.image_grid(sweep(state, key_sweep),
                        workdir / evaluation.png_name("code_grid", tag),
                        ncols=config.eval.grid_columns)
    samples = evaluation.sample_in_chunks(algorithm, state, key_samples,
                                      config.eval.num_samples)
    quality = classifier_metrics.mnist_classifier_metrics(
        samples, test.images, num_splits=config.eval.num_splits,
        kid_subsets=config.eval.kid_subsets)
    return {"code_accuracy": accuracy,
            "codes_used": float((confusion.sum(1) > 0).sum()), **quality}

  return Experiment(algorithm, data_fn, evaluate)
