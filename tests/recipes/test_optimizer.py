"""The recipes' optimizer builder: a constant rate, or a cosine decay to
`optim.final_lr`."""
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
