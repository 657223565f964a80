"""Validation of the fields every training config shares.

Each error is one line that names the field, the bad value and the fix.
"""
import jax
import ml_collections

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
  """Checks the runtime fields; raises `ConfigError` with a one-line message."""
  for field in ("seed", "train.num_steps", "train.steps_per_call",
                "train.log_every", "train.checkpoint_every",
                "train.keep_checkpoints", "data.batch_size"):
    value = _get(config, field)
    _require(isinstance(value, int) and not isinstance(value, bool), field,
             value, "must be an integer.")
  for field in ("train.num_steps", "train.steps_per_call", "train.log_every",
                "train.checkpoint_every", "train.keep_checkpoints",
                "data.batch_size"):
    value = _get(config, field)
    _require(value > 0, field, value,
             f"must be positive: pass e.g. --config.{field}=100.")
  num_seeds = config.get("num_seeds", 1)
  _require(isinstance(num_seeds, int) and num_seeds >= 1, "num_seeds",
           num_seeds, "must be an integer >= 1.")
  mode = _get(config, "train.mode")
  _require(mode in MODES, "train.mode", mode, f"must be one of {MODES}.")
  k = config.train.steps_per_call
  for field in ("train.checkpoint_every", "train.log_every"):
    value = _get(config, field)
    _require(value % k == 0, field, value,
             f"must be a multiple of train.steps_per_call={k}: pass "
             f"--config.{field}={max(k, value // k * k)}.")
  if mode != "jit":
    n = jax.device_count()
    b = config.data.batch_size
    _require(b % n == 0, "data.batch_size", b,
             f"must be divisible by the {n} devices of train.mode={mode!r}: "
             f"pass --config.data.batch_size={max(n, b // n * n)}.")
