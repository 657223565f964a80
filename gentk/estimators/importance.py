r"""Importance sampling: log-weights, self-normalised weights, ESS, bounds.

With samples $x_k \sim q$, $k = 1..K$, and a target $p$ known up to a
constant, the log-importance-weights are $\log w_k = \log \tilde p(x_k) -
\log \tilde q(x_k)$. Everything here works in log space (`logsumexp`), takes
the sample axis as a keyword (`axis`, default 0) and reduces it; the other
axes are a batch.

  * $\frac{1}{K} \sum_k w_k$ is unbiased for $Z_p / Z_q$
    (`log_normalizer_ratio` returns its log);
  * $\sum_k \tilde w_k f(x_k)$, $\tilde w_k = w_k / \sum_j w_j$, is a
    consistent (biased, $O(1/K)$) estimate of $E_p[f]$
    (`self_normalized_expectation`);
  * $\log \frac{1}{K} \sum_k p(x, z_k) / q(z_k | x) \le \log p(x)$ in
    expectation, non-decreasing in $K$ (`iwae_bound`).

References:
  Owen 2013, "Monte Carlo theory, methods and examples", Chapter 9,
    https://artowen.su.domains/mc/
  Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders",
    https://arxiv.org/abs/1509.00519
  Bornschein, Shabanian, Fischer & Bengio 2016, "Bidirectional Helmholtz
    Machines", https://arxiv.org/abs/1506.03877
"""
import math

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def _check_axis(x: Array, axis: int) -> int:
  chex.assert_rank(x, {i for i in range(1, 9)})
  if not -x.ndim <= axis < x.ndim:
    raise ValueError(f"axis {axis} out of range for an array of rank {x.ndim}.")
  return axis % x.ndim


def log_importance_weights(log_p: ArrayLike, log_q: ArrayLike) -> Array:
  r"""Log-importance-weights $\log w = \log \tilde p(x) - \log \tilde q(x)$.

  Args:
    log_p: target log-density (possibly unnormalised) at the samples, `[...]`.
    log_q: proposal log-density at the same samples, same shape.
  Returns:
    $\log w$, the shape of the inputs.
  References:
    Owen 2013, Section 9.1.
  """
  log_p, log_q = jnp.asarray(log_p), jnp.asarray(log_q)
  chex.assert_equal_shape([log_p, log_q])
  return log_p - log_q


def log_mean_exp(x: ArrayLike, axis: int = 0) -> Array:
  r"""$\log \frac{1}{K} \sum_k e^{x_k}$ along `axis`, stably.

  Args:
    x: values, `[..., K, ...]` with the K samples along `axis`.
    axis: the sample axis.
  Returns:
    the log-mean-exp, `x`'s shape without `axis`.
  """
  x = jnp.asarray(x)
  axis = _check_axis(x, axis)
  # logsumexp subtracts the max before exponentiating.
  return jax.nn.logsumexp(x, axis=axis) - math.log(x.shape[axis])


def self_normalized_weights(log_w: ArrayLike, axis: int = 0) -> Array:
  r"""Normalised weights $\tilde w_k = w_k / \sum_j w_j$ along `axis`.

  Args:
    log_w: log-importance-weights, `[..., K, ...]`.
    axis: the sample axis.
  Returns:
    $\tilde w$, the shape of `log_w`, non-negative, summing to 1 along `axis`.
  References:
    Owen 2013, Section 9.2.
  """
  log_w = jnp.asarray(log_w)
  axis = _check_axis(log_w, axis)
  return jax.nn.softmax(log_w, axis=axis)  # exp(log w - logsumexp log w)


def effective_sample_size(log_w: ArrayLike, axis: int = 0) -> Array:
  r"""Kish's effective sample size $(\sum_k w_k)^2 / \sum_k w_k^2$.

  Between 1 (one weight dominates) and K (equal weights).

  Args:
    log_w: log-importance-weights, `[..., K, ...]`.
    axis: the sample axis.
  Returns:
    the ESS, `log_w`'s shape without `axis`.
  References:
    Kish 1965, "Survey Sampling"; Owen 2013, Section 9.3.
  """
  log_w = jnp.asarray(log_w)
  axis = _check_axis(log_w, axis)
  # exp(2 logsumexp(log w) - logsumexp(2 log w)): no overflow for large weights.
  return jnp.exp(2.0 * jax.nn.logsumexp(log_w, axis=axis) -
                 jax.nn.logsumexp(2.0 * log_w, axis=axis))


