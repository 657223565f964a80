r"""Full-reference image quality: PSNR and SSIM, per image.

PSNR = 10 log10(L^2 / MSE) with L the data range (1 for images in [0, 1]).

SSIM (Wang et al. 2004) averages over the image the local index

  SSIM(x, y) = (2 mu_x mu_y + C1) (2 sigma_xy + C2)
               / ((mu_x^2 + mu_y^2 + C1) (sigma_x^2 + sigma_y^2 + C2)),

with means, variances and the covariance weighted by an 11 x 11 Gaussian
window of std 1.5, C1 = (0.01 L)^2, C2 = (0.03 L)^2, over the positions where
the window fits inside the image ('valid'), channel by channel.

References:
  Wang et al. 2004, "Image quality assessment: from error visibility to
    structural similarity", IEEE TIP 13(4), https://doi.org/10.1109/TIP.2003.819861
"""
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def psnr(x: ArrayLike, y: ArrayLike, *, data_range: float = 1.0) -> Array:
  """PSNR in dB of images `x` against references `y`, both `[B, H, W, C]`:
  `[B]` (inf where they are equal)."""
  mse = jnp.mean((jnp.asarray(x) - jnp.asarray(y)) ** 2, axis=(1, 2, 3))
  return 10.0 * jnp.log10(data_range ** 2 / mse)


def gaussian_window(size: int = 11, std: float = 1.5) -> Array:
  """The normalised `[size, size]` Gaussian window of SSIM."""
  r = jnp.arange(size, dtype=jnp.float32) - (size - 1) / 2
  g = jnp.exp(-0.5 * (r / std) ** 2)
  w = jnp.outer(g, g)
  return w / w.sum()


def _local_mean(x: Array, window: Array) -> Array:
  """Window-weighted means of `[B, H, W, C]` at 'valid' positions, channel by
  channel."""
  b, h, w, c = x.shape
  planes = jnp.moveaxis(x, -1, 1).reshape(b * c, 1, h, w)
  out = jax.lax.conv_general_dilated(planes, window[None, None], (1, 1),
                                     "VALID")
  return jnp.moveaxis(out.reshape(b, c, *out.shape[2:]), 1, -1)


def ssim(x: ArrayLike, y: ArrayLike, *, data_range: float = 1.0,
         window_size: int = 11, window_std: float = 1.5) -> Array:
  """Mean SSIM of images `x` against references `y`, both `[B, H, W, C]`
  (H, W >= `window_size`): `[B]`, 1 where they are equal."""
  x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32)
  window = gaussian_window(window_size, window_std)
  mu_x, mu_y = _local_mean(x, window), _local_mean(y, window)
  var_x = _local_mean(x * x, window) - mu_x ** 2
  var_y = _local_mean(y * y, window) - mu_y ** 2
  cov = _local_mean(x * y, window) - mu_x * mu_y
  c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
  index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)
           / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2)))
  return jnp.mean(index, axis=(1, 2, 3))
