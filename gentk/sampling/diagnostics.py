r"""MCMC diagnostics: acceptance rate, effective sample size, split R-hat.

Samples are laid out `[C, N, ...]`: C chains of N draws each (post burn-in),
trailing axes are independent scalar quantities.

References:
  Gelman et al. 2013, "Bayesian Data Analysis", 3rd ed., Section 11.4-11.5
    (split R-hat, effective sample size).
  Geyer 1992, "Practical Markov chain Monte Carlo" (initial monotone sequence),
    https://doi.org/10.1214/ss/1177011137
  Vehtari et al. 2021, "Rank-normalization, folding, and localization: an
    improved R-hat", https://arxiv.org/abs/1903.08008
"""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.types import Array, ArrayLike


def _check_layout(samples: Array) -> None:
  if samples.ndim < 2:
    raise ValueError("samples must be laid out [num_chains, num_draws, ...], "
                     f"got shape {samples.shape}.")


def acceptance_rate(is_accepted: ArrayLike, *, axis: int | None = None
                    ) -> Array:
  r"""Fraction of accepted proposals, $\frac{1}{T} \sum_t 1[\text{accepted}_t]$.

  Averaging the per-step acceptance probabilities $\alpha_t$ instead of the
  0/1 outcomes gives a lower-variance (Rao-Blackwellised) estimate of the same
  quantity.

  Args:
    is_accepted: per-step outcomes (bool or 0/1) or probabilities, any shape.
    axis: axis to average over; `None` averages everything.
  Returns:
    the acceptance rate, `is_accepted` reduced over `axis`.
  """
  return jnp.mean(jnp.asarray(is_accepted, jnp.float32), axis=axis)


def effective_sample_size(samples: ArrayLike) -> Array:
  r"""Multi-chain effective sample size of the mean of each scalar quantity.

  With $\hat\gamma_{m,t}$ the autocovariance of chain m at lag t, W the mean
  within-chain variance and $\widehat{\mathrm{var}}^+$ as in `split_rhat`
  (unsplit), the combined autocorrelation is
  $\hat\rho_t = 1 - (W - \frac{1}{C}\sum_m \hat\gamma_{m,t}) /
  \widehat{\mathrm{var}}^+$ ($\hat\rho_0 = 1$). Geyer's initial monotone
  sequence sums the pairs $\hat P_t = \hat\rho_{2t} + \hat\rho_{2t+1}$
  while they are positive, each capped by the previous one:
  $$\hat\tau = -1 + 2 \sum_{t=0}^{K} \min_{s \le t} \hat P_s, \qquad
  \hat N_{\text{eff}} = C N / \hat\tau,$$
  with $\hat\tau \ge 1 / \log_{10}(C N)$ (Stan's cap for antithetic chains).
  Written with an FFT and cumulative ops (no loop over lags), so it is cheap
  to compile and to run eagerly; it agrees with BlackJAX's
  `effective_sample_size` up to Stan's one-term tail correction.

  Args:
    samples: shape `[C, N, ...]`, N >= 4.
  Returns:
    the ESS of every trailing component, shape `[...]`.
  References:
    Gelman et al. 2013, Eqs. 11.7-11.8; Geyer 1992, Section 3.3;
    Vehtari et al. 2021, Section 3.2.
  """
  samples = jnp.asarray(samples, jnp.float32)
  _check_layout(samples)
  num_chains, num_draws = samples.shape[:2]
  centred = samples - jnp.mean(samples, axis=1, keepdims=True)
  # Zero-padding to 2N turns the FFT's circular correlation into the linear one.
  spectrum = jnp.fft.rfft(centred, n=2 * num_draws, axis=1)
  autocovariance = jnp.fft.irfft(
      spectrum * jnp.conj(spectrum), n=2 * num_draws,
      axis=1)[:, :num_draws] / num_draws  # [C, N, ...], biased (1/N)
  within = jnp.mean(autocovariance[:, 0], axis=0) * num_draws / (
      num_draws - 1)  # W
  var_plus = (num_draws - 1) / num_draws * within
  if num_chains > 1:
    var_plus += jnp.var(jnp.mean(samples, axis=1), axis=0, ddof=1)  # B / N
  rho = 1.0 - (within - jnp.mean(autocovariance, axis=0)) / var_plus
  rho = rho.at[0].set(1.0)
  num_pairs = num_draws // 2
  pairs = jnp.sum(jnp.reshape(rho[:2 * num_pairs],
                              (num_pairs, 2) + rho.shape[1:]), axis=1)
  positive = jnp.cumprod(pairs > 0, axis=0)  # 1 until the first P_t <= 0
  monotone = jax.lax.cummin(pairs, axis=0)
  tau = -1.0 + 2.0 * jnp.sum(jnp.where(positive, monotone, 0.0), axis=0)
  total = num_chains * num_draws
  tau = jnp.maximum(tau, 1.0 / np.log10(total))
  return total / tau


def monte_carlo_standard_error(samples: ArrayLike) -> Array:
  r"""Standard error of the sample mean: $\sqrt{\widehat{\mathrm{Var}}[x] /
  \hat N_{\text{eff}}}$.

  Args:
    samples: shape `[C, N, ...]`.
  Returns:
    the standard error of the mean of every trailing component, `[...]`.
  References:
    Gelman et al. 2013, Section 11.5.
  """
  samples = jnp.asarray(samples, jnp.float32)
  _check_layout(samples)
  variance = jnp.var(samples, axis=(0, 1), ddof=1)
  return jnp.sqrt(variance / effective_sample_size(samples))


def split_rhat(samples: ArrayLike) -> Array:
  r"""Split potential scale reduction $\hat R$ (Gelman-Rubin on half-chains).

  Each chain is cut in two halves of $n = \lfloor N/2 \rfloor$ draws, giving
  $M = 2C$ chains; with $W$ the mean within-chain variance and $B/n$ the
  variance of the chain means,
  $$\widehat{\mathrm{var}}^+ = \frac{n-1}{n} W + \frac{B}{n}, \qquad
  \hat R = \sqrt{\widehat{\mathrm{var}}^+ / W}.$$
  Splitting catches a chain that drifts (its halves disagree) as well as
  chains that disagree with each other. $\hat R \to 1$ at convergence;
  values above 1.01 (Vehtari et al. 2021) signal a problem.

  Args:
    samples: shape `[C, N, ...]`, N >= 4 (an odd last draw is dropped).
  Returns:
    $\hat R$ of every trailing component, `[...]`.
  References:
    Gelman et al. 2013, Eqs. 11.2-11.4.
  """
  samples = jnp.asarray(samples)
  _check_layout(samples)
  half = samples.shape[1] // 2
  halves = jnp.concatenate(
      [samples[:, :half], samples[:, half:2 * half]], axis=0)
  within = jnp.mean(jnp.var(halves, axis=1, ddof=1), axis=0)  # W
  between_over_n = jnp.var(jnp.mean(halves, axis=1), axis=0, ddof=1)  # B / n
  var_plus = (half - 1) / half * within + between_over_n
  return jnp.sqrt(var_plus / within)
