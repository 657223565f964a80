r"""The semi-implicit generator's finite-mixture objective (SIG, GAN-SI).

A semi-implicit generator draws $\theta = g_\phi(z)$, $z \sim p(z)$, from an
implicit distribution and then $x \sim p(x | \theta)$ from an explicit kernel
(here Gaussian, $N(x; \theta, \sigma^2 I)$). Its cross-entropy
$H = -E_{p_{data}} \log \int p(x|\theta) p_\phi(\theta) d\theta$ has no closed
form; Yin & Zhou (Lemma 1, Eq. 6) bound it with M draws,

$$H_M = -E_{x \sim p_{data}} E_{\theta_{1..M} \sim p_\phi}
  \log \frac1M \sum_{j=1}^M p(x | \theta_j), \qquad
  H \le H_{M+1} \le H_M, \quad H_M \to H,$$

estimated on a batch of N data points and M generated $\theta_j$ by
$-\frac1N \sum_i \log \frac1M \sum_j p(x_i | \theta_j)$ (a stable
log-mean-exp over j). Every data point pulls on the $\theta_j$ that explain
it, in proportion to their responsibilities, which is what keeps SIG from
dropping modes. Theorem 1 makes this exact on a discrete multi-modal space:
see `optimal_allocation`.

References:
  Yin & Zhou 2019, "Semi-Implicit Generative Model",
    https://arxiv.org/abs/1905.12659 (Eq. 6, Theorem 1, Eqs. 7, 11, 12)
"""
import math

import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def gaussian_log_kernel(x: ArrayLike, theta: ArrayLike, sigma: float
                        ) -> Array:
  r"""$\log N(x_i; \theta_j, \sigma^2 I)$ for every pair: `[N, M]`.

  Args:
    x: `[N, ...]` data; the trailing axes are one example.
    theta: `[M, ...]`, the same example shape.
    sigma: the kernel's standard deviation.
  Returns:
    `[N, M]`, from squared distances computed as one matrix product
    ($\|x\|^2 + \|\theta\|^2 - 2 x^\top \theta$, clipped at 0).
  """
  x, theta = jnp.asarray(x), jnp.asarray(theta)
  x = x.reshape(x.shape[0], -1)
  theta = theta.reshape(theta.shape[0], -1)
  d = x.shape[1]
  sq = (jnp.sum(x ** 2, 1)[:, None] + jnp.sum(theta ** 2, 1)[None]
        - 2.0 * x @ theta.T)
  sq = jnp.maximum(sq, 0.0)
  return (-0.5 * sq / sigma ** 2 - d * math.log(sigma)
          - 0.5 * d * math.log(2 * math.pi))


def mixture_cross_entropy(log_kernel: ArrayLike) -> Array:
  r"""$H_M$'s estimate from `[N, M]` values $\log p(x_i | \theta_j)$:
  $-\frac1N \sum_i \log \frac1M \sum_j p(x_i|\theta_j)$ (a scalar)."""
  log_kernel = jnp.asarray(log_kernel)
  m = log_kernel.shape[1]
  return -jnp.mean(jax.nn.logsumexp(log_kernel, axis=1) - math.log(m))


def sig_loss(x: ArrayLike, theta: ArrayLike, sigma: float) -> Array:
  r"""$H_M$ with the Gaussian kernel: data `x` `[N, ...]`, generated
  $\theta$ `[M, ...]` (differentiable in $\theta$)."""
  return mixture_cross_entropy(gaussian_log_kernel(x, theta, sigma))


def allocation_objective(w: ArrayLike, n: ArrayLike, u: float, v: float
                         ) -> Array:
  r"""Theorem 1's objective (Eq. 7, to maximise) as a function of the shares
  $w_k = m_k / M$ of the $\theta$'s in each of the K regions:
  $\frac1N \sum_k n_k \log(w_k u + (1 - w_k) v)$, with $n_k$ of the N data
  points in region k, u the expected kernel within a region and v between
  regions ($u > v \ge 0$)."""
  w, n = jnp.asarray(w), jnp.asarray(n)
  return jnp.sum(n * jnp.log(w * u + (1.0 - w) * v)) / jnp.sum(n)


def optimal_allocation(n: ArrayLike, u: float, v: float) -> Array:
  r"""Theorem 1 (Yin & Zhou 2019): the maximiser of `allocation_objective`,
  $$\frac{m_k^*}{M} = \frac{n_k}{N} + \Big(\frac{n_k}{N} - \frac1K\Big)
    \frac{K v}{u - v},$$
  valid when every share is positive, i.e. $n_k / N > \frac1K \frac{1}{1 +
  (u - v)/(K v)}$ (regions with fewer data receive no $\theta$ and the rest
  is re-solved without them). With $v = 0$ (well separated modes) the shares
  equal the data's: no mode is dropped."""
  n = jnp.asarray(n, jnp.float32)
  p, k = n / jnp.sum(n), n.shape[0]
  return p + (p - 1.0 / k) * k * v / (u - v)
