"""The default runner: train `recipes.build(config)` with the canonical loop."""
import ml_collections

from gentk import recipes
from gentk.training import loop


def run(config: ml_collections.ConfigDict, workdir: str) -> dict:
  """Trains, evaluates and prints the final figures."""
  summary = loop.train(config, workdir, recipes.build(config))
  if "eval" in summary:
    print("final evaluation:")
    for name, value in summary["eval"].items():
      if isinstance(value, dict):
        print(f"  {name}: median {value['median']:.3f} "
              f"(range {value['min']:.3f} .. {value['max']:.3f})")
      else:
        print(f"  {name}: {value:.3f}")
  return summary
