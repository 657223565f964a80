r"""The boundary-seeking GAN for discrete data (Hjelm et al. 2018).

A generator of discrete data $x \sim g_\theta(x \mid z)$ (here independent
Bernoulli pixels; `gentk.algorithms.seqgan` has the same estimators for token
sequences) cannot be trained through the critic's gradient. BGAN trains it
with importance weights from an f-divergence critic instead. The critic $V$
maximises the variational lower bound (f-GAN, `gentk.losses.fgan`)
$$\mathcal F(V) = E_p[g_f(V(x))] - E_{g_\theta}[f^*(g_f(V(x)))],$$
at whose optimum $w(x) = (f^*)'(g_f(V(x))) = p(x) / g_\theta(x)$
(`gentk.estimators.boundary_seeking`). For each of $B$ codes $z$ the
generator draws $M$ samples $x_m$ and follows one of two estimators
(`ESTIMATORS`):

* `"importance"` (Algorithm 1 of the paper): self-normalised weights
  $\tilde w_m = w(x_m) / \sum_{m'} w(x_{m'})$ and the loss
  $-\frac1B \sum_z \sum_m \tilde w_m \log g_\theta(x_m \mid z)$, whose
  gradient moves $g_\theta(\cdot \mid z)$ towards $\tilde p \propto w\,
  g_\theta$, the data distribution at the optimal critic; `centred`, the
  weights less their mean $1/M$ (the same mean gradient without the
  zero-mean term $\frac1M \sum_m \nabla \log g_\theta(x_m \mid z)$);
* `"reinforce"` (the policy-gradient variant, Definition 2.4 of the notes):
  reward $F(x) = \log w(x)$ and the loss $-\frac{1}{BM} \sum_{z,m}
  (F(x_m) - b_m) \log g_\theta(x_m \mid z)$ with the leave-one-out baseline
  $b_m$ over the $M$ samples of the same $z$; with the exact ratio its mean
  gradient is $-\frac1M\nabla_\theta \mathrm{KL}(g_\theta \| p)$ per sample.

The step is the adversarial schedule of the core
(`gentk.algorithms.adversarial`): the generator's output, the Bernoulli
logits, is what the game's objectives see as `ctx.samples`; they draw the
binary images themselves ($M$ per code for the generator and, as in the
published code, $M$ per code for the critic, or `critic_samples`), so the
generator's objective sees $\log g_\theta(x \mid z)$ with its gradient.
`sample` returns binary images.

References:
  Hjelm, Jacob, Che, Trischler, Cho & Bengio 2018, "Boundary-Seeking
    Generative Adversarial Networks", https://arxiv.org/abs/1702.08431
    (Section 2, Algorithm 1; code: github.com/rdevon/BGAN)
  Nowozin, Cseke & Tomioka 2016, "f-GAN", https://arxiv.org/abs/1606.00709
"""
import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import core
from gentk.estimators import boundary_seeking
from gentk.estimators import importance
from gentk.estimators import score_function
from gentk.losses import fgan
from gentk.types import Algorithm, Array, ArrayLike, PRNGKey, PyTree

ESTIMATORS = ("importance", "reinforce")


def check_estimator(estimator: str) -> None:
  """Raises ValueError unless `estimator` is one of `ESTIMATORS`."""
  if estimator not in ESTIMATORS:
    raise ValueError(f"unknown BGAN estimator {estimator!r}: choose one of "
                     f"{ESTIMATORS}")


def check_centred(estimator: str, centred: bool) -> None:
  """Raises ValueError for an unknown `estimator`, or `centred` weights with
  the REINFORCE estimator (which has its own baseline)."""
  check_estimator(estimator)
  if centred and estimator != "importance":
    raise ValueError("centred weights apply to the 'importance' estimator "
                     f"only, not {estimator!r}")


