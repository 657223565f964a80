"""What several recipes share: optimizers from `config.optim`, the adversarial
methods (`config.method`, each built by its `make_<method>`) and schedule
(`config.adversarial`), digit images from `config.data.source`, sampling in
chunks and the evaluations of the mixture and MNIST recipes.

Recipes import this module, never each other's internals.
"""
import pathlib
import re
import sys
from typing import Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from gentk import plotting
from gentk.algorithms import began
from gentk.algorithms import ebgan
from gentk.algorithms import feature_matching
from gentk.algorithms import fgan
from gentk.algorithms import gan
from gentk.algorithms import mmd_gan
from gentk.algorithms import sig
from gentk.algorithms import wgan
from gentk.data import mixtures
from gentk.data import mnist
from gentk.data import paths
from gentk.data import segment_digits
from gentk.metrics import classifier as classifier_metrics
from gentk.metrics import modes
from gentk.models import autoencoder
from gentk.models import feature_mlp
from gentk.models import mlp
from gentk.models import packing
from gentk.training.config import ConfigError
from gentk.types import Algorithm

OPTIMIZERS = ("adam", "rmsprop")
SOURCES = ("mnist", "segments", "auto")
GRID_SIZE = 100  # Samples in a PNG grid.


def optimizer(optim: ml_collections.ConfigDict, num_steps: int | None = None,
              rate: optax.Schedule | None = None
              ) -> optax.GradientTransformation:
  """Adam (`lr`, `b1`, `b2`, and `eps` when the group has it) or RMSProp
  (`lr`, `decay`) from `optim.name` (Adam when the group has no `name`).
  When the group has `final_lr` (or `final_lr_fraction`, the final rate as
  a fraction of `lr`, 1 for a constant rate), the rate decays from `lr` to
  it over `num_steps` (cosine, `optax.cosine_decay_schedule`); a `rate`
  schedule given replaces both."""
  name = optim.get("name", "adam")
  if rate is None:
    rate = optim.lr
    alpha = optim.get("final_lr_fraction", 1.0)
    if optim.get("final_lr") is not None:
      alpha = optim.final_lr / optim.lr
    if alpha != 1.0:
      rate = optax.cosine_decay_schedule(optim.lr, num_steps, alpha=alpha)
  if name == "adam":
    return optax.adam(rate, b1=optim.b1, b2=optim.b2,
                      eps=optim.get("eps", 1e-8))
  if name == "rmsprop":
    return optax.rmsprop(rate, decay=optim.decay)
  raise ConfigError(f"config.optim.name={name!r} is unknown: use one of "
                    f"{OPTIMIZERS}, e.g. --config.optim.name=adam.")


def clipped_adam(lr: float | optax.Schedule, max_norm: float
                 ) -> optax.GradientTransformation:
  """Adam on gradients whose global norm is clipped to `max_norm` (the
  sequence GANs' generator, policy-gradient and actor optimizers); `lr` a
  rate or a schedule of the update count (see `scheduled_adam`)."""
  adam = scheduled_adam(lr) if callable(lr) else optax.adam(lr)
  return optax.chain(optax.clip_by_global_norm(max_norm), adam)


def scheduled_adam(rate: optax.Schedule) -> optax.GradientTransformation:
  r"""Adam (Kingma & Ba 2015, Algorithm 1) whose step size at update t is
  `rate(t)`: \theta_{t+1} = \theta_t - rate(t) \hat m_t / (\sqrt{\hat v_t}
  + \epsilon), t being Adam's own update count, with the state layout of a
  constant-rate `optax.adam` (`optax.adam` with a schedule adds a counter of
  its own). A player whose optimizer state is re-initialised between phases
  (SeqGAN's generator: MLE, then a fresh Adam for the policy gradient) can
  then change a constant rate for a decaying one in the same state slot.
  Updates have the shapes of the parameters."""
  inner = optax.scale_by_adam()

  def init(params):
    return (inner.init(params), optax.EmptyState())

  def update(updates, state, params=None):
    adam_state, empty = state
    step_size = rate(adam_state.count)
    updates, adam_state = inner.update(updates, adam_state, params)
    return (jax.tree.map(lambda u: -step_size * u, updates),
            (adam_state, empty))

  return optax.GradientTransformation(init, update)


