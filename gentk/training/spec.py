r"""Declared checks of config fields: each field carries its type and range.

A config file declares a field together with its check:

  config.optim.lr = spec.field(1e-3, spec.positive_float)  # Learning rate.

`field` returns an `ml_collections.FieldReference` that holds the value and
the check. Reading `config.optim.lr` gives the plain value; command-line
overrides (`--config.optim.lr=5e-4`) and later assignments replace the value
and keep the check; `config.to_json_best_effort()` writes the value only.
`errors(config)` lists the fields whose value fails its check, one line each
with a valid example, so a new config gets validation with no new code.

Relations between fields are declared beside them too:

  spec.constraint(config, ("pacgan.packing", "data.batch_size"),
                  lambda m, b: b % m == 0,
                  "{1} must be a multiple of {0} (whole packs)",
                  fix=lambda m, b: {"data.batch_size": max(m, b // m * m)},
                  breaks=lambda m, b: {"data.batch_size": m + 1})

The `Constraint` is carried by its first field (or the field `on=` names;
it lives as long as that field, through overrides and assignments, and a
nested config's constraints are read under its path), and `errors(config)`
gives one line per violated constraint, naming its fields, their values and
the override `fix` proposes:

  config.pacgan.packing=4, config.data.batch_size=30: config.data.batch_size
  must be a multiple of config.pacgan.packing (whole packs): pass e.g.
  --config.data.batch_size=28

`breaks` gives an override that violates it, so that a test can try every
declared constraint of every config. Shared relations have builders:
`multiple_of`, `at_most`, `shorter_than_run`, `pretrain_in_run`,
`within_split`, `held_out_of_split`; `train_group` declares the loop's
`config.train` group. The groups of the config families (Adam, MNIST digits,
the 2-D mixtures, SeqGAN, ...) live in `gentk.configs.groups`.

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


class Constraint(NamedTuple):
  """A relation between config fields (declared with `constraint`).

  Attributes:
    fields: the dotted paths it reads, from the config it was declared on.
    holds: `(*values) -> bool`, given the values of `fields` in order.
    text: completes "<fields and values>: ...", the fields named as `{0}`,
      `{1}`, ... (written `config.<path>`); or `(*values) -> str`, such a
      text (for figures derived from the values).
    fix: `(*values) -> {dotted path: value}`, an override that makes the
      relation hold (the valid example of the error line).
    breaks: `(*values) -> {dotted path: value}`, an override that violates
      it (for tests: every declared constraint can be tried).
    carrier: the dotted path of the declared field that carries it.
  """
  fields: tuple[str, ...]
  holds: Callable[..., bool]
  text: str | Callable[..., str]
  fix: Callable[..., dict]
  breaks: Callable[..., dict]
  carrier: str


class Checked(ml_collections.FieldReference):
  """A config value with its `Check`, its declared value (the example) and
  the `Constraint`s it carries (those whose first field it is)."""

  def __init__(self, value, check: Check):
    super().__init__(value)
    self.check = check
    self.example = value
    self.constraints: list[Constraint] = []


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
    limit = value_at(config, other) if config is not None else None
    return (limit is None or not _is_real(limit)
            or (v <= limit if or_equal else v < limit))
  return Check(f"{check.text} and {'<=' if or_equal else '<'} "
               f"config.{other}", accepts,
               suggest=lambda config: value_at(config, other) // 2)


def true_only_if(other: str, value) -> Check:
  """A boolean that may be True only while the field `other` (a dotted path
  from the config's root) holds `value`."""
  def accepts(v, config):
    return isinstance(v, bool) and (
        not v or config is None or value_at(config, other) == value)
  return Check(f"a boolean, True only with config.{other}={value!r}", accepts,
               suggest=lambda config: False)


# ------------------------------------------------------------------ reading


def value_at(config, dotted: str):
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
    return value_at(config, dotted)
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
  """One line per declared field whose value fails its check, then one per
  declared constraint that does not hold (see `constraint_errors`)."""
  return [message(config, path, value, check)
          for path, value, check in leaves(config)
          if check is not None and not check.accepts(value, config)
          ] + constraint_errors(config)


# ---------------------------------------------------------------- constraints


def _raw(config: ml_collections.ConfigDict, dotted: str):
  """The stored field at `dotted` (a `Checked` when declared), or None."""
  node = config
  *parents, name = dotted.split(".")
  for part in parents:
    if not isinstance(node, ml_collections.ConfigDict) or part not in node:
      return None
    node = node[part]
  if not isinstance(node, ml_collections.ConfigDict) or name not in node:
    return None
  return dict(node.items(preserve_field_references=True))[name]


def constraint(config: ml_collections.ConfigDict, fields, holds: Callable,
               text: str | Callable[..., str], *, fix: Callable[..., dict],
               breaks: Callable[..., dict], on: str | None = None
               ) -> Constraint:
  """Declares that `holds(*values of fields)` must be true.

  The constraint is carried by the field `on` (default: the first of
  `fields`), which must be declared with `field`: it goes wherever that
  field goes (overrides keep it; deleting the field's group drops it, so a
  constraint of a method's group is carried by a field of that group).
  `errors(config)` reports it, in one line, when it fails while each of
  `fields` passes its own check.

  Args:
    config: the config the dotted `fields` are read from (a nested config,
      e.g. one of `game_dynamics`'s GANs, is checked under its own path).
    fields: dotted paths; their values are the arguments of the callables.
    holds: `(*values) -> bool`.
    text: why, the fields named as `{0}`, `{1}`, ... (or `(*values) ->
      str` giving such a text), e.g. "{1} must be a multiple of {0}".
    fix: `(*values) -> {dotted path: value}`, a valid override.
    breaks: `(*values) -> {dotted path: value}`, an override that violates
      the constraint (tests try every declared one).
    on: the carrier (see above).
  Returns:
    the `Constraint`.
  Raises:
    ValueError: a field is missing, the carrier is not declared with
      `field`, or the relation fails for the declared values (a mistake in
      the config file).
  """
  fields = tuple(fields)
  carrier = on or fields[0]
  missing = [f for f in fields + (carrier,) if _raw(config, f) is None]
  if missing:
    raise ValueError(f"constraint on missing fields {missing}: declare them "
                     "first.")
  if not isinstance(_raw(config, carrier), Checked):
    raise ValueError(f"config.{carrier} carries the constraint: declare it "
                     "with spec.field.")
  result = Constraint(fields, holds, text, fix, breaks, carrier)
  values = [value_at(config, f) for f in fields]
  if not holds(*values):
    raise ValueError("declared values "
                     + ", ".join(f"{f}={v!r}" for f, v in zip(fields, values))
                     + f" do not satisfy: {_text(result, fields, values)}.")
  _raw(config, carrier).constraints.append(result)
  return result


def _text(c: Constraint, names, values) -> str:
  text = c.text(*values) if callable(c.text) else c.text
  return text.format(*[n if n.startswith("config.") else f"config.{n}"
                       for n in names])


def constraints(config: ml_collections.ConfigDict
                ) -> list[tuple[str, Constraint]]:
  """`(prefix, constraint)` for every constraint declared in `config`:
  its fields are `prefix + field` from `config`'s root."""
  found = []

  def visit(node, prefix):
    for name, raw in node.items(preserve_field_references=True):
      value = raw.get() if isinstance(raw, ml_collections.FieldReference) else (
          raw)
      if isinstance(value, ml_collections.ConfigDict):
        visit(value, f"{prefix}{name}.")
      elif isinstance(raw, Checked):
        path = f"{prefix}{name}"
        for c in raw.constraints:
          if path == c.carrier or path.endswith("." + c.carrier):
            found.append((path[:len(path) - len(c.carrier)], c))

  visit(config, "")
  return found


def _passes(config, dotted: str) -> bool:
  """Whether field `dotted` exists and passes its own check."""
  raw = _raw(config, dotted)
  if raw is None:
    return False
  if not isinstance(raw, Checked):
    return True
  return raw.check.accepts(raw.get(), config)


def constraint_message(prefix: str, c: Constraint, values) -> str:
  """The one-line error of constraint `c` (fields under `prefix`) failing
  for `values`."""
  names = [f"config.{prefix}{f}" for f in c.fields]
  given = ", ".join(f"{n}={v!r}" for n, v in zip(names, values))
  fix = " ".join(f"--config.{prefix}{f}={flag_value(v)}"
                 for f, v in c.fix(*values).items())
  return f"{given}: {_text(c, names, values)}: pass e.g. {fix}"


def constraint_errors(config: ml_collections.ConfigDict) -> list[str]:
  """One line per declared constraint that does not hold (skipped while one
  of its fields is missing or fails its own check: that field's line says
  so)."""
  out = []
  for prefix, c in constraints(config):
    paths = [prefix + f for f in c.fields]
    if not all(_passes(config, p) for p in paths):
      continue
    values = [value_at(config, p) for p in paths]
    if not c.holds(*values):
      out.append(constraint_message(prefix, c, values))
  return out


# Examples per split of MNIST (the digits configs' `tfds_split` fields).
MNIST_SIZES = {"train": 60_000, "test": 10_000}


def split_size(split: str, sizes: dict[str, int] | None = None) -> int:
  """Examples a TFDS split names, e.g. 'train[:2000]' -> 2000, 'test' ->
  10000, 'train[10%:]' -> 54000 (percentages rounded as
  `gentk.data.mnist.select`); `sizes`: the whole splits (MNIST's)."""
  sizes = MNIST_SIZES if sizes is None else sizes
  match = re.fullmatch(r"(\w+)(?:\[(-?\d*%?):(-?\d*%?)\])?",
                       split.replace(" ", ""))
  if not match or match.group(1) not in sizes:
    raise ValueError(f"split {split!r} is not one of {sorted(sizes)}, whole "
                     "or sliced.")
  total = sizes[match.group(1)]

  def bound(text):
    if not text:
      return None
    if text.endswith("%"):
      return int(round(int(text[:-1]) * total / 100))
    return int(text)

  return len(range(total)[slice(bound(match.group(2)),
                                bound(match.group(3)))])


def multiple_of(config: ml_collections.ConfigDict, dotted: str, divisor: str,
                why: str) -> Constraint:
  """Field `dotted` must be a multiple of field `divisor` (`why`: the
  reason, in words)."""
  def fix(v, d):
    return {dotted: max(d, v // d * d)}

  def breaks(v, d):
    return {dotted: d + 1} if d > 1 else {divisor: 2, dotted: 3}

  return constraint(config, (dotted, divisor), lambda v, d: v % d == 0,
                    "{0} must be a multiple of {1} (" + why + ")",
                    fix=fix, breaks=breaks)


def at_most(config: ml_collections.ConfigDict, dotted: str, limit: str,
            why: str) -> Constraint:
  """Field `dotted` must be at most field `limit` (`why`: the reason)."""
  return constraint(config, (dotted, limit), lambda v, n: v <= n,
                    "{0} must be at most {1} (" + why + ")",
                    fix=lambda v, n: {dotted: n},
                    breaks=lambda v, n: {dotted: n + 1})


def shorter_than_run(config: ml_collections.ConfigDict, dotted: str,
                     why: str) -> Constraint:
  """The steps of field `dotted` (a first phase) must leave steps of
  `train.num_steps` to the phase after it (`why`: what that phase is)."""
  return constraint(config, (dotted, "train.num_steps"),
                    lambda v, n: v < n,
                    "{0} must be less than {1}: " + why,
                    fix=lambda v, n: {dotted: n // 10},
                    breaks=lambda v, n: {dotted: n})


def pretrain_in_run(config: ml_collections.ConfigDict) -> Constraint:
  """The discriminator's pre-training (`adversarial.pretrain_steps`) must end
  before the run (`train.num_steps`) does."""
  return shorter_than_run(config, "adversarial.pretrain_steps",
                          "the generator trains only after the "
                          "discriminator's pre-training")


def within_split(config: ml_collections.ConfigDict, count: str, split: str,
                 *, zero_means_all: bool = True) -> Constraint:
  """Field `count` (examples taken from the split in field `split`; 0: all
  of them, with `zero_means_all`) must not exceed the split's size."""
  def holds(n, s):
    return (zero_means_all and n == 0) or n <= split_size(s)

  return constraint(
      config, (count, split), holds,
      lambda n, s: "{0} must be at most the " + f"{split_size(s):,}"
      + " examples of {1}" + (" (0: all of them)" if zero_means_all else ""),
      fix=lambda n, s: {count: split_size(s)},
      breaks=lambda n, s: {count: split_size(s) + 1})


def held_out_of_split(config: ml_collections.ConfigDict, count: str,
                      split: str) -> Constraint:
  """Field `count` (examples held out of the split in field `split`, e.g.
  a validation set) must leave at least one example to train on."""
  def fix(n, s):
    size = split_size(s)
    return {count: max(1, size // 10)} if size > 1 else {split: "train"}

  return constraint(
      config, (count, split), lambda n, s: n < split_size(s),
      lambda n, s: "{0} must be less than the " + f"{split_size(s):,}"
      + " examples of {1} it is held out of (the rest is trained on)",
      fix=fix, breaks=lambda n, s: {count: split_size(s)})


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


# The runtime's own fields (`gentk.training.train` reads them), each with its
# check and an example value: `train_group` declares them with these checks,
# and `gentk.training.config.validate` holds a config that does not declare
# them (a plain ConfigDict of one's own) to the same ones.
RUNTIME_FIELDS = {
    "seed": (non_negative_int, 0),
    "num_seeds": (positive_int, 1),
    "data.batch_size": (positive_int, 64),
    "train.num_steps": (positive_int, 1000),
    "train.steps_per_call": (positive_int, 100),
    "train.mode": (train_mode, "jit"),
    "train.log_every": (positive_int, 100),
    "train.checkpoint_every": (positive_int, 1000),
    "train.keep_checkpoints": (positive_int, 3),
    "train.runs_per_pass": (non_negative_int, 0),
}
# Default 1 seed; all runs side by side.
OPTIONAL_RUNTIME_FIELDS = ("num_seeds", "train.runs_per_pass")
# Fields that must be multiples of train.steps_per_call: the loop stops only
# between compiled calls.
CALL_MULTIPLES = ("train.log_every", "train.checkpoint_every")


def _runtime(dotted: str) -> Check:
  return RUNTIME_FIELDS[dotted][0]


def train_group(*, num_steps: int, steps_per_call: int, log_every: int,
                checkpoint_every: int, keep_checkpoints: int,
                mode: str = "jit", progress_bar: bool = True,
                compute_dtype: str | None = None
                ) -> ml_collections.ConfigDict:
  """The `config.train` group `gentk.training.train` reads, every field
  declared with its check (the defaults given are each config's own).
  `compute_dtype` is a field only of the configs whose recipes honour it
  (those that pass it)."""
  train = ml_collections.ConfigDict()
  # Train steps over the whole run (every phase; GANs: generator steps).
  train.num_steps = field(num_steps, _runtime("train.num_steps"))
  # K steps fused into one compiled call.
  train.steps_per_call = field(steps_per_call,
                               _runtime("train.steps_per_call"))
  # 'jit', 'sharded' (device mesh) or 'pmap'.
  train.mode = field(mode, _runtime("train.mode"))
  # Steps between metric records.
  train.log_every = field(log_every, _runtime("train.log_every"))
  # Steps between checkpoints.
  train.checkpoint_every = field(checkpoint_every,
                                 _runtime("train.checkpoint_every"))
  # Newest checkpoints kept.
  train.keep_checkpoints = field(keep_checkpoints,
                                 _runtime("train.keep_checkpoints"))
  # Runs (seeds x sweep points) trained side by side through a call's steps
  # before the next group of runs takes them, in the same program; 0: all.
  # A small group keeps its state in a CPU's caches; every run's result is
  # the same either way.
  train.runs_per_pass = field(0, _runtime("train.runs_per_pass"))
  # tqdm bar with steps/s on stderr.
  train.progress_bar = field(progress_bar, boolean)
  # Activations and matmuls of the image players: 'float32', or 'bfloat16'
  # (parameters and optimizer state stay float32); opt-in, for accelerators.
  if compute_dtype is not None:
    train.compute_dtype = field(compute_dtype,
                                one_of("float32", "bfloat16"))
  for dotted in CALL_MULTIPLES:
    multiple_of(train, dotted.partition(".")[2], "steps_per_call",
                "the loop stops only between compiled calls")
  return train
