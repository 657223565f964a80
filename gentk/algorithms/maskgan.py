r"""MaskGAN: fill in the blanks of a sequence by an actor-critic GAN
(Fedus, Goodfellow & Dai 2018).

A mask $m$ blanks some tokens of a real sequence $x$ (`contiguous_mask`,
`random_mask`). The generator $G_\theta$ (`gentk.models.maskgan`, a
seq2seq with attention) fills the blanks left to right,
$\hat x_t \sim G_\theta(\cdot \mid \hat x_{<t}, m(x))$ where $m_t = 0$ and
$\hat x_t = x_t$ where the token is present. The discriminator gives each
token a probability of being real, $D_\phi(\hat x_t \mid \hat x_{1:t}, m(x))$,
trained by cross-entropy on the blank positions of real and filled
sequences. The generator is the actor of an actor-critic: reward
$r_t = \log D_\phi(\hat x_t \mid \ldots)$ on blank positions (0 elsewhere),
returns $R_t = \sum_{s \ge t} \gamma^{s-t} r_s$, a critic $V_\psi(\hat x_{<t})$
(on the discriminator's decoder state, `gentk.models.maskgan.ValueHead`)
regressed onto $R_t$, and the REINFORCE gradient
$$\nabla_\theta \approx \sum_{t:\, m_t = 0} \mathrm{clip}(R_t - V_\psi(\hat
  x_{<t}), \pm c)\; \nabla_\theta \log G_\theta(\hat x_t \mid \hat x_{<t},
  m(x))$$
(`gentk.estimators.actor_critic`, `score_function`), averaged over the blank
positions; the generator's gradient is clipped by its optimizer.

Phases: `maskmle` (MaskMLE pre-training: cross-entropy of the real tokens at
the blank positions, teacher-forced), then `adversarial` (one discriminator,
one critic and one generator update per step, on one fresh mask and fill;
the generator may use another optimizer there, `actor_optimizer`: the
published actor rate is 25x below the MaskMLE rate). `method="maskmle"` is
the baseline: the `maskmle` phase for the whole run.

Sequences end with an end token and are padded after it; masks blank
positions of the sentence only (up to and including the end token), so the
contiguous mask of a short caption is shorter than that of a long one
(`contiguous_mask`).

References:
  Fedus, Goodfellow & Dai 2018, "MaskGAN: Better Text Generation via Filling
    in the ______", https://arxiv.org/abs/1801.07736 (Sections 3.1-3.3;
    code: tensorflow/models research/maskgan)
"""
import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from gentk import parallel
from gentk.algorithms import core
from gentk.estimators import actor_critic
from gentk.estimators import categorical
from gentk.estimators import score_function
from gentk.models import maskgan as models
from gentk.types import Algorithm, Array, ArrayLike, Phase, PRNGKey, TrainState

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
CRITIC = "critic"
MASK_MODES = ("contiguous", "random")
METHODS = ("maskgan", "maskmle")


def sentence_lengths(tokens: ArrayLike, end_token: int) -> Array:
  """Tokens of each sentence up to and including the first `end_token`
  (`T` where there is none): int32 `[B]`."""
  tokens = jnp.asarray(tokens)
  is_end = tokens == end_token
  first = jnp.argmax(is_end, axis=-1)
  return jnp.where(is_end.any(-1), first + 1, tokens.shape[-1]).astype(
      jnp.int32)


def contiguous_length(length: ArrayLike, present_rate: float) -> Array:
  r"""Blanks of the contiguous mask of a sentence of `length` tokens:
  $K = \max(1, \lfloor (1 - \rho) L \rfloor - 1)$ (the published code's
  `int((1 - is_present_rate) * length) - 1`: 9 of 20 at $\rho = 0.5$)."""
  length = jnp.asarray(length)
  return jnp.maximum(1, jnp.floor((1.0 - present_rate) * length).astype(
      jnp.int32) - 1)


def contiguous_mask(key: PRNGKey, lengths: ArrayLike, num_positions: int,
                    present_rate: float) -> Array:
  """Present flags `[B, T]` (False: blank) of one contiguous blank run per
  row: `contiguous_length(L)` positions from a start drawn uniformly from
  {1, ..., L - K} (the first token always present; the published start
  range [1, 11] for L = 20)."""
  lengths = jnp.asarray(lengths, jnp.int32)
  blanks = contiguous_length(lengths, present_rate)
  high = jnp.maximum(lengths - blanks, 1)  # Inclusive upper end of start.
  start = 1 + jnp.floor(jax.random.uniform(key, lengths.shape)
                        * high).astype(jnp.int32)
  start = jnp.minimum(start, high)
  t = jnp.arange(num_positions)
  blank = (t >= start[:, None]) & (t < (start + blanks)[:, None])
  return ~blank


