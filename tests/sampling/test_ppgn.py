"""The PPGN step and chain: their special cases in closed form."""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import ppgn

W = jax.random.normal(jax.random.PRNGKey(0), (3, 5))


def _log_condition(h, c):  # log softmax(W h)_c, a stand-in for log C_c(G(h)).
  return jax.nn.log_softmax(W @ h)[c]


def test_without_prior_and_noise_the_step_is_gradient_ascent_on_log_c():
  h = jnp.linspace(-1.0, 1.0, 5)
  for c in range(3):
    h1 = ppgn.step(h, jax.random.PRNGKey(1), c, prior_grad=None,
                   log_condition=_log_condition,
                   weights=ppgn.Weights(0.0, 0.7, 0.0))
    expected = h + 0.7 * jax.grad(_log_condition)(h, c)
    np.testing.assert_allclose(h1, expected, rtol=1e-6)
  # Ascent: log C_c rises for a small step.
  h1 = ppgn.step(h, jax.random.PRNGKey(1), 2, prior_grad=None,
                 log_condition=_log_condition,
                 weights=ppgn.Weights(0.0, 0.01, 0.0))
  assert _log_condition(h1, 2) > _log_condition(h, 2)


def test_prior_terms():
  h = jnp.arange(4.0)
  np.testing.assert_allclose(ppgn.gaussian_prior_grad(h), -h)
  np.testing.assert_allclose(ppgn.dae_prior_grad(lambda v: 0.25 * v)(h),
                             -0.75 * h)


def test_gaussian_prior_chain_is_the_ar1_process_of_its_closed_form():
  """With epsilon_2 = 0 and the N(0, I) prior the chain is
  h' = (1 - eps1) h + eps3 xi, stationary variance eps3^2 / (1 - (1-eps1)^2).
  2,000 chains x 5 dims, 200 steps (mixing time ~ 1/eps1 = 10): the
  variance estimate has relative s.e. sqrt(2/10,000) = 1.4%; tolerance 6%."""
  eps1, eps3, steps = 0.1, 0.5, 200
  chains = jax.vmap(lambda k: ppgn.sample_chain(
      jnp.full(5, 3.0), k, jnp.zeros(steps, jnp.int32),
      prior_grad=ppgn.gaussian_prior_grad, log_condition=_log_condition,
      weights=ppgn.Weights(eps1, 0.0, eps3)))(
          jax.random.split(jax.random.PRNGKey(2), 2_000))
  assert chains.shape == (2_000, steps, 5)
  final = np.asarray(chains[:, -1])
  np.testing.assert_allclose(final.var(), eps3 ** 2 / (1 - (1 - eps1) ** 2),
                             rtol=0.06)
  assert abs(final.mean()) < 0.05  # Started at 3: forgotten (3 * 0.9^200).


def test_chain_follows_its_labels_and_projection():
  steps = 40
  labels = jnp.repeat(jnp.arange(2), steps // 2)
  hs = ppgn.sample_chain(jnp.zeros(5), jax.random.PRNGKey(3), labels,
                         prior_grad=None, log_condition=_log_condition,
                         weights=ppgn.Weights(0.0, 0.5, 0.0),
                         project=jax.nn.relu)
  assert np.all(np.asarray(hs) >= 0)
  probs = jax.vmap(lambda h: jax.nn.softmax(W @ h))(hs)
  # Steered to class 0, then to class 1: each class's probability rises
  # while it is the target.
  assert probs[steps // 2 - 1, 0] > probs[0, 0]
  assert probs[-1, 1] > probs[steps // 2 - 1, 1]
