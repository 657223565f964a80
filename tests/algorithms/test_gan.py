"""The GAN game's optional gradient penalty on the discriminator's logit."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import gan
from gentk.models import mlp

LINEAR = mlp.MLP(hidden=(), out=1, squeeze_out=True)
# logit(x) = w.x + b with w = (3, 4), b = 0.5: ||grad logit|| = 5 everywhere.
PARAMS = {"params": {"Dense_0": {"kernel": jnp.array([[3.0], [4.0]]),
                                 "bias": jnp.array([0.5])}}}
REAL = jnp.array([[1.0, 0.0], [0.0, 1.0]])  # logits 3.5, 4.5.
FAKE = jnp.array([[0.0, 0.0], [-1.0, 1.0]])  # logits 0.5, 1.5.


def _cross_entropy() -> float:
  """E[-log D(x)] + E[-log(1 - D(G(z)))] = E[softplus(-l_real)] +
  E[softplus(l_fake)], by hand."""
  softplus = lambda v: np.log1p(np.exp(v))
  return (np.mean(softplus(-np.array([3.5, 4.5])))
          + np.mean(softplus(np.array([0.5, 1.5]))))


@pytest.mark.parametrize("target, penalty", [(1.0, 10 * 16.0),
                                             (0.0, 10 * 25.0)])
def test_penalty_of_a_linear_logit(target, penalty):
  """The logit's gradient is w at every interpolate, so whatever the random
  coefficients the penalty is lambda (||w|| - K)^2: 160 for K = 1 (GAN-GP),
  250 for K = 0 (zero-centred); the cross-entropy part is unchanged."""
  game = gan.gan_game(LINEAR, adversarial_lib.gaussian_latent(2),
                      penalty_weight=10.0, penalty_target=target)
  loss, metrics = game.discriminator_loss(
      PARAMS, adversarial_lib.context(REAL, FAKE, key=jax.random.PRNGKey(0)))
  np.testing.assert_allclose(metrics["penalty"], penalty, rtol=1e-5)
  np.testing.assert_allclose(loss, _cross_entropy() + penalty, rtol=1e-5)


def test_no_penalty_by_default():
  game = gan.gan_game(LINEAR, adversarial_lib.gaussian_latent(2))
  loss, metrics = game.discriminator_loss(
      PARAMS, adversarial_lib.context(REAL, FAKE, key=jax.random.PRNGKey(0)))
  assert "penalty" not in metrics
  np.testing.assert_allclose(loss, _cross_entropy(), rtol=1e-6)


def test_negative_penalty_weight_raises():
  with pytest.raises(ValueError, match="penalty_weight"):
    gan.gan_game(LINEAR, adversarial_lib.gaussian_latent(2),
                 penalty_weight=-1.0)
