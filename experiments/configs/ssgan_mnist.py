r"""Semi-supervised GAN on MNIST with 100 labels (10 per class).

The discriminator is a (K+1)-class MLP classifier with Gaussian noise on every
layer (the fake class's logit fixed at 0), the generator an MLP trained by
feature matching on the discriminator's last hidden layer (Salimans et al.
2016, Sec. 5, without weight normalisation). The 100 labelled images are drawn
from MNIST train by `data.label_seed`; all 60,000 train images serve as
unlabelled data. Run (CPU budget: 6,000 steps = 10 epochs, about 15 minutes
on 2 shared CPU cores):
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/ssgan_mnist.py --workdir=runs/ssgan_mnist
Variant `quick`: 2,000 train / 1,000 test images and 20 steps (under a minute;
seven-segment digits when $GENTK_DATA_DIR holds no MNIST).

Expected: 96.3% MNIST test accuracy (3.7% error; seed 0, measured 2026-11-21,
15.5 minutes at 6.5 steps/s on 2 shared CPU cores). Reference (Salimans et al.
2016, Table 1): 0.93% +- 0.07% test error with 100 labels, after 300 epochs
with weight normalisation.
"""
import ml_collections


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  if arg not in (None, "", "quick"):
    raise ValueError(f"unknown ssgan_mnist variant {arg!r}: use quick.")
  config = ml_collections.ConfigDict()
  config.runner = "train"  # experiments.runners.<runner>.run(config, workdir).
  config.experiment = "ssgan_mnist"  # module of gentk/recipes.
  config.seed = 0  # Root PRNG seed: init, data and noise derive from it.

  config.data = ml_collections.ConfigDict()
  config.data.batch_size = 100  # Unlabelled (and generated) examples per step.
  config.data.train_split = "train"  # Labelled and unlabelled data.
  config.data.test_split = "test"  # Split of the reported accuracy.
  config.data.labels_per_class = 10  # Labelled examples per digit.
  config.data.label_seed = 0  # PRNG seed that picks the labelled examples.
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no data needed) or 'auto' (MNIST when present; resolved at launch and
  # recorded in config.json).
  config.data.source = "mnist"

  config.model = ml_collections.ConfigDict()
  config.model.latent_dim = 100  # Dimension of z.
  config.model.generator_hidden = (500, 500)  # Generator widths (batch norm).
  config.model.generator_activation = "softplus"  # Generator nonlinearity.
  # Discriminator widths; the last is the feature-matching layer.
  config.model.discriminator_hidden = (1000, 500, 250, 250, 250)
  config.model.input_noise = 0.3  # Std of the noise on the input.
  config.model.hidden_noise = 0.5  # Std of the noise on hidden layers.

  config.ssgan = ml_collections.ConfigDict()
  config.ssgan.labelled_batch_size = 100  # Labelled examples per D step.
  config.ssgan.unsupervised_weight = 0.5  # w of the unsupervised terms.

  config.adversarial = ml_collections.ConfigDict()
  config.adversarial.disc_steps = 1  # k discriminator steps per generator step.
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = 0

  config.optim = ml_collections.ConfigDict()
  config.optim.name = "adam"  # 'adam' or 'rmsprop'.
  config.optim.lr = 1e-3  # Adam learning rate, both players.
  config.optim.b1 = 0.5  # Adam beta1.
  config.optim.b2 = 0.999  # Adam beta2.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 6_000  # Generator (= discriminator) steps.
  config.train.steps_per_call = 100  # K steps fused into one compiled call.
  config.train.mode = "jit"  # 'jit', 'sharded' (device mesh) or 'pmap'.
  config.train.log_every = 500  # Steps between metric records.
  config.train.checkpoint_every = 2_000  # Steps between checkpoints.
  config.train.keep_checkpoints = 2  # Newest checkpoints kept.
  config.train.progress_bar = True  # tqdm bar with steps/s on stderr.

  if arg == "quick":
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:1000]"
    config.data.labels_per_class = 2
    config.data.source = "auto"
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 20
  return config
