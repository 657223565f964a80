r"""The variational autoencoder (both SGVB estimators) and the importance
weighted autoencoder, with a Gaussian encoder and a Bernoulli decoder.

Model $p_\theta(x, z) = N(z; 0, I)\, \prod_i \mathrm{Bern}(x_i;
\sigma(f_\theta(z)_i))$, recognition model $q_\phi(z|x) = N(z; \mu_\phi(x),
\mathrm{diag}\, \sigma^2_\phi(x))$. With importance weights
$w_k = p_\theta(x, z_k) / q_\phi(z_k | x)$, $z_k = \mu + \sigma \odot
\epsilon_k$, the objectives (per example, maximised) are

* `sgvb_a`: $\frac1K \sum_k \log w_k$ (Kingma & Welling 2014, Eq. 6);
* `sgvb_b`: $\frac1K \sum_k \log p_\theta(x | z_k) - \mathrm{KL}(q_\phi(z|x)
  \| N(0, I))$, the KL in closed form (Eq. 7);
* `iwae`: $\mathcal{L}_K = \log \frac1K \sum_k w_k$ (Burda et al. 2016,
  Eq. 8), which is `sgvb_a` at K = 1 and rises to $\log p(x)$ with K.

With L stochastic layers (Burda et al.'s two-layer model: 784-[200,200]-100-
[100,100]-50) the prior is $p(z_L) \prod_{l<L} p(z_l | z_{l+1})$ and
$q(z | x) = q(z_1 | x) \prod_{l>1} q(z_l | z_{l-1})$, Gaussian layers;
`sgvb_b` needs one layer (the closed-form KL).

Both modules are trained on the one objective, each player with the same
optimizer (Adam is elementwise, so this is one optimizer over both).

References:
  Kingma & Welling 2014, "Auto-Encoding Variational Bayes",
    https://arxiv.org/abs/1312.6114
  Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders",
    https://arxiv.org/abs/1509.00519
"""
import math
from typing import Callable, NamedTuple, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import core
from gentk.estimators import importance
from gentk.estimators import pathwise
from gentk.estimators import score_function
from gentk.types import Algorithm, Array, PRNGKey, PyTree, TrainState

ENCODER, DECODER = "encoder", "decoder"
OBJECTIVES = ("sgvb_a", "sgvb_b", "iwae")


def _tanh_mlp(h: Array, hidden: Sequence[int]) -> Array:
  for width in hidden:
    h = jnp.tanh(nn.Dense(width)(h))
  return h


class GaussianHead(nn.Module):
  r"""$u$ `[..., D]` -> $(\mu, \log\sigma)$ `[..., dim]` (tanh MLP)."""
  hidden: Sequence[int]
  dim: int

  @nn.compact
  def __call__(self, u: Array) -> tuple[Array, Array]:
    h = _tanh_mlp(u, self.hidden)
    return nn.Dense(self.dim)(h), nn.Dense(self.dim)(h)


class BernoulliHead(nn.Module):
  r"""$z$ `[..., D]` -> pixel logits `[..., *out_shape]` (tanh MLP)."""
  hidden: Sequence[int]
  out_shape: Sequence[int]

  @nn.compact
  def __call__(self, z: Array) -> Array:
    logits = nn.Dense(math.prod(self.out_shape))(_tanh_mlp(z, self.hidden))
    return logits.reshape(z.shape[:-1] + tuple(self.out_shape))


class Recognition(nn.Module):
  r"""$q(z_1 | x) \prod_{l>1} q(z_l | z_{l-1})$, Gaussian layers.

  Attributes:
    hidden: `hidden[l]`, the tanh layers from level l to level l + 1
      (level 0 is x): IWAE one layer ((200, 200),), two layers
      ((200, 200), (100, 100)).
    latents: the widths of $z_1, ..., z_L$: (50,) or (100, 50).
  """
  hidden: Sequence[Sequence[int]]
  latents: Sequence[int]

  def setup(self):
    self.heads = [GaussianHead(tuple(h), d)
                  for h, d in zip(self.hidden, self.latents)]

  def __call__(self, x: Array, key: PRNGKey, num_samples: int
               ) -> tuple[tuple[Array, ...], Array, tuple[Array, Array]]:
    r"""K reparameterised draws for `x` `[B, ...]`: `(zs, log_q, first)`,
    `zs[l]` `[K, B, latents[l]]`, $\log q(z | x)$ `[K, B]` and the first
    layer's `(mean, log_std)` `[B, latents[0]]`."""
    u, zs, log_q = x.reshape(x.shape[0], -1), [], 0.0
    for l, (head, key_l) in enumerate(zip(
        self.heads, jax.random.split(key, len(self.heads)))):
      mean, log_std = head(u)
      if l == 0:
        first = (mean, log_std)
      u = pathwise.diag_gaussian_sample(
          key_l, mean, log_std, num_samples=num_samples if l == 0 else None)
      log_q = log_q + pathwise.diag_gaussian_log_prob(u, mean, log_std)
      zs.append(u)
    return tuple(zs), log_q, first

  def posterior_mean(self, x: Array) -> Array:
    """$E_q[z_1 | x]$ `[B, latents[0]]` (active units, reconstructions)."""
    return self.heads[0](x.reshape(x.shape[0], -1))[0]


