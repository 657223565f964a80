r"""Mode coverage on Gaussian mixtures (the 2-D ones of the PacGAN protocol).

A sample is *high quality* if it lies within 3 std of its nearest mode; a mode
is *captured* if it is the nearest mode of at least one high-quality sample.
The reverse KL is KL(h || u) between the histogram h of high-quality samples
over modes and the uniform u (empty bins contribute 0).

References:
  Lin et al. 2018, "PacGAN", Section 4.1 and Table 1,
    https://arxiv.org/abs/1712.04086
"""
import chex
import jax.numpy as jnp

from gentk.data.mixtures import Mixture
from gentk.types import Array, ArrayLike

NUM_EVAL_SAMPLES = 2500  # The protocol's sample count.


def mode_histogram(samples: ArrayLike, mixture: Mixture, *,
                   num_std: float = 3.0) -> tuple[Array, Array]:
  """Assigns samples to their nearest mode.

  Args:
    samples: shape `[N, D]`, D the mixture's dimension.
    mixture: the target mixture.
    num_std: a sample is high quality within `num_std * mixture.std`.
  Returns:
    `(counts, high_quality)`: counts of high-quality samples per mode `[M]`,
    and the per-sample high-quality indicator `[N]`.
  """
  chex.assert_rank(samples, 2)
  dist = jnp.linalg.norm(samples[:, None, :] - mixture.centers[None], axis=-1)
  nearest = jnp.argmin(dist, axis=-1)
  high_quality = jnp.min(dist, axis=-1) <= num_std * mixture.std
  counts = jnp.zeros(mixture.centers.shape[0]).at[nearest].add(high_quality)
  return counts, high_quality


def mode_metrics(samples: ArrayLike, mixture: Mixture) -> dict[str, Array]:
  r"""Modes captured, % high quality and KL(h || uniform), for one run.

  KL(h || u) = sum_m h_m log(h_m M), with h the normalised histogram of
  high-quality samples (KL = log M when no sample is high quality, the
  convention for an empty histogram treated as a point mass).

  Args:
    samples: generated samples, shape `[N, D]` (the protocol uses N = 2,500).
    mixture: the target mixture.
  Returns:
    dict with `modes`, `high_quality_pct`, `reverse_kl` (scalars).
  """
  counts, high_quality = mode_histogram(samples, mixture)
  num_modes = counts.shape[0]
  total = counts.sum()
  h = counts / jnp.maximum(total, 1.0)
  kl = jnp.sum(jnp.where(h > 0, h * jnp.log(h * num_modes), 0.0))
  kl = jnp.where(total > 0, kl, jnp.log(num_modes))
  return {
      "modes": jnp.sum(counts > 0).astype(jnp.float32),
      "high_quality_pct": 100.0 * jnp.mean(high_quality),
      "reverse_kl": kl,
  }
