r"""Test targets with exact moments: Gaussians, a banana, Gaussian mixtures.

Each target's `logdensity_fn` maps positions `[..., D]` to `[...]` (so it serves
a single chain and a block of proposals alike) and `sample_fn(key, n)` draws
`[n, D]` exactly, for checking samplers against i.i.d. draws. Parameters and
moments are NumPy constants: building a target runs (and compiles) nothing.

References:
  Haario, Saksman & Tamminen 1999, "Adaptive proposal distribution for random
    walk Metropolis algorithm" (the twisted Gaussian, "banana"),
    https://doi.org/10.1007/s001800050022
"""
import math
from typing import Callable, NamedTuple

import chex
import jax
import jax.numpy as jnp
import numpy as np

from gentk.types import Array, ArrayLike, PRNGKey


class Target(NamedTuple):
  """A normalised 2-D (or D-dim) target with its exact first two moments.

  Attributes:
    logdensity_fn: $\\log p(x)$, `[..., D] -> [...]` (normalised).
    sample_fn: `(key, n) -> [n, D]` exact draws.
    mean: $E[x]$, shape `[D]` (a NumPy constant).
    covariance: $\\mathrm{Cov}[x]$, shape `[D, D]` (a NumPy constant).
  """
  logdensity_fn: Callable[[Array], Array]
  sample_fn: Callable[[PRNGKey, int], Array]
  mean: np.ndarray
  covariance: np.ndarray


def _normal_logpdf(x: Array, mean: ArrayLike, std: ArrayLike) -> Array:
  z = (x - mean) / std
  return -0.5 * z**2 - jnp.log(std) - 0.5 * math.log(2 * math.pi)


def isotropic_gaussian(mean: ArrayLike, std: float) -> Target:
  r"""$N(\mu, \sigma^2 I)$.

  Args:
    mean: $\mu$, shape `[D]`.
    std: $\sigma$.
  Returns:
    the `Target`.
  """
  mean = np.asarray(mean, np.float32)
  chex.assert_rank(mean, 1)
  dim = mean.shape[0]

  def logdensity_fn(x):
    return jnp.sum(_normal_logpdf(x, mean, std), axis=-1)

  def sample_fn(key, n):
    return mean + std * jax.random.normal(key, (n, dim))

  return Target(logdensity_fn, sample_fn, mean,
                np.float32(std**2) * np.eye(dim, dtype=np.float32))


def banana(a: float = 2.0, b: float = 0.5) -> Target:
  r"""Twisted Gaussian: $x_1 \sim N(0, a^2)$, $x_2 | x_1 \sim N(b (x_1^2 -
  a^2), 1)$.

  Moments: $E[x] = 0$, $\mathrm{Var}[x_1] = a^2$, $\mathrm{Var}[x_2] = 1 +
  2 b^2 a^4$ (as $\mathrm{Var}[x_1^2] = 2 a^4$), $\mathrm{Cov}[x_1, x_2] =
  b E[x_1^3] = 0$.

  Args:
    a: standard deviation of $x_1$.
    b: curvature of the ridge $x_2 = b (x_1^2 - a^2)$.
  Returns:
    the `Target`.
  References:
    Haario et al. 1999, Section 4 (with the mean of $x_2$ centred to 0).
  """

  def logdensity_fn(x):
    x1, x2 = x[..., 0], x[..., 1]
    return (_normal_logpdf(x1, 0.0, a)
            + _normal_logpdf(x2, b * (x1**2 - a**2), 1.0))

  def sample_fn(key, n):
    z = jax.random.normal(key, (n, 2))
    x1 = a * z[:, 0]
    return jnp.stack([x1, b * (x1**2 - a**2) + z[:, 1]], axis=-1)

  covariance = np.diag(np.asarray([a**2, 1.0 + 2.0 * b**2 * a**4],
                                  np.float32))
  return Target(logdensity_fn, sample_fn, np.zeros(2, np.float32), covariance)


def gaussian_mixture(weights: ArrayLike, means: ArrayLike, stds: ArrayLike
                     ) -> Target:
  r"""$p(x) = \sum_k \pi_k N(x; \mu_k, \sigma_k^2 I)$.

  Moments: $E[x] = \sum_k \pi_k \mu_k$, $\mathrm{Cov}[x] = \sum_k \pi_k
  (\sigma_k^2 I + \mu_k \mu_k^\top) - E[x] E[x]^\top$.

  Args:
    weights: $\pi$, shape `[K]`, summing to 1.
    means: $\mu$, shape `[K, D]`.
    stds: $\sigma$, shape `[K]`.
  Returns:
    the `Target`.
  """
  weights = np.asarray(weights, np.float32)
  means = np.asarray(means, np.float32)
  stds = np.asarray(stds, np.float32)
  chex.assert_rank([weights, means, stds], [1, 2, 1])
  num_components, dim = means.shape
  chex.assert_shape([weights, stds], (num_components,))
  log_weights = np.log(weights)

  def logdensity_fn(x):
    per_component = jnp.sum(
        _normal_logpdf(x[..., None, :], means, stds[:, None]), axis=-1)
    return jax.nn.logsumexp(log_weights + per_component, axis=-1)

  def sample_fn(key, n):
    key_k, key_z = jax.random.split(key)
    k = jax.random.categorical(key_k, log_weights, shape=(n,))
    return (jnp.asarray(means)[k]
            + jnp.asarray(stds)[k, None] * jax.random.normal(key_z, (n, dim)))

  mean = weights @ means
  second = (np.sum(weights * stds**2) * np.eye(dim, dtype=np.float32)
            + np.einsum("k,ki,kj->ij", weights, means, means))
  return Target(logdensity_fn, sample_fn, mean,
                second - np.outer(mean, mean))


def demo_mixture() -> Target:
  """The 2-D three-component mixture of the sampling demo and tests."""
  return gaussian_mixture(weights=[0.3, 0.3, 0.4],
                          means=[[-2.0, 0.0], [2.0, 0.0], [0.0, 2.0]],
                          stds=[0.8, 0.8, 0.8])