def random_mask(key: PRNGKey, lengths: ArrayLike, num_positions: int,
                present_rate: float) -> Array:
  """Present flags `[B, T]`: each token of the sentence blanked
  independently with probability `1 - present_rate`; positions after the
  sentence present."""
  lengths = jnp.asarray(lengths, jnp.int32)
  inside = jnp.arange(num_positions) < lengths[:, None]
  keep = jax.random.bernoulli(key, present_rate,
                              (lengths.shape[0], num_positions))
  return keep | ~inside


def make_mask(key: PRNGKey, tokens: ArrayLike, *, mode: str,
              present_rate: float, end_token: int) -> Array:
  """Present flags `[B, T]` for `tokens [B, T]` (mode in `MASK_MODES`)."""
  if mode not in MASK_MODES:
    raise ValueError(f"unknown mask mode {mode!r}: choose one of {MASK_MODES}")
  tokens = jnp.asarray(tokens)
  draw = contiguous_mask if mode == "contiguous" else random_mask
  return draw(key, sentence_lengths(tokens, end_token), tokens.shape[-1],
              present_rate)


def fill(generator: models.MaskedSeq2Seq, g_variables, key: PRNGKey,
         tokens: ArrayLike, present: ArrayLike) -> tuple[Array, Array]:
  """Fills the blanks of `tokens [B, T]` left to right (one `lax.scan`):
  `(filled [B, T], log G of every filled token [B, T])`; present positions
  keep their token."""
  tokens, present = jnp.asarray(tokens), jnp.asarray(present)
  encoded = generator.apply(g_variables, tokens, present,
                            method=models.MaskedSeq2Seq.encode)
  start = jnp.full(tokens.shape[:1], generator.start_token, tokens.dtype)

  def body(carry, xs):
    state, previous = carry
    k, token, is_present, aligned = xs
    logits, state, _ = generator.apply(
        g_variables, state, previous, aligned, encoded.states,
        method=models.MaskedSeq2Seq.step)
    drawn = categorical.categorical(k, logits).astype(tokens.dtype)
    chosen = jnp.where(is_present, token, drawn)
    return (state, chosen), (chosen,
                             categorical.categorical_log_prob(logits, chosen))

  keys = jax.random.split(key, tokens.shape[1])
  _, (filled, log_p) = jax.lax.scan(
      body, (encoded.last, start),
      (keys, tokens.T, present.T, jnp.swapaxes(encoded.states, 0, 1)))
  return filled.T, log_p.T


def masked_mean(values: Array, weights: Array) -> Array:
  """$\\sum w v / \\max(\\sum w, 1)$."""
  return jnp.sum(values * weights) / jnp.maximum(jnp.sum(weights), 1.0)


def maskmle_objective(generator: models.MaskedSeq2Seq):
  """`(params, ctx) -> (loss, metrics)`: mean cross-entropy of the real
  tokens at the blank positions (`ctx.batch`: `tokens`, `present`)."""
  def objective(params, ctx):
    tokens, present = ctx.batch["tokens"], ctx.batch["present"]
    logits = generator.apply(params[GENERATOR], tokens, present, tokens)
    nll = masked_mean(-categorical.categorical_log_prob(logits, tokens),
                      (~present).astype(jnp.float32))
    return nll, {"nll": nll}
  return objective


def discriminator_objective(discriminator: models.MaskedSeq2Seq):
  """`(params, ctx) -> (loss, metrics)`: per-token cross-entropy of D on the
  blank positions of `tokens` (real) and `ctx.samples` (filled)."""
  def objective(params, ctx):
    tokens, present = ctx.batch["tokens"], ctx.batch["present"]
    blank = (~present).astype(jnp.float32)
    d = params[DISCRIMINATOR]
    real = discriminator.apply(d, tokens, present, tokens)[..., 0]
    fake = discriminator.apply(d, tokens, present, ctx.samples)[..., 0]
    bce = optax.sigmoid_binary_cross_entropy
    loss = 0.5 * (masked_mean(bce(real, jnp.ones_like(real)), blank)
                  + masked_mean(bce(fake, jnp.zeros_like(fake)), blank))
    return loss, {"real_prob": masked_mean(jax.nn.sigmoid(real), blank),
                  "fake_prob": masked_mean(jax.nn.sigmoid(fake), blank)}
  return objective


def critic_objective(critic: models.ValueHead):
  """`(params, ctx) -> (loss, metrics)`: $\\frac12 (V - R)^2$ at the blank
  positions; `ctx.batch` holds the decoder `features` and `returns`."""
  def objective(params, ctx):
    values = critic.apply(params[CRITIC], ctx.batch["features"])
    blank = (~ctx.batch["present"]).astype(jnp.float32)
    loss = masked_mean(actor_critic.critic_loss(values, ctx.batch["returns"]),
                       blank)
    return loss, {"value": masked_mean(values, blank)}
  return objective


