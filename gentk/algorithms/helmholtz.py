r"""Bidirectional Helmholtz Machines and reweighted wake-sleep on layered
sigmoid belief networks.

A top-down sigmoid belief network $p(x, h) = p(h_L) \prod_{l=1}^{L}
p(h_{l-1} | h_l)$ ($h_0 = x$; every unit Bernoulli with a logistic-linear
mean) and a bottom-up one $q(h | x) = \prod_{l=0}^{L-1} q(h_{l+1} | h_l)$.
With $h_k \sim q(h|x)$ and $\log \omega_k = \alpha (\log p(x, h_k) - \log
q(h_k|x))$, normalised weights $\tilde\omega_k$:

* BiHM ($\alpha = \frac12$; Bornschein et al. 2016): the model is
  $p^*(x) = \tilde p^*(x)^2 / Z^2$ with $\tilde p^*(x) = \sum_h
  \sqrt{p(x,h) q(h|x)} = E_q[\omega]$ and $Z^2 = \sum_x \tilde p^*(x)^2 \le
  1$ (Cauchy-Schwarz), so $2 \log \tilde p^*(x) \le \log p^*(x)$ is the
  bound trained and $-\log Z^2 = 2 D_B(p, q)$, twice the Bhattacharyya
  distance of the two models;
* reweighted wake-sleep ($\alpha = 1$; Bornschein & Bengio 2015): the model
  is $p(x)$, $\log \frac1K \sum_k \omega_k$ its importance-sampled bound.

Both are trained by the same gradient estimator (the BiHM's Algorithm 1; RWS's
wake updates): $\sum_k \tilde\omega_k \nabla \log p(x, h_k)$ for $p$ and
$\sum_k (\tilde\omega_k - \frac1K) \nabla \log q(h_k | x)$ for $q$ (the
$-\frac1K$ term has expectation zero, a baseline); the samples are discrete,
so no gradient flows through them.

References:
  Bornschein, Shabanian, Fischer & Bengio 2016, "Bidirectional Helmholtz
    Machines", https://arxiv.org/abs/1506.03877
  Bornschein & Bengio 2015, "Reweighted Wake-Sleep",
    https://arxiv.org/abs/1406.2751
"""
import math
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.estimators import importance
from gentk.estimators import score_function
from gentk.types import Algorithm, Array, PRNGKey, TrainState

P, Q = "p", "q"
ALPHAS = {"bihm": 0.5, "rws": 1.0}

Samples = tuple[Array, ...]  # (x, h_1, ..., h_L), each [..., D_l].


def _draw(key: PRNGKey, logits: Array) -> Array:
  """Binary units $h \sim \mathrm{Bern}(\sigma(l))$, the shape of `logits`."""
  return jax.random.bernoulli(key, jax.nn.sigmoid(logits)).astype(
      logits.dtype)


class TopDown(nn.Module):
  r"""The generative SBN $p(x, h)$; `sizes` = $(D_x, D_1, ..., D_L)$."""
  sizes: Sequence[int]

  def setup(self):
    self.top = self.param("top_logits", nn.initializers.zeros,
                          (self.sizes[-1],))
    # layers[l]: p(h_l | h_{l+1}), D_{l+1} -> D_l.
    self.layers = [nn.Dense(d) for d in self.sizes[:-1]]

  def __call__(self, samples: Samples) -> Array:
    """$\\log p(x, h)$ of `samples`, shape `samples[0].shape[:-1]`."""
    log_p = score_function.bernoulli_log_prob(
        jnp.broadcast_to(self.top, samples[-1].shape), samples[-1])
    for layer, below, above in zip(self.layers, samples[:-1], samples[1:]):
      log_p += score_function.bernoulli_log_prob(layer(above), below)
    return log_p

  def sample(self, key: PRNGKey, num: int) -> Samples:
    """Ancestral samples $(x, h_1, ..., h_L)$, each `[num, D_l]`."""
    keys = jax.random.split(key, len(self.sizes))
    h = _draw(keys[-1], jnp.broadcast_to(self.top, (num, self.sizes[-1])))
    out = [h]
    for layer, k in zip(reversed(self.layers), reversed(keys[:-1])):
      h = _draw(k, layer(h))
      out.append(h)
    return tuple(reversed(out))


class BottomUp(nn.Module):
  r"""The recognition SBN $q(h | x)$; `sizes` = $(D_x, D_1, ..., D_L)$."""
  sizes: Sequence[int]

  def setup(self):
    # layers[l]: q(h_{l+1} | h_l), D_l -> D_{l+1}.
    self.layers = [nn.Dense(d) for d in self.sizes[1:]]

  def __call__(self, samples: Samples) -> Array:
    """$\\log q(h | x)$ of `samples`, shape `samples[0].shape[:-1]`."""
    log_q = jnp.zeros(samples[0].shape[:-1])
    for layer, below, above in zip(self.layers, samples[:-1], samples[1:]):
      log_q += score_function.bernoulli_log_prob(layer(below), above)
    return log_q

  def sample(self, key: PRNGKey, x: Array) -> Samples:
    """$(x, h_1, ..., h_L)$ with $h \\sim q(h | x)$; `x` `[..., D_x]`."""
    out = [x]
    for layer, k in zip(self.layers, jax.random.split(key, len(self.layers))):
      out.append(_draw(k, layer(out[-1])))
    return tuple(out)


