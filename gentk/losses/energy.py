r"""Energy-based GANs with an autoencoder discriminator: EBGAN and BEGAN.

The discriminator D is an autoencoder; its reconstruction error is an energy,
low on data and high on generated samples.

* EBGAN: a margin loss pushes the energy of generated samples up to a margin m,
  plus a pull-away term that decorrelates the encoder codes of a batch.
* BEGAN: the discriminator matches the *distributions of reconstruction
  losses*; an equilibrium E[L(G(z))] = gamma E[L(x)] is maintained by a
  proportional controller k_t.

References:
  Zhao et al. 2016, "Energy-based Generative Adversarial Network",
    https://arxiv.org/abs/1609.03126
  Berthelot et al. 2017, "BEGAN: Boundary Equilibrium Generative Adversarial
    Networks", https://arxiv.org/abs/1703.10717
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def autoencoder_loss(v: ArrayLike, reconstruction: ArrayLike, *,
                     eta: float = 1.0) -> Array:
  r"""Autoencoder reconstruction loss, per example: L(v) = mean |v - D(v)|^eta.

  The mean runs over all non-batch axes (pixels). With `eta=1` it is BEGAN's
  L(v); with `eta=2` it is the mean squared error used as EBGAN's energy
  D(x) = ||Dec(Enc(x)) - x||^2 (up to the 1/dimension factor).

  Args:
    v: inputs, shape `[B, ...]`.
    reconstruction: the autoencoder's output D(v), same shape.
    eta: the exponent, eta in {1, 2} in the paper.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Berthelot et al. 2017, Eq. 1, https://arxiv.org/abs/1703.10717
    Zhao et al. 2016, Sec. 2.3, https://arxiv.org/abs/1609.03126
  """
  v, reconstruction = jnp.asarray(v), jnp.asarray(reconstruction)
  chex.assert_equal_shape([v, reconstruction])
  err = jnp.abs(v - reconstruction).reshape(v.shape[0], -1)
  return jnp.mean(err ** eta, axis=1)


def ebgan_discriminator_loss(real_energy: ArrayLike, fake_energy: ArrayLike, *,
                             margin: float) -> Array:
  r"""EBGAN discriminator loss, per example: D(x) + [m - D(G(z))]^+.

  Args:
    real_energy: energies D(x) of data samples, shape `[B]`.
    fake_energy: energies D(G(z)) of generated samples, shape `[B]`.
    margin: the margin m > 0; generated samples with energy above m cost
      nothing.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Zhao et al. 2016, Eq. 1, https://arxiv.org/abs/1609.03126
  """
  chex.assert_rank([real_energy, fake_energy], 1)
  chex.assert_equal_shape([real_energy, fake_energy])
  return jnp.asarray(real_energy) + jax.nn.relu(margin - jnp.asarray(fake_energy))


def ebgan_generator_loss(fake_energy: ArrayLike) -> Array:
  r"""EBGAN generator loss, per example: D(G(z)).

  Add `pull_away_weight * pull_away_term(codes)` (0.1 in the paper) for
  EBGAN-PT.

  Args:
    fake_energy: energies D(G(z)) of generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Zhao et al. 2016, Eq. 2, https://arxiv.org/abs/1609.03126
  """
  chex.assert_rank(fake_energy, 1)
  return jnp.asarray(fake_energy)


def pull_away_term(codes: ArrayLike, *, epsilon: float = 1e-8) -> Array:
  r"""Pull-away term of a batch of codes (a batch statistic, scalar).

  f_PT(S) = 1 / (N (N - 1)) \sum_i \sum_{j != i}
            (S_i^T S_j / (||S_i|| ||S_j||))^2,

  the mean squared cosine similarity between distinct codes; small when the
  codes point in different directions.

  Args:
    codes: encoder outputs S of a generated batch, shape `[N, ...]`, N >= 2
      (flattened per example).
    epsilon: added to the norms, keeps all-zero codes finite.
  Returns:
    scalar.
  References:
    Zhao et al. 2016, Eq. 4, https://arxiv.org/abs/1609.03126
  """
  codes = jnp.asarray(codes)
  n = codes.shape[0]
  if n < 2:
    raise ValueError(f"the pull-away term needs at least 2 codes, got {n}")
  s = codes.reshape(n, -1)
  s = s / (jnp.linalg.norm(s, axis=1, keepdims=True) + epsilon)
  cos2 = jnp.square(s @ s.T)
  off_diagonal = jnp.sum(cos2) - jnp.sum(jnp.diagonal(cos2))
  return off_diagonal / (n * (n - 1))


def began_discriminator_loss(real_loss: ArrayLike, fake_loss: ArrayLike,
                             k: ArrayLike) -> Array:
  r"""BEGAN discriminator loss, per example: L(x) - k_t L(G(z_D)).

  `k` is a control variable, not a parameter: its gradient is stopped.

  Args:
    real_loss: autoencoder losses L(x) of data samples, shape `[B]`.
    fake_loss: autoencoder losses L(G(z_D)) of generated samples, shape `[B]`.
    k: the current k_t in [0, 1], scalar.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Berthelot et al. 2017, Eq. 4, https://arxiv.org/abs/1703.10717
  """
  chex.assert_rank([real_loss, fake_loss, k], [1, 1, 0])
  chex.assert_equal_shape([real_loss, fake_loss])
  return jnp.asarray(real_loss) - jax.lax.stop_gradient(k) * jnp.asarray(fake_loss)


def began_generator_loss(fake_loss: ArrayLike) -> Array:
  r"""BEGAN generator loss, per example: L(G(z_G)).

  Args:
    fake_loss: autoencoder losses of generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Berthelot et al. 2017, Eq. 4, https://arxiv.org/abs/1703.10717
  """
  chex.assert_rank(fake_loss, 1)
  return jnp.asarray(fake_loss)


def began_k_update(k: ArrayLike, real_loss: ArrayLike, fake_loss: ArrayLike, *,
                   gamma: float, lambda_k: float) -> Array:
  r"""BEGAN proportional control of the equilibrium.

  k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1),

  with L(x) and L(G(z_G)) the batch means (a batch statistic). No gradient
  flows through the update.

  Args:
    k: the current k_t, scalar (k_0 = 0 in the paper).
    real_loss: autoencoder losses of data samples, shape `[B]`.
    fake_loss: autoencoder losses of generated samples, shape `[B']`.
    gamma: the diversity ratio gamma = E[L(G(z))] / E[L(x)] aimed at.
    lambda_k: the proportional gain (0.001 in the paper).
  Returns:
    k_{t+1}, scalar in [0, 1].
  References:
    Berthelot et al. 2017, Eq. 4, https://arxiv.org/abs/1703.10717
  """
  chex.assert_rank([k, real_loss, fake_loss], [0, 1, 1])
  balance = gamma * jnp.mean(real_loss) - jnp.mean(fake_loss)
  return jax.lax.stop_gradient(jnp.clip(k + lambda_k * balance, 0.0, 1.0))


def began_convergence_measure(real_loss: ArrayLike, fake_loss: ArrayLike, *,
                              gamma: float) -> Array:
  r"""BEGAN global convergence measure (a batch statistic, scalar).

  M_global = L(x) + |gamma L(x) - L(G(z_G))|, with batch means of the losses.

  Args:
    real_loss: autoencoder losses of data samples, shape `[B]`.
    fake_loss: autoencoder losses of generated samples, shape `[B']`.
    gamma: the diversity ratio.
  Returns:
    scalar.
  References:
    Berthelot et al. 2017, Sec. 3.4.1, https://arxiv.org/abs/1703.10717
  """
  chex.assert_rank([real_loss, fake_loss], 1)
  real = jnp.mean(real_loss)
  return real + jnp.abs(gamma * real - jnp.mean(fake_loss))
