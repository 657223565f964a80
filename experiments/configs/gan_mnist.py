r"""Adversarial methods on MNIST (DCGAN by default), scored by the
MNIST-classifier IS / FID / KID.

Needs MNIST: `export GENTK_DATA_DIR=../shared/data` (or a TFDS download).
Run (DCGAN, the default):
  python -m experiments.main --config=experiments/configs/gan_mnist.py \
    --workdir=runs/dcgan_mnist
Variants, comma-separated: a method, `gan` (default), `wgan`, `wgan_gp`,
`ebgan` or `began`; players `dcgan` (default: conv generator with batch norm;
conv critic, with batch norm for `gan` only) or `mlp` (fully connected);
`quick` (a tiny MLP GAN for 20 steps, ~10 s: reads MNIST when
$GENTK_DATA_DIR holds it, else makes seven-segment digits; the DCGAN step
alone takes ~15 s of CPU to compile, so `dcgan,quick` is the tiny DCGAN).
E.g. `--config=experiments/configs/gan_mnist.py:wgan_gp` or `:mlp`.
EBGAN and BEGAN use an MLP autoencoder on the flattened image as their
discriminator with either generator.

Budget: a fixed number of generator steps (`train.num_steps`, batch 64) of
about 5-20 minutes each on this project's shared 2-core CPU: GAN with DCGAN
players 3,000 steps, MLP GAN 10,000, WGAN and WGAN-GP (5 critic steps per
generator step) 1,000, EBGAN and BEGAN 3,000. At the end the run scores
10,000 samples against the 10,000 MNIST test images with the shipped MNIST
classifier (IS over 10 splits; FID and KID on its 128-d penultimate
features; not comparable with Inception-network numbers) and writes
`samples.png` (100 samples) in the workdir.

Expected (measured 2026-11-21, one seed, shared 2-core CPU; IS / FID / KID):
10,000 MNIST train images score 9.75 / 2.1 / 0.19 (the real-data floor);
uniform noise FID ~1,340. GAN-DCGAN 6.9 / 90 / 20 (11 min; generator
learning rate 1e-3, discriminator 2e-4: with 2e-4 for both, the DCGAN
paper's, 5.6 / 171 / 33); MLP GAN 5.6 / 208 / 48 (7 min; with a 256-512
generator without batch norm it collapsed to the digit 1); WGAN-GP
4.8 / 231 / 50 (~12 min); WGAN 4.6 / 253 / 55 (~6 min); EBGAN-PT
4.8 / 206 / 36 (~4 min); BEGAN 1.2 / 837 / 107 (6 min; collapsed to
blurred strokes: with ReLU the L1 autoencoder never learns, L(x) stays at
the mean pixel 0.125; with ELU it learns, but 3,000 steps leave k_t < 0.03;
lr 5e-4 or lambda_k 1e-2 and gamma 0.7 collapse to the digit 1, and so
does the convolutional autoencoder `model.autoencoder='conv'` at lr 2e-4). Short
budgets: these are far from converged.
"""
import ml_collections