def actor_objective(generator: models.MaskedSeq2Seq):
  """`(params, ctx) -> (loss, metrics)`: minus the REINFORCE surrogate
  $\\mathrm{sg}(A_t) \\log G_\\theta(\\hat x_t \\mid \\ldots)$ averaged
  over the blank positions (`ctx.batch`: `tokens`, `present`,
  `advantages`; `ctx.samples` the filled sequences)."""
  def objective(params, ctx):
    tokens, present = ctx.batch["tokens"], ctx.batch["present"]
    filled = ctx.samples
    log_p = categorical.categorical_log_prob(
        generator.apply(params[GENERATOR], tokens, present, filled), filled)
    surrogate, _ = score_function.score_function_surrogate(
        log_p, ctx.batch["advantages"])
    blank = (~present).astype(jnp.float32)
    return -masked_mean(surrogate, blank), {
        "log_prob": masked_mean(log_p, blank),
        "advantage": masked_mean(ctx.batch["advantages"], blank)}
  return objective


class Targets(NamedTuple):
  """The actor-critic quantities of one filled batch, all `[B, T]`."""
  rewards: Array
  returns: Array
  advantages: Array


def actor_critic_targets(d_logits: ArrayLike, values: ArrayLike,
                         present: ArrayLike, *, discount: float,
                         advantage_clip: float) -> Targets:
  r"""Rewards $r_t = (1 - m_t) \log \sigma(\mathrm{logit}\, D_t)$,
  returns $R_t = r_t + \gamma R_{t+1}$ ($R_{T+1} = 0$) and advantages
  $\mathrm{clip}(R_t - V_t, \pm c)$ (stopped).

  Args:
    d_logits: the discriminator's per-token logits on the filled sequence.
    values: the critic's $V_t$.
    present: the mask (True: given, reward 0).
    discount: $\gamma$.
    advantage_clip: $c$.
  References:
    Fedus et al. 2018, Section 3.2, Eq. 4-6.
  """
  blank = (~jnp.asarray(present)).astype(jnp.float32)
  rewards = jax.nn.log_sigmoid(jnp.asarray(d_logits)) * blank
  returns = actor_critic.discounted_returns(rewards, discount)
  advantages = actor_critic.generalized_advantages(rewards, values, discount)
  return Targets(rewards, returns,
                 jnp.clip(advantages, -advantage_clip, advantage_clip))


class Settings(NamedTuple):
  """MaskGAN's settings (published values in brackets).

  Attributes:
    maskmle_steps: MaskMLE pre-training updates.
    present_rate: rho, the share of tokens kept [0.5].
    mask_mode: 'contiguous' or 'random'.
    discount: gamma of the returns [0.89].
    advantage_clip: c, advantages clipped to [-c, c] [5].
    end_token: the token that ends a sentence.
  """
  maskmle_steps: int
  present_rate: float = 0.5
  mask_mode: str = "contiguous"
  discount: float = 0.89
  advantage_clip: float = 5.0
  end_token: int = 2


class Players(NamedTuple):
  """What MaskGAN's steps read: the three networks, their optimizers (the
  actor's for the generator's policy-gradient update), `Settings`, the
  sequence length and the `pmap` axis."""
  generator: models.MaskedSeq2Seq
  discriminator: models.MaskedSeq2Seq
  critic: models.ValueHead
  settings: Settings
  optimizers: dict
  actor_optimizers: dict
  length: int
  axis_name: str | None


def init(p: Players, key: PRNGKey, batch) -> TrainState:
  """The three players initialised on one sequence of `batch`."""
  tokens = batch["tokens"][:1]
  present = jnp.ones_like(tokens, bool)
  features = jnp.zeros(tokens.shape + (p.discriminator.hidden_dim,))
  return core.init_state(key, {
      GENERATOR: (p.generator, (tokens, present, tokens)),
      DISCRIMINATOR: (p.discriminator, (tokens, present, tokens)),
      CRITIC: (p.critic, (features,))}, p.optimizers)


def _mask(p: Players, key: PRNGKey, tokens: Array) -> Array:
  s = p.settings
  return make_mask(key, tokens,
                   mode=s.mask_mode, present_rate=s.present_rate,
                   end_token=s.end_token)


def _update(p: Players, state: TrainState, player: str, objective, batch, *,
            samples=None, optimizers=None):
  """One update of `player` on `objective` with `batch` (and `samples`)."""
  ctx = core.Context(batch=batch, key=None, extras=state.extras,
                     samples=samples)
  return core.update(state, [player], ctx,
                     optimizers=optimizers or p.optimizers,
                     objective=objective, axis_name=p.axis_name)


