"""Nothing is lost under SIGKILL, in any phase of any phased family: a run of
a family's quick config killed at random moments (a train step drawn in each
phase, and inside one checkpoint save: its temporary folder written but not
committed, or committed but Orbax's bookkeeping after it not done), rerun
after each kill, ends with the state SHA-256 and the metrics.jsonl of an
uninterrupted run (`kill_util.check_kill_and_resume`). The kills are drawn
from a fixed seed per family.

The families of images and mixtures are here, those of text in
test_kill_resume_text.py (two files, so the suite's two workers share them).
Last: the monitored point that opens a phase survives a run that dies right
after the previous phase's last checkpoint.
"""
import random

import jax.numpy as jnp
import pytest

from gentk import configs
from gentk.training import checkpoint
from gentk.training import loop
from gentk.training import writers
from gentk.types import Algorithm, Phase, TrainState
from tests.training import kill_util
from tests.training.kill_util import Family

# Each family's quick config, shrunk: steps fused in calls of 4 to 10 (a kill
# lands inside a call), checkpoints two or three calls apart and at the end of
# each phase (a kill loses steps), so a resumed run redoes steps and goes on
# through the later phases.
FAMILIES = {
    # Pre-training of each layer (RBMs), then joint training with persistent
    # chains.
    "dbm": Family("dbm_mnist:quick", (
        "model.pretrain_steps=12", "train.num_steps=40",
        "train.steps_per_call=4", "train.log_every=4",
        "train.checkpoint_every=8")),
    # One phase; persistent chains (PCD) in the state.
    "rbm_pcd": Family("rbm_mnist:pcd,quick", (
        "train.num_steps=24", "train.steps_per_call=4", "train.log_every=4",
        "train.checkpoint_every=8")),
    # One phase.
    "bihm": Family("bihm_mnist:quick", (
        "train.num_steps=24", "train.steps_per_call=4", "train.log_every=4",
        "train.checkpoint_every=8")),
    # Rounds of GANs, the density-ratio classifier and the reweighting between
    # them: round_1, ratio_2, reweight_2 (one step), round_2.
    "adagan": Family("mode_mixture:adagan,quick", (
        "adagan.num_rounds=2", "adagan.round_steps=30",
        "adagan.ratio_steps=10", "adagan.num_points=500",
        "train.num_steps=71", "train.steps_per_call=5", "train.log_every=5",
        "train.checkpoint_every=15")),
    # Discriminator pre-training, then adversarial training.
    "gan_pretrain": Family("gan_mixture:quick", (
        "data.batch_size=32", "model.generator_hidden=(16,)",
        "model.discriminator_hidden=(16,)", "adversarial.pretrain_steps=20",
        "train.num_steps=50", "train.steps_per_call=5", "train.log_every=5",
        "train.checkpoint_every=10")),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAMILIES))
def test_killed_in_every_phase_resumes_identically(name, tmp_path):
  print(kill_util.check_kill_and_resume(
      FAMILIES[name], tmp_path, random.Random(f"kill {name}"),
      kill_util.SAVE_POINTS[list(FAMILIES).index(name) % 2]))


class _Died(BaseException):
  """The process dying (as SIGKILL would) right after a checkpoint commits."""


def _monitored_two_phases() -> loop.Experiment:
  """Two phases of a counter, each monitored every 2 steps (the second at its
  first step too)."""
  def init(key, batch):
    del key, batch
    return TrainState(step=jnp.zeros([], jnp.int32),
                      params={"w": {"params": jnp.zeros(1)}},
                      opt_state={"w": ()}, extras={})

  def train_step(state, batch, key):
    del batch, key
    w = state.params["w"]["params"] + 1
    return state.replace(params={"w": {"params": w}}), {"w/loss": w[0]}

  def monitor(state, key):
    del key
    return {"w": float(state.params["w"]["params"][0])}

  algorithm = Algorithm(init, (Phase("first", train_step, 4),
                               Phase("second", train_step)))
  return loop.Experiment(algorithm, lambda key, step, num: jnp.zeros(1),
                         monitor=monitor,
                         monitor_every={"first": 2, "second": 2})


def test_died_after_a_phase_end_checkpoint_keeps_the_next_phase_monitor(
    tmp_path, monkeypatch):
  config = configs.get("gan_mixture:quick")
  config.train.num_steps, config.train.steps_per_call = 8, 2
  config.train.log_every = config.train.checkpoint_every = 2
  config.train.progress_bar = False
  loop.train(config, tmp_path / "uninterrupted", _monitored_two_phases())
  save = checkpoint.Checkpointer.save

  def save_then_die(self, step, *args, **kwargs):
    save(self, step, *args, **kwargs)
    if step == 4:  # The end of the first phase.
      raise _Died()

  monkeypatch.setattr(checkpoint.Checkpointer, "save", save_then_die)
  with pytest.raises(_Died):
    loop.train(config, tmp_path / "died", _monitored_two_phases())
  monkeypatch.setattr(checkpoint.Checkpointer, "save", save)
  resumed = loop.train(config, tmp_path / "died", _monitored_two_phases())
  assert resumed["state_sha256"] == checkpoint.state_digest(
      loop.restore_state(_monitored_two_phases(), tmp_path / "uninterrupted"))
  monitored = [(r["step"], r["phase_name"])
               for r in writers.read_metrics(tmp_path / "died")
               if "monitor/w" in r]
  assert monitored == [(0, "first"), (2, "first"), (4, "first"),
                       (4, "second"), (6, "second"), (8, "second")]
