r"""Deep Boltzmann machines: greedy layer-wise pre-training, then joint
training with a mean-field positive phase and a persistent-chain negative
phase.

A DBM with layers $v = x_0, h^1 = x_1, \dots, h^L = x_L$ has the layered
energy of `gentk.models.boltzmann`. Its log-likelihood gradient is again
positive minus negative statistics, but the positive phase $E_{p(h|v)}$ is
intractable. Salakhutdinov & Hinton (2009) replace $p(h|v)$ by the fully
factorised $q(h|v) = \prod_{l, j} \mu_{l,j}^{h_{l,j}} (1 - \mu_{l,j})^{1 -
h_{l,j}}$ that maximises the variational lower bound
$$\log p(v) \ge \mathcal{L}(v) = -E(v, \mu) + \sum_{l \ge 1} H(\mu_l) -
\log Z$$
($E$ is linear in each layer and $q$ factorises, so $E_q[E] = E(v, \mu)$).
Its stationary points satisfy the mean-field fixed-point equations
$$\mu_l = \sigma(b_l + W_l^\top \mu_{l-1} + W_{l+1} \mu_{l+1}),$$
iterated here as block sweeps (odd layers, then even ones, $v$ clamped) from
a bottom-up pass with doubled weights below the top layer, until the largest
change is below a tolerance or a maximum of sweeps (`mean_field`). The
negative phase runs persistent chains of block Gibbs
(`gentk.sampling.gibbs`) kept in the state (`extras["chains"]`).

Pre-training (Section 3.1): RBM $l$ is trained on the representation of the
data below it, with CD; the bottom RBM doubles its visible input to the
hidden units, the top RBM doubles its hidden input to the visible ones, a
middle RBM both (`pretraining_factors`), so that the composed DBM, whose
$h^l$ sees both neighbours once, starts where each RBM saw one neighbour
twice. Each RBM is a player (`rbm_1`, ..., `rbm_L`) trained in its own phase
(`pretrain_1`, ...); entering the `joint` phase composes them into the `dbm`
player: $W_l$ from RBM $l$, $b_0$ from RBM 1's visible bias, $b_L$ from RBM
$L$'s hidden bias and a middle $b_l$ the mean of RBM $l$'s hidden bias and RBM
$l + 1$'s visible bias. The next layer's training data are the lower RBMs'
$p(h | \cdot)$ (probabilities, as in Hinton's DBN code), computed in the step
from the data batch.

References:
  Salakhutdinov & Hinton 2009, "Deep Boltzmann machines" (Sections 2-3),
    https://proceedings.mlr.press/v5/salakhutdinov09a.html
  Salakhutdinov & Larochelle 2010, "Efficient learning of deep Boltzmann
    machines" (the doubled bottom-up initialisation of mean field).
"""
import functools
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.algorithms import rbm
from gentk.models import boltzmann
from gentk.sampling import ais
from gentk.sampling import gibbs
from gentk.types import Algorithm, Array, Phase, PRNGKey, TrainState

DBM = "dbm"
CHAINS = "chains"  # extras: the persistent chains, a tuple of [C, n_l].


def rbm_player(l: int) -> str:
  """The name of pre-training RBM l (1-based: between layers l-1 and l)."""
  return f"rbm_{l}"


class Settings(NamedTuple):
  """DBM training settings.

  Attributes:
    pretrain_steps: updates of each pre-training RBM (0: no pre-training).
    pretrain_k: CD-k of pre-training.
    num_chains: persistent chains of the joint phase (S&H: 100).
    gibbs_steps: block Gibbs transitions of the chains per update.
    mean_field_tolerance: sweeps stop when no $\\mu$ moves more than this.
    mean_field_iterations: the most sweeps.
    sample_steps: Gibbs transitions of `sample`'s chains.
  """
  pretrain_steps: int = 0
  pretrain_k: int = 1
  num_chains: int = 100
  gibbs_steps: int = 5
  mean_field_tolerance: float = 1e-5
  mean_field_iterations: int = 30
  sample_steps: int = 1_000


def pretraining_factors(l: int, num_layers: int) -> tuple[float, float]:
  """`(up, down)` input multipliers of pre-training RBM l of L: 2 where the
  composed DBM gives that side a second neighbour (S&H 2009, Section 3.1)."""
  return (2.0 if l < num_layers else 1.0), (2.0 if l > 1 else 1.0)


