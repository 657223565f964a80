"""PSNR and SSIM against their definitions."""
import jax
import numpy as np

from gentk.metrics import image


def test_psnr_of_a_constant_offset():
  y = np.full((2, 8, 8, 1), 0.5, np.float32)
  x = y + np.array([0.1, 0.01], np.float32)[:, None, None, None]
  np.testing.assert_allclose(image.psnr(x, y), [20.0, 40.0], rtol=1e-5)


def _ssim_numpy(x, y, w, c1=1e-4, c2=9e-4):
  """SSIM at the one position where the window covers the whole image."""
  mx, my = np.sum(w * x), np.sum(w * y)
  vx, vy = np.sum(w * (x - mx) ** 2), np.sum(w * (y - my) ** 2)
  cxy = np.sum(w * (x - mx) * (y - my))
  return ((2 * mx * my + c1) * (2 * cxy + c2)
          / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2)))


def test_ssim_matches_the_definition_on_one_window():
  rng = np.random.default_rng(0)
  x = rng.uniform(size=(3, 11, 11, 1)).astype(np.float32)
  y = np.clip(x + rng.normal(0, 0.2, x.shape), 0, 1).astype(np.float32)
  w = np.asarray(image.gaussian_window())
  expected = [_ssim_numpy(x[i, ..., 0], y[i, ..., 0], w) for i in range(3)]
  np.testing.assert_allclose(image.ssim(x, y), expected, rtol=1e-4)


def test_ssim_is_one_for_equal_images_and_falls_with_noise():
  x = jax.random.uniform(jax.random.PRNGKey(0), (1, 28, 28, 1))
  values = [float(image.ssim(np.clip(x + s * jax.random.normal(
      jax.random.PRNGKey(1), x.shape), 0, 1), x)[0])
            for s in (0.0, 0.05, 0.2, 0.5)]
  np.testing.assert_allclose(values[0], 1.0, atol=1e-5)
  assert values[0] > values[1] > values[2] > values[3]
