"""Minibatch discrimination against a hand-written double loop."""
import math

import jax
import jax.numpy as jnp
import numpy as np

from gentk.models.minibatch_discrimination import MinibatchDiscrimination

# A = 2 features, B = 2 kernels, C = 2 dims per kernel.
T = np.array([[[1.0, 0.0], [0.5, -1.0]],
              [[0.0, 1.0], [2.0, 0.0]]])
X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])


def _params(t=T):
  return {"params": {"T": jnp.asarray(t)}}


def test_hand_computed_small_batch():
  """M_i = x_i T: M_1 = ((1,0),(0.5,-1)), M_2 = ((0,1),(2,0)),
  M_3 = ((1,1),(2.5,-1)). L1 distances per kernel b=0: d12 = 2, d13 = 1,
  d23 = 1; b=1: d12 = 2.5, d13 = 2, d23 = 1.5. Self excluded:
  o_1 = (e^-2 + e^-1, e^-2.5 + e^-2), o_2 = (e^-2 + e^-1, e^-2.5 + e^-1.5),
  o_3 = (e^-1 + e^-1, e^-2 + e^-1.5)."""
  layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=2)
  out = layer.apply(_params(), jnp.asarray(X))
  e = math.exp
  expected_o = [[e(-2) + e(-1), e(-2.5) + e(-2)],
                [e(-2) + e(-1), e(-2.5) + e(-1.5)],
                [2 * e(-1), e(-2) + e(-1.5)]]
  assert out.shape == (3, 4)
  np.testing.assert_allclose(out[:, :2], X)
  np.testing.assert_allclose(out[:, 2:], expected_o, rtol=1e-6)


def test_matches_double_loop_with_self_term():
  rng = np.random.default_rng(0)
  x = rng.normal(size=(5, 3, 2))  # flattened to A = 6
  t = rng.normal(size=(6, 4, 3)) * 0.3
  layer = MinibatchDiscrimination(num_kernels=4, kernel_dim=3, include_self=True)
  out = np.asarray(layer.apply(_params(t), jnp.asarray(x, jnp.float32)))
  m = np.einsum("na,abc->nbc", x.reshape(5, 6), t)
  expected = np.zeros((5, 4))
  for i in range(5):
    for j in range(5):
      expected[i] += np.exp(-np.abs(m[i] - m[j]).sum(axis=-1))
  np.testing.assert_allclose(out[:, 6:], expected, rtol=1e-5)
  np.testing.assert_allclose(out[:, :6], x.reshape(5, 6), rtol=1e-6)
  without = MinibatchDiscrimination(num_kernels=4, kernel_dim=3).apply(
      _params(t), jnp.asarray(x, jnp.float32))
  np.testing.assert_allclose(out[:, 6:] - 1.0, without[:, 6:], atol=1e-6)


def test_collapsed_batch_versus_spread_batch():
  """Identical examples give o = n - 1 per kernel; far-apart ones give ~0."""
  layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=2)
  same = layer.apply(_params(), jnp.ones((4, 2)))
  np.testing.assert_allclose(same[:, 2:], 3.0, rtol=1e-6)
  spread = layer.apply(_params(), 100.0 * jnp.asarray(X))
  np.testing.assert_allclose(spread[:, 2:], 0.0, atol=1e-6)


def test_init_shapes_permutation_equivariance_and_gradients():
  layer = MinibatchDiscrimination(num_kernels=5, kernel_dim=3)
  x = jax.random.normal(jax.random.PRNGKey(0), (6, 4))
  params = layer.init(jax.random.PRNGKey(1), x)
  assert params["params"]["T"].shape == (4, 5, 3)
  out = layer.apply(params, x)
  assert out.shape == (6, 9)
  perm = jnp.array([3, 1, 5, 0, 2, 4])
  np.testing.assert_allclose(layer.apply(params, x[perm]), out[perm],
                             rtol=1e-5, atol=1e-6)
  grads = jax.grad(lambda p: jnp.sum(layer.apply(p, x)[:, 4:]))(params)
  g = grads["params"]["T"]
  assert np.all(np.isfinite(g)) and float(jnp.abs(g).sum()) > 0
