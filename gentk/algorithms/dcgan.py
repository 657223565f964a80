r"""DCGAN: the GAN game with convolutional, batch-normalised players.

The objectives are those of `gentk.algorithms.gan` (discriminator cross-entropy
and a choice of generator cost); the players are `gentk.models.dcgan`'s. Batch
normalisation is handled by the adversarial core (see
`gentk.algorithms.adversarial`): both players' running averages live in
`AdversarialState.collections`, the discriminator sees real and generated
batches in separate train-mode passes, and `sample` runs the generator in eval
mode on its running averages.

References:
  Radford et al. 2016, "Unsupervised Representation Learning with Deep
    Convolutional Generative Adversarial Networks",
    https://arxiv.org/abs/1511.06434
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
"""
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import gan
from gentk.models import dcgan as dcgan_models
from gentk.types import Algorithm


def make_dcgan(*, latent_dim: int, width: int = 64, channels: int = 1,
               momentum: float = 0.9, generator_cost: str = "nonsaturating",
               disc_steps: int = 1,
               generator_optimizer: optax.GradientTransformation,
               discriminator_optimizer: optax.GradientTransformation,
               axis_name: str | None = None) -> Algorithm:
  """DCGAN on `[28, 28, channels]` images with z ~ N(0, I_latent_dim).

  Args:
    latent_dim: dimension of z.
    width: W of `DCGANGenerator` and `DCGANDiscriminator`.
    channels: image channels (1 for MNIST, 3 for Stacked MNIST).
    momentum: batch normalisation's running-average decay.
    generator_cost: 'minimax', 'nonsaturating' or 'maximum_likelihood'.
    disc_steps: k, discriminator steps per generator step.
    generator_optimizer, discriminator_optimizer: optax transformations
      (the paper: Adam, learning rate 2e-4, beta1 0.5).
    axis_name: the `pmap` axis (batch statistics over the global batch).
  Returns:
    the `Algorithm`; its state keeps both players' `batch_stats`.
  """
  generator = dcgan_models.DCGANGenerator(width, channels, momentum, axis_name)
  discriminator = dcgan_models.DCGANDiscriminator(width, momentum, axis_name)
  game = gan.gan_game(adversarial_lib.TrainMode(discriminator),
                      adversarial_lib.gaussian_latent(latent_dim),
                      generator_cost=generator_cost)
  return adversarial_lib.make_adversarial(
      generator, discriminator, game, disc_steps=disc_steps,
      generator_optimizer=generator_optimizer,
      discriminator_optimizer=discriminator_optimizer, axis_name=axis_name)
