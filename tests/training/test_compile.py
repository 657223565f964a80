"""compile_step: fused steps, the seed axis, the NaN guard and device counts."""
import os
import pathlib
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.training import compile as compile_lib
from gentk.training import loop
from gentk.types import TrainState
from tests.conftest import xla_flags

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _compiled(exp, state, **kw):
  return compile_lib.compile_step(
      exp.algorithm.phases[-1], data_fn=exp.data_fn, donate=False, **kw)


def _flat(tree):
  return np.concatenate([np.ravel(x) for x in jax.tree.leaves(tree)])


def test_fused_steps_equal_single_steps(small_gan):
  exp, state = small_gan
  key = jax.random.PRNGKey(3)
  fused = _compiled(exp, state, steps_per_call=6)
  single = _compiled(exp, state, steps_per_call=1)
  s_fused, m_fused, f = fused.step_fn(state, key)
  s_single = state
  losses = []
  for _ in range(6):
    s_single, m, _ = single.step_fn(s_single, key)
    losses.append(m["generator/loss"][0])
  assert int(s_fused.step) == int(s_single.step) == 6
  assert int(f.step) == -1
  assert m_fused["generator/loss"].shape == (6,)
  # Same program body; tolerance allows XLA's different fusion inside scan.
  np.testing.assert_allclose(_flat(s_fused.params), _flat(s_single.params),
                             rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(m_fused["generator/loss"], losses, rtol=1e-5)


def test_seed_axis_equals_separate_runs(small_gan):
  exp, _ = small_gan
  keys = jax.random.split(jax.random.PRNGKey(1), 3)
  states = jax.vmap(lambda k: loop.init_state(exp, k))(keys)
  one = jax.tree.map(lambda x: x[0], states)
  seeded = _compiled(exp, one, steps_per_call=4, num_seeds=3)
  single = _compiled(exp, one, steps_per_call=4)
  out, metrics, failure = seeded.step_fn(states, keys)
  assert metrics["generator/loss"].shape == (3, 4)
  assert failure.step.shape == (3,)
  for i in range(3):
    s_i, m_i, _ = single.step_fn(jax.tree.map(lambda x: x[i], states), keys[i])
    np.testing.assert_allclose(_flat(jax.tree.map(lambda x: x[i], out.params)),
                               _flat(s_i.params), rtol=1e-5, atol=1e-6)
  # Independent runs: seeds differ.
  assert not np.allclose(metrics["generator/loss"][0],
                         metrics["generator/loss"][1])


@pytest.mark.parametrize("player", ["generator", "discriminator"])
def test_guard_stops_at_the_nan_step_and_names_the_player(small_gan, player):
  exp, state = small_gan
  bad_step = 7

  def poisoned(state, batch, key):
    new, metrics = exp.algorithm.train_step(state, batch, key)
    scale = jnp.where(state.step == bad_step, jnp.nan, 1.0)
    params = dict(new.params)
    params[player] = jax.tree.map(lambda p: p * scale, params[player])
    return new.replace(params=params), metrics

  compiled = compile_lib.compile_step(
      poisoned, data_fn=exp.data_fn, steps_per_call=20, donate=False,
      num_batches=exp.algorithm.phases[-1].num_batches)
  out, _, failure = compiled.step_fn(state, jax.random.PRNGKey(0))
  assert int(failure.step) == bad_step
  flagged = [p for p, f in zip(compile_lib.players_of(state),
                               np.asarray(failure.players)) if f]
  assert flagged == [player]
  # The returned state is the last finite one, at the failing step.
  assert int(out.step) == bad_step
  assert bool(compile_lib.tree_all_finite(out.params))


def test_guard_catches_nan_loss_metric(small_gan):
  exp, state = small_gan

  def nan_loss(state, batch, key):
    new, metrics = exp.algorithm.train_step(state, batch, key)
    metrics = dict(metrics)
    metrics["discriminator/loss"] = jnp.where(state.step == 2, jnp.inf,
                                              metrics["discriminator/loss"])
    return new, metrics

  compiled = compile_lib.compile_step(
      nan_loss, data_fn=exp.data_fn, steps_per_call=5, donate=False,
      num_batches=exp.algorithm.phases[-1].num_batches)
  out, _, failure = compiled.step_fn(state, jax.random.PRNGKey(0))
  assert int(failure.step) == 2 and int(out.step) == 2
  players = compile_lib.players_of(state)
  # The state stayed finite: the failure names the metrics, not a player.
  flagged = [p for p, f in zip(players, np.asarray(failure.players)) if f]
  assert flagged == ["metrics"]


def test_unknown_mode_is_rejected(small_gan):
  exp, state = small_gan
  with pytest.raises(ValueError, match="mode"):
    _compiled(exp, state, mode="xmap")


@pytest.mark.parametrize("num_devices", [4])
def test_same_result_on_one_and_four_devices(tmp_path, num_devices):
  """jit, sharded jit and pmap on 1 and on 4 fake CPU devices agree: the
  mixture GAN, and a DCGAN whose batch statistics span the global batch (its
  every mode on 4 devices against jit on 1)."""
  results = {}
  for n in (1, num_devices):
    out = tmp_path / f"probe{n}.npz"
    # Pinned to CPU: on a GPU machine the fake devices are CPU devices.
    env = dict(os.environ, JAX_PLATFORMS="cpu",
               XLA_FLAGS=xla_flags(
                   f"--xla_force_host_platform_device_count={n}"))
    subprocess.run([sys.executable, "-m", "tests.training._modes_probe",
                    str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    results[n] = np.load(out)
    assert int(results[n]["num_devices"]) == n
  reference = results[1]["jit_params"]
  for n, r in results.items():
    for mode in compile_lib.MODES:
      # 20 Adam steps; only the order of floating-point reductions differs.
      np.testing.assert_allclose(r[f"{mode}_params"], reference,
                                 rtol=1e-4, atol=1e-5,
                                 err_msg=f"{mode} on {n} devices")
  for mode in compile_lib.MODES:
    # 2 Adam steps: both players' parameters and running averages.
    np.testing.assert_allclose(results[num_devices][f"{mode}_dcgan"],
                               results[1]["jit_dcgan"], rtol=1e-4, atol=1e-5,
                               err_msg=f"DCGAN {mode} on {num_devices} devices")


def test_a_step_that_changes_the_counters_is_refused():
  """The runtime owns `step`, `phase` and `phase_step`: a train step that
  returns changed counters fails when it is traced, naming them."""
  state = TrainState(step=jnp.zeros([], jnp.int32),
                     params={"w": {"params": jnp.zeros(2)}},
                     opt_state={"w": ()})

  def counts_itself(state, batch, key):
    del batch, key
    return state.replace(step=state.step + 1), {"loss": jnp.zeros(())}

  step = compile_lib.compile_step(counts_itself, data_fn=lambda k, s, n: {})
  with pytest.raises(compile_lib.CounterError, match="state.step"):
    step.step_fn(step.put(state), jax.random.PRNGKey(0))
  fine = compile_lib.compile_step(
      lambda s, b, k: (s, {"loss": jnp.zeros(())}), data_fn=lambda k, s, n: {})
  out, _, _ = fine.step_fn(fine.put(state), jax.random.PRNGKey(0))
  assert int(out.step) == 1 and int(out.phase_step) == 1
