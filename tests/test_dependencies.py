"""The installed jax compiles what the library's steps and tests compute.

jax / jaxlib 0.10.2 miscompile some batched reductions on the CPU
(jax-ml/jax#39103: a vmapped product followed by a reduction returns
silently wrong values past a size threshold; 0.10.1 is correct), so
pyproject.toml excludes 0.10.2. Found here through a forward-mode Jacobian of
a BGAN-style surrogate, which this test keeps as the regression check: it
fails under 0.10.2 (error 1.3) and passes under 0.10.1 (agreement to float32
round-off).
"""
import jax
import jax.numpy as jnp
import numpy as np


def test_jit_of_a_batched_jacobian_matches_the_eager_one():
  theta = jnp.array([0.4, -0.6, 0.1])
  x = jax.random.categorical(jax.random.PRNGKey(0), theta, shape=(20_000, 3))
  weights = jax.nn.softmax(jax.random.normal(jax.random.PRNGKey(1), x.shape))

  def surrogate(t):  # sum_m w_m log g(x_m) - mean_m log g(x_m), per group
    log_prob = jax.nn.log_softmax(t)[x]
    return jnp.sum(weights * log_prob, axis=1) - jnp.mean(log_prob, axis=1)

  eager = jax.jacfwd(surrogate)(theta)
  np.testing.assert_allclose(jax.jit(jax.jacfwd(surrogate))(theta), eager,
                             atol=1e-5)
  np.testing.assert_allclose(jax.jit(jax.jacrev(surrogate))(theta), eager,
                             atol=1e-5)
