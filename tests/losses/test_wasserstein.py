"""Hand-computed values of the WGAN losses, weight clipping and gradient penalty."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import wasserstein

KEY = jax.random.PRNGKey(0)


def test_critic_and_generator_losses():
  real = jnp.array([1.0, -2.0, 0.5])
  fake = jnp.array([0.0, 3.0, -1.5])
  np.testing.assert_allclose(wasserstein.critic_loss(real, fake),
                             [-1.0, 5.0, -2.0])
  np.testing.assert_allclose(wasserstein.generator_loss(fake), [0.0, -3.0, 1.5])


def test_critic_loss_checks_shapes():
  with pytest.raises(AssertionError):
    wasserstein.critic_loss(jnp.zeros(3), jnp.zeros(4))


def test_clip_weights_clips_every_leaf_and_keeps_structure():
  params = {"dense": {"kernel": jnp.array([[-0.5, 0.005], [0.02, -0.01]]),
                      "bias": jnp.array([0.3, -0.001])}}
  clipped = wasserstein.clip_weights(params, 0.01)
  assert jax.tree.structure(clipped) == jax.tree.structure(params)
  np.testing.assert_allclose(clipped["dense"]["kernel"],
                             [[-0.01, 0.005], [0.01, -0.01]])
  np.testing.assert_allclose(clipped["dense"]["bias"], [0.01, -0.001])
  with pytest.raises(ValueError):
    wasserstein.clip_weights(params, 0.0)


def test_one_interpolation_coefficient_per_example():
  real = jax.random.normal(jax.random.PRNGKey(1), (5, 3, 3, 2))
  fake = jax.random.normal(jax.random.PRNGKey(2), (5, 3, 3, 2))
  x_hat, eps = wasserstein.random_interpolates(KEY, real, fake)
  assert eps.shape == (5,)
  assert x_hat.shape == real.shape
  assert np.all((eps >= 0) & (eps <= 1))
  # x_hat - fake = eps_i (real - fake): the ratio is the same for every pixel
  # of example i (a per-pixel epsilon would make it vary within an example).
  ratio = (x_hat - fake) / (real - fake)
  np.testing.assert_allclose(
      ratio, np.broadcast_to(eps[:, None, None, None], ratio.shape),
      rtol=1e-4, atol=1e-5)
  assert np.unique(np.round(np.asarray(eps), 6)).size == 5


@pytest.mark.parametrize("norm_w,expected", [(1.0, 0.0), (3.0, 40.0),
                                             (0.5, 2.5)])
def test_penalty_of_linear_critic(norm_w, expected):
  """f(x) = <w, x> has gradient w everywhere: penalty = 10 (||w|| - 1)^2.

  ||w|| = 1 (a 1-Lipschitz critic) gives 0; 3 gives 10 * 4 = 40; 0.5 gives
  10 * 0.25 = 2.5, whatever the interpolation coefficients.
  """
  direction = jnp.array([[1.0, -2.0], [2.0, 0.0]]) / 3.0  # unit Frobenius norm
  w = norm_w * direction
  critic = lambda x: jnp.einsum("bij,ij->b", x, w)
  real = jax.random.normal(jax.random.PRNGKey(1), (4, 2, 2))
  fake = jax.random.normal(jax.random.PRNGKey(2), (4, 2, 2))
  penalty = wasserstein.gradient_penalty(KEY, critic, real, fake)
  assert penalty.shape == (4,)
  np.testing.assert_allclose(penalty, np.full(4, expected), atol=1e-5,
                             rtol=1e-5)


def test_penalty_of_quadratic_critic_at_known_points():
  """f(x) = ||x||^2 / 2 has gradient x; with real = fake the interpolate is x.

  Rows (3, 4) and (0, 0.5) have norms 5 and 0.5:
  penalties 10 (5 - 1)^2 = 160 and 10 (0.5 - 1)^2 = 2.5.
  """
  x = jnp.array([[3.0, 4.0], [0.0, 0.5]])
  critic = lambda v: 0.5 * jnp.sum(v ** 2, axis=1)
  penalty = wasserstein.gradient_penalty(KEY, critic, x, x)
  np.testing.assert_allclose(penalty, [160.0, 2.5], rtol=1e-5)


def test_penalty_gradient_reaches_critic_parameters():
  """d/dw 10 (||w|| - 1)^2 = 20 (||w|| - 1) w / ||w||; for w = (3, 4):
  20 * 4 * (0.6, 0.8) = (48, 64) per example."""
  real = jax.random.normal(jax.random.PRNGKey(1), (3, 2))
  fake = jax.random.normal(jax.random.PRNGKey(2), (3, 2))

  def mean_penalty(w):
    return jnp.mean(wasserstein.gradient_penalty(
        KEY, lambda x: x @ w, real, fake))

  grad = jax.grad(mean_penalty)(jnp.array([3.0, 4.0]))
  np.testing.assert_allclose(grad, [48.0, 64.0], rtol=1e-5)


def test_penalty_weight_and_target_norm():
  x = jnp.array([[3.0, 4.0]])
  critic = lambda v: 0.5 * jnp.sum(v ** 2, axis=1)
  penalty = wasserstein.gradient_penalty(KEY, critic, x, x, weight=2.0,
                                         target_norm=2.0)
  np.testing.assert_allclose(penalty, [2.0 * 9.0], rtol=1e-5)  # 2 (5 - 2)^2


def test_penalty_is_finite_for_a_flat_critic():
  real = jnp.ones((2, 3))
  grad = jax.grad(lambda s: jnp.sum(wasserstein.gradient_penalty(
      KEY, lambda x: s * jnp.sum(x, axis=1), real, real)))(0.0)
  assert np.isfinite(grad)
