"""gentk: a JAX/Flax toolkit of deep generative models.

The same pieces serve the launcher (`python -m experiments.main`), notebooks
and research code:

  import gentk
  config = gentk.configs.get("gan_mixture:quick")  # a shipped config by name
  summary = gentk.train(config, workdir)  # what `gentk train` runs
  run = gentk.load_run(workdir)  # config, experiment and restored state

Subpackages: `losses`, `estimators`, `sampling`, `models`, `algorithms`,
`training`, `data`, `metrics`.

Importing gentk has no side effects: it neither initialises a JAX backend
(so `jax.distributed.initialize` may follow it, see
`gentk.training.distributed`) nor loads the runtime dependencies. The
pure-math subpackages (`losses`, `estimators`, `models`, `algorithms`) depend
only on jax/chex/optax/flax and load with gentk; `sampling` (which imports
BlackJAX, and BlackJAX runs JAX code on import) and the runtime ones
(`training`, `recipes`, `data`, `metrics`, `plotting`), which pull in Orbax,
tensorboardX, tqdm, matplotlib and TFDS, load on first attribute access
(PEP 562), e.g. `gentk.training`.
"""
import importlib

from gentk import algorithms
from gentk import estimators
from gentk import losses
from gentk import models
from gentk import parallel
from gentk.types import Algorithm

__version__ = "0.1.0"

# Loaded on first access by `__getattr__`: they import heavy runtime packages.
_LAZY_SUBMODULES = ("configs", "data", "metrics", "plotting", "recipes",
                    "runs", "sampling", "training")
# Names of `gentk.runs`, loaded with it on first access.
_LAZY_NAMES = {"load_run": "runs", "Run": "runs", "train": "runs"}

__all__ = ["Algorithm", "__version__", "algorithms", "estimators", "losses",
           "models", "parallel", *_LAZY_SUBMODULES, *_LAZY_NAMES]


def __getattr__(name: str):
  """Imports the lazy subpackage `gentk.<name>` on first access (PEP 562)."""
  if name in _LAZY_SUBMODULES:
    return importlib.import_module(f"gentk.{name}")  # Also sets the attribute.
  if name in _LAZY_NAMES:
    return getattr(importlib.import_module(f"gentk.{_LAZY_NAMES[name]}"), name)
  raise AttributeError(f"module 'gentk' has no attribute {name!r}")


def __dir__() -> list[str]:
  """The public names, lazy subpackages included, for tab completion."""
  return sorted(set(globals()) | set(__all__))