class Generative(nn.Module):
  r"""$p(z_L) \prod_{l<L} p(z_l | z_{l+1})\, p(x | z_1)$: $N(0, I)$ on top,
  Gaussian layers, Bernoulli pixels. Attributes as `Recognition`'s (the link
  between levels l and l + 1 has the same widths in both directions), and
  `out_shape`, one example's shape."""
  hidden: Sequence[Sequence[int]]
  latents: Sequence[int]
  out_shape: Sequence[int]

  def setup(self):
    # priors[l - 1]: p(z_l | z_{l+1}) for l = 1..L-1.
    self.priors = [GaussianHead(tuple(h), d) for h, d in
                   zip(self.hidden[1:], self.latents[:-1])]
    self.pixels = BernoulliHead(tuple(self.hidden[0]), tuple(self.out_shape))

  def __call__(self, zs: tuple[Array, ...], x: Array) -> tuple[Array, Array]:
    """`(log p(x | z_1), log p(z))` of draws `zs` (as `Recognition`'s)."""
    log_prior = pathwise.diag_gaussian_log_prob(zs[-1], 0.0, 0.0)
    for prior, below, above in zip(self.priors, zs[:-1], zs[1:]):
      log_prior += pathwise.diag_gaussian_log_prob(below, *prior(above))
    return score_function.bernoulli_log_prob(
        self.pixels(zs[0]), x, event_ndim=x.ndim - 1), log_prior

  def pixel_means(self, z1: Array) -> Array:
    r"""Bernoulli means $\sigma(f(z_1))$ `[..., *out_shape]`."""
    return jax.nn.sigmoid(self.pixels(z1))

  def generate(self, key: PRNGKey, num: int) -> Array:
    """Ancestral samples' Bernoulli means `[num, *out_shape]`."""
    keys = jax.random.split(key, len(self.latents))
    z = jax.random.normal(keys[-1], (num, self.latents[-1]))
    for prior, key_l in zip(reversed(self.priors), reversed(keys[:-1])):
      z = pathwise.diag_gaussian_sample(key_l, *prior(z))
    return self.pixel_means(z)


class Terms(NamedTuple):
  """Per-sample terms of K draws z_k ~ q(z|x), each `[K, B]`, and the
  analytic KL `[B]`."""
  log_likelihood: Array  # log p(x | z_k)
  log_prior: Array  # log p(z_k)
  log_q: Array  # log q(z_k | x)
  # KL(q(z|x) || p(z)): closed form for one stochastic layer, else the
  # Monte Carlo estimate from the K draws.
  kl: Array


def terms(encoder: Recognition, decoder: Generative, params: PyTree,
          x: Array, key: PRNGKey, num_samples: int) -> Terms:
  """The `Terms` of K reparameterised draws (gradients flow through z)."""
  zs, log_q, (mean, log_std) = encoder.apply(params[ENCODER], x, key,
                                             num_samples)
  log_likelihood, log_prior = decoder.apply(params[DECODER], zs, x)
  if len(zs) == 1:
    kl = pathwise.diag_gaussian_kl(mean, log_std)
  else:  # No closed form: the Monte Carlo estimate E_q[log q - log p(z)].
    kl = jnp.mean(log_q - log_prior, axis=0)
  return Terms(log_likelihood, log_prior, log_q, kl)


def bound(t: Terms, objective: str) -> Array:
  """The per-example lower bound `[B]` of `objective` from `Terms`."""
  if objective == "sgvb_a":
    return pathwise.sgvb_estimator_a(t.log_likelihood + t.log_prior,
                                     t.log_q)[0]
  if objective == "sgvb_b":
    return pathwise.sgvb_estimator_b(t.log_likelihood, t.kl)[0]
  if objective == "iwae":
    return importance.iwae_bound(t.log_likelihood + t.log_prior, t.log_q)
  raise ValueError(f"unknown objective {objective!r}: choose one of "
                   f"{OBJECTIVES}")