def mean_field_init(machine: gibbs.LayeredParams, v: Array
                    ) -> tuple[Array, ...]:
  """The bottom-up pass $\\mu_l = \\sigma(b_l + c_l W_l^\\top \\mu_{l-1})$,
  $c_l = 2$ below the top layer (which has no input from above)."""
  layers = [v]
  num_layers = len(machine.weights)
  for l in range(1, num_layers + 1):
    factor = 2.0 if l < num_layers else 1.0
    layers.append(jax.nn.sigmoid(machine.biases[l]
                                 + factor * layers[-1] @ machine.weights[l - 1]))
  return tuple(layers)


def mean_field_sweep(machine: gibbs.LayeredParams, mu: Sequence[Array]
                     ) -> tuple[Array, ...]:
  """One block sweep of the fixed-point equations: the odd layers from the
  even ones, then the even hidden layers from the new odd ones ($v$ fixed)."""
  mu = list(mu)
  for parity in (1, 0):
    snapshot = tuple(mu)
    for l in range(1 if parity else 2, len(mu), 2):  # v = mu[0] is clamped.
      mu[l] = jax.nn.sigmoid(gibbs.conditional_logits(machine, snapshot, l))
  return tuple(mu)


def mean_field(machine: gibbs.LayeredParams, v: Array, *,
               tolerance: float = 1e-5, max_iterations: int = 30
               ) -> tuple[tuple[Array, ...], Array]:
  r"""The mean-field posterior $q(h | v)$: $(v, \mu_1, \dots, \mu_L)$.

  Sweeps (`mean_field_sweep`) from `mean_field_init` in a `lax.while_loop`
  until $\max |\Delta \mu| <$ `tolerance` or `max_iterations` sweeps.

  Args:
    machine: the DBM.
    v: `[B, n_0]`.
    tolerance: the stopping change.
    max_iterations: the most sweeps.
  Returns:
    `(mu, sweeps)`: the layers (gradient-stopped) and the sweeps made.
  """
  v = jax.lax.stop_gradient(v)
  machine = jax.lax.stop_gradient(machine)

  def cond(carry):
    _, change, i = carry
    return (change > tolerance) & (i < max_iterations)

  def body(carry):
    mu, _, i = carry
    new = mean_field_sweep(machine, mu)
    change = jnp.max(jnp.stack([jnp.max(jnp.abs(a - b))
                                for a, b in zip(new[1:], mu[1:])]))
    return new, change, i + 1

  mu, _, sweeps = jax.lax.while_loop(
      cond, body, (mean_field_init(machine, v), jnp.asarray(jnp.inf),
                   jnp.asarray(0)))
  return mu, sweeps


def mean_field_residual(machine: gibbs.LayeredParams, mu: Sequence[Array]
                        ) -> Array:
  r"""$\max_{l \ge 1} |\mu_l - \sigma(b_l + W_l^\top \mu_{l-1} + W_{l+1}
  \mu_{l+1})|$: zero at a fixed point."""
  return jnp.max(jnp.stack([jnp.max(jnp.abs(mu[l] - jax.nn.sigmoid(
      gibbs.conditional_logits(machine, mu, l)))) for l in range(1, len(mu))]))


def _bernoulli_entropy(mu: Array) -> Array:
  return -jnp.sum(jax.scipy.special.xlogy(mu, mu)
                  + jax.scipy.special.xlogy(1.0 - mu, 1.0 - mu), axis=-1)


def unnormalized_bound(machine: gibbs.LayeredParams, mu: Sequence[Array]
                       ) -> Array:
  r"""$-E(v, \mu) + \sum_{l \ge 1} H(\mu_l)$, per example `[B]`: the
  variational lower bound on $\log p(v)$ plus $\log Z$ (S&H 2009, Eq. 4)."""
  return -gibbs.energy(machine, mu) + sum(
      _bernoulli_entropy(m) for m in mu[1:])


def ais_base_biases(machine: gibbs.LayeredParams, v: Array,
                    visible_bias: Array, *, tolerance: float = 1e-5,
                    max_iterations: int = 30) -> tuple[Array, ...]:
  r"""Base-model biases for AIS on the DBM (`gentk.sampling.ais`), one per
  even layer: `visible_bias` for $v$ (the base-rate model) and, for every
  even hidden layer, the log-odds of its mean-field marginals averaged over
  data `v` `[N, n_0]` (pseudo-count 1).

  A base model with uniform even hidden layers (bias 0) starts every run far
  from where a trained DBM puts its mass, and AIS then misses it
  (underestimates log Z); fitted to the data's posteriors it gives a
  consistent estimate.
  """
  mu, _ = mean_field(machine, v, tolerance=tolerance,
                     max_iterations=max_iterations)
  fitted = [ais.base_rate_bias(jnp.mean(m, axis=0), m.shape[0])
            for m in mu[2::2]]
  return (jnp.asarray(visible_bias, jnp.float32), *fitted)


