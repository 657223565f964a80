r"""SeqGAN: a sequence generator trained by policy gradient against a CNN
discriminator, after maximum-likelihood pre-training (Yu et al. 2017).

The generator $G_\theta$ (an LSTM, `gentk.models.lstm`) is a stochastic policy
whose state is the prefix $Y_{1:t-1}$ and whose action is the next token. The
discriminator $D_\phi$ (`gentk.models.text_cnn`) scores whole sequences; its
probability of "real" is the reward of a finished sequence. The action value
of a prefix is estimated by $N$ Monte Carlo rollouts under a rollout policy
$G_\beta$ (`gentk.estimators.rollout.rollout_rewards`, Eq. 4):
$$Q(Y_{1:t-1}, y_t) = \tfrac1N \textstyle\sum_n D_\phi(Y^n_{1:T}),\quad
  Y^n_{1:T} \sim \mathrm{MC}^{G_\beta}(Y_{1:t}; N),\qquad
  Q(Y_{1:T-1}, y_T) = D_\phi(Y_{1:T}),$$
and the generator ascends (Eq. 6-8)
$$\nabla_\theta J(\theta) \approx \frac1B \sum_{b} \sum_{t=1}^{T}
  Q(Y^b_{1:t-1}, y^b_t)\, \nabla_\theta \log G_\theta(y^b_t \mid Y^b_{1:t-1}),$$
here the gradient of the score-function surrogate
(`gentk.estimators.score_function`), averaged over the $T$ tokens as well.
The rollout policy is a delayed copy, $\beta \leftarrow r \beta + (1 - r)
\theta$ after every generator update (`rollout_rate` $r$; published 0.8). The
published code's update only rebinds Python attributes, so its rollouts use
the current generator: `rollout_rate=0` reproduces what it does.

Phases of one run (`gentk.types.Phase`):

1. `mle`: maximum-likelihood pre-training of $G$ on batches of real sequences,
   $-\frac1T \sum_t \log G_\theta(y_t \mid Y_{1:t-1})$; $\beta$ follows
   $\theta$.
2. `discriminator_pretraining`: each step is one *d-step* (below).
3. `adversarial`: each step is `g_steps` policy-gradient updates of $G$ (a
   fresh batch of $B$ generated sequences each), then `d_steps` d-steps. The
   generator's optimizer state starts afresh with this phase (the published
   code's policy gradient has its own Adam), unless
   `Schedule.fresh_adversarial_optimizer` is False.

A d-step regenerates `num_negatives` sequences from $G$, then runs `d_epochs`
epochs of discriminator updates: $\lceil$`num_negatives`$/B\rceil$ updates per
epoch, each on $B$ real sequences (the step's data) and $B$ negatives drawn
from the regenerated set, minimising the cross-entropy plus
`l2` $\cdot$ `text_cnn.output_l2` with dropout on. The published code shuffles
10,000 positives and 10,000 negatives into batches of 64 (936 updates of 64
for 3 epochs); here an epoch is the same number of sequences, as 468 updates
of 64 + 64. All of it is one compiled step: sampling, rollouts and the
discriminator epochs are `lax.scan`s.

`method="mle"` is the MLE baseline: the same `mle` phase for the whole run, so
its first steps are bit-identical to a SeqGAN run's pre-training with the same
seed.

`method="bgan"` is the boundary-seeking GAN on sequences (Hjelm et al. 2018;
`gentk.algorithms.bgan`): the same phases and discriminator, but each
generator update draws $M$ (`Schedule.bgan_samples`) groups of $B$ sequences
and, instead of rollouts, weighs them by $w(Y) = D(Y) / (1 - D(Y)) =
e^{\mathrm{logit}\, D(Y)}$, the density ratio $p/G_\theta$ at the
optimal discriminator (the GAN divergence: the discriminator's cross-entropy is
its bound), self-normalised over each group's $M$ sequences (`bgan_estimator`
"importance"), or uses $\log w$ as a REINFORCE reward with the leave-one-out
baseline ("reinforce"); the loss is divided by $T$ like the others.

References:
  Yu, Zhang, Wang & Yu 2017, "SeqGAN: Sequence Generative Adversarial Nets
    with Policy Gradient", AAAI, https://arxiv.org/abs/1609.05473
    (code: github.com/LantaoYu/SeqGAN).
"""
import functools
import math
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import bgan
from gentk import parallel
from gentk.algorithms import core
from gentk.estimators import boundary_seeking
from gentk.estimators import categorical
from gentk.estimators import rollout
from gentk.estimators import score_function
from gentk.models import lstm
from gentk.models import text_cnn
from gentk.types import Algorithm, Array, Phase, PRNGKey, TrainState

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
ROLLOUT = "rollout"  # extras: the rollout policy's parameters beta.
METHODS = ("seqgan", "mle", "bgan")


