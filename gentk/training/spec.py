r"""Declared checks of config fields: each field carries its type and range.

A config file declares a field together with its check:

  config.optim.lr = spec.field(1e-3, spec.positive_float)  # Learning rate.

`field` returns an `ml_collections.FieldReference` that holds the value and
the check. Reading `config.optim.lr` gives the plain value; command-line
overrides (`--config.optim.lr=5e-4`) and later assignments replace the value
and keep the check; `config.to_json_best_effort()` writes the value only.
`errors(config)` lists the fields whose value fails its check, one line each
with a valid example, so a new config gets validation with no new code.

The vocabulary: `integer`, `positive_int`, `non_negative_int`, `real`,
`positive_float`, `non_negative_float`, `fraction` (float in [0, 1)),
`one_of`, `positive_ints`, `finite_floats`, `positive_floats`, `boolean`,
`matches`, `tfds_split`, `existing_path`, `module_in`, `attribute_of`, `below` (another
field) and `Check` itself for anything else.
"""
import difflib
import importlib
import importlib.util
import math
import os
import pkgutil
import re
from typing import Any, Callable, NamedTuple

import ml_collections


class Check(NamedTuple):
  """A constraint on one field's value.

  Attributes:
    text: completes "must be ...", e.g. "a finite float > 0".
    accepts: `(value, config) -> bool`; `config` is the whole config, or None
      when the check runs at declaration (then relations to other fields
      hold).
    suggest: optional `config -> value`, a valid example when the declared
      value is not one (e.g. it fails a relation to an overridden field).
  """
  text: str
  accepts: Callable[[Any, Any], bool]
  suggest: Callable[[Any], Any] | None = None


class Checked(ml_collections.FieldReference):
  """A config value with its `Check` and its declared value (the example)."""

  def __init__(self, value, check: Check):
    super().__init__(value)
    self.check = check
    self.example = value


def field(value, check: Check) -> Checked:
  """Declares a config field: `config.x.y = field(value, check)`.

  Raises:
    ValueError: `value` itself fails `check` (a mistake in the config file).
  """
  if not isinstance(check, Check):
    raise TypeError(f"field({value!r}, ...) needs a spec.Check, got {check!r}.")
  if not check.accepts(value, None):
    raise ValueError(f"declared value {value!r} is not {check.text}.")
  return Checked(value, check)


# ----------------------------------------------------------------- vocabulary


def _is_int(v) -> bool:
  return isinstance(v, int) and not isinstance(v, bool)


def _is_real(v) -> bool:
  return (isinstance(v, (int, float)) and not isinstance(v, bool)
          and math.isfinite(v))


def integer(low: int | None = None, high: int | None = None) -> Check:
  """An int (not a bool) in [low, high]; either bound may be None."""
  bounds = [f">= {low}" if low is not None else "",
            f"<= {high}" if high is not None else ""]
  text = " and ".join(b for b in bounds if b)
  return Check(f"an int {text}".strip(), lambda v, _: _is_int(v) and (
      low is None or v >= low) and (high is None or v <= high))


positive_int = integer(1)._replace(text="a positive int")
non_negative_int = integer(0)


def real(low: float | None = None, high: float | None = None, *,
         open_low: bool = False, open_high: bool = False) -> Check:
  """A finite float (ints allowed) in an interval; nan and inf fail."""
  def accepts(v, _):
    return _is_real(v) and (low is None or (v > low if open_low else v >= low)
                            ) and (high is None or (
                                v < high if open_high else v <= high))
  if low is not None and high is not None:
    text = (f"a finite float in {'(' if open_low else '['}{low}, {high}"
            f"{')' if open_high else ']'}")
  elif low is not None:
    text = f"a finite float {'>' if open_low else '>='} {low}"
  elif high is not None:
    text = f"a finite float {'<' if open_high else '<='} {high}"
  else:
    text = "a finite float"
  return Check(text, accepts)


positive_float = real(0, open_low=True)
non_negative_float = real(0)
fraction = real(0, 1, open_high=True)  # Adam's betas, decay rates.


def one_of(*choices) -> Check:
  """Exactly one of `choices` (compared with ==, types must match)."""
  return Check("one of " + ", ".join(repr(c) for c in choices),
               lambda v, _: any(type(v) is type(c) and v == c
                                for c in choices))