def compose(rbms: Sequence[dict]) -> dict:
  """The DBM variables composed from pre-training RBMs' variables (see the
  module docstring)."""
  machines = [boltzmann.machine(p) for p in rbms]
  weights = tuple(w for ws, _ in machines for w in ws)
  num_layers = len(machines)
  biases = [machines[0][1][0]]
  for l in range(1, num_layers):
    biases.append(0.5 * (machines[l - 1][1][1] + machines[l][1][0]))
  biases.append(machines[-1][1][1])
  return boltzmann.from_machine(weights, biases)


class Players(NamedTuple):
  """What a DBM's steps read: the machines, their optimizers and settings.

  Attributes:
    sizes: $(n_0, \\dots, n_L)$.
    modules: `{rbm_l: LayeredBoltzmann, dbm: LayeredBoltzmann}`.
    optimizers: the same keys; the RBMs' pre-training optimizers.
    settings: `Settings`.
    visible_bias: initial $b_0$ (or None for zeros).
    axis_name: the `pmap` axis, or None.
  """
  sizes: tuple[int, ...]
  modules: dict
  optimizers: dict
  settings: Settings
  visible_bias: Array | None
  axis_name: str | None

  @property
  def num_layers(self) -> int:
    return len(self.sizes) - 1

  @property
  def rbms(self) -> list[str]:
    """The pre-training RBMs' player names, bottom first."""
    return [rbm_player(l) for l in range(1, self.num_layers + 1)]


def machine_of(state: TrainState, name: str) -> gibbs.LayeredParams:
  """Player `name`'s machine in `state`."""
  return gibbs.LayeredParams(*boltzmann.machine(state.params[name]))


def _with_visible_bias(variables: dict, visible_bias: Array) -> dict:
  return {"params": {**variables["params"],
                     "b_0": jnp.asarray(visible_bias, jnp.float32)}}


def init(p: Players, key: PRNGKey, batch) -> TrainState:
  """Every machine at its initialisation (the DBM's and the bottom RBM's
  $b_0$ set to `visible_bias`) and the persistent chains: $v$ from $b_0$,
  hidden layers uniform."""
  del batch
  state = core.init_state(key, {n: (m, ()) for n, m in p.modules.items()},
                          p.optimizers)
  params = dict(state.params)
  if p.visible_bias is not None:
    for name in (DBM, p.rbms[0]):
      params[name] = _with_visible_bias(params[name], p.visible_bias)
  keys = jax.random.split(jax.random.fold_in(key, len(p.modules)),
                          len(p.sizes))
  num_chains = p.settings.num_chains
  chains = [rbm.draw_visible(keys[0], params[DBM]["params"]["b_0"],
                             num_chains)]
  chains += [jax.random.bernoulli(k, 0.5, (num_chains, n)).astype(
      jnp.float32) for k, n in zip(keys[1:], p.sizes[1:])]
  return state.replace(params=params, extras={CHAINS: tuple(chains)})


def representation_below(p: Players, l: int, state: TrainState,
                         x: Array) -> Array:
  """The data's representation below RBM l: the lower RBMs' $p(h | \\cdot)$
  with their pre-training up-factors."""
  for j in range(1, l):
    x = rbm.hidden_probs(machine_of(state, rbm_player(j)), x,
                         up=pretraining_factors(j, p.num_layers)[0])
  return x


def pretrain_step(p: Players, l: int, state: TrainState, batch,
                  key: PRNGKey):
  """One CD-k update of pre-training RBM l on the representation below it."""
  name = rbm_player(l)
  up, down = pretraining_factors(l, p.num_layers)
  x = representation_below(p, l, state, rbm.flat(batch["x"]))
  x_negative = rbm.gibbs_chain(key, x, machine_of(state, name),
                               p.settings.pretrain_k, up=up, down=down)

  def rule(params, ctx):
    del ctx
    direction, metrics = rbm.cd_direction(
        gibbs.LayeredParams(*boltzmann.machine(params[name])), x,
        x_negative, up=up, down=down)
    return {name: direction}, metrics

  state, metrics = core.update(state, [name], core.Context(batch, key),
                               optimizers=p.optimizers, rule=rule,
                               axis_name=p.axis_name)
  return state, core.prefixed(name, metrics)


def compose_rbms(p: Players, state: TrainState, key: PRNGKey) -> TrainState:
  """The DBM composed from the pre-trained RBMs: the joint phase's
  `on_enter`."""
  del key
  return state.replace(params={
      **state.params, DBM: compose([state.params[n] for n in p.rbms])})


