"""A phase's `on_enter` runs once when the phase begins, before its first
step, and exactly once across a resume, however the run was cut."""
import jax
import jax.numpy as jnp
import pytest

from gentk import configs
from gentk.training import checkpoint
from gentk.training import loop
from gentk.types import Algorithm, Phase, TrainState

PHASE_1 = 6  # Steps of the first phase; the second runs to the end.


def _experiment(crash_at: int | None = None) -> loop.Experiment:
  """Two phases counting their steps in `extras`; the second's `on_enter`
  counts its entries and records the step it saw. With `crash_at`, the step
  at that state.step raises from inside the compiled call (a crash before
  anything after the call is saved)."""
  def init(key, batch):
    del key, batch
    return TrainState(step=jnp.zeros([], jnp.int32),
                      params={"w": {"params": jnp.zeros(1)}},
                      opt_state={"w": ()},
                      extras={"steps": jnp.zeros([], jnp.int32),
                              "entered": jnp.zeros([], jnp.int32),
                              "entered_at": jnp.full([], -1, jnp.int32)})

  def crash(step):
    if crash_at is not None and int(step) == crash_at:
      raise RuntimeError("crash")

  def train_step(state, batch, key):
    del batch, key
    jax.debug.callback(crash, state.step)
    extras = dict(state.extras, steps=state.extras["steps"] + 1)
    return state.replace(extras=extras), {"w/loss": jnp.zeros(())}

  def on_enter(state, key):
    del key
    extras = dict(state.extras, entered=state.extras["entered"] + 1,
                  entered_at=state.step)
    return state.replace(extras=extras)

  algorithm = Algorithm(init, (Phase("first", train_step, PHASE_1),
                               Phase("second", train_step,
                                     on_enter=on_enter)))
  return loop.Experiment(algorithm, lambda key, step, num: jnp.zeros(1))


def _config(steps_per_call: int):
  config = configs.get("gan_mixture:quick")
  config.train.num_steps, config.train.steps_per_call = 12, steps_per_call
  config.train.log_every = config.train.checkpoint_every = steps_per_call
  config.train.progress_bar = False
  return config


@pytest.mark.parametrize("steps_per_call, crash_at", [
    (1, PHASE_1),       # Right after entering, in the entering call.
    (2, PHASE_1 + 1),   # The second step of the entering call.
    (2, PHASE_1 + 3),   # A later call of the phase.
])
def test_on_enter_runs_exactly_once_across_a_crash(tmp_path, steps_per_call,
                                                   crash_at):
  config = _config(steps_per_call)
  reference = loop.train(config, tmp_path / "reference", _experiment())
  workdir = tmp_path / "run"
  with pytest.raises(Exception, match="crash"):
    loop.train(config, workdir, _experiment(crash_at))
  resumed = loop.train(config, workdir, _experiment())
  assert resumed["state_sha256"] == reference["state_sha256"]
  _, state, _ = loop.restore(_experiment(), workdir)
  assert int(state.extras["entered"]) == 1
  assert int(state.extras["entered_at"]) == PHASE_1  # Before its 1st step.
  assert int(state.extras["steps"]) == 12
  assert checkpoint.state_digest(state) == reference["state_sha256"]
