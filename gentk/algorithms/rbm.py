r"""Restricted Boltzmann machines trained by contrastive divergence (CD-k) or
persistent contrastive divergence (PCD).

The log-likelihood gradient of a binary RBM, $E(v, h) = -v^\top W h - b^\top v
- c^\top h$, is a difference of sufficient statistics,
$$\frac{\partial \log p(v)}{\partial W} = E_{p(h|v)}[v h^\top] -
E_{p(v, h)}[v h^\top],$$
(likewise $v$ for $b$ and $h$ for $c$). The positive phase is exact
(Rao-Blackwellised: $p(h|v)$ in place of samples); the negative phase is
estimated from Gibbs chains. CD-k starts the chains at the data and runs k
block Gibbs transitions (Hinton 2002); PCD keeps the chains from one update to
the next (Tieleman 2008), so they live in the state (`extras["chains"]`) and a
resumed run continues the same chains. The negative statistics use the chains'
visible samples $v_k$ and $p(h | v_k)$.

The update is a *rule* of the training core (`core.update(rule=...)`): the
direction $-(\text{positive} - \text{negative})$ goes through the optimizer
like a gradient, so momentum and weight decay are optax settings
(`optimizer`).

Greedy pre-training of a DBM (`gentk.algorithms.dbm`) trains RBMs whose
conditionals double one side's input (Salakhutdinov & Hinton 2009, Section
3.1): `up` and `down` multiply $v^\top W$ in $p(h|v)$ and $W h$ in $p(v|h)$;
both are 1 for a plain RBM.

References:
  Hinton 2002, "Training products of experts by minimizing contrastive
    divergence", https://doi.org/10.1162/089976602760128018
  Tieleman 2008, "Training restricted Boltzmann machines using approximations
    to the likelihood gradient", https://doi.org/10.1145/1390156.1390290
  Hinton 2010, "A practical guide to training restricted Boltzmann machines",
    UTML TR 2010-003 (momentum, weight decay, initialisation).
"""
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.models import boltzmann
from gentk.sampling import gibbs
from gentk.types import Algorithm, Array, PRNGKey, TrainState

RBM = "rbm"
CHAINS = "chains"  # extras: the persistent chains' visible units [C, V].


def optimizer(learning_rate: float | optax.Schedule, *, momentum: float,
              weight_decay: float) -> optax.GradientTransformation:
  """SGD with momentum on the CD direction, with L2 weight decay on the
  weights $W_l$ only (not the biases), as in Hinton's practical guide."""
  def weights_only(params):
    return jax.tree_util.tree_map_with_path(
        lambda path, _: str(getattr(path[-1], "key", "")).startswith("W_"),
        params)
  return optax.chain(
      optax.add_decayed_weights(weight_decay, mask=weights_only),
      optax.sgd(learning_rate, momentum=momentum or None))


def statistics(layers: Sequence[Array]) -> gibbs.LayeredParams:
  r"""Sufficient statistics of a layered machine averaged over examples:
  $\langle x_{l-1} x_l^\top \rangle$ for $W_l$ and $\langle x_l \rangle$ for
  $b_l$; `layers` `[B, n_l]` hold samples or probabilities."""
  count = layers[0].shape[0]
  return gibbs.LayeredParams(
      tuple(a.T @ b / count for a, b in zip(layers[:-1], layers[1:])),
      tuple(jnp.mean(x, axis=0) for x in layers))


def descent_direction(positive: gibbs.LayeredParams,
                     negative: gibbs.LayeredParams) -> dict:
  """The variables-shaped descent direction $-(\\text{positive} -
  \\text{negative})$ of a statistics difference (the negative
  log-likelihood gradient's estimate)."""
  delta = jax.tree.map(lambda p, n: n - p, positive, negative)
  return boltzmann.from_machine(delta.weights, delta.biases)


def hidden_probs(machine: gibbs.LayeredParams, v: Array, *, up: float = 1.0
                 ) -> Array:
  """$p(h = 1 | v) = \\sigma(c + \\text{up} \\cdot v^\\top W)$."""
  return jax.nn.sigmoid(machine.biases[1] + up * (v @ machine.weights[0]))


def visible_probs(machine: gibbs.LayeredParams, h: Array, *,
                  down: float = 1.0) -> Array:
  """$p(v = 1 | h) = \\sigma(b + \\text{down} \\cdot W h)$."""
  return jax.nn.sigmoid(machine.biases[0] + down * (h @ machine.weights[0].T))


def gibbs_chain(key: PRNGKey, v: Array, machine: gibbs.LayeredParams,
                num_steps: int, *, up: float = 1.0, down: float = 1.0
                ) -> Array:
  """`num_steps` block Gibbs transitions $h \\sim p(h|v)$, $v \\sim p(v|h)$
  from `v` `[C, V]` (one `lax.scan`); the final visible samples."""
  def transition(v, key):
    key_h, key_v = jax.random.split(key)
    h = jax.random.bernoulli(key_h, hidden_probs(machine, v, up=up))
    v = jax.random.bernoulli(
        key_v, visible_probs(machine, h.astype(v.dtype), down=down))
    return v.astype(jnp.float32), None
  v, _ = jax.lax.scan(transition, jnp.asarray(v, jnp.float32),
                      jax.random.split(key, num_steps))
  return v


