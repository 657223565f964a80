"""Recipes: build an `Experiment` (algorithm + in-step data + evaluation) from
a config.

The launcher and notebooks share them: `gentk.recipes.build(config)` gives
exactly what `python -m experiments.main` trains. `config.experiment` names a
module of this package that defines
`build(config, *, axis_name) -> gentk.training.Experiment`, and may list in
`SWEEPABLE` the fields it reads as traced values
(`gentk.training.sweep.hyper`), the ones a sweep may vary; add a method by
adding a module (or name your own module by its dotted path). Shared pieces
live in `adversarial_methods` (the methods behind `config.method`) and
`evaluation`; optimizers in `gentk.optim`, digit images in
`gentk.data.digits`. Recipes never import each other.
"""
import importlib
import pkgutil

import ml_collections

from gentk.training import sweep
from gentk.training.compile import DATA_AXIS
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment


# Modules of this package that are not recipes.
_HELPERS = ("adversarial_methods", "evaluation")


def available() -> list[str]:
  """Names of the recipe modules."""
  return sorted(m.name for m in pkgutil.iter_modules(__path__)
                if not m.name.startswith("_") and m.name not in _HELPERS)


def _recipe(name):
  """The module of recipe `name`: a module of this package, or any importable
  module (a researcher's own recipe) that defines `build`."""
  if name in available():
    return importlib.import_module(f"{__name__}.{name}")
  try:
    module = importlib.import_module(name) if isinstance(name, str) else None
  except ImportError:
    module = None
  if module is None or not hasattr(module, "build"):
    raise ConfigError(f"config.experiment={name!r} is unknown: use one of "
                      f"{available()} (modules of gentk/recipes/) or an "
                      "importable module that defines build(config, *, "
                      "axis_name), e.g. --config.experiment=gan_mixture.")
  return module


def build(config: ml_collections.ConfigDict) -> Experiment:
  """The `Experiment` of recipe `config.experiment`.

  A recipe may resolve settings that depend on the machine in place (e.g.
  `config.data.source='auto'`), so build before `gentk.training.train`
  writes `config.json`: the run records what it used.
  """
  recipe = _recipe(config.get("experiment"))
  sweep.check(config, getattr(recipe, "SWEEPABLE", ()))
  axis_name = DATA_AXIS if config.train.mode == "pmap" else None
  # Only a `ConfigError` is bad input (exit 2); any other exception of the
  # library is a bug and keeps its traceback.
  return recipe.build(config, axis_name=axis_name)
