r"""AdaGAN (Tolstikhin et al. 2017): a mixture of generators grown by boosting.

Round 1 trains a GAN $G_1$ on the N training points; the mixture is
$P_1 = G_1$. Round $t \ge 2$ has two phases:

* `ratio_t`: the discriminator, re-initialised, learns to tell the data
  from the current mixture $P_{t-1}$ (cross-entropy, balanced batches), so
  that $h(x) = dP_{t-1}/dP_{data}(x) \approx e^{-D(x)}$ with $D$ its logit;
* `reweight_t` (one step): the data points get the weights of the paper's
  Theorem 1 (the KL-optimal next component, Eq. 5),
  $$w_i = \frac{1}{\beta N}\big(\lambda^* - (1 - \beta) h(x_i)\big)_+,
    \qquad \sum_i w_i = 1$$
  ($\lambda^*$ by bisection), and the mixture weights become
  $((1 - \beta) \alpha_{<t}, \beta)$;
* `round_t`: a new GAN $G_t$, against a re-initialised discriminator,
  trains on real batches drawn with probabilities w (non-saturating cost).

The re-initialisations are the phases' `on_enter`.

$\beta_t = 1/t$ by default (a uniform mixture), or a constant. Sampling draws
a component $c \sim \alpha$ and returns $G_c(z)$; every generator is
evaluated on every z and the draw selects (T is small). Players may carry
batch normalisation: a generator's running averages move in its own round
and serve the sampling; the discriminator trains on batch statistics (real
and generated batches normalised apart, as in `gentk.algorithms.adversarial`)
and keeps running averages of the real batches, with which h is read off it
one point at a time (inference mode).

The N training points are an array, or `Points` (a count and an index
lookup) for samples too large to hold as one array, e.g. Stacked MNIST's
triples of digit indices.

References:
  Tolstikhin, Gelly, Bousquet, Simon-Gabriel & Schoelkopf 2017, "AdaGAN:
    Boosting Generative Models", https://arxiv.org/abs/1701.02386
    (Algorithm 1, Theorem 1, Section 3.2)
"""
from typing import Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.losses import adversarial
from gentk.types import Algorithm, Array, ArrayLike, Phase, PRNGKey
from gentk.types import TrainState

DISCRIMINATOR = "discriminator"
WEIGHTS, MIXTURE = "data_weights", "mixture_weights"


class Points(NamedTuple):
  """A fixed training sample of `num` points given by index.

  Attributes:
    num: N.
    lookup: indices `[B]` int32 -> the points `[B, ...]` (jit-traceable).
  """
  num: int
  lookup: Callable[[Array], Array]


def as_points(data: ArrayLike | Points) -> Points:
  """`data` as `Points` (an array `[N, ...]` is looked up by indexing)."""
  if isinstance(data, Points):
    return data
  array = jnp.asarray(data)
  return Points(array.shape[0], lambda i: array[i])


def generator_name(t: int) -> str:
  """The player of round t (1-based)."""
  return f"generator_{t}"


def data_weights(h: ArrayLike, beta: float, iterations: int = 60) -> Array:
  r"""$w_i = (\lambda^* - (1 - \beta) h_i)_+ / (\beta N)$ with
  $\sum_i w_i = 1$, from the density ratios $h_i = dP_{t-1}/dP_{data}(x_i)$
  `[N]`; $\lambda^*$ by bisection on $[0, (1 - \beta) \max h + \beta]$,
  where the sum is 0 and >= 1. Points the mixture already covers well (large
  h) get less weight, uncovered ones more."""
  h = jnp.asarray(h)
  n = h.shape[0]
  total = lambda lam: jnp.sum(jnp.maximum(lam - (1 - beta) * h, 0.0)) / (
      beta * n)

  def bisect(_, bounds):
    lo, hi = bounds
    mid = 0.5 * (lo + hi)
    below = total(mid) < 1.0
    return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

  lo, hi = jax.lax.fori_loop(0, iterations, bisect,
                             (jnp.zeros(()), (1 - beta) * jnp.max(h) + beta))
  w = jnp.maximum(hi - (1 - beta) * h, 0.0)
  return w / jnp.sum(w)


