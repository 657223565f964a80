"""Results tables generated from runs, not retyped.

  python -m experiments.report --table=likelihood runs/vae runs/iwae
  python -m experiments.report --table=mode_coverage runs/gan_grid runs/pacgan*

Reads each run folder's `summary.json` (what `gentk.training.loop` writes:
`eval`, per metric a float, or `{median, min, max, per_seed}` for a run with
a seed axis; `step`; `steps_per_s`) and `config.json` (the resolved config),
and prints the Markdown table of that family, one row per run, in the order
given; a sweep's point folders (`<workdir>/points/point<p>`) are runs too.
Columns: the run (its folder's name), the config's identity
(experiment, method and the fields that tell runs of it apart), the figures,
the steps trained and the seeds (a figure over seeds is the median and its
range, `median (min-max)`).

Tables (`TABLES`):

* `likelihood`: VAE / IWAE (`vae_mnist`), BiHM / RWS (`bihm_mnist`), RBM /
  DBM (`rbm_mnist`, `dbm_mnist`) runs: the test log-likelihood (+- its
  standard error over the test images; for the DBM a lower bound), the test
  ELBO, the IWAE-k bounds and the BiHM's bound 2 log p~*(x) where the run
  reports them.
* `mode_coverage`: 2-D mixture runs (`gan_mixture`, `adversarial_mixture`,
  `mode_mixture`) and Stacked MNIST runs: modes hit, the high-quality share
  of samples (%) and the reverse KL (Stacked MNIST: KL of the mode histogram
  to the uniform).
* `sample_quality`: MNIST GAN runs (`gan_mnist`, `bgan_mnist`,
  `infogan_mnist`): the MNIST-classifier IS / FID / KID and the rarest
  digit's share of the samples.

Bad input (a folder without `summary.json`, a run without the table's
figures, an unknown table) prints one line `error: ...` to stderr and exits
with status 2, before any row is printed.
"""
import argparse
import dataclasses
import json
import math
import pathlib
import sys
from typing import Any, Callable, Sequence


class ReportError(ValueError):
  """A run that cannot be reported (one line, naming the folder)."""


@dataclasses.dataclass(frozen=True)
class Run:
  """One run folder: its name, `summary.json` and `config.json`."""
  path: pathlib.Path
  summary: dict
  config: dict

  @property
  def name(self) -> str:
    """The folder's name; a sweep's point folder adds its values."""
    values = self.summary.get("values")
    if values:
      return (f"{self.path.resolve().name} ("
              + ", ".join(f"{k}={v:g}" for k, v in values.items()) + ")")
    return self.path.resolve().name

  @property
  def eval(self) -> dict:
    return self.summary.get("eval") or {}

  def field(self, dotted: str, default: Any = None) -> Any:
    """The config field `a.b.c`, or `default` when the config lacks it."""
    node = self.config
    for part in dotted.split("."):
      if not isinstance(node, dict) or part not in node:
        return default
      node = node[part]
    return node


def _read_json(path: pathlib.Path, what: str) -> dict:
  try:
    data = json.loads(path.read_text())
  except FileNotFoundError:
    raise ReportError(
        f"{path.parent} has no {what}: not a finished `gentk train` run (a "
        "run folder holds summary.json and config.json once training ends; "
        "rerun its training command to finish it)") from None
  except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
    raise ReportError(f"{path} is unreadable ({type(e).__name__}: "
                      f"{(str(e).splitlines() or [''])[0]})") from None
  if not isinstance(data, dict):
    raise ReportError(f"{path} holds no JSON object")
  return data


def load(path: str | pathlib.Path) -> Run:
  """The run in folder `path`.

  Raises:
    ReportError: one line, when the folder, its `summary.json` (or its
      `eval`) or its `config.json` is missing or unreadable.
  """
  path = pathlib.Path(path)
  if not path.is_dir():
    raise ReportError(f"{path} is not a folder: pass run folders (the "
                      "--workdir of `gentk train`), e.g. runs/quickstart")
  summary = _read_json(path / "summary.json", "summary.json")
  config = _read_json(path / "config.json", "config.json")
  if not isinstance(summary.get("eval"), dict) or not summary["eval"]:
    raise ReportError(
        f"{path / 'summary.json'} has no eval (status "
        f"{summary.get('status', '?')!r}): rerun its training command to "
        f"finish it, or `gentk eval --workdir={path}`")
  return Run(path, summary, config)


# Formatting ------------------------------------------------------------------


def _number(value: float, digits: int) -> str:
  if value is None or not math.isfinite(value):
    return "nan" if value is not None else "-"
  return f"{value:.{digits}f}"


def _kl_digits(value: float) -> int:
  return 3 if abs(value) < 0.1 else 2