def burda_schedule(num_steps: int, lr: float = 1e-3, num_stages: int = 8
                   ) -> optax.Schedule:
  r"""Burda et al. 2016's learning rates, scaled to `num_steps`.

  Stage $i = 0, ..., 7$ lasts $3^i$ epochs (3,280 in all) at rate
  $\text{lr} \cdot \mathrm{round}(10^{1 - i/7}, 1) / 10$: 1e-3, 7.2e-4,
  5.2e-4, 3.7e-4, 2.7e-4, 1.9e-4, 1.4e-4, 1e-4 for lr = 1e-3 (Burda, Grosse &
  Salakhutdinov 2016, Appendix; yburda/iwae). Here stage i lasts the same
  fraction $3^i / \sum_j 3^j$ of `num_steps`, so the published schedule is
  `num_steps` = 3,280 epochs of updates and a shorter run keeps its shape.
  """
  weights = 3.0 ** np.arange(num_stages)
  boundaries = np.round(np.cumsum(weights)[:-1] / weights.sum() * num_steps)
  rates = [lr * round(10 ** (1 - i / 7), 1) / 10 for i in range(num_stages)]
  return optax.join_schedules([optax.constant_schedule(r) for r in rates],
                              [int(b) for b in boundaries])


def negative_bound_fn(encoder: Recognition, decoder: Generative,
                      objective: str, num_samples: int) -> Callable:
  """The objective `(params, ctx) -> (loss, metrics)` of `core.update`:
  minus the mean bound of `objective` on `ctx.batch["x"]` (binary), with
  metrics `bound` and `kl`."""
  def negative_bound(params, ctx: core.Context):
    t = terms(encoder, decoder, params, ctx.batch["x"], ctx.key, num_samples)
    value = bound(t, objective)
    return -jnp.mean(value), {"bound": jnp.mean(value),
                              "kl": jnp.mean(t.kl)}
  return negative_bound


def players(encoder: Recognition, decoder: Generative, x: Array) -> dict:
  """`{ENCODER, DECODER: (module, example args)}` for `core.init_state`, from
  an example batch `x [1, ...]`."""
  zs = tuple(jnp.zeros((1, 1, d)) for d in encoder.latents)
  return {ENCODER: (encoder, (x, jax.random.PRNGKey(0), 1)),
          DECODER: (decoder, (zs, x))}


def make_vae(encoder: Recognition, decoder: Generative, *,
             optimizer: optax.GradientTransformation,
             objective: str = "sgvb_b", num_samples: int = 1,
             axis_name: str | None = None) -> Algorithm:
  r"""The VAE / IWAE algorithm: one phase, one objective over both modules.

  Args:
    encoder: the recognition model $q(z|x)$.
    decoder: the generative model $p(x, z)$ (the same `latents`).
    optimizer: the optimizer of both modules.
    objective: 'sgvb_a', 'sgvb_b' or 'iwae' (see the module docstring).
    num_samples: K, draws of z per example (vmapped; IWAE: 1, 5, 50).
    axis_name: the `pmap` axis (gradients averaged over it), or None.
  Returns:
    the `Algorithm`; metrics `vae/loss` (the negative bound), `vae/bound`,
    `vae/kl`; `sample(state, key, n)` gives Bernoulli means `[n, ...]`.
  """
  if objective not in OBJECTIVES:
    raise ValueError(f"unknown objective {objective!r}: choose one of "
                     f"{OBJECTIVES}")
  if objective == "sgvb_b" and len(encoder.latents) > 1:
    raise ValueError("objective 'sgvb_b' needs the KL in closed form, i.e. "
                     "one stochastic layer: use 'sgvb_a' or 'iwae'.")
  optimizers = {ENCODER: optimizer, DECODER: optimizer}
  negative_bound = negative_bound_fn(encoder, decoder, objective, num_samples)

  def init(key: PRNGKey, batch) -> TrainState:
    return core.init_state(key, players(encoder, decoder, batch["x"][:1]),
                           optimizers)

  def train_step(state: TrainState, batch, key: PRNGKey):
    ctx = core.Context(batch, key)
    state, metrics = core.update(state, (ENCODER, DECODER), ctx,
                                 optimizers=optimizers,
                                 objective=negative_bound,
                                 axis_name=axis_name)
    return state, core.prefixed("vae", metrics)

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    return decoder.apply(state.params[DECODER], key, num,
                         method=Generative.generate)

  return Algorithm.single(init, train_step, sample)


def log_weights_fn(encoder: Recognition, decoder: Generative
                   ) -> Callable[[PyTree, Array, PRNGKey, int], Array]:
  """`(params, x, key, k) -> log w [k, B]` for `gentk.metrics.likelihood`,
  with `params` a state's `params` (both modules)."""
  def log_weights(params, x, key, k):
    t = terms(encoder, decoder, params, x, key, k)
    return t.log_likelihood + t.log_prior - t.log_q
  return log_weights