def make_adagan(generator: nn.Module, discriminator: nn.Module, *,
                latent_dim: int, data: ArrayLike | Points, batch_size: int,
                num_rounds: int, round_steps: int, ratio_steps: int,
                generator_optimizer: optax.GradientTransformation,
                discriminator_optimizer: optax.GradientTransformation,
                beta: float = 0.0, score_chunk: int = 10_000,
                axis_name: str | None = None) -> Algorithm:
  """AdaGAN with `num_rounds` generators of `generator`'s architecture.

  Args:
    generator: z `[B, latent_dim]` -> samples `[B, ...]`.
    discriminator: samples -> logits `[B]`; the GAN discriminator of every
      round and the density-ratio classifier (with batch normalisation: a
      keyword `train`, see the module docstring).
    latent_dim: the dimension of z ~ N(0, I).
    data: the N training points that the rounds reweight, `[N, ...]` or
      `Points` (batches are drawn from them inside the step, with the
      current weights).
    batch_size: real and generated examples per update.
    num_rounds: T, the generators.
    round_steps: GAN steps of each round (the last round runs to the end of
      the run).
    ratio_steps: classifier steps before each round t >= 2.
    generator_optimizer, discriminator_optimizer: optax transformations.
    beta: the new component's mixture weight; 0 for 1/t.
    score_chunk: points scored at once when the ratio is read off the
      discriminator at all N (a `lax.map` over chunks bounds the memory).
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm`; phases `round_1`, then `ratio_t`, `reweight_t` (one
    step), `round_t` for t = 2..T; extras `data_weights` `[N]` and
    `mixture_weights` `[T]`.
  """
  points = as_points(data)
  n = points.num
  first = points.lookup(jnp.zeros((1,), jnp.int32))
  names = [generator_name(t) for t in range(1, num_rounds + 1)]
  optimizers = {**{g: generator_optimizer for g in names},
                DISCRIMINATOR: discriminator_optimizer}
  beta_of = lambda t: beta if beta > 0 else 1.0 / t

  def init(key: PRNGKey, batch) -> TrainState:
    z = jnp.zeros((1, latent_dim))
    players = {g: (generator, (z,)) for g in names}
    players[DISCRIMINATOR] = (discriminator, (first,))
    mixture = jnp.zeros(num_rounds).at[0].set(1.0)
    return core.init_state(key, players, optimizers, extras={
        WEIGHTS: jnp.full((n,), 1.0 / n), MIXTURE: mixture})

  def fresh_discriminator(state: TrainState, key: PRNGKey) -> TrainState:
    """The discriminator (parameters, collections) and its optimizer state
    re-initialised: the `on_enter` of each ratio and round phase after the
    first."""
    params, collections = core.split_variables(discriminator.init(key, first))
    return state.replace(
        params={**state.params, DISCRIMINATOR: params},
        opt_state={**state.opt_state,
                   DISCRIMINATOR: discriminator_optimizer.init(params)},
        collections={**(state.collections or {}), DISCRIMINATOR: collections})

  def draw_indices(key: PRNGKey, weights: Array) -> Array:
    """`batch_size` indices drawn with probabilities `weights` (inverse CDF:
    O(N + B log N), where a categorical draw would cost B x N)."""
    u = jax.random.uniform(key, (batch_size,)) * jnp.sum(weights)
    return jnp.minimum(jnp.searchsorted(jnp.cumsum(weights), u), n - 1)

  train_logits = core.train_apply(discriminator)

  def logits(state: TrainState, x: Array) -> Array:
    """The discriminator's logits in train mode (batch statistics)."""
    return train_logits(core.player_variables(state, DISCRIMINATOR), x)

  def logits_at_points(state: TrainState) -> Array:
    """The discriminator's logit at each of the N points `[N]`, scored
    `score_chunk` at a time (the last chunk wraps around)."""
    chunk = min(score_chunk, n)
    chunks = -(-n // chunk)
    index = (jnp.arange(chunks * chunk, dtype=jnp.int32) % n).reshape(
        chunks, chunk)
    variables = core.player_variables(state, DISCRIMINATOR)
    scored = jax.lax.map(lambda i: core.eval_apply(
        discriminator, variables, points.lookup(i)), index)
    return scored.reshape(-1)[:n]

  def mixture_sample(state: TrainState, key: PRNGKey, num: int):
    key_z, key_c = jax.random.split(key)
    z = jax.random.normal(key_z, (num, latent_dim))
    stacked = jax.tree.map(lambda *p: jnp.stack(p), *[
        core.player_variables(state, g) for g in names])
    outputs = jax.vmap(lambda v: core.eval_apply(generator, v, z))(
        stacked)  # [T, num, ...]
    c = jax.random.categorical(key_c, jnp.log(state.extras[MIXTURE]),
                               shape=(num,))
    return jnp.take_along_axis(
        outputs, c.reshape((1, num) + (1,) * (outputs.ndim - 2)), 0)[0]

  def discriminator_update(state, real, fake, key):
    """One cross-entropy step on a real and a generated batch (each
    normalised by its own statistics); the running averages then follow the
    real batch."""
    collections = (state.collections or {}).get(DISCRIMINATOR, {})

    def objective(params, ctx):
      variables = {**params[DISCRIMINATOR], **collections}
      real_logits = train_logits(variables, real)
      fake_logits = train_logits(variables, fake)
      return jnp.mean(adversarial.discriminator_loss(real_logits,
                                                     fake_logits)), {
          "real_prob": jax.nn.sigmoid(real_logits).mean(),
          "fake_prob": jax.nn.sigmoid(fake_logits).mean()}
    tracked = core.tracked_collections(
        discriminator, core.player_variables(state, DISCRIMINATOR), real,
        axis_name=axis_name)
    state, metrics = core.update(state, (DISCRIMINATOR,),
                                 core.Context(None, key),
                                 optimizers=optimizers, objective=objective,
                                 axis_name=axis_name)
    if tracked:
      state = state.replace(collections={**state.collections,
                                         DISCRIMINATOR: tracked})
    return state, metrics

  def ratio_step(t: int):
    def step(state: TrainState, batch, key: PRNGKey):
      key = jax.random.fold_in(key, state.step)
      key_fake, key_loss = jax.random.split(key)
      fake = mixture_sample(state, key_fake, batch_size)
      state, metrics = discriminator_update(state, batch["x"], fake,
                                            key_loss)
      return state, core.prefixed(
          f"ratio_{t}", metrics)
    return step

  def reweight_step(t: int):
    """Round t's one-step phase: the data weights from the ratio
    classifier and the mixture weights with G_t's share."""
    b = beta_of(t)

    def step(state: TrainState, batch, key: PRNGKey):
      # dP_{t-1} / dP_data at the points.
      h = jnp.exp(-logits_at_points(state))
      mixture = (state.extras[MIXTURE] * (1 - b)).at[t - 1].set(b)
      weights = data_weights(h, b)
      state = state.replace(extras={WEIGHTS: weights, MIXTURE: mixture})
      return state, {f"reweight_{t}/max_weight_times_n": jnp.max(weights) * n,
                     f"reweight_{t}/zero_weight_fraction": jnp.mean(
                         weights == 0.0)}
    return step

  def round_step(t: int):
    g = generator_name(t)

    def step(state: TrainState, batch, key: PRNGKey):
      key = jax.random.fold_in(key, state.step)
      keys = jax.random.split(key, 5)
      real = points.lookup(draw_indices(keys[0], state.extras[WEIGHTS]))
      z_d = jax.random.normal(keys[1], (batch_size, latent_dim))
      fake = core.train_apply(generator)(core.player_variables(state, g), z_d)
      state, d_metrics = discriminator_update(state, real, fake, keys[2])
      z_g = jax.random.normal(keys[3], (batch_size, latent_dim))
      collections = (state.collections or {}).get(g, {})

      def objective(params, ctx):
        fake, updated = core.train_apply_updating(
            generator, {**params[g], **collections}, z_g)
        loss = jnp.mean(adversarial.nonsaturating_generator_loss(
            logits(state, fake)))
        return loss, {}, ({g: updated} if updated else None)

      state, g_metrics = core.update(
          state, (g,), core.Context(None, keys[4]), optimizers=optimizers,
          objective=objective, axis_name=axis_name)
      return state, {
          **core.prefixed(DISCRIMINATOR, d_metrics),
          **core.prefixed("generator", g_metrics)}
    return step

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    return mixture_sample(state, key, num)

  phases = [Phase("round_1", round_step(1),
                  round_steps if num_rounds > 1 else None)]
  for t in range(2, num_rounds + 1):
    phases.append(Phase(f"ratio_{t}", ratio_step(t), ratio_steps,
                        on_enter=fresh_discriminator))
    phases.append(Phase(f"reweight_{t}", reweight_step(t), 1))
    phases.append(Phase(f"round_{t}", round_step(t),
                        round_steps if t < num_rounds else None,
                        on_enter=fresh_discriminator))
  return Algorithm(init, tuple(phases), sample)
