"""Mode metrics of the PacGAN protocol on constructed sample sets."""
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.data import mixtures
from gentk.metrics import modes


def test_perfect_samples():
  m = mixtures.grid()
  samples = jnp.repeat(m.centers, 100, axis=0)
  r = modes.mode_metrics(samples, m)
  assert r["modes"] == 25 and r["high_quality_pct"] == 100
  assert r["reverse_kl"] == pytest.approx(0.0, abs=1e-6)


def test_single_mode_collapse():
  m = mixtures.ring()
  r = modes.mode_metrics(jnp.tile(m.centers[:1], (50, 1)), m)
  assert r["modes"] == 1
  assert r["reverse_kl"] == pytest.approx(np.log(8), rel=1e-6)


def test_quality_threshold_is_three_std():
  m = mixtures.ring()
  c = m.centers[0]
  inside = c + jnp.array([2.9 * m.std, 0.0])
  outside = c + jnp.array([3.1 * m.std, 0.0])
  r = modes.mode_metrics(jnp.stack([inside, outside]), m)
  assert r["high_quality_pct"] == pytest.approx(50.0)
  assert r["modes"] == 1


def test_two_modes_hand_computed_kl():
  """h = (3/4, 1/4) on 2 of M=8 modes: KL = 3/4 log(6) + 1/4 log(2)."""
  m = mixtures.ring()
  samples = jnp.concatenate([jnp.tile(m.centers[:1], (3, 1)), m.centers[1:2]])
  r = modes.mode_metrics(samples, m)
  assert r["reverse_kl"] == pytest.approx(
      0.75 * np.log(0.75 * 8) + 0.25 * np.log(0.25 * 8), rel=1e-5)


def test_no_high_quality_sample():
  m = mixtures.ring()
  r = modes.mode_metrics(jnp.full((10, 2), 5.0), m)
  assert r["modes"] == 0 and r["high_quality_pct"] == 0
  assert r["reverse_kl"] == pytest.approx(np.log(8))
