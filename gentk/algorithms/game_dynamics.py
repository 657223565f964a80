r"""Gradient dynamics of a two-player zero-sum game min_x max_y f(x, y).

Gradient descent-ascent (GDA) with step size eta, simultaneous:

  x_{t+1} = x_t - eta df/dx(x_t, y_t),   y_{t+1} = y_t + eta df/dy(x_t, y_t),

or alternating (y sees the x just updated):

  x_{t+1} = x_t - eta df/dx(x_t, y_t),   y_{t+1} = y_t + eta df/dy(x_{t+1}, y_t).

On the bilinear game f(x, y) = x y (equilibrium (0, 0)) the continuous-time
flow dx/dt = -y, dy/dt = x circles the equilibrium forever,

  x(t) = x_0 cos t - y_0 sin t,   y(t) = y_0 cos t + x_0 sin t,

(the tutorial's x_0 cos t + y_0 sin t is the same orbit with x ascending and y
descending); simultaneous steps multiply the distance to the equilibrium by
sqrt(1 + eta^2) per step (spiral out), and alternating steps keep
x^2 + y^2 - eta x y constant (a closed, slightly tilted orbit: bounded, never
converging).

References:
  Goodfellow 2016, "NIPS 2016 Tutorial: Generative Adversarial Networks",
    Section 8.2 (non-convergence), https://arxiv.org/abs/1701.00160
  Gidel et al. 2019, "Negative momentum for improved game dynamics" (the
    alternating update's invariant), https://arxiv.org/abs/1807.04740
"""
from typing import Callable

import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def bilinear(x: ArrayLike, y: ArrayLike) -> Array:
  """The bilinear game's value f(x, y) = x y (scalars)."""
  return x * y


def gda_step(f: Callable, z: Array, eta: float, *,
             alternating: bool = False) -> Array:
  """One GDA step on `f`: x descends, y ascends.

  Args:
    f: `(x, y) -> scalar`, the value x minimises and y maximises.
    z: `[2]`, the point (x, y).
    eta: step size.
    alternating: y steps from the updated x (else simultaneous).
  Returns:
    the next point, `[2]`.
  """
  x, y = z[0], z[1]
  x_next = x - eta * jax.grad(f, 0)(x, y)
  y_next = y + eta * jax.grad(f, 1)(x_next if alternating else x, y)
  return jnp.stack([x_next, y_next])


def gda_trajectory(f: Callable, z0: ArrayLike, eta: float, num_steps: int, *,
                   alternating: bool = False) -> Array:
  """The points z_0, ..., z_T of `num_steps` GDA steps (one `lax.scan`).

  Args:
    f: `(x, y) -> scalar`.
    z0: `[2]`, the start (x_0, y_0).
    eta: step size.
    num_steps: T.
    alternating: see `gda_step`.
  Returns:
    `[T + 1, 2]`.
  """
  z0 = jnp.asarray(z0, jnp.float32)

  def step(z, _):
    z_next = gda_step(f, z, eta, alternating=alternating)
    return z_next, z_next

  _, zs = jax.lax.scan(step, z0, None, length=num_steps)
  return jnp.concatenate([z0[None], zs])


def bilinear_flow(z0: ArrayLike, t: ArrayLike) -> Array:
  """The continuous-time GDA flow of f = x y at times `t` `[T]`: `[T, 2]`
  with x(t) = x_0 cos t - y_0 sin t, y(t) = y_0 cos t + x_0 sin t."""
  x0, y0 = jnp.asarray(z0, jnp.float32)
  t = jnp.asarray(t, jnp.float32)
  return jnp.stack([x0 * jnp.cos(t) - y0 * jnp.sin(t),
                    y0 * jnp.cos(t) + x0 * jnp.sin(t)], -1)


def alternating_invariant(z: ArrayLike, eta: float) -> Array:
  """x^2 + y^2 - eta x y of points `z [..., 2]`: constant along alternating
  GDA on f = x y (so its orbit is a bounded ellipse)."""
  z = jnp.asarray(z)
  x, y = z[..., 0], z[..., 1]
  return x ** 2 + y ** 2 - eta * x * y
