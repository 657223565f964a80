"""Launches an experiment: python -m experiments.main --config=... --workdir=...

Any config field can be overridden, e.g. `--config.optim.lr=5e-4`. A bad flag,
config field, config file, workdir or data set exits with status 2 and one line
naming the field or path and a valid example, before anything is written: the
config file and every override are checked against the fields the config has
and the checks declared beside them (`gentk.training.spec`).
"""
import importlib
import importlib.util
import os
import re
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from gentk.training import config as config_lib
from gentk.training import spec
from gentk.training.loop import NonFiniteError

DEFAULT_CONFIG = "experiments/configs/gan_mixture.py"
_WORKDIR = flags.DEFINE_string("workdir", None,
                               "Output folder (required), e.g. runs/my_run.")


def _fail(message: str) -> None:
  """Exits with status 2 and `message` on one line of stderr."""
  print("error: " + re.sub(r"\s+", " ", message).strip(), file=sys.stderr)
  sys.exit(2)


def _config_arg(argv) -> str:
  """The value of the last --config in `argv` (the default when absent)."""
  value = DEFAULT_CONFIG
  for i, arg in enumerate(argv):
    match = re.match(r"^--?config(=(.*))?$", arg)
    if match:
      value = match.group(2) if match.group(1) else (
          argv[i + 1] if i + 1 < len(argv) else "")
  return value


def _overrides(argv) -> list[str]:
  """The dotted field names of the --config.<field> flags in `argv`."""
  names = [re.match(r"^--?(?:no)?config\.([^=]*)", a) for a in argv]
  return [m.group(1) for m in names if m]


def _override_flags(argv) -> list[str]:
  """The --config.<field> flags of `argv`."""
  return [a for a in argv if re.match(r"^--?(no)?config\.", a)]


def _load(arg: str):
  """Runs `get_config` of `--config=<file>[:<variants>]`; exits on failure."""
  path, _, variants = arg.partition(":")
  if not path.endswith(".py") or not os.path.isfile(path):
    _fail(f"config file {path!r} does not exist: pass e.g. "
          f"--config={DEFAULT_CONFIG}:quick (configs live in "
          "experiments/configs/).")
  try:
    module_spec = importlib.util.spec_from_file_location("_checked_config",
                                                         path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.get_config(*([variants] if ":" in arg else []))
  except spec.VariantError as e:
    _fail(str(e))
  except Exception as e:  # pylint: disable=broad-except
    _fail(f"config file {path} failed: {type(e).__name__}: {e}")


def _bad_value(error: Exception, config) -> str | None:
  """The line for an override that does not parse as its field's type."""
  match = re.search(r"flag --config\.([\w.]+)=(.*?): ", str(error))
  if not match:
    return None
  dotted, raw = match.groups()
  for path, value, check in spec.leaves(config):
    if path == dotted:
      what = check.text if check else f"a {type(value).__name__}"
      return (f"config.{dotted}={raw!r} must be {what}: pass e.g. "
              f"--config.{dotted}={spec.flag_value(spec.example(config, path))}")
  return None


def _parse(argv):
  """Checks the config file and the overrides, then parses every flag."""
  arg = _config_arg(argv)
  config = _load(arg)
  for name in _overrides(argv):
    unknown = spec.unknown_field(config, name, arg)
    if unknown:
      _fail(unknown)
  try:  # config_flags reads the --config.* overrides of argv.
    config_flags.DEFINE_config_file("config", DEFAULT_CONFIG,
                                    "Experiment config file.")
    rest = flags.FLAGS(argv)
    _ = flags.FLAGS.config.runner  # Loads the config file and overrides now.
    return rest
  except Exception as e:  # pylint: disable=broad-except
    if type(e).__name__ == "FlagOrderError":  # Not exported by config_flags.
      _fail(f"a --config.<field> flag comes before --config: put --config "
            f"first, e.g. --config={arg} {' '.join(_override_flags(argv))}")
    _fail(_bad_value(e, config) or str(e).replace("\\n", " "))


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)  # Orbax logs every save at INFO.
  config = flags.FLAGS.config
  try:
    config_lib.validate_launch(config, _WORKDIR.value)
    runner = importlib.import_module(f"experiments.runners.{config.runner}")
    runner.run(config, _WORKDIR.value)
  except (config_lib.ConfigError, ModuleNotFoundError) as e:
    _fail(str(e))
  except OSError as e:  # Missing data (its own message) or an unusable path.
    _fail(str(e) if e.filename is None else
          f"{e.strerror}: {e.filename}: check --workdir={_WORKDIR.value} "
          "(pass e.g. --workdir=runs/my_run) and the data paths")
  except NonFiniteError as e:  # Diverged: one line; the checkpoints stay.
    print(f"error: {e}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
  app.run(main, flags_parser=_parse)
