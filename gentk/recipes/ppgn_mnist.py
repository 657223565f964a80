"""Recipe `ppgn_mnist`: Plug & Play Generative Networks on MNIST.

E and C are the shipped classifier (`gentk/assets/mnist_classifier`): h is
its 128-unit hidden layer (post-ReLU) and C its softmax. Training
(`gentk.algorithms.ppgn`) fits the generator G(h), its discriminator and the
denoising autoencoder R on h. Evaluation runs the sampler
(`gentk.sampling.ppgn`) under each preset of `config.sampler` and judges the
samples with a second, independently trained classifier
(`gentk/assets/mnist_judge`), never the C that guided them:

* `<preset>/accuracy`: the share of class-c chains whose final image the
  judge labels c;
* `<preset>/diversity`: the mean pairwise Euclidean distance between the
  judge's features of the final images of one class, averaged over classes
  (`real/diversity`: the same on test images);
* `<preset>/classes_visited` and `<preset>/on_target`: one chain steered
  through the classes 0..9 in turn (T/10 steps each), the distinct classes
  the judge sees along it and the share of steps where it sees the class
  steered to (the mixing figure shows the chain).

Chains start from the codes E(x) of random test images (one per chain) and
their codes are kept non-negative (h is a ReLU layer's output).
"""
import functools
import pathlib
from typing import Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
from matplotlib.figure import Figure
import ml_collections
import numpy as np

from gentk import optim
from gentk import plotting
from gentk.algorithms import ppgn
from gentk.data import digits
from gentk.data import mnist
from gentk.metrics import classifier as classifier_metrics
from gentk.models.image_mlp import MLPGenerator
from gentk.models.image_mlp import MLPImageDiscriminator
from gentk.models.mlp import MLP
from gentk.recipes import evaluation
from gentk.sampling import ppgn as ppgn_sampler
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment

# The priors' gradients: none, N(0, I), the DAE's R(h) - h, E(G(h)) - h.
PRIORS = ("none", "gaussian", "dae", "joint")
# Preset -> the prior whose gradient it uses.
PRESETS = {"activation_maximisation": "none", "gaussian_prior": "gaussian",
           "ppgn_h": "dae", "joint_ppgn_h": "joint",
           "noiseless_joint_ppgn_h": "joint"}
SHOWN = 8  # Samples per class in the grids.
FRAMES = 30  # Frames of the mixing figure.


def _pairwise_mean_distance(feats: jnp.ndarray) -> jnp.ndarray:
  """Mean Euclidean distance over distinct pairs of rows of `[N, F]`."""
  sq = jnp.sum(feats ** 2, -1)
  d2 = jnp.maximum(sq[:, None] + sq[None] - 2 * feats @ feats.T, 0.0)
  n = feats.shape[0]
  return jnp.sum(jnp.sqrt(d2 + 1e-12) * (1 - jnp.eye(n))) / (n * (n - 1))


def modules(model: ml_collections.ConfigDict, code_dim: int
            ) -> tuple[MLPGenerator, MLPImageDiscriminator, MLP]:
  """G, D and R of `config.model` for codes of `code_dim` units."""
  return (MLPGenerator(tuple(model.generator_hidden), mnist.IMAGE_SHAPE,
                       batch_norm=False),
          MLPImageDiscriminator(tuple(model.discriminator_hidden)),
          MLP(tuple(model.dae_hidden), code_dim))


def check_test_classes(labels: np.ndarray, per_class: int,
                       split: str) -> None:
  """One-line `ConfigError` unless every digit has `per_class` images in the
  test split (the real images whose diversity the chains are compared
  with), before anything is trained."""
  counts = np.bincount(np.asarray(labels), minlength=mnist.NUM_CLASSES)
  if counts.min() < per_class:
    raise ConfigError(
        f"config.sampler.chains_per_class={per_class} exceeds the "
        f"{counts.min()} images of digit {int(counts.argmin())} in "
        f"config.data.test_split={split!r}: pass e.g. "
        f"--config.sampler.chains_per_class={max(2, int(counts.min()))} or "
        "--config.data.test_split=test.")


