r"""Test log-likelihood by importance sampling, and the bounds beside it.

For a latent-variable model with recognition model $q(z|x)$ and log
importance weights $\log w_k = \log p(x, z_k) - \log q(z_k|x)$,
$z_k \sim q(z|x)$:

* $\text{ELBO} = \frac1K \sum_k \log w_k$;
* $\mathcal{L}_k$ (IWAE-k) $= \frac{k}{K} \sum_{g} \log \frac1k \sum_{j \in g}
  w_j$, the K draws split into K/k groups of k;
* the importance-sampling estimate $\log \hat p(x) = \log \frac1K \sum_k
  w_k$ (K = 5,000 in Burda et al. 2016's protocol).

All three come from the same K draws, so per image ELBO <= IWAE-k <= IWAE-k'
<= IS-K whenever k divides k' and k' divides K (Jensen's inequality on nested
groups), and each is a stochastic lower bound on $\log p(x)$ in expectation.
Images are scored in batches and the K draws in chunks (one compiled program
per batch, a `lax.scan` over chunks), so memory stays bounded.

References:
  Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders",
    https://arxiv.org/abs/1509.00519 (Section 5.1, Appendix)
"""
import math
from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from gentk.types import Array, PRNGKey, PyTree

LogWeightsFn = Callable[[PyTree, Array, PRNGKey, int], Array]


def log_weights_in_chunks(log_weights: LogWeightsFn, params: PyTree, x: Array,
                          key: PRNGKey, num_samples: int, chunk: int) -> Array:
  """`[num_samples, B]` log weights, `chunk` draws at a time (`lax.scan`)."""
  if num_samples % chunk:
    raise ValueError(f"num_samples={num_samples} must be a multiple of "
                     f"chunk={chunk}")

  def draw(_, i):
    return None, log_weights(params, x, jax.random.fold_in(key, i), chunk)

  _, lw = jax.lax.scan(draw, None, jnp.arange(num_samples // chunk))
  return lw.reshape((num_samples,) + lw.shape[2:])


def bounds_from_log_weights(log_w: Array, ks: Sequence[int]) -> dict:
  """Per-image ELBO, IWAE-k for each k of `ks` and the IS estimate from
  `[K, B]` log weights (see the module docstring)."""
  num = log_w.shape[0]
  out = {"elbo": jnp.mean(log_w, axis=0),
         "log_likelihood": jax.nn.logsumexp(log_w, axis=0) - math.log(num)}
  for k in ks:
    if num % k:
      raise ValueError(f"k={k} must divide num_samples={num}")
    groups = log_w.reshape((num // k, k) + log_w.shape[1:])
    out[f"iwae_{k}"] = jnp.mean(
        jax.nn.logsumexp(groups, axis=1) - math.log(k), axis=0)
  return out


def evaluate(log_weights: LogWeightsFn, params: PyTree, images: np.ndarray,
             key: PRNGKey, *, num_samples: int = 5000, ks: Sequence[int] = (
                 5, 50), batch_size: int = 100, chunk: int = 10) -> dict:
  r"""Test log-likelihood (IS with `num_samples` draws per image), ELBO and
  IWAE-k over `images`, each as a mean over images with its standard error.

  Args:
    log_weights: `(params, x [B, ...], key, k) -> log w [k, B]`.
    params: the model's parameters, passed through to `log_weights`.
    images: `[N, ...]`, scored `batch_size` at a time (N need not divide).
    key: PRNG key; image batch b uses `fold_in(key, b)`.
    num_samples: K draws per image (Burda et al.: 5,000).
    ks: the k of the IWAE-k bounds; each must divide `num_samples`.
    batch_size: images per compiled call.
    chunk: draws per scan iteration (memory: chunk x batch_size decodes).
  Returns:
    `{"log_likelihood", "log_likelihood_stderr", "elbo", "elbo_stderr",
    "iwae_<k>", "iwae_<k>_stderr", "num_images"}` as floats; stderr is the
    standard deviation over images / sqrt(N).
  """
  chunk = math.gcd(chunk, num_samples)
  score = jax.jit(lambda p, x, k: bounds_from_log_weights(
      log_weights_in_chunks(log_weights, p, x, k, num_samples, chunk), ks))
  parts = []
  for b, start in enumerate(range(0, len(images), batch_size)):
    x = images[start:start + batch_size]
    pad = batch_size - len(x)
    if pad:  # One compiled shape; the padding rows are dropped below.
      x = np.concatenate([x, np.repeat(x[:1], pad, axis=0)])
    result = jax.device_get(score(params, x, jax.random.fold_in(key, b)))
    parts.append({n: v[:batch_size - pad] for n, v in result.items()})
  out = {"num_images": float(len(images))}
  for name in parts[0]:
    values = np.concatenate([p[name] for p in parts]).astype(np.float64)
    out[name] = float(values.mean())
    out[name + "_stderr"] = float(values.std(ddof=1) / math.sqrt(len(values))
                                  if len(values) > 1 else 0.0)
  return out


def active_units(posterior_means: np.ndarray, threshold: float = 1e-2) -> int:
  r"""Units $u$ with $\mathrm{Cov}_x(E_{q(z|x)}[z_u]) > $ `threshold`
  (Burda et al. 2016, Section 5.2), from `[N, D]` posterior means."""
  return int(np.sum(np.var(np.asarray(posterior_means), axis=0) > threshold))