def optimizers(optim: ml_collections.ConfigDict, num_steps: int | None = None
               ) -> tuple[optax.GradientTransformation,
                          optax.GradientTransformation]:
  """`(generator, discriminator)` optimizers from `optim` (see `optimizer`;
  `num_steps`, the length of a decaying rate's schedule);
  `optim.generator_lr > 0` gives the generator its own learning rate (the
  two time-scale setting of Heusel et al. 2017; InfoGAN's 1e-3 vs 2e-4)."""
  generator_optim = optim
  if optim.get("generator_lr", 0.0) > 0:
    generator_optim = ml_collections.ConfigDict(optim.to_dict())
    generator_optim.lr = optim.generator_lr
  return optimizer(generator_optim, num_steps), optimizer(optim, num_steps)


def adversarial_schedule(config: ml_collections.ConfigDict,
                         axis_name: str | None) -> dict:
  """The keyword arguments of `gentk.algorithms.adversarial.make_adversarial`
  (and every `make_<method>`) from `config.optim` and `config.adversarial`."""
  generator_optimizer, discriminator_optimizer = optimizers(
      config.optim, config.train.num_steps)
  return {"generator_optimizer": generator_optimizer,
          "discriminator_optimizer": discriminator_optimizer,
          "disc_steps": config.adversarial.disc_steps,
          "pretrain_steps": config.adversarial.pretrain_steps,
          "axis_name": axis_name}


class BinaryDigits(NamedTuple):
  """Binarised digits: the in-step training batches and fixed held-out
  sets."""
  data_fn: Callable
  valid: np.ndarray
  test: np.ndarray
  # The training images' mean intensities [H, W, C] (= E[pixel] of the
  # dynamically binarised batches) and their number.
  pixel_means: np.ndarray
  num_train: int


def binary_digits(config: ml_collections.ConfigDict) -> BinaryDigits:
  """Binarised MNIST (or seven-segment digits) from `config.data`
  (`source`, `train_split`, `num_valid`, `test_split`, `binarization`,
  `static_seed`, `batch_size`) and `config.eval.num_test`.

  The last `num_valid` training images are held out (IWAE: 59,600 / 400).
  Training batches are binarised inside the step, anew at every step
  ('dynamic') or once with key `static_seed` ('static'); the validation and
  test images are binarised once, with keys 1 and 0.
  """
  d = config.data
  resolve_source(d)
  images = load_digits(d.source, d.train_split, seed=config.seed).images
  train, valid = images[:-d.num_valid], images[-d.num_valid:]
  test = load_digits(d.source, d.test_split, config.eval.num_test,
                     seed=config.seed).images
  labels = np.zeros(len(train), np.int32)
  if d.binarization == "static":
    data_fn = mnist.make_batch_fn(_binary(train, d.static_seed), labels,
                                  d.batch_size)
  else:
    data_fn = mnist.make_binarized_batch_fn(train, labels, d.batch_size)
  means = (np.mean(_binary(train, d.static_seed), axis=0)
           if d.binarization == "static" else np.mean(train, axis=0))
  return BinaryDigits(data_fn, _binary(valid, 1), _binary(test, 0), means,
                      len(train))


def _binary(images: np.ndarray, seed: int) -> np.ndarray:
  """One fixed binarisation of `images` (Bernoulli(intensity), key `seed`)."""
  return np.asarray(mnist.binarize(jax.random.PRNGKey(seed), images))


def compute_dtype(config: ml_collections.ConfigDict):
  """The image players' computation dtype from `config.train.compute_dtype`:
  None (float32, the modules' default) or `jnp.bfloat16` (parameters, batch
  statistics and optimizer state stay float32)."""
  name = config.train.get("compute_dtype", "float32")
  return None if name == "float32" else jnp.dtype(name)


def mnist_available() -> bool:
  """Whether the data folder (`gentk.data.paths.data_dir()`) holds MNIST,
  as the idx files or a prepared TFDS folder."""
  try:
    root = paths.data_dir()
  except FileNotFoundError:
    return False
  return mnist.available(root)


