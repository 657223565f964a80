"""Importance-sampled log-likelihood and the bounds beside it."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.metrics import likelihood


def _toy_log_weights(params, x, key, k):
  """log w of a 1-d model whose exact log p(x) is known: q(z|x) = N(0, 1),
  p(x, z) = N(z; 0, 1) N(x; z, 1) -> log w = log N(x; z, 1)."""
  z = jax.random.normal(key, (k,) + x.shape[:1])
  return -0.5 * (x[:, 0] - z) ** 2 * params - 0.5 * math.log(2 * math.pi)


def test_bounds_are_ordered_per_image():
  log_w = jax.random.normal(jax.random.PRNGKey(0), (1000, 7)) * 2.0
  b = likelihood.bounds_from_log_weights(log_w, (5, 50))
  for low, high in [("elbo", "iwae_5"), ("iwae_5", "iwae_50"),
                    ("iwae_50", "log_likelihood")]:
    assert np.all(np.asarray(b[low]) <= np.asarray(b[high]) + 1e-5)


def test_k_must_divide_the_draws():
  with pytest.raises(ValueError, match="divide"):
    likelihood.bounds_from_log_weights(jnp.zeros((10, 2)), (3,))


def test_evaluate_matches_the_exact_log_likelihood_and_pads_batches():
  images = np.linspace(-1.0, 1.0, 23, dtype=np.float32)[:, None]
  out = likelihood.evaluate(_toy_log_weights, 1.0, images,
                            jax.random.PRNGKey(0), num_samples=4000, ks=(5,),
                            batch_size=10, chunk=1000)
  # Marginal p(x) = N(x; 0, 2).
  exact = np.mean(-0.5 * images[:, 0] ** 2 / 2 - 0.5 * np.log(2 * np.pi * 2))
  # Weights' relative std ~0.6 at |x| <= 1: K = 4,000 gives ~0.01 nats.
  assert abs(out["log_likelihood"] - exact) < 0.03
  assert out["num_images"] == 23
  assert out["elbo"] < out["iwae_5"] < out["log_likelihood"]
  assert 0 < out["log_likelihood_stderr"] < 0.2
  # Scoring the same images in one batch of 23 (no padding) draws other
  # keys, but the estimate agrees within its Monte Carlo error.
  one = likelihood.evaluate(_toy_log_weights, 1.0, images,
                            jax.random.PRNGKey(0), num_samples=4000, ks=(5,),
                            batch_size=23, chunk=1000)
  assert abs(one["log_likelihood"] - out["log_likelihood"]) < 0.03


def test_active_units_count_the_varying_means():
  means = np.stack([np.linspace(-1, 1, 100), np.full(100, 0.3),
                    np.linspace(0, 0.01, 100)], 1)
  assert likelihood.active_units(means) == 1
