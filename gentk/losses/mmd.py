r"""Maximum mean discrepancy with a mixture of Gaussian (RBF) kernels.

MMD^2(P, Q) = E k(x, x') - 2 E k(x, y) + E k(y, y'), x, x' ~ P, y, y' ~ Q,
with k(x, y) = \sum_s exp(-||x - y||^2 / (2 \sigma_s^2)), a sum of RBF kernels
over bandwidths \sigma_s (so no single bandwidth has to fit every scale). As a
generator loss it is applied to raw samples (generative moment matching
networks) or to features of a learned map (MMD GAN): flatten-able `[N, ...]`
arrays either way.

References:
  Li et al. 2015, "Generative Moment Matching Networks",
    https://arxiv.org/abs/1502.02761
  Dziugaite et al. 2015, "Training generative neural networks via Maximum Mean
    Discrepancy optimization", https://arxiv.org/abs/1505.03906
  Gretton et al. 2012, "A Kernel Two-Sample Test", JMLR 13 (Lemma 6, the
    unbiased estimator).
"""
from typing import Sequence

import chex
import jax.numpy as jnp

from gentk.types import Array, ArrayLike

# Bandwidths of Li et al. 2015 (Sec. 4, for pixel values in [0, 1] and codes).
GMMN_BANDWIDTHS = (2.0, 5.0, 10.0, 20.0, 40.0, 80.0)


def rbf_mixture_kernel(x: ArrayLike, y: ArrayLike, *,
                       bandwidths: Sequence[float] = GMMN_BANDWIDTHS) -> Array:
  r"""Gram matrix of k(x, y) = \sum_s exp(-||x - y||^2 / (2 \sigma_s^2)).

  Args:
    x: samples, shape `[M, ...]` (flattened per example).
    y: samples, shape `[N, ...]`, same trailing size as `x`.
    bandwidths: the \sigma_s > 0.
  Returns:
    kernel values, shape `[M, N]`.
  References:
    Li et al. 2015, Sec. 3, https://arxiv.org/abs/1502.02761
  """
  x, y = jnp.asarray(x), jnp.asarray(y)
  x, y = x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1)
  chex.assert_equal_shape_suffix([x, y], 1)
  # ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y: one matmul instead of an [M, N, D]
  # difference tensor; clipped at 0 against round-off.
  sq_dist = (jnp.sum(x * x, axis=1)[:, None] + jnp.sum(y * y, axis=1)[None, :]
             - 2.0 * x @ y.T)
  sq_dist = jnp.maximum(sq_dist, 0.0)
  gammas = 1.0 / (2.0 * jnp.square(jnp.asarray(bandwidths, sq_dist.dtype)))
  return jnp.sum(jnp.exp(-sq_dist[..., None] * gammas), axis=-1)


def _mean_off_diagonal(gram: Array) -> Array:
  m = gram.shape[0]
  return (jnp.sum(gram) - jnp.trace(gram)) / (m * (m - 1))


def mmd2(x: ArrayLike, y: ArrayLike, *,
         bandwidths: Sequence[float] = GMMN_BANDWIDTHS,
         unbiased: bool = True) -> Array:
  r"""Squared MMD between two sample sets (a batch statistic, scalar).

  Unbiased (default; Gretton et al. 2012, Lemma 6):
    1/(M(M-1)) \sum_{i != j} k(x_i, x_j) + 1/(N(N-1)) \sum_{i != j} k(y_i, y_j)
    - 2/(MN) \sum_{i, j} k(x_i, y_j),
  which can be negative. With `unbiased=False`, the biased V-statistic of
  Li et al. 2015 (Eq. 1), which also averages the diagonal terms.

  Args:
    x: samples of P (e.g. data or its features), shape `[M, ...]`, M >= 2.
    y: samples of Q (e.g. generated), shape `[N, ...]`, N >= 2.
    bandwidths: RBF bandwidths \sigma_s of the kernel mixture.
    unbiased: use the unbiased U-statistic.
  Returns:
    scalar estimate of MMD^2.
  References:
    Gretton et al. 2012, JMLR 13, Lemma 6; Li et al. 2015, Eq. 1,
    https://arxiv.org/abs/1502.02761; Dziugaite et al. 2015,
    https://arxiv.org/abs/1505.03906
  """
  x, y = jnp.asarray(x), jnp.asarray(y)
  if x.shape[0] < 2 or y.shape[0] < 2:
    raise ValueError(f"MMD needs at least 2 samples per set, got "
                     f"{x.shape[0]} and {y.shape[0]}")
  k_xx = rbf_mixture_kernel(x, x, bandwidths=bandwidths)
  k_yy = rbf_mixture_kernel(y, y, bandwidths=bandwidths)
  k_xy = rbf_mixture_kernel(x, y, bandwidths=bandwidths)
  if unbiased:
    return _mean_off_diagonal(k_xx) + _mean_off_diagonal(k_yy) - 2.0 * jnp.mean(k_xy)
  return jnp.mean(k_xx) + jnp.mean(k_yy) - 2.0 * jnp.mean(k_xy)
