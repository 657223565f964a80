"""Recipe: the VAE / IWAE (`gentk.algorithms.vae`) on binarised MNIST, scored
by importance-sampled test log-likelihood (`gentk.metrics.likelihood`)."""
import functools
import pathlib

import jax
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import vae
from gentk.data import mnist
from gentk.metrics import likelihood
from gentk.training.loop import Experiment
from gentk import optim
from gentk.recipes import evaluation
from gentk.data import digits

GRID = 64  # Images in the sample and reconstruction grids.


def modules(model: ml_collections.ConfigDict
            ) -> tuple[vae.Recognition, vae.Generative]:
  """The encoder and decoder of `config.model` (`latents`, `hidden`,
  `hidden_upper`) for MNIST images."""
  latents = tuple(model.latents)
  links = ((tuple(model.hidden),)
           + (tuple(model.hidden_upper),) * (len(latents) - 1))
  return (vae.Recognition(links, latents),
          vae.Generative(links, latents, mnist.IMAGE_SHAPE))


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """The VAE of `config.model` on binarised MNIST; see
  `experiments/configs/vae_mnist.py`."""
  m, e = config.model, config.eval
  data = digits.binary_digits(config)
  encoder, decoder = modules(config.model)
  num_steps = config.train.num_steps
  rate = (vae.burda_schedule(num_steps, config.optim.lr)
          if config.optim.schedule == "burda" else None)
  algorithm = vae.make_vae(encoder, decoder, optimizer=optim.optimizer(
                               config.optim, num_steps, rate),
                           objective=m.objective, num_samples=m.num_samples,
                           axis_name=axis_name)
  log_weights = vae.log_weights_fn(encoder, decoder)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    test_key, valid_key, sample_key = jax.random.split(key, 3)
    result = {f"test_{k}": v for k, v in likelihood.evaluate(
        log_weights, state.params, data.test, test_key,
        num_samples=e.num_samples,
        ks=tuple(e.ks)).items()}
    result["valid_elbo"] = likelihood.evaluate(
        log_weights, state.params, data.valid, valid_key, num_samples=1,
        ks=())["elbo"]
    means = np.asarray(jax.jit(functools.partial(
        encoder.apply, method=vae.Recognition.posterior_mean))(
            state.params[vae.ENCODER], data.test[:2000]))
    result["active_units"] = float(likelihood.active_units(means))
    samples = evaluation.sample_in_chunks(algorithm, state, sample_key, GRID)
    plotting.image_grid(samples, workdir / evaluation.png_name("samples", tag))
    reconstructions = decoder.apply(state.params[vae.DECODER],
                                    means[:GRID // 2],
                                    method=vae.Generative.pixel_means)
    pairs = np.stack([data.test[:GRID // 2], np.asarray(reconstructions)], 1)
    plotting.image_grid(pairs.reshape((-1,) + pairs.shape[2:]),
                        workdir / evaluation.png_name("reconstructions", tag))
    return result

  return Experiment(algorithm, data.data_fn, evaluate)
