"""What `experiments/main.py` does with its command line, as importable functions.

`parse_flags(argv)` is the launcher's absl flags parser: it loads the config
named by `--config=<name or file>[:<variants>]` (`gentk.configs.get`), checks every
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
import re
import sys

from absl import flags
from ml_collections import config_flags

from gentk import configs
from gentk.training import config as config_lib
from gentk.training import distributed
from gentk.training import spec
from gentk.training import sweep
from gentk.training.loop import NonFiniteError

DEFAULT_CONFIG = "gan_mixture"


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
  """Runs `get_config` of `<name or file>[:<variants>]`; raises
  `LaunchError`."""
  try:
    return configs.get(arg)
  except spec.VariantError as e:
    raise LaunchError(str(e)) from e
  except FileNotFoundError as e:
    raise LaunchError(str(e)) from e
  except Exception as e:  # pylint: disable=broad-except
    raise LaunchError(f"config {arg.partition(':')[0]} failed: "
                      f"{type(e).__name__}: {e}") from e


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


def without_config_arg(argv: list[str]) -> list[str]:
  """`argv` less its `--config <spec>` / `--config=<spec>` flags (the config
  is loaded by `load_config`; only its overrides go to `config_flags`)."""
  out, skip = [], False
  for arg in argv:
    if skip:
      skip = False
    elif re.match(r"^--?config$", arg):
      skip = True
    elif not re.match(r"^--?config=", arg):
      out.append(arg)
  return out


def flag_error_message(error: Exception, config) -> str:
  """The line for an error `config_flags` raised while parsing overrides."""
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
  sweep.add_fields(config, override_names(argv))  # --config.sweep.<field>
  unknown = unknown_override(config, argv, arg)
  if unknown:
    fail(unknown)
  try:  # config_flags applies the --config.* overrides of argv.
    argv = without_config_arg(argv)
    config_flags.DEFINE_config_dict("config", config,
                                    "Experiment config: a shipped config's "
                                    "name or a .py file, e.g. vae_mnist:quick.",
                                    sys_argv=argv)
    return flags.FLAGS(argv)
  except Exception as e:  # pylint: disable=broad-except
    fail(flag_error_message(e, config))


def initialize_distributed() -> None:
  """Joins the process group the environment names, if any
  (`gentk.training.distributed`); exits 2 with one line when it is
  incomplete."""
  try:
    distributed.initialize_from_environment()
  except ValueError as e:
    fail(str(e))


def run(config, workdir: str | None):
  """Validates `config` and `workdir`, then runs `gentk.runners.<runner>`.

  Returns what the runner returns. Exits with status 2 and one line on bad
  input, with status 1 when the run diverged (its checkpoints stay).
  """
  try:
    config_lib.validate_launch(config, workdir)
    runner = importlib.import_module(f"gentk.runners.{config.runner}")
    return runner.run(config, workdir)
  except (config_lib.ConfigError, ModuleNotFoundError) as e:
    fail(str(e))
  except OSError as e:
    fail(os_error_message(e, workdir))
  except NonFiniteError as e:  # Diverged: one line; the checkpoints stay.
    print(f"error: {e}", file=sys.stderr)
    sys.exit(1)
