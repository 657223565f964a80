"""run_chain: a scan over the kernel, one fresh key per step, vmappable."""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import run_chain


def _counting_kernel(key, state):
  # Deterministic move (+1) and the step's key material as info.
  return state + 1, (state, jax.random.uniform(key))


def test_states_and_infos_are_stacked_in_order():
  states, (previous, draws) = jax.jit(run_chain, static_argnums=(0, 3))(
      _counting_kernel, jnp.asarray(10), jax.random.key(0), 5)
  np.testing.assert_array_equal(states, [11, 12, 13, 14, 15])
  np.testing.assert_array_equal(previous, [10, 11, 12, 13, 14])
  assert len(np.unique(np.asarray(draws))) == 5  # a distinct key per step


def test_vmap_over_chains_matches_single_chains():
  keys = jax.random.split(jax.random.key(1), 3)
  init = jnp.arange(3)
  _, (_, batched) = jax.vmap(run_chain, in_axes=(None, 0, 0, None))(
      _counting_kernel, init, keys, 4)
  for c in range(3):
    _, (_, single) = run_chain(_counting_kernel, init[c], keys[c], 4)
    np.testing.assert_allclose(batched[c], single)