def _tuple_of(item: Callable[[Any], bool], what: str,
              length: int | None) -> Check:
  size = f"{length} " if length is not None else "a non-empty tuple of "
  return Check(f"{size}{what}", lambda v, _: isinstance(v, (tuple, list)) and (
      len(v) == length if length is not None else len(v) > 0) and all(
          item(x) for x in v))


def positive_ints(length: int | None = None) -> Check:
  """A non-empty tuple (or `length` of them) of positive ints."""
  return _tuple_of(lambda x: _is_int(x) and x > 0, "positive ints", length)


def finite_floats(length: int | None = None) -> Check:
  """A non-empty tuple (or `length` of them) of finite floats."""
  return _tuple_of(_is_real, "finite floats", length)


def positive_floats(length: int | None = None) -> Check:
  """A non-empty tuple (or `length` of them) of finite floats > 0."""
  return _tuple_of(lambda x: _is_real(x) and x > 0, "finite floats > 0",
                   length)


train_mode = one_of("jit", "sharded", "pmap")  # gentk.training.compile.MODES.
boolean = Check("True or False", lambda v, _: isinstance(v, bool))


def matches(pattern: str, text: str) -> Check:
  """A string that fully matches the regular expression `pattern`."""
  return Check(text, lambda v, _: isinstance(v, str) and re.fullmatch(
      pattern, v) is not None)


def tfds_split(*names: str) -> Check:
  """A TFDS split of `names`, whole or sliced, e.g. 'train' or 'test[:1000]'.
  """
  bound = r"-?\d*%?"
  return matches(f"({'|'.join(names)})(\\[{bound}:{bound}\\])?",
                 "a TFDS split: " + ", ".join(repr(n) for n in names)
                 + f" or a slice such as '{names[0]}[:1000]'")


existing_path = Check("the path of an existing file or folder",
                      lambda v, _: isinstance(v, str) and bool(v)
                      and os.path.exists(v))


def module_in(package: str) -> Check:
  """The name of a module of `package` (listed, not imported)."""
  spec = importlib.util.find_spec(package)
  names = sorted(m.name for m in pkgutil.iter_modules(
      spec.submodule_search_locations) if not m.name.startswith("_"))
  return one_of(*names)._replace(
      text=f"a module of {package}: " + ", ".join(repr(n) for n in names))


def attribute_of(module: str, example: str) -> Check:
  """The name of a callable of `module`, e.g. `attribute_of('jax.nn', 'relu')`.
  """
  return Check(f"the name of a function of {module}, e.g. {example!r}",
               lambda v, _: isinstance(v, str) and v.isidentifier()
               and callable(getattr(importlib.import_module(module), v,
                                    None)))