def resolve_source(data: ml_collections.ConfigDict) -> None:
  """Replaces `data.source='auto'` in place by the source it means here.

  'auto' is what the configs' quick smoke variants set: 'mnist' when the data
  folder holds MNIST, else 'segments' (seven-segment digits), with a warning
  line on stderr naming `gentk data fetch mnist`. A full run reads 'mnist'
  and, without the data, fails with the one-line missing-data error. Called
  when the experiment is built, before `config.json` is written, so the run
  records the data it used and a resume elsewhere cannot switch silently.
  """
  if data.source not in SOURCES:
    raise ConfigError(f"config.data.source={data.source!r} is unknown: use "
                      f"one of {SOURCES}, e.g. --config.data.source=mnist.")
  if data.source == "auto":
    data.source = "mnist" if mnist_available() else "segments"
    if data.source == "segments":
      try:
        where = paths.data_dir()
      except FileNotFoundError:
        where = f"${paths.ENV_VAR}"
      print(f"warning: config.data.source='auto' and no MNIST in {where}: "
            "this smoke run trains on seven-segment digits, not MNIST; run "
            f"gentk data fetch mnist (or set {paths.ENV_VAR}) to use MNIST",
            file=sys.stderr, flush=True)


def _split_size(split: str) -> int:
  """The example count a TFDS split names ('train[:2000]' -> 2000)."""
  match = re.search(r"\[:(\d+)\]", split)
  if match:
    return int(match.group(1))
  return 10_000 if split.startswith("test") else 60_000


def load_digits(source: str, split: str, num: int = 0, *,
                seed: int = 0) -> mnist.Mnist:
  """Images `[N, 28, 28, 1]` and labels of `split` (its first `num`; 0: all)
  from a resolved `source`: MNIST (`gentk.data.mnist.load_mnist`: the idx
  files or TFDS; a one-line error naming `gentk data fetch mnist` when the
  data folder lacks it), or seven-segment digits
  (`gentk.data.segment_digits`, for smoke runs on machines without MNIST; as
  many as `num` or the split names)."""
  if source == "segments":
    return segment_digits.segment_digits(
        num or _split_size(split),
        seed=seed + (1 if split.startswith("test") else 0))
  if source != "mnist":
    raise ConfigError(f"config.data.source={source!r} must be resolved to "
                      "'mnist' or 'segments' first (see resolve_source).")
  data = mnist.load_mnist(split)
  return mnist.Mnist(data.images[:num], data.labels[:num]) if num else data