class Schedule(NamedTuple):
  """Lengths and inner loops (published values in brackets).

  Attributes:
    mle_steps: generator pre-training updates [120 epochs of 9,984 / 64].
    pretrain_rounds: discriminator pre-training d-steps [50].
    g_steps: generator updates per adversarial step [1].
    d_steps: d-steps per adversarial step [5].
    d_epochs: epochs per d-step [3].
    num_negatives: sequences regenerated per d-step [10,000].
    num_rollouts: N, rollouts per token [16].
    rollout_rate: r of the delayed copy [0.8; the code behaves as 0].
    sample_chunk: sequences sampled at once when regenerating negatives
      (memory: `[chunk, V]` logits per time step); the result does not
      depend on it.
    rollout_chunk: rollout rows at once (`rollout_rewards`' `chunk_size`).
    fresh_adversarial_optimizer: start the adversarial phase with a fresh
      generator optimizer state (the published code's policy-gradient Adam
      is a separate optimizer from its MLE Adam: its moments do not carry
      the pre-training's gradient scale) [True].
    bgan_samples: M, sequences per group of `method="bgan"` [BGAN: 20].
  """
  mle_steps: int
  pretrain_rounds: int
  g_steps: int = 1
  d_steps: int = 5
  d_epochs: int = 3
  num_negatives: int = 10_000
  num_rollouts: int = 16
  rollout_rate: float = 0.8
  sample_chunk: int = 2_000
  rollout_chunk: int | None = None
  fresh_adversarial_optimizer: bool = True
  bgan_samples: int = 20

  def updates_per_d_step(self, batch_size: int) -> int:
    """Discriminator updates in one d-step."""
    return self.d_epochs * math.ceil(self.num_negatives / batch_size)


def mle_objective(generator: lstm.LSTMLanguageModel):
  r"""`(params, ctx) -> (loss, metrics)`: the mean per-token NLL of
  `ctx.batch["tokens"]` `[B, T]`, $-\frac{1}{BT} \sum_{b,t} \log
  G_\theta(y^b_t \mid Y^b_{1:t-1})$."""
  def objective(params, ctx):
    tokens = ctx.batch["tokens"]
    nll = -categorical.categorical_log_prob(
        generator.apply(params[GENERATOR], tokens), tokens).mean()
    return nll, {"nll": nll}
  return objective


def policy_gradient_objective(generator: lstm.LSTMLanguageModel):
  r"""`(params, ctx) -> (loss, metrics)`, SeqGAN's generator objective.

  `ctx.batch` holds `tokens` $Y$ `[B, T]` sampled from $G$ and `q`
  $Q(Y_{1:t-1}, y_t)$ `[B, T]` (no gradient). The loss is minus the mean of
  the score-function surrogate $Q_t \log G_\theta(y_t \mid Y_{1:t-1})$ over
  batch and tokens, so its gradient estimates $-\frac1T \nabla_\theta
  E_{Y \sim G_\theta}[D(Y)]$ when $Q$ is exact (Yu et al. 2017, Eq. 6).
  """
  def objective(params, ctx):
    tokens, q = ctx.batch["tokens"], ctx.batch["q"]
    log_p = categorical.categorical_log_prob(
        generator.apply(params[GENERATOR], tokens), tokens)
    surrogate, _ = score_function.score_function_surrogate(log_p, q)
    return -surrogate.mean(), {"q": q.mean(), "reward": q[:, -1].mean(),
                               "log_prob": log_p.sum(-1).mean()}
  return objective


