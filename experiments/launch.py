"""What `experiments/main.py` does with its command line, as importable functions.

`parse_flags(argv)` is the launcher's absl flags parser: it loads the config
file named by `--config=<file>[:<variants>]`, checks every
`--config.<field>` override against the fields the config has and the checks
declared beside them (`gentk.training.spec`), then lets `config_flags` parse
everything. `run(config, workdir)` validates the resolved config and workdir
and calls the config's runner. Bad input exits with status 2 and one line
(`error: ...`) naming the field or path and a valid example, before anything is
written; a diverged run exits with status 1 and leaves its checkpoints.

The argv helpers (`config_arg`, `override_names`, `override_flags`) and the
message builders are pure; only `fail`, `parse_flags` and `run` exit.
"""
import importlib
import importlib.util
import os
import re
import sys

from absl import flags
from ml_collections import config_flags

from gentk.training import config as config_lib
from gentk.training import distributed
from gentk.training import spec
from gentk.training.loop import NonFiniteError

DEFAULT_CONFIG = "experiments/configs/gan_mixture.py"


class LaunchError(Exception):
  """Bad launcher input; the message is the one line the user sees."""


def fail(message: str) -> None:
  """Exits with status 2 and `message` on one line of stderr."""
  print("error: " + re.sub(r"\s+", " ", message).strip(), file=sys.stderr)
  sys.exit(2)


def config_arg(argv: list[str]) -> str:
  """The value of the last --config in `argv` (the default when absent)."""
  value = DEFAULT_CONFIG
  for i, arg in enumerate(argv):
    match = re.match(r"^--?config(=(.*))?$", arg)
    if match:
      value = match.group(2) if match.group(1) else (
          argv[i + 1] if i + 1 < len(argv) else "")
  return value


def override_names(argv: list[str]) -> list[str]:
  """The dotted field names of the --config.<field> flags in `argv`."""
  names = [re.match(r"^--?(?:no)?config\.([^=]*)", a) for a in argv]
  return [m.group(1) for m in names if m]


def override_flags(argv: list[str]) -> list[str]:
  """The --config.<field> flags of `argv`."""
  return [a for a in argv if re.match(r"^--?(no)?config\.", a)]


def load_config(arg: str):
  """Runs `get_config` of `<file>[:<variants>]`; raises `LaunchError`."""
  path, _, variants = arg.partition(":")
  if not path.endswith(".py") or not os.path.isfile(path):
    raise LaunchError(f"config file {path!r} does not exist: pass e.g. "
                      f"--config={DEFAULT_CONFIG}:quick (configs live in "
                      "experiments/configs/).")
  try:
    module_spec = importlib.util.spec_from_file_location("_checked_config",
                                                         path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.get_config(*([variants] if ":" in arg else []))
  except spec.VariantError as e:
    raise LaunchError(str(e)) from e
  except Exception as e:  # pylint: disable=broad-except
    raise LaunchError(
        f"config file {path} failed: {type(e).__name__}: {e}") from e


def unknown_override(config, argv: list[str], arg: str) -> str | None:
  """The line for the first override of `argv` that `config` lacks, if any."""
  for name in override_names(argv):
    unknown = spec.unknown_field(config, name, arg)
    if unknown:
      return unknown
  return None


def bad_value_message(error: Exception, config) -> str | None:
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


def flag_error_message(error: Exception, config, argv: list[str],
                       arg: str) -> str:
  """The line for an error `config_flags` raised while parsing `argv`."""
  if type(error).__name__ == "FlagOrderError":  # Not exported by config_flags.
    return (f"a --config.<field> flag comes before --config: put --config "
            f"first, e.g. --config={arg} {' '.join(override_flags(argv))}")
  return bad_value_message(error, config) or str(error).replace("\\n", " ")


def os_error_message(error: OSError, workdir: str | None) -> str:
  """The line for missing data (its own message) or an unusable path."""
  if error.filename is None:
    return str(error)
  return (f"{error.strerror}: {error.filename}: check --workdir={workdir} "
          "(pass e.g. --workdir=runs/my_run) and the data paths")


def parse_flags(argv: list[str]) -> list[str]:
  """Checks the config file and the overrides, then parses every flag.

  The absl `flags_parser` of the launcher: defines the `--config` flag, so it
  runs once per process. Exits with status 2 and one line on bad input.
  """
  arg = config_arg(argv)
  try:
    config = load_config(arg)
  except LaunchError as e:
    fail(str(e))
  unknown = unknown_override(config, argv, arg)
  if unknown:
    fail(unknown)
  try:  # config_flags reads the --config.* overrides of argv.
    config_flags.DEFINE_config_file("config", DEFAULT_CONFIG,
                                    "Experiment config file.")
    rest = flags.FLAGS(argv)
    _ = flags.FLAGS.config.runner  # Loads the config file and overrides now.
    return rest
  except Exception as e:  # pylint: disable=broad-except
    fail(flag_error_message(e, config, argv, arg))


def initialize_distributed() -> None:
  """Joins the process group the environment names, if any
  (`gentk.training.distributed`); exits 2 with one line when it is
  incomplete."""
  try:
    distributed.initialize_from_environment()
  except ValueError as e:
    fail(str(e))


def run(config, workdir: str | None):
  """Validates `config` and `workdir`, then runs `experiments.runners.<runner>`.

  Returns what the runner returns. Exits with status 2 and one line on bad
  input, with status 1 when the run diverged (its checkpoints stay).
  """
  try:
    config_lib.validate_launch(config, workdir)
    runner = importlib.import_module(f"experiments.runners.{config.runner}")
    return runner.run(config, workdir)
  except (config_lib.ConfigError, ModuleNotFoundError) as e:
    fail(str(e))
  except OSError as e:
    fail(os_error_message(e, workdir))
  except NonFiniteError as e:  # Diverged: one line; the checkpoints stay.
    print(f"error: {e}", file=sys.stderr)
    sys.exit(1)
