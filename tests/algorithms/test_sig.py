"""SIG and GAN-SI (Yin & Zhou 2019), and PacGAN, on the ring."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import gan
from gentk.algorithms import sig
from gentk.losses import semi_implicit
from gentk.models import mlp
from tests.algorithms import mixture_util


def test_with_sig_adds_lambda_h_m_to_the_generator_loss_only():
  disc = mlp.MLP(hidden=(8,), out=1, squeeze_out=True)
  game = gan.gan_game(disc, adversarial_lib.gaussian_latent(2))
  regularised = sig.with_sig(game, weight=0.3, sigma=0.5)
  real = jax.random.normal(jax.random.PRNGKey(0), (6, 2))
  fake = jax.random.normal(jax.random.PRNGKey(1), (6, 2)) + 1.0
  params = disc.init(jax.random.PRNGKey(2), real)
  ctx = adversarial_lib.context(real, fake)
  (plain, _), (total, metrics) = (game.generator_loss(params, ctx),
                                  regularised.generator_loss(params, ctx))
  h_m = semi_implicit.sig_loss(real, fake, 0.5)
  np.testing.assert_allclose(total, plain + 0.3 * h_m, rtol=1e-6)
  np.testing.assert_allclose(metrics["sig"], h_m, rtol=1e-6)
  np.testing.assert_allclose(regularised.discriminator_loss(params, ctx)[0],
                             game.discriminator_loss(params, ctx)[0])
  # The term's gradient reaches the samples: each real point pulls on them.
  grad = jax.grad(lambda f: regularised.generator_loss(
      params, ctx._replace(samples=f))[0] - game.generator_loss(
          params, ctx._replace(samples=f))[0])(fake)
  assert float(jnp.abs(grad).min()) > 0.0


@pytest.mark.parametrize("variant,steps", [("sig", 300), ("pacgan", 300)])
def test_moves_toward_the_ring(variant, steps):
  """See `mixture_util.assert_moves_toward_ring` (three seeds, median)."""
  metrics = mixture_util.assert_moves_toward_ring(variant, steps)
  assert np.all(np.isfinite(metrics["generator/loss"]))
