"""The shipped experiment configs, launched by name.

Each module here is one experiment: `get_config(arg) -> ConfigDict`, where
`arg` is a comma-separated list of variants (`quick` shrinks every config to a
smoke run). A config is named on the command line as

  gentk train --config=vae_mnist:iwae,quick --workdir=runs/v

`name[:variants]` names a module of this package; a path to a `.py` file
(`--config=my_configs/x.py:quick`, or `experiments/configs/x.py:quick` in a
checkout of the repository) loads that file instead, so a researcher's own
config works the same way. In Python:

  config = gentk.configs.get("vae_mnist:quick")

Loading a config has no side effect beyond building the `ConfigDict`.
`groups` is not a config: it holds the groups the configs are built from
(a config imports it, never another config). `RECIPES` names each shipped
config's recipe.
"""
import importlib
import importlib.util
import os
import pathlib
import pkgutil
import types

import ml_collections

_HERE = pathlib.Path(__file__).resolve().parent

# Modules of this package that are not configs.
_HELPERS = ("groups",)

# Every shipped config's recipe: `config.experiment`, the module of
# gentk/recipes that builds its experiment (`gentk.recipes.build`). A config
# named after its recipe maps to itself; several configs share a recipe (the
# 2-D mixtures' methods, the SeqGAN family, the Boltzmann machines). None: the
# config's runner is not `train` and the config has no `experiment` field
# (`game_dynamics` runs GANs whose own configs are `gan_mixture`'s, with its
# recipe; `sampling_demo` trains nothing). Each config sets its field from
# here (`groups.experiment`); tests/experiments/test_configs.py checks both.
RECIPES = {
    "adversarial_mixture": "adversarial_mixture",
    "bgan_mnist": "bgan_mnist",
    "bgan_text": "seqgan",
    "bihm_mnist": "bihm_mnist",
    "dbm_mnist": "boltzmann_mnist",
    "game_dynamics": None,
    "gan_mixture": "gan_mixture",
    "gan_mnist": "gan_mnist",
    "infogan_mnist": "infogan_mnist",
    "maskgan_coco": "maskgan",
    "mnist_classifier": "mnist_classifier",
    "mode_mixture": "adversarial_mixture",
    "ppgn_mnist": "ppgn_mnist",
    "rbm_mnist": "boltzmann_mnist",
    "sampling_demo": None,
    "seqgan_oracle": "seqgan",
    "seqgan_text": "seqgan",
    "ssgan_mnist": "ssgan_mnist",
    "stacked_mnist": "stacked_mnist",
    "superres_mnist": "superres_mnist",
    "vae_mnist": "vae_mnist",
}


def names() -> list[str]:
  """The shipped configs' names (the modules of this package but
  `_HELPERS`)."""
  return sorted(m.name for m in pkgutil.iter_modules([str(_HERE)])
                if not m.name.startswith("_") and m.name not in _HELPERS)


def is_path(spec: str) -> bool:
  """Whether `spec` (`<config>[:<variants>]`) names a file rather than a
  shipped config: it ends in `.py` or holds a path separator."""
  config = spec.partition(":")[0]
  return config.endswith(".py") or "/" in config or os.sep in config


def display_name(config_file: str | os.PathLike) -> str:
  """How a user names the config in `config_file`: its name for a shipped
  config, else the path (relative to the working folder when inside it)."""
  path = pathlib.Path(config_file)
  if path.suffix == ".pyc":
    path = path.with_suffix(".py")
  if path.resolve().parent == _HERE and path.stem in names():
    return path.stem
  relative = os.path.relpath(path)
  return str(path) if relative.startswith("..") else relative


def module(spec: str) -> types.ModuleType:
  """The module of `spec`'s config: a shipped one by name, or a `.py` file.

  Raises:
    FileNotFoundError: one line naming the config and the shipped names.
  """
  config = spec.partition(":")[0]
  if not is_path(config):
    if config not in names():
      raise FileNotFoundError(
          f"no config named {config!r}: the shipped configs are "
          f"{', '.join(names())} (or pass a path to a .py file), e.g. "
          "--config=gan_mixture:quick")
    return importlib.import_module(f"{__name__}.{config}")
  if not config.endswith(".py") or not os.path.isfile(config):
    raise FileNotFoundError(
        f"config file {config!r} does not exist: pass a shipped config's name "
        f"({', '.join(names())}) or a path to a .py file, e.g. "
        "--config=gan_mixture:quick")
  module_spec = importlib.util.spec_from_file_location("_gentk_config",
                                                       config)
  loaded = importlib.util.module_from_spec(module_spec)
  module_spec.loader.exec_module(loaded)
  return loaded


def get(spec: str) -> ml_collections.ConfigDict:
  """The config `spec` names: `name[:variants]` or `path.py[:variants]`,
  e.g. `get("vae_mnist:iwae,quick")`."""
  loaded = module(spec)
  return loaded.get_config(*([spec.partition(":")[2]] if ":" in spec
                             else []))
