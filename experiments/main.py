"""Launches an experiment: python -m experiments.main --config=... --workdir=..."""
import importlib
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from gentk.training.config import ConfigError

_CONFIG = config_flags.DEFINE_config_file(
    "config", "experiments/configs/gan_mixture.py", "Experiment config file.")
_WORKDIR = flags.DEFINE_string("workdir", None, "Output folder.", required=True)


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)  # Orbax logs every save at INFO.
  config = _CONFIG.value
  runner = importlib.import_module(f"experiments.runners.{config.runner}")
  try:
    runner.run(config, _WORKDIR.value)
  except (ConfigError, FileNotFoundError) as e:
    sys.exit(f"error: {e}")


if __name__ == "__main__":
  app.run(main)