def bgan_objective(generator: lstm.LSTMLanguageModel, *, estimator: str):
  r"""`(params, ctx) -> (loss, metrics)`, the boundary-seeking generator
  objective on sequences (`gentk.algorithms.bgan.generator_surrogate`).

  `ctx.batch` holds `tokens` `[M, B, T]` ($M$ samples in each of $B$ groups)
  and `log_w` $\log w(Y)$ `[M, B]` (no gradient). The loss is minus the mean
  surrogate over groups, divided by $T$.
  """
  def objective(params, ctx):
    tokens, log_w = ctx.batch["tokens"], ctx.batch["log_w"]
    flat = tokens.reshape((-1, tokens.shape[-1]))
    log_p = categorical.categorical_log_prob(
        generator.apply(params[GENERATOR], flat), flat)
    log_p = log_p.sum(-1).reshape(log_w.shape)
    surrogate, metrics = bgan.generator_surrogate(log_p, log_w,
                                                  estimator=estimator)
    return (-surrogate.mean() / tokens.shape[-1],
            {**metrics, "log_prob": log_p.mean()})
  return objective


def discriminator_objective(discriminator: text_cnn.TextCNN, *, l2: float):
  r"""`(params, ctx) -> (loss, metrics)`: cross-entropy of $D$ on
  `ctx.batch["tokens"]` (real) and `ctx.samples` (generated), with dropout
  from `ctx.key`, plus `l2` times the output layer's $\frac12\|W\|^2$."""
  def objective(params, ctx):
    real, fake = ctx.batch["tokens"], ctx.samples
    key_real, key_fake = jax.random.split(ctx.key)
    d = params[DISCRIMINATOR]
    real_logits = discriminator.apply(d, real, dropout_key=key_real)
    fake_logits = discriminator.apply(d, fake, dropout_key=key_fake)
    bce = optax.sigmoid_binary_cross_entropy
    cross_entropy = 0.5 * (bce(real_logits, jnp.ones_like(real_logits)).mean()
                           + bce(fake_logits,
                                 jnp.zeros_like(fake_logits)).mean())
    accuracy = 0.5 * ((real_logits > 0).mean() + (fake_logits < 0).mean())
    return (cross_entropy + l2 * text_cnn.output_l2(d["params"]),
            {"cross_entropy": cross_entropy, "accuracy": accuracy})
  return objective


