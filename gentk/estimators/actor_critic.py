r"""Discounted returns, advantages and the critic's loss for sequence generators.

MaskGAN trains its generator with REINFORCE on per-token rewards
$r_t = \log D(\hat x_t)$ and a critic $V(s_t)$ as baseline:
$$\nabla_\theta \approx \sum_t (R_t - V(s_t)) \nabla_\theta \log G_\theta(\hat x_t
  \mid s_t), \qquad R_t = \sum_{s \ge t} \gamma^{s-t} r_s,$$
with the critic regressed onto $R_t$. Generalised advantage estimation
interpolates between that ($\lambda = 1$) and the one-step TD advantage
$r_t + \gamma V(s_{t+1}) - V(s_t)$ ($\lambda = 0$). Combine with
`score_function.score_function_surrogate(log_prob, advantages)`.

Time is the last axis everywhere (`[..., T]`); recursions run backwards with
`lax.scan(reverse=True)`.

References:
  Fedus, Goodfellow & Dai 2018, "MaskGAN: Better Text Generation via Filling
    in the ______", https://arxiv.org/abs/1801.07736 (Section 3.2)
  Schulman, Moritz, Levine, Jordan & Abbeel 2016, "High-Dimensional Continuous
    Control Using Generalized Advantage Estimation",
    https://arxiv.org/abs/1506.02438
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def _reverse_scan(step_values: Array, decay: Array, last: Array) -> Array:
  """y_t = x_t + decay_t * y_{t+1}, y_T = last, along the last axis."""
  def body(following, inputs):
    x, d = inputs
    value = x + d * following
    return value, value

  _, ys = jax.lax.scan(body, last, (jnp.moveaxis(step_values, -1, 0),
                                    jnp.moveaxis(decay, -1, 0)), reverse=True)
  return jnp.moveaxis(ys, 0, -1)


def discounted_returns(rewards: ArrayLike, discount: ArrayLike, *,
                       bootstrap_value: ArrayLike = 0.0) -> Array:
  r"""$R_t = r_t + \gamma_t R_{t+1}$, $R_T = $ `bootstrap_value`.

  Args:
    rewards: $r_t$, `[..., T]`.
    discount: $\gamma_t$, broadcastable to `rewards` (a scalar, or per-step
      with 0 after the end of a sequence).
    bootstrap_value: value after the last step, broadcastable to `[...]`.
  Returns:
    $R_t$, `[..., T]`.
  References:
    Sutton & Barto 2018, "Reinforcement Learning", Eq. 3.9.
  """
  rewards = jnp.asarray(rewards, jnp.float32)
  chex.assert_rank(rewards, {i for i in range(1, 9)})
  discount = jnp.broadcast_to(jnp.asarray(discount, rewards.dtype), rewards.shape)
  last = jnp.broadcast_to(jnp.asarray(bootstrap_value, rewards.dtype),
                          rewards.shape[:-1])
  return _reverse_scan(rewards, discount, last)


def generalized_advantages(rewards: ArrayLike, values: ArrayLike,
                           discount: ArrayLike, *, lambda_: float = 1.0,
                           bootstrap_value: ArrayLike = 0.0) -> Array:
  r"""GAE: $A_t = \delta_t + \gamma_t \lambda A_{t+1}$ with TD errors
  $\delta_t = r_t + \gamma_t V(s_{t+1}) - V(s_t)$.

  $\lambda = 0$: $A_t = \delta_t$ (unbiased only if $V$ is the true value);
  $\lambda = 1$: $A_t = R_t - V(s_t)$ (unbiased for any $V$ that depends on
  $s_t$ only: the critic is then a baseline). The result is stopped: use it
  as the learning signal of `score_function.score_function_surrogate`.

  Args:
    rewards: $r_t$, `[..., T]`.
    values: $V(s_t)$, `[..., T]`.
    discount: $\gamma_t$, broadcastable to `rewards`.
    lambda_: $\lambda \in [0, 1]$.
    bootstrap_value: $V(s_T)$ after the last step, broadcastable to `[...]`.
  Returns:
    $A_t$, `[..., T]`.
  References:
    Schulman et al. 2016, Eq. 16.
  """
  rewards = jnp.asarray(rewards, jnp.float32)
  values = jnp.asarray(values, jnp.float32)
  chex.assert_equal_shape([rewards, values])
  discount = jnp.broadcast_to(jnp.asarray(discount, rewards.dtype), rewards.shape)
  last = jnp.broadcast_to(jnp.asarray(bootstrap_value, rewards.dtype),
                          rewards.shape[:-1])
  following = jnp.concatenate([values[..., 1:], last[..., None]], axis=-1)
  td_errors = rewards + discount * following - values
  advantages = _reverse_scan(td_errors, lambda_ * discount,
                             jnp.zeros_like(last))
  return jax.lax.stop_gradient(advantages)


def critic_loss(values: ArrayLike, targets: ArrayLike) -> Array:
  r"""Per-element regression loss $\frac12 (V(s_t) - \mathrm{sg}(R_t))^2$.

  Its minimiser over functions of $s_t$ is $E[R_t \mid s_t]$: the
  variance-minimising baseline among state-dependent ones (to first order).

  Args:
    values: the critic's $V(s_t)$, `[...]`, with its gradient path.
    targets: $R_t$ (or any regression target), the shape of `values`.
  Returns:
    the per-element loss, the shape of `values`.
  References:
    Fedus et al. 2018, Section 3.2.
  """
  values, targets = jnp.asarray(values), jnp.asarray(targets)
  chex.assert_equal_shape([values, targets])
  return 0.5 * jnp.square(values - jax.lax.stop_gradient(targets))
