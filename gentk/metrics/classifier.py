r"""MNIST-classifier Inception Score, FID, KID, precision / recall / density /
coverage, and Stacked MNIST modes.

All are computed on the small CNN shipped with gentk
(`gentk/assets/mnist_classifier.msgpack`, trained by
`python -m experiments.main --config=experiments/configs/mnist_classifier.py`): IS on its class
probabilities, FID, KID and the k-NN manifold metrics
(`gentk.metrics.manifold`) on its penultimate (128-d) features. Call them
"MNIST-classifier IS / FID / KID": they are not comparable with the
Inception-network numbers of natural-image papers. The protocol (10,000
samples vs MNIST test, 10 IS splits) is in PROTOCOLS.md.

Images are float in [0, 1] with shape `[N, 28, 28, 1]` (`[N, 28, 28, 3]` for
Stacked MNIST). The statistics (FID's matrix square root, KID's kernels) run
in float64 NumPy/SciPy on the host.

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs" (IS),
    https://arxiv.org/abs/1606.03498
  Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
    to a Local Nash Equilibrium" (FID), https://arxiv.org/abs/1706.08500
  Binkowski et al. 2018, "Demystifying MMD GANs" (KID),
    https://arxiv.org/abs/1801.01401
  Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for
    Assessing Generative Models", https://arxiv.org/abs/1904.06991
  Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
    Models" (density, coverage), https://arxiv.org/abs/2002.09797
  Srivastava et al. 2017, "VEEGAN" (Stacked MNIST modes and KL),
    https://arxiv.org/abs/1705.07761
"""
import functools
import importlib.resources
import json
from typing import Any

import chex
import flax
import jax
import jax.numpy as jnp
import numpy as np

from gentk.metrics import manifold
from gentk.models.classifier import ConvClassifier
from gentk.types import Array, ArrayLike

ASSET_NAME = "mnist_classifier"
PREFIX = "mnist_classifier"


def _asset(name: str, suffix: str):
  return importlib.resources.files("gentk").joinpath("assets", name + suffix)


@functools.lru_cache(maxsize=2)
def load_classifier(name: str = ASSET_NAME) -> tuple[ConvClassifier, Any]:
  """A shipped classifier: `(module, variables)`, read once per process.

  Args:
    name: the asset's stem in `gentk/assets/`: 'mnist_classifier' (the
      metrics' classifier) or 'mnist_judge' (a second, independently trained
      one, to judge samples that the first guided).
  Returns:
    the `ConvClassifier` built from the architecture in `<name>.json`, and
    its variables `{"params": ...}`.
  """
  info = json.loads(_asset(name, ".json").read_text())
  model = ConvClassifier(**{k: tuple(v) if isinstance(v, list) else v
                            for k, v in info["architecture"].items()})
  target = jax.eval_shape(model.init, jax.random.PRNGKey(0),
                          jnp.zeros((1, 28, 28, 1)))
  # from_bytes checks the stored tree against the architecture's shapes.
  variables = flax.serialization.from_bytes(
      target, _asset(name, ".msgpack").read_bytes())
  return model, jax.tree.map(jnp.asarray, variables)


def classifier_features_and_logits(images: ArrayLike, *, variables: Any = None,
                                   model: ConvClassifier | None = None,
                                   batch_size: int = 500
                                   ) -> tuple[Array, Array]:
  """Penultimate features and logits of the classifier, `batch_size` at a time.

  Args:
    images: `[N, 28, 28, 1]` in [0, 1].
    variables: classifier variables (default: the shipped ones).
    model: the module they belong to (default: the shipped one).
    batch_size: images per forward pass (bounds the memory).
  Returns:
    `(features [N, hidden], logits [N, num_classes])`, float32.
  """
  chex.assert_rank(images, 4)
  if variables is None or model is None:
    model, variables = load_classifier()
  images = jnp.asarray(images, jnp.float32)
  logits, feats = jax.lax.map(
      lambda x: model.apply(variables, x[None], features=True),
      images, batch_size=min(batch_size, images.shape[0]))
  return feats[:, 0], logits[:, 0]


