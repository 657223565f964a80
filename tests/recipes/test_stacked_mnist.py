"""The Stacked MNIST recipe's AdaGAN: the fixed sample of stacks, and a quick
run through the launcher."""
import json

import jax.numpy as jnp
import numpy as np

from gentk.recipes import stacked_mnist
from tests.experiments.test_main import _run

CONFIG = "--config=experiments/configs/stacked_mnist.py"


def test_fixed_stacks_are_fixed_by_the_seed_and_stack_three_digits():
  images = np.arange(10 * 28 * 28, dtype=np.float32).reshape(10, 28, 28, 1)
  points = stacked_mnist.fixed_stacks(images, 50, seed=3)
  again = stacked_mnist.fixed_stacks(images, 50, seed=3)
  other = stacked_mnist.fixed_stacks(images, 50, seed=4)
  index = jnp.arange(50)
  x = np.asarray(points.lookup(index))
  assert points.num == 50 and x.shape == (50, 28, 28, 3)
  np.testing.assert_array_equal(x, again.lookup(index))
  assert np.any(x != np.asarray(other.lookup(index)))
  # Each channel is one whole digit image (its first pixel names it).
  first = x[:, 0, 0, :] / (28 * 28)
  np.testing.assert_array_equal(first, np.round(first))
  for c in range(3):
    np.testing.assert_array_equal(x[:, :, :, c],
                                  images[first[:, c].astype(int), :, :, 0])


def test_adagan_quick_run_scores_the_mixture(tmp_path):
  r = _run(tmp_path, f"{CONFIG}:adagan,quick", timeout=900)
  assert r.returncode == 0, r.stderr[-3000:]
  summary = json.loads((tmp_path / "summary.json").read_text())
  assert [p["name"] for p in summary["phases"]] == [
      "round_1", "ratio_2", "reweight_2", "round_2"]
  assert 1 <= summary["eval"]["modes"] <= 1000
  assert 0 <= summary["eval"]["kl"] <= np.log(1000) + 1e-6