def log_p_and_q(p_net: TopDown, q_net: BottomUp, params, x: Array,
                key: PRNGKey, k: int) -> tuple[Array, Array]:
  """`(log p(x, h_k), log q(h_k | x))`, each `[k, B]`, for k draws
  $h_k \\sim q(h|x)$ of flattened `x` `[B, ...]`."""
  x = x.reshape(x.shape[0], -1)
  xs = jnp.broadcast_to(x, (k,) + x.shape)
  samples = jax.lax.stop_gradient(q_net.apply(params[Q], key, xs,
                                              method=BottomUp.sample))
  return p_net.apply(params[P], samples), q_net.apply(params[Q], samples)


def surrogate(log_p: Array, log_q: Array, alpha: float) -> tuple[Array, Array]:
  r"""Surrogate whose gradient is the module docstring's estimator, and the
  bound $\frac1\alpha \log \frac1K \sum_k \omega_k$ ($2 \log \tilde p^*(x)$
  for the BiHM, the IWAE-K bound for RWS); both `[B]` from `[K, B]` inputs.
  """
  log_w = alpha * importance.log_importance_weights(log_p, log_q)
  w = jax.lax.stop_gradient(importance.self_normalized_weights(log_w))
  k = log_p.shape[0]
  value = jnp.sum(w * log_p + (w - 1.0 / k) * log_q, axis=0)
  return value, importance.log_mean_exp(log_w) / alpha


def make_helmholtz(sizes: Sequence[int], *, method: str = "bihm",
                   optimizer: optax.GradientTransformation,
                   num_samples: int = 10, axis_name: str | None = None
                   ) -> Algorithm:
  r"""BiHM or reweighted wake-sleep on `sizes` = $(D_x, D_1, ..., D_L)$.

  Args:
    sizes: the layer widths, data first (BiHM on MNIST: 784, 300, 200, 100,
      75, 50, 35, 30, 25, 20, 15, 10, 10).
    method: 'bihm' or 'rws'.
    optimizer: the optimizer of both networks.
    num_samples: K, draws of h per example (BiHM: 10).
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm`; metrics `helmholtz/bound` (see `surrogate`);
    `sample(state, key, n)` gives ancestral samples of $p$'s x (for the BiHM
    these are samples of p, not of p*, which needs importance resampling).
  """
  if method not in ALPHAS:
    raise ValueError(f"unknown method {method!r}: choose one of "
                     f"{tuple(ALPHAS)}")
  alpha = ALPHAS[method]
  p_net, q_net = TopDown(tuple(sizes)), BottomUp(tuple(sizes))
  optimizers = {P: optimizer, Q: optimizer}

  def objective(params, ctx: core.Context):
    log_p, log_q = log_p_and_q(p_net, q_net, params, ctx.batch["x"], ctx.key,
                               num_samples)
    value, bound = surrogate(log_p, log_q, alpha)
    return -jnp.mean(value), {"bound": jnp.mean(bound)}

  def init(key: PRNGKey, batch) -> TrainState:
    del batch
    example = tuple(jnp.zeros((1, d)) for d in sizes)
    return core.init_state(key, {P: (p_net, (example,)),
                                 Q: (q_net, (example,))}, optimizers)

  def train_step(state: TrainState, batch, key: PRNGKey):
    ctx = core.Context(batch, key)
    state, metrics = core.update(state, (P, Q), ctx, optimizers=optimizers,
                                 objective=objective, axis_name=axis_name)
    return (state,
            core.prefixed("helmholtz", metrics))

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    return p_net.apply(state.params[P], key, num, method=TopDown.sample)[0]

  return Algorithm.single(init, train_step, sample)


def log_weights_fn(sizes: Sequence[int], alpha: float):
  r"""`(params, x, key, k) -> alpha (log p(x, h_k) - log q(h_k|x))` `[k, B]`
  for `gentk.metrics.likelihood.evaluate` (whose `log_likelihood` is then
  $\alpha$ times the model's bound: $\log \tilde p^*(x)$ for the BiHM)."""
  p_net, q_net = TopDown(tuple(sizes)), BottomUp(tuple(sizes))

  def log_weights(params, x, key, k):
    log_p, log_q = log_p_and_q(p_net, q_net, params, x, key, k)
    return alpha * (log_p - log_q)
  return log_weights


def log_z2(sizes: Sequence[int], params, key: PRNGKey, num: int) -> Array:
  r"""Importance estimate of $\log Z^2$ of the BiHM, $Z^2 = \sum_x \tilde
  p^*(x)^2$, from `num` pairs $(x, h) \sim p$, $h' \sim q(h|x)$:
  $$Z^2 = E\left[\sqrt{\frac{q(h|x)}{p(x,h)}}\sqrt{\frac{p(x,h')}{q(h'|x)}}
    \right]$$
  (unbiased for $Z^2$; its log is biased low by Jensen). $-\log Z^2 = 2
  D_B(p, q)$. Bornschein et al. 2016, Section 2.2."""
  p_net, q_net = TopDown(tuple(sizes)), BottomUp(tuple(sizes))
  p_key, q_key = jax.random.split(key)
  model = p_net.apply(params[P], p_key, num, method=TopDown.sample)
  recognised = q_net.apply(params[Q], q_key, model[0], method=BottomUp.sample)
  log_terms = 0.5 * (q_net.apply(params[Q], model)
                     - p_net.apply(params[P], model)
                     + p_net.apply(params[P], recognised)
                     - q_net.apply(params[Q], recognised))
  return jax.nn.logsumexp(log_terms) - math.log(num)