def generator_surrogate(log_prob: ArrayLike, log_weights: ArrayLike, *,
                        estimator: str, centred: bool = False
                        ) -> tuple[Array, dict]:
  r"""Per-code surrogate of the BGAN generator, to be maximised.

  Args:
    log_prob: $\log g_\theta(x_m \mid z)$, `[M, B]` (the $M$ samples of each
      of $B$ codes), with its gradient.
    log_weights: $\log w(x_m)$, `[M, B]` (stopped).
    estimator: "importance" ($\sum_m \mathrm{sg}(\tilde w_m) \log g$) or
      "reinforce" ($\frac1M \sum_m \mathrm{sg}(\log w_m - b_m) \log g$,
      leave-one-out baseline).
    centred: "importance" only: subtract $1/M$ from the normalised weights
      (`boundary_seeking.bgan_surrogate`).
  Returns:
    `(surrogate [B], metrics)`: metrics `ess` (effective sample size of the
    normalised weights over $M$, mean over codes) and `log_w` (mean).
  References:
    Hjelm et al. 2018, Algorithm 1 and Section 2.
  """
  check_centred(estimator, centred)
  log_weights = jax.lax.stop_gradient(jnp.asarray(log_weights))
  if estimator == "importance":
    surrogate, _ = boundary_seeking.bgan_surrogate(log_prob, log_weights,
                                                   axis=0, centred=centred)
  else:
    baseline = score_function.leave_one_out_baseline(log_weights, axis=0)
    per_sample, _ = boundary_seeking.bgan_reinforce_surrogate(
        log_prob, log_weights, baseline)
    surrogate = per_sample.mean(axis=0)
  return surrogate, {
      "ess": importance.effective_sample_size(log_weights, axis=0).mean(),
      "log_w": log_weights.mean()}


def draw_binary(key: PRNGKey, logits: Array, num: int | None = None) -> Array:
  """Binary images from Bernoulli `logits [B, ...]`: `[B, ...]`, or `num` per
  code `[num, B, ...]`; float32, no gradient."""
  shape = logits.shape if num is None else (num,) + logits.shape
  probs = jax.nn.sigmoid(jax.lax.stop_gradient(logits))
  return jax.random.bernoulli(key, probs, shape).astype(jnp.float32)


def bgan_game(critic: nn.Module, latent_fn, *, num_samples: int,
              divergence: fgan.DivergenceLike = "gan",
              estimator: str = "importance",
              critic_samples: int | None = None,
              centred: bool = False) -> adversarial_lib.Game:
  """The discrete BGAN game; `ctx.samples` are the generator's Bernoulli
  logits `[B, ...]`, `critic` maps binary images to V `[B]`.

  Args:
    critic: V.
    latent_fn: `(key, B) -> (z, None)`.
    num_samples: M, samples per code in the generator's objective (>= 2).
    divergence: the f-divergence of the critic's bound and the weights.
    estimator: one of `ESTIMATORS`.
    critic_samples: binary samples per code in the critic's step (None: M,
      the published code's; 1 is M times cheaper).
    centred: "importance" only: the weights less their mean $1/M$.
  Returns:
    the `Game` (critic: the f-GAN bound, data against the samples).
  """
  check_centred(estimator, centred)
  if num_samples < 2:
    raise ValueError(f"num_samples (M) must be >= 2, got {num_samples}")
  d = fgan.get_divergence(divergence)
  critic_samples = num_samples if critic_samples is None else critic_samples
  if critic_samples < 1:
    raise ValueError(f"critic_samples must be >= 1, got {critic_samples}")

  def discriminator_loss(d_variables, ctx):
    fake = draw_binary(ctx.key, ctx.samples, critic_samples)
    real_v = critic.apply(d_variables, ctx.batch["x"])
    fake_v = critic.apply(d_variables, fake.reshape((-1,) + fake.shape[2:]))
    loss = -fgan.variational_bound(real_v, fake_v, divergence=d)
    return loss, {"divergence": -loss, "real_v": real_v.mean(),
                  "fake_v": fake_v.mean()}

  def generator_loss(d_variables, ctx):
    logits = ctx.samples
    x = draw_binary(ctx.key, logits, num_samples)  # [M, B, ...]
    event_ndim = logits.ndim - 1
    log_prob = score_function.bernoulli_log_prob(logits, x,
                                                 event_ndim=event_ndim)
    v = critic.apply(d_variables, x.reshape((-1,) + x.shape[2:]))
    log_w = boundary_seeking.log_weights_from_logits(
        v.reshape(x.shape[:2]), divergence=d)
    surrogate, metrics = generator_surrogate(log_prob, log_w,
                                             estimator=estimator,
                                             centred=centred)
    return -surrogate.mean(), metrics

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_bgan(generator: nn.Module, critic: nn.Module, *, latent_dim: int,
              num_samples: int, divergence: fgan.DivergenceLike = "gan",
              estimator: str = "importance", critic_samples: int | None = None,
              centred: bool = False, **schedule) -> Algorithm:
  """Discrete BGAN with z ~ N(0, I_latent_dim).

  Args:
    generator: z -> Bernoulli logits `[B, ...]`.
    critic: binary images -> V `[B]`.
    latent_dim, num_samples, divergence, estimator, critic_samples,
      centred: see `bgan_game`.
    **schedule: `generator_optimizer`, `discriminator_optimizer` and
      optionally `disc_steps`, `pretrain_steps`, `axis_name`
      (`adversarial.make_adversarial`).
  Returns:
    the `Algorithm`; its `sample(state, key, n)` draws binary images.
  """
  game = bgan_game(critic, adversarial_lib.gaussian_latent(latent_dim),
                   num_samples=num_samples, divergence=divergence,
                   estimator=estimator, critic_samples=critic_samples,
                   centred=centred)
  algorithm = adversarial_lib.make_adversarial(generator, critic, game,
                                               **schedule)

  def sample(state, key: PRNGKey, num: int) -> Array:
    key_z, key_x = jax.random.split(key)
    return draw_binary(key_x, algorithm.sample(state, key_z, num))

  return algorithm._replace(sample=sample)


