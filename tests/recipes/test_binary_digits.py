"""Binarised digits for the likelihood models: static and dynamic
binarisation, held-out sets fixed."""
import jax
import numpy as np
import pytest

from gentk.configs import vae_mnist
from gentk.data import digits


def _config(binarization: str):
  config = vae_mnist.get_config("quick")
  config.data.source = "segments"  # Same data on every machine.
  config.data.binarization = binarization
  return config


@pytest.mark.parametrize("binarization", ["static", "dynamic"])
def test_training_batches_are_binary_and_held_out_sets_fixed(binarization):
  data = digits.binary_digits(_config(binarization))
  again = digits.binary_digits(_config(binarization))
  np.testing.assert_array_equal(data.test, again.test)
  np.testing.assert_array_equal(data.valid, again.valid)
  assert set(np.unique(data.test)) <= {0.0, 1.0}
  assert len(data.valid) == 100
  batch = data.data_fn(jax.random.PRNGKey(0), 3)["x"]
  assert set(np.unique(np.asarray(batch))) <= {0.0, 1.0}


def test_static_binarisation_fixes_each_training_image():
  static = digits.binary_digits(_config("static")).data_fn
  dynamic = digits.binary_digits(_config("dynamic")).data_fn
  # The stored training images: binary once for 'static', intensities for
  # 'dynamic' (binarised in every step).
  assert set(np.unique(np.asarray(static.args[0]))) <= {0.0, 1.0}
  stored = np.asarray(jax.tree.leaves(dynamic)[0])
  assert np.any((stored > 0) & (stored < 1))