def sample_tokens(generator: lstm.LSTMLanguageModel, g_params, key: PRNGKey,
                  num: int, *, length: int, chunk: int | None = None) -> Array:
  """`num` sequences `[num, length]` from $G$; `chunk` sequences at a time
  (`lax.map`), each chunk with its own key, so the result depends on `chunk`
  only through which key draws which row."""
  policy = functools.partial(lstm.policy_step_fn(generator),
                             g_params["params"])

  def draw(k, n):
    return rollout.sample_sequences(k, policy, generator.initial_state((n,)),
                                    length=length,
                                    start_token=generator.start_token)

  if chunk is None or chunk >= num:
    return draw(key, num)
  num_chunks = -(-num // chunk)
  tokens = jax.lax.map(lambda k: draw(k, chunk),
                       jax.random.split(key, num_chunks))
  return tokens.reshape(num_chunks * chunk, length)[:num]


class Settings(NamedTuple):
  """What SeqGAN's steps read besides the state (fixed for a run).

  Attributes:
    generator: the policy $G_\\theta$.
    discriminator: $D_\\phi$.
    schedule: phase lengths and inner loops.
    optimizers: `{player: optax}` of MLE and discriminator updates.
    pg_optimizers: the same with the adversarial phase's generator optimizer.
    length: T.
    method: one of `METHODS`.
    generator_objective: the adversarial generator update's objective
      (policy gradient, or BGAN's).
    discriminator_objective: see `discriminator_objective`.
    axis_name: the `pmap` axis, or None.
  """
  generator: lstm.LSTMLanguageModel
  discriminator: text_cnn.TextCNN
  schedule: Schedule
  optimizers: dict[str, optax.GradientTransformation]
  pg_optimizers: dict[str, optax.GradientTransformation]
  length: int
  method: str
  generator_objective: Callable
  discriminator_objective: Callable
  axis_name: str | None = None


def init_state(s: Settings, key: PRNGKey, batch) -> TrainState:
  """Both players; the rollout policy beta starts as the generator."""
  tokens = batch["tokens"].reshape((-1,) + batch["tokens"].shape[-1:])[:1]
  state = core.init_state(key, {GENERATOR: (s.generator, (tokens,)),
                                DISCRIMINATOR: (s.discriminator, (tokens,))},
                          s.optimizers)
  return state.replace(extras={ROLLOUT: state.params[GENERATOR]})


def mle_step(s: Settings, state: TrainState, batch, key: PRNGKey):
  """One maximum-likelihood update of the generator (beta follows it)."""
  ctx = core.Context(batch=batch, key=parallel.replica_key(key, s.axis_name),
                     extras=state.extras)
  state, metrics = core.update(state, [GENERATOR], ctx,
                               optimizers=s.optimizers,
                               objective=mle_objective(s.generator),
                               axis_name=s.axis_name)
  state = state.replace(extras={ROLLOUT: state.params[GENERATOR]})
  return state, core.prefixed(GENERATOR, metrics)


def d_step(s: Settings, state: TrainState, tokens: Array, key: PRNGKey):
  """One d-step: regenerate negatives, then `d_epochs` epochs of updates
  on the real batches `tokens [B, updates, T]`."""
  key_neg, key_updates = jax.random.split(key)
  batch_size, length = tokens.shape[0], tokens.shape[-1]
  negatives = sample_tokens(s.generator, state.params[GENERATOR], key_neg,
                            s.schedule.num_negatives, length=length,
                            chunk=s.schedule.sample_chunk)

  def one_update(state, inputs):
    real, k = inputs
    k_pick, k_drop = jax.random.split(k)
    fake = negatives[jax.random.randint(k_pick, (batch_size,), 0,
                                        negatives.shape[0])]
    ctx = core.Context(batch={"tokens": real}, key=k_drop,
                       extras=state.extras, samples=fake)
    return core.update(state, [DISCRIMINATOR], ctx, optimizers=s.optimizers,
                       objective=s.discriminator_objective,
                       axis_name=s.axis_name)

  updates = tokens.shape[1]
  state, metrics = jax.lax.scan(
      one_update, state, (jnp.swapaxes(tokens, 0, 1),
                          jax.random.split(key_updates, updates)))
  return state, jax.tree.map(jnp.mean, metrics)


def d_rounds(s: Settings, state: TrainState, tokens: Array, key: PRNGKey,
             rounds: int):
  """`rounds` d-steps; `tokens [B, rounds * updates, T]`."""
  per_round = tokens.reshape(tokens.shape[0], rounds, -1, tokens.shape[-1])
  state, metrics = jax.lax.scan(
      lambda state, inputs: d_step(s, state, *inputs), state,
      (jnp.swapaxes(per_round, 0, 1), jax.random.split(key, rounds)))
  return state, core.prefixed(DISCRIMINATOR, jax.tree.map(jnp.mean, metrics))


def discriminator_pretraining_step(s: Settings, state: TrainState, batch,
                                   key: PRNGKey):
  """One d-step against the pre-trained generator."""
  return d_rounds(s, state, batch["tokens"], parallel.replica_key(key, s.axis_name), 1)


def rollout_batch(s: Settings, state: TrainState, key: PRNGKey,
                  batch_size: int, length: int) -> dict:
  """SeqGAN's generator batch: B sequences and their rollout Q values."""
  key_sample, key_rollout = jax.random.split(key)
  tokens = sample_tokens(s.generator, state.params[GENERATOR], key_sample,
                         batch_size, length=length)
  d_variables = state.params[DISCRIMINATOR]
  q, _ = rollout.rollout_rewards(
      key_rollout, tokens,
      functools.partial(lstm.policy_step_fn(s.generator),
                        state.extras[ROLLOUT]["params"]),
      lambda seqs: jax.nn.sigmoid(s.discriminator.apply(d_variables, seqs)),
      num_rollouts=s.schedule.num_rollouts,
      initial_state=s.generator.initial_state((batch_size,)),
      start_token=s.generator.start_token,
      chunk_size=s.schedule.rollout_chunk)
  return {"tokens": tokens, "q": q}


def boundary_seeking_batch(s: Settings, state: TrainState, key: PRNGKey,
                           batch_size: int, length: int) -> dict:
  """BGAN's generator batch: M x B sequences and their log weights."""
  m = s.schedule.bgan_samples
  tokens = sample_tokens(s.generator, state.params[GENERATOR], key,
                         m * batch_size, length=length,
                         chunk=s.schedule.sample_chunk)
  logits = s.discriminator.apply(state.params[DISCRIMINATOR], tokens)
  log_w = boundary_seeking.log_weights_from_logits(logits, divergence="gan")
  return {"tokens": tokens.reshape(m, batch_size, length),
          "log_w": log_w.reshape(m, batch_size)}


def g_update(s: Settings, state: TrainState, key: PRNGKey, batch_size: int,
             length: int):
  """One generator update on a fresh batch of generated sequences; then the
  rollout policy moves towards it, beta <- r beta + (1 - r) theta."""
  batch_fn = boundary_seeking_batch if s.method == "bgan" else rollout_batch
  ctx = core.Context(batch=batch_fn(s, state, key, batch_size, length),
                     key=None, extras=state.extras)
  state, metrics = core.update(state, [GENERATOR], ctx,
                               optimizers=s.pg_optimizers,
                               objective=s.generator_objective,
                               axis_name=s.axis_name)
  rate = s.schedule.rollout_rate
  beta = jax.tree.map(lambda b, t: rate * b + (1.0 - rate) * t,
                      state.extras[ROLLOUT], state.params[GENERATOR])
  return state.replace(extras={ROLLOUT: beta}), metrics


def fresh_optimizer(s: Settings, state: TrainState, key: PRNGKey
                    ) -> TrainState:
  """The generator's optimizer state re-initialised: the adversarial
  phase's `on_enter` (with `schedule.fresh_adversarial_optimizer`)."""
  del key
  return state.replace(opt_state={
      **state.opt_state,
      GENERATOR: s.pg_optimizers[GENERATOR].init(state.params[GENERATOR])})


def adversarial_step(s: Settings, state: TrainState, batch, key: PRNGKey):
  """`g_steps` generator updates, then `d_steps` d-steps."""
  key_g, key_d = jax.random.split(parallel.replica_key(key, s.axis_name))
  tokens = batch["tokens"]
  batch_size, length = tokens.shape[0], tokens.shape[-1]
  state, g_metrics = jax.lax.scan(
      lambda state, k: g_update(s, state, k, batch_size, length), state,
      jax.random.split(key_g, s.schedule.g_steps))
  state, d_metrics = d_rounds(s, state, tokens, key_d, s.schedule.d_steps)
  g_metrics = core.prefixed(GENERATOR, jax.tree.map(jnp.mean, g_metrics))
  return state, {**g_metrics, **d_metrics}


def sample(s: Settings, state: TrainState, key: PRNGKey, num: int) -> Array:
  """`num` sequences `[num, T]` from the generator."""
  return sample_tokens(s.generator, state.params[GENERATOR], key, num,
                       length=s.length, chunk=s.schedule.sample_chunk)


def make_seqgan(generator: lstm.LSTMLanguageModel,
                discriminator: text_cnn.TextCNN, *, schedule: Schedule,
                generator_optimizer: optax.GradientTransformation,
                discriminator_optimizer: optax.GradientTransformation,
                policy_gradient_optimizer: optax.GradientTransformation
                | None = None,
                length: int, batch_size: int, l2: float = 0.2,
                method: str = "seqgan", bgan_estimator: str = "importance",
                axis_name: str | None = None) -> Algorithm:
  """SeqGAN (or its MLE baseline) as phases of the training core.

  Args:
    generator: the policy $G_\\theta$ (its `start_token` starts every
      sequence).
    discriminator: $D_\\phi$, tokens `[B, T]` -> logits `[B]`.
    schedule: phase lengths and inner loops (`Schedule`).
    generator_optimizer: used for MLE and policy gradient (published: Adam
      0.01 after global-norm clipping at 5).
    discriminator_optimizer: published Adam 1e-4.
    policy_gradient_optimizer: the generator's optimizer in the adversarial
      phase (e.g. the same with another learning rate; its state must have
      the structure of `generator_optimizer`'s); None: `generator_optimizer`.
    length: T, the length of every sequence.
    batch_size: B, sequences per update (the data's batch size).
    l2: weight of the output layer's L2 penalty (published 0.2).
    method: "seqgan", "mle" (the baseline: the `mle` phase only) or "bgan"
      (boundary-seeking generator updates in place of rollouts).
    bgan_estimator: `method="bgan"`'s estimator, one of
      `gentk.algorithms.bgan.ESTIMATORS`.
    axis_name: the `pmap` axis, or None.
  Returns:
    an `Algorithm` whose batches are `{"tokens": int32 [B, (k,) T]}` of real
    sequences and whose `sample(state, key, n)` draws `[n, T]` tokens.
  """
  if method not in METHODS:
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")
  bgan.check_estimator(bgan_estimator)
  optimizers = {GENERATOR: generator_optimizer,
                DISCRIMINATOR: discriminator_optimizer}
  pg_optimizers = dict(optimizers)
  if policy_gradient_optimizer is not None:
    pg_optimizers[GENERATOR] = policy_gradient_optimizer
  g_objective = (bgan_objective(generator, estimator=bgan_estimator)
                 if method == "bgan" else policy_gradient_objective(generator))
  s = Settings(generator, discriminator, schedule, optimizers, pg_optimizers,
               length, method, g_objective,
               discriminator_objective(discriminator, l2=l2), axis_name)
  bind = lambda fn: functools.partial(fn, s)
  init, draw = bind(init_state), bind(sample)
  if method == "mle":
    return Algorithm(init, (Phase("mle", bind(mle_step)),), draw)
  per_d_step = schedule.updates_per_d_step(batch_size)
  on_enter = (bind(fresh_optimizer) if schedule.fresh_adversarial_optimizer
              else None)
  phases = (Phase("mle", bind(mle_step), schedule.mle_steps),
            Phase("discriminator_pretraining",
                  bind(discriminator_pretraining_step),
                  schedule.pretrain_rounds, per_d_step),
            Phase("adversarial", bind(adversarial_step), None,
                  schedule.d_steps * per_d_step, on_enter=on_enter))
  return Algorithm(init, tuple(p for p in phases if p.num_steps != 0), draw)
