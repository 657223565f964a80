"""Identities of the f-divergences and the f-GAN bound on known distributions."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import adversarial
from gentk.losses import fgan

NAMES = sorted(fgan.DIVERGENCES)

# Two discrete distributions on 3 points; the ratios p/q lie in [0.4, 2.5].
P = np.array([0.5, 0.3, 0.2])
Q = np.array([0.2, 0.5, 0.3])
M = (P + Q) / 2
_KL = lambda a, b: float(np.sum(a * np.log(a / b)))
# Textbook closed forms (Nowozin et al. Table 1; JS and GAN per the module
# docstring: the paper's f gives KL(P||M) + KL(Q||M) = 2 JS).
CLOSED_FORM = {
    "kl": _KL(P, Q),
    "reverse_kl": _KL(Q, P),
    # (0.3^2 / 0.2) + (0.2^2 / 0.5) + (0.1^2 / 0.3) = 0.45 + 0.08 + 0.0333...
    "pearson": 0.45 + 0.08 + 0.01 / 0.3,
    "squared_hellinger": float(np.sum((np.sqrt(P) - np.sqrt(Q)) ** 2)),
    "jensen_shannon": _KL(P, M) + _KL(Q, M),
    "gan": _KL(P, M) + _KL(Q, M) - math.log(4.0),
}

# Inverses of the output activations g_f, written by hand: v = g_f^{-1}(t).
INVERSE_ACTIVATION = {
    "kl": lambda t: t,
    "reverse_kl": lambda t: -np.log(-t),
    "pearson": lambda t: t,
    "squared_hellinger": lambda t: -np.log(1 - t),
    "jensen_shannon": lambda t: -np.log(2 * np.exp(-t) - 1),
    "gan": lambda t: -np.log(np.exp(-t) - 1),
}

U = jnp.linspace(0.1, 8.0, 41)  # density ratios


def _elementwise_grad(fn, x):
  return jax.jvp(fn, (x,), (jnp.ones_like(x),))[1]


@pytest.mark.parametrize("name", NAMES)
def test_f_of_one(name):
  f1 = fgan.DIVERGENCES[name].f(jnp.array(1.0))
  # The paper's GAN generator is 2 JS - log 4, the only one with f(1) != 0.
  expected = -math.log(4.0) if name == "gan" else 0.0
  np.testing.assert_allclose(f1, expected, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_match_autodiff(name):
  d = fgan.DIVERGENCES[name]
  np.testing.assert_allclose(d.f_prime(U), _elementwise_grad(d.f, U),
                             rtol=1e-4, atol=1e-5)
  t = d.f_prime(U)  # points of dom f^*
  np.testing.assert_allclose(d.conjugate_prime(t),
                             _elementwise_grad(d.conjugate, t),
                             rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_at_derivative(name):
  """f^*(f'(u)) = u f'(u) - f(u): the sup in f^* is attained at u."""
  d = fgan.DIVERGENCES[name]
  np.testing.assert_allclose(d.conjugate(d.f_prime(U)),
                             U * d.f_prime(U) - d.f(U), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_fenchel_young_inequality(name):
  """f^*(t) >= t u - f(u) for every u and every t = f'(u') in dom f^*."""
  d = fgan.DIVERGENCES[name]
  t = d.f_prime(U)[:, None]
  u = U[None, :]
  gap = d.conjugate(t) - (t * u - d.f(u))
  assert float(jnp.min(gap)) > -1e-4


@pytest.mark.parametrize("name", NAMES)
def test_activation_lands_in_domain_and_stable_forms_agree(name):
  d = fgan.DIVERGENCES[name]
  v = jnp.linspace(-4.0, 4.0, 33)
  t = d.activation(v)
  composed = d.conjugate(t)
  assert np.all(np.isfinite(composed))
  np.testing.assert_allclose(d.conjugate_of_activation(v), composed,
                             rtol=1e-4, atol=1e-5)
  np.testing.assert_allclose(d.density_ratio(v), d.conjugate_prime(t),
                             rtol=1e-4, atol=1e-5)
  v_pos = v if name != "pearson" else v[v > -2.0]  # Pearson ratio v/2 + 1 > 0.
  np.testing.assert_allclose(d.log_density_ratio(v_pos),
                             jnp.log(d.density_ratio(v_pos)), rtol=1e-4,
                             atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_stable_forms_finite_at_extreme_outputs(name):
  # exp(v) terms (KL conjugate, Hellinger ratio e^{2v}) overflow float32 only
  # past v ~ 44; the log-sigmoid forms would stay finite much further.
  v = jnp.array([-60.0, 30.0])
  d = fgan.DIVERGENCES[name]
  assert np.all(np.isfinite(fgan.discriminator_loss(v, v, divergence=d)))
  assert np.all(np.isfinite(fgan.generator_loss(v, divergence=d)))
  assert np.all(np.isfinite(fgan.density_ratio(v, divergence=d)))
  # The Pearson ratio estimate v/2 + 1 is negative below v = -2 (log is NaN).
  v_log = v if name != "pearson" else v[1:]
  assert np.all(np.isfinite(fgan.density_ratio(v_log, divergence=d, log=True)))


@pytest.mark.parametrize("name", NAMES)
def test_divergence_equals_closed_form(name):
  np.testing.assert_allclose(
      fgan.discrete_divergence(P, Q, divergence=name), CLOSED_FORM[name],
      rtol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_bound_is_tight_at_optimal_critic(name):
  d = fgan.DIVERGENCES[name]
  t_star = fgan.optimal_critic(P / Q, divergence=name)
  bound = lambda t: float(np.sum(P * t) - np.sum(Q * d.conjugate(t)))
  np.testing.assert_allclose(bound(t_star), CLOSED_FORM[name], rtol=1e-5)
  # Any other critic gives a strictly smaller value.
  for delta in ([0.1, 0.0, 0.0], [0.0, -0.1, 0.05]):
    assert bound(t_star + jnp.array(delta)) < CLOSED_FORM[name] - 1e-4
  # Through the activation: E_{x~P, x'~Q} of the discriminator loss on all
  # (real, fake) pairs at V* = g_f^{-1}(T*) is minus the divergence.
  v_star = INVERSE_ACTIVATION[name](np.asarray(t_star, np.float64))
  loss = fgan.discriminator_loss(np.repeat(v_star, 3), np.tile(v_star, 3),
                                 divergence=name)
  np.testing.assert_allclose(np.sum(np.outer(P, Q).ravel() * loss),
                             -CLOSED_FORM[name], rtol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_density_ratio_recovery(name):
  d = fgan.DIVERGENCES[name]
  t_star = fgan.optimal_critic(P / Q, divergence=name)
  np.testing.assert_allclose(d.conjugate_prime(t_star), P / Q, rtol=1e-5)
  v_star = INVERSE_ACTIVATION[name](np.asarray(t_star, np.float64))
  np.testing.assert_allclose(fgan.density_ratio(v_star, divergence=name),
                             P / Q, rtol=1e-4)
  np.testing.assert_allclose(
      fgan.density_ratio(v_star, divergence=name, log=True), np.log(P / Q),
      rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_variational_bound_monte_carlo(name):
  """Sample mean of the bound at T* from 20,000 draws of P and of Q.

  Tolerance: 4 standard errors, from the sample variances of T*(x), x ~ P and
  f^*(T*(x)), x ~ Q (independent samples).
  """
  d = fgan.DIVERGENCES[name]
  v_star = jnp.asarray(INVERSE_ACTIVATION[name](
      np.asarray(fgan.optimal_critic(P / Q, divergence=name), np.float64)),
                       jnp.float32)
  n = 20_000
  kp, kq = jax.random.split(jax.random.PRNGKey(3))
  xp = jax.random.choice(kp, 3, (n,), p=jnp.asarray(P))
  xq = jax.random.choice(kq, 3, (n,), p=jnp.asarray(Q))
  estimate = fgan.variational_bound(v_star[xp], v_star[xq], divergence=name)
  se = math.sqrt(float(jnp.var(d.activation(v_star[xp]))) / n
                 + float(jnp.var(d.conjugate_of_activation(v_star[xq]))) / n)
  assert abs(float(estimate) - CLOSED_FORM[name]) < 4 * se + 1e-5


def test_gan_case_reduces_to_plain_gan_losses():
  logits = jnp.array([-3.0, -0.5, 0.0, 2.0])
  other = logits[::-1]
  np.testing.assert_allclose(
      fgan.discriminator_loss(logits, other, divergence="gan"),
      adversarial.discriminator_loss(logits, other), rtol=1e-6)
  np.testing.assert_allclose(
      fgan.generator_loss(logits, divergence="gan", cost="saddle"),
      adversarial.minimax_generator_loss(logits), rtol=1e-6)
  np.testing.assert_allclose(
      fgan.generator_loss(logits, divergence="gan", cost="nonsaturating"),
      adversarial.nonsaturating_generator_loss(logits), rtol=1e-6)


def test_kl_losses_hand_computed():
  """KL: T = v, f^*(T) = exp(T - 1). Real v = 1, fake v = 1 + log 2:
  loss = -1 + exp(log 2) = 1; generator: saddle -2, nonsaturating -1 - log 2."""
  real, fake = jnp.array([1.0]), jnp.array([1.0 + math.log(2.0)])
  np.testing.assert_allclose(fgan.discriminator_loss(real, fake, divergence="kl"),
                             [1.0], rtol=1e-6)
  np.testing.assert_allclose(fgan.generator_loss(fake, divergence="kl"), [-2.0],
                             rtol=1e-6)
  np.testing.assert_allclose(
      fgan.generator_loss(fake, divergence="kl", cost="nonsaturating"),
      [-1.0 - math.log(2.0)], rtol=1e-6)


def test_errors_name_the_choices():
  with pytest.raises(ValueError, match="jensen_shannon"):
    fgan.get_divergence("total_variation")
  with pytest.raises(ValueError, match="nonsaturating"):
    fgan.generator_loss(jnp.zeros(2), divergence="kl", cost="hinge")
  with pytest.raises(AssertionError):
    fgan.discriminator_loss(jnp.zeros(2), jnp.zeros(3), divergence="kl")
