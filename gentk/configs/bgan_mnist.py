r"""The discrete boundary-seeking GAN on dynamically binarised MNIST.

The published setting (rdevon/BGAN, PROTOCOLS.md) but for the rates and
the centred weights (below): M = 20 binary samples per z, batch 64, z of dimension 64, Adam 1e-4
(beta1 0.5), Bernoulli-logit
generator dense 1024 -> dense 128x7x7 -> x2 up 64 -> x2 up 1 and critic
conv 64 -> conv 128 (5x5, stride 2, LeakyReLU 0.2) -> dense 1024 -> 1, no
batch norm; the GAN divergence (weights w = exp(V), self-normalised over the
M samples of each z). Training batches are binarised anew in every step (the
first 59,600 train images); samples are scored against the 10,000 test
images binarised once (key 0).
Run:
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/bgan_mnist.py --workdir=runs/bgan_mnist
Variants, comma-separated: `importance` (default: Algorithm 1's
self-normalised weights, centred: `bgan.centred`) or `reinforce` (reward
log w, leave-one-out baseline over the M samples); `quick` (tiny players, 20 steps, 2,000
images; seven-segment digits without $GENTK_DATA_DIR).

Reported at the end: MNIST-classifier IS / FID / KID of 10,000 binary
samples against the binarised test set, `mnist_classifier_min_share` (the
classifier's rarest label among the samples: >= 0.05 means no digit is
lost), the generator gradient's total variance, squared mean norm and
their ratio for the three estimators (importance, importance centred,
REINFORCE) at the final state (32 draws, same 64 codes), and `samples.png`.

The importance estimator's weights are centred (`bgan.centred`, True by
default; the published code: False): the M normalised weights of each z sum
to one, so Algorithm 1's gradient sum_m w~_m grad log g(x_m|z) carries
(1/M) sum_m grad log g(x_m|z), of mean zero but the variance of a score of
784 pixels, which stays as the weights grow uniform (ESS 18 of 20 here);
subtracting the baseline 1/M from each weight removes it and keeps the mean.
At the end of the uncentred run the centred gradient's total variance is
6.6 against 47 (relative variance 1.8 against 9.7; REINFORCE 1.7), at the
end of the centred run 1.8 against 48 (1.3 against 16; REINFORCE 1.3).

The critic sees one binary sample per z in its step (`bgan.critic_samples`
1; 0 gives the published code's M per z, a 2.4x slower step on the CPU).
The critic learns at 3e-5 (`optim.lr`), ten times slower than the generator
(`optim.generator_lr` 3e-4; the published code has 1e-4 for both): at the
published rate the critic is near-perfect within 100 steps (V +10 on data,
-6 on samples), the weights of the M samples of each z sharpen the
generator into a deterministic map z -> x, and both estimators collapse
(README: IS 1.03 / FID 946 after 1,000 steps, no digit above 5%).
Budget (CPU): 2,500 steps at 0.57-0.67 s each, about 28 minutes on this
project's 2-core machine, plus 1-2 minutes of scoring.
Expected (measured 2026-11-27, shared 2-core CPU; README's BGAN table):
IS 6.48 / FID 44.7 / KID 12.0 after 2,500 steps, the rarest digit 6.7% of
the samples (target 5% met; seed 1: 6.47 / 40.0 / 7.6, 5.4%); the critic's loss rises from 0.4 to ~1.3
(near its chance value 2 log 2 = 1.39) and the ESS of the 20 weights from
12 to 19. Uncentred (`--config.bgan.centred=False`, Algorithm 1 as
published): 5.61 / 77.8 / 16.2, rarest digit 3.0% (not met).
`reinforce`: IS 6.69 / FID 38.2 / KID 9.5, rarest digit 5.8% (target met;
seed 1: 6.44 / 50.5 / 13.8, 5.7%, 24.6 minutes with scoring alone on the CPU). At the earlier default rates (critic 1e-5 / generator 1e-4,
26.5-29 minutes, the same step cost; uncentred): 4.66 / 132 / 1.5% and
`reinforce`
5.32 / 101 / 2.4%. At the published rate
(`--config.optim.lr=1e-4 --config.optim.generator_lr=0`): collapse, as above;
`reinforce` at the published rate 1.01 / 973 after 1,500 steps.
On a GPU (one H200, 2026-11-27, `experiments/accelerator/bgan_mnist.sh`,
20,000 steps in 3.5 minutes, the earlier rates 1e-5 / 1e-4): importance
(uncentred) IS 7.03 / FID 26.9, rarest digit
5.2%; `reinforce` 7.97 / 8.39, rarest digit 8.5% (both >= 5%).
Floor: binarised training images against the binarised test set IS 9.48,
FID 1.83, KID 0.12.
"""
import ml_collections

