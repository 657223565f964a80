"""Phases: a two-phase run killed with SIGKILL once in each phase resumes and
ends with the same state SHA-256 as an uninterrupted run; the phase is in the
state, the checkpoint and the metrics."""
import json
import signal

import jax
import jax.numpy as jnp
import optax
import pytest

from gentk import recipes
from gentk.algorithms import gan
from gentk.models import mlp
from gentk.training import checkpoint as checkpoint_lib
from gentk.training import loop
from gentk.types import Phase
from tests.training import _phases_probe as probe
from tests.training import kill_util


def _probe(workdir, *args):
  return kill_util.run_probe("tests.training._phases_probe", workdir, *args)


@pytest.mark.slow
def test_killed_once_in_each_phase_resumes_bit_identical(tmp_path):
  reference = kill_util.final_sha(_probe(tmp_path / "uninterrupted"))
  workdir = tmp_path / "killed"
  # Killed in the middle of a fused call of the pre-training phase (steps
  # 0..119; checkpoints every 40), then of the adversarial phase.
  for kill_at in (97, 251):
    result = _probe(workdir, kill_at)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
  resumed = _probe(workdir)
  assert "resuming from step 240" in resumed.stdout
  assert kill_util.final_sha(resumed) == reference
  records = [r for r in map(json.loads, (workdir / "metrics.jsonl")
                            .read_text().splitlines()) if "phase" in r]
  assert [r["step"] for r in records] == list(range(10, 301, 10))
  phases = {r["step"]: r["phase_name"] for r in records}
  assert phases[120] == "discriminator_pretraining"
  assert phases[130] == "adversarial"
  # Pre-training trains the discriminator only.
  assert not any(k.startswith("generator/") for r in records
                 if r["step"] <= 120 for k in r)


def test_phase_spans_and_the_state_phase(tmp_path):
  """The phases' step ranges; a run's final state is in the last phase with
  phase_step counted from its start."""
  make = lambda n: Phase("p", None, n, 1)
  spans = loop.phase_spans((make(5), make(None)), 12)
  assert [(s.name, s.start, s.end) for s in spans] == [("p", 0, 5),
                                                       ("p", 5, 12)]
  cut = loop.phase_spans((make(20), make(None)), 12)
  assert [(s.start, s.end) for s in cut] == [(0, 12)]
  with pytest.raises(ValueError, match="only the last phase"):
    loop.phase_spans((make(None), make(3)), 12)
  with pytest.raises(loop.config_lib.ConfigError, match="num_steps"):
    loop.phase_spans((make(3), make(4)), 12)

  config = probe.config()
  config.train.num_steps, config.adversarial.pretrain_steps = 30, 10
  experiment = recipes.build(config)
  summary = loop.train(config, tmp_path, experiment)
  assert [p["name"] for p in summary["phases"]] == [
      "discriminator_pretraining", "adversarial"]
  ckpt = checkpoint_lib.Checkpointer(tmp_path / "checkpoints")
  state = loop.init_state(experiment, jax.random.PRNGKey(0))
  step, final, meta = ckpt.restore_latest(
      jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), state))
  ckpt.close()
  assert step == 30 and meta["phase"] == "adversarial"
  assert int(final.phase) == 1 and int(final.phase_step) == 20


def test_pretraining_moves_only_the_discriminator():
  algorithm = gan.make_gan(
      mlp.MLP(hidden=(8,), out=2), mlp.MLP(hidden=(8,), out=1,
                                           squeeze_out=True),
      latent_dim=2, generator_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-2), pretrain_steps=3)
  batch = {"x": jnp.ones((4, 1, 2))}
  state = algorithm.init(jax.random.PRNGKey(0), batch)
  new, metrics = algorithm.phases[0].train_step(state, batch,
                                                jax.random.PRNGKey(1))
  same = jax.tree.map(jnp.array_equal, new.params["generator"],
                      state.params["generator"])
  moved = jax.tree.map(jnp.array_equal, new.params["discriminator"],
                       state.params["discriminator"])
  assert all(jax.tree.leaves(same)) and not all(jax.tree.leaves(moved))
  assert int(new.step) == 0 and set(metrics) >= {"discriminator/loss"}
  assert not any(k.startswith("generator/") for k in metrics)
