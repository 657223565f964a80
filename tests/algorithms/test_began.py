"""BEGAN: the k_t control in the state (hand-computed, clipped), the
convergence measure, the losses; a short training run."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import began
from gentk.models import mlp
from tests.algorithms import mixture_util
from tests.algorithms.test_ebgan import LINEAR_AE
from tests.algorithms.test_ebgan import identity_code_zero_reconstruction

LATENT = adversarial_lib.gaussian_latent(2)


@pytest.mark.parametrize("k,real,fake,expected", [
    (0.5, 0.4, 0.1, 0.51),  # 0.5 + 0.1 (0.5 * 0.4 - 0.1).
    (0.5, 0.4, 0.3, 0.49),  # 0.5 + 0.1 (0.2 - 0.3).
    (0.995, 1.0, 0.0, 1.0),  # 0.995 + 0.05, clipped to 1.
    (0.005, 0.0, 1.0, 0.0),  # 0.005 - 0.1, clipped to 0.
])
def test_k_update_hand_computed(k, real, fake, expected):
  """k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1) with
  gamma = 0.5, lambda_k = 0.1."""
  game = began.began_game(LINEAR_AE, LATENT, gamma=0.5, lambda_k=0.1)
  d_metrics = {"real_loss": jnp.float32(real), "fake_loss": jnp.float32(fake)}
  new = game.update_extras({"k": jnp.float32(k)}, d_metrics, {})
  np.testing.assert_allclose(new["k"], expected, atol=1e-6)


def test_losses_and_convergence_hand_computed():
  """L(v) = mean |v| (eta = 1, zero reconstruction): real (1, 2) -> 1.5,
  (1, 0) -> 0.5, mean 1; fake (0, 1) -> 0.5, (2, 2) -> 2, mean 1.25. With
  k = 0.4: D loss = 1 - 0.4 * 1.25 = 0.5; G loss = 1.25; gamma = 0.5:
  M = 1 + |0.5 - 1.25| = 1.75."""
  game = began.began_game(LINEAR_AE, LATENT, gamma=0.5)
  params = identity_code_zero_reconstruction()
  real = jnp.array([[1.0, 2.0], [1.0, 0.0]])
  fake = jnp.array([[0.0, 1.0], [2.0, 2.0]])
  loss, metrics = game.discriminator_loss(params,
      adversarial_lib.context(real, fake, extras={"k": jnp.float32(0.4)}))
  np.testing.assert_allclose(loss, 0.5, rtol=1e-6)
  np.testing.assert_allclose(metrics["convergence"], 1.75, rtol=1e-6)
  g_loss, _ = game.generator_loss(params, adversarial_lib.context(None, fake))
  np.testing.assert_allclose(g_loss, 1.25, rtol=1e-6)


def test_train_step_updates_k_in_the_state():
  """Through the two-player core: the new state's k is the control applied to
  the logged L(x), L(G(z)) of the step, starting from k_0 = 0.3; the step's
  metrics report the k that was used."""
  game = began.began_game(LINEAR_AE, LATENT, gamma=0.5, lambda_k=0.5,
                          k_init=0.3)
  algo = adversarial_lib.make_adversarial(
      mlp.MLP(hidden=(8,), out=2), LINEAR_AE, game,
      generator_optimizer=optax.adam(1e-3),
      discriminator_optimizer=optax.adam(1e-3))
  batch = {"x": jax.random.normal(jax.random.PRNGKey(3), (16, 1, 2))}
  state = algo.init(jax.random.PRNGKey(0), batch)
  np.testing.assert_allclose(state.extras["k"], 0.3)
  new, m = jax.jit(algo.train_step)(state, batch, jax.random.PRNGKey(1))
  real, fake = m["discriminator/real_loss"], m["discriminator/fake_loss"]
  expected = np.clip(0.3 + 0.5 * (0.5 * real - fake), 0.0, 1.0)
  np.testing.assert_allclose(new.extras["k"], expected, rtol=1e-6)
  np.testing.assert_allclose(m["discriminator/k"], 0.3)
  assert new.extras["k"] != 0.3


def test_invalid_settings_raise():
  with pytest.raises(ValueError, match="k_init"):
    began.began_game(LINEAR_AE, LATENT, k_init=1.5)
  with pytest.raises(ValueError, match="gamma"):
    began.began_game(LINEAR_AE, LATENT, gamma=0.0)


def test_training_moves_samples_toward_the_ring():
  """See `mixture_util.assert_moves_toward_ring` (BEGAN's seeds end at
  0.06 / 0.27 / 0.20 of the initial distance, median 0.20); k_t stays in
  [0, 1] and the convergence measure is logged at every step."""
  metrics = mixture_util.assert_moves_toward_ring("began", 1000)
  k = np.asarray(metrics["discriminator/k"])
  assert k.shape == (3, 1000) and np.all((k >= 0) & (k <= 1))
  assert np.all(np.isfinite(metrics["discriminator/convergence"]))


def test_make_began_starts_at_k_init_and_lambda_zero_holds_k_fixed():
  """`make_began(k_init=0.7, lambda_k=0)`: k_0 = 0.7 and two steps leave it
  there (a fixed k; the README's over-representation probe)."""
  algo = began.make_began(
      mlp.MLP(hidden=(8,), out=2), LINEAR_AE, latent_dim=2, lambda_k=0.0,
      k_init=0.7, generator_optimizer=optax.adam(1e-3),
      discriminator_optimizer=optax.adam(1e-3))
  batch = {"x": jax.random.normal(jax.random.PRNGKey(3), (16, 1, 2))}
  state = algo.init(jax.random.PRNGKey(0), batch)
  step = jax.jit(algo.train_step)
  for i in range(2):
    state, m = step(state, batch, jax.random.PRNGKey(i))
    np.testing.assert_allclose(m["discriminator/k"], 0.7, rtol=1e-6)
  np.testing.assert_allclose(state.extras["k"], 0.7, rtol=1e-6)
