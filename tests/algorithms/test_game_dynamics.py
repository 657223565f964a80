"""GDA on min_x max_y xy against its closed forms."""
import jax.numpy as jnp
import numpy as np

from gentk.algorithms import game_dynamics as gd


def test_simultaneous_steps_spiral_out_by_sqrt_1_plus_eta2_per_step():
  eta, steps = 0.1, 200
  z = np.asarray(gd.gda_trajectory(gd.bilinear, (0.6, -0.8), eta, steps))
  ratios = np.linalg.norm(z[1:], axis=-1) / np.linalg.norm(z[:-1], axis=-1)
  # Exact per step in real arithmetic; float32 rounding only.
  np.testing.assert_allclose(ratios, np.sqrt(1 + eta ** 2), rtol=1e-5)
  # The angle advances by atan(eta) per step (a spiral, not a ray).
  angles = np.unwrap(np.arctan2(z[:, 1], z[:, 0]))
  np.testing.assert_allclose(np.diff(angles), np.arctan(eta), atol=1e-5)


def test_alternating_steps_stay_bounded_on_their_invariant():
  eta, steps = 0.3, 2_000
  z = gd.gda_trajectory(gd.bilinear, (1.0, 0.5), eta, steps, alternating=True)
  invariant = np.asarray(gd.alternating_invariant(z, eta))
  np.testing.assert_allclose(invariant, invariant[0], rtol=1e-4)
  radius = np.linalg.norm(np.asarray(z), axis=-1)
  # The ellipse x^2 + y^2 - eta xy = c lies within r^2 <= c / (1 - eta / 2).
  assert radius.max() <= np.sqrt(invariant[0] / (1 - eta / 2)) * (1 + 1e-4)
  assert radius.min() > 0.5  # Never converges to (0, 0).


def test_small_steps_follow_the_continuous_flow():
  z0, t = (1.0, 0.0), 2.0
  errors = []
  for eta in (0.02, 0.01, 0.005):
    steps = int(round(t / eta))
    z = gd.gda_trajectory(gd.bilinear, z0, eta, steps, alternating=True)
    exact = gd.bilinear_flow(z0, jnp.asarray([t]))[0]
    errors.append(float(jnp.linalg.norm(z[-1] - exact)))
  # First-order method: the error halves with the step (within 20%).
  assert errors[0] > errors[1] > errors[2]
  np.testing.assert_allclose(errors[0] / errors[1], 2.0, rtol=0.2)
  np.testing.assert_allclose(errors[1] / errors[2], 2.0, rtol=0.2)


def test_flow_is_the_solution_of_the_ode():
  t = jnp.linspace(0.0, 6.0, 7)
  z = gd.bilinear_flow((0.3, 0.4), t)
  dt = 1e-3
  dz = (gd.bilinear_flow((0.3, 0.4), t + dt) - gd.bilinear_flow(
      (0.3, 0.4), t - dt)) / (2 * dt)
  # dx/dt = -df/dx = -y, dy/dt = df/dy = x.
  np.testing.assert_allclose(dz, jnp.stack([-z[:, 1], z[:, 0]], -1),
                             atol=2e-3)


def test_gda_step_descends_x_and_ascends_y_of_any_game():
  def f(x, y):  # Strongly convex in x, strongly concave in y: converges.
    return x ** 2 - y ** 2 + x * y
  z = gd.gda_trajectory(f, (1.0, 1.0), 0.1, 300)
  np.testing.assert_allclose(z[-1], 0.0, atol=1e-6)
  z1 = gd.gda_step(f, jnp.asarray([1.0, 1.0]), 0.1)
  np.testing.assert_allclose(z1, [1 - 0.1 * 3, 1 + 0.1 * (-2 + 1)],
                             rtol=1e-6)