def iwae_bound(log_p: ArrayLike, log_q: ArrayLike, axis: int = 0) -> Array:
  r"""The K-sample importance-weighted bound on $\log p(x)$.

  $$\mathcal{L}_K = \log \frac{1}{K} \sum_{k=1}^K
    \frac{p(x, z_k)}{q(z_k | x)}, \qquad z_k \sim q(z | x),$$
  with $E[\mathcal{L}_1] = $ ELBO $\le E[\mathcal{L}_K] \le
  E[\mathcal{L}_{K+1}] \le \log p(x)$.

  Gradients are not stopped: with reparameterised $z_k$ the gradient of
  $\mathcal{L}_K$ is the IWAE estimator $\sum_k \tilde w_k \nabla \log w_k$.

  Args:
    log_p: $\log p(x, z_k)$, `[..., K, ...]`.
    log_q: $\log q(z_k | x)$, same shape.
    axis: the sample axis.
  Returns:
    $\mathcal{L}_K$, the input shape without `axis`.
  References:
    Burda et al. 2016, Eq. 8 and Theorem 1.
  """
  return log_mean_exp(log_importance_weights(log_p, log_q), axis=axis)


def log_normalizer_ratio(log_p_tilde: ArrayLike, log_q_tilde: ArrayLike,
                         axis: int = 0) -> Array:
  r"""Estimates $\log(Z_p / Z_q)$ from samples of $q = \tilde q / Z_q$.

  $$\widehat{Z_p / Z_q} = \frac{1}{K} \sum_k
    \frac{\tilde p(x_k)}{\tilde q(x_k)}, \qquad x_k \sim q,$$
  unbiased for $Z_p / Z_q$ when the support of $q$ covers that of $p$; its
  log (returned) is biased downwards (Jensen), consistent as $K \to \infty$.

  Args:
    log_p_tilde: $\log \tilde p(x_k)$, `[..., K, ...]`.
    log_q_tilde: $\log \tilde q(x_k)$, same shape.
    axis: the sample axis.
  Returns:
    $\log \widehat{Z_p / Z_q}$, the input shape without `axis`.
  References:
    Owen 2013, Section 9.2.
  """
  return log_mean_exp(log_importance_weights(log_p_tilde, log_q_tilde),
                      axis=axis)


def self_normalized_expectation(f_values: ArrayLike, log_w: ArrayLike,
                                axis: int = 0) -> Array:
  r"""Self-normalised importance-sampling estimate of $E_p[f]$.

  $$\hat\mu = \sum_k \tilde w_k f(x_k), \qquad x_k \sim q,$$
  consistent for $E_p[f]$ when $p$ is known only up to a constant
  (bias $O(1/K)$). Its delta-method standard error is
  $\sqrt{\sum_k \tilde w_k^2 (f(x_k) - \hat\mu)^2}$.

  Args:
    f_values: $f(x_k)$, `log_w.shape + event_shape`.
    log_w: log-importance-weights, `[..., K, ...]`.
    axis: the sample axis (an axis of `log_w`).
  Returns:
    $\hat\mu$, `f_values`' shape without `axis`.
  References:
    Owen 2013, Section 9.2, Eq. 9.8.
  """
  f_values, log_w = jnp.asarray(f_values), jnp.asarray(log_w)
  axis = _check_axis(log_w, axis)
  chex.assert_equal_shape_prefix([f_values, log_w], log_w.ndim)
  weights = self_normalized_weights(log_w, axis=axis)
  weights = weights.reshape(weights.shape +
                            (1,) * (f_values.ndim - log_w.ndim))
  return jnp.sum(weights * f_values, axis=axis)