from gentk.training import spec

ESTIMATORS = ("importance", "reinforce")
# f-divergences of gentk.losses.fgan with a log-weight (log (f*)'(g_f(v))).
DIVERGENCES = ("gan", "jensen_shannon", "kl", "reverse_kl",
               "squared_hellinger")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="importance",
                       exclusive=(ESTIMATORS,), flags=("quick",))
  estimator = next((a for a in args if a in ESTIMATORS), "importance")

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("bgan_mnist", spec.module_in("gentk.recipes"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = spec.binary_digits_group(batch_size=64)

  config.model = ml_collections.ConfigDict()
  # Dimension of z ~ N(0, I) (published 64).
  config.model.latent_dim = spec.field(64, spec.positive_int)
  # W: channels of the critic's first convolution and of the generator's
  # 14 x 14 layer (the other convolution has 2W; published 64).
  config.model.width = spec.field(64, spec.positive_int)
  # The dense hidden layer of both players (published 1024).
  config.model.hidden = spec.field(1024, spec.positive_int)

  config.bgan = ml_collections.ConfigDict()
  # 'importance' (self-normalised weights) or 'reinforce' (log w reward).
  config.bgan.estimator = spec.field(estimator, spec.one_of(*ESTIMATORS))
  # M, binary samples per z in the generator's step (published 20).
  config.bgan.num_samples = spec.field(20, spec.integer(2))
  # Binary samples per z in the critic's step (0: M, as the published code,
  # a 2.4x slower step on the CPU; 1: the CPU default).
  config.bgan.critic_samples = spec.field(1, spec.non_negative_int)
  # 'importance' only: the normalised weights less their mean 1/M (the same
  # mean gradient, 7-27 times less variance here; published code: False).
  config.bgan.centred = spec.field(
      estimator == "importance",
      spec.true_only_if("bgan.estimator", "importance"))
  # The critic's f-divergence (its bound and the weights (f*)'(T)).
  config.bgan.divergence = spec.field("gan", spec.one_of(*DIVERGENCES))

  config.adversarial = ml_collections.ConfigDict()
  # k critic steps per generator step.
  config.adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the critic alone (0: none).
  config.adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)

  # The critic's Adam (published: 1e-4, beta1 0.5, for both players; 3e-5,
  # ten times under the generator's, keeps the critic from saturating, see
  # the module docstring).
  config.optim = spec.adam_group(lr=3e-5, b1=0.5)
  # >0: the generator's own Adam rate (optim.lr is then the critic's; 0: both
  # use optim.lr).
  config.optim.generator_lr = spec.field(3e-4, spec.non_negative_float)

  config.train = spec.train_group(
      num_steps=2_500, steps_per_call=50, log_every=100,
      checkpoint_every=500, keep_checkpoints=2)

  config.eval = ml_collections.ConfigDict()
  # Binary samples scored (protocol: 10,000).
  config.eval.num_samples = spec.field(10_000, spec.integer(2))
  # Binarised test images they are compared with (0: all 10,000; FID and KID
  # compare sets of 2 or more).
  config.eval.num_test = spec.field(0, spec.Check(
      "0 (all) or an int >= 2", lambda v, _: spec.non_negative_int.accepts(
          v, _) and v != 1))
  # Inception Score splits.
  config.eval.num_splits = spec.field(10, spec.positive_int)
  # KID subset pairs of up to 1,000 each.
  config.eval.kid_subsets = spec.field(100, spec.positive_int)
  # Draws of each estimator's gradient at the final state (its variance).
  config.eval.gradient_draws = spec.field(32, spec.integer(2))

  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  spec.binary_digits_constraints(config)
  spec.at_most(config, "eval.num_splits", "eval.num_samples",
               "each Inception Score split needs samples")

  if "quick" in args:
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
  return config
