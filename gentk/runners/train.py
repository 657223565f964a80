"""The default runner: train `recipes.build(config)` with the canonical loop."""
import ml_collections

from gentk import recipes
from gentk.training import loop


def run(config: ml_collections.ConfigDict, workdir: str) -> dict:
  """Trains, evaluates and prints the final figures."""
  summary = loop.train(config, workdir, recipes.build(config))
  if "sweep" in summary:
    _print_sweep(summary["sweep"])
  elif "eval" in summary:
    print("final evaluation:")
    for name, value in summary["eval"].items():
      if isinstance(value, dict):
        print(f"  {name}: median {value['median']:.3f} "
              f"(range {value['min']:.3f} .. {value['max']:.3f})")
      else:
        print(f"  {name}: {value:.3f}")
  return summary


def _print_sweep(table: dict) -> None:
  """Each point's median (range) of the sweep's metric, and the best."""
  metric = table["metric"]
  print(f"sweep of {len(table['points'])} points x {table['num_seeds']} "
        f"seeds, {metric}:")
  for row in table["points"]:
    stats = row["eval"].get(metric, {})
    values = ", ".join(f"{k}={v:g}" for k, v in row["values"].items())
    figure = ("diverged" if stats.get("median") is None else
              f"median {stats['median']:.3f} (range {stats['min']:.3f} .. "
              f"{stats['max']:.3f})")
    print(f"  point {row['point']} ({values}): {figure}")
  if table["best"]:
    print(f"best: point {table['best']['point']}")