def self_normalized_surrogate(log_w: ArrayLike, log_prob: ArrayLike,
                              axis: int = 0, *, centred: bool = False
                              ) -> tuple[Array, Array]:
  r"""Surrogate for the self-normalised gradient $\sum_k \tilde w_k \nabla
  \log \pi(x_k)$.

  $$s = \sum_k \mathrm{sg}(\tilde w_k) \log \pi(x_k),$$
  so $\nabla s = \sum_k \tilde w_k \nabla \log \pi(x_k)$: the estimator of
  $\nabla \log \sum_x \pi(x)$ (for $\pi$ the unnormalised target) by importance
  sampling from $q$ with $\log w_k = \log \pi(x_k) - \log q(x_k)$, as in
  reweighted wake-sleep and the BiHM. Consistent, biased $O(1/K)$.

  Gradients are stopped through the weights; the samples $x_k$ must carry no
  gradient (stop them, or sample discrete variables).

  Centred, $s = \sum_k \mathrm{sg}(\tilde w_k - \frac1K) \log \pi(x_k)$: where
  $x_k \sim \pi$ (a sampler's own samples, as in BGAN) the removed term
  $\frac1K \sum_k \nabla \log \pi(x_k)$ has mean zero, so the mean gradient
  is unchanged and the variance of that score term, which stays as the
  weights approach uniform, is gone.

  Args:
    log_w: log-importance-weights, `[..., K, ...]`.
    log_prob: $\log \pi(x_k)$ with its gradient path, same shape.
    axis: the sample axis.
    centred: subtract the baseline $1/K$ from the normalised weights.
  Returns:
    `(surrogate, weights)`: the surrogate, the shape without `axis`, and the
    normalised weights $\tilde w$ (per-sample terms), the shape of `log_w`.
  References:
    Bornschein & Bengio 2015, "Reweighted Wake-Sleep",
      https://arxiv.org/abs/1406.2751
  """
  log_w, log_prob = jnp.asarray(log_w), jnp.asarray(log_prob)
  chex.assert_equal_shape([log_w, log_prob])
  weights = jax.lax.stop_gradient(self_normalized_weights(log_w, axis=axis))
  signal = weights - 1.0 / weights.shape[axis] if centred else weights
  return jnp.sum(signal * log_prob, axis=axis), weights


def bihm_log_weights(log_p_joint: ArrayLike,
                     log_q_posterior: ArrayLike) -> Array:
  r"""BiHM log-weights $\log \omega = \frac12 (\log p(x, h) - \log q(h|x))$.

  The BiHM model is $p^*(x, h) \propto \sqrt{p(x, h)\, q(h | x)}$, so
  $\tilde p^*(x) = \sum_h \sqrt{p(x, h) q(h|x)} = E_{q(h|x)}[\omega]$ with
  $\omega = \sqrt{p(x, h) / q(h | x)}$.

  Args:
    log_p_joint: $\log p(x, h_k)$ (top-down model), `[...]`.
    log_q_posterior: $\log q(h_k | x)$ (bottom-up model), same shape.
  Returns:
    $\log \omega$, the input shape.
  References:
    Bornschein et al. 2016, Section 2 (importance weights of Eq. 6).
  """
  return 0.5 * log_importance_weights(log_p_joint, log_q_posterior)


def bihm_surrogate(log_p_joint: ArrayLike, log_q_posterior: ArrayLike,
                   axis: int = 0) -> tuple[Array, Array]:
  r"""Surrogate for the BiHM gradient of $\log \tilde p^*(x)$.

  Target: $\nabla \log \tilde p^*(x) = \nabla \log \sum_h \sqrt{p(x,h)
  q(h|x)}$ for the parameters of both $p$ and $q$. Estimator, with
  $h_k \sim q(h | x)$:
  $$\nabla \log \tilde p^*(x) \approx \sum_k \tilde\omega_k \nabla
    \tfrac12 \left(\log p(x, h_k) + \log q(h_k | x)\right),$$
  $\tilde\omega$ the normalised $\omega_k = \sqrt{p(x,h_k)/q(h_k|x)}$.
  Consistent, biased $O(1/K)$ (self-normalised).

  Gradients are stopped through $\tilde\omega$; the $h_k$ must carry no
  gradient.

  Args:
    log_p_joint: $\log p(x, h_k)$, `[..., K, ...]`.
    log_q_posterior: $\log q(h_k | x)$, same shape.
    axis: the sample axis.
  Returns:
    `(surrogate, weights)`: the surrogate (shape without `axis`) and the
    normalised weights $\tilde\omega$ (shape of the inputs).
  References:
    Bornschein et al. 2016, Section 2.1 (the gradient of Eq. 6).
  """
  log_p_joint = jnp.asarray(log_p_joint)
  log_q_posterior = jnp.asarray(log_q_posterior)
  return self_normalized_surrogate(
      bihm_log_weights(log_p_joint, log_q_posterior),
      0.5 * (log_p_joint + log_q_posterior), axis=axis)