def joint_step(p: Players, state: TrainState, batch, key: PRNGKey):
  """One joint update: the chains advance `gibbs_steps` block-Gibbs
  transitions (negative phase), mean field on the batch (positive phase)."""
  s = p.settings
  kernel = gibbs.build_kernel()
  machine = machine_of(state, DBM)
  chains, _ = jax.lax.scan(
      lambda c, k: kernel(k, c, machine),
      gibbs.GibbsState(state.extras[CHAINS]),
      jax.random.split(key, s.gibbs_steps))
  v = rbm.flat(batch["x"])

  def rule(params, ctx):
    del ctx
    m = gibbs.LayeredParams(*boltzmann.machine(params[DBM]))
    mu, sweeps = mean_field(m, v, tolerance=s.mean_field_tolerance,
                            max_iterations=s.mean_field_iterations)
    positive = rbm.statistics(mu)
    negative = rbm.statistics(gibbs.odd_conditionals(m, chains.layers))
    return {DBM: rbm.descent_direction(positive, negative)}, {
        "mean_field_sweeps": sweeps.astype(jnp.float32),
        "bound_plus_log_z": jnp.mean(unnormalized_bound(m, mu))}

  state, metrics = core.update(state, [DBM], core.Context(batch, key),
                               optimizers=p.optimizers, rule=rule,
                               axis_name=p.axis_name)
  state = state.replace(extras={CHAINS: chains.layers})
  return state, core.prefixed(DBM, metrics)


def sample(p: Players, state: TrainState, key: PRNGKey, num: int) -> Array:
  """$p(v | h^1)$ `[num, n_0]` after `sample_steps` block-Gibbs transitions
  from $v$ drawn from $b_0$ and uniform hidden layers."""
  machine = machine_of(state, DBM)
  kernel = gibbs.build_kernel()
  keys = jax.random.split(key, len(p.sizes) + 1)
  layers = [rbm.draw_visible(keys[0], machine.biases[0], num)]
  layers += [jax.random.bernoulli(k, 0.5, (num, n)).astype(jnp.float32)
             for k, n in zip(keys[1:-1], p.sizes[1:])]
  chains, _ = jax.lax.scan(lambda c, k: kernel(k, c, machine),
                           gibbs.GibbsState(tuple(layers)),
                           jax.random.split(keys[-1], p.settings.sample_steps))
  return jax.nn.sigmoid(gibbs.conditional_logits(machine, chains.layers, 0))


def make_dbm(sizes: Sequence[int], *, optimizer: optax.GradientTransformation,
             pretrain_optimizer: optax.GradientTransformation | None = None,
             settings: Settings = Settings(),
             visible_bias: Array | None = None, weight_scale: float = 0.01,
             axis_name: str | None = None) -> Algorithm:
  r"""A DBM: phases `pretrain_1..pretrain_L` (if `pretrain_steps`), `joint`.

  Args:
    sizes: $(n_0, n_1, \dots, n_L)$, e.g. `(784, 500, 1000)`.
    optimizer: the joint phase's (`rbm.optimizer`: SGD, momentum, decay).
    pretrain_optimizer: the pre-training RBMs' (default: `optimizer`).
    settings: `Settings`.
    visible_bias: initial $b_0$ of the DBM and the bottom RBM (log-odds of
      the pixel means), or None for zeros.
    weight_scale: $W_l \sim N(0, \text{scale}^2)$ at init.
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm` on `{"x": [B, ...]}`; metrics `rbm_l/...` in
    pre-training, `dbm/mean_field_sweeps`, `dbm/bound_plus_log_z`,
    `dbm/grad_norm` in the joint phase; `sample(state, key, n)` gives
    $p(v | h^1)$ `[n, n_0]` after `settings.sample_steps` transitions.
  """
  sizes = tuple(sizes)
  names = [rbm_player(l) for l in range(1, len(sizes))]
  modules = {name: boltzmann.LayeredBoltzmann(sizes[l - 1:l + 1], weight_scale)
             for l, name in enumerate(names, start=1)}
  modules[DBM] = boltzmann.LayeredBoltzmann(sizes, weight_scale)
  optimizers = {name: pretrain_optimizer or optimizer for name in names}
  optimizers[DBM] = optimizer
  p = Players(sizes, modules, optimizers, settings, visible_bias, axis_name)
  bind = lambda fn, *args: functools.partial(fn, p, *args)  # pylint: disable=unnecessary-lambda-assignment
  phases = [Phase(f"pretrain_{l}", bind(pretrain_step, l),
                  settings.pretrain_steps)
            for l in range(1, len(sizes)) if settings.pretrain_steps]
  phases.append(Phase("joint", bind(joint_step), on_enter=bind(compose_rbms)
                      if settings.pretrain_steps else None))
  return Algorithm(bind(init), tuple(phases), bind(sample))
