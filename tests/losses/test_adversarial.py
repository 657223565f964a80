"""Hand-computed values of the GAN losses and their stability at extreme logits."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import adversarial

LOGITS = jnp.array([-2.0, 0.0, 3.0])
D = 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0])))  # D(x) = sigmoid(logit).


def test_discriminator_loss_matches_cross_entropy():
  real, fake = LOGITS, LOGITS[::-1]
  d_real, d_fake = D, D[::-1]
  expected = -np.log(d_real) - np.log(1 - d_fake)
  np.testing.assert_allclose(adversarial.discriminator_loss(real, fake),
                             expected, rtol=1e-6)


@pytest.mark.parametrize("cost,expected", [
    ("minimax", np.log(1 - D)),
    ("nonsaturating", -np.log(D)),
    ("maximum_likelihood", -D / (1 - D)),  # -exp(sigma^{-1}(D)) = -D/(1-D).
    ("boundary_seeking", 0.5 * (np.log(D) - np.log(1 - D)) ** 2),
])
def test_generator_costs(cost, expected):
  np.testing.assert_allclose(adversarial.generator_loss(LOGITS, cost=cost),
                             expected, rtol=1e-6)


def test_stable_at_extreme_logits():
  logits = jnp.array([-200.0, 200.0])
  assert np.all(np.isfinite(adversarial.discriminator_loss(logits, logits)))
  assert np.all(np.isfinite(adversarial.nonsaturating_generator_loss(logits)))
  # -log D(G(z)) ~ 200 when D rejects the sample with logit -200.
  np.testing.assert_allclose(
      adversarial.nonsaturating_generator_loss(logits)[0], 200.0, rtol=1e-6)


def test_minimax_saturates_where_nonsaturating_does_not():
  """Goodfellow et al. 2014, Sec. 3: at D(G(z)) ~ 0 the minimax gradient
  vanishes while the non-saturating one stays near -1 (per unit logit)."""
  grad = lambda f: jax.grad(lambda l: f(l[None])[0])(jnp.array(-10.0))
  assert abs(grad(adversarial.minimax_generator_loss)) < 1e-4
  assert grad(adversarial.nonsaturating_generator_loss) == pytest.approx(
      -1.0, abs=1e-4)


def test_unknown_cost_names_the_choices():
  with pytest.raises(ValueError, match="nonsaturating"):
    adversarial.generator_loss(LOGITS, cost="hinge")


def test_rank_is_checked():
  with pytest.raises(AssertionError):
    adversarial.discriminator_loss(jnp.zeros((2, 1)), jnp.zeros((2, 1)))


def test_optimal_discriminator_value_is_log4():
  """With p_data = p_g, D* = 1/2 and the discriminator loss is log 4."""
  zero = jnp.zeros(3)
  np.testing.assert_allclose(adversarial.discriminator_loss(zero, zero),
                             math.log(4.0), rtol=1e-6)


def test_boundary_seeking_cost_vanishes_on_the_boundary():
  """Hjelm et al. 2018: the cost and its gradient are zero at D = 1/2 and
  the gradient pulls the logit towards 0 from both sides."""
  grad = jax.grad(lambda l: adversarial.boundary_seeking_generator_loss(
      l[None])[0])
  assert float(adversarial.boundary_seeking_generator_loss(
      jnp.zeros([1]))[0]) == 0.0
  assert float(grad(jnp.array(0.0))) == 0.0
  assert float(grad(jnp.array(2.0))) > 0 > float(grad(jnp.array(-2.0)))