def figure(value: Any, digits: int | Callable[[float], int],
           scale: float = 1.0, unit: str = "") -> str:
  """A figure of `summary["eval"]`: `value` a float, or over seeds a dict
  `{median, min, max, ...}`, shown as `median (min-max)` (`(min to max)`
  when a bound is negative). `digits`: decimals, or a function of the value
  giving them; `scale` multiplies the value first (a fraction as a %);
  `unit` follows the value (the median)."""
  def one(v):
    if v is None:
      return "-"
    v = float(v) * scale
    return _number(v, digits(v) if callable(digits) else digits)
  if isinstance(value, dict):
    lo, hi = value.get("min"), value.get("max")
    sep = " to " if (lo is not None and lo * scale < 0) or (
        hi is not None and hi * scale < 0) else "-"
    return f"{one(value.get('median'))}{unit} ({one(lo)}{sep}{one(hi)})"
  return one(value) + unit


def _median(value: Any) -> float | None:
  if isinstance(value, dict):
    return value.get("median")
  return value


def seeds(run: Run) -> str:
  """The seeds trained, `S`, or `S (k diverged)`."""
  num = int(run.field("num_seeds", 1) or 1)
  diverged = len(run.summary.get("diverged") or [])
  return f"{num} ({diverged} diverged)" if diverged else str(num)


def _steps(run: Run) -> str:
  return f"{int(run.summary.get('step', 0)):,}"


def _widths(widths) -> str:
  return "-".join(str(w) for w in widths) if widths else "-"


# Tables ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
  """A column: its header and the cell of a run (None: the run has no value
  here, shown as `-`)."""
  header: str
  cell: Callable[[Run], str | None]


@dataclasses.dataclass(frozen=True)
class Table:
  """A family's table: `required` figures every run must report; `columns`
  (`optional` ones are kept only when some run has a value)."""
  name: str
  required: tuple[str, ...]
  identity: tuple[Column, ...]
  figures: Callable[[Sequence[Run]], list[Column]]


def _likelihood_method(run: Run) -> str:
  experiment = run.field("experiment")
  if experiment == "vae_mnist":
    objective = run.field("model.objective", "?")
    k = run.field("model.num_samples", 1)
    return f"{objective} (k={k})" if k and k > 1 else objective
  if experiment == "bihm_mnist":
    return f"{run.field('model.method', '?')} (K={run.field('model.num_samples', '?')})"
  if experiment == "boltzmann_mnist":
    if run.field("method") == "dbm":
      return "dbm (lower bound)"
    if run.field("model.persistent"):
      return "rbm PCD"
    return f"rbm CD-{run.field('model.k', '?')}"
  return str(run.field("method") or run.field("model.objective") or "-")


def _likelihood_model(run: Run) -> str:
  experiment = run.field("experiment")
  if experiment == "vae_mnist":
    latents = run.field("model.latents", [])
    return f"784-[{_widths(run.field('model.hidden', []))}]-{_widths(latents)}"
  return f"784-{_widths(run.field('model.hidden', []))}"


def _log_likelihood(run: Run) -> str:
  value = run.eval["test_log_likelihood"]
  text = figure(value, 2)
  stderr = run.eval.get("test_log_likelihood_stderr")
  if stderr is not None and not isinstance(value, dict):
    text += f" +- {figure(stderr, 2)}"
  return text


def _iwae_ks(runs: Sequence[Run]) -> list[int]:
  ks = set()
  for run in runs:
    for key in run.eval:
      rest = key.removeprefix("test_iwae_")
      if key.startswith("test_iwae_") and rest.isdigit():
        ks.add(int(rest))
  return sorted(ks)


def _optional(header: str, key: str, digits: int, runs: Sequence[Run],
              scale: float = 1.0, unit: str = "") -> list[Column]:
  """A column of `eval[key]`, when some run reports it."""
  if not any(key in run.eval for run in runs):
    return []
  return [Column(header, lambda r: figure(r.eval[key], digits, scale, unit)
                 if key in r.eval else None)]


def _likelihood_figures(runs: Sequence[Run]) -> list[Column]:
  columns = [Column("test log-likelihood", _log_likelihood)]
  columns += _optional("test ELBO", "test_elbo", 2, runs)
  for k in _iwae_ks(runs):
    columns += _optional(f"IWAE-{k}", f"test_iwae_{k}", 2, runs)
  columns += _optional("bound 2 log p~*(x)", "test_bound", 2, runs)
  columns += _optional("log Z", "log_z", 2, runs)
  return columns


def _mixture_method(run: Run) -> str:
  experiment = run.field("experiment")
  method = run.field("method")
  if experiment == "gan_mixture":
    return f"gan ({run.field('gan.generator_cost', '?')})"
  if method == "fgan":
    return f"fgan ({run.field('fgan.divergence', '?')})"
  if method == "mmd" and run.field("mmd.learned"):
    return "mmd_gan"
  if method == "pacgan":
    return f"pacgan{run.field('pacgan.packing', '')}"
  if method == "gan_si":
    return f"gan_si (lambda {run.field('gan_si.weight', '?')})"
  if method == "gan" and experiment == "stacked_mnist":
    return "dcgan"
  return str(method or "-")


def _mixture_data(run: Run) -> str:
  if run.field("experiment") == "stacked_mnist":
    return "stacked MNIST"
  return str(run.field("data.name", "-"))


