r"""Score-function (REINFORCE) gradient estimator with baselines and control variates.

Target: $\nabla_\theta E_{q_\theta(x)}[f(x)]$ for any $f$ (discrete $x$, non-
differentiable $f$). Since $\nabla_\theta q = q \nabla_\theta \log q$,
$$\nabla_\theta E_q[f] = E_q[(f(x) - b)\, \nabla_\theta \log q_\theta(x)]$$
for any baseline $b$ independent of $x$ (given the context), because
$E_q[\nabla \log q] = 0$. A good baseline ($b \approx E[f \mid$ context$]$)
lowers the variance without adding bias. The baselines here:

  * a constant (any number, or a schedule in the caller);
  * an exponential moving average of past rewards (`moving_average_baseline`
    updates it; the value lives in the caller's state pytree);
  * the leave-one-out mean of the other samples (`leave_one_out_baseline`);
  * a learned critic's value $V(c)$ of the context $c$, trained with
    `gentk.estimators.actor_critic.critic_loss`;

and a control variate $h$ with a known, differentiable mean
$\mu_h(\theta) = E_{q_\theta}[h]$ (`control_variate=`).

References:
  Williams 1992, "Simple statistical gradient-following algorithms for
    connectionist reinforcement learning", Machine Learning 8.
  Mohamed, Rosca, Figurnov & Mnih 2020, "Monte Carlo Gradient Estimation in
    Machine Learning", JMLR, https://arxiv.org/abs/1906.10652
  Kool, van Hoof & Welling 2019, "Buy 4 REINFORCE Samples, Get a Baseline for
    Free!", https://openreview.net/forum?id=r1lgTGL5DE
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def score_function_surrogate(
    log_prob: ArrayLike, f_values: ArrayLike, baseline: ArrayLike | None = None,
    *, control_variate: ArrayLike | None = None,
    control_variate_mean: ArrayLike | None = None,
    coefficient: ArrayLike = 1.0) -> tuple[Array, Array]:
  r"""Per-sample surrogate whose gradient is the score-function estimate.

  $$s_k = \mathrm{sg}\big(f(x_k) - b_k - \beta h(x_k)\big) \log q_\theta(x_k)
    + \beta\, \mu_h(\theta),$$
  so $E[\nabla_\theta s_k] = \nabla E_q[f] - \beta \nabla E_q[h] + \beta
  \nabla \mu_h = \nabla_\theta E_q[f]$ when $\mu_h(\theta) = E_{q_\theta}[h]$
  exactly. Without a control variate $s_k = \mathrm{sg}(f(x_k) - b_k)
  \log q_\theta(x_k)$.

  Assumptions: $x_k \sim q_\theta$ carries no gradient (stop it if it was
  reparameterised); $b_k$ does not depend on $x_k$ (it may depend on the
  context and on the other samples, as the leave-one-out baseline does).
  Gradients are stopped through $f$, $b$, $h$ and $\beta$; they flow through
  $\log q_\theta(x_k)$ and $\mu_h(\theta)$ only.

  Args:
    log_prob: $\log q_\theta(x_k)$, `[...]` (any rank), with its gradient path.
    f_values: $f(x_k)$, the shape of `log_prob`.
    baseline: $b_k$, broadcastable to `log_prob` (a scalar, a moving average,
      `leave_one_out_baseline(...)`, a critic's values), or `None` for 0.
    control_variate: $h(x_k)$, the shape of `log_prob`, or `None`.
    control_variate_mean: $\mu_h(\theta) = E_{q_\theta}[h]$ with its gradient
      path, broadcastable to `log_prob`; required with `control_variate`.
    coefficient: $\beta$, broadcastable to `log_prob`.
  Returns:
    `(surrogate, signal)`, both the shape of `log_prob`: the per-sample
    surrogate $s_k$ (average it over samples and differentiate) and the
    stopped learning signal $f - b - \beta h$, so that the per-sample
    gradient is $\text{signal}_k \nabla \log q_\theta(x_k)$ (plus $\beta
    \nabla \mu_h$ with a control variate).
  References:
    Williams 1992; Mohamed et al. 2020, Sections 4.1 and 7.
  """
  log_prob, f_values = jnp.asarray(log_prob), jnp.asarray(f_values)
  chex.assert_equal_shape([log_prob, f_values])
  signal = f_values
  if baseline is not None:
    signal = signal - jnp.broadcast_to(jnp.asarray(baseline), log_prob.shape)
  coefficient = jax.lax.stop_gradient(jnp.asarray(coefficient))
  if control_variate is not None:
    if control_variate_mean is None:
      raise ValueError("control_variate needs control_variate_mean = E_q[h].")
    control_variate = jnp.asarray(control_variate)
    chex.assert_equal_shape([log_prob, control_variate])
    signal = signal - coefficient * control_variate
  elif control_variate_mean is not None:
    raise ValueError("control_variate_mean given without control_variate.")
  signal = jax.lax.stop_gradient(jnp.broadcast_to(signal, log_prob.shape))
  surrogate = signal * log_prob
  if control_variate is not None:
    surrogate = surrogate + coefficient * jnp.broadcast_to(
        jnp.asarray(control_variate_mean), log_prob.shape)
  return surrogate, signal


def leave_one_out_baseline(f_values: ArrayLike, axis: int = 0) -> Array:
  r"""Baseline $b_k = \frac{1}{K - 1} \sum_{j \ne k} f(x_j)$ along `axis`.

  Independent of $x_k$ when the $K$ samples are independent, so the
  estimator stays unbiased; the surrogate's average is then the RLOO
  estimator $\frac{1}{K-1} \sum_k (f_k - \bar f) \nabla \log q(x_k)$.

  Args:
    f_values: $f(x_k)$, `[..., K, ...]` with $K \ge 2$ along `axis`.
    axis: the sample axis.
  Returns:
    $b$, the shape of `f_values` (stopped).
  References:
    Kool et al. 2019, Section 2; Mnih & Rezende 2016, "Variational inference
      for Monte Carlo objectives", https://arxiv.org/abs/1602.06725
  """
  f_values = jax.lax.stop_gradient(jnp.asarray(f_values))
  chex.assert_rank(f_values, {i for i in range(1, 9)})
  if not -f_values.ndim <= axis < f_values.ndim:
    raise ValueError(f"axis {axis} out of range for rank {f_values.ndim}.")
  num = f_values.shape[axis]
  if num < 2:
    raise ValueError(f"leave-one-out needs >= 2 samples along axis {axis}.")
  total = jnp.sum(f_values, axis=axis, keepdims=True)
  return (total - f_values) / (num - 1)


def moving_average_baseline(baseline: ArrayLike, f_values: ArrayLike, *,
                            decay: float = 0.9) -> Array:
  r"""One update of the moving-average baseline $b \leftarrow \lambda b +
  (1 - \lambda) \bar f$.

  The average lives in the caller's state pytree. Use the value *before*
  this update in the surrogate of this step's samples: it is then
  independent of them and the estimator stays unbiased.

  Args:
    baseline: the current average $b$, shape `[...]` (e.g. `[]`, or `[T]`
      for one baseline per time step).
    f_values: this step's rewards, `[N, ..., *baseline.shape]`, averaged
      over the leading axes (one or more) to the shape of `baseline`.
    decay: $\lambda \in [0, 1)$.
  Returns:
    the updated average (stopped), the shape of `baseline`.
  References:
    Williams 1992, Section 5 (reinforcement comparison).
  """
  f_values = jax.lax.stop_gradient(jnp.asarray(f_values))
  baseline = jnp.asarray(baseline)
  num_leading = f_values.ndim - baseline.ndim
  if num_leading < 1:
    raise ValueError(f"f_values {f_values.shape} needs leading sample axes "
                     f"before the baseline's shape {baseline.shape}.")
  chex.assert_shape(f_values, (None,) * num_leading + baseline.shape)
  mean = jnp.mean(f_values, axis=tuple(range(num_leading)))
  return decay * baseline + (1.0 - decay) * mean


def bernoulli_log_prob(logits: ArrayLike, x: ArrayLike, *,
                       event_ndim: int = 1) -> Array:
  r"""$\log \prod_i \mathrm{Bern}(x_i; \sigma(l_i)) = \sum_i x_i \log
  \sigma(l_i) + (1 - x_i) \log(1 - \sigma(l_i)) = \sum_i \log
  \sigma((2 x_i - 1) l_i)$ for binary $x$, summed over the last
  `event_ndim` axes (one example's), stable for any logits; the
  log-probability of binary units (sigmoid belief nets, Bernoulli pixels)
  that score-function and importance-weighted estimators need.

  Args:
    logits: $l$, broadcastable against `x` (e.g. an extra leading sample
      axis).
    x: values in {0, 1}.
    event_ndim: trailing axes forming one example (1 for vectors, 3 for
      `[H, W, C]` images).
  Returns:
    the log-probability, the broadcast shape without the last `event_ndim`
    axes.
  """
  logits, x = jnp.asarray(logits), jnp.asarray(x)
  # log Bern(x; sigma(l)) = log sigma(s l), s = 2x - 1: one softplus per unit
  # (the two-sided cross-entropy costs two; the likelihood's hot loop).
  return jnp.sum(-jax.nn.softplus((1.0 - 2.0 * x) * logits),
                 axis=tuple(range(-event_ndim, 0)))
