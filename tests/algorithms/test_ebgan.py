"""EBGAN: energies, margin loss and pull-away term on a hand-set autoencoder;
a short training run."""
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import ebgan
from gentk.models import autoencoder
from tests.algorithms import mixture_util

# Linear encoder and decoder: code = x W_e + b_e, reconstruction = code W_d + b_d.
LINEAR_AE = autoencoder.Autoencoder(encoder_hidden=(), code_dim=2,
                                    decoder_hidden=())


def identity_code_zero_reconstruction():
  """W_e = I, W_d = 0 (biases 0): code = x, reconstruction = 0, so the energy
  (mean squared error) is mean(x^2) and the codes are the inputs."""
  dense = lambda w: {"Dense_0": {"kernel": jnp.asarray(w, jnp.float32),
                                 "bias": jnp.zeros([2])}}
  return {"params": {"encoder": dense(np.eye(2)),
                     "decoder": dense(np.zeros([2, 2]))}}


def test_losses_hand_computed():
  """Energies: real (1, 2) -> 2.5, (1, 0) -> 0.5; fake (0, 1) -> 0.5,
  (2, 2) -> 4. With m = 3: D loss = mean(2.5, 0.5) + mean([3 - 0.5]^+,
  [3 - 4]^+) = 1.5 + 1.25 = 2.75. Pull-away of the fake codes (0, 1), (2, 2):
  cos^2 = 1/2 for both ordered pairs, mean 1/2. G loss = mean(0.5, 4)
  + 0.1 * 1/2 = 2.3."""
  game = ebgan.ebgan_game(LINEAR_AE, adversarial_lib.gaussian_latent(2),
                          margin=3.0, pull_away_weight=0.1)
  params = identity_code_zero_reconstruction()
  real = jnp.array([[1.0, 2.0], [1.0, 0.0]])
  fake = jnp.array([[0.0, 1.0], [2.0, 2.0]])
  loss, metrics = game.discriminator_loss(params,
      adversarial_lib.context(real, fake))
  np.testing.assert_allclose(loss, 2.75, rtol=1e-6)
  np.testing.assert_allclose(metrics["real_energy"], 1.5, rtol=1e-6)
  np.testing.assert_allclose(metrics["fake_energy"], 2.25, rtol=1e-6)
  np.testing.assert_allclose(metrics["margin_active"], 0.5)
  g_loss, g_metrics = game.generator_loss(params,
      adversarial_lib.context(None, fake))
  np.testing.assert_allclose(g_metrics["pull_away"], 0.5, rtol=1e-6)
  np.testing.assert_allclose(g_loss, 2.3, rtol=1e-6)


def test_margin_must_be_positive():
  with pytest.raises(ValueError, match="margin"):
    ebgan.ebgan_game(LINEAR_AE, adversarial_lib.gaussian_latent(2), margin=0.0)


def test_training_moves_samples_toward_the_ring():
  """See `mixture_util.assert_moves_toward_ring`; EBGAN-PT's seeds end at
  0.06 / 0.11 / 0.05 of the initial distance (median 0.06)."""
  metrics = mixture_util.assert_moves_toward_ring("ebgan", 500)
  assert np.all(np.isfinite(metrics["generator/pull_away"]))
