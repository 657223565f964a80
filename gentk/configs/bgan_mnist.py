"""The discrete boundary-seeking GAN on dynamically binarised MNIST.

The published setting (rdevon/BGAN): M = 20 binary samples per z, batch 64,
the GAN divergence with self-normalised weights w = exp(V); here the weights
are centred (`bgan.centred`) and the critic learns at 3e-5, the generator at
3e-4 (published: 1e-4 both, at which the critic wins and the generator
collapses). Scored by the MNIST-classifier IS / FID / KID of 10,000 samples
and the rarest digit's share (>= 5%: no digit lost). Needs MNIST.
  gentk train --config=bgan_mnist --workdir=runs/bgan_mnist
Variants: `importance` (default) or `reinforce`; `quick` (20 steps).
Run time: 2,500 steps, about 28 minutes on a 2-core CPU plus 1-2 minutes of
scoring; one H200: 20,000 steps in 3.5 minutes.
Expected (IS / FID / KID, rarest digit): 6.48 / 44.7 / 12.0, 6.7%;
`reinforce` 6.69 / 38.2 / 9.5, 5.8%. Floor (binarised train against test
images): 9.48 / 1.83 / 0.12.
Reference: Hjelm et al. 2018, "Boundary-Seeking GANs", Algorithm 1.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

ESTIMATORS = ("importance", "reinforce")
# f-divergences of gentk.losses.fgan with a log-weight (log (f*)'(g_f(v))).
DIVERGENCES = ("gan", "jensen_shannon", "kl", "reverse_kl",
               "squared_hellinger")


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the convolutional players."""
  model = ml_collections.ConfigDict()
  # Dimension of z ~ N(0, I) (published 64).
  model.latent_dim = spec.field(64, spec.positive_int)
  # W: channels of the critic's first convolution and of the generator's
  # 14 x 14 layer (the other convolution has 2W; published 64).
  model.width = spec.field(64, spec.positive_int)
  # The dense hidden layer of both players (published 1024).
  model.hidden = spec.field(1024, spec.positive_int)
  return model


def _bgan(estimator: str) -> ml_collections.ConfigDict:
  """The `config.bgan` group: the estimator of the generator's gradient."""
  bgan = ml_collections.ConfigDict()
  # 'importance' (self-normalised weights) or 'reinforce' (log w reward).
  bgan.estimator = spec.field(estimator, spec.one_of(*ESTIMATORS))
  # M, binary samples per z in the generator's step (published 20).
  bgan.num_samples = spec.field(20, spec.integer(2))
  # Binary samples per z in the critic's step (0: M, as the published code,
  # a 2.4x slower step on the CPU; 1: the CPU default).
  bgan.critic_samples = spec.field(1, spec.non_negative_int)
  # 'importance' only: the normalised weights less their mean 1/M (the same
  # mean gradient, 7-27 times less variance here; published code: False).
  bgan.centred = spec.field(
      estimator == "importance",
      spec.true_only_if("bgan.estimator", "importance"))
  # The critic's f-divergence (its bound and the weights (f*)'(T)).
  bgan.divergence = spec.field("gan", spec.one_of(*DIVERGENCES))
  return bgan


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: IS / FID / KID and the gradients' variance."""
  group = ml_collections.ConfigDict()
  # Binary samples scored (protocol: 10,000).
  group.num_samples = spec.field(10_000, spec.integer(2))
  # Binarised test images they are compared with (0: all 10,000; FID and KID
  # compare sets of 2 or more).
  group.num_test = spec.field(0, spec.Check(
      "0 (all) or an int >= 2", lambda v, _: spec.non_negative_int.accepts(
          v, _) and v != 1))
  # Inception Score splits.
  group.num_splits = spec.field(10, spec.positive_int)
  # KID subset pairs of up to 1,000 each.
  group.kid_subsets = spec.field(100, spec.positive_int)
  # Draws of each estimator's gradient at the final state (its variance).
  group.gradient_draws = spec.field(32, spec.integer(2))
  return group


def _quick(config: ml_collections.ConfigDict) -> None:
  """Small players on 2,000 images, 20 steps (in place)."""
  config.data.source = "auto"
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:500]"
  config.data.num_valid = 100
  config.data.batch_size = 16
  config.model.width = 4
  config.model.hidden = 32
  config.model.latent_dim = 8
  config.bgan.num_samples = 4
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10
  config.eval.num_samples = 500
  config.eval.kid_subsets = 10
  config.eval.gradient_draws = 4


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="importance",
                       exclusive=(ESTIMATORS,), flags=("quick",))
  estimator = next((a for a in args if a in ESTIMATORS), "importance")

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("bgan_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = groups.binary_digits_group(batch_size=64)
  config.model = _model()
  config.bgan = _bgan(estimator)

  config.adversarial = ml_collections.ConfigDict()
  # k critic steps per generator step.
  config.adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the critic alone (0: none).
  config.adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)

  # The critic's Adam (published: 1e-4, beta1 0.5, for both players; 3e-5,
  # ten times under the generator's, keeps the critic from saturating, see
  # the module docstring).
  config.optim = groups.adam_group(lr=3e-5, b1=0.5)
  # >0: the generator's own Adam rate (optim.lr is then the critic's; 0: both
  # use optim.lr).
  config.optim.generator_lr = spec.field(3e-4, spec.non_negative_float)

  config.train = spec.train_group(
      num_steps=2_500, steps_per_call=50, log_every=100,
      checkpoint_every=500, keep_checkpoints=2)
  config.eval = _eval()

  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  groups.binary_digits_constraints(config)
  spec.at_most(config, "eval.num_splits", "eval.num_samples",
               "each Inception Score split needs samples")
  if "quick" in args:
    _quick(config)
  return config
