"""The recipes' optimizer builder: a constant rate, or a cosine decay to
`optim.final_lr_fraction` of the rate; the mixtures' `long` schedule; Adam
on clipped gradients, at a constant or a scheduled rate; SeqGAN's decaying
policy-gradient rate."""
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax
import pytest

from gentk.configs import gan_mixture
from gentk.configs import groups
from gentk.configs import mode_mixture
from gentk.configs import seqgan_oracle
from gentk.recipes import seqgan as seqgan_recipe
from gentk import optim


def _rates(optimizer, steps: int) -> np.ndarray:
  """With a constant unit gradient, Adam's bias-corrected step is -rate_t
  (m_hat = v_hat = 1): the rate schedule read off the updates."""
  def step(state, _):
    updates, state = optimizer.update(jnp.ones(1), state)
    return state, -updates[0]
  return np.asarray(jax.lax.scan(step, optimizer.init(jnp.zeros(1)), None,
                                 length=steps)[1])


def test_cosine_decay_reaches_final_lr_and_constant_stays():
  group = ml_collections.ConfigDict({"lr": 1e-3, "b1": 0.9, "b2": 0.999,
                                     "final_lr_fraction": 0.1})
  rates = _rates(optim.optimizer(group, num_steps=100), 101)
  np.testing.assert_allclose(rates[[0, 100]], [1e-3, 1e-4], rtol=1e-3)
  assert np.all(np.diff(rates) <= 0)
  del group.final_lr_fraction
  np.testing.assert_allclose(_rates(optim.optimizer(group), 50), 1e-3,
                             rtol=1e-3)


def test_final_lr_fraction_decays_both_players():
  """`final_lr_fraction` 0.01 ends both players' rates at 1% of theirs
  (the generator's own rate included); 1.0 keeps them constant."""
  group = ml_collections.ConfigDict({"lr": 1e-3, "b1": 0.5, "b2": 0.999,
                                     "generator_lr": 2e-3,
                                     "final_lr_fraction": 0.01})
  generator, discriminator = optim.optimizers(group, num_steps=50)
  np.testing.assert_allclose(_rates(generator, 51)[[0, 50]], [2e-3, 2e-5],
                             rtol=1e-3)
  np.testing.assert_allclose(_rates(discriminator, 51)[[0, 50]],
                             [1e-3, 1e-5], rtol=1e-3)
  group.final_lr_fraction = 1.0
  np.testing.assert_allclose(_rates(optim.optimizers(group)[1], 20), 1e-3,
                             rtol=1e-3)


@pytest.mark.parametrize("get_config,arg", [
    (gan_mixture.get_config, "grid,long"),
    (mode_mixture.get_config, "gan_si,grid,long"),
    (mode_mixture.get_config, "pacgan,ring,long,bn_maxout")])
def test_long_schedule_decays_both_rates_to_one_percent_at_its_end(
    get_config, arg):
  config = get_config(arg)
  steps = config.train.num_steps
  assert steps == groups.LONG_STEPS > get_config(
      arg.replace(",long", "")).train.num_steps
  for optimizer in optim.optimizers(config.optim, steps):
    rates = _rates(optimizer, steps + 1)
    np.testing.assert_allclose(rates[[0, steps // 2, steps]],
                               [1e-3, 0.505e-3, 1e-5], rtol=1e-3)


def test_clipped_adam_is_adam_on_the_clipped_gradient():
  """Updates of `clipped_adam(lr, c)` equal Adam's on g * min(1, c / |g|)."""
  grads = [jnp.array([30.0, -40.0]), jnp.array([0.3, 0.1]),
           jnp.array([-6.0, 8.0])]
  clipped, adam = optim.clipped_adam(1e-2, 5.0), optax.adam(1e-2)
  s_clipped, s_adam = clipped.init(jnp.zeros(2)), adam.init(jnp.zeros(2))
  for g in grads:
    u_clipped, s_clipped = clipped.update(g, s_clipped)
    u_adam, s_adam = adam.update(
        g * jnp.minimum(1.0, 5.0 / jnp.linalg.norm(g)), s_adam)
    np.testing.assert_allclose(u_clipped, u_adam, rtol=1e-6)


def test_scheduled_adam_has_adams_state_layout_and_follows_its_rate():
  """A scheduled `clipped_adam` keeps a constant-rate one's state layout (a
  phase can swap one for the other in the same slot); with a constant
  schedule its updates are Adam's, with a cosine one the steps decay."""
  params = {"w": jnp.zeros(3), "b": jnp.zeros(())}
  constant = optim.clipped_adam(1e-2, 5.0)
  scheduled = optim.clipped_adam(optax.constant_schedule(1e-2), 5.0)
  s_constant, s_scheduled = constant.init(params), scheduled.init(params)
  assert (jax.tree.structure(s_constant)
          == jax.tree.structure(s_scheduled))
  grads = {"w": jnp.array([3.0, -4.0, 0.5]), "b": jnp.array(2.0)}
  for _ in range(3):
    u_constant, s_constant = constant.update(grads, s_constant)
    u_scheduled, s_scheduled = scheduled.update(grads, s_scheduled)
    for a, b in zip(jax.tree.leaves(u_constant), jax.tree.leaves(u_scheduled)):
      np.testing.assert_allclose(a, b, rtol=1e-6)
  decaying = optim.clipped_adam(
      optax.cosine_decay_schedule(1e-2, 10, alpha=0.0), 1e9)
  rates = _rates(decaying, 11)
  np.testing.assert_allclose(rates[[0, 5, 10]], [1e-2, 0.5e-2, 0.0],
                             atol=1e-7)


def test_seqgan_policy_gradient_rate_decays_over_the_adversarial_updates():
  """`optim.pg_final_lr_fraction` 1 keeps the published constant rate;
  below 1 the rate falls to that fraction by the last of the adversarial
  phase's g_steps x steps updates."""
  config = seqgan_oracle.get_config()
  assert seqgan_recipe.policy_gradient_rate(config) == config.optim.g_lr
  config.optim.pg_lr, config.optim.pg_final_lr_fraction = 3e-3, 0.1
  config.seqgan.g_steps = 2
  updates = 2 * (config.train.num_steps - config.seqgan.mle_steps
                 - config.seqgan.pretrain_rounds)
  rate = seqgan_recipe.policy_gradient_rate(config)
  np.testing.assert_allclose([rate(0), rate(updates // 2), rate(updates)],
                             [3e-3, 1.65e-3, 3e-4], rtol=1e-5)
