"""Orbax checkpoints of the whole algorithm state, with safe resume.

* `save` writes synchronously; Orbax commits a step by an atomic rename of a
  temporary folder, and only then deletes steps beyond `keep`, so the last
  restorable checkpoint is never deleted before a new one commits.
* `restore_latest` walks the committed steps newest first and returns the first
  that restores (a step cut short by a crash is skipped, never half-read).
* Non-finite states are refused before anything is written.
* Each checkpoint carries JSON metadata: step, JAX version, config digest.
"""
import hashlib
import logging
import pathlib

import jax
import numpy as np
import orbax.checkpoint as ocp

from gentk.training import distributed
from gentk.types import PyTree


class NonFiniteStateError(ValueError):
  """Raised instead of writing a checkpoint with NaN or Inf values."""


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
    meta = dict(meta, step=int(step), jax_version=jax.__version__)
    self._manager.save(int(step), args=ocp.args.Composite(
        state=ocp.args.StandardSave(state), meta=ocp.args.JsonSave(meta)),
        force=True)
    self._manager.wait_until_finished()

  def restore_latest(self, abstract_state: PyTree
                     ) -> tuple[int, PyTree, dict] | None:
    """The newest step that restores, as `(step, state, meta)`, or None."""
    for step in reversed(self.steps()):
      try:
        restored = self._manager.restore(step, args=ocp.args.Composite(
            state=ocp.args.StandardRestore(abstract_state),
            meta=ocp.args.JsonRestore()))
      except Exception as e:  # pylint: disable=broad-except
        logging.warning("checkpoint %d in %s does not restore (%s); trying "
                        "an older one", step, self.directory,
                        str(e).splitlines()[0][:200])
        continue
      return step, restored["state"], dict(restored["meta"])
    return None

  def close(self) -> None:
    self._manager.close()