def cd_direction(machine: gibbs.LayeredParams, v: Array, v_negative: Array,
                 *, up: float = 1.0, down: float = 1.0
                 ) -> tuple[dict, dict]:
  r"""The CD / PCD direction from data `v` `[B, V]` and the negative chains'
  visible samples `v_negative` `[C, V]` (after their k transitions).

  Returns:
    `(direction, metrics)`: the variables-shaped descent direction and
    `reconstruction_error`, the mean squared error of $p(v | E[h|v])$.
  """
  p_h = hidden_probs(machine, v, up=up)
  positive = statistics((v, p_h))
  negative = statistics((v_negative, hidden_probs(machine, v_negative,
                                                  up=up)))
  reconstruction = visible_probs(machine, p_h, down=down)
  return descent_direction(positive, negative), {
      "reconstruction_error": jnp.mean((v - reconstruction) ** 2)}


class Settings(NamedTuple):
  """CD / PCD settings.

  Attributes:
    k: Gibbs transitions per update (CD-1, CD-25; PCD: usually 1).
    persistent: PCD (chains kept in the state) instead of CD (chains start
      at the batch).
    num_chains: persistent chains (PCD; Tieleman 2008: the batch size).
    sample_steps: Gibbs transitions of `sample`'s chains.
  """
  k: int = 1
  persistent: bool = False
  num_chains: int = 100
  sample_steps: int = 1_000


def flat(x: Array) -> Array:
  """`[B, ...]` images -> `[B, V]` floats."""
  return jnp.asarray(x, jnp.float32).reshape(x.shape[0], -1)


def draw_visible(key: PRNGKey, visible_bias: Array, num: int) -> Array:
  """`num` draws of the independent-pixel model $\\sigma(b)$ `[num, V]`: the
  starting point of fresh chains."""
  return jax.random.bernoulli(
      key, jax.nn.sigmoid(visible_bias), (num,) + visible_bias.shape
  ).astype(jnp.float32)


def make_rbm(num_visible: int, num_hidden: int, *,
             optimizer: optax.GradientTransformation,
             settings: Settings = Settings(),
             visible_bias: Array | None = None, weight_scale: float = 0.01,
             axis_name: str | None = None) -> Algorithm:
  r"""An RBM trained by CD-k or PCD: one phase, one rule update.

  Args:
    num_visible: V.
    num_hidden: H.
    optimizer: applied to the CD direction (see `optimizer`).
    settings: k, CD or PCD, chains (`Settings`).
    visible_bias: initial $b$ (Hinton's guide: the log-odds of the pixel
      means), or None for zeros.
    weight_scale: $W \sim N(0, \text{scale}^2)$ at init.
    axis_name: the `pmap` axis (directions averaged over it), or None.
  Returns:
    the `Algorithm` on batches `{"x": [B, ...]}` of binary images; metrics
    `rbm/reconstruction_error`, `rbm/grad_norm`; `sample(state, key, n)`
    gives $p(v | h)$ `[n, V]` after `settings.sample_steps` transitions of
    chains started from $\sigma(b)$.
  """
  s = settings
  module = boltzmann.LayeredBoltzmann((num_visible, num_hidden), weight_scale)
  optimizers = {RBM: optimizer}

  def init(key: PRNGKey, batch) -> TrainState:
    state = core.init_state(key, {RBM: (module, ())}, optimizers)
    params = state.params[RBM]
    if visible_bias is not None:
      params = {"params": {**params["params"],
                           "b_0": jnp.asarray(visible_bias, jnp.float32)}}
      state = state.replace(params={RBM: params})
    extras = {}
    if s.persistent:
      extras[CHAINS] = draw_visible(jax.random.fold_in(key, 1),
                                    params["params"]["b_0"], s.num_chains)
    return state.replace(extras=extras)

  def train_step(state: TrainState, batch, key: PRNGKey):
    machine = gibbs.LayeredParams(*boltzmann.machine(state.params[RBM]))
    v = flat(batch["x"])
    start = state.extras[CHAINS] if s.persistent else v
    v_negative = gibbs_chain(key, start, machine, s.k)

    def rule(params, ctx):
      direction, metrics = cd_direction(
          gibbs.LayeredParams(*boltzmann.machine(params[RBM])), v,
          v_negative)
      return {RBM: direction}, metrics

    state, metrics = core.update(state, [RBM], core.Context(batch, key),
                                 optimizers=optimizers, rule=rule,
                                 axis_name=axis_name)
    if s.persistent:
      state = state.replace(extras={CHAINS: v_negative})
    return state, core.prefixed(RBM, metrics)

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    machine = gibbs.LayeredParams(*boltzmann.machine(state.params[RBM]))
    key_init, key_chain, key_h = jax.random.split(key, 3)
    v = gibbs_chain(key_chain, draw_visible(key_init, machine.biases[0], num),
                    machine, s.sample_steps)
    h = jax.random.bernoulli(key_h, hidden_probs(machine, v))
    return visible_probs(machine, h.astype(jnp.float32))

  return Algorithm.single(init, train_step, sample)
