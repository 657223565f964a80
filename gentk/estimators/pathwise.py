r"""Pathwise (reparameterisation) gradients and the SGVB estimators of the ELBO.

Target: $\nabla_\phi E_{q_\phi(z)}[f(z)]$ for differentiable $f$. If
$z = g(\epsilon, \phi)$ with $\epsilon \sim p(\epsilon)$ independent of $\phi$,
$$\nabla_\phi E_{q_\phi}[f(z)] = E_{p(\epsilon)}[\nabla_\phi f(g(\epsilon, \phi))],$$
so the surrogate is $f(z)$ itself with gradients flowing through $z$ (only
$\epsilon$ is stopped). For a diagonal Gaussian, $z = \mu + \sigma \odot
\epsilon$, $\epsilon \sim N(0, I)$.

SGVB (Kingma & Welling 2014) for the ELBO
$\mathcal{L} = E_q[\log p(x, z) - \log q(z|x)]$ with $L$ samples:
  * estimator A: $\frac1L \sum_l \log p(x, z_l) - \log q(z_l | x)$;
  * estimator B: $-\mathrm{KL}(q(z|x) \| p(z)) + \frac1L \sum_l \log p(x | z_l)$
    with the KL in closed form (lower variance when it is available).

References:
  Kingma & Welling 2014, "Auto-Encoding Variational Bayes",
    https://arxiv.org/abs/1312.6114 (Section 2.4, Eqs. 6-7, Appendix B)
  Rezende, Mohamed & Wierstra 2014, "Stochastic Backpropagation and Approximate
    Inference in Deep Generative Models", https://arxiv.org/abs/1401.4082
  Mohamed, Rosca, Figurnov & Mnih 2020, "Monte Carlo Gradient Estimation in
    Machine Learning", https://arxiv.org/abs/1906.10652 (Section 5)
"""
import math
from typing import Callable

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey, PyTree


def reparameterize(key: PRNGKey, transform: Callable[[Array, PyTree], Array],
                   params: PyTree, noise_fn: Callable[[PRNGKey], Array]) -> Array:
  r"""$z = g(\epsilon, \phi)$ with $\epsilon = $ `noise_fn(key)`, stopped.

  Any distribution with a differentiable sampler of this form (location-scale
  families, inverse CDFs such as $-\log(u)/\lambda$ for the exponential, ...).
  Gradients flow from $z$ to $\phi$ through `transform` only.

  Args:
    key: PRNG key.
    transform: $g(\epsilon, \phi)$, differentiable in $\phi$.
    params: $\phi$, any pytree.
    noise_fn: `key -> eps`, the parameter-free noise (any shape).
  Returns:
    $z$, the output of `transform`.
  References:
    Kingma & Welling 2014, Section 2.4; Mohamed et al. 2020, Section 5.2.
  """
  eps = jax.lax.stop_gradient(noise_fn(key))
  return transform(eps, params)


def diag_gaussian_sample(key: PRNGKey, mean: ArrayLike, log_std: ArrayLike, *,
                         num_samples: int | None = None) -> Array:
  r"""$z = \mu + e^{\log\sigma} \odot \epsilon$, $\epsilon \sim N(0, I)$.

  Args:
    key: PRNG key.
    mean: $\mu$, `[..., D]`.
    log_std: $\log \sigma$, the shape of `mean`.
    num_samples: `None` for one sample per row, or $L$ for `[L, ..., D]`.
  Returns:
    $z$, `mean.shape` or `(num_samples,) + mean.shape`; differentiable in
    `mean` and `log_std`.
  References:
    Kingma & Welling 2014, Section 2.4 (the location-scale example).
  """
  mean, log_std = jnp.asarray(mean), jnp.asarray(log_std)
  chex.assert_equal_shape([mean, log_std])
  shape = mean.shape if num_samples is None else (num_samples,) + mean.shape
  return reparameterize(
      key, lambda eps, p: p[0] + jnp.exp(p[1]) * eps, (mean, log_std),
      lambda k: jax.random.normal(k, shape, mean.dtype))


def diag_gaussian_log_prob(z: ArrayLike, mean: ArrayLike,
                           log_std: ArrayLike) -> Array:
  r"""$\log N(z; \mu, \mathrm{diag}(\sigma^2))$ summed over the last axis.

  Args:
    z: `[..., D]`.
    mean: $\mu$, broadcastable to `z`.
    log_std: $\log\sigma$, broadcastable to `z`.
  Returns:
    the log-density, `z.shape[:-1]`.
  """
  z = jnp.asarray(z)
  chex.assert_rank(z, {i for i in range(1, 9)})
  scaled = (z - mean) * jnp.exp(-jnp.asarray(log_std))
  return jnp.sum(-0.5 * jnp.square(scaled) - log_std -
                 0.5 * math.log(2 * math.pi), axis=-1)