class Nets(NamedTuple):
  """The fixed and trained networks the evaluation reads: G and R (trained;
  their parameters come from the state), E and C (the shipped classifier)
  and the judge (a second classifier)."""
  generator: nn.Module
  dae: nn.Module
  encode: Callable
  classify: Callable
  judge: nn.Module
  judge_variables: dict


def chains(nets: Nets, params, h0, keys, labels, prior: int, weights):
  """Codes `[N, T, D]` of chains (one per row of h0) under the prior of index
  `prior` in `PRIORS` (traced: one program serves every preset) and
  `weights` `[3]`."""
  def generate(h):
    return nets.generator.apply(params[ppgn.GENERATOR], h)

  priors = (jnp.zeros_like, ppgn_sampler.gaussian_prior_grad,
            ppgn_sampler.dae_prior_grad(
                lambda h: nets.dae.apply(params[ppgn.DAE], h)),
            ppgn.joint_prior_grad(generate, nets.encode))

  def prior_grad(h):
    return jax.lax.switch(prior, priors, h)

  return jax.vmap(lambda h, k, y: ppgn_sampler.sample_chain(
      h, k, y, prior_grad=prior_grad,
      log_condition=ppgn.log_condition_fn(generate, nets.classify),
      weights=ppgn_sampler.Weights(*weights), project=jax.nn.relu))(
          h0, keys, labels)


def judged(nets: Nets, params, hs):
  """G(h), the judge's features and its labels, for codes `[..., D]`."""
  flat = hs.reshape(-1, hs.shape[-1])
  images = nets.generator.apply(params[ppgn.GENERATOR], flat)
  logits, feats = nets.judge.apply(nets.judge_variables, images,
                                   features=True)
  shape = hs.shape[:-1]
  return (images.reshape(shape + images.shape[1:]),
          feats.reshape(shape + feats.shape[-1:]),
          jnp.argmax(logits, -1).reshape(shape))


def class_diversity(feats: jnp.ndarray) -> float:
  """`diversity` of features `[classes * per_class, F]` grouped by class:
  the mean over classes of the mean pairwise distance."""
  grouped = feats.reshape(mnist.NUM_CLASSES, -1, feats.shape[-1])
  return float(jnp.mean(jax.vmap(_pairwise_mean_distance)(grouped)))


def real_diversity(nets: Nets, test, per_class: int) -> float:
  """`diversity` of `per_class` test images of each class."""
  labels = np.asarray(test.labels)
  images = np.concatenate([test.images[labels == c][:per_class]
                           for c in range(mnist.NUM_CLASSES)])
  _, feats = nets.judge.apply(nets.judge_variables, jnp.asarray(images),
                              features=True)
  return class_diversity(feats)


class Starts(NamedTuple):
  """The chains' start codes, keys and class targets: rows 0..n-1 are
  class-conditional (`classes`), row n is steered through 0..9 (`steer`)."""
  h0: jnp.ndarray
  keys: jnp.ndarray
  labels: jnp.ndarray
  classes: jnp.ndarray
  steer: jnp.ndarray


