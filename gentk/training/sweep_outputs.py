"""What a sweep leaves in its workdir, besides the run's own files.

* `points/point{p}/summary.json` and `config.json`: the point as a run of
  its own: its values, its evaluation (median / min / max / per seed over its
  seeds that trained to the end), its diverged seeds, and the config with the
  point's values in place (so `experiments.report` reads a point folder as a
  run);
* `points/point{p}/metrics.jsonl` and `points/point{p}/tensorboard/`: the
  run's logged metrics, the point's seeds only (one TensorBoard run per
  point);
* `sweep.json` (also `summary.json["sweep"]`): every point in a table, and
  the best point by `config.sweep_metric` (`config.sweep_goal` 'max' or
  'min');
* `sweep.png`: the final metric against each swept field, a point's median
  over its seeds with their range as error bars.
"""
import json
import pathlib
import shutil

from matplotlib.figure import Figure
import ml_collections
import numpy as np

from gentk.training import sweep
from gentk.training import writers

POINTS_DIR = "points"


def point_dir(workdir: pathlib.Path, p: int) -> pathlib.Path:
  """`<workdir>/points/point<p>`, point p's folder."""
  return pathlib.Path(workdir) / POINTS_DIR / f"point{p}"


def _aggregate(values: list[float | None]) -> dict:
  """Median / min / max over the seeds that trained to the end (None: a
  diverged seed), and the values per seed."""
  done = np.asarray([v for v in values if v is not None], float)
  if not done.size:
    return {"median": None, "min": None, "max": None, "per_seed": values}
  return {"median": float(np.median(done)), "min": float(done.min()),
          "max": float(done.max()), "per_seed": values}


def point_evals(results: dict[int, dict], num_points: int, num_seeds: int
                ) -> list[dict]:
  """Per point, each metric aggregated over its seeds."""
  names = next(iter(results.values())).keys() if results else []
  return [{name: _aggregate([
      float(results[r][name]) if r in results else None
      for r in range(p * num_seeds, (p + 1) * num_seeds)]) for name in names}
          for p in range(num_points)]


def split_metrics(workdir: pathlib.Path, num_points: int, num_seeds: int
                  ) -> None:
  """`metrics.jsonl` of the run, rewritten per point (and to TensorBoard)."""
  records = writers.read_metrics(workdir)
  runs = num_points * num_seeds
  for p in range(num_points):
    out = point_dir(workdir, p)
    out.mkdir(parents=True, exist_ok=True)
    (out / writers.METRICS_FILE).unlink(missing_ok=True)
    shutil.rmtree(out / "tensorboard", ignore_errors=True)
    writer = writers.MetricWriter(out)
    for record in records:
      metrics, tags = {}, {}
      for name, value in record.items():
        if name == "step":
          continue
        if isinstance(value, str):
          tags[name] = value
        elif isinstance(value, list) and len(value) == runs:
          part = value[p * num_seeds:(p + 1) * num_seeds]
          metrics[name] = part if num_seeds > 1 else part[0]
        else:
          metrics[name] = value
      writer.write(record["step"], metrics, tags)
    writer.close()


def best_point(table: list[dict], metric: str, goal: str) -> dict | None:
  """The point whose median of `metric` is highest ('max') or lowest."""
  scored = [(row["eval"][metric]["median"], p) for p, row in enumerate(table)
            if metric in row["eval"]
            and row["eval"][metric]["median"] is not None]
  if not scored:
    return None
  value, p = (max if goal == "max" else min)(scored)
  return {"point": p, "values": table[p]["values"], "metric": metric,
          "median": value}


