"""Validation of a config: its declared checks and the runtime's own fields.

Each error is one line that names the field, the bad value and a valid
example. The checks declared beside each field (`gentk.training.spec`) run
first; then the fields every training config shares and their relations.
"""
import os
import pathlib

import jax
import ml_collections

from gentk.training import spec
from gentk.training.compile import MODES


class ConfigError(ValueError):
  """A config field is missing, ill-typed or out of range."""


def _get(config: ml_collections.ConfigDict, dotted: str):
  node = config
  for part in dotted.split("."):
    if part not in node:
      raise ConfigError(f"config.{dotted} is missing: add it to the config "
                        "file (see experiments/configs/gan_mixture.py).")
    node = node[part]
  return node


def _require(ok: bool, field: str, value, fix: str) -> None:
  if not ok:
    raise ConfigError(f"config.{field}={value!r} {fix}")


def validate(config: ml_collections.ConfigDict) -> None:
  """Checks the declared checks of every field, then the runtime fields;
  raises `ConfigError` with a one-line message (the first failure)."""
  declared = spec.errors(config)
  if declared:
    raise ConfigError(declared[0])
  for field in ("seed", "train.num_steps", "train.steps_per_call",
                "train.log_every", "train.checkpoint_every",
                "train.keep_checkpoints", "data.batch_size"):
    value = _get(config, field)
    _require(isinstance(value, int) and not isinstance(value, bool), field,
             value, f"must be an integer: pass e.g. --config.{field}=100.")
  for field in ("train.num_steps", "train.steps_per_call", "train.log_every",
                "train.checkpoint_every", "train.keep_checkpoints",
                "data.batch_size"):
    value = _get(config, field)
    _require(value > 0, field, value,
             f"must be positive: pass e.g. --config.{field}=100.")
  num_seeds = config.get("num_seeds", 1)
  _require(isinstance(num_seeds, int) and num_seeds >= 1, "num_seeds",
           num_seeds, "must be an integer >= 1: pass e.g. "
           "--config.num_seeds=1.")
  mode = _get(config, "train.mode")
  _require(mode in MODES, "train.mode", mode, f"must be one of {MODES}: pass e.g. "
           "--config.train.mode=jit.")
  k = config.train.steps_per_call
  for field in ("train.checkpoint_every", "train.log_every"):
    value = _get(config, field)
    _require(value % k == 0, field, value,
             f"must be a multiple of train.steps_per_call={k}: pass e.g. "
             f"--config.{field}={max(k, value // k * k)}.")
  if mode != "jit":
    n = jax.device_count()
    b = config.data.batch_size
    _require(b % n == 0, "data.batch_size", b,
             f"must be divisible by the {n} devices of train.mode={mode!r}: "
             f"pass e.g. --config.data.batch_size={max(n, b // n * n)}.")


def check_workdir(workdir: str | None) -> None:
  """Refuses a missing, empty or unusable `--workdir` before anything is
  written: it must be a folder, or a path that can be created as one."""
  example = "pass e.g. --workdir=runs/my_run"
  if workdir is None:
    raise ConfigError(f"--workdir is missing: the outputs need a folder: "
                      f"{example}.")
  if not workdir.strip():
    raise ConfigError(f"--workdir={workdir or ''!r} is empty: the outputs need "
                      f"a folder of their own: {example}.")
  path = pathlib.Path(workdir)
  if path.exists() and not path.is_dir():
    raise ConfigError(f"--workdir={workdir} is an existing file, not a folder: "
                      f"{example}.")
  existing = path.absolute()
  while not existing.exists():
    existing = existing.parent
  if not existing.is_dir():
    raise ConfigError(f"--workdir={workdir} cannot be created: {existing} is "
                      f"a file, not a folder: {example}.")
  if not os.access(existing, os.W_OK | os.X_OK) or (
      os.statvfs(existing).f_flag & os.ST_RDONLY):
    raise ConfigError(f"--workdir={workdir} cannot be written: no write "
                      f"permission on {existing}: {example}.")


def validate_launch(config: ml_collections.ConfigDict,
                    workdir: str | None) -> None:
  """What the launcher checks before it writes anything: the declared checks,
  the runtime fields of a training config (one with `config.train`) and the
  workdir; raises `ConfigError` with a one-line message."""
  if "train" in config:
    validate(config)
  else:  # E.g. a demo that its runner runs without the training loop.
    declared = spec.errors(config)
    if declared:
      raise ConfigError(declared[0])
    for sub in config.values():  # Training runs the demo makes (each GAN).
      if isinstance(sub, ml_collections.ConfigDict) and "train" in sub:
        validate(sub)
  check_workdir(workdir)