def maskmle_step(p: Players, state: TrainState, batch, key: PRNGKey):
  """One maximum-likelihood update of the generator's fills of blanks."""
  tokens = batch["tokens"]
  present = _mask(p, parallel.replica_key(key, p.axis_name), tokens)
  batch = {"tokens": tokens, "present": present}
  state, metrics = _update(p, state, GENERATOR,
                           maskmle_objective(p.generator), batch)
  return state, core.prefixed(GENERATOR, metrics)


def adversarial_step(p: Players, state: TrainState, batch, key: PRNGKey):
  """The discriminator on real vs filled blanks, the critic on its rewards'
  discounted returns, then the actor on the advantages (REINFORCE with the
  critic as baseline)."""
  key_mask, key_fill = jax.random.split(parallel.replica_key(key, p.axis_name))
  tokens = batch["tokens"]
  present = _mask(p, key_mask, tokens)
  filled, _ = fill(p.generator, state.params[GENERATOR], key_fill, tokens,
                   present)
  data = {"tokens": tokens, "present": present}
  state, d_metrics = _update(p, state, DISCRIMINATOR,
                             discriminator_objective(p.discriminator), data,
                             samples=filled)
  logits, features = p.discriminator.apply(
      state.params[DISCRIMINATOR], tokens, present, filled, features=True)
  features = jax.lax.stop_gradient(features)
  targets = actor_critic_targets(
      logits[..., 0], p.critic.apply(state.params[CRITIC], features),
      present, discount=p.settings.discount,
      advantage_clip=p.settings.advantage_clip)
  state, v_metrics = _update(
      p, state, CRITIC, critic_objective(p.critic),
      {**data, "features": features, "returns": targets.returns})
  state, g_metrics = _update(
      p, state, GENERATOR, actor_objective(p.generator),
      {**data, "advantages": targets.advantages}, samples=filled,
      optimizers=p.actor_optimizers)
  g_metrics["reward"] = masked_mean(targets.rewards,
                                    (~present).astype(jnp.float32))
  return state, {
      **core.prefixed(DISCRIMINATOR, d_metrics),
      **core.prefixed(CRITIC, v_metrics),
      **core.prefixed(GENERATOR, g_metrics)}


def sample(p: Players, state: TrainState, key: PRNGKey, num: int) -> Array:
  """`num` all-blank sequences filled (the generator as a language model)."""
  tokens = jnp.zeros((num, p.length), jnp.int32)
  filled, _ = fill(p.generator, state.params[GENERATOR], key, tokens,
                   jnp.zeros_like(tokens, bool))
  return filled


def make_maskgan(generator: models.MaskedSeq2Seq,
                 discriminator: models.MaskedSeq2Seq,
                 critic: models.ValueHead, *, settings: Settings,
                 generator_optimizer: optax.GradientTransformation,
                 discriminator_optimizer: optax.GradientTransformation,
                 critic_optimizer: optax.GradientTransformation,
                 length: int,
                 actor_optimizer: optax.GradientTransformation | None = None,
                 method: str = "maskgan",
                 axis_name: str | None = None) -> Algorithm:
  """MaskGAN (or the MaskMLE baseline) as phases of the training core.

  Args:
    generator: `MaskedSeq2Seq(outputs=V, shift=True)`.
    discriminator: `MaskedSeq2Seq(outputs=1, shift=False)`.
    critic: `ValueHead` on the discriminator's decoder states.
    settings: see `Settings`.
    generator_optimizer: MaskMLE and the actor (clip gradients in it).
    discriminator_optimizer, critic_optimizer: optax transformations.
    method: "maskgan" or "maskmle".
    axis_name: the `pmap` axis, or None.
  Returns:
    an `Algorithm` on batches `{"tokens": int32 [B, T]}`; `sample(state,
    key, n)` fills `n` all-blank sequences (the generator as a language
    model).
  """
  if method not in METHODS:
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")
  if settings.mask_mode not in MASK_MODES:
    raise ValueError(f"unknown mask mode {settings.mask_mode!r}: choose one "
                     f"of {MASK_MODES}")
  optimizers = {GENERATOR: generator_optimizer,
                DISCRIMINATOR: discriminator_optimizer,
                CRITIC: critic_optimizer}
  actor_optimizers = dict(optimizers)
  if actor_optimizer is not None:
    actor_optimizers[GENERATOR] = actor_optimizer
  p = Players(generator, discriminator, critic, settings, optimizers,
              actor_optimizers, length, axis_name)
  bind = lambda fn: functools.partial(fn, p)  # pylint: disable=unnecessary-lambda-assignment
  if method == "maskmle":
    phases = (Phase("maskmle", bind(maskmle_step)),)
  else:
    phases = (Phase("maskmle", bind(maskmle_step), settings.maskmle_steps),
              Phase("adversarial", bind(adversarial_step)))
  return Algorithm(bind(init), phases, bind(sample))
