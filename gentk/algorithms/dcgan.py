r"""DCGAN: the GAN game with convolutional, batch-normalised players.

The objectives are those of `gentk.algorithms.gan` (discriminator cross-entropy
and a choice of generator cost); the players are `gentk.models.dcgan`'s. Batch
normalisation is handled by the adversarial core (see
`gentk.algorithms.adversarial`): both players' running averages live in
`TrainState.collections`, the discriminator sees real and generated
batches in separate train-mode passes, and `sample` runs the generator in eval
mode on its running averages.

References:
  Radford et al. 2016, "Unsupervised Representation Learning with Deep
    Convolutional Generative Adversarial Networks",
    https://arxiv.org/abs/1511.06434
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
"""
from gentk.algorithms import gan
from gentk.models import dcgan as dcgan_models
from gentk.types import Algorithm


def make_dcgan(*, latent_dim: int, width: int = 64, channels: int = 1,
               momentum: float = 0.9, generator_cost: str = "nonsaturating",
               impl: str = "auto", dtype=None, upsample: str = "subpixel",
               **schedule) -> Algorithm:
  """DCGAN on `[28, 28, channels]` images with z ~ N(0, I_latent_dim).

  Args:
    latent_dim: dimension of z.
    width: W of `DCGANGenerator` and `DCGANDiscriminator`.
    channels: image channels (1 for MNIST, 3 for Stacked MNIST).
    momentum: batch normalisation's running-average decay.
    generator_cost: 'minimax', 'nonsaturating' or 'maximum_likelihood'.
    impl: the convolutions' implementation (`gentk.models.conv`).
    dtype: the players' computation dtype (None: float32; bfloat16 keeps
      parameters, batch statistics and outputs in float32).
    upsample: the generator's x2 layers, 'subpixel' or 'transposed'
      (`DCGANGenerator`).
    **schedule: `generator_optimizer`, `discriminator_optimizer` (the paper:
      Adam, learning rate 2e-4, beta1 0.5) and optionally `disc_steps`,
      `pretrain_steps`, `axis_name` (the `pmap` axis: batch statistics over
      the global batch); see `make_adversarial`.
  Returns:
    the `Algorithm` of `gentk.algorithms.gan.make_gan` with DCGAN players; its
    state keeps both players' `batch_stats`.
  """
  axis_name = schedule.get("axis_name")
  return gan.make_gan(
      dcgan_models.DCGANGenerator(width, channels, momentum, axis_name,
                                  impl=impl, dtype=dtype, upsample=upsample),
      dcgan_models.DCGANDiscriminator(width, momentum, axis_name, impl=impl,
                                      dtype=dtype),
      latent_dim=latent_dim, generator_cost=generator_cost, **schedule)
