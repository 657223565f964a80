r"""Annealed importance sampling (AIS) of a layered Boltzmann machine's
normaliser.

AIS (Neal 2001) estimates $Z_B / Z_A$ by moving M independent runs through
intermediate distributions $f_k(x) = f_A(x)^{1 - \beta_k} f_B(x)^{\beta_k}$,
$0 = \beta_0 < \beta_1 < \dots < \beta_K = 1$: a run starts with an exact
draw $x_1 \sim p_A$, accumulates
$$\log w = \sum_{k=1}^{K} \log f_k(x_k) - \log f_{k-1}(x_k),$$
and moves $x_k \to x_{k+1}$ by a transition that leaves $f_k$ invariant; then
$E[w] = Z_B / Z_A$, so $\hat Z_B = Z_A \frac1M \sum_m w^{(m)}$.

Here the state is the machine's *even* layers with the odd layers summed out
exactly (`gentk.sampling.gibbs.free_energy`): for an RBM the visible units
(Salakhutdinov & Murray 2008), for a two-hidden-layer DBM $(v, h^2)$
(Salakhutdinov & Hinton 2009). The base model $A$ is the *base-rate* model:
independent visible units $\sigma(b_A)$, $b_A$ the log-odds of the data's pixel
means (`base_rate_bias`), every other even unit uniform, or independent with
biases of its own (`base_biases`; for a trained DBM fit them to the data's
mean-field marginals, `gentk.algorithms.dbm.ais_base_biases`). Then
$$\log f_\beta(x) = \sum_{l\ \mathrm{even}} ((1 - \beta)\, b_{A,l} + \beta
b_l)^\top x_l + \sum_{l\ \mathrm{odd}} \sum_j \mathrm{softplus}(\beta\,
a_{l,j}(x)),$$
$a_l$ the logits of $p(x_l | \text{even layers})$, which is the free energy
of the machine with every weight and bias scaled by $\beta$ and $(1 - \beta)
b_{A,l}$ added to each even layer's bias: its block Gibbs transition (odd layers given
the even ones, then the even ones given the new odd ones) leaves $f_\beta$
invariant. $\log Z_A = \sum_{l\ \mathrm{even}} \sum_i \mathrm{softplus}(
b_{A,l,i}) + \log 2 \sum_{l\ \mathrm{odd}} n_l$.

The runs are one batch (the leading axis of every layer), so a run of K
temperatures is one `lax.scan` of K block Gibbs transitions on `[M, n_l]`
arrays.

References:
  Neal 2001, "Annealed importance sampling",
    https://doi.org/10.1023/A:1008923215028
  Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief
    networks" (Section 4, the schedule and the base-rate model),
    https://doi.org/10.1145/1390156.1390266
  Salakhutdinov & Hinton 2009, "Deep Boltzmann machines" (Section 4.2),
    https://proceedings.mlr.press/v5/salakhutdinov09a.html
"""
import math
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import gibbs
from gentk.types import Array, ArrayLike, PRNGKey


class AISState(NamedTuple):
  """The runs' state.

  Attributes:
    layers: $(x_0, ..., x_L)$, `[M, n_l]` (odd layers: the last draw).
    log_w: the accumulated log-weights, `[M]`.
  """
  layers: tuple[Array, ...]
  log_w: Array


class AISResult(NamedTuple):
  r"""An AIS estimate of $\log Z$.

  Attributes:
    log_z: $\log \hat Z = \log Z_A + \log \frac1M \sum_m w^{(m)}$.
    log_z_stderr: the standard error of $\log \hat Z$ (delta method:
      $\hat\sigma_w / (\bar w \sqrt M)$).
    log_z_lower, log_z_upper: $\log(\hat Z \mp 3 \hat\sigma_{\hat Z})$,
      Salakhutdinov & Murray's $\pm 3$ standard-error interval ($-\infty$
      when $3 \hat\sigma_{\hat Z} \ge \hat Z$).
    log_w: the runs' log-weights `[M]`.
    log_z_base: $\log Z_A$.
  """
  log_z: Array
  log_z_stderr: Array
  log_z_lower: Array
  log_z_upper: Array
  log_w: Array
  log_z_base: Array


