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
import optax

from gentk.algorithms import core
from gentk.estimators import importance
from gentk.estimators import pathwise
from gentk.types import Algorithm, Array, PRNGKey, PyTree, TrainState

ENCODER, DECODER = "encoder", "decoder"
OBJECTIVES = ("sgvb_a", "sgvb_b", "iwae")


class GaussianEncoder(nn.Module):
  r"""$x$ `[B, ...]` -> $(\mu, \log\sigma)$ `[B, latent_dim]` (tanh MLP).

  Attributes:
    hidden: widths of the deterministic layers (IWAE: (200, 200)).
    latent_dim: dimension of z (IWAE: 50).
  """
  hidden: Sequence[int]
  latent_dim: int

  @nn.compact
  def __call__(self, x: Array) -> tuple[Array, Array]:
    h = x.reshape(x.shape[0], -1)
    for width in self.hidden:
      h = jnp.tanh(nn.Dense(width)(h))
    return nn.Dense(self.latent_dim)(h), nn.Dense(self.latent_dim)(h)


class BernoulliDecoder(nn.Module):
  r"""$z$ `[..., latent_dim]` -> pixel logits `[..., *out_shape]` (tanh MLP).

  Attributes:
    hidden: widths of the deterministic layers (IWAE: (200, 200)).
    out_shape: the shape of one example, e.g. (28, 28, 1).
  """
  hidden: Sequence[int]
  out_shape: Sequence[int]

  @nn.compact
  def __call__(self, z: Array) -> Array:
    h = z
    for width in self.hidden:
      h = jnp.tanh(nn.Dense(width)(h))
    logits = nn.Dense(math.prod(self.out_shape))(h)
    return logits.reshape(z.shape[:-1] + tuple(self.out_shape))


def bernoulli_log_prob(logits: Array, x: Array) -> Array:
  r"""$\sum_i x_i \log \sigma(l_i) + (1 - x_i) \log(1 - \sigma(l_i))$ over
  the trailing example axes of `x` (`logits` may have extra leading axes)."""
  axes = tuple(range(-(x.ndim - 1), 0))
  return -jnp.sum(optax.sigmoid_binary_cross_entropy(logits, x), axis=axes)


class Terms(NamedTuple):
  """Per-sample terms of K draws z_k ~ q(z|x), each `[K, B]`, and the
  analytic KL `[B]`."""
  log_likelihood: Array  # log p(x | z_k)
  log_prior: Array  # log p(z_k)
  log_q: Array  # log q(z_k | x)
  kl: Array  # KL(q(z|x) || p(z))


def terms(encoder: nn.Module, decoder: nn.Module, params: PyTree, x: Array,
          key: PRNGKey, num_samples: int) -> Terms:
  """The `Terms` of K reparameterised draws (gradients flow through z)."""
  mean, log_std = encoder.apply(params[ENCODER], x)
  z = pathwise.diag_gaussian_sample(key, mean, log_std,
                                    num_samples=num_samples)
  logits = decoder.apply(params[DECODER], z)
  return Terms(bernoulli_log_prob(logits, x),
               pathwise.diag_gaussian_log_prob(z, 0.0, 0.0),
               pathwise.diag_gaussian_log_prob(z, mean, log_std),
               pathwise.diag_gaussian_kl(mean, log_std))


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


def make_vae(encoder: nn.Module, decoder: nn.Module, *, latent_dim: int,
             optimizer: optax.GradientTransformation,
             objective: str = "sgvb_b", num_samples: int = 1,
             binarize: Callable[[PRNGKey, Array], Array] | None = None,
             axis_name: str | None = None) -> Algorithm:
  r"""The VAE / IWAE algorithm: one phase, one objective over both modules.

  Args:
    encoder: `x -> (mean, log_std)`, e.g. `GaussianEncoder`.
    decoder: `z -> logits`, e.g. `BernoulliDecoder`.
    latent_dim: dimension of z.
    optimizer: the optimizer of both modules.
    objective: 'sgvb_a', 'sgvb_b' or 'iwae' (see the module docstring).
    num_samples: K, draws of z per example (vmapped; IWAE: 1, 5, 50).
    binarize: `(key, x) -> x_binary` applied inside the step (dynamic
      binarisation, a fresh draw per step), or None for data already binary.
    axis_name: the `pmap` axis (gradients averaged over it), or None.
  Returns:
    the `Algorithm`; metrics `vae/loss` (the negative bound), `vae/bound`,
    `vae/kl`; `sample(state, key, n)` gives Bernoulli means `[n, ...]`.
  """
  if objective not in OBJECTIVES:
    raise ValueError(f"unknown objective {objective!r}: choose one of "
                     f"{OBJECTIVES}")
  optimizers = {ENCODER: optimizer, DECODER: optimizer}

  def negative_bound(params, ctx: core.Context):
    data_key, z_key = jax.random.split(ctx.key)
    x = ctx.batch["x"]
    if binarize is not None:
      x = binarize(data_key, x)
    t = terms(encoder, decoder, params, x, z_key, num_samples)
    value = bound(t, objective)
    return -jnp.mean(value), {"bound": jnp.mean(value),
                              "kl": jnp.mean(t.kl)}

  def init(key: PRNGKey, batch) -> TrainState:
    x = batch["x"]
    return core.init_state(key, {ENCODER: (encoder, (x,)),
                                 DECODER: (decoder,
                                           (jnp.zeros((1, latent_dim)),))},
                           optimizers)

  def train_step(state: TrainState, batch, key: PRNGKey):
    ctx = core.Context(batch, jax.random.fold_in(key, state.step))
    state, metrics = core.update(state, (ENCODER, DECODER), ctx,
                                 optimizers=optimizers,
                                 objective=negative_bound,
                                 axis_name=axis_name)
    return state.replace(step=state.step + 1), core.prefixed("vae", metrics)

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    z = jax.random.normal(key, (num, latent_dim))
    return jax.nn.sigmoid(decoder.apply(state.params[DECODER], z))

  return Algorithm.single(init, train_step, sample)


def log_weights_fn(encoder: nn.Module, decoder: nn.Module
                   ) -> Callable[[PyTree, Array, PRNGKey, int], Array]:
  """`(params, x, key, k) -> log w [k, B]` for `gentk.metrics.likelihood`,
  with `params` a state's `params` (both modules)."""
  def log_weights(params, x, key, k):
    t = terms(encoder, decoder, params, x, key, k)
    return t.log_likelihood + t.log_prior - t.log_q
  return log_weights