def below(other: str, check: Check, *, or_equal: bool = False) -> Check:
  """`check` and less than (`or_equal`: at most) the field `other`, a dotted
  path from the config's root."""
  def accepts(v, config):
    if not check.accepts(v, config):
      return False
    limit = _value(config, other) if config is not None else None
    return (limit is None or not _is_real(limit)
            or (v <= limit if or_equal else v < limit))
  return Check(f"{check.text} and {'<=' if or_equal else '<'} "
               f"config.{other}", accepts,
               suggest=lambda config: _value(config, other) // 2)


def true_only_if(other: str, value) -> Check:
  """A boolean that may be True only while the field `other` (a dotted path
  from the config's root) holds `value`."""
  def accepts(v, config):
    return isinstance(v, bool) and (
        not v or config is None or _value(config, other) == value)
  return Check(f"a boolean, True only with config.{other}={value!r}", accepts,
               suggest=lambda config: False)


# ------------------------------------------------------------------ reading


def _value(config, dotted: str):
  """The value at `dotted`, or None when a part is missing."""
  node = config
  for part in dotted.split("."):
    if not isinstance(node, ml_collections.ConfigDict) or part not in node:
      return None
    node = node[part]
  return node


def leaves(config: ml_collections.ConfigDict, prefix: str = ""):
  """Yields `(dotted_path, value, check or None)` for every leaf field."""
  for name, raw in config.items(preserve_field_references=True):
    path = f"{prefix}{name}"
    value = raw.get() if isinstance(raw, ml_collections.FieldReference) else raw
    if isinstance(value, ml_collections.ConfigDict):
      yield from leaves(value, f"{path}.")
    else:
      yield path, value, raw.check if isinstance(raw, Checked) else None


def example(config: ml_collections.ConfigDict, dotted: str):
  """A valid value of field `dotted` (its declared one when that is valid)."""
  node = config
  *parents, name = dotted.split(".")
  for part in parents:
    node = node[part]
  raw = dict(node.items(preserve_field_references=True))[name]
  if not isinstance(raw, Checked):
    return _value(config, dotted)
  if raw.check.accepts(raw.example, config) or raw.check.suggest is None:
    return raw.example
  return raw.check.suggest(config)


def flag_value(value) -> str:
  """`value` as one writes it after `--config.x=` in a shell."""
  if isinstance(value, (tuple, list)):
    return ",".join(flag_value(v) for v in value)
  return str(value)


def message(config: ml_collections.ConfigDict, dotted: str, value,
            check: Check) -> str:
  """The one-line error of field `dotted` holding the bad `value`."""
  return (f"config.{dotted}={value!r} must be {check.text}: pass e.g. "
          f"--config.{dotted}={flag_value(example(config, dotted))}")


def errors(config: ml_collections.ConfigDict) -> list[str]:
  """One line per declared field whose value fails its check."""
  return [message(config, path, value, check)
          for path, value, check in leaves(config)
          if check is not None and not check.accepts(value, config)]


def unknown_field(config: ml_collections.ConfigDict, dotted: str,
                  source: str) -> str | None:
  """None if `dotted` is a field of `config`, else one line that names the
  config file `source`, the fields it does have and the closest one."""
  node, parts = config, dotted.split(".")
  for i, part in enumerate(parts):
    if not isinstance(node, ml_collections.ConfigDict):
      return (f"config.{'.'.join(parts[:i])} is a value, not a group: "
              f"config.{dotted} is not a field of {source}; pass e.g. "
              f"--config.{'.'.join(parts[:i])}="
              f"{flag_value(example(config, '.'.join(parts[:i])))}")
    if part not in node:
      break
    node = node[part]
  else:
    return None
  group = ".".join(parts[:i])
  prefix = f"{group}." if group else ""
  paths = [p for p, _, _ in leaves(config)]
  # A misspelt field: the closest name in its group; a missing group: the
  # same field in another group; else the closest path or the group's first.
  if i == len(parts) - 1:
    near = [prefix + n for n in difflib.get_close_matches(
        part, list(node.keys()), n=1, cutoff=0.6) if prefix + n in paths]
  else:
    near = [p for p in paths if p.split(".")[-1] == parts[-1]]
  near = (near or difflib.get_close_matches(dotted, paths, n=1, cutoff=0.6)
          or [p for p in paths if p.startswith(prefix)])
  names = ", ".join(f"{n}.*" if isinstance(node[n], ml_collections.ConfigDict)
                    else n for n in node.keys())
  where = f"config.{group}" if group else "config"
  return (f"config.{dotted} is not a field of {source}: {where} has {names}; "
          f"pass e.g. --config.{near[0]}={flag_value(example(config, near[0]))}")


# ---------------------------------------------------------------- variants


class VariantError(ValueError):
  """A config file's `get_config(arg)` got an unknown or clashing variant."""


def variants(arg: str | None, config_file: str, *, default: str = "",
             exclusive: tuple[tuple[str, ...], ...] = (),
             flags: tuple[str, ...] = ()) -> list[str]:
  """Parses the comma-separated `arg` of `get_config(arg)`.

  Args:
    arg: what follows `:` in `--config=<file>:<arg>`; None or "" give
      `default`.
    config_file: the config's `__file__` (named in the error).
    exclusive: groups of names of which at most one may be given.
    flags: names that may be given freely.
  Returns:
    the given names, in order, without duplicates.
  Raises:
    VariantError: a name is unknown or two names of one group are given.
  """
  parts = [p.strip() for p in (arg or default).split(",") if p.strip()]
  known = list(dict.fromkeys([n for group in exclusive for n in group]
                             + list(flags)))
  for part in parts:
    if part not in known:
      raise variant_error(config_file, f"unknown variant {part!r}",
                          known)
  for group in exclusive:
    given = [p for p in dict.fromkeys(parts) if p in group]
    if len(given) > 1:
      raise variant_error(config_file, f"variants {' and '.join(given)} "
                          "exclude each other", known)
  return list(dict.fromkeys(parts))


def variant_error(config_file: str, reason: str, known: list[str],
                  example: str | None = None) -> VariantError:
  """A one-line `VariantError`: `reason`, the variants and an example (by
  default the first variant)."""
  from gentk import configs  # pylint: disable=g-import-not-at-top
  path = configs.display_name(config_file)
  return VariantError(
      f"{reason} in --config={path}:...: the variants are "
      f"{', '.join(known)}; pass e.g. --config={path}:{example or known[0]} "
      "(several comma-separated).")


def train_group(*, num_steps: int, steps_per_call: int, log_every: int,
                checkpoint_every: int, keep_checkpoints: int,
                mode: str = "jit", progress_bar: bool = True,
                compute_dtype: str = "float32") -> ml_collections.ConfigDict:
  """The `config.train` group `gentk.training.train` reads, every field
  declared with its check (the defaults given are each config's own)."""
  train = ml_collections.ConfigDict()
  # Train steps over the whole run (every phase; GANs: generator steps).
  train.num_steps = field(num_steps, positive_int)
  # K steps fused into one compiled call.
  train.steps_per_call = field(steps_per_call, positive_int)
  # 'jit', 'sharded' (device mesh) or 'pmap'.
  train.mode = field(mode, train_mode)
  # Steps between metric records.
  train.log_every = field(log_every, positive_int)
  # Steps between checkpoints.
  train.checkpoint_every = field(checkpoint_every, positive_int)
  # Newest checkpoints kept.
  train.keep_checkpoints = field(keep_checkpoints, positive_int)
  # tqdm bar with steps/s on stderr.
  train.progress_bar = field(progress_bar, boolean)
  # Activations and matmuls of the image players: 'float32', or 'bfloat16'
  # (parameters and optimizer state stay float32); opt-in, for accelerators.
  train.compute_dtype = field(compute_dtype, one_of("float32", "bfloat16"))
  return train


def adam_group(*, lr: float, b1: float, b2: float = 0.999,
               final_lr: float | None = None) -> ml_collections.ConfigDict:
  """The `config.optim` group of Adam that `gentk.recipes.common.optimizer`
  reads, every field declared with its check (`final_lr`: a cosine decay to
  it over the run; None: a constant rate)."""
  optim = ml_collections.ConfigDict()
  optim.lr = field(lr, positive_float)  # Adam rate.
  if final_lr is not None:
    # Cosine-decayed to this at the last step.
    optim.final_lr = field(final_lr, positive_float)
  optim.b1 = field(b1, fraction)  # Adam beta1.
  optim.b2 = field(b2, fraction)  # Adam beta2.
  return optim


def digits_group(*, batch_size: int) -> ml_collections.ConfigDict:
  """The `config.data` group of MNIST recipes that read grey-level digits
  (`source`, `train_split`, `test_split`, `batch_size`), every field declared
  with its check."""
  split = tfds_split("train", "test")  # MNIST's splits.
  data = ml_collections.ConfigDict()
  # 'mnist' (TFDS), 'segments' (seven-segment digits) or 'auto'.
  data.source = field("mnist", one_of("mnist", "segments", "auto"))
  data.train_split = field("train", split)  # Trained on.
  data.test_split = field("test", split)  # Scored.
  data.batch_size = field(batch_size, positive_int)  # Examples per step.
  return data


def binary_digits_group(*, batch_size: int = 100, num_valid: int = 400
                        ) -> ml_collections.ConfigDict:
  """The `config.data` group of the binarised-MNIST likelihood models
  (`gentk.recipes.common.binary_digits` reads it), every field declared with
  its check."""
  split = tfds_split("train", "test")  # MNIST's splits.
  data = ml_collections.ConfigDict()
  # Examples per step.
  data.batch_size = field(batch_size, positive_int)
  # Split trained on; its last `num_valid` images are held out.
  data.train_split = field("train", split)
  # Validation images held out from the train split (IWAE: 400).
  data.num_valid = field(num_valid, positive_int)
  # Split scored.
  data.test_split = field("test", split)
  # 'dynamic' (Bernoulli pixels drawn in every step) or 'static' (once).
  data.binarization = field("dynamic", one_of("dynamic", "static"))
  # PRNG seed of the static binarisation of the training images.
  data.static_seed = field(0, non_negative_int)
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no files) or 'auto' (MNIST when present; resolved when the experiment is
  # built and recorded in config.json).
  data.source = field("mnist", one_of("mnist", "segments", "auto"))
  return data
