"""CD-k and PCD on tiny RBMs, against the exact log-likelihood gradient."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.algorithms import rbm
from gentk.sampling import gibbs
from gentk.training.compile import counted
from tests.algorithms import boltzmann_util as util
from tests.sampling import stats_util

V, H = 6, 5


def _machine(seed=0):
  return stats_util.random_machine(seed, (V, H), scale=1.5)


class Exact:
  """The tiny RBM's exact quantities by enumeration: the visible-to-visible
  transition matrix T(v'|v) = sum_h p(h|v) p(v'|h), p(v), and the expected
  CD-k weight direction E[v_0 p(h|v_0)^T] - E[v_k p(h|v_k)^T]."""

  def __init__(self, machine, data):
    (w,), (b, c) = machine
    self.vs, hs = util.all_binary(V), util.all_binary(H)
    self.p_h = 1 / (1 + np.exp(-(c + self.vs @ w)))  # [2^V, H]
    p_h_v = np.prod(np.where(hs[None] == 1, self.p_h[:, None],
                             1 - self.p_h[:, None]), -1)
    p_v = 1 / (1 + np.exp(-(b + hs @ w.T)))
    p_v_h = np.prod(np.where(self.vs[None] == 1, p_v[:, None],
                             1 - p_v[:, None]), -1)
    self.transition = p_h_v @ p_v_h
    log_p = -np.asarray(gibbs.free_energy(machine, (self.vs, self.p_h)),
                        np.float64)
    self.p = np.exp(log_p - log_p.max())
    self.p /= self.p.sum()
    index = (data @ (2 ** np.arange(V)[::-1])).astype(int)
    self.data = np.bincount(index, minlength=2 ** V) / len(data)
    self.positive = self._stat(self.data)

  def _stat(self, dist):
    return (self.vs * dist[:, None]).T @ self.p_h

  def gradient(self):
    """d log-likelihood / dW, exact."""
    return self.positive - self._stat(self.p)

  def cd(self, k):
    """The expected CD-k direction (ascent)."""
    dist = self.data @ np.linalg.matrix_power(self.transition, k)
    return self.positive - self._stat(dist)


def _data(num=16, seed=1):
  return (np.random.default_rng(seed).uniform(size=(num, V)) < 0.4).astype(
      np.float32)


def _cd_estimate(machine, data, k, key, replicas=2048):
  """The code's CD-k weight direction (ascent) averaged over `replicas`
  chains per data point."""
  v = jnp.tile(jnp.asarray(data), (replicas, 1))
  v_negative = rbm.gibbs_chain(key, v, machine, k)
  direction, _ = rbm.cd_direction(machine, v, v_negative)
  return -np.asarray(direction["params"]["W_1"])


@pytest.mark.parametrize("k", [1, 3])
def test_cd_direction_matches_its_exact_expectation(k):
  """32,768 chains: each weight's estimate has SD < 0.5 / sqrt(32,768) =
  0.003; the tolerance 0.015 is 5 SD (measured max |error| 0.004)."""
  machine, data = _machine(), _data()
  estimate = _cd_estimate(machine, data, k, jax.random.PRNGKey(k))
  np.testing.assert_allclose(estimate, Exact(machine, data).cd(k), atol=0.015)


def test_cd_bias_falls_with_k():
  """|CD-k - exact gradient| falls with k, exactly (to ~0 at k = 30) and in
  the code's estimates (measured 0.20, 0.033, 0.005 at k = 1, 3, 10, with
  Monte Carlo noise ~0.005 in norm)."""
  machine, data = _machine(), _data()
  exact = Exact(machine, data)
  gradient = exact.gradient()
  biases = [np.linalg.norm(exact.cd(k) - gradient) for k in (1, 3, 10, 30)]
  assert biases[0] > biases[1] > biases[2] > biases[3]
  assert biases[3] < 1e-3 * biases[0]
  estimated = [np.linalg.norm(_cd_estimate(machine, data, k,
                                           jax.random.PRNGKey(k)) - gradient)
               for k in (1, 3, 10)]
  assert estimated[0] > estimated[1] > estimated[2], estimated


def test_weight_decay_on_weights_only():
  optimizer = rbm.optimizer(0.1, momentum=0.0, weight_decay=0.5)
  params = {"params": {"W_1": jnp.ones((2, 2)), "b_0": jnp.ones(2)}}
  zero = jax.tree.map(jnp.zeros_like, params)
  updates, _ = optimizer.update(zero, optimizer.init(params), params)
  np.testing.assert_allclose(updates["params"]["W_1"], -0.05)
  np.testing.assert_allclose(updates["params"]["b_0"], 0.0)


def test_pcd_chains_live_in_the_state():
  """PCD's negative phase continues the chains of the state: the chains
  after a step are the Gibbs transition of the chains before it."""
  algorithm = util.rbm_algorithm(k=2, persistent=True)
  batch = util.data_fn()(jax.random.PRNGKey(0), 0)
  state = algorithm.init(jax.random.PRNGKey(0), batch)
  before = state.extras[rbm.CHAINS]
  after, _ = jax.jit(algorithm.train_step)(state, batch,
                                           jax.random.PRNGKey(3))
  expected = rbm.gibbs_chain(jax.random.PRNGKey(3),  # The step's own key.
                             before, util.machine(state, rbm.RBM), 2)
  np.testing.assert_array_equal(after.extras[rbm.CHAINS], expected)
  assert int(after.step) == 0  # The runtime, not the step, counts steps.
  cd = util.rbm_algorithm(k=2).init(jax.random.PRNGKey(0), batch)
  assert not cd.extras  # CD keeps no chains.


@pytest.mark.parametrize("persistent", [False, True], ids=["cd1", "pcd"])
def test_training_raises_the_exact_likelihood(persistent):
  """400 updates on noisy prototypes: the exact mean log-likelihood of
  held-out data rises by more than 1 nat over the untrained machine, median
  of 3 seeds (measured gains ~2.5-3 nats)."""
  algorithm = util.rbm_algorithm(k=1, persistent=persistent)
  data_fn = util.data_fn()
  held_out = util.patterns(256, seed=7)
  step = jax.jit(lambda s, k: jax.lax.fori_loop(
      0, 400, lambda i, s: counted(algorithm.train_step)(
          s, data_fn(k, s.step), k)[0], s))
  gains = []
  for seed in range(3):
    key = jax.random.PRNGKey(seed)
    state = algorithm.init(key, data_fn(key, 0))
    before = util.exact_mean_log_likelihood(util.machine(state, rbm.RBM),
                                            held_out)
    state = step(state, key)
    gains.append(util.exact_mean_log_likelihood(
        util.machine(state, rbm.RBM), held_out) - before)
  assert np.median(gains) > 1.0, gains
