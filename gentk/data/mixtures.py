r"""Gaussian mixtures (the 2-D ones of the PacGAN protocol), sampled inside a
compiled step.

Ring: 8 modes evenly spaced on the unit circle, std 0.01.
Grid: 25 modes at {-4,-2,0,2,4}^2, std 0.05.
Line: 4 modes at {-3,-1,1,3} on the real line, std 0.1 (1-D; the game-dynamics
demo's mode hopping).

References:
  Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
    networks", Section 4.1, https://arxiv.org/abs/1712.04086
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gentk.types import Array, PRNGKey


class Mixture(NamedTuple):
  """An equal-weight isotropic Gaussian mixture.

  Attributes:
    centers: mode centres, shape `[M, D]` (D = 2 for the PacGAN mixtures).
    std: the common standard deviation of every mode.
  """
  centers: Array
  std: float


def ring(num_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> Mixture:
  """Modes at angles 2*pi*m/M, m = 0..M-1 (M distinct angles, no repeated mode)."""
  angles = 2 * np.pi * np.arange(num_modes) / num_modes
  centers = radius * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
  return Mixture(jnp.asarray(centers, jnp.float32), std)


def grid(values=(-4., -2., 0., 2., 4.), std: float = 0.05) -> Mixture:
  """Modes at the Cartesian product values x values."""
  xs, ys = np.meshgrid(np.asarray(values), np.asarray(values), indexing="ij")
  centers = np.stack([xs.ravel(), ys.ravel()], axis=-1)
  return Mixture(jnp.asarray(centers, jnp.float32), std)


def line(values=(-3., -1., 1., 3.), std: float = 0.1) -> Mixture:
  """1-D modes at `values` (centres of shape `[M, 1]`)."""
  return Mixture(jnp.asarray(values, jnp.float32)[:, None], std)


MIXTURES = {"ring": ring, "grid": grid, "line": line}


def get(name: str) -> Mixture:
  """The mixture named `name` ('ring', 'grid' or 'line')."""
  if name not in MIXTURES:
    raise ValueError(f"unknown mixture {name!r}: set data.name to one of "
                     f"{sorted(MIXTURES)}")
  return MIXTURES[name]()


def sample(mixture: Mixture, key: PRNGKey, shape: tuple[int, ...]) -> Array:
  """Draws samples of shape `shape + (D,)`: a uniform mode plus Gaussian
  noise."""
  key_mode, key_noise = jax.random.split(key)
  modes = jax.random.randint(key_mode, shape, 0, mixture.centers.shape[0])
  noise = jax.random.normal(key_noise, shape + mixture.centers.shape[-1:])
  return mixture.centers[modes] + mixture.std * noise


def make_batch_fn(mixture: Mixture, batch_size: int
                  ) -> Callable[..., dict[str, Array]]:
  """Returns `batch_fn(key, step, num_batches=None) -> {"x": ...}`, pure in
  `(key, step)`.

  Args:
    mixture: the target mixture.
    batch_size: examples per batch (the leading, example axis).
  Returns:
    `batch_fn`; `num_batches` k (a static int, the training phase's, see
    `gentk.types.Phase`) draws `[batch_size, k, D]`, one batch per inner step
    (e.g. per discriminator step), example axis first; None draws
    `[batch_size, D]`.
  """
  def batch_fn(key: PRNGKey, step: Array,
               num_batches: int | None = None) -> dict[str, Array]:
    shape = (batch_size,) if num_batches is None else (batch_size,
                                                       num_batches)
    return {"x": sample(mixture, jax.random.fold_in(key, step), shape)}

  return batch_fn
