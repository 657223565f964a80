"""The recipes' optimizer builder: a constant rate, or a cosine decay to
`optim.final_lr` (or `optim.final_lr_fraction` of the rate)."""
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from gentk.recipes import common


def _rates(optimizer, steps: int) -> np.ndarray:
  """With a constant unit gradient, Adam's bias-corrected step is -rate_t
  (m_hat = v_hat = 1): the rate schedule read off the updates."""
  def step(state, _):
    updates, state = optimizer.update(jnp.ones(1), state)
    return state, -updates[0]
  return np.asarray(jax.lax.scan(step, optimizer.init(jnp.zeros(1)), None,
                                 length=steps)[1])


def test_cosine_decay_reaches_final_lr_and_constant_stays():
  optim = ml_collections.ConfigDict({"lr": 1e-3, "b1": 0.9, "b2": 0.999,
                                     "final_lr": 1e-4})
  rates = _rates(common.optimizer(optim, num_steps=100), 101)
  np.testing.assert_allclose(rates[[0, 100]], [1e-3, 1e-4], rtol=1e-3)
  assert np.all(np.diff(rates) <= 0)
  del optim.final_lr
  np.testing.assert_allclose(_rates(common.optimizer(optim), 50), 1e-3,
                             rtol=1e-3)


def test_final_lr_fraction_decays_both_players():
  """`final_lr_fraction` 0.01 ends both players' rates at 1% of theirs
  (the generator's own rate included); 1.0 keeps them constant."""
  optim = ml_collections.ConfigDict({"lr": 1e-3, "b1": 0.5, "b2": 0.999,
                                     "generator_lr": 2e-3,
                                     "final_lr_fraction": 0.01})
  generator, discriminator = common.optimizers(optim, num_steps=50)
  np.testing.assert_allclose(_rates(generator, 51)[[0, 50]], [2e-3, 2e-5],
                             rtol=1e-3)
  np.testing.assert_allclose(_rates(discriminator, 51)[[0, 50]],
                             [1e-3, 1e-5], rtol=1e-3)
  optim.final_lr_fraction = 1.0
  np.testing.assert_allclose(_rates(common.optimizers(optim)[1], 20), 1e-3,
                             rtol=1e-3)
