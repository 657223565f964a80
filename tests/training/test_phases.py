"""Phases: their step ranges; the phase is in the state, the checkpoint and
the metrics; discriminator pre-training moves the discriminator only. (Runs
of every phased family killed in each phase and resumed:
test_kill_resume.py.)"""
import jax
import jax.numpy as jnp
import optax
import pytest

from gentk import recipes
from gentk.algorithms import gan
from gentk.configs import gan_mixture
from gentk.models import mlp
from gentk.training import checkpoint as checkpoint_lib
from gentk.training import loop
from gentk.training import writers
from gentk.types import Phase


def _config():
  """A small two-phase GAN: discriminator pre-training, then adversarial."""
  c = gan_mixture.get_config("quick")
  c.data.batch_size = 32
  c.model.generator_hidden = (16,)
  c.model.discriminator_hidden = (16,)
  c.train.steps_per_call = 10
  c.train.log_every = 10
  c.train.checkpoint_every = 40
  c.train.progress_bar = False
  c.eval.num_samples = 100
  return c


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

  config = _config()
  config.train.num_steps, config.adversarial.pretrain_steps = 30, 10
  experiment = recipes.build(config)
  summary = loop.train(config, tmp_path, experiment)
  assert [p["name"] for p in summary["phases"]] == [
      "discriminator_pretraining", "adversarial"]
  assert [(r["step"], r["phase"], r["phase_name"])
          for r in writers.read_metrics(tmp_path) if "phase" in r] == [
              (10, 0, "discriminator_pretraining"), (20, 1, "adversarial"),
              (30, 1, "adversarial")]
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
