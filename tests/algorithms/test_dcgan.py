"""DCGAN: batch normalisation in the state, eval-mode sampling, and the same
step under a named data axis (as under pmap) as on one device."""
import jax
import numpy as np
import optax
import pytest

from gentk.algorithms import dcgan
from gentk.data import segment_digits
from gentk.models import dcgan as models

LATENT, WIDTH, BATCH = 8, 4, 8
BN = "batch_stats"


def _algorithm(axis_name=None):
  return dcgan.make_dcgan(latent_dim=LATENT, width=WIDTH,
                          generator_optimizer=optax.adam(1e-3),
                          discriminator_optimizer=optax.adam(1e-3),
                          axis_name=axis_name)


@pytest.fixture(scope="module")
def run():
  """(algorithm, batch, state before, state after one jitted step)."""
  algorithm = _algorithm()
  images = segment_digits.segment_digits(BATCH).images
  batch = {"x": images[:, None]}  # [B, k=1, 28, 28, 1]
  key = jax.random.PRNGKey(0)
  state0 = jax.jit(algorithm.init)(key, batch)
  state1, metrics = jax.jit(algorithm.train_step)(state0, batch, key)
  return algorithm, batch, state0, state1, metrics


def test_state_holds_both_players_running_averages(run):
  _, _, state0, state1, metrics = run
  assert set(state1.collections) == {"generator", "discriminator"}
  assert all(np.isfinite(v) for v in metrics.values())
  for player in ("generator", "discriminator"):
    before = jax.tree.leaves(state0.collections[player][BN])
    after = jax.tree.leaves(state1.collections[player][BN])
    assert before and all(np.all(np.isfinite(a)) for a in after)
    # One step moves every running mean / variance off its initial 0 / 1.
    assert all(np.max(np.abs(a - b)) > 1e-6 for a, b in zip(after, before))
  assert int(state1.step) == 0  # The runtime, not the step, counts steps.


def test_discriminator_running_averages_track_the_real_batch(run):
  _, batch, state0, state1, _ = run
  module = models.DCGANDiscriminator(WIDTH)
  variables = {**state0.params["discriminator"],
               **state0.collections["discriminator"]}
  # Expected: momentum 0.9 towards the statistics of the real batch under the
  # parameters the step's loss saw (before the update).
  _, expected = jax.jit(lambda v, x: module.apply(
      v, x, train=True, mutable=[BN]))(variables, batch["x"][:, 0])
  got = state1.collections["discriminator"]
  for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(expected)):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sample_uses_running_averages(run):
  algorithm, _, _, state1, _ = run
  key = jax.random.PRNGKey(3)
  samples = jax.jit(algorithm.sample, static_argnums=2)(state1, key, 6)
  assert samples.shape == (6, 28, 28, 1)
  assert np.all((samples > 0) & (samples < 1))
  module = models.DCGANGenerator(WIDTH)
  variables = {**state1.params["generator"], **state1.collections["generator"]}
  z = jax.random.normal(key, (6, LATENT))  # gaussian_latent's draw.
  apply = jax.jit(lambda v, z: module.apply(v, z, train=False))
  np.testing.assert_allclose(samples, apply(variables, z), rtol=1e-5,
                             atol=1e-6)
  # Eval mode: each sample depends on its own z only ...
  np.testing.assert_allclose(apply(variables, z[:3]), samples[:3], rtol=1e-5,
                             atol=1e-6)
  # ... which batch statistics (train mode) would break.
  train_out, _ = jax.jit(lambda v, z: module.apply(
      v, z, train=True, mutable=[BN]))(variables, z[:3])
  assert np.max(np.abs(train_out - samples[:3])) > 1e-3


def test_named_axis_step_equals_one_device_step(run):
  """Two replicas under a named axis (vmap, the semantics of pmap) with half
  the batch each: batch norm's statistics are the global batch's, so the
  step equals the one-device step."""
  _, batch, state0, state1, _ = run
  replicas = 2
  step = jax.vmap(_algorithm("data").train_step, in_axes=(None, 0, None),
                  axis_name="data")
  split = jax.tree.map(
      lambda x: x.reshape((replicas, BATCH // replicas) + x.shape[1:]), batch)
  out, _ = jax.jit(step)(state0, split, jax.random.PRNGKey(0))
  for name in ("params", "collections"):
    for a, b in zip(jax.tree.leaves(getattr(out, name)),
                    jax.tree.leaves(getattr(state1, name))):
      # Identical replicas; equal to one device up to summation order.
      np.testing.assert_allclose(a[0], a[1], rtol=1e-6, atol=1e-7)
      np.testing.assert_allclose(a[0], b, rtol=1e-4, atol=1e-5)
