"""The Boltzmann recipe's sure lower bound on log Z (its check of AIS)."""
import jax
import numpy as np

from gentk.recipes import boltzmann_mnist
from gentk.sampling import gibbs
from tests.sampling import stats_util


def _chains(sizes, seed=1):
  key = jax.random.PRNGKey(seed)
  return tuple(np.asarray(jax.random.bernoulli(k, 0.5, (32, n)), np.float32)
               for k, n in zip(jax.random.split(key, len(sizes)), sizes))


def test_floor_is_below_the_exact_log_normalizer():
  """DBM chains (a tuple of layers) and RBM chains (visible units only):
  the floor is max -F over them and never exceeds the exact log Z."""
  for sizes in ((6, 5, 4), (8, 6)):
    machine, chains = stats_util.random_machine(0, sizes), _chains(sizes)
    stored = chains if len(sizes) > 2 else chains[0]
    floor = boltzmann_mnist.log_z_floor(machine, {"chains": stored})
    expected = float(np.max(-gibbs.free_energy(machine, chains)))
    assert floor == np.float32(expected)
    assert floor <= float(gibbs.exact_log_normalizer(machine))
  machine = stats_util.random_machine(0, (8, 6))
  assert boltzmann_mnist.log_z_floor(machine, {}) == -np.inf
