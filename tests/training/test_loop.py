"""The training loop in-process: a NaN stops the run and no bad checkpoint is
written; checkpoints keep N and skip a damaged newest one."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.configs import gan_mixture
from gentk.training import checkpoint as checkpoint_lib
from gentk.training import loop
from gentk import recipes


def _config(num_steps=200):
  config = gan_mixture.get_config("quick")
  config.data.batch_size = 32
  config.model.generator_hidden = (16,)
  config.model.discriminator_hidden = (16,)
  config.train.num_steps = num_steps
  config.train.steps_per_call = 10
  config.train.checkpoint_every = 50
  config.train.progress_bar = False
  return config


@pytest.mark.parametrize("player,bad_step", [("generator", 137),
                                             ("discriminator", 61)])
def test_injected_nan_stops_within_its_step(tmp_path, player, bad_step):
  config = _config()
  exp = recipes.build(config)

  def poisoned(state, batch, key):
    new, metrics = exp.algorithm.train_step(state, batch, key)
    params = dict(new.params)
    params[player] = jax.tree.map(
        lambda p: jnp.where(state.step == bad_step, jnp.nan, p),
        params[player])
    return new.replace(params=params), metrics

  poisoned_exp = exp._replace(
      algorithm=exp.algorithm.with_train_step(poisoned))
  with pytest.raises(loop.NonFiniteError) as info:
    loop.train(config, tmp_path, poisoned_exp)
  message = str(info.value)
  assert f"step {bad_step}" in message and player in message
  last_good = bad_step // 50 * 50
  ckpt = checkpoint_lib.Checkpointer(tmp_path / "checkpoints")
  assert max(ckpt.steps()) == last_good
  assert f"step {last_good}" in message
  state = loop.init_state(exp, jax.random.PRNGKey(0))
  step, restored, meta = ckpt.restore_latest(
      jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), state))
  assert step == last_good and int(restored.step) == last_good
  assert meta["jax_version"] == jax.__version__
  for leaf in jax.tree.leaves(restored):
    assert np.all(np.isfinite(leaf))


def test_checkpointer_refuses_non_finite_and_keeps_n(tmp_path):
  ckpt = checkpoint_lib.Checkpointer(tmp_path, keep=2)
  state = {"w": jnp.arange(3.0)}
  for step in (10, 20, 30):
    ckpt.save(step, jax.tree.map(lambda x: x + step, state), {})
  assert ckpt.steps() == [20, 30]
  with pytest.raises(checkpoint_lib.NonFiniteStateError, match="step 40"):
    ckpt.save(40, {"w": jnp.array([1.0, jnp.inf, 0.0])}, {})
  assert ckpt.steps() == [20, 30]


def test_restore_skips_a_damaged_newest_checkpoint(tmp_path):
  ckpt = checkpoint_lib.Checkpointer(tmp_path, keep=3)
  state = {"w": jnp.arange(4.0)}
  ckpt.save(1, state, {})
  ckpt.save(2, jax.tree.map(lambda x: x * 2, state), {})
  for f in (tmp_path / "2").rglob("*"):  # Damage every file of step 2.
    if f.is_file():
      f.write_bytes(b"garbage")
  abstract = {"w": jax.ShapeDtypeStruct((4,), jnp.float32)}
  step, restored, _ = ckpt.restore_latest(abstract)
  assert step == 1
  np.testing.assert_array_equal(restored["w"], state["w"])


def test_state_digest_is_sensitive_to_every_bit():
  a = {"w": jnp.zeros(3), "s": jnp.array(1)}
  b = {"w": jnp.zeros(3).at[1].set(np.float32(1e-45)), "s": jnp.array(1)}
  assert checkpoint_lib.state_digest(a) == checkpoint_lib.state_digest(a)
  assert checkpoint_lib.state_digest(a) != checkpoint_lib.state_digest(b)


def test_seed_axis_reports_metrics_per_seed(tmp_path):
  config = _config(num_steps=50)
  config.num_seeds = 3
  summary = loop.train(config, tmp_path, recipes.build(config))
  assert len(summary["eval"]["modes"]["per_seed"]) == 3
  assert (tmp_path / "samples_seed2.png").is_file()
