"""A sweep axis: a grid of hyperparameters trained in one compiled program.

`config.sweep` names config fields and the values each takes; the grid is
their product (P points, the first field varying slowest). Every point trains
with every one of the S seeds of `config.num_seeds`, all P x S runs on the
runtime's seed axis (one `vmap`, one program):

  gentk train --config=mode_mixture:gan_si,grid,seeds5 \\
    --config.sweep.optim.lr=3e-4,1e-3 --config.sweep.gan_si.weight=0,0.1 \\
    --config.sweep_metric=modes --workdir=runs/gan_si_sweep

A swept value is a traced input of the step, not a constant compiled into
it: a recipe reads a sweepable field with `hyper(config, name)`, which gives
the config's float when the field is not swept and otherwise a `Hyper`, a
scalar that takes the value of the run being traced (`bound`). Only the
fields a recipe lists in its `SWEEPABLE` may be swept; a field that changes
shapes or the program (a width, a step count, a method) is refused with one
line naming it. Run r of the seed axis is point `r // S`, seed `r % S`; every
point uses the same S seeds (common random numbers across the grid).
"""
import contextlib
import itertools
import math
from typing import Any, Iterator

import jax.numpy as jnp
import ml_collections

from gentk.training import config as config_lib

SWEEP = "sweep"
METRIC = "sweep_metric"  # The summary metric ranking the points.
GOAL = "sweep_goal"  # 'max' or 'min': which end of it is best.
GOALS = ("max", "min")

_BOUND: list[dict[str, Any]] = []  # The values of the run being traced.


def _leaves(group: ml_collections.ConfigDict, prefix: str = ""
            ) -> Iterator[tuple[str, Any]]:
  for key in sorted(group.keys()):
    value = group[key]
    name = f"{prefix}{key}"
    if isinstance(value, ml_collections.ConfigDict):
      yield from _leaves(value, name + ".")
    else:
      yield name, value


def _parse_values(name: str, raw) -> tuple[float, ...]:
  """The values of `config.sweep.<name>`: a comma-separated string or a
  sequence of numbers."""
  parts = raw.split(",") if isinstance(raw, str) else list(raw)
  try:
    values = tuple(float(v) for v in parts if str(v).strip())
  except (TypeError, ValueError):
    values = ()
  if not values or not all(math.isfinite(v) for v in values):
    raise config_lib.ConfigError(
        f"config.sweep.{name}={raw!r} is not a list of numbers: pass e.g. "
        f"--config.sweep.{name}=1e-4,3e-4,1e-3")
  return values


def fields(config: ml_collections.ConfigDict) -> dict[str, tuple[float, ...]]:
  """`{dotted field: its values}` of `config.sweep` ({} when none)."""
  group = config.get(SWEEP)
  if not group:
    return {}
  return {name: _parse_values(name, raw) for name, raw in _leaves(group)}


def points(config: ml_collections.ConfigDict) -> list[dict[str, float]]:
  """The grid's points, `{field: value}` each (the first field slowest);
  `[{}]` without a sweep."""
  swept = fields(config)
  return [dict(zip(swept, values))
          for values in itertools.product(*swept.values())]


def _get(config: ml_collections.ConfigDict, dotted: str):
  node = config
  for part in dotted.split("."):
    node = node[part]
  return node


def check(config: ml_collections.ConfigDict, sweepable: tuple[str, ...]
          ) -> None:
  """One-line `ConfigError` unless every swept field exists, is a number the
  recipe reads as a traced value (`sweepable`), and the ranking metric's
  goal is 'max' or 'min'."""
  swept = fields(config)
  for name in swept:
    try:
      value = _get(config, name)
    except (KeyError, AttributeError):
      value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
      raise config_lib.ConfigError(
          f"config.sweep.{name} names no numeric field of the config: sweep "
          f"one of {', '.join(sweepable) or 'none for this recipe'}, e.g. "
          f"--config.sweep.{(sweepable or ('optim.lr',))[0]}=1e-4,1e-3")
    if name not in sweepable:
      raise config_lib.ConfigError(
          f"config.sweep.{name} cannot be swept in one program (it changes "
          "the program's shapes or structure, or the recipe reads it as a "
          f"constant): sweep one of {', '.join(sweepable) or 'none'} (e.g. "
          f"--config.sweep.{(sweepable or ('optim.lr',))[0]}=1e-4,1e-3), or "
          "launch one run per value")
  goal = config.get(GOAL, "max")
  if swept and goal not in GOALS:
    raise config_lib.ConfigError(f"config.{GOAL}={goal!r} is unknown: use one of "
                      f"{GOALS}, e.g. --config.{GOAL}=max")


