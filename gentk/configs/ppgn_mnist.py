"""Plug & Play Generative Networks on MNIST: class-conditional sampling in
the code space of the shipped classifier, under five sampler presets.

Trains a generator G(h) (an MLP, 128 -> 512 -> 512 -> 784) to invert the
classifier's hidden layer h with image, feature and adversarial losses, and
a denoising autoencoder on h; then samples 20 chains per class of 200 steps
under each preset and scores them with the judge, an independently trained
classifier (class accuracy and diversity). Needs MNIST.
  gentk train --config=ppgn_mnist --workdir=runs/ppgn
Variant `quick` (2,000 train images, 20 steps, short chains).
Run time: about 5 minutes on a 2-core CPU (10,000 steps, then the chains).
Expected (judge accuracy / diversity; real test images' diversity 17.6):
activation maximisation 0.71 / 18.4; Gaussian prior 0.80 / 5.7; PPGN-h
0.87 / 14.8; joint PPGN-h 0.92 / 18.4; noiseless joint PPGN-h 0.88 / 21.4.
Reference: Nguyen et al. 2017, "Plug & Play Generative Networks".
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

STEP = spec.Check("3 finite floats >= 0 (epsilon_1, epsilon_2, epsilon_3)",
                  lambda v, _: spec.finite_floats(3).accepts(v, _)
                  and min(v) >= 0)


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: G, its discriminator and the DAE R."""
  model = ml_collections.ConfigDict()
  # G's hidden widths (MLP, ReLU, sigmoid output).
  model.generator_hidden = spec.field((512, 512), spec.positive_ints())
  # The discriminator's hidden widths (MLP, LeakyReLU).
  model.discriminator_hidden = spec.field((256,), spec.positive_ints())
  # R's hidden widths (MLP, ReLU).
  model.dae_hidden = spec.field((512,), spec.positive_ints())
  # Generator loss weights: image, feature (h), adversarial.
  model.loss_weights = spec.field((1.0, 1.0, 0.01), spec.finite_floats(3))
  # sigma_G, the noise on G's input codes (joint PPGN-h's corruption).
  model.generator_noise = spec.field(1.0, spec.real(0))
  # sigma, R's corruption.
  model.dae_noise = spec.field(0.3, spec.positive_float)
  return model


def _sampler() -> ml_collections.ConfigDict:
  """The `config.sampler` group: the judge, the chains and the presets."""
  sampler = ml_collections.ConfigDict()
  # The judging classifier's asset (gentk/assets/<judge>.{json,msgpack}).
  sampler.judge = spec.field("mnist_judge", spec.one_of(
      "mnist_judge", "mnist_classifier"))
  sampler.chains_per_class = spec.field(20, spec.integer(2))
  # Steps T per chain.
  sampler.num_steps = spec.field(200, spec.integer(10))
  # (epsilon_1, epsilon_2, epsilon_3) of each preset.
  sampler.activation_maximisation = spec.field((0.0, 1.0, 0.0), STEP)
  sampler.gaussian_prior = spec.field((0.01, 1.0, 0.0), STEP)
  sampler.ppgn_h = spec.field((0.01, 1.0, 0.6), STEP)
  sampler.joint_ppgn_h = spec.field((0.1, 1.0, 0.3), STEP)
  sampler.noiseless_joint_ppgn_h = spec.field((0.1, 1.0, 0.0), STEP)
  return sampler


def _starts_fit(config: ml_collections.ConfigDict) -> None:
  """Declares that the chains start from distinct test images,
  `chains_per_class` per digit and one steered chain."""
  def starts_fit(per_class, split):
    return 10 * per_class + 1 <= spec.split_size(split)

  def fewer_chains(per_class, split):
    most = (spec.split_size(split) - 1) // 10
    return ({"sampler.chains_per_class": most} if most >= 2
            else {"data.test_split": "test"})

  spec.constraint(
      config, ("sampler.chains_per_class", "data.test_split"), starts_fit,
      lambda per_class, split: (
          "the " + f"{10 * per_class + 1:,}" + " chains (10 x {0} + a steered "
          "one) start from distinct images of {1}, which has "
          + f"{spec.split_size(split):,}"),
      fix=fewer_chains,
      breaks=lambda per_class, split: {
          "sampler.chains_per_class": spec.split_size(split) // 10})


def _quick(config: ml_collections.ConfigDict) -> None:
  """Small networks on 2,000 images, 20 steps, short chains (in place)."""
  config.data.source = "auto"
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:500]"
  config.model.generator_hidden = (32,)
  config.model.discriminator_hidden = (16,)
  config.model.dae_hidden = (32,)
  config.sampler.chains_per_class = 2
  config.sampler.num_steps = 10
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 20


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("ppgn_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  # Chains start from test images.
  config.data = groups.digits_group(batch_size=64)
  config.model = _model()
  # Adam, the rate cosine-decayed from 1e-3 to 1e-4.
  config.optim = groups.adam_group(lr=1e-3, b1=0.5, final_lr_fraction=0.1)
  config.sampler = _sampler()
  config.train = spec.train_group(
      num_steps=10_000, steps_per_call=100, log_every=1_000,
      checkpoint_every=5_000, keep_checkpoints=2)
  _starts_fit(config)  # Checked before anything is written.
  if "quick" in args:
    _quick(config)
  return config
