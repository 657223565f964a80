"""Launches an experiment: python -m experiments.main --config=... --workdir=...

Any config field can be overridden, e.g. `--config.optim.lr=5e-4`. A bad flag,
config field, config file or data set exits with status 2 and one line naming
the field or path and the fix.
"""
import importlib
import re
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from gentk.training.config import ConfigError
from gentk.training.loop import NonFiniteError


def _fail(error: BaseException) -> None:
  """Exits with status 2 and the message of `error` on one line."""
  missing = re.search(r"No such file or directory: '([^']+)'", str(error))
  if missing:  # config_flags wraps the OSError in its own message.
    print(f"error: config file {missing.group(1)} does not exist: check the "
          "--config path (configs live in experiments/configs/).",
          file=sys.stderr)
    sys.exit(2)
  if isinstance(error, (KeyError, AttributeError)) and "Did you mean" in str(
      error):  # A misspelt field: ml_collections suggests the right one.
    name = str(error).split("\\n")[0].strip("'\"\\")
    suggestion = str(error).split("\\n")[-1].strip("'\"")
    message = f"the config has no field {name!r}. {suggestion}"
  else:
    message = re.sub(r"\s+", " ", str(error).replace("\\n", " "))
    message = message.replace("\\'", "'").strip()
  overrides = [a for a in sys.argv[1:] if a.startswith("--config")]
  hint = f" [flags: {' '.join(overrides)}]" if overrides else ""
  print(f"error: {message}{hint}", file=sys.stderr)
  sys.exit(2)


try:  # config_flags reads the --config.* overrides of sys.argv right here.
  _CONFIG = config_flags.DEFINE_config_file(
      "config", "experiments/configs/gan_mixture.py", "Experiment config file.")
except Exception as e:  # pylint: disable=broad-except
  _fail(e)
_WORKDIR = flags.DEFINE_string("workdir", None, "Output folder.", required=True)


def _parse(argv):
  try:
    rest = flags.FLAGS(argv)
    _ = _CONFIG.value.runner  # Loads the config file and overrides now.
    return rest
  except Exception as e:  # pylint: disable=broad-except
    _fail(e)


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)  # Orbax logs every save at INFO.
  config = _CONFIG.value
  try:
    runner = importlib.import_module(f"experiments.runners.{config.runner}")
    runner.run(config, _WORKDIR.value)
  except (ConfigError, FileNotFoundError, ModuleNotFoundError) as e:
    _fail(e)
  except NonFiniteError as e:  # Diverged: one line; the checkpoints stay.
    print(f"error: {e}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
  app.run(main, flags_parser=_parse)
