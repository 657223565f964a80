"""Recipes: build an `Experiment` (algorithm + in-step data + evaluation) from
a config.

The launcher and notebooks share them: `gentk.recipes.build(config)` gives
exactly what `python -m experiments.main` trains. `config.experiment` names a
module of this package that defines
`build(config, *, axis_name) -> gentk.training.Experiment`; add a method by
adding a module.
"""
import importlib
import pkgutil

import ml_collections

from gentk.training.compile import DATA_AXIS
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment


def available() -> list[str]:
  """Names of the recipe modules."""
  return sorted(m.name for m in pkgutil.iter_modules(__path__)
                if not m.name.startswith("_"))


def build(config: ml_collections.ConfigDict) -> Experiment:
  """The `Experiment` of recipe `config.experiment`."""
  name = config.get("experiment")
  if name not in available():
    raise ConfigError(f"config.experiment={name!r} is unknown: use one of "
                      f"{available()} (modules of gentk/recipes/).")
  recipe = importlib.import_module(f"{__name__}.{name}")
  axis_name = DATA_AXIS if config.train.mode == "pmap" else None
  try:
    return recipe.build(config, axis_name=axis_name)
  except ConfigError:
    raise
  except ValueError as e:  # Library checks of config-supplied values.
    raise ConfigError(str(e)) from e