def chain_starts(nets: Nets, key, test, per_class: int, steps: int) -> Starts:
  """Codes E(x) of distinct random test images, one per chain."""
  num_classes = mnist.NUM_CLASSES
  key_init, key_chain = jax.random.split(key)
  n = num_classes * per_class
  starts = jax.random.choice(key_init, len(test.images), (n + 1,),
                             replace=False)
  h0 = nets.encode(jnp.asarray(test.images[np.asarray(starts)]))
  classes = jnp.repeat(jnp.arange(num_classes), per_class)
  steer = jnp.repeat(jnp.arange(num_classes),
                     -(-steps // num_classes))[:steps]
  labels = jnp.concatenate([jnp.repeat(classes[:, None], steps, 1),
                            steer[None]])
  return Starts(h0, jax.random.split(key_chain, n + 1), labels, classes, steer)


def make_evaluate(nets: Nets, test, s: ml_collections.ConfigDict):
  """`evaluate(state, key, workdir, tag)`: every preset of `config.sampler`
  run from the same starts, scored by the judge (module docstring)."""
  run_chains = jax.jit(functools.partial(chains, nets))
  judge = jax.jit(functools.partial(judged, nets))
  per_class, num_classes = s.chains_per_class, mnist.NUM_CLASSES
  n = num_classes * per_class

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    params = state.params
    st = chain_starts(nets, key, test, per_class, s.num_steps)
    result = {"real/diversity": real_diversity(nets, test, per_class)}
    mixing = []
    for preset in PRESETS:
      hs = run_chains(params, st.h0, st.keys, st.labels,
                      PRIORS.index(PRESETS[preset]),
                      jnp.asarray(s[preset], jnp.float32))
      images, feats, labels = judge(params, hs[:n, -1])
      result[f"{preset}/accuracy"] = float(jnp.mean(labels == st.classes))
      result[f"{preset}/diversity"] = class_diversity(feats)
      frames, _, seen = judge(params, hs[n])
      result[f"{preset}/classes_visited"] = float(len(np.unique(seen)))
      result[f"{preset}/on_target"] = float(jnp.mean(seen == st.steer))
      shown = np.asarray(images).reshape(num_classes, per_class,
                                         *images.shape[1:])[:, :SHOWN]
      plotting.image_grid(
          shown.transpose(1, 0, 2, 3, 4).reshape((-1,) + shown.shape[2:]),
          workdir / evaluation.png_name(f"samples_{preset}", tag),
          ncols=num_classes)
      every = max(1, s.num_steps // FRAMES)
      mixing.append((preset, np.asarray(frames[::every]),
                     np.asarray(seen[::every])))
    _mixing_figure(mixing, workdir / evaluation.png_name("mixing", tag))
    return result
  return evaluate


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """See `gentk/configs/ppgn_mnist.py`."""
  d, m, s = config.data, config.model, config.sampler
  train, test = digits.train_and_test(d, seed=config.seed)
  check_test_classes(test.labels, s.chains_per_class, d.test_split)
  c_model, c_vars = classifier_metrics.load_classifier()
  j_model, j_vars = classifier_metrics.load_classifier(s.judge)
  generator, discriminator, dae = modules(m, c_model.hidden)
  nets = Nets(generator, dae,
              lambda x: c_model.apply(c_vars, x, features=True)[1],
              lambda x: c_model.apply(c_vars, x), j_model, j_vars)
  algorithm = ppgn.make_ppgn(
      generator, discriminator, dae, nets.encode,
      optimizer=optim.optimizer(config.optim, config.train.num_steps),
      weights=ppgn.LossWeights(*m.loss_weights),
      generator_noise=m.generator_noise, dae_noise=m.dae_noise,
      axis_name=axis_name)
  data_fn = mnist.make_batch_fn(train.images, train.labels, d.batch_size)
  return Experiment(algorithm, data_fn, make_evaluate(nets, test, s))


def _mixing_figure(mixing, path: pathlib.Path) -> None:
  """One row per preset: frames of the steered chain, titled by the judge's
  label."""
  ncols = max(len(f) for _, f, _ in mixing)
  fig = Figure(figsize=(0.6 * ncols, 0.8 * len(mixing)), dpi=100)
  axes = fig.subplots(len(mixing), ncols, squeeze=False)
  for row, (preset, frames, seen) in zip(axes, mixing):
    for ax, frame, label in zip(row, frames, seen):
      ax.imshow(frame[..., 0], cmap="gray", vmin=0, vmax=1)
      ax.set_title(str(int(label)), fontsize=6, pad=1)
    for ax in row:
      ax.axis("off")
    row[0].text(-0.1, 0.5, preset, transform=row[0].transAxes, ha="right",
                va="center", fontsize=7)
  fig.savefig(path, bbox_inches="tight")
