"""The PacGAN mixtures: distinct modes, right spread, batches pure in (key, step)."""
import jax
import numpy as np
import pytest

from gentk.data import mixtures


def test_ring_has_eight_distinct_unit_modes():
  ring = mixtures.ring()
  c = np.asarray(ring.centers)
  assert c.shape == (8, 2)
  np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0, rtol=1e-6)
  gaps = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(8) * 9
  # Neighbours on a unit 8-gon are 2 sin(pi/8) apart; no repeated mode.
  assert gaps.min() == pytest.approx(2 * np.sin(np.pi / 8), rel=1e-5)


def test_grid_modes():
  c = np.asarray(mixtures.grid().centers)
  assert c.shape == (25, 2)
  assert sorted(set(c[:, 0].tolist())) == [-4, -2, 0, 2, 4]
  assert len({tuple(x) for x in c.tolist()}) == 25


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_samples_spread_and_mode_balance(name):
  m = mixtures.get(name)
  x = np.asarray(mixtures.sample(m, jax.random.PRNGKey(0), (20_000,)))
  d = np.linalg.norm(x[:, None] - np.asarray(m.centers)[None], axis=-1)
  nearest, resid = d.argmin(1), x - np.asarray(m.centers)[d.argmin(1)]
  # The residual std of 40,000 coordinates has relative s.e. 1/sqrt(2n) =
  # 0.35%; 3% is ~8 s.e.
  assert resid.std() == pytest.approx(m.std, rel=0.03)
  counts = np.bincount(nearest, minlength=len(m.centers))
  p = 1 / len(m.centers)
  se = np.sqrt(20_000 * p * (1 - p))
  assert np.all(np.abs(counts - 20_000 * p) < 5 * se)  # 5 s.e. per mode.


def test_batches_are_pure_functions_of_key_and_step():
  fn = mixtures.make_batch_fn(mixtures.ring(), 16)
  key = jax.random.PRNGKey(1)
  jitted = jax.jit(fn, static_argnums=2)  # num_batches is static.
  a, b, c = jitted(key, 5, 3), jitted(key, 5, 3), jitted(key, 6, 3)
  assert a["x"].shape == (16, 3, 2)
  assert jitted(key, 5, None)["x"].shape == (16, 2)
  np.testing.assert_array_equal(a["x"], b["x"])
  # Eager and compiled agree to float rounding (XLA may fuse mul-add).
  np.testing.assert_allclose(fn(key, 5, 3)["x"], a["x"], rtol=1e-6, atol=1e-6)
  assert not np.allclose(a["x"], c["x"])


def test_unknown_mixture_names_the_field():
  with pytest.raises(ValueError, match="data.name"):
    mixtures.get("moons")
