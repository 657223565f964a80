r"""InfoGAN on MNIST: a 10-way categorical code and 2 continuous codes.

MLP players (gentk.models.mnist_mlp): the discriminator's body is shared by
the GAN head and the Q head; lambda = 1 for both code kinds (Q's Gaussian has
a fixed std of 1). Run (CPU budget: 6,000 steps, about 8 minutes on 2 shared
CPU cores):
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/infogan_mnist.py --workdir=runs/infogan_mnist
Variant `quick`: 2,000 train / 1,000 test images and 20 steps (a few seconds;
TFDS mock data when $GENTK_DATA_DIR is unset).

Expected: categorical-code-to-digit accuracy (best permutation, MNIST test)
see the README's MNIST table (measured 2026-11-22); `code_grid.png` has one
row per code value. Reference (Chen et al. 2016, Sec. 7.1): about 95%
(5% error), with convolutional players and a longer budget.
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
  config.data.mock_examples = 0  # >0: TFDS mock data when no data folder.

  config.model = ml_collections.ConfigDict()
  config.model.noise_dim = 62  # Dimension of z (the paper's MNIST model).
  config.model.generator_hidden = (512, 512)  # Generator widths (batch norm).
  config.model.discriminator_hidden = (512, 256)  # Shared body widths.
  config.model.q_hidden = 128  # Width of the Q head's hidden layer.

  config.infogan = ml_collections.ConfigDict()
  config.infogan.num_categories = 10  # Classes of the categorical code.
  config.infogan.num_continuous = 2  # Continuous codes ~ U[-1, 1].
  config.infogan.learn_std = False  # Q's Gaussian: learned or unit std.
  config.infogan.categorical_weight = 1.0  # lambda of the categorical code.
  config.infogan.continuous_weight = 1.0  # lambda of the continuous codes.

  config.optim = ml_collections.ConfigDict()
  config.optim.generator_lr = 1e-3  # Adam learning rate of G (the paper's).
  config.optim.discriminator_lr = 2e-4  # Adam learning rate of D and Q.
  config.optim.b1 = 0.5  # Adam beta1.
  config.optim.b2 = 0.999  # Adam beta2.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 6_000  # Generator steps.
  config.train.steps_per_call = 100  # K steps fused into one compiled call.
  config.train.mode = "jit"  # 'jit', 'sharded' (device mesh) or 'pmap'.
  config.train.log_every = 500  # Steps between metric records.
  config.train.checkpoint_every = 2_000  # Steps between checkpoints.
  config.train.keep_checkpoints = 2  # Newest checkpoints kept.
  config.train.progress_bar = True  # tqdm bar with steps/s on stderr.

  config.eval = ml_collections.ConfigDict()
  config.eval.grid_columns = 10  # Samples per code value in code_grid.png.

  if arg == "quick":
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:1000]"
    config.data.mock_examples = 64
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 20
  return config
