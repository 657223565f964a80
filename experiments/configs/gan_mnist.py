r"""DCGAN (default) or an MLP GAN on MNIST, scored by MNIST-classifier IS/FID/KID.

Needs MNIST: `export GENTK_DATA_DIR=../shared/data` (or a TFDS download).
Run (DCGAN, the default):
  python -m experiments.main --config=experiments/configs/gan_mnist.py \
    --workdir=runs/dcgan_mnist
Variants: `:dcgan` (default), `:mlp` (the fully connected GAN), `:quick` (a
tiny MLP GAN for 20 steps, ~10 s: reads MNIST when $GENTK_DATA_DIR holds
it, else makes seven-segment digits; the DCGAN step alone takes ~15 s of CPU
to compile, so `:dcgan,quick` is the tiny DCGAN).

Budget: a fixed number of generator steps (`train.num_steps`) at batch 64,
chosen to take about 10 minutes on this project's shared 2-core CPU:
DCGAN 3,000 steps, MLP GAN 10,000 steps. At the end the run evaluates
10,000 samples against the 10,000 MNIST test images with the shipped MNIST
classifier (IS over 10 splits; FID and KID on its 128-d penultimate
features; not comparable with Inception-network numbers) and writes
`samples.png` (100 samples) in the workdir.

Expected (measured 2026-11-21, see /README.md): MNIST test images score
IS ~9.9, FID ~0; DCGAN after its budget IS > 8, FID < 5; the MLP GAN is
worse on both.
"""
import ml_collections

VARIANTS = ("dcgan", "mlp", "quick")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated of {'dcgan', 'mlp', 'quick'}."""
  args = set((arg or "dcgan").split(","))
  unknown = args - set(VARIANTS)
  if unknown:
    raise ValueError(f"unknown gan_mnist variant(s) {sorted(unknown)}: use "
                     f"{', '.join(VARIANTS)}.")
  mlp = "mlp" in args or ("quick" in args and "dcgan" not in args)
  if {"mlp", "dcgan"} <= args:
    raise ValueError("gan_mnist variants 'mlp' and 'dcgan' exclude each other.")
  config = ml_collections.ConfigDict()
  config.runner = "train"  # experiments.runners.<runner>.run(config, workdir).
  config.experiment = "gan_mnist"  # module of gentk/recipes.
  config.seed = 0  # Root PRNG seed: init, data and noise derive from it.
  config.num_seeds = 1  # S runs on the seed axis.

  config.data = ml_collections.ConfigDict()
  # 'mnist', 'segments' (seven-segment digits, no files) or 'auto' (MNIST
  # when $GENTK_DATA_DIR holds it, else segments).
  config.data.source = "mnist"
  config.data.train_split = "train"  # TFDS split the batches are drawn from.
  config.data.batch_size = 64  # Real (and fake) examples per step.

  config.model = ml_collections.ConfigDict()
  config.model.name = "mlp" if mlp else "dcgan"  # 'dcgan' or 'mlp'.
  config.model.latent_dim = 64  # Dimension of z ~ N(0, I).
  config.model.width = 32  # DCGAN: W (generator 2W -> W -> 1, critic W -> 2W).
  config.model.bn_momentum = 0.9  # DCGAN: batch norm running-average decay.
  config.model.generator_hidden = (256, 512)  # MLP generator widths.
  config.model.discriminator_hidden = (512, 256)  # MLP discriminator widths.

  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating' or 'maximum_likelihood'.
  config.gan.generator_cost = "nonsaturating"
  config.gan.disc_steps = 1  # k discriminator steps per generator step.

  config.optim = ml_collections.ConfigDict()
  config.optim.lr = 2e-4  # Adam learning rate, both players (DCGAN paper).
  config.optim.b1 = 0.5  # Adam beta1 (DCGAN paper).
  config.optim.b2 = 0.999  # Adam beta2.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 10_000 if mlp else 3_000  # Generator steps.
  config.train.steps_per_call = 100  # K steps fused into one compiled call.
  config.train.mode = "jit"  # 'jit', 'sharded' (device mesh) or 'pmap'.
  config.train.log_every = 100  # Steps between metric records.
  config.train.checkpoint_every = 1_000  # Steps between checkpoints.
  config.train.keep_checkpoints = 3  # Newest checkpoints kept.
  config.train.progress_bar = True  # tqdm bar with steps/s on stderr.

  config.eval = ml_collections.ConfigDict()
  config.eval.num_samples = 10_000  # Generated images scored (protocol).
  config.eval.reference_split = "test"  # Real images FID / KID compare with.
  config.eval.num_reference = 10_000  # How many of them (protocol: all).
  config.eval.num_splits = 10  # Inception Score splits (protocol).
  config.eval.kid_subsets = 100  # KID subset pairs of up to 1,000 each.

  if "quick" in args:
    config.data.source = "auto"
    config.data.batch_size = 16
    config.model.width = 8
    config.model.generator_hidden = (32,)
    config.model.discriminator_hidden = (32,)
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 10
    config.eval.num_samples = 500
    config.eval.num_reference = 500
    config.eval.kid_subsets = 10
  return config