def add_fields(config: ml_collections.ConfigDict, names: list[str]) -> None:
  """Adds the (string) fields of `--config.sweep.<name>` overrides, and the
  ranking fields, so the flags parser can set them."""
  with config.unlocked():
    for name in names:
      if name.startswith(SWEEP + "."):
        node = config
        parts = name.split(".")
        for part in parts[:-1]:
          if part not in node:
            node[part] = ml_collections.ConfigDict()
          node = node[part]
        if parts[-1] not in node:
          node[parts[-1]] = ""
    if any(n.startswith(SWEEP + ".") or n in (METRIC, GOAL) for n in names):
      if METRIC not in config:
        config[METRIC] = ""
      if GOAL not in config:
        config[GOAL] = "max"


class Hyper:
  """A swept scalar: the value of the run being traced when one is bound
  (`bound`), else `default` (the first point's value; e.g. outside a step).

  It takes part in arithmetic like the number it stands for, so a recipe
  passes it where a float goes (`weight * loss`, a learning rate); Python
  control flow on it (`if weight:`) is refused, as on a traced value.
  """

  def __init__(self, name: str, default: float):
    self.name = name
    self.default = float(default)

  def value(self):
    for values in reversed(_BOUND):
      if self.name in values:
        return values[self.name]
    return self.default

  def __jax_array__(self):
    return jnp.asarray(self.value(), jnp.float32)

  def __repr__(self) -> str:
    return f"Hyper({self.name!r}, default={self.default})"

  def __bool__(self):
    raise TypeError(f"the swept field {self.name} is a traced value: it "
                    "cannot decide Python control flow")

  def __neg__(self):
    return -self.value()

  def __add__(self, other):
    return self.value() + other

  def __radd__(self, other):
    return other + self.value()

  def __sub__(self, other):
    return self.value() - other

  def __rsub__(self, other):
    return other - self.value()

  def __mul__(self, other):
    return self.value() * other

  def __rmul__(self, other):
    return other * self.value()

  def __truediv__(self, other):
    return self.value() / other

  def __rtruediv__(self, other):
    return other / self.value()

  def __pow__(self, other):
    return self.value() ** other


def hyper(config: ml_collections.ConfigDict, name: str):
  """Field `name` (dotted) of `config` as a recipe passes it on: its float
  when it is not swept, else a `Hyper` that is the traced run's value."""
  value = _get(config, name)
  if name in fields(config):
    return Hyper(name, value)
  return value


def value_of(x):
  """`x` itself, or a `Hyper`'s current value."""
  return x.value() if isinstance(x, Hyper) else x


@contextlib.contextmanager
def bound(values: dict[str, Any] | None):
  """Within it, each `Hyper` named in `values` is that value (a tracer of
  the run being traced, or a number when evaluating one run)."""
  _BOUND.append(dict(values or {}))
  try:
    yield
  finally:
    _BOUND.pop()


def run_values(config: ml_collections.ConfigDict, num_seeds: int
               ) -> dict[str, jnp.ndarray]:
  """`{field: [P * S]}` float32: the value of every run of the seed axis
  (point-major), the step's traced sweep input."""
  grid = points(config)
  return {name: jnp.asarray([p[name] for p in grid for _ in range(num_seeds)],
                            jnp.float32) for name in fields(config)}


def run_label(grid: list[dict], num_seeds: int, run: int) -> str:
  """Run `run` of the seed axis in words: its point's values and seed."""
  point = grid[run // num_seeds]
  values = ", ".join(f"{k}={v:g}" for k, v in point.items())
  return f"point {run // num_seeds} ({values}), seed {run % num_seeds}"
