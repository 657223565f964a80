"""Run in a subprocess: a shipped config's run, killed with SIGKILL at a
chosen moment (in a train step of any phase, or inside a checkpoint save).

Usage:
  python -m tests.training._kill_probe WORKDIR CONFIG_SPEC KILL [FIELD=VALUE...]

CONFIG_SPEC names a shipped config (`gentk.configs.get`, e.g.
`seqgan_oracle:quick`); each FIELD=VALUE overrides one field (the value read
as a Python literal, else as a string), e.g. `train.checkpoint_every=4`.
KILL is one of
  -1             no kill: the run completes;
  N              SIGKILL from inside the train step whose `state.step == N`
                 (`kill_util.killing_at`, wrapped around every phase's step,
                 so a fused call of several steps dies part-way);
  save:N:tmp     SIGKILL inside the save of step N once Orbax has written the
                 whole checkpoint into its temporary folder
                 (`<N>.orbax-checkpoint-tmp*`) and before it commits it by
                 renaming: the step is left uncommitted;
  save:N:commit  SIGKILL inside the save of step N right after the rename that
                 commits it, before Orbax's own bookkeeping after a commit
                 (deleting the steps beyond `keep`) and before `save` returns.
The two save points are the edges of what a kill during a save can leave:
everything Orbax writes before the commit goes to the temporary folder (a
kill earlier in the writing leaves less of it, the same uncommitted kind), and
after the rename the step is whole. They are Orbax's
`AtomicRenameTemporaryPath.finalize` (a local folder's commit), patched in
this process only.
Every run wraps the steps the same way (the uninterrupted run too), so all of
them run the same programs. The run's evaluation is dropped: the final state's
SHA-256 is taken before it, and it only costs compile time here (the curves
monitored during training stay).
Prints `saved N` after each checkpoint it commits, then `phases
NAME:START-END ...` and `sha256 <hex>` (the final state's) when the run
completes; a rerun of the same command after a kill resumes.
"""
import ast
import os
import signal
import sys

from gentk import configs
from gentk import recipes
from gentk.training import checkpoint
from gentk.training import loop
from orbax.checkpoint._src.path import atomicity
from tests.training.kill_util import killing_at

# Where a save's commit happens for a local folder (Orbax 0.12): the temporary
# folder is renamed to the step's folder in `finalize`.
TEMPORARY_PATH = atomicity.AtomicRenameTemporaryPath


def parse_override(text: str):
  """`FIELD=VALUE` as `(FIELD, value)`; the value a Python literal if it
  reads as one, else the string."""
  field, sep, raw = text.partition("=")
  if not sep:
    raise SystemExit(f"override {text!r} is not FIELD=VALUE")
  try:
    return field, ast.literal_eval(raw)
  except (ValueError, SyntaxError):
    return field, raw


def config(spec: str, overrides=()):
  """The config `spec` names, with `overrides` (`FIELD=VALUE` strings)."""
  c = configs.get(spec)
  for field, value in map(parse_override, overrides):
    *groups, name = field.split(".")
    node = c
    for group in groups:
      node = node[group]
    node[name] = value
  c.train.progress_bar = False
  return c


def die() -> None:
  os.kill(os.getpid(), signal.SIGKILL)


def kill_in_save(step: int, where: str) -> None:
  """Patches Orbax (in this process only) to SIGKILL it inside the save of
  `step`: `where` 'tmp' before the commit, 'commit' right after it."""
  if where not in ("tmp", "commit"):
    raise SystemExit(f"save kill point {where!r}: use tmp or commit")
  finalize = TEMPORARY_PATH.finalize

  async def finalize_then_die(self, *args, **kwargs):
    mine = self.get_final().name == str(step)
    if mine and where == "tmp":
      die()
    result = await finalize(self, *args, **kwargs)
    if mine and where == "commit":
      die()
    return result

  TEMPORARY_PATH.finalize = finalize_then_die


def print_saves() -> None:
  """Patches `Checkpointer.save` to print `saved N` once step N is saved."""
  save = checkpoint.Checkpointer.save

  def save_and_print(self, step, *args, **kwargs):
    save(self, step, *args, **kwargs)
    print("saved", int(step), flush=True)

  checkpoint.Checkpointer.save = save_and_print


def main(workdir: str, spec: str, kill: str, *overrides: str) -> None:
  kill_at = -1
  if kill.startswith("save:"):
    _, step, where = kill.split(":")
    kill_in_save(int(step), where)
  else:
    kill_at = int(kill)
  print_saves()
  c = config(spec, overrides)
  experiment = recipes.build(c)
  algorithm = experiment.algorithm
  for i, phase in enumerate(algorithm.phases):
    algorithm = algorithm.with_train_step(
        killing_at(phase.train_step, kill_at), i)
  summary = loop.train(c, workdir, experiment._replace(algorithm=algorithm,
                                                       evaluate=None))
  print("phases", " ".join(f"{p['name']}:{p['start']}-{p['end']}"
                           for p in summary["phases"]))
  print("sha256", summary["state_sha256"], flush=True)


if __name__ == "__main__":
  main(*sys.argv[1:])