PUBLISHED_TRANSITIONS = 14_500


def published_betas(num_transitions: int = PUBLISHED_TRANSITIONS
                    ) -> np.ndarray:
  r"""Salakhutdinov & Murray's inverse temperatures: 14,500 transitions in
  steps of 1e-3 on [0, 0.5], 1e-4 on [0.5, 0.9] and 1e-5 on [0.9, 1]; another
  `num_transitions` splits them between the three stretches in the same
  proportions (500 : 4,000 : 10,000), e.g. 20,000 for a DBM."""
  counts = [max(1, round(num_transitions * c / PUBLISHED_TRANSITIONS))
            for c in (500, 4_000)]
  counts.append(max(1, num_transitions - sum(counts)))
  return np.concatenate([np.linspace(0.0, 0.5, counts[0] + 1),
                         np.linspace(0.5, 0.9, counts[1] + 1)[1:],
                         np.linspace(0.9, 1.0, counts[2] + 1)[1:]])


def linear_betas(num_transitions: int) -> np.ndarray:
  r"""`num_transitions + 1` evenly spaced $\beta$ from 0 to 1."""
  return np.linspace(0.0, 1.0, num_transitions + 1)


def base_rate_bias(pixel_means: ArrayLike, num_examples: int,
                   pseudo_count: float = 1.0) -> Array:
  r"""$b_A = \log \frac{p}{1 - p}$ with $p = (N \bar x + \alpha) / (N +
  2\alpha)$: the log-odds of the data's pixel means, smoothed by $\alpha$
  pseudo-counts so that never-on pixels get a finite bias."""
  p = (num_examples * jnp.asarray(pixel_means, jnp.float32) + pseudo_count
       ) / (num_examples + 2.0 * pseudo_count)
  return jnp.log(p) - jnp.log1p(-p)


def base_biases(base_bias, sizes) -> dict[int, Array]:
  r"""`{even l: b_{A,l}}`: `base_bias` is the visible layer's (the other
  even layers uniform, bias 0) or a tuple with one bias per even layer
  $(b_{A,0}, b_{A,2}, \dots)$, e.g. a DBM's $h^2$ fitted too."""
  even = range(0, len(sizes), 2)
  if not isinstance(base_bias, (tuple, list)):
    base_bias = (base_bias,)
  biases = {l: jnp.zeros((sizes[l],)) for l in even}
  biases.update({l: jnp.asarray(b, jnp.float32)
                 for l, b in zip(even, base_bias)})
  return biases


def base_log_normalizer(base_bias, sizes) -> Array:
  r"""$\log Z_A = \sum_{l\ \mathrm{even}} \sum_i \mathrm{softplus}(b_{A,l,i})
  + \log 2 \sum_{l\ \mathrm{odd}} n_l$ (the odd units of the base model
  carry no energy)."""
  return sum(jnp.sum(jax.nn.softplus(b))
             for b in base_biases(base_bias, sizes).values()
             ) + math.log(2.0) * sum(sizes[1::2])


def _sizes(machine: gibbs.LayeredParams) -> tuple[int, ...]:
  return tuple(b.shape[-1] for b in machine.biases)


def init(key: PRNGKey, machine: gibbs.LayeredParams, base_bias: Array,
         num_runs: int) -> AISState:
  """M exact draws from the base model (odd layers zero: they are summed
  out); log-weights zero."""
  sizes = _sizes(machine)
  biases = base_biases(base_bias, sizes)
  keys = jax.random.split(key, len(sizes))
  layers = []
  for l, (n, key_l) in enumerate(zip(sizes, keys)):
    if l % 2:
      layers.append(jnp.zeros((num_runs, n)))
    else:
      layers.append(jax.random.bernoulli(
          key_l, jax.nn.sigmoid(biases[l]), (num_runs, n)).astype(
              jnp.float32))
  return AISState(tuple(layers), jnp.zeros((num_runs,)))


def _log_f(machine, biases, beta, layers, odd_logits) -> Array:
  """$\\log f_\\beta$ of the even layers, given their odd logits $a_l$."""
  total = 0.0
  for l in range(0, len(layers), 2):
    total += layers[l] @ ((1.0 - beta) * biases[l] + beta * machine.biases[l])
  for a in odd_logits.values():
    total += jnp.sum(jax.nn.softplus(beta * a), axis=-1)
  return total