def plot(table: list[dict], fields: dict, metric: str,
         path: pathlib.Path) -> None:
  """One panel per swept field: the metric's median (range as error bars)
  at each point, against that field's value; points sharing the other
  fields' values are joined."""
  fig = Figure(figsize=(4.0 * len(fields), 3.2), dpi=100)
  axes = fig.subplots(1, len(fields), squeeze=False)[0]
  for ax, name in zip(axes, fields):
    others = [f for f in fields if f != name]
    groups: dict[tuple, list] = {}
    for row in table:
      stats = row["eval"].get(metric)
      if stats is None or stats["median"] is None:
        continue
      key = tuple(row["values"][f] for f in others)
      groups.setdefault(key, []).append((row["values"][name], stats))
    for key, rows in sorted(groups.items()):
      rows.sort(key=lambda r: r[0])
      x = [r[0] for r in rows]
      y = np.asarray([r[1]["median"] for r in rows])
      lo = y - np.asarray([r[1]["min"] for r in rows])
      hi = np.asarray([r[1]["max"] for r in rows]) - y
      label = ", ".join(f"{f}={v:g}" for f, v in zip(others, key)) or None
      ax.errorbar(x, y, yerr=[lo, hi], marker="o", capsize=3, label=label)
    if len(set(fields[name])) > 1 and min(fields[name]) > 0 and (
        max(fields[name]) / min(fields[name]) >= 10):
      ax.set_xscale("log")
    ax.set_xlabel(name)
    ax.set_ylabel(metric)
    if others:
      ax.legend(fontsize=6)
  fig.tight_layout()
  fig.savefig(path)


def point_config(run_config: dict, values: dict) -> dict:
  """The run's resolved config (`config.json`) with a point's values in
  place and the sweep's fields left out."""
  config = json.loads(json.dumps(run_config))
  for name in (sweep.SWEEP, sweep.METRIC, sweep.GOAL):
    config.pop(name, None)
  for dotted, value in values.items():
    *parents, leaf = dotted.split(".")
    node = config
    for part in parents:
      node = node[part]
    node[leaf] = value
  return config


def _write_point(out: pathlib.Path, row: dict, summary: dict,
                 run_config: dict) -> None:
  """A point's folder as a run's: `summary.json` (its row, with the run's
  status and step) and `config.json`."""
  out.mkdir(parents=True, exist_ok=True)
  point_summary = {"status": summary["status"], "step": summary["step"],
                   "steps_per_s": summary.get("steps_per_s"), **row,
                   "diverged": [{"seed": s} for s in row["diverged_seeds"]]}
  (out / "summary.json").write_text(json.dumps(point_summary, indent=2),
                                    encoding="utf-8")
  (out / "config.json").write_text(
      json.dumps(point_config(run_config, row["values"]), indent=2),
      encoding="utf-8")


def write(workdir: pathlib.Path, config: ml_collections.ConfigDict,
          summary: dict, results: dict[int, dict]) -> dict:
  """Writes the sweep's files (module docstring); returns the sweep's
  table, also `summary.json["sweep"]`."""
  workdir = pathlib.Path(workdir)
  fields = sweep.fields(config)
  grid = sweep.points(config)
  num_seeds = config.get("num_seeds", 1)
  evals = point_evals(results, len(grid), num_seeds)
  diverged = summary.get("diverged", [])
  table = []
  run_config = json.loads((workdir / "config.json").read_text("utf-8"))
  for p, values in enumerate(grid):
    row = {"point": p, "values": values, "eval": evals[p],
           "diverged_seeds": [d["seed"] % num_seeds for d in diverged
                              if d["seed"] // num_seeds == p]}
    table.append(row)
    _write_point(point_dir(workdir, p), row, summary, run_config)
  split_metrics(workdir, len(grid), num_seeds)
  metric = config.get(sweep.METRIC) or next(iter(evals[0]), None)
  result = {"fields": {k: list(v) for k, v in fields.items()},
            "num_seeds": num_seeds, "metric": metric, "points": table,
            "best": (best_point(table, metric, config.get(sweep.GOAL, "max"))
                     if metric else None)}
  if metric:
    plot(table, fields, metric, workdir / "sweep.png")
  (workdir / "sweep.json").write_text(json.dumps(result, indent=2),
                                      encoding="utf-8")
  return result
