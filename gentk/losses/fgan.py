r"""f-GAN: variational divergence minimisation for a family of f-divergences.

For a convex f with f(1) = 0, D_f(P || Q) = \int q(x) f(p(x) / q(x)) dx, where P
is the data and Q the generator. With the Fenchel conjugate
f^*(t) = \sup_u {u t - f(u)}, every critic T: X -> dom f^* gives the lower bound

  D_f(P || Q) >= E_P[T(x)] - E_Q[f^*(T(x))],                     (Nowozin Eq. 4)

tight at T^*(x) = f'(p(x) / q(x)). The critic is T = g_f(V(x)) with V an
unconstrained network output and g_f an output activation onto dom f^*.
At the optimum, (f^*)'(T^*(x)) = p(x) / q(x): the critic yields a density-ratio
estimate (used by the boundary-seeking GAN).

Every divergence is an `FDivergence` (a NamedTuple of pure elementwise
functions); `DIVERGENCES` maps names to them, and every loss takes
`divergence=` as a name or an `FDivergence`.

Conventions (those of Nowozin et al., Tables 1-2, whose f, f^* and g_f are used
unchanged):
  * "jensen_shannon": f(u) = u log u - (u + 1) log((u + 1) / 2) defines
    D_f = KL(P || M) + KL(Q || M) = 2 JS(P, Q) with M = (P + Q) / 2.
  * "gan": f(u) = u log u - (u + 1) log(u + 1) defines
    D_f = 2 JS(P, Q) - log 4, so f(1) = -log 4 instead of 0. Its critic is
    T = log D with D = sigmoid(V), and the losses below reduce to those of the
    plain GAN (`gentk.losses.adversarial`).

References:
  Nowozin et al. 2016, "f-GAN: Training Generative Neural Samplers using
    Variational Divergence Minimization", https://arxiv.org/abs/1606.00709
  Nguyen et al. 2010, "Estimating divergence functionals and the likelihood
    ratio by convex risk minimization", https://arxiv.org/abs/0809.0853
"""
import math
from typing import Callable, NamedTuple, Union

import chex
import jax
import jax.numpy as jnp
from jax.scipy.special import xlogy

from gentk.types import Array, ArrayLike

_LOG2 = math.log(2.0)
Elementwise = Callable[[Array], Array]


class FDivergence(NamedTuple):
  """One f-divergence: its generator, conjugate and critic activation.

  All fields are elementwise functions of arrays.

  Attributes:
    name: registry key.
    f: generator function f(u), u = p/q > 0.
    f_prime: its derivative f'(u); T^*(x) = f'(p(x)/q(x)).
    conjugate: Fenchel conjugate f^*(t), t in dom f^*.
    conjugate_prime: (f^*)'(t); (f^*)'(T^*) = p/q.
    activation: output activation g_f: R -> dom f^*, T = g_f(V).
    conjugate_of_activation: f^*(g_f(v)) in a numerically stable form.
    density_ratio: (f^*)'(g_f(v)), the critic's estimate of p/q, stable form.
    log_density_ratio: log (f^*)'(g_f(v)) (NaN where the estimate is <= 0,
      which only the Pearson critic can produce).
  """
  name: str
  f: Elementwise
  f_prime: Elementwise
  conjugate: Elementwise
  conjugate_prime: Elementwise
  activation: Elementwise
  conjugate_of_activation: Elementwise
  density_ratio: Elementwise
  log_density_ratio: Elementwise


KL = FDivergence(
    name="kl",
    f=lambda u: xlogy(u, u),
    f_prime=lambda u: jnp.log(u) + 1.0,
    conjugate=lambda t: jnp.exp(t - 1.0),
    conjugate_prime=lambda t: jnp.exp(t - 1.0),
    activation=lambda v: v,
    conjugate_of_activation=lambda v: jnp.exp(v - 1.0),
    density_ratio=lambda v: jnp.exp(v - 1.0),
    log_density_ratio=lambda v: v - 1.0,
)

REVERSE_KL = FDivergence(
    name="reverse_kl",
    f=lambda u: -jnp.log(u),
    f_prime=lambda u: -1.0 / u,
    conjugate=lambda t: -1.0 - jnp.log(-t),
    conjugate_prime=lambda t: -1.0 / t,
    activation=lambda v: -jnp.exp(-v),
    conjugate_of_activation=lambda v: v - 1.0,  # -1 - log(exp(-v)).
    density_ratio=jnp.exp,
    log_density_ratio=lambda v: v,
)

