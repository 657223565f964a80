"""Orbax checkpoints of the whole algorithm state, with safe resume.

* `save` writes synchronously; Orbax commits a step by an atomic rename of a
  temporary folder, and only then deletes steps beyond `keep`, so the last
  restorable checkpoint is never deleted before a new one commits.
* `restore_latest` walks the committed steps newest first and returns the first
  that restores and whose state has the SHA-256 recorded when it was saved (a
  step cut short by a crash, or damaged since, is skipped with one line on
  stderr, never half-read). With `set_aside=True` (a run that will go on
  saving) each skipped step is moved to `damaged_checkpoints/` beside the
  checkpoint folder, so no later save overwrites it; nothing is deleted. When
  steps exist but none restores, `NoGoodCheckpointError` says so and every
  file stays where it is.
* Non-finite states are refused before anything is written; a save the disk
  refuses (full, read-only, too large) raises `CheckpointWriteError`, one
  line, and the checkpoints written before it stay.
* Each checkpoint carries JSON metadata: step, JAX version, state digest.
"""
import hashlib
import io
import logging
import os
import pathlib
import re
import shutil
import sys
import threading
import warnings

import jax
import numpy as np
import orbax.checkpoint as ocp

from gentk.training import config as config_lib
from gentk.training import distributed
from gentk.types import PyTree

DAMAGED = "damaged_checkpoints"


class NonFiniteStateError(ValueError):
  """Raised instead of writing a checkpoint with NaN or Inf values."""


class CheckpointWriteError(OSError):
  """The disk refused a checkpoint; the message is one line."""


class NoGoodCheckpointError(config_lib.ConfigError):
  """Checkpoints exist but none restores; the message is one line."""


def _os_cause(error: BaseException) -> OSError | None:
  """The first `OSError` in `error`'s chain of causes, if any; TensorStore
  reports one as a `ValueError` naming `os_error_code='<errno>'`."""
  while error is not None:
    if isinstance(error, OSError):
      return error
    code = re.search(r"os_error_code='(\d+)'", str(error))
    if code:
      return OSError(int(code.group(1)), os.strerror(int(code.group(1))))
    error = error.__cause__ or error.__context__
  return None


def _silence_writer_threads() -> None:
  """After a write the disk refused, Orbax's writer threads each fail with
  a traceback (their event loop is gone); the caller reports the failure in
  one line, so their exceptions, and asyncio's reports of the write tasks and
  coroutines they leave behind (logged or warned when those are collected,
  possibly after the save returned), are dropped from here on."""
  threading.excepthook = lambda args: None
  sys.unraisablehook = lambda unraisable: None
  logging.getLogger("asyncio").disabled = True
  warnings.filterwarnings("ignore", message="coroutine .* was never awaited",
                          category=RuntimeWarning)


def _first_line(error: BaseException) -> str:
  text = str(error).strip().splitlines()
  return f"{type(error).__name__}: {text[0][:160] if text else ''}"


def state_digest(state: PyTree) -> str:
  """SHA-256 over every leaf's dtype, shape and bytes, in tree order."""
  h = hashlib.sha256()
  for leaf in jax.tree.leaves(distributed.to_host(state)):
    a = np.ascontiguousarray(np.asarray(leaf))
    h.update(str(a.dtype).encode() + str(a.shape).encode())
    h.update(a.tobytes())
  return h.hexdigest()


def _all_finite(state: PyTree) -> bool:
  for leaf in jax.tree.leaves(distributed.to_host(state)):
    a = np.asarray(leaf)
    if np.issubdtype(a.dtype, np.inexact) and not np.all(np.isfinite(a)):
      return False
  return True


def has_checkpoint(directory: str | pathlib.Path) -> bool:
  """Whether `directory` holds a committed step (a folder named by a number)."""
  directory = pathlib.Path(directory)
  return directory.is_dir() and any(
      p.is_dir() and p.name.isdigit() for p in directory.iterdir())


