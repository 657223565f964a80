"""Tiny binary data and Boltzmann machines (no data files), shared by the RBM
/ DBM tests."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from gentk.algorithms import dbm
from gentk.algorithms import rbm
from gentk.data import mnist
from gentk.models import boltzmann
from gentk.sampling import gibbs

V, B = 8, 32
# Four prototypes; data flip each bit with probability 0.05.
PROTOTYPES = np.asarray([[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1],
                         [1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1, 0, 1]],
                        np.float32)


def patterns(num: int, seed: int = 0) -> np.ndarray:
  """`num` noisy prototypes `[num, 1, V, 1]` (image-shaped for the batch
  function)."""
  rng = np.random.default_rng(seed)
  x = PROTOTYPES[rng.integers(0, len(PROTOTYPES), num)]
  x = np.abs(x - (rng.uniform(size=x.shape) < 0.05)).astype(np.float32)
  return x.reshape(num, 1, V, 1)


def data_fn(seed: int = 0):
  images = patterns(512, seed)
  return mnist.make_batch_fn(images, np.zeros(len(images), np.int32), B)


def machine(state, player) -> gibbs.LayeredParams:
  return gibbs.LayeredParams(*boltzmann.machine(state.params[player]))


def exact_mean_log_likelihood(m: gibbs.LayeredParams, x: np.ndarray) -> float:
  """Mean exact log p(x) over `x` `[N, ...]` by enumeration."""
  flat = jnp.asarray(x.reshape(len(x), -1))
  return float(jnp.mean(gibbs.exact_log_marginal(m, flat)
                        - gibbs.exact_log_normalizer(m)))


def rbm_algorithm(**settings):
  return rbm.make_rbm(V, 6, optimizer=rbm.optimizer(
      0.1, momentum=0.5, weight_decay=1e-4), settings=rbm.Settings(
          **{"num_chains": 16, "sample_steps": 10, **settings}))


def dbm_algorithm(pretrain_steps: int = 100, **settings):
  return dbm.make_dbm((V, 6, 4), optimizer=rbm.optimizer(
      0.05, momentum=0.5, weight_decay=1e-4), settings=dbm.Settings(
          pretrain_steps=pretrain_steps, num_chains=16, gibbs_steps=2,
          sample_steps=10, **settings))


def all_binary(n: int) -> np.ndarray:
  return np.asarray(list(itertools.product([0.0, 1.0], repeat=n)),
                    np.float32)
