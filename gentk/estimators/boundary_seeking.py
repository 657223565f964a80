r"""Boundary-seeking GAN (discrete data): importance weights from an f-divergence critic.

For an f-divergence with convex conjugate $f^*$, the variational statistic is
optimal at $T^*(x) = f'(p(x)/q_\theta(x))$, and since $(f^*)' = (f')^{-1}$,
$$w(x) = \frac{\partial f^*}{\partial T}\big(T(x)\big) \approx
  \frac{p(x)}{q_\theta(x)},$$
exactly at $T = T^*$. BGAN trains a generator of discrete data
$x \sim g_\theta(x \mid z)$ with these weights: for each $z$ it draws $M$
samples, normalises their weights within the group, $\tilde w_m = w(x_m) /
\sum_{m'} w(x_{m'})$, and ascends
$$\sum_m \tilde w_m \nabla_\theta \log g_\theta(x_m \mid z),$$
a self-normalised importance-sampling estimate of
$\nabla_\theta E_{\tilde p}[\log g_\theta(x \mid z)]$ with $\tilde p \propto w
g_\theta$ (the data distribution when $w = p/g_\theta$). The REINFORCE variant
ascends $(F(x) - b) \nabla_\theta \log g_\theta(x \mid z)$ with a reward
such as $F = \log w$.

The f-divergences ($f^*$, $(f^*)'$, output activations $g_f$) are those of
`gentk.losses.fgan` (f-GAN conventions, critic $T = g_f(v)$).

References:
  Hjelm, Jacob, Che, Trischler, Cho & Bengio 2018, "Boundary-Seeking Generative
    Adversarial Networks", https://arxiv.org/abs/1702.08431 (Section 2)
  Nowozin, Cseke & Tomioka 2016, "f-GAN", https://arxiv.org/abs/1606.00709
    (Table 2: conjugates and output activations)
"""
import chex
import jax.numpy as jnp

from gentk.estimators import importance
from gentk.estimators import score_function
from gentk.losses import fgan
from gentk.types import Array, ArrayLike

DIVERGENCES = tuple(fgan.DIVERGENCES)


def weights_from_statistic(statistic: ArrayLike, *,
                           divergence: fgan.DivergenceLike) -> Array:
  r"""Importance weights $w(x) = (f^*)'(T(x))$ from the f-divergence statistic.

  Args:
    statistic: $T(x)$ in the domain of $f^*$, `[...]`.
    divergence: a name in `DIVERGENCES` or a `gentk.losses.fgan.FDivergence`.
  Returns:
    $w(x)$, an estimate of $p(x)/q_\theta(x)$ that is exact at $T = T^*$,
    the shape of `statistic`.
  References:
    Hjelm et al. 2018, Theorem 1; Nowozin et al. 2016, Table 2.
  """
  return fgan.get_divergence(divergence).conjugate_prime(jnp.asarray(statistic))


def log_weights_from_logits(logits: ArrayLike, *,
                            divergence: fgan.DivergenceLike) -> Array:
  r"""$\log w(x) = \log (f^*)'(g_f(v(x)))$ from the critic's pre-activation $v$.

  Stable closed forms (`gentk.losses.fgan.density_ratio(..., log=True)`):
  GAN, Jensen-Shannon and reverse KL give $\log w = v$ (for the GAN,
  $D / (1 - D) = e^v$), KL $v - 1$, squared Hellinger $2v$. The Pearson
  $\chi^2$ weight $1 + v/2$ can be negative: its log is then NaN.

  Args:
    logits: $v(x)$, `[...]`.
    divergence: a name in `DIVERGENCES` or an `FDivergence`.
  Returns:
    $\log w(x)$, the shape of `logits`.
  References:
    Hjelm et al. 2018, Section 2; Nowozin et al. 2016, Table 2.
  """
  return fgan.density_ratio(logits, divergence=divergence, log=True)


def bgan_surrogate(log_prob: ArrayLike, log_weights: ArrayLike,
                   axis: int = 0, *, centred: bool = False
                   ) -> tuple[Array, Array]:
  r"""BGAN generator surrogate $\sum_m \mathrm{sg}(\tilde w_m) \log
  g_\theta(x_m \mid z)$, normalised within each group of $M$ samples.

  Target: $\nabla_\theta E_{\tilde p}[\log g_\theta(x \mid z)]$ with
  $\tilde p(x \mid z) \propto w(x) g_\theta(x \mid z)$. Estimator: self-
  normalised importance sampling over the $M$ samples of one $z$ (consistent,
  bias $O(1/M)$). Maximise the surrogate (minimise its negative). Gradients
  are stopped through the weights; the samples $x_m$ carry no gradient.

  Centred (`centred=True`), the surrogate is $\sum_m \mathrm{sg}(\tilde w_m -
  \frac1M) \log g_\theta(x_m \mid z)$: the weights sum to one, so the
  uncentred gradient carries $\frac1M \sum_m \nabla_\theta \log
  g_\theta(x_m \mid z)$, a term of mean zero under $x_m \sim g_\theta$ whose
  variance does not shrink as the weights approach uniform (for images, a
  score over every pixel); removing it (the baseline $1/M$) leaves the mean
  unchanged.

  Args:
    log_prob: $\log g_\theta(x_m \mid z)$, `[..., M, ...]`, with gradient.
    log_weights: $\log w(x_m)$, the same shape (`log_weights_from_logits`, or
      `jnp.log(weights_from_statistic(...))`).
    axis: the group axis of the $M$ samples of one $z$.
    centred: subtract the baseline $1/M$ from the normalised weights.
  Returns:
    `(surrogate, weights)`: the surrogate, the shape of the inputs without
    `axis`, and the normalised weights $\tilde w_m$ (per-sample terms), the
    shape of the inputs.
  References:
    Hjelm et al. 2018, Section 2 and Algorithm 1.
  """
  return importance.self_normalized_surrogate(log_weights, log_prob, axis=axis,
                                             centred=centred)


def bgan_reinforce_surrogate(
    log_prob: ArrayLike, rewards: ArrayLike,
    baseline: ArrayLike | None = None) -> tuple[Array, Array]:
  r"""REINFORCE variant: per-sample $\mathrm{sg}(F(x) - b) \log g_\theta(x|z)$.

  Target: $\nabla_\theta E_{g_\theta}[F(x)]$ for a reward $F$ held fixed
  (stopped). With $F = \log w$ and exact weights $w = p / g_\theta$, the mean
  gradient is $E_g[\log(p/g) \nabla \log g] = -\nabla_\theta
  \mathrm{KL}(g_\theta \| p)$. Any baseline $b$ independent of $x$ keeps it
  unbiased. This is `score_function.score_function_surrogate` with $f = F$.

  Args:
    log_prob: $\log g_\theta(x \mid z)$, `[...]`, with gradient.
    rewards: $F(x)$, the same shape (e.g. `log_weights_from_logits(...)`).
    baseline: $b$, broadcastable to `log_prob`, or `None`.
  Returns:
    `(surrogate, signal)` as in `score_function_surrogate`.
  References:
    Hjelm et al. 2018, Section 2; Williams 1992.
  """
  log_prob, rewards = jnp.asarray(log_prob), jnp.asarray(rewards)
  chex.assert_equal_shape([log_prob, rewards])
  return score_function.score_function_surrogate(log_prob, rewards, baseline)