def _mixture_model(run: Run) -> str:
  if run.field("experiment") == "stacked_mnist":
    return (f"DCGAN G {run.field('model.generator_width', '?')} / "
            f"D {run.field('model.discriminator_width', '?')}")
  model = (f"G {_widths(run.field('model.generator_hidden', []))} / "
           f"D {_widths(run.field('model.discriminator_hidden', []))}")
  return model


def _high_quality(run: Run) -> str:
  if "high_quality_pct" in run.eval:
    return figure(run.eval["high_quality_pct"], 1, unit="%")
  return figure(run.eval["high_quality"], 1, scale=100.0, unit="%")


def _reverse_kl(run: Run) -> str:
  value = run.eval.get("reverse_kl", run.eval.get("kl"))
  return figure(value, lambda v: _kl_digits(v))


def _mode_figures(runs: Sequence[Run]) -> list[Column]:
  del runs
  return [Column("modes", lambda r: figure(r.eval["modes"], 0)),
          Column("high quality", _high_quality),
          Column("reverse KL", _reverse_kl)]


def _quality_method(run: Run) -> str:
  experiment = run.field("experiment")
  if experiment == "bgan_mnist":
    centred = ", centred" if run.field("bgan.centred") else ""
    return f"bgan ({run.field('bgan.estimator', '?')}{centred})"
  if experiment == "infogan_mnist":
    return "infogan"
  if experiment == "gan_mnist":
    return f"{run.field('method', '?')} ({run.field('model.name', '?')})"
  return str(run.field("method") or experiment)


def _quality_figures(runs: Sequence[Run]) -> list[Column]:
  prefix = "mnist_classifier_"
  columns = [Column("IS", lambda r: figure(r.eval[prefix + "is"], 2)),
             Column("FID", lambda r: figure(r.eval[prefix + "fid"], 1))]
  columns += _optional("KID", prefix + "kid", 2, runs)
  columns += _optional("rarest digit", prefix + "min_share", 1, runs,
                       scale=100.0, unit="%")
  columns += _optional("code accuracy", "code_accuracy", 1, runs,
                       scale=100.0, unit="%")
  return columns


_RUN = Column("run", lambda r: r.name)
_EXPERIMENT = Column("experiment", lambda r: str(r.field("experiment", "-")))

TABLES = {
    "likelihood": Table(
        "likelihood", ("test_log_likelihood",),
        (_RUN, _EXPERIMENT, Column("method", _likelihood_method),
         Column("model", _likelihood_model)),
        _likelihood_figures),
    "mode_coverage": Table(
        "mode_coverage", ("modes",),
        (_RUN, _EXPERIMENT, Column("method", _mixture_method),
         Column("data", _mixture_data), Column("players", _mixture_model)),
        _mode_figures),
    "sample_quality": Table(
        "sample_quality", ("mnist_classifier_is",),
        (_RUN, _EXPERIMENT, Column("method", _quality_method)),
        _quality_figures),
}
_TAIL = (Column("steps", _steps), Column("seeds", seeds))


def check(table: Table, runs: Sequence[Run]) -> None:
  """Raises `ReportError` naming the first run without the table's
  figures."""
  for run in runs:
    missing = [k for k in table.required if k not in run.eval]
    if missing:
      fits = [t.name for t in TABLES.values()
              if all(k in run.eval for k in t.required)]
      hint = (f"try --table={fits[0]}" if fits else
              f"its eval holds {', '.join(sorted(run.eval)[:6])}")
      raise ReportError(
          f"{run.path}: no {missing[0]} in its summary.json eval (experiment "
          f"{run.field('experiment', '?')}): not a {table.name} run; {hint}")


def markdown(table: Table, runs: Sequence[Run]) -> list[str]:
  """The table's lines: header, rule and one row per run."""
  check(table, runs)
  columns = [*table.identity, *table.figures(runs), *_TAIL]
  def row(cells):
    return "| " + " | ".join(cells) + " |"
  lines = [row(c.header for c in columns),
           row("---" for _ in columns)]
  for run in runs:
    cells = []
    for column in columns:
      cell = column.cell(run)
      cells.append("-" if cell is None else cell.replace("|", "\\|"))
    lines.append(row(cells))
  return lines


class _Parser(argparse.ArgumentParser):
  """argparse whose errors are one line and exit status 2."""

  def error(self, message):
    print(f"error: {self.prog}: {message}: e.g. python -m experiments.report "
          "--table=likelihood runs/vae_mnist", file=sys.stderr)
    sys.exit(2)


def main(argv: Sequence[str] | None = None) -> int:
  parser = _Parser(prog="experiments.report",
                   description="Prints a results table of run folders.")
  parser.add_argument("--table", required=True, choices=sorted(TABLES),
                      help="the family's table")
  parser.add_argument("runs", nargs="+", help="run folders (--workdir)")
  args = parser.parse_args(argv)
  try:
    runs = [load(path) for path in args.runs]
    lines = markdown(TABLES[args.table], runs)
  except ReportError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  print("\n".join(lines))
  return 0


if __name__ == "__main__":
  sys.exit(main())
