r"""Inverse-transform sampling: $z = F^{-1}(u)$, $u \sim U(0, 1)$.

If $F$ is the CDF of $p$ then $P(F^{-1}(u) \le z) = P(u \le F(z)) = F(z)$.
When $F^{-1}$ has a closed form (`sample_from_quantile`) it is used directly;
otherwise the density is tabulated on a grid and the CDF of its
piecewise-linear interpolant is inverted exactly, cell by cell (`grid_cdf`,
`grid_quantile`): the samples follow the interpolant, whose error is
$O(h^2)$ in the grid spacing $h$ for a smooth density.

References:
  Devroye 1986, "Non-Uniform Random Variate Generation", Chapter 2,
    http://luc.devroye.org/rnbookindex.html
"""
from typing import Callable, NamedTuple

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey


class GridCDF(NamedTuple):
  """A 1-D density tabulated on a grid, normalised, with its CDF.

  Attributes:
    grid: increasing abscissae $g_0 < ... < g_{G-1}$, shape `[G]`.
    density: the normalised piecewise-linear density at the grid points, `[G]`.
    cdf: $F(g_i)$, `[G]`, from 0 to 1.
  """
  grid: Array
  density: Array
  cdf: Array


def sample_from_quantile(key: PRNGKey, quantile_fn: Callable[[Array], Array],
                         shape: tuple[int, ...]) -> Array:
  r"""Draws $z = F^{-1}(u)$ with $u \sim U(0, 1)$.

  Args:
    key: PRNG key.
    quantile_fn: $F^{-1}$, elementwise on `[...]`.
    shape: the sample shape.
  Returns:
    samples, `quantile_fn` applied to uniforms of shape `shape`.
  References:
    Devroye 1986, Theorem 2.1.
  """
  # Open interval: F^{-1}(0) and F^{-1}(1) are infinite for unbounded supports.
  u = jax.random.uniform(key, shape, minval=jnp.finfo(jnp.float32).tiny,
                         maxval=1.0)
  return quantile_fn(u)


def grid_cdf(grid: ArrayLike, log_density: ArrayLike) -> GridCDF:
  r"""Tabulates the CDF of the piecewise-linear interpolant of a density.

  With $\tilde p_i = \tilde p(g_i)$ (unnormalised) and the trapezoid rule,
  $\tilde F_i = \sum_{j < i} \frac{h_j}{2} (\tilde p_j + \tilde p_{j+1})$,
  $Z = \tilde F_{G-1}$, $F_i = \tilde F_i / Z$, $p_i = \tilde p_i / Z$.

  Args:
    grid: increasing grid, shape `[G]`, covering the support's bulk.
    log_density: $\log \tilde p(g_i)$, shape `[..., G]` (unnormalised; a batch
      of densities on the same grid is allowed).
  Returns:
    the `GridCDF` (density and cdf with the shape of `log_density`).
  """
  grid = jnp.asarray(grid, jnp.float32)
  log_density = jnp.asarray(log_density, jnp.float32)
  chex.assert_rank(grid, 1)
  chex.assert_equal_shape_suffix([grid, log_density], 1)
  # exp(log p - max) avoids overflow; the common factor cancels in F.
  density = jnp.exp(log_density -
                    jnp.max(log_density, axis=-1, keepdims=True))
  cell_mass = 0.5 * jnp.diff(grid) * (density[..., 1:] + density[..., :-1])
  cumulative = jnp.concatenate(
      [jnp.zeros_like(density[..., :1]), jnp.cumsum(cell_mass, axis=-1)],
      axis=-1)
  normaliser = cumulative[..., -1:]
  return GridCDF(grid, density / normaliser, cumulative / normaliser)


def grid_quantile(table: GridCDF, u: ArrayLike) -> Array:
  r"""Inverts the piecewise-quadratic CDF of `table` exactly at `u`.

  In cell $[g_i, g_{i+1}]$ of width $h$ with end densities $p_0, p_1$,
  $F(g_i + t) = F_i + p_0 t + \frac{p_1 - p_0}{2h} t^2$; for $r = u - F_i$ the
  root in $[0, h]$ is
  $$t = \frac{2 r}{p_0 + \sqrt{p_0^2 + 2 (p_1 - p_0) r / h}},$$
  the rationalised form of the quadratic formula (no cancellation when
  $p_1 \approx p_0$).

  Args:
    table: a `GridCDF` with one density (cdf of shape `[G]`).
    u: uniforms in [0, 1], any shape.
  Returns:
    $F^{-1}(u)$, the shape of `u`.
  """
  chex.assert_rank(table.cdf, 1)
  u = jnp.asarray(u, jnp.float32)
  grid, density, cdf = table
  num_cells = grid.shape[0] - 1
  cell = jnp.clip(jnp.searchsorted(cdf, u, side="right") - 1, 0, num_cells - 1)
  width = grid[cell + 1] - grid[cell]
  p0, p1 = density[cell], density[cell + 1]
  r = jnp.clip(u - cdf[cell], 0.0, None)
  discriminant = jnp.maximum(p0**2 + 2.0 * (p1 - p0) * r / width, 0.0)
  denominator = p0 + jnp.sqrt(discriminant)
  t = jnp.where(denominator > 0, 2.0 * r / jnp.where(
      denominator > 0, denominator, 1.0), 0.0)
  return grid[cell] + jnp.clip(t, 0.0, width)


def sample_on_grid(key: PRNGKey, log_density_fn: Callable[[Array], Array],
                   grid: ArrayLike, shape: tuple[int, ...]) -> Array:
  r"""Draws from a 1-D unnormalised density by inverting its CDF on a grid.

  Args:
    key: PRNG key.
    log_density_fn: $\log \tilde p$, elementwise, `[G] -> [G]`.
    grid: increasing grid, shape `[G]`; mass outside it is dropped.
    shape: the sample shape.
  Returns:
    samples of shape `shape`.
  References:
    Devroye 1986, Section 2.2 (inversion by numerical methods).
  """
  grid = jnp.asarray(grid, jnp.float32)
  table = grid_cdf(grid, log_density_fn(grid))
  return sample_from_quantile(key, lambda u: grid_quantile(table, u), shape)