PEARSON = FDivergence(
    name="pearson",
    f=lambda u: jnp.square(u - 1.0),
    f_prime=lambda u: 2.0 * (u - 1.0),
    conjugate=lambda t: 0.25 * jnp.square(t) + t,
    conjugate_prime=lambda t: 0.5 * t + 1.0,
    activation=lambda v: v,
    conjugate_of_activation=lambda v: 0.25 * jnp.square(v) + v,
    density_ratio=lambda v: 0.5 * v + 1.0,
    log_density_ratio=lambda v: jnp.log(0.5 * v + 1.0),
)

SQUARED_HELLINGER = FDivergence(
    name="squared_hellinger",
    f=lambda u: jnp.square(jnp.sqrt(u) - 1.0),
    f_prime=lambda u: 1.0 - jax.lax.rsqrt(u),
    conjugate=lambda t: t / (1.0 - t),
    conjugate_prime=lambda t: 1.0 / jnp.square(1.0 - t),
    activation=lambda v: -jnp.expm1(-v),  # 1 - exp(-v).
    conjugate_of_activation=jnp.expm1,  # (1 - e^{-v}) / e^{-v} = e^v - 1.
    density_ratio=lambda v: jnp.exp(2.0 * v),  # 1 / (e^{-v})^2.
    log_density_ratio=lambda v: 2.0 * v,
)

JENSEN_SHANNON = FDivergence(
    name="jensen_shannon",
    f=lambda u: xlogy(u, u) - (u + 1.0) * (jnp.log1p(u) - _LOG2),
    f_prime=lambda u: _LOG2 + jnp.log(u) - jnp.log1p(u),  # log(2u / (u + 1)).
    conjugate=lambda t: -jnp.log(2.0 - jnp.exp(t)),
    conjugate_prime=lambda t: jnp.exp(t) / (2.0 - jnp.exp(t)),
    activation=lambda v: _LOG2 + jax.nn.log_sigmoid(v),  # log 2 - log(1 + e^{-v}).
    # -log(2 - 2 sigmoid(v)) = -log 2 - log sigmoid(-v).
    conjugate_of_activation=lambda v: jax.nn.softplus(v) - _LOG2,
    density_ratio=jnp.exp,  # 2 sigmoid(v) / (2 - 2 sigmoid(v)) = e^v.
    log_density_ratio=lambda v: v,
)

GAN = FDivergence(
    name="gan",
    f=lambda u: xlogy(u, u) - (u + 1.0) * jnp.log1p(u),
    f_prime=lambda u: jnp.log(u) - jnp.log1p(u),  # log(u / (u + 1)).
    conjugate=lambda t: -jnp.log1p(-jnp.exp(t)),  # -log(1 - e^t).
    conjugate_prime=lambda t: -jnp.exp(t) / jnp.expm1(t),  # e^t / (1 - e^t).
    activation=jax.nn.log_sigmoid,  # T = log D(x), D = sigmoid(v).
    conjugate_of_activation=jax.nn.softplus,  # -log(1 - sigmoid(v)).
    density_ratio=jnp.exp,  # D / (1 - D) = e^v.
    log_density_ratio=lambda v: v,
)

DIVERGENCES: dict[str, FDivergence] = {
    d.name: d for d in (KL, REVERSE_KL, PEARSON, SQUARED_HELLINGER,
                        JENSEN_SHANNON, GAN)
}

DivergenceLike = Union[str, FDivergence]


def get_divergence(divergence: DivergenceLike) -> FDivergence:
  """Returns the `FDivergence` named `divergence` (or `divergence` itself)."""
  if isinstance(divergence, FDivergence):
    return divergence
  if divergence not in DIVERGENCES:
    raise ValueError(f"unknown f-divergence {divergence!r}: choose one of "
                     f"{sorted(DIVERGENCES)}")
  return DIVERGENCES[divergence]


def discriminator_loss(real_v: ArrayLike, fake_v: ArrayLike, *,
                       divergence: DivergenceLike) -> Array:
  r"""f-GAN critic loss, per example: -g_f(V(x)) + f^*(g_f(V(G(z)))).

  Its batch mean is the negated variational lower bound
  -(E_P[T(x)] - E_Q[f^*(T(x))]), so minimising it tightens the bound.

  Args:
    real_v: critic pre-activations V(x) on data samples, shape `[B]`.
    fake_v: critic pre-activations V(G(z)) on generated samples, shape `[B]`.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Nowozin et al. 2016, Eq. 6, https://arxiv.org/abs/1606.00709
  """
  chex.assert_rank([real_v, fake_v], 1)
  chex.assert_equal_shape([real_v, fake_v])
  d = get_divergence(divergence)
  return -d.activation(jnp.asarray(real_v)) + d.conjugate_of_activation(
      jnp.asarray(fake_v))


