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

The re-initialisations are the phases' `on_enter`. A round's step is the GAN
schedule's (`gentk.algorithms.adversarial.adversarial_step`, one
discriminator update then one generator update, the cross-entropy game of
`gentk.algorithms.gan`) on the round's generator; the ratio classifier's
update is the same discriminator update against the mixture's samples.

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
import functools
from typing import Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import adversarial
from gentk.algorithms import core
from gentk.algorithms import gan
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


class Settings(NamedTuple):
  """What AdaGAN's steps read besides the state (fixed for a run).

  Attributes:
    players: the adversarial schedule's settings (generator, discriminator,
      the cross-entropy game with z ~ N(0, I), optimizers of every player);
      round t trains `generator_name(t)` with it.
    points: the N training points.
    batch_size: real and generated examples per update.
    latent_dim: the dimension of z.
    num_rounds: T.
    beta: the new component's mixture weight; 0 for 1/t.
    score_chunk: points scored at once when the ratio is read at all N.
  """
  players: adversarial.Settings
  points: Points
  batch_size: int
  latent_dim: int
  num_rounds: int
  beta: float = 0.0
  score_chunk: int = 10_000

  def round_players(self, t: int) -> adversarial.Settings:
    """The schedule's settings for round t: it trains `generator_t`."""
    return self.players._replace(generator_name=generator_name(t))

  def beta_of(self, t: int) -> float:
    """beta_t: the constant `beta`, or 1/t when it is 0."""
    return self.beta if self.beta > 0 else 1.0 / t


def _first_point(a: Settings) -> Array:
  """Point 0 `[1, ...]`: the discriminator's example input."""
  return a.points.lookup(jnp.zeros((1,), jnp.int32))


def init_state(a: Settings, key: PRNGKey, batch) -> TrainState:
  """T generators, the discriminator, uniform data weights and the mixture
  (1, 0, ..., 0)."""
  del batch  # Real batches are drawn from `a.points`.
  z = jnp.zeros((1, a.latent_dim))
  p = a.players
  players = {generator_name(t): (p.generator, (z,))
             for t in range(1, a.num_rounds + 1)}
  players[DISCRIMINATOR] = (p.discriminator, (_first_point(a),))
  n = a.points.num
  return core.init_state(key, players, p.optimizers, extras={
      WEIGHTS: jnp.full((n,), 1.0 / n),
      MIXTURE: jnp.zeros(a.num_rounds).at[0].set(1.0)})


def fresh_discriminator(a: Settings, state: TrainState, key: PRNGKey
                        ) -> TrainState:
  """The discriminator (parameters, collections) and its optimizer state
  re-initialised: the `on_enter` of each ratio and round phase after the
  first."""
  p = a.players
  params, collections = core.split_variables(
      p.discriminator.init(key, _first_point(a)))
  return state.replace(
      params={**state.params, DISCRIMINATOR: params},
      opt_state={**state.opt_state,
                 DISCRIMINATOR: p.optimizers[DISCRIMINATOR].init(params)},
      collections={**(state.collections or {}), DISCRIMINATOR: collections})


def draw_indices(key: PRNGKey, weights: Array, batch_size: int) -> Array:
  """`batch_size` indices drawn with probabilities `weights` `[N]` (inverse
  CDF: O(N + B log N), where a categorical draw would cost B x N)."""
  u = jax.random.uniform(key, (batch_size,)) * jnp.sum(weights)
  return jnp.minimum(jnp.searchsorted(jnp.cumsum(weights), u),
                     weights.shape[0] - 1)


