r"""The Plug & Play Generative Networks sampler in a generator's code space.

With a generator x = G(h), a prior p(h) and a classifier C, a step of the
chain towards images of class c is

$$h_{t+1} = h_t + \epsilon_1 \frac{\partial \log p(h_t)}{\partial h_t}
  + \epsilon_2 \frac{\partial \log C_c(G(h_t))}{\partial h_t}
  + N(0, \epsilon_3^2 I),$$

the Metropolis-free Langevin step on $p(h | y = c) \propto p(h) C_c(G(h))$
with the three terms weighted apart (Nguyen et al. 2017, Eq. 5). The presets
of the paper are settings of $(\epsilon_1, \epsilon_2, \epsilon_3)$ and of
the prior's gradient: activation maximisation (DGN-AM) is $(0, 1, 0)$; a
Gaussian prior $N(0, I)$ (an L2 decay of h) contributes $-h$; PPGN-h
estimates $\partial \log p(h)/\partial h$ with a denoising autoencoder R on h,
$R(h) - h$ (Alain & Bengio 2014: $(R(h) - h)/\sigma^2$, the $1/\sigma^2$
folded into $\epsilon_1$); joint PPGN-h with $E(G(h)) - h$, the h -> x -> h
path of a generator trained to reconstruct h through the encoder E; noiseless
joint PPGN-h sets $\epsilon_3 = 0$.

`sample_chain` runs one chain inside one `lax.scan` (the class may change
along the chain); vmap it over chains.

References:
  Nguyen et al. 2017, "Plug & Play Generative Networks: Conditional iterative
    generation of images in latent space", Sections 2-3,
    https://arxiv.org/abs/1612.00005
  Alain & Bengio 2014, "What regularized auto-encoders learn from the
    data-generating distribution", https://arxiv.org/abs/1211.4246
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey


class Weights(NamedTuple):
  """The step's weights: prior (epsilon_1), condition (epsilon_2), noise
  standard deviation (epsilon_3)."""
  prior: float
  condition: float
  noise: float


def gaussian_prior_grad(h: Array) -> Array:
  """d log N(h; 0, I) / dh = -h."""
  return -h


def dae_prior_grad(reconstruct: Callable[[Array], Array]) -> Callable:
  """`h -> R(h) - h`: a denoising autoencoder's estimate of d log p(h)/dh
  (times its noise variance)."""
  return lambda h: reconstruct(h) - h


def step(h: Array, key: PRNGKey, label: ArrayLike, *,
         prior_grad: Callable[[Array], Array] | None,
         log_condition: Callable[[Array, ArrayLike], Array],
         weights: Weights) -> Array:
  """One PPGN step (module docstring) from code `h [D]` towards class
  `label`.

  Args:
    h: the current code.
    key: the step's noise key.
    label: c, an int scalar.
    prior_grad: `h -> d log p(h)/dh` (or its estimate), or None for no prior.
    log_condition: `(h, c) -> log C_c(G(h))`, a scalar.
    weights: `Weights(epsilon_1, epsilon_2, epsilon_3)`.
  Returns:
    h_{t+1}.
  """
  drift = weights.condition * jax.grad(log_condition)(h, label)
  if prior_grad is not None:
    drift = drift + weights.prior * prior_grad(h)
  return h + drift + weights.noise * jax.random.normal(key, h.shape, h.dtype)


def sample_chain(h0: ArrayLike, key: PRNGKey, labels: ArrayLike, *,
                 prior_grad: Callable[[Array], Array] | None,
                 log_condition: Callable[[Array, ArrayLike], Array],
                 weights: Weights,
                 project: Callable[[Array], Array] = lambda h: h) -> Array:
  """The codes h_1, ..., h_T of one chain, step t conditioned on `labels[t]`.

  Args:
    h0: the start `[D]`.
    key: the chain's key (one split per step).
    labels: the class of each step `[T]` (constant: a class-conditional
      chain; changing: the chain is steered from class to class).
    prior_grad, log_condition, weights: see `step`.
    project: applied after each step (e.g. ReLU when h is a ReLU layer's
      output, so G only sees codes of the kind it was trained on).
  Returns:
    `[T, D]`.
  """
  labels = jnp.asarray(labels)

  def body(h, inputs):
    key_t, label = inputs
    h = project(step(h, key_t, label, prior_grad=prior_grad,
                     log_condition=log_condition, weights=weights))
    return h, h

  keys = jax.random.split(key, labels.shape[0])
  _, hs = jax.lax.scan(body, jnp.asarray(h0), (keys, labels))
  return hs