GENERATOR_COSTS = ("saddle", "nonsaturating")


def generator_loss(fake_v: ArrayLike, *, divergence: DivergenceLike,
                   cost: str = "saddle") -> Array:
  r"""f-GAN generator loss, per example.

  * `cost="saddle"`: -f^*(g_f(V(G(z)))), the generator's side of the saddle
    point of F = E_P[T] - E_Q[f^*(T)] (for "gan": log(1 - D(G(z)))).
  * `cost="nonsaturating"`: -g_f(V(G(z))), the alternative that maximises
    E_Q[g_f(V)] (Nowozin et al. Sec. 3.2; for "gan": -log D(G(z))).

  Args:
    fake_v: critic pre-activations V(G(z)) on generated samples, shape `[B]`.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
    cost: "saddle" or "nonsaturating".
  Returns:
    per-example loss, shape `[B]`.
  References:
    Nowozin et al. 2016, Eq. 6 and Sec. 3.2, https://arxiv.org/abs/1606.00709
  """
  chex.assert_rank(fake_v, 1)
  d = get_divergence(divergence)
  fake_v = jnp.asarray(fake_v)
  if cost == "saddle":
    return -d.conjugate_of_activation(fake_v)
  if cost == "nonsaturating":
    return -d.activation(fake_v)
  raise ValueError(f"unknown generator cost {cost!r}: choose one of "
                   f"{GENERATOR_COSTS}")


def variational_bound(real_v: ArrayLike, fake_v: ArrayLike, *,
                      divergence: DivergenceLike) -> Array:
  r"""Batch estimate of the lower bound E_P[g_f(V)] - E_Q[f^*(g_f(V))].

  A batch statistic (scalar): the critic's current estimate of D_f(P || Q).
  Real and fake batches may have different sizes.

  Args:
    real_v: critic pre-activations on data samples, shape `[B]`.
    fake_v: critic pre-activations on generated samples, shape `[B']`.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
  Returns:
    scalar bound.
  References:
    Nowozin et al. 2016, Eq. 4, https://arxiv.org/abs/1606.00709
  """
  chex.assert_rank([real_v, fake_v], 1)
  d = get_divergence(divergence)
  return (jnp.mean(d.activation(jnp.asarray(real_v)))
          - jnp.mean(d.conjugate_of_activation(jnp.asarray(fake_v))))


def optimal_critic(ratio: ArrayLike, *, divergence: DivergenceLike) -> Array:
  r"""The critic that makes the bound tight: T^*(x) = f'(p(x) / q(x)).

  Args:
    ratio: density ratios p(x)/q(x) > 0, any shape.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
  Returns:
    T^*, same shape as `ratio`.
  References:
    Nguyen et al. 2010; Nowozin et al. 2016, Sec. 2.2,
    https://arxiv.org/abs/1606.00709
  """
  return get_divergence(divergence).f_prime(jnp.asarray(ratio))


def density_ratio(v: ArrayLike, *, divergence: DivergenceLike,
                  log: bool = False) -> Array:
  r"""Density-ratio estimate from the critic: p(x)/q(x) ~ (f^*)'(g_f(V(x))).

  Exact at the optimal critic since (f^*)' = (f')^{-1}. Used as importance
  weights by the boundary-seeking GAN.

  Args:
    v: critic pre-activations V(x), any shape.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
    log: return log p/q instead (stable form).
  Returns:
    the (log-)ratio estimate, same shape as `v`.
  References:
    Nowozin et al. 2016, Sec. 2.2; Hjelm et al. 2017, "Boundary-Seeking
    Generative Adversarial Networks", https://arxiv.org/abs/1702.08431
  """
  d = get_divergence(divergence)
  v = jnp.asarray(v)
  return d.log_density_ratio(v) if log else d.density_ratio(v)


def discrete_divergence(p: ArrayLike, q: ArrayLike, *,
                        divergence: DivergenceLike) -> Array:
  r"""D_f(P || Q) = \sum_x q(x) f(p(x) / q(x)) for discrete distributions.

  Args:
    p: probabilities of P over the last axis, shape `[..., K]`, p > 0.
    q: probabilities of Q, same shape, q > 0.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
  Returns:
    the divergence, shape `[...]`.
  References:
    Nowozin et al. 2016, Eq. 2, https://arxiv.org/abs/1606.00709
  """
  chex.assert_equal_shape([p, q])
  p, q = jnp.asarray(p), jnp.asarray(q)
  return jnp.sum(q * get_divergence(divergence).f(p / q), axis=-1)