def classifier_features_and_probs(images: ArrayLike, **kwargs
                                  ) -> tuple[np.ndarray, np.ndarray]:
  """`(features [N, hidden], p(y|x) [N, K])` as float64 NumPy arrays.

  Args:
    images: `[N, 28, 28, 1]` in [0, 1].
    **kwargs: passed to `classifier_features_and_logits`.
  """
  feats, logits = classifier_features_and_logits(images, **kwargs)
  probs = jax.nn.softmax(logits.astype(jnp.float32), axis=-1)
  return np.asarray(feats, np.float64), np.asarray(probs, np.float64)


def inception_score(probs: ArrayLike, num_splits: int = 10
                    ) -> tuple[float, float]:
  r"""Inception Score $\exp(E_x KL(p(y|x) \| p(y)))$, mean and std over splits.

  Within each of `num_splits` equal splits, $p(y)$ is the split's mean of
  $p(y|x)$ and IS $= \exp(\frac1n \sum_i \sum_y p(y|x_i)
  [\log p(y|x_i) - \log p(y)])$, with $0 \log 0 = 0$.

  Args:
    probs: class probabilities `[N, K]` (rows sum to 1).
    num_splits: the number of splits (10 in the protocol).
  Returns:
    `(mean, std)` of the per-split scores; between 1 and K.
  References:
    Salimans et al. 2016, https://arxiv.org/abs/1606.03498
  """
  probs = np.asarray(probs, np.float64)
  chex.assert_rank(probs, 2)
  scores = []
  for part in np.array_split(probs, num_splits):
    p_y = part.mean(0, keepdims=True)
    safe = np.where(part > 0, part, 1.0)  # 0 log 0 = 0.
    kl = np.sum(part * (np.log(safe) - np.log(np.where(p_y > 0, p_y, 1.0))), 1)
    scores.append(np.exp(kl.mean()))
  return float(np.mean(scores)), float(np.std(scores))


def _sqrtm_psd(a: np.ndarray) -> np.ndarray:
  """Square root of a symmetric PSD matrix by eigen-decomposition."""
  w, v = np.linalg.eigh((a + a.T) / 2)
  return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike,
                     sigma2: ArrayLike) -> float:
  r"""Frechet distance between $N(\mu_1, \Sigma_1)$ and $N(\mu_2, \Sigma_2)$.

  $d^2 = \|\mu_1 - \mu_2\|^2 + \mathrm{tr}(\Sigma_1 + \Sigma_2
  - 2 (\Sigma_1^{1/2} \Sigma_2 \Sigma_1^{1/2})^{1/2})$.

  $\mathrm{tr}((\Sigma_1 \Sigma_2)^{1/2})$ equals the trace of the square
  root of the symmetric PSD $\Sigma_1^{1/2} \Sigma_2 \Sigma_1^{1/2}$ (same
  eigenvalues), computed here by two symmetric eigen-decompositions in float64
  (no complex parts, no failure on singular covariances).

  Args:
    mu1, mu2: means `[D]`.
    sigma1, sigma2: covariances `[D, D]`.
  Returns:
    the squared Frechet distance (>= 0 up to rounding).
  References:
    Dowson & Landau 1982, "The Frechet distance between multivariate normal
      distributions", https://doi.org/10.1016/0047-259X(82)90077-X
    Heusel et al. 2017, https://arxiv.org/abs/1706.08500
  """
  mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
  sigma1 = np.asarray(sigma1, np.float64)
  sigma2 = np.asarray(sigma2, np.float64)
  chex.assert_rank([mu1, mu2, sigma1, sigma2], [1, 1, 2, 2])
  chex.assert_equal_shape([mu1, mu2])
  chex.assert_equal_shape([sigma1, sigma2])
  root1 = _sqrtm_psd(sigma1)
  inner = np.linalg.eigvalsh(root1 @ sigma2 @ root1)
  tr_covmean = np.sum(np.sqrt(np.clip(inner, 0.0, None)))
  diff = mu1 - mu2
  return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2)
               - 2.0 * tr_covmean)


def fid(feats_a: ArrayLike, feats_b: ArrayLike) -> float:
  """FID: the Frechet distance of Gaussians fitted to two feature sets.

  Args:
    feats_a, feats_b: features `[N_a, D]`, `[N_b, D]` (unbiased covariances).
  Returns:
    the squared Frechet distance between the fitted Gaussians.
  References:
    Heusel et al. 2017, https://arxiv.org/abs/1706.08500
  """
  a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
  chex.assert_rank([a, b], 2)
  return frechet_distance(a.mean(0), np.cov(a, rowvar=False),
                          b.mean(0), np.cov(b, rowvar=False))


