"""Kill-and-resume tests: a train step that SIGKILLs its own process at a
chosen step, the subprocess runs of the probes that use it, and the check that
a phased family's run killed at random moments (in any phase, inside a save)
resumes to the state of an uninterrupted run (`check_kill_and_resume`)."""
import os
import pathlib
import resource
import signal
import subprocess
import sys
import time
from typing import NamedTuple

import jax

from gentk.training import writers

ROOT = pathlib.Path(__file__).resolve().parents[2]


def killing_at(train_step, kill_at: int):
  """`train_step` that SIGKILLs this process when it runs step `kill_at`."""
  def die_if(step):
    if int(step) == kill_at:
      os.kill(os.getpid(), signal.SIGKILL)

  def step(state, batch, key):
    jax.debug.callback(die_if, state.step)
    return train_step(state, batch, key)
  return step


def run_probe(module: str, workdir, *args) -> subprocess.CompletedProcess:
  """`python -m <module> WORKDIR ARGS...` from the repository root, on CPU."""
  env = dict(os.environ, JAX_PLATFORMS="cpu")
  return subprocess.run(
      [sys.executable, "-m", module, str(workdir), *map(str, args)],
      cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def final_sha(result: subprocess.CompletedProcess) -> str:
  """The state SHA-256 a completed probe printed last."""
  assert result.returncode == 0, result.stderr[-2000:]
  return result.stdout.split("sha256")[-1].strip()


# Kill-and-resume of a shipped config (`tests.training._kill_probe`): one
# uninterrupted run, then one run killed several times, each kill followed by
# a rerun of the same command, must end with the same state SHA-256 and the
# same metrics.jsonl.

KILL_PROBE = "tests.training._kill_probe"
SAVE_POINTS = ("tmp", "commit")  # See _kill_probe's docstring.
MAX_KILLS = 3


class Family(NamedTuple):
  """A phased family's run for the kill probe.

  Attributes:
    config: the shipped config (`gentk.configs.get`'s spec).
    overrides: `FIELD=VALUE`s shrinking it further (checkpoints close
      together, small evaluation).
    needs: a file under `$GENTK_DATA_DIR` the run needs, or None.
  """
  config: str
  overrides: tuple[str, ...] = ()
  needs: str | None = None


class Span(NamedTuple):
  name: str
  start: int
  end: int


class Kill(NamedTuple):
  """A kill in the train step of `step`, or (`save` set) inside the save of
  checkpoint `step` at point `save` ('tmp' or 'commit')."""
  step: int
  save: str | None = None

  @property
  def arg(self) -> str:
    return f"save:{self.step}:{self.save}" if self.save else str(self.step)

  def __str__(self) -> str:
    return (f"save {self.step} ({self.save})" if self.save
            else f"step {self.step}")


def run_kill_probe(workdir, family: Family, kill: Kill | None = None
                   ) -> subprocess.CompletedProcess:
  return run_probe(KILL_PROBE, workdir, family.config,
                   kill.arg if kill else -1, *family.overrides)


def phases_of(result: subprocess.CompletedProcess) -> list[Span]:
  """The phases a completed kill probe printed."""
  line = next(l for l in result.stdout.splitlines()
              if l.startswith("phases "))
  spans = []
  for item in line.split()[1:]:
    name, _, steps = item.rpartition(":")
    start, end = map(int, steps.split("-"))
    spans.append(Span(name, start, end))
  return spans


def saves_of(result: subprocess.CompletedProcess) -> list[int]:
  """The steps a kill probe checkpointed."""
  return [int(l.split()[1]) for l in result.stdout.splitlines()
          if l.startswith("saved ")]


def draw_kills(spans: list[Span], saves: list[int], rng, save_point: str
               ) -> list[Kill]:
  """The kills of a run of phases `spans` that checkpoints at `saves`, drawn
  with `rng`, in the order they happen: one kill in each phase (a run of one
  phase: in each half of it; more than `MAX_KILLS` phases: in one phase of
  each kind, e.g. AdaGAN's round, ratio and reweight, drawn among the
  rounds), at a train step drawn uniformly from the phase's steps after the
  run's first checkpoint (so that a rerun has something to resume). In one
  of them drawn at random the kill is instead inside the save of a
  checkpoint of that phase (its last step is always one), at `save_point`."""
  def start(span):
    return span.start

  if len(spans) > MAX_KILLS:
    kinds = {}
    for span in spans:
      kinds.setdefault(span.name.rstrip("0123456789_"), []).append(span)
    spans = [rng.choice(same) for same in kinds.values()]
    spans = sorted(rng.sample(spans, min(len(spans), MAX_KILLS)), key=start)
  if len(spans) == 1:
    (only,) = spans
    middle = (only.start + only.end) // 2
    spans = [Span(only.name, only.start, middle),
             Span(only.name, middle, only.end)]
  in_save = rng.randrange(len(spans))
  kills = []
  for i, span in enumerate(spans):
    if i == in_save:
      kills.append(Kill(rng.choice([s for s in saves
                                    if span.start < s <= span.end]),
                        save_point))
    else:
      first = max(span.start, min(saves))
      kills.append(Kill(rng.randrange(first if first < span.end
                                      else span.start, span.end)))
  return kills


def committed_steps(workdir: pathlib.Path) -> list[int]:
  """The steps committed in `workdir/checkpoints`."""
  directory = workdir / "checkpoints"
  if not directory.is_dir():
    return []
  return sorted(int(p.name) for p in directory.iterdir()
                if p.is_dir() and p.name.isdigit())


def uncommitted(workdir: pathlib.Path) -> list[str]:
  """Orbax's temporary folders left in `workdir/checkpoints`."""
  directory = workdir / "checkpoints"
  if not directory.is_dir():
    return []
  return sorted(p.name for p in directory.iterdir()
                if "orbax-checkpoint-tmp" in p.name)


def check_kill_and_resume(family: Family, tmp_path: pathlib.Path, rng,
                          save_point: str) -> str:
  """An uninterrupted run, then a run killed by `draw_kills`'s kills (each
  followed by a rerun of the same command) ends with the same state SHA-256
  and metrics.jsonl; each rerun resumes from the newest checkpoint committed
  when it was killed, and nothing is set aside. Returns a line for the
  log."""
  start = time.perf_counter()
  cpu = _children_cpu()
  reference = run_kill_probe(tmp_path / "uninterrupted", family)
  reference_sha = final_sha(reference)
  spans = phases_of(reference)
  kills = draw_kills(spans, saves_of(reference), rng, save_point)
  workdir = tmp_path / "killed"
  for kill in kills:
    newest = (committed_steps(workdir) or [None])[-1]
    result = run_kill_probe(workdir, family, kill)
    assert result.returncode == -signal.SIGKILL, (
        f"{kill}: {result.stdout[-1000:]}{result.stderr[-2000:]}")
    _assert_resumed_from(result, newest, kill)
    if kill.save == "tmp":  # Written, not committed.
      assert any(name.startswith(f"{kill.step}.")
                 for name in uncommitted(workdir)), (kill, uncommitted(workdir))
      assert kill.step not in committed_steps(workdir), kill
    elif kill.save == "commit":
      assert kill.step in committed_steps(workdir), kill
  newest = committed_steps(workdir)[-1]
  resumed = run_kill_probe(workdir, family)
  _assert_resumed_from(resumed, newest, "the last kill")
  resumed_sha = final_sha(resumed)
  assert resumed_sha == reference_sha, (
      f"{family.config}: killed at {', '.join(map(str, kills))}, resumed to "
      f"{resumed_sha} != uninterrupted {reference_sha}")
  assert (writers.read_metrics(workdir)
          == writers.read_metrics(tmp_path / "uninterrupted")), (
              f"{family.config}: killed at {', '.join(map(str, kills))}, "
              "metrics.jsonl differs from the uninterrupted run's")
  assert not uncommitted(workdir)
  assert not (workdir / "damaged_checkpoints").exists()
  return (f"{family.config}: phases "
          + ", ".join(f"{s.name} {s.start}..{s.end}" for s in spans)
          + f"; killed at {', '.join(map(str, kills))}; uninterrupted "
          f"{reference_sha[:12]}, resumed {resumed_sha[:12]}; "
          f"{len(kills) + 2} runs, {time.perf_counter() - start:.0f} s "
          f"({_children_cpu() - cpu:.0f} s of CPU)")


def _children_cpu() -> float:
  usage = resource.getrusage(resource.RUSAGE_CHILDREN)
  return usage.ru_utime + usage.ru_stime


def _assert_resumed_from(result, newest: int | None, what) -> None:
  """The run resumed from checkpoint `newest` (None: it started afresh)."""
  if newest is None:
    assert "resuming from step" not in result.stdout, (what, result.stdout)
  else:
    assert f"resuming from step {newest} " in result.stdout, (
        what, newest, result.stdout[-2000:])