def sample_in_chunks(algorithm: Algorithm, state, key, num: int,
                     chunk: int = 250) -> np.ndarray:
  """`num` samples drawn `chunk` at a time (bounds the memory of big nets)."""
  chunk = min(chunk, num)
  count = -(-num // chunk)
  draw = jax.jit(lambda s, keys: jax.lax.map(
      lambda k: algorithm.sample(s, k, chunk), keys))
  samples = draw(state, jax.random.split(key, count))
  return np.asarray(samples.reshape((-1,) + samples.shape[2:])[:num])


def png_name(stem: str, tag: str) -> str:
  """`stem.png`, or `stem_<tag>.png` for one seed of several."""
  return f"{stem}_{tag}.png" if tag else f"{stem}.png"


def mixture_evaluate(algorithm: Algorithm, mixture: mixtures.Mixture,
                     num_samples: int) -> Callable:
  """PacGAN mode metrics on `num_samples` samples, plus a scatter plot."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = jax.jit(algorithm.sample, static_argnums=2)(state, key,
                                                          num_samples)
    result = {k: float(v) for k, v in
              modes.mode_metrics(samples, mixture).items()}
    plotting.scatter_with_modes(
        samples, mixture.centers, workdir / png_name("samples", tag),
        title=(f"{result['modes']:.0f}/{mixture.centers.shape[0]} modes, "
               f"{result['high_quality_pct']:.1f}% HQ, "
               f"KL {result['reverse_kl']:.2f}"))
    return result
  return evaluate


def mnist_evaluate(algorithm: Algorithm, reference: np.ndarray, *,
                   num_samples: int, num_splits: int, kid_subsets: int,
                   chunk: int = 250) -> Callable:
  """MNIST-classifier IS / FID / KID of `num_samples` samples against
  `reference`, and a grid of the first `GRID_SIZE` samples."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = sample_in_chunks(algorithm, state, key, num_samples, chunk)
    result = classifier_metrics.mnist_classifier_metrics(
        samples, reference, num_splits=num_splits, kid_subsets=kid_subsets)
    plotting.image_grid(samples[:GRID_SIZE], workdir / png_name("samples",
                                                                 tag))
    return result
  return evaluate


class Players(NamedTuple):
  """The modules an adversarial recipe offers its methods.

  Attributes:
    generator: G.
    scorer: `(batch_norm) -> module` with one score (logit, critic value,
      f-GAN V) per example; `batch_norm` is False for critics that must
      treat examples independently (WGAN, WGAN-GP).
    autoencoder: `() -> module` returning `(reconstruction, code)` (EBGAN,
      BEGAN).
    features: `(minibatch_kernels, minibatch_kernel_dim) -> module` returning
      `(logits, features)` (feature matching, minibatch discrimination with
      kernels > 0, MMD GAN), or None where the recipe has none.
  """
  generator: nn.Module
  scorer: Callable[[bool], nn.Module]
  autoencoder: Callable[[], nn.Module]
  features: Callable[[int, int], nn.Module] | None = None


def mixture_players(model: ml_collections.ConfigDict, dim: int = 2) -> Players:
  """MLP players of `model`'s widths on `dim`-dimensional points: the
  generator (batch-normalised with `model.generator_batch_norm`), the scorer
  (maxout units of `model.discriminator_maxout` pieces), both initialised
  with `model.init_std`, the autoencoder and the feature network."""
  hidden = tuple(model.discriminator_hidden)
  return Players(
      generator=mlp.MLP(hidden=tuple(model.generator_hidden), out=dim,
                        batch_norm=model.generator_batch_norm,
                        init_std=model.init_std),
      scorer=lambda batch_norm: mlp.MLP(hidden=hidden, out=1,
                                        squeeze_out=True,
                                        maxout=model.discriminator_maxout,
                                        init_std=model.init_std),
      autoencoder=lambda: autoencoder_discriminator(model),
      features=lambda kernels, kernel_dim: feature_mlp.FeatureMLP(
          hidden=hidden, minibatch_kernels=kernels,
          minibatch_kernel_dim=kernel_dim, return_features=kernels == 0))


def autoencoder_discriminator(model: ml_collections.ConfigDict) -> nn.Module:
  """The MLP autoencoder of `model.discriminator_hidden` / `code_dim` /
  `decoder_hidden`, or with `model.autoencoder = 'conv'` the convolutional
  one (width `model.width`)."""
  kind = model.get("autoencoder", "mlp")
  if kind == "conv":
    if model.get("autoencoder_batch_norm", False):
      raise ConfigError("config.model.autoencoder_batch_norm applies to the "
                        "'mlp' autoencoder only, not 'conv': pass "
                        "--config.model.autoencoder_batch_norm=false or "
                        "--config.model.autoencoder=mlp.")
    return autoencoder.ConvAutoencoder(width=model.width,
                                       code_dim=model.code_dim,
                                       activation=model.autoencoder_activation)
  if kind != "mlp":
    raise ConfigError(f"config.model.autoencoder={kind!r} is unknown: use "
                      "'mlp' or 'conv', e.g. --config.model.autoencoder=mlp.")
  return autoencoder.Autoencoder(
      encoder_hidden=tuple(model.discriminator_hidden),
      code_dim=model.code_dim, decoder_hidden=tuple(model.decoder_hidden),
      activation=model.autoencoder_activation,
      batch_norm=model.get("autoencoder_batch_norm", False))


def _gan(config, players: Players, latent_dim: int, schedule: dict):
  return gan.make_gan(players.generator, players.scorer(True),
                      latent_dim=latent_dim,
                      generator_cost=config.gan.generator_cost, **schedule)


def _wgan(config, players: Players, latent_dim: int, schedule: dict):
  return wgan.make_wgan(players.generator, players.scorer(False),
                        latent_dim=latent_dim, clip=config.wgan.clip,
                        **schedule)


def _wgan_gp(config, players: Players, latent_dim: int, schedule: dict):
  return wgan.make_wgan_gp(players.generator, players.scorer(False),
                           latent_dim=latent_dim,
                           penalty_weight=config.wgan_gp.penalty_weight,
                           **schedule)


def _fgan(config, players: Players, latent_dim: int, schedule: dict):
  return fgan.make_fgan(players.generator, players.scorer(False),
                        latent_dim=latent_dim,
                        divergence=config.fgan.divergence,
                        generator_cost=config.fgan.generator_cost, **schedule)


def _ebgan(config, players: Players, latent_dim: int, schedule: dict):
  return ebgan.make_ebgan(players.generator, players.autoencoder(),
                          latent_dim=latent_dim, margin=config.ebgan.margin,
                          pull_away_weight=config.ebgan.pull_away_weight,
                          **schedule)


def _began(config, players: Players, latent_dim: int, schedule: dict):
  return began.make_began(players.generator, players.autoencoder(),
                          latent_dim=latent_dim, gamma=config.began.gamma,
                          lambda_k=config.began.lambda_k,
                          k_init=config.began.get("k_init", 0.0), **schedule)


def _feature_matching(config, players: Players, latent_dim: int,
                      schedule: dict):
  return feature_matching.make_feature_matching(
      players.generator, players.features(0, 0), latent_dim=latent_dim,
      **schedule)


def _minibatch(config, players: Players, latent_dim: int, schedule: dict):
  """The GAN with a minibatch discrimination layer before the logit."""
  mb = config.minibatch
  return gan.make_gan(players.generator,
                      players.features(mb.num_kernels, mb.kernel_dim),
                      latent_dim=latent_dim,
                      generator_cost=mb.generator_cost, **schedule)


def _mmd(config, players: Players, latent_dim: int, schedule: dict):
  return mmd_gan.make_mmd_gan(
      players.generator, players.features(0, 0), latent_dim=latent_dim,
      bandwidths=tuple(config.mmd.bandwidths), learned=config.mmd.learned,
      clip=config.mmd.clip or None, **schedule)


def _pacgan(config, players: Players, latent_dim: int, schedule: dict):
  """The GAN whose discriminator judges packs of `config.pacgan.packing`
  samples (`gentk.models.packing`)."""
  return gan.make_gan(players.generator,
                      packing.Packed(players.scorer(True),
                                     config.pacgan.packing),
                      latent_dim=latent_dim,
                      generator_cost=config.pacgan.generator_cost, **schedule)


def _gan_si(config, players: Players, latent_dim: int, schedule: dict):
  return sig.make_gan_si(players.generator, players.scorer(True),
                         latent_dim=latent_dim, weight=config.gan_si.weight,
                         sigma=config.gan_si.sigma,
                         generator_cost=config.gan_si.generator_cost,
                         **schedule)


# config.method -> (config, players, latent_dim, schedule) -> Algorithm, each
# through the method's own `make_<method>`; `needs` the Players field used.
ADVERSARIAL_METHODS: dict[str, Callable] = {
    "gan": _gan, "wgan": _wgan, "wgan_gp": _wgan_gp, "fgan": _fgan,
    "ebgan": _ebgan, "began": _began, "feature_matching": _feature_matching,
    "minibatch": _minibatch, "mmd": _mmd, "pacgan": _pacgan,
    "gan_si": _gan_si,
}
_NEEDS_FEATURES = ("feature_matching", "minibatch", "mmd")


def adversarial_algorithm(config: ml_collections.ConfigDict,
                          players: Players, *,
                          axis_name: str | None) -> Algorithm:
  """The method `config.method` with `players`, latent z ~ N(0, I) of
  `config.model.latent_dim`, schedule from `config.optim` and
  `config.adversarial`."""
  methods = sorted(m for m in ADVERSARIAL_METHODS
                   if players.features is not None or m not in _NEEDS_FEATURES)
  if config.method not in methods:
    raise ConfigError(f"config.method={config.method!r} is unknown here: use "
                      f"one of {methods}.")
  return ADVERSARIAL_METHODS[config.method](
      config, players, config.model.latent_dim,
      adversarial_schedule(config, axis_name))