def logits_at_points(a: Settings, state: TrainState) -> Array:
  """The discriminator's logit at each of the N points `[N]` (inference
  mode), scored `score_chunk` at a time (the last chunk wraps around)."""
  n = a.points.num
  chunk = min(a.score_chunk, n)
  chunks = -(-n // chunk)
  index = (jnp.arange(chunks * chunk, dtype=jnp.int32) % n).reshape(
      chunks, chunk)
  variables = core.player_variables(state, DISCRIMINATOR)
  scored = jax.lax.map(lambda i: core.eval_apply(
      a.players.discriminator, variables, a.points.lookup(i)), index)
  return scored.reshape(-1)[:n]


def mixture_sample(a: Settings, state: TrainState, key: PRNGKey,
                   num: int) -> Array:
  """`num` draws of the mixture: c ~ alpha, then G_c(z) (every generator is
  applied to every z and the draw selects)."""
  key_z, key_c = jax.random.split(key)
  z = jax.random.normal(key_z, (num, a.latent_dim))
  stacked = jax.tree.map(lambda *p: jnp.stack(p), *[
      core.player_variables(state, generator_name(t))
      for t in range(1, a.num_rounds + 1)])
  outputs = jax.vmap(lambda v: core.eval_apply(a.players.generator, v, z))(
      stacked)  # [T, num, ...]
  c = jax.random.categorical(key_c, jnp.log(state.extras[MIXTURE]),
                             shape=(num,))
  return jnp.take_along_axis(
      outputs, c.reshape((1, num) + (1,) * (outputs.ndim - 2)), 0)[0]


def ratio_step(a: Settings, t: int, state: TrainState, batch,
               key: PRNGKey):
  """One classifier update of data (`batch["x"]`) against the mixture
  P_{t-1}: the GAN's discriminator update with the mixture's samples."""
  key_fake, key_loss = jax.random.split(key)
  fake = mixture_sample(a, state, key_fake, a.batch_size)
  state, metrics = adversarial.discriminator_update(
      a.players, state, batch, fake, None, key_loss)
  return state, core.prefixed(f"ratio_{t}", metrics)


def reweight_step(a: Settings, t: int, state: TrainState, batch,
                  key: PRNGKey):
  """Round t's one-step phase: the data weights from the ratio classifier
  and the mixture weights with G_t's share."""
  del batch, key
  b = a.beta_of(t)
  h = jnp.exp(-logits_at_points(a, state))  # dP_{t-1} / dP_data at the points.
  mixture = (state.extras[MIXTURE] * (1 - b)).at[t - 1].set(b)
  weights = data_weights(h, b)
  state = state.replace(extras={WEIGHTS: weights, MIXTURE: mixture})
  return state, {
      f"reweight_{t}/max_weight_times_n": jnp.max(weights) * a.points.num,
      f"reweight_{t}/zero_weight_fraction": jnp.mean(weights == 0.0)}


def round_step(a: Settings, t: int, state: TrainState, batch, key: PRNGKey):
  """One GAN step of round t (`adversarial.adversarial_step` on G_t) on a
  real batch drawn from the points with the data weights."""
  del batch  # Drawn here, with the current weights.
  key_data, key_step = jax.random.split(key)
  index = draw_indices(key_data, state.extras[WEIGHTS], a.batch_size)
  real = {"x": a.points.lookup(index)[:, None]}  # One discriminator step.
  return adversarial.adversarial_step(a.round_players(t), state, real,
                                      key_step)


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
  game = gan.gan_game(adversarial.TrainMode(discriminator),
                      adversarial.gaussian_latent(latent_dim))
  optimizers = {**{generator_name(t): generator_optimizer
                   for t in range(1, num_rounds + 1)},
                DISCRIMINATOR: discriminator_optimizer}
  a = Settings(adversarial.Settings(generator, discriminator, game,
                                    optimizers, axis_name),
               as_points(data), batch_size, latent_dim, num_rounds, beta,
               score_chunk)
  step = lambda fn, t: functools.partial(fn, a, t)
  on_enter = functools.partial(fresh_discriminator, a)
  phases = [Phase("round_1", step(round_step, 1),
                  round_steps if num_rounds > 1 else None)]
  for t in range(2, num_rounds + 1):
    phases += [
        Phase(f"ratio_{t}", step(ratio_step, t), ratio_steps,
              on_enter=on_enter),
        Phase(f"reweight_{t}", step(reweight_step, t), 1),
        Phase(f"round_{t}", step(round_step, t),
              round_steps if t < num_rounds else None, on_enter=on_enter)]
  return Algorithm(functools.partial(init_state, a), tuple(phases),
                   functools.partial(mixture_sample, a))
