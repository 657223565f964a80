"""Hand-computed values of the EBGAN and BEGAN losses."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import energy


def test_autoencoder_loss_eta_one_and_two():
  v = jnp.array([[[1.0, 2.0], [0.0, -1.0]], [[0.5, 0.5], [0.5, 0.5]]])
  rec = jnp.array([[[0.0, 2.0], [2.0, -1.0]], [[0.5, 0.5], [0.5, 1.5]]])
  # |v - D(v)| = (1, 0, 2, 0) and (0, 0, 0, 1).
  np.testing.assert_allclose(energy.autoencoder_loss(v, rec), [0.75, 0.25])
  np.testing.assert_allclose(energy.autoencoder_loss(v, rec, eta=2.0),
                             [1.25, 0.25])  # (1 + 4) / 4, 1 / 4


def test_ebgan_margin_loss():
  real = jnp.array([0.2, 0.2, 1.0])
  fake = jnp.array([0.5, 3.0, 2.0])
  # [m - D(G(z))]^+ with m = 2: 1.5, 0, 0.
  np.testing.assert_allclose(
      energy.ebgan_discriminator_loss(real, fake, margin=2.0), [1.7, 0.2, 1.0],
      rtol=1e-6)
  np.testing.assert_allclose(energy.ebgan_generator_loss(fake), fake)


def test_ebgan_margin_stops_gradient_beyond_margin():
  grad = jax.grad(lambda f: jnp.sum(energy.ebgan_discriminator_loss(
      jnp.zeros(2), f, margin=1.0)))(jnp.array([0.5, 1.5]))
  np.testing.assert_allclose(grad, [-1.0, 0.0])


def test_pull_away_term_hand_computed():
  """Codes (1,0), (0,1), (1,1): cos^2 = 0, 1/2, 1/2 for the three pairs;
  sum over ordered pairs i != j = 2 (0 + 1/2 + 1/2) = 2; / (3 * 2) = 1/3.
  Scaling a code does not change it (cosines)."""
  codes = jnp.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
  np.testing.assert_allclose(energy.pull_away_term(codes), 1 / 3, rtol=1e-6)
  np.testing.assert_allclose(energy.pull_away_term(codes * jnp.array(
      [[2.0], [0.5], [3.0]])), 1 / 3, rtol=1e-6)


def test_pull_away_term_extremes_and_image_codes():
  orthogonal = jnp.eye(4).reshape(4, 2, 2)  # flattened per example
  np.testing.assert_allclose(energy.pull_away_term(orthogonal), 0.0, atol=1e-7)
  parallel = jnp.array([[1.0, 2.0], [2.0, 4.0], [-1.0, -2.0]])
  np.testing.assert_allclose(energy.pull_away_term(parallel), 1.0, rtol=1e-6)
  with pytest.raises(ValueError):
    energy.pull_away_term(jnp.ones((1, 3)))


def test_began_losses():
  real = jnp.array([0.4, 0.6])
  fake = jnp.array([1.0, 0.2])
  np.testing.assert_allclose(
      energy.began_discriminator_loss(real, fake, jnp.array(0.5)), [-0.1, 0.5],
      rtol=1e-6)
  np.testing.assert_allclose(energy.began_generator_loss(fake), fake)
  # k is a controller state: no gradient reaches it.
  grad_k = jax.grad(lambda k: jnp.sum(energy.began_discriminator_loss(
      real, fake, k)))(jnp.array(0.5))
  assert float(grad_k) == 0.0


@pytest.mark.parametrize("k,real,fake,expected", [
    # balance = 0.5 * 0.5 - 0.2 = 0.05; 0.3 + 0.1 * 0.05 = 0.305.
    (0.3, [0.4, 0.6], [0.1, 0.3], 0.305),
    # balance = 0.5 * 0.5 - 2.0 = -1.75; 0.1 - 0.175 < 0 -> clipped to 0.
    (0.1, [0.4, 0.6], [2.0, 2.0], 0.0),
    # balance = 0.5 * 10 - 0 = 5; 0.9 + 0.5 > 1 -> clipped to 1.
    (0.9, [10.0, 10.0], [0.0, 0.0], 1.0),
])
def test_began_k_update(k, real, fake, expected):
  new_k = energy.began_k_update(jnp.array(k), jnp.array(real), jnp.array(fake),
                                gamma=0.5, lambda_k=0.1)
  np.testing.assert_allclose(new_k, expected, rtol=1e-6, atol=1e-7)


def test_began_convergence_measure():
  # L(x) = 0.5, L(G(z)) = 0.1: 0.5 + |0.7 * 0.5 - 0.1| = 0.75.
  m = energy.began_convergence_measure(jnp.array([0.4, 0.6]),
                                       jnp.array([0.1, 0.1, 0.1]), gamma=0.7)
  np.testing.assert_allclose(m, 0.75, rtol=1e-6)
  # At equilibrium (L(G(z)) = gamma L(x)) it is L(x).
  m_eq = energy.began_convergence_measure(jnp.array([0.5]),
                                          jnp.array([0.35]), gamma=0.7)
  np.testing.assert_allclose(m_eq, 0.5, rtol=1e-6)
