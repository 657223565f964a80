r"""InfoGAN on MNIST: a 10-way categorical code and 2 continuous codes.

A DCGAN generator (gentk.models.dcgan, width 32) and a discriminator whose
body (two 4x4 stride-2 patch convolutions, 16 and 32 channels, and a dense
layer of 256, batch norm on every layer but the first, as in the paper) is
shared by the GAN head and the Q head (gentk.models.mnist_mlp); lambda = 1
for both code kinds (Q's Gaussian has a fixed std of 1). Run (CPU budget:
12,000 steps of batch 64 = 12.8 epochs, about 30 minutes on 2 shared CPU
cores):
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/infogan_mnist.py --workdir=runs/infogan_mnist
Variant `quick`: 2,000 train / 1,000 test images and 20 steps (under a minute;
seven-segment digits when $GENTK_DATA_DIR holds no MNIST).

Expected (seed 0, measured 2026-11-21/22 at ~7 steps/s on 2 shared CPU cores):
categorical-code-to-digit accuracy (best permutation, MNIST test) 68.0% after
12,000 steps, and MNIST-classifier IS 9.15 / FID 7.2 / KID 1.24 (10,000
samples vs MNIST test); runs of 3,000 and 6,000 steps: 47.1% (IS 7.92 / FID
36.0) and 57.9% (IS 8.70 / FID 13.1): the codes keep separating the digits as
training goes on; the 12,000-step run resumed to 20,000 steps
(`--config.train.num_steps=20000`, 13 more minutes): 71.8%, IS 9.27 / FID 7.0
/ KID 1.42, with a code for 0 emerging. At 12,000 steps the codes for 2, 3, 5,
6, 7, 8 and 1 are clean, one code mixes 4 and 1, one 9 and 4, one 3 and 5, and
no code holds the 0; `code_grid.png` has one row per code value. Without batch
norm in D: 45.0% after 3,000 steps. Seed 1
(`--config.seed=1`), 12,000 steps: 50.1%, IS 8.89 / FID 9.4 / KID 1.91 (0 and 1
share codes): the accuracy varies much between seeds. Reference (Chen et al. 2016, Sec. 7.1):
about 95% (5% error), with larger players and a longer budget.
"""
import ml_collections


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  if arg not in (None, "", "quick"):
    raise ValueError(f"unknown infogan_mnist variant {arg!r}: use quick.")
  config = ml_collections.ConfigDict()
  config.runner = "train"  # experiments.runners.<runner>.run(config, workdir).
  config.experiment = "infogan_mnist"  # module of gentk/recipes.
  config.seed = 0  # Root PRNG seed: init, data and noise derive from it.

  config.data = ml_collections.ConfigDict()
  config.data.batch_size = 64  # Real (and fake) examples per step.
  config.data.train_split = "train"  # TFDS split trained on.
  config.data.test_split = "test"  # TFDS split of the code accuracy.
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no data needed) or 'auto' (MNIST when present; resolved at launch and
  # recorded in config.json).
  config.data.source = "mnist"

  config.model = ml_collections.ConfigDict()
  config.model.noise_dim = 62  # Dimension of z (the paper's MNIST model).
  # 'dcgan' (gentk.models.dcgan, sub-pixel upsampling) or 'mlp'.
  config.model.generator = "dcgan"
  config.model.generator_width = 32  # DCGAN: channels 2W (7x7) -> W (14x14).
  config.model.generator_hidden = (512, 512)  # MLP generator widths (BN).
  # Shared body: 4x4 stride-2 convolutions (leaky ReLU) of these widths,
  # then dense layers of these widths.
  config.model.discriminator_conv = (16, 32)
  config.model.discriminator_hidden = (256,)
  config.model.q_hidden = 128  # Width of the Q head's hidden layer.
  # Batch norm on every D/Q layer but the first (the paper's networks).
  config.model.discriminator_batch_norm = True

  config.infogan = ml_collections.ConfigDict()
  config.infogan.num_categories = 10  # Classes of the categorical code.
  config.infogan.num_continuous = 2  # Continuous codes ~ U[-1, 1].
  config.infogan.learn_std = False  # Q's Gaussian: learned or unit std.
  config.infogan.categorical_weight = 1.0  # lambda of the categorical code.
  config.infogan.continuous_weight = 1.0  # lambda of the continuous codes.

  config.adversarial = ml_collections.ConfigDict()
  config.adversarial.disc_steps = 1  # k discriminator steps per generator step.
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = 0

  config.optim = ml_collections.ConfigDict()
  config.optim.name = "adam"  # 'adam' or 'rmsprop'.
  config.optim.lr = 2e-4  # Learning rate of D and Q (the paper's).
  config.optim.generator_lr = 1e-3  # Learning rate of G (the paper's).
  config.optim.b1 = 0.5  # Adam beta1.
  config.optim.b2 = 0.999  # Adam beta2.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 12_000  # Generator steps.
  config.train.steps_per_call = 100  # K steps fused into one compiled call.
  config.train.mode = "jit"  # 'jit', 'sharded' (device mesh) or 'pmap'.
  config.train.log_every = 500  # Steps between metric records.
  config.train.checkpoint_every = 2_000  # Steps between checkpoints.
  config.train.keep_checkpoints = 2  # Newest checkpoints kept.
  config.train.progress_bar = True  # tqdm bar with steps/s on stderr.

  config.eval = ml_collections.ConfigDict()
  config.eval.grid_columns = 10  # Samples per code value in code_grid.png.
  config.eval.num_samples = 10_000  # Samples scored by IS / FID / KID.
  config.eval.num_splits = 10  # Inception Score splits (protocol).
  config.eval.kid_subsets = 100  # KID subset pairs of up to 1,000 each.

  if arg == "quick":
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:1000]"
    config.data.source = "auto"
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 20
    config.eval.num_samples = 500
    config.eval.kid_subsets = 10
  return config
