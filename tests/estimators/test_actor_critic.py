"""Tests for gentk.estimators.actor_critic: hand-computed values and a NumPy loop.

Everything here is deterministic: float32 round-off tolerances only.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.estimators import actor_critic


def test_discounted_returns_by_hand():
  # gamma = 0.5: R_2 = 3, R_1 = 2 + 1.5 = 3.5, R_0 = 1 + 1.75 = 2.75.
  np.testing.assert_allclose(
      actor_critic.discounted_returns(jnp.array([1.0, 2.0, 3.0]), 0.5),
      [2.75, 3.5, 3.0], rtol=1e-6)
  # Bootstrapped with V = 4 after the last step: 5, 4.5, 3.25.
  np.testing.assert_allclose(
      actor_critic.discounted_returns(jnp.array([1.0, 2.0, 3.0]), 0.5,
                                      bootstrap_value=4.0),
      [3.25, 4.5, 5.0], rtol=1e-6)
  # Per-step discounts, 0 ends an episode: R_3 = 1 + 9, R_2 = 1 + 9,
  # R_1 = 1 + 0 * R_2, R_0 = 1 + 0.9 * 1.
  np.testing.assert_allclose(
      actor_critic.discounted_returns(
          jnp.ones(4), jnp.array([0.9, 0.0, 0.9, 0.9]), bootstrap_value=10.0),
      [1.9, 1.0, 10.0, 10.0], rtol=1e-6)


def test_advantages_by_hand():
  rewards = jnp.array([1.0, 0.0, 2.0])
  values = jnp.array([0.5, 1.0, 1.5])
  # lambda = 0, TD errors r_t + 0.9 V(s_{t+1}) - V(s_t), V(s_3) = 0:
  # 1 + 0.9 - 0.5 = 1.4; 0 + 1.35 - 1 = 0.35; 2 - 1.5 = 0.5.
  np.testing.assert_allclose(
      actor_critic.generalized_advantages(rewards, values, 0.9, lambda_=0.0),
      [1.4, 0.35, 0.5], rtol=1e-6)
  # lambda = 1: R_t - V(s_t) with R = (1 + 0.9 * 1.8, 0 + 0.9 * 2, 2).
  np.testing.assert_allclose(
      actor_critic.generalized_advantages(rewards, values, 0.9),
      [2.62 - 0.5, 1.8 - 1.0, 2.0 - 1.5], rtol=1e-6)
  # Bootstrap V(s_3) = 2 enters the last TD error: 2 + 1.8 - 1.5.
  np.testing.assert_allclose(
      actor_critic.generalized_advantages(rewards, values, 0.9, lambda_=0.0,
                                          bootstrap_value=2.0)[-1],
      2.3, rtol=1e-6)


def _numpy_gae(rewards, values, discount, lambda_, bootstrap):
  """The textbook backward loop, in float64."""
  batch, length = rewards.shape
  returns = np.zeros((batch, length))
  advantages = np.zeros((batch, length))
  for b in range(batch):
    next_return, next_value, next_advantage = bootstrap[b], bootstrap[b], 0.0
    for t in reversed(range(length)):
      next_return = rewards[b, t] + discount[b, t] * next_return
      delta = rewards[b, t] + discount[b, t] * next_value - values[b, t]
      next_advantage = delta + discount[b, t] * lambda_ * next_advantage
      returns[b, t], advantages[b, t] = next_return, next_advantage
      next_value = values[b, t]
  return returns, advantages


@pytest.mark.parametrize("lambda_", [0.0, 0.7, 1.0])
def test_matches_numpy_loop(lambda_):
  rng = np.random.default_rng(0)
  rewards = rng.normal(size=(3, 7))
  values = rng.normal(size=(3, 7))
  discount = np.where(rng.uniform(size=(3, 7)) < 0.2, 0.0, 0.95)
  bootstrap = rng.normal(size=3)
  returns, advantages = _numpy_gae(rewards, values, discount, lambda_,
                                   bootstrap)
  np.testing.assert_allclose(
      actor_critic.discounted_returns(rewards, discount,
                                      bootstrap_value=bootstrap),
      returns, rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(
      actor_critic.generalized_advantages(rewards, values, discount,
                                          lambda_=lambda_,
                                          bootstrap_value=bootstrap),
      advantages, rtol=1e-5, atol=1e-5)


def test_critic_loss_and_stopped_gradients():
  values, targets = jnp.array([1.0, -2.0]), jnp.array([3.0, -1.0])
  np.testing.assert_allclose(actor_critic.critic_loss(values, targets),
                             [2.0, 0.5])
  d_values, d_targets = jax.grad(
      lambda v, r: actor_critic.critic_loss(v, r).sum(), argnums=(0, 1))(
          values, targets)
  np.testing.assert_allclose(d_values, values - targets)  # V - R
  np.testing.assert_array_equal(d_targets, 0.0)  # the target is stopped
  # Advantages are a stopped learning signal.
  d_adv = jax.grad(lambda v: actor_critic.generalized_advantages(
      jnp.ones(3), v, 0.9).sum())(jnp.zeros(3))
  np.testing.assert_array_equal(d_adv, 0.0)
  with pytest.raises(AssertionError):
    actor_critic.critic_loss(values, targets[:1])
  with pytest.raises(AssertionError):
    actor_critic.generalized_advantages(jnp.ones(3), jnp.ones(4), 0.9)


def test_jit_and_vmap():
  rng = np.random.default_rng(1)
  rewards = jnp.asarray(rng.normal(size=(4, 6)), jnp.float32)
  values = jnp.asarray(rng.normal(size=(4, 6)), jnp.float32)

  def fn(r, v):
    return (actor_critic.discounted_returns(r, 0.9),
            actor_critic.generalized_advantages(r, v, 0.9, lambda_=0.5))

  batched = fn(rewards, values)  # time is the last axis; [B] leading
  for got in (jax.jit(fn)(rewards, values), jax.vmap(fn)(rewards, values),
              jax.vmap(jax.jit(fn))(rewards, values)):
    for a, b in zip(got, batched):
      np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
