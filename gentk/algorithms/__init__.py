"""Algorithms: modules + losses + estimators + optimizers as pure functions.

Every algorithm module is an attribute, imported on first access (PEP 562),
so `import gentk` stays light: `gentk.algorithms.vae.make_vae(...)`. The core
(`core`, `adversarial`: `Game`, `make_adversarial`) and `make_gan` load
eagerly.
"""
import importlib
import pkgutil

from gentk.algorithms import adversarial
from gentk.algorithms import core
from gentk.algorithms.adversarial import Game
from gentk.algorithms.adversarial import make_adversarial
from gentk.algorithms.gan import make_gan

# Every algorithm module of this package, each loaded on first access.
MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                       if not m.name.startswith("_")))

__all__ = ["Game", "MODULES", "make_adversarial", "make_gan", *MODULES]


def __getattr__(name: str):
  """Imports the algorithm module `gentk.algorithms.<name>` on first
  access."""
  if name in MODULES:
    return importlib.import_module(f"{__name__}.{name}")
  raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
  return sorted(set(globals()) | set(__all__))