class Checkpointer:
  """Keeps the newest `keep` checkpoints of a run under `directory`."""

  def __init__(self, directory: str | pathlib.Path, *, keep: int = 3):
    self.directory = pathlib.Path(directory).absolute()
    self._manager = ocp.CheckpointManager(
        self.directory,
        options=ocp.CheckpointManagerOptions(
            max_to_keep=keep, create=True, enable_async_checkpointing=False,
            cleanup_tmp_directories=True),
        item_names=("state", "meta"))

  def steps(self) -> list[int]:
    """Committed steps, oldest first."""
    self._manager.reload()
    return sorted(self._manager.all_steps())

  def save(self, step: int, state: PyTree, meta: dict) -> None:
    """Writes `state` at `step`; raises `NonFiniteStateError` if not finite."""
    if not _all_finite(state):
      raise NonFiniteStateError(
          f"refusing to checkpoint step {step}: the state holds NaN or Inf; "
          f"the last good checkpoint in {self.directory} is kept.")
    meta = dict(meta, step=int(step), jax_version=jax.__version__,
                state_sha256=state_digest(state))
    # Orbax logs a failed write from each of its threads with a traceback;
    # a failure the disk causes is reported below in one line instead.
    logging.disable(logging.ERROR)
    # Writer callbacks that fail after a refused write print tracebacks to
    # sys.stderr from C: held back during the save, and passed on unless the
    # disk refused it (then the one line below says it all).
    stderr, held = sys.stderr, io.StringIO()
    sys.stderr = held
    try:
      self._manager.save(int(step), args=ocp.args.Composite(
          state=ocp.args.StandardSave(state), meta=ocp.args.JsonSave(meta)),
          force=True)
      self._manager.wait_until_finished()
    except Exception as e:  # pylint: disable=broad-except
      cause = _os_cause(e)
      if cause is None:
        stderr.write(held.getvalue())
        raise
      _silence_writer_threads()
      kept = self.steps()
      raise CheckpointWriteError(
          f"could not write checkpoint {step} to {self.directory} "
          f"({cause.strerror or _first_line(cause)}): free space or fix the "
          "folder's permissions and rerun the same command to resume, or "
          "pass a new --workdir; "
          + (f"the last good checkpoint (step {kept[-1]}) is kept" if kept
             else "no checkpoint was written")) from e
    else:
      stderr.write(held.getvalue())
    finally:
      sys.stderr = stderr
      logging.disable(logging.NOTSET)

  def _restore(self, step: int, abstract_state: PyTree
               ) -> tuple[PyTree, dict]:
    """Step `step`'s `(state, meta)`; raises if it does not restore or its
    state differs from the digest saved with it."""
    restored = self._manager.restore(step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract_state),
        meta=ocp.args.JsonRestore()))
    state, meta = restored["state"], dict(restored["meta"])
    saved = meta.get("state_sha256")
    if saved is not None and state_digest(state) != saved:
      raise ValueError("its state differs from the SHA-256 saved with it")
    return state, meta

  def _set_aside(self, step: int) -> pathlib.Path:
    """Moves step `step`'s folder to `damaged_checkpoints/` (never deletes)."""
    target = self.directory.parent / DAMAGED / str(step)
    target.parent.mkdir(exist_ok=True)
    while target.exists():
      target = target.with_name(target.name + "_")
    shutil.move(str(self.directory / str(step)), str(target))
    self._manager.reload()
    return target

  def restore_latest(self, abstract_state: PyTree, *, set_aside: bool = False
                     ) -> tuple[int, PyTree, dict] | None:
    """The newest step that restores and verifies, as `(step, state, meta)`,
    or None when there is no checkpoint.

    Args:
      abstract_state: the state's shapes and dtypes (`jax.eval_shape`).
      set_aside: move each skipped step to `damaged_checkpoints/` (for a run
        that goes on saving, so no later save overwrites it).
    Raises:
      NoGoodCheckpointError: checkpoints exist but none restores (nothing is
        moved).
    """
    steps = self.steps()
    skipped = []
    for step in reversed(steps):
      try:
        state, meta = self._restore(step, abstract_state)
      except Exception as e:  # pylint: disable=broad-except
        skipped.append((step, _first_line(e)))
        continue
      for bad, reason in skipped:
        where = (f"; moved to {self._set_aside(bad)}" if set_aside else "")
        print(f"warning: skipped checkpoint {bad} in {self.directory} "
              f"({reason}){where}; using step {step}", file=sys.stderr,
              flush=True)
      return step, state, meta
    if steps:
      raise NoGoodCheckpointError(
          f"no checkpoint in {self.directory} restores (steps "
          + ", ".join(f"{s}: {r}" for s, r in skipped) + "): the files are "
          "kept; move the folder aside to train afresh, or pass a new "
          "--workdir")
    return None

  def close(self) -> None:
    self._manager.close()