def diag_gaussian_kl(mean: ArrayLike, log_std: ArrayLike,
                     prior_mean: ArrayLike = 0.0,
                     prior_log_std: ArrayLike = 0.0) -> Array:
  r"""$\mathrm{KL}(N(\mu, \sigma^2) \| N(m, s^2))$, summed over the last axis.

  $$\sum_d \log\frac{s_d}{\sigma_d} + \frac{\sigma_d^2 + (\mu_d - m_d)^2}
    {2 s_d^2} - \frac12,$$
  which for the standard-normal prior is
  $\frac12 \sum_d (\mu_d^2 + \sigma_d^2 - 1 - \log \sigma_d^2)$.

  Args:
    mean: $\mu$, `[..., D]`.
    log_std: $\log\sigma$, the shape of `mean`.
    prior_mean: $m$, broadcastable (default 0).
    prior_log_std: $\log s$, broadcastable (default 0).
  Returns:
    the KL, `mean.shape[:-1]`.
  References:
    Kingma & Welling 2014, Appendix B.
  """
  mean, log_std = jnp.asarray(mean), jnp.asarray(log_std)
  chex.assert_equal_shape([mean, log_std])
  chex.assert_rank(mean, {i for i in range(1, 9)})
  # exp(2 (log sigma - log s)) instead of sigma^2 / s^2.
  variance_ratio = jnp.exp(2.0 * (log_std - prior_log_std))
  mean_term = jnp.square((mean - prior_mean) * jnp.exp(-prior_log_std))
  return jnp.sum(prior_log_std - log_std + 0.5 * (variance_ratio + mean_term)
                 - 0.5, axis=-1)


def pathwise_surrogate(f_values: ArrayLike) -> tuple[Array, Array]:
  r"""Surrogate of the pathwise estimator: $f(g(\epsilon_l, \phi))$ itself.

  Target $\nabla_\phi E_{q_\phi}[f(z)]$; estimator $\frac1L \sum_l \nabla_\phi
  f(g(\epsilon_l, \phi))$. Assumptions: $f$ differentiable in $z$, $z$ from
  `reparameterize` (gradients stopped at $\epsilon$ only).

  Args:
    f_values: $f(z_l)$, `[L, ...]`, with the gradient path through $z_l$.
  Returns:
    `(surrogate, per_sample)`: the mean over axis 0 and the per-sample values
    (differentiate the latter with `jax.jacfwd`/`vmap` for per-sample
    gradients), `[...]` and `[L, ...]`.
  References:
    Mohamed et al. 2020, Eq. 32.
  """
  f_values = jnp.asarray(f_values)
  chex.assert_rank(f_values, {i for i in range(1, 9)})
  return jnp.mean(f_values, axis=0), f_values


def sgvb_estimator_a(log_joint: ArrayLike, log_q: ArrayLike,
                     axis: int = 0) -> tuple[Array, Array]:
  r"""SGVB estimator A of the ELBO: $\frac1L \sum_l \log p(x, z_l) - \log
  q(z_l | x)$.

  Unbiased for $\mathcal{L}(x)$; with reparameterised $z_l$ its gradient is
  unbiased for $\nabla \mathcal{L}$ (no gradients stopped).

  Args:
    log_joint: $\log p(x, z_l)$, `[..., L, ...]`.
    log_q: $\log q(z_l | x)$, same shape.
    axis: the sample axis.
  Returns:
    `(elbo, per_sample)`: the estimate (shape without `axis`) and the
    per-sample terms $\log p(x, z_l) - \log q(z_l|x)$.
  References:
    Kingma & Welling 2014, Eq. 6.
  """
  log_joint, log_q = jnp.asarray(log_joint), jnp.asarray(log_q)
  chex.assert_equal_shape([log_joint, log_q])
  per_sample = log_joint - log_q
  return jnp.mean(per_sample, axis=axis), per_sample


def sgvb_estimator_b(log_likelihood: ArrayLike, kl: ArrayLike,
                     axis: int = 0) -> tuple[Array, Array]:
  r"""SGVB estimator B: $-\mathrm{KL}(q(z|x) \| p(z)) + \frac1L \sum_l \log
  p(x | z_l)$.

  Unbiased for $\mathcal{L}(x)$ with the KL exact (`diag_gaussian_kl`);
  only the reconstruction term is sampled. No gradients stopped.

  Args:
    log_likelihood: $\log p(x | z_l)$, `[..., L, ...]`.
    kl: the analytic KL, the shape of `log_likelihood` without `axis`.
    axis: the sample axis.
  Returns:
    `(elbo, per_sample)`: the estimate and the per-sample terms
    $\log p(x | z_l) - \mathrm{KL}$ (shape of `log_likelihood`).
  References:
    Kingma & Welling 2014, Eq. 7.
  """
  log_likelihood, kl = jnp.asarray(log_likelihood), jnp.asarray(kl)
  chex.assert_rank(log_likelihood, kl.ndim + 1)
  per_sample = log_likelihood - jnp.expand_dims(kl, axis)
  return jnp.mean(per_sample, axis=axis), per_sample