def gradient_moments(generator: nn.Module, game: adversarial_lib.Game,
                     params: PyTree, collections: PyTree, key: PRNGKey, *,
                     batch_size: int, latent_dim: int,
                     num_draws: int) -> dict[str, Array]:
  r"""Spread of the generator's gradient estimate at one fixed state.

  With the codes $z_{1..B}$ held fixed, draws the estimate $\hat g$ of the
  generator's gradient `num_draws` times (fresh samples $x$ each time) and
  returns its total variance $\sum_i \mathrm{Var}[\hat g_i]$, the squared
  norm of its mean $\|E \hat g\|^2$, and their ratio (scale-free: the two
  estimators' gradients have different scales). One `lax.scan` over draws
  accumulating the first two moments.

  Args:
    generator: the generator module.
    game: a `bgan_game`.
    params: `{"generator": ..., "discriminator": ...}` parameters (a
      `TrainState.params`).
    collections: the generator's other Flax collections (batch norm's
      statistics; the generator is applied in train mode as in training).
    key: PRNG key (codes and draws).
    batch_size: B, codes per estimate.
    latent_dim: dimension of z.
    num_draws: estimates drawn (>= 2).
  Returns:
    `{"total_variance", "mean_sq_norm", "relative_variance"}`.
  """
  key_z, key_draws = jax.random.split(key)
  z = jax.random.normal(key_z, (batch_size, latent_dim))
  g_params = params[adversarial_lib.GENERATOR]
  g_collections = collections or {}
  d_variables = params[adversarial_lib.DISCRIMINATOR]

  generate = core.train_apply(generator)

  def estimate(k):
    def loss(p):
      ctx = core.Context(batch=None, key=k,
                         samples=generate({**p, **g_collections}, z))
      return game.generator_loss(d_variables, ctx)[0]
    return jax.grad(loss)(g_params)

  def accumulate(moments, k):
    g = estimate(k)
    first, second = moments
    return (jax.tree.map(jnp.add, first, g),
            jax.tree.map(lambda s, x: s + x * x, second, g)), None

  zeros = jax.tree.map(jnp.zeros_like, g_params)
  (first, second), _ = jax.lax.scan(accumulate, (zeros, zeros),
                                    jax.random.split(key_draws, num_draws))
  mean = jax.tree.map(lambda s: s / num_draws, first)
  variance = jax.tree.map(
      lambda s, m: (s - num_draws * m * m) / (num_draws - 1), second, mean)
  total = sum(jnp.sum(v) for v in jax.tree.leaves(variance))
  mean_sq = sum(jnp.sum(m * m) for m in jax.tree.leaves(mean))
  return {"total_variance": total, "mean_sq_norm": mean_sq,
          "relative_variance": total / mean_sq}
