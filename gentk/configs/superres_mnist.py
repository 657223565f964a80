"""4x super-resolution of MNIST (7x7 block means -> 28x28): bicubic, the
regression CNN, and the inverse problem under TV and under a VAE's prior.

Trains the regression network (SRCNN-style, on the bicubic image) and a VAE
(784-[400]-20) in one step; the inverses run 300 Adam steps per image, their
lambda picked by PSNR on 500 held-out training images. Scored by PSNR / SSIM
on all 10,000 test images. Needs MNIST.
  gentk train --config=superres_mnist --workdir=runs/superres
Variant `quick` (2,000 train / 200 test images, 30 steps).
Run time: about 20 minutes on a 2-core CPU (a third of it scoring).
Expected (seed 0; PSNR dB / SSIM): bicubic 14.63 / 0.437; regression 18.47 /
0.780; TV 14.62 / 0.500; learned prior 18.48 / 0.775.
Reference: Dong et al. 2016, "Image super-resolution using deep
convolutional networks" (SRCNN).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the regression CNN and the VAE prior."""
  model = ml_collections.ConfigDict()
  # f: 28x28 images from their 28/f x 28/f block means.
  model.factor = spec.field(4, spec.one_of(2, 4))
  # Regression CNN: hidden widths, and every layer's kernel (one more).
  model.features = spec.field((32, 16), spec.positive_ints())
  model.kernel_sizes = spec.field((5, 3, 3), spec.positive_ints())
  # The VAE prior: hidden widths and latent dimension.
  model.vae_hidden = spec.field((400,), spec.positive_ints())
  model.latent_dim = spec.field(20, spec.positive_int)
  return model


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the test images and the inverse problems."""
  group = ml_collections.ConfigDict()
  # Test images scored (0: all 10,000).
  group.num_test = spec.field(0, spec.non_negative_int)
  # Adam steps of each inverse problem, per image.
  group.num_steps = spec.field(300, spec.positive_int)
  # lambda of the TV prior, tried on the held-out images.
  group.tv_weights = spec.field((1e-4, 3e-4, 1e-3, 3e-3),
                                spec.positive_floats())
  # lambda of the learned prior (1: its MAP with unit noise), tried alike.
  group.latent_weights = spec.field((1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 0.1),
                                    spec.positive_floats())
  return group


def _constraints(config: ml_collections.ConfigDict) -> None:
  """Relations between fields (checked before anything is written)."""
  spec.held_out_of_split(config, "data.num_valid", "data.train_split")
  spec.within_split(config, "eval.num_test", "data.test_split")
  spec.constraint(
      config, ("model.kernel_sizes", "model.features"),
      lambda kernels, features: len(kernels) == len(features) + 1,
      "{0} must hold one kernel per width of {1}, then the output "
      "convolution's",
      fix=lambda kernels, features: {"model.kernel_sizes": (
          tuple(kernels[:len(features)])
          + (3,) * (len(features) - len(kernels)) + (kernels[-1],))},
      breaks=lambda kernels, features: {
          "model.kernel_sizes": tuple(kernels) + (3,)})


def _quick(config: ml_collections.ConfigDict) -> None:
  """2,000 train / 200 test images, small networks, 30 steps (in place)."""
  config.data.source = "auto"
  config.data.train_split = "train[:2000]"
  config.data.num_valid = 50
  config.eval.num_test = 200
  config.eval.num_steps = 20
  config.model.features = (8,)
  config.model.kernel_sizes = (5, 3)
  config.model.vae_hidden = (32,)
  config.model.latent_dim = 4
  config.train.num_steps = 30
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 30


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("superres_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = groups.digits_group(batch_size=64)
  # Last training images held out to pick the inverses' lambda.
  config.data.num_valid = spec.field(500, spec.positive_int)
  config.model = _model()
  # Adam, the rate cosine-decayed from 1e-3 to 1e-4.
  config.optim = groups.adam_group(lr=1e-3, b1=0.9, final_lr_fraction=0.1)
  config.eval = _eval()
  config.train = spec.train_group(
      num_steps=6_000, steps_per_call=100, log_every=500,
      checkpoint_every=5_000, keep_checkpoints=2)
  _constraints(config)
  if "quick" in args:
    _quick(config)
  return config
