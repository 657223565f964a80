r"""Importance sampling: estimates of $E_p[f]$ and $Z_p / Z_q$ from draws of q.

With $x_k \sim q$, $k = 1..K$, and weights $w_k = \tilde p(x_k) / \tilde
q(x_k)$ of the unnormalised densities $\tilde p = Z_p p$, $\tilde q = Z_q q$:
$$\widehat{Z_p/Z_q} = \frac{1}{K} \sum_k w_k, \qquad
\hat\mu_{\text{plain}} = \frac{1}{K} \sum_k w_k f(x_k), \qquad
\hat\mu_{\text{SN}} = \frac{\sum_k w_k f(x_k)}{\sum_k w_k}.$$
$\hat\mu_{\text{plain}}$ is unbiased for $\frac{Z_p}{Z_q} E_p[f]$, i.e. for
$E_p[f]$ when both densities are normalised; $\hat\mu_{\text{SN}}$ needs no
normaliser and is consistent (bias $O(1/K)$). Kish's effective sample size
$(\sum_k w_k)^2 / \sum_k w_k^2$ measures the weight degeneracy. The weights,
ESS and estimators are those of `gentk.estimators.importance`; this module
draws the samples and, for approximate draws from p, resamples them (SIR).

References:
  Owen 2013, "Monte Carlo theory, methods and examples", Chapter 9,
    https://artowen.su.domains/mc/
  Rubin 1988, "Using the SIR algorithm to simulate posterior distributions",
    Bayesian Statistics 3.
"""
from typing import Callable, NamedTuple

import chex
import jax
import jax.numpy as jnp

from gentk.estimators import importance as estimators
from gentk.types import Array, ArrayLike, PRNGKey


class ImportanceEstimate(NamedTuple):
  """Importance-sampling estimates from one batch of K proposals.

  Attributes:
    plain: $\\frac{1}{K} \\sum_k w_k f(x_k)$, the event shape of f.
    self_normalized: $\\sum_k \\tilde w_k f(x_k)$, the event shape of f.
    log_normalizer_ratio: $\\log \\widehat{Z_p / Z_q}$, scalar.
    effective_sample_size: Kish's ESS, scalar, in [1, K].
    samples: the proposals $x_k$, `[K, ...]`.
    log_weights: $\\log w_k$, `[K]`.
  """
  plain: Array
  self_normalized: Array
  log_normalizer_ratio: Array
  effective_sample_size: Array
  samples: Array
  log_weights: Array


def importance_estimate(key: PRNGKey, f_fn: Callable[[Array], Array],
                        log_p_tilde_fn: Callable[[Array], Array],
                        proposal_sample_fn: Callable[[PRNGKey, int], Array],
                        log_q_tilde_fn: Callable[[Array], Array],
                        num_samples: int) -> ImportanceEstimate:
  r"""Plain and self-normalised estimates of $E_p[f]$, and $Z_p / Z_q$.

  Computed as $\hat\mu_{\text{plain}} = \widehat{Z_p/Z_q}\,
  \hat\mu_{\text{SN}}$ (the same number as the textbook sum, written with
  normalised weights so that large $w_k$ do not overflow).

  Args:
    key: PRNG key.
    f_fn: f on a block, `[K, ...] -> [K, ...event]`.
    log_p_tilde_fn: $\log \tilde p$ on a block, `[K, ...] -> [K]`.
    proposal_sample_fn: `(key, K) -> [K, ...]`, draws from q.
    log_q_tilde_fn: $\log \tilde q$ on a block, `[K, ...] -> [K]`.
    num_samples: K.
  Returns:
    an `ImportanceEstimate`.
  References:
    Owen 2013, Sections 9.1-9.3.
  """
  samples = proposal_sample_fn(key, num_samples)
  log_p, log_q = log_p_tilde_fn(samples), log_q_tilde_fn(samples)
  chex.assert_shape([log_p, log_q], (num_samples,))
  log_w = estimators.log_importance_weights(log_p, log_q)
  f_values = f_fn(samples)
  self_normalized = estimators.self_normalized_expectation(f_values, log_w)
  log_ratio = estimators.log_mean_exp(log_w)
  return ImportanceEstimate(
      plain=jnp.exp(log_ratio) * self_normalized,
      self_normalized=self_normalized,
      log_normalizer_ratio=log_ratio,
      effective_sample_size=estimators.effective_sample_size(log_w),
      samples=samples, log_weights=log_w)


def importance_resample(key: PRNGKey, samples: ArrayLike, log_w: ArrayLike,
                        num_samples: int) -> Array:
  r"""Sampling-importance-resampling: draws from $\sum_k \tilde w_k
  \delta_{x_k}$, which tends to p as K grows.

  Args:
    key: PRNG key.
    samples: the proposals $x_k$, `[K, ...]`.
    log_w: their log-weights, `[K]`.
    num_samples: N, draws with replacement.
  Returns:
    `[N, ...]` resampled proposals.
  References:
    Rubin 1988.
  """
  samples, log_w = jnp.asarray(samples), jnp.asarray(log_w)
  chex.assert_rank(log_w, 1)
  chex.assert_equal_shape_prefix([samples, log_w], 1)
  # categorical normalises its logits: multinomial draws with weights ~ w_k.
  idx = jax.random.categorical(key, log_w, shape=(num_samples,))
  return samples[idx]
