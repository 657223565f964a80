"""Recipe: the Bidirectional Helmholtz Machine or reweighted wake-sleep
(`gentk.algorithms.helmholtz`) on binarised MNIST, scored by importance
sampling (`gentk.metrics.likelihood`) and, for the BiHM, an estimate of
its normaliser Z^2."""
import pathlib

import jax
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import helmholtz
from gentk.data import mnist
from gentk.metrics import likelihood
from gentk.training.loop import Experiment
from gentk import optim
from gentk.recipes import evaluation
from gentk.data import digits

GRID = 64  # Samples in the grid.


def estimate_log_z2(sizes, params, key, num: int, chunk: int = 10_000
                    ) -> float:
  r"""`helmholtz.log_z2` over `num` draws, `chunk` at a time: the log of the
  mean of the chunks' $\hat Z^2$ (each chunk's estimate is unbiased for
  $Z^2$, so their mean is too)."""
  chunk = min(chunk, num)
  draw = jax.jit(lambda p, k: helmholtz.log_z2(sizes, p, k, chunk))
  logs = [float(draw(params, jax.random.fold_in(key, i)))
          for i in range(num // chunk)]
  return float(jax.nn.logsumexp(np.asarray(logs)) - np.log(len(logs)))


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """See `experiments/configs/bihm_mnist.py`."""
  m, e = config.model, config.eval
  data = digits.binary_digits(config)
  sizes = (int(np.prod(mnist.IMAGE_SHAPE)),) + tuple(m.hidden)
  algorithm = helmholtz.make_helmholtz(
      sizes, method=m.method, num_samples=m.num_samples,
      optimizer=optim.optimizer(config.optim), axis_name=axis_name)
  alpha = helmholtz.ALPHAS[m.method]
  log_weights = helmholtz.log_weights_fn(sizes, alpha)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    test_key, z_key, sample_key = jax.random.split(key, 3)
    # With alpha = 1/2 the estimate is log p~*(x): the bound is twice it.
    scored = likelihood.evaluate(log_weights, state.params, data.test,
                                 test_key, num_samples=e.num_samples, ks=())
    result = {"test_bound": scored["log_likelihood"] / alpha,
              "test_bound_stderr": scored["log_likelihood_stderr"] / alpha,
              "num_test": scored["num_images"]}
    if m.method == "bihm":
      log_z2 = estimate_log_z2(sizes, state.params, z_key, e.z_samples)
      result.update(log_z2=log_z2, two_bhattacharyya=-log_z2,
                    test_log_likelihood=result["test_bound"] - log_z2)
    else:
      result["test_log_likelihood"] = result["test_bound"]
    # Over test images only: the log Z^2 estimate's own error is not in it.
    result["test_log_likelihood_stderr"] = result["test_bound_stderr"]
    samples = algorithm.sample(state, sample_key, GRID)
    plotting.image_grid(np.asarray(samples).reshape((-1,) + mnist.IMAGE_SHAPE),
                        workdir / evaluation.png_name("samples", tag))
    return result

  return Experiment(algorithm, data.data_fn, evaluate)