def kid(feats_a: ArrayLike, feats_b: ArrayLike, *, num_subsets: int = 100,
        subset_size: int = 1000, seed: int = 0) -> tuple[float, float]:
  r"""Kernel Inception Distance: unbiased MMD^2, cubic polynomial kernel.

  With $k(x, y) = (x^\top y / D + 1)^3$ and subsets $X, Y$ of size m:
  $\widehat{MMD}^2 = \frac{1}{m(m-1)} \sum_{i \ne j} [k(x_i, x_j)
  + k(y_i, y_j)] - \frac{2}{m^2} \sum_{i, j} k(x_i, y_j)$,
  averaged over `num_subsets` random subsets (drawn without replacement
  within a subset).

  Args:
    feats_a, feats_b: features `[N_a, D]`, `[N_b, D]`.
    num_subsets: the number of subset pairs.
    subset_size: m (capped at the smaller set's size).
    seed: seed of the NumPy generator choosing the subsets.
  Returns:
    `(mean, std)` of the per-subset estimates (can be negative near 0).
  References:
    Binkowski et al. 2018, "Demystifying MMD GANs", Section 4,
      https://arxiv.org/abs/1801.01401
  """
  a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
  chex.assert_rank([a, b], 2)
  dim = a.shape[1]
  m = min(subset_size, a.shape[0], b.shape[0])
  rng = np.random.default_rng(seed)
  estimates = []
  for _ in range(num_subsets):
    x = a[rng.choice(a.shape[0], m, replace=False)]
    y = b[rng.choice(b.shape[0], m, replace=False)]
    k_xx = (x @ x.T / dim + 1) ** 3
    k_yy = (y @ y.T / dim + 1) ** 3
    k_xy = (x @ y.T / dim + 1) ** 3
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy))
    estimates.append(within / (m * (m - 1)) - 2 * k_xy.mean())
  return float(np.mean(estimates)), float(np.std(estimates))


def class_shares(probs: ArrayLike) -> np.ndarray:
  """The share of each class among the labels argmax_y p(y|x) of `probs`
  `[N, K]`: a mode-collapse measure (a lost digit has share 0; the target
  of the repository's MNIST issues is every share >= 0.05)."""
  probs = np.asarray(probs)
  labels = np.argmax(probs, axis=-1)
  return np.bincount(labels, minlength=probs.shape[-1]) / len(labels)


def mnist_classifier_metrics(samples: ArrayLike, reference_images: ArrayLike,
                             *, num_splits: int = 10, seed: int = 0,
                             kid_subsets: int = 100,
                             **kwargs) -> dict[str, float]:
  """IS of `samples`; FID, KID, precision, recall, density and coverage of
  `samples` against `reference_images`.

  Args:
    samples: generated images `[N, 28, 28, 1]` in [0, 1] (the protocol:
      10,000).
    reference_images: real images, e.g. the 10,000 of MNIST test.
    num_splits: IS splits.
    seed: KID subset seed.
    kid_subsets: KID's number of subset pairs (of up to 1,000 each).
    **kwargs: passed to `classifier_features_and_logits`.
  Returns:
    `{mnist_classifier_is, mnist_classifier_is_std, mnist_classifier_fid,
    mnist_classifier_kid, mnist_classifier_kid_std,
    mnist_classifier_min_share, mnist_classifier_precision,
    mnist_classifier_recall, mnist_classifier_density,
    mnist_classifier_coverage}`: min_share is the rarest class's
    `class_shares`; the last four are `manifold.manifold_metrics` (k = 3 and
    5) with the reference images as the real set, nan when either set has at
    most 5 images (no 5th neighbour); at 10,000 each they take seconds on
    two CPU cores, less than KID's 100 subsets.
  """
  feats, probs = classifier_features_and_probs(samples, **kwargs)
  ref_feats, _ = classifier_features_and_probs(reference_images, **kwargs)
  is_mean, is_std = inception_score(probs, num_splits)
  kid_mean, kid_std = kid(feats, ref_feats, num_subsets=kid_subsets,
                          seed=seed)
  if min(len(feats), len(ref_feats)) > manifold.DENSITY_COVERAGE_K:
    knn = manifold.manifold_metrics(ref_feats, feats)
  else:
    knn = dict.fromkeys(manifold.KEYS, float("nan"))
  return {
      f"{PREFIX}_is": is_mean,
      f"{PREFIX}_is_std": is_std,
      f"{PREFIX}_fid": fid(feats, ref_feats),
      f"{PREFIX}_kid": kid_mean,
      f"{PREFIX}_kid_std": kid_std,
      f"{PREFIX}_min_share": float(class_shares(probs).min()),
      **{f"{PREFIX}_{name}": value for name, value in knn.items()},
  }