def build_kernel(machine: gibbs.LayeredParams, base_bias: Array
                 ) -> Callable[[PRNGKey, AISState, Array, Array],
                               tuple[AISState, Array]]:
  r"""The AIS step from $\beta_{k-1}$ to $\beta_k$.

  Returns:
    `kernel(key, state, beta_prev, beta) -> (state, log_w_increment)`:
    adds $\log f_{\beta_k}(x) - \log f_{\beta_{k-1}}(x)$ to the log-weights,
    then makes one block Gibbs transition that leaves $f_{\beta_k}$
    invariant (odd layers given the even ones, then the even ones given the
    new odd ones). The odd logits are computed once and serve both.
  """
  num_layers = len(machine.biases)
  biases = base_biases(base_bias, _sizes(machine))

  def kernel(key, state: AISState, beta_prev, beta):
    layers = list(state.layers)
    odd = {l: gibbs.conditional_logits(machine, layers, l)
           for l in range(1, num_layers, 2)}
    increment = (_log_f(machine, biases, beta, layers, odd)
                 - _log_f(machine, biases, beta_prev, layers, odd))
    keys = jax.random.split(key, num_layers)
    for l, a in odd.items():
      layers[l] = jax.random.bernoulli(keys[l], jax.nn.sigmoid(beta * a)
                                       ).astype(jnp.float32)
    snapshot = tuple(layers)
    for l in range(0, num_layers, 2):
      logits = (beta * gibbs.conditional_logits(machine, snapshot, l)
                + (1.0 - beta) * biases[l])
      layers[l] = jax.random.bernoulli(keys[l], jax.nn.sigmoid(logits)
                                       ).astype(jnp.float32)
    return AISState(tuple(layers), state.log_w + increment), increment

  return kernel


def summarize(log_w: Array, log_z_base: Array) -> AISResult:
  """The `AISResult` of final log-weights `[M]`."""
  num_runs = log_w.shape[0]
  shift = jnp.max(log_w)
  w = jnp.exp(log_w - shift)
  mean = jnp.mean(w)
  # sigma_hat(Z_hat) / Z_hat: the relative standard error of the mean weight.
  relative = jnp.std(w, ddof=1) / (mean * jnp.sqrt(num_runs))
  log_z = log_z_base + shift + jnp.log(mean)
  lower = jnp.where(3.0 * relative < 1.0,
                    log_z + jnp.log(jnp.maximum(1.0 - 3.0 * relative, 1e-30)),
                    -jnp.inf)
  return AISResult(log_z=log_z, log_z_stderr=relative, log_z_lower=lower,
                   log_z_upper=log_z + jnp.log1p(3.0 * relative), log_w=log_w,
                   log_z_base=log_z_base)


def log_normalizer(key: PRNGKey, machine: gibbs.LayeredParams,
                   base_bias: Array, betas: ArrayLike, num_runs: int
                   ) -> AISResult:
  r"""AIS estimate of $\log Z$ of `machine` (jit it; `num_runs` static).

  Args:
    key: PRNG key.
    machine: the RBM or DBM.
    base_bias: $b_A$, the base-rate model's visible bias `[n_0]`
      (`base_rate_bias`), or a tuple of biases for every even layer (see
      `base_biases`).
    betas: $(\beta_0 = 0, \dots, \beta_K = 1)$ (`published_betas`,
      `linear_betas`).
    num_runs: M (Salakhutdinov & Murray: 100).
  Returns:
    the `AISResult`.
  """
  betas = jnp.asarray(betas, jnp.float32)
  key_init, key_run = jax.random.split(key)
  kernel = build_kernel(machine, base_bias)

  def step(state, inputs):
    key, beta_prev, beta = inputs
    state, _ = kernel(key, state, beta_prev, beta)
    return state, None

  state, _ = jax.lax.scan(
      step, init(key_init, machine, base_bias, num_runs),
      (jax.random.split(key_run, betas.shape[0] - 1), betas[:-1], betas[1:]))
  return summarize(state.log_w,
                   base_log_normalizer(base_bias, _sizes(machine)))
