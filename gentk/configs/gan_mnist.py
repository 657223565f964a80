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
does the convolutional autoencoder `model.autoencoder='conv'` at lr 2e-4).
BEGAN probes 2026-11-27 (IS / FID / rarest digit): lambda_k 1e-2 with gamma 1
1.5 / 824 / 0.1% (mostly 1s, the cheapest digit to reconstruct in L1), gamma
2 3.9 / 364 / 1.8%, gamma 3 diverged (k_t -> 1); 10,000 steps: gamma 2
5.0 / 194 / 1.2%, gamma 1.5 4.6 / 221 / 1.4% (no collapse to 1s; the loop
digits 0 and 6 stay under 5%); 50,000 steps on one H200 (began_mnist.sh):
gamma 2 4.9 / 212 / 1.1%, gamma 1.5 4.4 / 236 / 1.3%, conv autoencoder gamma
1.5 5.7 / 180 / 2.9%: settled, not converging further. Why (README): the
autoencoder penalises generated mass only where it exceeds 1/k_t times the
data's, k_t ends at 0.2-0.4 in these runs, and no term moves mass toward a
digit under its share; a large fixed k (`began.lambda_k=0`, `began.k_init`)
makes the autoencoder's objective unbounded (k 0.5: collapse, IS 1.15).
"""
import ml_collections

from gentk.training import spec

METHODS = ("gan", "wgan", "wgan_gp", "ebgan", "began")
PLAYERS = ("dcgan", "mlp")
VARIANTS = METHODS + PLAYERS + ("quick",)
# The generator costs of gentk.losses.adversarial.GENERATOR_LOSSES.
GENERATOR_COSTS = ("minimax", "nonsaturating", "maximum_likelihood",
                   "boundary_seeking")
SPLIT = spec.tfds_split("train", "test")  # MNIST's splits.
ACTIVATION = spec.attribute_of("jax.nn", "relu")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="gan",
                       exclusive=(METHODS, PLAYERS), flags=("quick",))
  method = next((a for a in args if a in METHODS), "gan")
  mlp = "mlp" in args or ("quick" in args and "dcgan" not in args)

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("gan_mnist", spec.module_in("gentk.recipes"))
  # The game: one of METHODS.
  config.method = spec.field(method, spec.one_of(*METHODS))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  # S runs on the seed axis.
  config.num_seeds = spec.field(1, spec.positive_int)

  config.data = ml_collections.ConfigDict()
  # 'mnist', 'segments' (seven-segment digits, no files) or 'auto' (MNIST
  # when $GENTK_DATA_DIR holds it, else segments).
  config.data.source = spec.field("mnist",
                                  spec.one_of("mnist", "segments", "auto"))
  # TFDS split the batches are drawn from.
  config.data.train_split = spec.field("train", SPLIT)
  # Keep the first N images of it (0: all).
  config.data.num_train = spec.field(0, spec.non_negative_int)
  # Real (and fake) examples per step.
  config.data.batch_size = spec.field(64, spec.positive_int)

  config.model = ml_collections.ConfigDict()
  # 'dcgan' or 'mlp'.
  config.model.name = spec.field("mlp" if mlp else "dcgan",
                                 spec.one_of("dcgan", "mlp"))
  # Dimension of z ~ N(0, I).
  config.model.latent_dim = spec.field(64, spec.positive_int)
  # DCGAN: W (generator 2W -> W -> 1, critic W -> 2W).
  config.model.width = spec.field(32, spec.positive_int)
  # DCGAN: batch norm running-average decay.
  config.model.bn_momentum = spec.field(0.9, spec.fraction)
  # MLP generator (BN).
  config.model.generator_hidden = spec.field((256, 512, 1024),
                                             spec.positive_ints())
  # MLP discriminator widths (also the autoencoder's encoder).
  config.model.discriminator_hidden = spec.field((512, 256),
                                                 spec.positive_ints())
  # EBGAN / BEGAN: the autoencoder's code width.
  config.model.code_dim = spec.field(64, spec.positive_int)
  # EBGAN / BEGAN: decoder widths.
  config.model.decoder_hidden = spec.field((256, 512), spec.positive_ints())
  # EBGAN / BEGAN: the autoencoder's activation (a `jax.nn` name).
  config.model.autoencoder_activation = spec.field("relu", ACTIVATION)
  # EBGAN / BEGAN: 'mlp' (on the flattened image) or 'conv' (width W).
  config.model.autoencoder = spec.field("mlp", spec.one_of("mlp", "conv"))
  # EBGAN / BEGAN, 'mlp': batch-normalise the autoencoder's hidden layers.
  config.model.autoencoder_batch_norm = spec.field(False, spec.boolean)

  config.adversarial = ml_collections.ConfigDict()
  # k discriminator steps per G step.
  config.adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)

  config.optim = ml_collections.ConfigDict()
  # 'adam' or 'rmsprop', both players.
  config.optim.name = spec.field("adam", spec.one_of("adam", "rmsprop"))
  # Learning rate (DCGAN paper).
  config.optim.lr = spec.field(2e-4, spec.positive_float)
  # >0: the generator's own learning rate.
  config.optim.generator_lr = spec.field(0.0, spec.non_negative_float)
  config.optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1 (DCGAN paper).
  config.optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  # RMSProp decay of the squared-gradient average.
  config.optim.decay = spec.field(0.99, spec.fraction)

  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating', 'maximum_likelihood' or 'boundary_seeking'.
  config.gan.generator_cost = spec.field("nonsaturating",
                                         spec.one_of(*GENERATOR_COSTS))
  config.wgan = ml_collections.ConfigDict()
  # c: critic weights clipped to [-c, c] (paper).
  config.wgan.clip = spec.field(0.01, spec.positive_float)
  config.wgan_gp = ml_collections.ConfigDict()
  # lambda of the gradient penalty.
  config.wgan_gp.penalty_weight = spec.field(10.0, spec.non_negative_float)
  config.ebgan = ml_collections.ConfigDict()
  # m on the energy (per-pixel squared error).
  config.ebgan.margin = spec.field(0.1, spec.positive_float)
  # lambda_PT (0: plain EBGAN).
  config.ebgan.pull_away_weight = spec.field(0.1, spec.non_negative_float)
  config.began = ml_collections.ConfigDict()
  # Diversity ratio E[L(G(z))] / E[L(x)].
  config.began.gamma = spec.field(0.5, spec.positive_float)
  # Gain of the k_t control.
  config.began.lambda_k = spec.field(1e-3, spec.non_negative_float)
  # k_0 of the control, in [0, 1] (with lambda_k 0, a fixed k).
  config.began.k_init = spec.field(0.0, spec.real(0, 1))

  config.train = spec.train_group(
      num_steps=3_000, steps_per_call=100, log_every=100,
      checkpoint_every=1_000, keep_checkpoints=3)

  config.eval = ml_collections.ConfigDict()
  # Generated images scored (protocol).
  config.eval.num_samples = spec.field(10_000, spec.integer(2))
  # Real images FID / KID compare with.
  config.eval.reference_split = spec.field("test", SPLIT)
  # How many of them (protocol: all).
  config.eval.num_reference = spec.field(10_000, spec.integer(2))
  # Inception Score splits (protocol).
  config.eval.num_splits = spec.field(10, spec.positive_int)
  # KID subset pairs of up to 1,000 each.
  config.eval.kid_subsets = spec.field(100, spec.positive_int)

  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  spec.within_split(config, "data.num_train", "data.train_split")
  spec.within_split(config, "eval.num_reference", "eval.reference_split",
                    zero_means_all=False)
  spec.at_most(config, "eval.num_splits", "eval.num_samples",
               "each Inception Score split needs samples")

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