def stacked_mnist_modes(samples: ArrayLike, *, num_classes: int = 10,
                        high_quality: float = 0.7, **kwargs
                        ) -> dict[str, float]:
  r"""Stacked MNIST: modes hit, KL(mode histogram || uniform), and seed
  004's columns.

  Each of the C channels is classified by the shipped MNIST classifier;
  the mode of a sample is $\sum_c d_c K^{C-1-c}$ (100 d_1 + 10 d_2 + d_3),
  one of $K^C$ = 1,000. With the normalised histogram h:
  * `stacked_mnist_modes`: the modes with at least one sample;
  * `stacked_mnist_kl`: KL(h || u) $= \sum_m h_m \log(h_m K^C)$.
  Over the N C channel images, each a digit with class probabilities
  $p(y|x)$ (K classes; seed 004's values, e.g. exp(H(y)) = 9.51 <= 10,
  are per-channel digits):
  * `stacked_mnist_exp_h_y_given_x`: $\exp E_x[H(p(y|x))]$ (1 for confident
    digits, up to K);
  * `stacked_mnist_exp_h_y`: $\exp H(E_x[p(y|x)])$ (K for balanced digits);
  * `stacked_mnist_is`: their ratio $\exp(H(y) - E_x H(y|x)) = \exp E_x
    KL(p(y|x) \| p(y))$, the Inception Score on one split;
  * `stacked_mnist_high_quality`: the fraction of channel images whose top
    class has probability > `high_quality` (0.7, seed 004).

  Args:
    samples: `[N, 28, 28, C]` in [0, 1] (the protocol: 26,000 samples, C = 3).
    num_classes: K.
    high_quality: the probability threshold of a high-quality digit.
    **kwargs: passed to `classifier_features_and_logits`.
  Returns:
    the six figures above as floats.
  References:
    Srivastava et al. 2017, "VEEGAN", Section 5.2,
      https://arxiv.org/abs/1705.07761
    Lin et al. 2018, "PacGAN", Section 4.2, https://arxiv.org/abs/1712.04086
    Yin & Zhou 2019, "Semi-Implicit Generative Model", Table 2,
      https://arxiv.org/abs/1905.12659
  """
  chex.assert_rank(samples, 4)
  samples = jnp.asarray(samples)
  n, channels = samples.shape[0], samples.shape[-1]
  per_channel = jnp.moveaxis(samples, -1, 1).reshape((-1, 28, 28, 1))
  _, logits = classifier_features_and_logits(per_channel, **kwargs)
  log_p = np.asarray(jax.nn.log_softmax(logits, -1), np.float64)
  p = np.exp(log_p)
  digits = np.argmax(log_p, -1).reshape(n, channels)
  modes = digits @ (num_classes ** np.arange(channels - 1, -1, -1))
  num_modes = num_classes ** channels
  h = np.bincount(modes, minlength=num_modes) / n
  kl = np.sum(h[h > 0] * np.log(h[h > 0] * num_modes))
  h_y_given_x = float(np.mean(-np.sum(p * log_p, -1)))
  marginal = p.mean(0)
  h_y = float(-np.sum(marginal[marginal > 0] * np.log(marginal[marginal > 0])))
  return {"stacked_mnist_modes": float(np.sum(h > 0)),
          "stacked_mnist_kl": float(kl),
          "stacked_mnist_is": float(np.exp(h_y - h_y_given_x)),
          "stacked_mnist_high_quality": float(np.mean(
              p.max(-1) > high_quality)),
          "stacked_mnist_exp_h_y_given_x": float(np.exp(h_y_given_x)),
          "stacked_mnist_exp_h_y": float(np.exp(h_y))}
