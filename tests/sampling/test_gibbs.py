"""Block Gibbs on small RBMs / DBMs against moments from exact enumeration."""
import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import gibbs, run_chain
from tests.sampling import stats_util

NUM_CHAINS, NUM_STEPS, BURN_IN = 64, 1000, 100


_energy = jax.jit(gibbs.energy)  # one compilation per machine shape


def _all_states(sizes):
  """Every binary configuration, split into layers: tuple of `[2^S, n_l]`."""
  configs = np.asarray(list(itertools.product([0., 1.], repeat=sum(sizes))),
                       np.float32)
  return tuple(np.split(configs, np.cumsum(sizes)[:-1], axis=1))


def _exact_means(params, sizes, clamp_visible=None):
  """E[x_l] under p(x) (or p(x_{1:L} | x_0) when `clamp_visible` is given)."""
  layers = _all_states(sizes)
  log_p = -np.asarray(_energy(params, layers), np.float64)
  if clamp_visible is not None:
    keep = np.all(layers[0] == clamp_visible, axis=1)
    log_p = np.where(keep, log_p, -np.inf)
  p = np.exp(log_p - log_p.max())
  p /= p.sum()
  return [p @ x for x in layers]


@functools.partial(jax.jit, static_argnums=(2,))
def _run(params, init_layers, clamped, key):
  kernel = gibbs.build_kernel(clamped=clamped)
  states, infos = run_chain(lambda k, s: kernel(k, s, params),
                            gibbs.init(init_layers), key, NUM_STEPS)
  # [T, C, n] -> [C, T - burn-in, n] per layer.
  return ([jnp.swapaxes(x[BURN_IN:], 0, 1) for x in states.layers],
          [jnp.swapaxes(p[BURN_IN:], 0, 1) for p in infos.probs])


def test_energy_hand_computed():
  params = gibbs.rbm_params(jnp.asarray([[1.0], [2.0]]),
                            jnp.asarray([0.5, -1.0]), jnp.asarray([0.25]))
  # -(v^T W h) - b^T v - c^T h = -(1 + 2) - (0.5 - 1) - 0.25 = -2.75.
  energy = gibbs.energy(params, (jnp.asarray([1., 1.]), jnp.asarray([1.])))
  np.testing.assert_allclose(energy, -2.75)


@jax.jit
def _logits_and_energy_differences(params, layers):
  """Per layer: the logits, and E(unit i off) - E(unit i on) for every i."""
  pairs = []
  for l, x in enumerate(layers):
    n = x.shape[-1]
    # Row i of the batch flips unit i of layer l off / on.
    off = [jnp.broadcast_to(y, (n,) + y.shape) for y in layers]
    on = list(off)
    off[l] = x * (1.0 - jnp.eye(n))
    on[l] = jnp.maximum(x, jnp.eye(n))
    pairs.append((gibbs.conditional_logits(params, layers, l),
                  gibbs.energy(params, off) - gibbs.energy(params, on)))
  return pairs


def test_conditional_logits_are_energy_differences():
  # logit p(x_li = 1 | rest) = E(x_li = 0) - E(x_li = 1), by definition.
  sizes = (3, 4, 2)
  params = stats_util.random_machine(0, sizes)
  rng = np.random.default_rng(1)
  layers = tuple(rng.integers(0, 2, n).astype(np.float32) for n in sizes)
  for logits, differences in _logits_and_energy_differences(params, layers):
    np.testing.assert_allclose(logits, differences, rtol=1e-5, atol=1e-5)


def _check_chain_means(params, sizes, clamped=(), clamp_visible=None):
  init = [jnp.zeros((NUM_CHAINS, n)) for n in sizes]
  if clamp_visible is not None:
    init[0] = jnp.broadcast_to(jnp.asarray(clamp_visible), (NUM_CHAINS,
                                                             sizes[0]))
  layers, _ = _run(params, tuple(init), clamped, jax.random.key(2))
  exact = _exact_means(params, sizes, clamp_visible)
  for l, (x, mean) in enumerate(zip(layers, exact)):
    if l in clamped:
      np.testing.assert_array_equal(x, np.broadcast_to(clamp_visible, x.shape))
    else:
      stats_util.assert_mean_close(x, mean, what=f"E[x_{l}]")


def test_rbm_unit_means_and_correlations():
  sizes = (4, 3)
  params = stats_util.random_machine(3, sizes)
  init = tuple(jnp.zeros((NUM_CHAINS, n)) for n in sizes)
  (v, h), _ = _run(params, init, (), jax.random.key(4))
  exact = _exact_means(params, sizes)
  stats_util.assert_mean_close(v, exact[0], what="E[v]")
  stats_util.assert_mean_close(h, exact[1], what="E[h]")
  # E[v_i h_j] from the enumeration vs the chain's products.
  layers = _all_states(sizes)
  log_p = -np.asarray(_energy(params, layers), np.float64)
  p = np.exp(log_p - log_p.max())
  p /= p.sum()
  exact_vh = np.einsum("s,si,sj->ij", p, *layers).reshape(-1)
  vh = np.einsum("cti,ctj->ctij", v, h).reshape(v.shape[:2] + (-1,))
  stats_util.assert_mean_close(vh, exact_vh, what="E[v h^T]")


def test_dbm_unit_means():
  sizes = (3, 4, 2)
  _check_chain_means(stats_util.random_machine(5, sizes), sizes)


def test_dbm_clamped_visible_samples_the_posterior_over_hidden_layers():
  sizes = (3, 4, 2)
  _check_chain_means(stats_util.random_machine(6, sizes), sizes,
                     clamped=(0,), clamp_visible=np.asarray([1., 0., 1.]))
