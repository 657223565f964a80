"""The Boltzmann recipe's sure lower bound on log Z (its check of AIS)."""
import jax
import numpy as np

from gentk.recipes import boltzmann_mnist
from gentk.sampling import gibbs


def _machine(sizes, seed=0):
  rng = np.random.default_rng(seed)
  return gibbs.LayeredParams(
      tuple(rng.standard_normal((m, n)).astype(np.float32)
            for m, n in zip(sizes[:-1], sizes[1:])),
      tuple((0.5 * rng.standard_normal(n)).astype(np.float32) for n in sizes))


def _chains(sizes, seed=1):
  key = jax.random.PRNGKey(seed)
  return tuple(np.asarray(jax.random.bernoulli(k, 0.5, (32, n)), np.float32)
               for k, n in zip(jax.random.split(key, len(sizes)), sizes))


def test_floor_is_below_the_exact_log_normalizer():
  """DBM chains (a tuple of layers) and RBM chains (visible units only):
  the floor is max -F over them and never exceeds the exact log Z."""
  for sizes in ((6, 5, 4), (8, 6)):
    machine, chains = _machine(sizes), _chains(sizes)
    stored = chains if len(sizes) > 2 else chains[0]
    floor = boltzmann_mnist.log_z_floor(machine, {"chains": stored})
    expected = float(np.max(-gibbs.free_energy(machine, chains)))
    assert floor == np.float32(expected)
    assert floor <= float(gibbs.exact_log_normalizer(machine))
  assert boltzmann_mnist.log_z_floor(_machine((8, 6)), {}) == -np.inf