METHODS = ("gan", "wgan", "wgan_gp", "ebgan", "began")
VARIANTS = METHODS + ("dcgan", "mlp", "quick")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = set((arg or "gan").split(","))
  unknown = args - set(VARIANTS)
  if unknown:
    raise ValueError(f"unknown gan_mnist variant(s) {sorted(unknown)}: use "
                     f"{', '.join(VARIANTS)}.")
  methods = args & set(METHODS)
  if len(methods) > 1 or {"mlp", "dcgan"} <= args:
    raise ValueError(f"gan_mnist takes one method of {METHODS} and one of "
                     f"'dcgan' / 'mlp', got {sorted(args)}.")
  method = methods.pop() if methods else "gan"
  mlp = "mlp" in args or ("quick" in args and "dcgan" not in args)

  config = ml_collections.ConfigDict()
  config.runner = "train"  # experiments.runners.<runner>.run(config, workdir).
  config.experiment = "gan_mnist"  # module of gentk/recipes.
  config.method = method  # The game: one of METHODS.
  config.seed = 0  # Root PRNG seed: init, data and noise derive from it.
  config.num_seeds = 1  # S runs on the seed axis.

  config.data = ml_collections.ConfigDict()
  # 'mnist', 'segments' (seven-segment digits, no files) or 'auto' (MNIST
  # when $GENTK_DATA_DIR holds it, else segments).
  config.data.source = "mnist"
  config.data.train_split = "train"  # TFDS split the batches are drawn from.
  config.data.num_train = 0  # Keep the first N images of it (0: all).
  config.data.batch_size = 64  # Real (and fake) examples per step.

  config.model = ml_collections.ConfigDict()
  config.model.name = "mlp" if mlp else "dcgan"  # 'dcgan' or 'mlp'.
  config.model.latent_dim = 64  # Dimension of z ~ N(0, I).
  config.model.width = 32  # DCGAN: W (generator 2W -> W -> 1, critic W -> 2W).
  config.model.bn_momentum = 0.9  # DCGAN: batch norm running-average decay.
  config.model.generator_hidden = (256, 512, 1024)  # MLP generator (BN).
  # MLP discriminator widths (also the autoencoder's encoder).
  config.model.discriminator_hidden = (512, 256)
  config.model.code_dim = 64  # EBGAN / BEGAN: the autoencoder's code width.
  config.model.decoder_hidden = (256, 512)  # EBGAN / BEGAN: decoder widths.
  # EBGAN / BEGAN: the autoencoder's activation (a `jax.nn` name).
  config.model.autoencoder_activation = "relu"
  # EBGAN / BEGAN: 'mlp' (on the flattened image) or 'conv' (width W).
  config.model.autoencoder = "mlp"

  config.adversarial = ml_collections.ConfigDict()
  config.adversarial.disc_steps = 1  # k discriminator steps per G step.
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = 0

  config.optim = ml_collections.ConfigDict()
  config.optim.name = "adam"  # 'adam' or 'rmsprop', both players.
  config.optim.lr = 2e-4  # Learning rate (DCGAN paper).
  config.optim.generator_lr = 0.0  # >0: the generator's own learning rate.
  config.optim.b1 = 0.5  # Adam beta1 (DCGAN paper).
  config.optim.b2 = 0.999  # Adam beta2.
  config.optim.decay = 0.99  # RMSProp decay of the squared-gradient average.

  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating' or 'maximum_likelihood'.
  config.gan.generator_cost = "nonsaturating"
  config.wgan = ml_collections.ConfigDict()
  config.wgan.clip = 0.01  # c: critic weights clipped to [-c, c] (paper).
  config.wgan_gp = ml_collections.ConfigDict()
  config.wgan_gp.penalty_weight = 10.0  # lambda of the gradient penalty.
  config.ebgan = ml_collections.ConfigDict()
  config.ebgan.margin = 0.1  # m on the energy (per-pixel squared error).
  config.ebgan.pull_away_weight = 0.1  # lambda_PT (0: plain EBGAN).
  config.began = ml_collections.ConfigDict()
  config.began.gamma = 0.5  # Diversity ratio E[L(G(z))] / E[L(x)].
  config.began.lambda_k = 1e-3  # Gain of the k_t control.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 3_000  # Generator steps (the budget).
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

  if method in ("wgan", "wgan_gp"):
    config.adversarial.disc_steps = 5  # n_critic (both papers).
    config.train.num_steps = 1_000
  if method == "wgan":
    config.optim.name = "rmsprop"  # The WGAN paper's optimizer ...
    config.optim.lr = 2e-4  # ... at 4x its 5e-5, for this short budget.
  if method == "wgan_gp":
    config.optim.lr = 1e-4  # Adam(1e-4, 0, 0.9), the WGAN-GP paper's.
    config.optim.b1 = 0.0
    config.optim.b2 = 0.9
  if method == "began":
    # ELU as in the BEGAN paper: with ReLU the L1 autoencoder sticks at
    # reconstructing every image as blank (L(x) ~ 0.125, the mean pixel).
    config.model.autoencoder_activation = "elu"
    config.optim.lr = 1e-4  # The BEGAN paper's Adam learning rate.
  if mlp and method == "gan":
    config.train.num_steps = 10_000
  if not mlp and method == "gan":
    # Two time scales (InfoGAN's rates): faster in this budget than 2e-4.
    config.optim.generator_lr = 1e-3

  if "quick" in args:
    config.data.source = "auto"
    config.data.num_train = 2_000
    config.data.batch_size = 16
    config.model.width = 8
    config.model.generator_hidden = (32,)
    config.model.discriminator_hidden = (32,)
    config.model.code_dim = 8
    config.model.decoder_hidden = (32,)
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 10
    config.eval.num_samples = 500
    config.eval.num_reference = 500
    config.eval.kid_subsets = 10
  return config
