"""The (K+1)-class losses against an explicit (K+1)-way softmax, feature matching."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import semi_supervised

LOGITS = np.array([[0.0, 1.0, -1.0], [2.0, -3.0, 0.5]])


def _softmax_with_fake_class(logits):
  """Explicit (K+1)-class softmax, fake class appended with logit 0."""
  full = np.concatenate([logits, np.zeros((logits.shape[0], 1))], axis=1)
  e = np.exp(full)
  return e / e.sum(axis=1, keepdims=True)


def test_hand_computed_single_class():
  """K = 1, l = log 3: Z = 3, D = 3/4, p(y|x, real) = 1."""
  logits = jnp.array([[math.log(3.0)]])
  np.testing.assert_allclose(semi_supervised.unsupervised_real_loss(logits),
                             [-math.log(0.75)], rtol=1e-6)
  np.testing.assert_allclose(semi_supervised.unsupervised_fake_loss(logits),
                             [-math.log(0.25)], rtol=1e-6)
  np.testing.assert_allclose(
      semi_supervised.supervised_loss(logits, jnp.array([0])), [0.0], atol=1e-7)


def test_losses_match_explicit_k_plus_one_softmax():
  p = _softmax_with_fake_class(LOGITS)
  labels = np.array([1, 0])
  cond = p[np.arange(2), labels] / (1 - p[:, -1])  # p(y | x, y < K+1)
  np.testing.assert_allclose(
      semi_supervised.supervised_loss(LOGITS, labels), -np.log(cond), rtol=1e-5)
  np.testing.assert_allclose(
      semi_supervised.unsupervised_real_loss(LOGITS), -np.log(1 - p[:, -1]),
      rtol=1e-5)
  np.testing.assert_allclose(
      semi_supervised.unsupervised_fake_loss(LOGITS), -np.log(p[:, -1]),
      rtol=1e-5)
  np.testing.assert_allclose(
      jax.nn.sigmoid(semi_supervised.discriminator_logit(LOGITS)),
      1 - p[:, -1], rtol=1e-5)


def test_shift_changes_only_the_unsupervised_part():
  """Adding c to every real logit leaves p(y | x, y < K+1) unchanged but moves
  D(x) = Z / (Z + 1): the fixed fake logit makes the scale meaningful."""
  labels = jnp.array([2, 1])
  shifted = LOGITS + 2.0
  np.testing.assert_allclose(semi_supervised.supervised_loss(shifted, labels),
                             semi_supervised.supervised_loss(LOGITS, labels),
                             rtol=1e-5)
  assert np.all(semi_supervised.unsupervised_real_loss(shifted)
                < semi_supervised.unsupervised_real_loss(LOGITS))


def test_stable_at_extreme_logits():
  logits = jnp.array([[-500.0, -400.0], [400.0, 500.0]])
  for fn in (semi_supervised.unsupervised_real_loss,
             semi_supervised.unsupervised_fake_loss):
    assert np.all(np.isfinite(fn(logits)))
  np.testing.assert_allclose(semi_supervised.unsupervised_fake_loss(logits)[1],
                             500.0, rtol=1e-5)  # log(1 + Z) ~ log Z
  np.testing.assert_allclose(semi_supervised.unsupervised_real_loss(logits)[0],
                             400.0, rtol=1e-5)  # -log(Z / (1 + Z)) ~ -log Z


def test_feature_matching_hand_computed():
  real = jnp.array([[1.0, 2.0], [3.0, 4.0]])  # mean (2, 3)
  fake = jnp.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])  # mean (1, 1)
  np.testing.assert_allclose(
      semi_supervised.feature_matching_loss(real, fake), 1.0 + 4.0, rtol=1e-6)
  images = jnp.ones((2, 2, 2, 3))
  np.testing.assert_allclose(
      semi_supervised.feature_matching_loss(images, 0.5 * images), 12 * 0.25,
      rtol=1e-6)
  with pytest.raises(AssertionError):
    semi_supervised.feature_matching_loss(jnp.ones((2, 3)), jnp.ones((2, 4)))
