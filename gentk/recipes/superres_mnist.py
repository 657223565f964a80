"""Recipe `superres_mnist`: 4x super-resolution of MNIST digits (7x7 ->
28x28) by bicubic interpolation, regression (`ResidualUpsampler`), and the
inverse problem under a TV prior and under a VAE's learned prior
(`gentk.algorithms.superres`), scored by PSNR and SSIM (`gentk.metrics.image`).
`consistent` is the inverse problem without a prior (lambda = 0): the
bicubic estimate moved by the same Adam steps until U(y) = x.

The inverses' weights lambda are picked per prior from `eval.tv_weights` /
`eval.latent_weights` by PSNR on the last `data.num_valid` training images,
held out from training; the test split is scored once with the picked ones.
"""
import functools
import pathlib

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import superres, vae
from gentk.data import mnist
from gentk.metrics import image
from gentk.models.superres import ResidualUpsampler
from gentk.training.loop import Experiment
from gentk import optim
from gentk.recipes import evaluation
from gentk.data import digits

METHODS = ("bicubic", "consistent", "regression", "tv", "learned_prior")
GRID = 10  # Test images in the example grid.


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """See `experiments/configs/superres_mnist.py`."""
  d, m, e = config.data, config.model, config.eval
  f = m.factor
  digits.resolve_source(d)
  images = digits.load_digits(d.source, d.train_split, seed=config.seed).images
  train, valid = images[:-d.num_valid], images[-d.num_valid:]
  test = digits.load_digits(d.source, d.test_split, e.num_test,
                            seed=config.seed).images
  regressor = ResidualUpsampler(f, tuple(m.features), tuple(m.kernel_sizes))
  latents = (m.latent_dim,)
  encoder = vae.Recognition((tuple(m.vae_hidden),), latents)
  decoder = vae.Generative((tuple(m.vae_hidden),), latents, mnist.IMAGE_SHAPE)
  algorithm = superres.make_superres(
      regressor, encoder, decoder, factor=f,
      optimizer=optim.optimizer(config.optim, config.train.num_steps),
      axis_name=axis_name)

  def tv(x, weight):
    return superres.tv_inverse(x, f, weight=weight, num_steps=e.num_steps)

  def learned_prior(params, x, weight):
    z0 = encoder.apply(params[vae.ENCODER], superres.bicubic(x, f),
                       method=vae.Recognition.posterior_mean)

    def generate(z):
      return decoder.apply(params[vae.DECODER], z,
                           method=vae.Generative.pixel_means)
    return superres.latent_inverse(x, generate, z0, f, weight=weight,
                                   num_steps=e.num_steps)

  def regression(params, x):
    return jnp.clip(regressor.apply(params[superres.REGRESSOR], x), 0.0, 1.0)

  tv, learned_prior, regression = map(jax.jit, (tv, learned_prior,
                                                 regression))

  def psnr(y_hat, y) -> float:
    return float(jnp.mean(image.psnr(y_hat, y)))

  def pick(weights, estimate, y) -> float:
    """The weight of `weights` whose estimates of `y` have the best PSNR."""
    return max(weights, key=lambda w: psnr(estimate(superres.downsample(
        y, f), w), y))

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    del key
    params = state.params
    y_valid, y = jnp.asarray(valid), jnp.asarray(test)
    tv_weight = pick(e.tv_weights, tv, y_valid)
    latent_weight = pick(e.latent_weights,
                         functools.partial(learned_prior, params), y_valid)
    x = superres.downsample(y, f)
    estimates = {"bicubic": superres.bicubic(x, f),
                 "consistent": tv(x, 0.0),
                 "regression": regression(params, x),
                 "tv": tv(x, tv_weight),
                 "learned_prior": learned_prior(params, x, latent_weight)}
    result = {"tv_weight": float(tv_weight),
              "latent_weight": float(latent_weight)}
    for method, y_hat in estimates.items():
      result[f"{method}_psnr"] = psnr(y_hat, y)
      result[f"{method}_ssim"] = float(jnp.mean(image.ssim(y_hat, y)))
    low = jnp.repeat(jnp.repeat(x[:GRID], f, 1), f, 2)
    rows = [low] + [estimates[m][:GRID] for m in METHODS] + [y[:GRID]]
    plotting.image_grid(np.concatenate([np.asarray(r) for r in rows]),
                        workdir / evaluation.png_name("superres", tag),
                        ncols=GRID)
    return result

  data_fn = mnist.make_batch_fn(train, np.zeros(len(train), np.int32),
                                d.batch_size)
  return Experiment(algorithm, data_fn, evaluate)
