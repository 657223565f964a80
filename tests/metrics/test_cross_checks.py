"""gentk's SSIM and split R-hat against independent implementations: DeepMind's
PIX (`dm_pix.ssim`) and BlackJAX (`blackjax.diagnostics`)."""
from blackjax import diagnostics as blackjax_diagnostics
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.metrics import image
from gentk.sampling import diagnostics


@pytest.mark.parametrize("shape,data_range", [((4, 28, 28, 1), 1.0),
                                              ((2, 16, 20, 3), 255.0)])
def test_ssim_agrees_with_dm_pix(shape, data_range):
  """Same definition: an 11 x 11 Gaussian window of std 1.5 (PIX applies it
  as two 1-D passes, gentk as one 2-D one), 'valid' positions, C1 = (0.01
  L)^2, C2 = (0.03 L)^2, channels averaged. PIX also clips the variances at
  eps^2 and the covariance at sqrt(var_x var_y), which only moves values
  made invalid by rounding. Both run in float32 with different summation
  orders; the local variances E[x^2] - mu^2 lose ~1e-7 of E[x^2] to
  cancellation, so the SSIMs agree to ~1e-6: atol 1e-5."""
  dm_pix = pytest.importorskip("dm_pix")  # The dev extra installs it.
  kx, kn, ky = jax.random.split(jax.random.PRNGKey(0), 3)
  x = jax.random.uniform(kx, shape)
  noisy = jnp.clip(x + 0.2 * jax.random.normal(kn, shape), 0.0, 1.0)
  other = jax.random.uniform(ky, shape)
  for y in (x, noisy, other):  # SSIM 1, in between, about 0.
    ours = image.ssim(data_range * x, data_range * y, data_range=data_range)
    theirs = dm_pix.ssim(data_range * x, data_range * y, max_val=data_range)
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=0)


def test_split_rhat_agrees_with_blackjax_on_the_split_chains():
  """BlackJAX's `potential_scale_reduction` is the *unsplit* Gelman-Rubin
  R-hat, sqrt(((n - 1) / n W + B / n) / W) over C chains of n draws; gentk's
  `split_rhat` is that same formula over the 2C half-chains of n = N // 2
  draws (an odd last draw dropped). So BlackJAX is given the half-chains:
  like with like. Both in float32: rtol 1e-5."""
  key_noise, key_drift = jax.random.split(jax.random.PRNGKey(1))
  noise = jax.random.normal(key_noise, (4, 301, 3))  # Odd N: 150 per half.
  cases = (noise,  # Converged: R-hat ~ 1.
           noise + jnp.arange(4.0)[:, None, None],  # Chains disagree.
           noise + jnp.linspace(0.0, 3.0, 301)[None, :, None]  # All drift.
           + jax.random.normal(key_drift, (1, 1, 3)))
  for samples in cases:
    half = samples.shape[1] // 2
    halves = jnp.concatenate([samples[:, :half],
                              samples[:, half:2 * half]], axis=0)
    ours = diagnostics.split_rhat(samples)
    theirs = blackjax_diagnostics.potential_scale_reduction(halves)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
  # And gentk's R-hat flags what the unsplit one misses: every chain
  # drifting the same way.
  drift = cases[2]
  assert diagnostics.split_rhat(drift).min() > 1.2
  assert blackjax_diagnostics.potential_scale_reduction(drift).max() < 1.1
