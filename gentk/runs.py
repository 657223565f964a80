"""A finished (or interrupted) run, read back from its workdir.

  run = gentk.load_run("runs/v")            # config.json + newest checkpoint
  x = run.sample(jax.random.PRNGKey(0), 64)  # the algorithm's samples
  figures = run.evaluate()                   # what the run's summary holds

`load_run` rebuilds the experiment from the workdir's `config.json` (the
resolved config the run was trained with: `gentk.recipes.build` of it gives
the same algorithm, data and evaluation) and restores the newest checkpoint
that restores. A run trained with S seeds on the seed axis holds a state with
a leading axis `[S]`; `run.seed(i)` is seed i's one-seed run.

`evaluate` recomputes exactly what training wrote to `summary.json["eval"]`
(the same eval key, `fold_in(eval key, 0)` per seed); `gentk eval` does that
and rewrites the summary; `gentk sample` writes `samples.npz` and a picture
(or the decoded text of a model of text).
"""
import dataclasses
import importlib
import json
import pathlib
from typing import Any

import jax
import ml_collections
import numpy as np

from gentk import recipes
from gentk.training import config as config_lib
from gentk.training import loop
from gentk.training import sweep
from gentk.types import PRNGKey

CONFIG_FILE = "config.json"


class RunError(config_lib.ConfigError):
  """A workdir that holds no usable run; the message is one line."""


def _tuples(value):
  """JSON lists back to the tuples configs declare (recursively)."""
  if isinstance(value, list):
    return tuple(_tuples(v) for v in value)
  if isinstance(value, dict):
    return {k: _tuples(v) for k, v in value.items()}
  return value


def read_config(workdir: str | pathlib.Path) -> ml_collections.ConfigDict:
  """The resolved config a run in `workdir` was trained with.

  Raises:
    RunError: one line when `config.json` is missing or unreadable.
  """
  path = pathlib.Path(workdir) / CONFIG_FILE
  if not path.is_file():
    raise RunError(f"{path} does not exist: {workdir} holds no gentk run; "
                   "train one first, e.g. gentk train --config=gan_mixture:"
                   f"quick --workdir={workdir}")
  try:
    saved = loop.read_config_json(path)
  except config_lib.ConfigError as e:
    raise RunError(str(e)) from e
  return ml_collections.ConfigDict(_tuples(saved))


@dataclasses.dataclass(frozen=True)
class Run:
  """A trained run: its config, experiment and restored state.

  Attributes:
    workdir: the run's folder.
    config: the resolved config (`config.json`).
    experiment: `gentk.recipes.build(config)`.
    state: the restored `TrainState`, leading axis `[num_seeds]` when the
      run has a seed axis.
    step: the step of the restored checkpoint.
    num_seeds: S, seeds on the seed axis (1 without one).
    seed_index: which seed of the run this is (None: all of them).
    diverged: the seeds frozen when they diverged (not evaluated).
  """
  workdir: pathlib.Path
  config: ml_collections.ConfigDict
  experiment: loop.Experiment
  state: Any
  step: int
  num_seeds: int = 1
  seed_index: int | None = None
  diverged: frozenset[int] = frozenset()

  def seed(self, i: int) -> "Run":
    """Seed `i` of a run with a seed axis, as a one-seed run."""
    if self.num_seeds == 1:
      if i != 0:
        raise IndexError(f"this run has one seed: use seed(0), not seed({i})")
      return self
    if not 0 <= i < self.num_seeds:
      raise IndexError(f"seed {i} is out of range: the run has "
                       f"{self.num_seeds} seeds (0..{self.num_seeds - 1})")
    return dataclasses.replace(
        self, state=jax.tree.map(lambda x: x[i], self.state), num_seeds=1,
        seed_index=i)

  def _one_seed(self, what: str) -> None:
    if self.num_seeds > 1:
      raise ValueError(f"{what} needs one seed: this run has "
                       f"{self.num_seeds}; use run.seed(i).{what}(...)")

  def sample(self, key: PRNGKey, num: int) -> np.ndarray:
    """`num` samples of the algorithm (`Algorithm.sample`) from `key`."""
    self._one_seed("sample")
    sample = self.experiment.algorithm.sample
    if sample is None:
      raise ValueError(f"config.experiment={self.config.experiment!r} draws "
                       "no samples")
    return np.asarray(sample(self.state, key, num))

  def decode(self, tokens: np.ndarray) -> list[str] | None:
    """Token ids as text for a model of text, else None."""
    if self.experiment.decode is None:
      return None
    return self.experiment.decode(np.asarray(tokens))

  def evaluate(self) -> dict:
    """The run's final figures, as `summary.json["eval"]` holds them:
    recomputed from the restored state with the run's own eval keys.

    Artifacts the evaluation writes (plots, samples) go to the workdir.
    """
    if self.experiment.evaluate is None:
      raise ValueError(f"config.experiment={self.config.experiment!r} has no "
                       "evaluation")
    eval_key = loop.run_keys(self.config)[2]
    if self.seed_index is not None:
      return loop.evaluate(self.experiment, self.state,
                           eval_key[self.seed_index], self.workdir, 1)[1]
    hyper = sweep.run_values(self.config, self.config.get("num_seeds", 1))
    return loop.evaluate(self.experiment, self.state, eval_key, self.workdir,
                         self.num_seeds, self.diverged, hyper=hyper)[1]


def load_run(workdir: str | pathlib.Path) -> Run:
  """The run in `workdir`: its config, rebuilt experiment and newest state.

  Raises:
    RunError: one line when `workdir` holds no run (no or an unreadable
      `config.json`), a run of a runner other than `train` (whose outputs
      are its figures), or no checkpoint that restores.
  """
  workdir = pathlib.Path(workdir)
  config = read_config(workdir)
  if config.get("runner", "train") != "train":
    raise RunError(f"{workdir} is a run of the {config.runner!r} runner, "
                   "which keeps no state to load: its results are the files "
                   f"in {workdir}")
  experiment = recipes.build(config)
  num_seeds = loop.num_runs(config)  # A sweep's points x seeds.
  try:
    step, state, meta = loop.restore(experiment, workdir,
                                  num_seeds=num_seeds if num_seeds > 1
                                  else None)
  except FileNotFoundError as e:
    raise RunError(str(e)) from e
  return Run(workdir, config, experiment, state, step, num_seeds,
             diverged=frozenset(d["seed"] for d in meta.get("diverged", [])))


def train(config: ml_collections.ConfigDict, workdir: str | pathlib.Path
          ) -> dict:
  """Runs `config` into `workdir` as `gentk train` does (the runner the
  config names, `gentk.runners.<config.runner>`), e.g. in a notebook:

    summary = gentk.train(gentk.configs.get("gan_mixture:quick"), "runs/g")

  Raises:
    gentk.training.ConfigError: one line for a bad config or workdir.
  """
  config_lib.validate_launch(config, str(workdir))
  runner = importlib.import_module(f"gentk.runners.{config.runner}")
  return runner.run(config, str(workdir))
