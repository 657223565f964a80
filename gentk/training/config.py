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


class ConfigError(ValueError):
  """A config field is missing, ill-typed or out of range."""


def validate(config: ml_collections.ConfigDict) -> None:
  """Checks the declared checks of every field and the runtime's own fields
  (`spec.RUNTIME_FIELDS`, held to the same checks where a config does not
  declare them); raises `ConfigError` with a one-line message (the first
  failure)."""
  declared = spec.errors(config)
  if declared:
    raise ConfigError(declared[0])
  for dotted, (check, example) in spec.RUNTIME_FIELDS.items():
    value = spec.value_at(config, dotted)
    if value is None and dotted in spec.OPTIONAL_RUNTIME_FIELDS:
      continue
    if value is None:
      raise ConfigError(
          f"config.{dotted} is missing: add it to the config file (e.g. "
          f"config.{dotted} = {example!r}, or the group of "
          "gentk.training.spec.train_group).")
    if not check.accepts(value, config):
      raise ConfigError(f"config.{dotted}={value!r} must be {check.text}: "
                        f"pass e.g. --config.{dotted}={example}.")
  k = config.train.steps_per_call
  for dotted in spec.CALL_MULTIPLES:
    value = spec.value_at(config, dotted)
    if value % k:
      raise ConfigError(
          f"config.{dotted}={value!r} must be a multiple of "
          f"train.steps_per_call={k}: pass e.g. "
          f"--config.{dotted}={max(k, value // k * k)}.")
  mode = config.train.mode
  if mode != "jit":
    n = jax.device_count()
    b = config.data.batch_size
    if b % n:
      raise ConfigError(
          f"config.data.batch_size={b!r} must be divisible by the {n} "
          f"devices of train.mode={mode!r}: pass e.g. "
          f"--config.data.batch_size={max(n, b // n * n)}.")


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
