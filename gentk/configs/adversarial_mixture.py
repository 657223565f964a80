r"""The adversarial family on the 2-D mixtures of the PacGAN protocol.

The first variant names the method: wgan, wgan_gp (default), fgan (then a
divergence: kl, reverse_kl, pearson, squared_hellinger, jensen_shannon, gan),
ebgan, began, feature_matching, minibatch, mmd, mmd_gan; then `grid` (default)
or `ring`, `seeds5` (5 seeds on the seed axis), `quick` (a few seconds).
Players, batch and scoring are gan_mixture's; 5,000 generator steps each.
  gentk train --config=adversarial_mixture:wgan_gp,ring,seeds5 \
    --workdir=runs/wgan_gp_ring
Run time (5 seeds, 2-core CPU): 1-5 minutes for the k = 1 methods, 15-25
minutes for minibatch, wgan, wgan_gp and mmd_gan.
Expected (5 seeds, median modes / high-quality % / reverse KL): wgan_gp ring
6 / 28.8% / 0.75, grid 21 / 2.3% / 0.56; mmd grid 22 / 3.0% / 0.38;
feature_matching ring 8 / 89.5% / 0.00, grid 17 / 14.9% / 0.85.
Reference (PacGAN Table 1, GAN): ring 6.3 / 98.2% / 0.45; grid 17.3 / 94.8% /
0.70.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

DATASETS = groups.MIXTURE_DATASETS
FLAGS = groups.MIXTURE_FLAGS


def _wgan(config: ml_collections.ConfigDict) -> None:
  """WGAN: clipped critic, RMSProp, n_critic = 5 (Arjovsky et al. 2017)."""
  config.adversarial.disc_steps = 5  # n_critic critic steps per G step.
  config.optim.name = "rmsprop"
  config.optim.lr = 5e-4  # The paper's 5e-5 is too slow for this budget.
  # RMSProp decay of the squared-gradient average.
  config.optim.decay = spec.field(0.99, spec.fraction)
  config.wgan = ml_collections.ConfigDict()
  # c: critic weights clipped to [-c, c] each step.
  config.wgan.clip = spec.field(0.05, spec.positive_float)


def _wgan_gp(config: ml_collections.ConfigDict) -> None:
  """WGAN-GP: lambda = 10, Adam(b1=0.5, b2=0.9), n_critic = 5."""
  config.adversarial.disc_steps = 5  # n_critic critic steps per G step.
  config.optim.b1 = 0.5  # Adam beta1.
  config.optim.b2 = 0.9  # Adam beta2.
  config.wgan_gp = ml_collections.ConfigDict()
  # lambda of the gradient penalty.
  config.wgan_gp.penalty_weight = spec.field(10.0, spec.non_negative_float)


def _fgan(config: ml_collections.ConfigDict) -> None:
  """f-GAN (Nowozin et al. 2016); the divergence is a variant, default KL."""
  config.fgan = ml_collections.ConfigDict()
  # f-divergence: a key of gentk.losses.fgan.DIVERGENCES.
  config.fgan.divergence = spec.field("kl", spec.one_of(*DIVERGENCES))
  # 'nonsaturating' (-T(G(z))) or 'saddle' (-f*(T(G(z)))).
  config.fgan.generator_cost = spec.field(
      "nonsaturating", spec.one_of("nonsaturating", "saddle"))


def _autoencoder(config: ml_collections.ConfigDict) -> None:
  """The autoencoder discriminator: encoder model.discriminator_hidden."""
  # Width of the autoencoder's code.
  config.model.code_dim = spec.field(16, spec.positive_int)
  # Decoder MLP widths.
  config.model.decoder_hidden = spec.field((128, 128), spec.positive_ints())
  # A `jax.nn` activation name.
  config.model.autoencoder_activation = spec.field(
      "relu", spec.attribute_of("jax.nn", "relu"))
  # Batch-normalise the autoencoder's hidden layers.
  config.model.autoencoder_batch_norm = spec.field(False, spec.boolean)


def _ebgan(config: ml_collections.ConfigDict) -> None:
  """EBGAN-PT (Zhao et al. 2016) with an MLP autoencoder."""
  _autoencoder(config)
  config.ebgan = ml_collections.ConfigDict()
  # m of the margin loss on the energy (MSE).
  config.ebgan.margin = spec.field(1.0, spec.positive_float)
  # lambda_PT (0: plain EBGAN).
  config.ebgan.pull_away_weight = spec.field(0.1, spec.non_negative_float)


def _began(config: ml_collections.ConfigDict) -> None:
  """BEGAN (Berthelot et al. 2017) with an MLP autoencoder.

  The code is 1-D (a curve through the modes): with a 16-wide code the
  autoencoder learns the identity on 2-D points, k_t sticks at 0 and the
  generator gets no adversarial signal. lr 1e-3 (the paper's 1e-4 is slow
  for this budget), gamma 1.
  """
  _autoencoder(config)
  config.model.code_dim = 1  # A bottleneck below the data's dimension.
  config.began = ml_collections.ConfigDict()
  # Diversity ratio E[L(G(z))] / E[L(x)].
  config.began.gamma = spec.field(1.0, spec.positive_float)
  # Gain of the k_t control.
  config.began.lambda_k = spec.field(1e-3, spec.non_negative_float)
  # k_0 of the control, in [0, 1] (with lambda_k 0, a fixed k).
  config.began.k_init = spec.field(0.0, spec.real(0, 1))


def _feature_matching(config: ml_collections.ConfigDict) -> None:
  """Feature matching (Salimans et al. 2016, Sec. 3.1) on the last hidden
  layer of the discriminator; GAN cross-entropy for the discriminator."""
  del config


def _minibatch(config: ml_collections.ConfigDict) -> None:
  """GAN with minibatch discrimination (Salimans et al. 2016, Sec. 3.2)."""
  config.minibatch = ml_collections.ConfigDict()
  # B: minibatch features o(x) in R^B.
  config.minibatch.num_kernels = spec.field(8, spec.positive_int)
  # C: dimension of each row M_{i,b}.
  config.minibatch.kernel_dim = spec.field(4, spec.positive_int)
  # GAN generator cost: 'minimax', 'nonsaturating', 'maximum_likelihood'
  # or 'boundary_seeking'.
  config.minibatch.generator_cost = groups.generator_cost()


def _mmd(config: ml_collections.ConfigDict, *, learned: bool = False) -> None:
  """MMD^2 generator loss on raw samples (GMMN, Li et al. 2015)."""
  config.mmd = ml_collections.ConfigDict()
  # RBF bandwidths of the kernel mixture: from the mode std (0.01, 0.05) to
  # the data's extent (the grid spans 8).
  config.mmd.bandwidths = spec.field((0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
                                     spec.positive_floats())
  # MMD on [x, critic features] (MMD GAN).
  config.mmd.learned = spec.field(learned, spec.boolean)
  # Critic weight clipping c when learned (0: none).
  config.mmd.clip = spec.field(0.0, spec.non_negative_float)


def _mmd_gan(config: ml_collections.ConfigDict) -> None:
  """MMD GAN (Li et al. 2017): MMD^2 on [x, f_w(x)], a clipped critic
  maximising it, n_critic = 5."""
  _mmd(config, learned=True)
  config.method = "mmd"
  config.adversarial.disc_steps = 5  # n_critic critic steps per G step.
  config.mmd.clip = 0.05


METHODS = {"wgan": _wgan, "wgan_gp": _wgan_gp, "fgan": _fgan,
           "ebgan": _ebgan, "began": _began,
           "feature_matching": _feature_matching, "minibatch": _minibatch,
           "mmd": _mmd, "mmd_gan": _mmd_gan}
# f-GAN divergence variants (gentk.losses.fgan.DIVERGENCES).
DIVERGENCES = ("kl", "reverse_kl", "pearson", "squared_hellinger",
               "jensen_shannon", "gan")
# config.method: a key of gentk.recipes.adversarial_mixture.METHODS.
RECIPE_METHODS = tuple(m for m in METHODS if m != "mmd_gan")


def _method(args) -> str:
  """The method among `args` (default wgan_gp), refusing a divergence of
  another method than fgan."""
  exclusive = (tuple(METHODS), DIVERGENCES, DATASETS)
  methods = [a for a in args if a in METHODS]
  divergences = [a for a in args if a in DIVERGENCES]
  if divergences and methods != ["fgan"]:
    raise spec.variant_error(
        __file__, f"divergence {divergences[0]} needs the method fgan",
        [n for group in exclusive for n in group] + list(FLAGS),
        example=f"fgan,{divergences[0]}")
  return methods[0] if methods else "wgan_gp"


def _quick(config: ml_collections.ConfigDict) -> None:
  """Small players and batch, 200 steps (in place)."""
  config.model.generator_hidden = (32, 32)
  config.model.discriminator_hidden = (32, 32)
  if "decoder_hidden" in config.model:
    config.model.decoder_hidden = (32,)
  config.data.batch_size = 64
  config.train.num_steps = 200


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated; one method of `METHODS` (default wgan_gp), for
  fgan one divergence of `DIVERGENCES` (default kl), then any of 'grid' /
  'ring', 'quick', 'seeds5'."""
  exclusive = (tuple(METHODS), DIVERGENCES, DATASETS)
  args = spec.variants(arg, __file__, exclusive=exclusive, flags=FLAGS)
  method = _method(args)
  divergences = [a for a in args if a in DIVERGENCES]

  # Data, models, Adam, training loop and evaluation of the GAN experiment.
  config = groups.mixture_config(
      "adversarial_mixture", [a for a in args if a in DATASETS + FLAGS])
  # The game: a key of the recipe's METHODS (the variant's name, but mmd_gan
  # is method 'mmd' with mmd.learned = True).
  config.method = spec.field("mmd" if method == "mmd_gan" else method,
                             spec.one_of(*RECIPE_METHODS))
  # 'adam' or 'rmsprop', the same for both players.
  config.optim.name = spec.field("adam", spec.one_of("adam", "rmsprop"))
  config.train.num_steps = 5_000  # Generator steps: the budget of every method.

  METHODS[method](config)
  if divergences:
    config.fgan.divergence = divergences[0]
    if divergences[0] == "reverse_kl":
      # The non-saturating cost -T = e^{-V} overflows once the critic is
      # confident (V < -88); the saddle cost -f*(T) = 1 - V is linear.
      config.fgan.generator_cost = "saddle"
  if "quick" in args:
    _quick(config)
  return config
