"""PacGAN packing: layout, and the Jacobian's block structure."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.models import mlp
from gentk.models import packing


def test_pack_concatenates_consecutive_examples_along_the_last_axis():
  x = jnp.arange(6 * 2 * 3.0).reshape(6, 2, 3)  # 6 examples [2, 3].
  packed = packing.pack(x, 3)
  assert packed.shape == (2, 2, 9)
  for i in range(2):
    for j in range(3):
      np.testing.assert_array_equal(packed[i, :, 3 * j:3 * j + 3],
                                    x[3 * i + j])
  with pytest.raises(ValueError, match="divisible by m"):
    packing.pack(x, 4)


def test_packed_logit_depends_only_on_its_own_pack():
  """d logit_i / d x_n is zero outside pack i and generically non-zero
  inside it: the per-sample gradients keep the block structure."""
  m, b = 4, 12
  disc = packing.Packed(mlp.MLP(hidden=(16,), out=1, squeeze_out=True), m)
  x = jax.random.normal(jax.random.PRNGKey(0), (b, 2))
  params = disc.init(jax.random.PRNGKey(1), x[:1])  # One example: repeated.
  logits = disc.apply(params, x)
  assert logits.shape == (b // m,)
  jac = jax.jacobian(lambda v: disc.apply(params, v))(x)  # [B/m, B, 2]
  norms = np.linalg.norm(np.asarray(jac), axis=-1)  # [B/m, B]
  own = np.kron(np.eye(b // m), np.ones((1, m))).astype(bool)
  assert np.all(norms[~own] == 0.0)
  assert np.all(norms[own] > 0.0)
  # A loss that is a mean over packs gives every example its pack's share.
  grads = jax.grad(lambda v: jnp.mean(disc.apply(params, v)))(x)
  np.testing.assert_allclose(grads, jac.sum(0) / (b // m), rtol=1e-6)


def test_packed_refuses_a_batch_that_does_not_fill_whole_packs():
  """Only the single example of `init` is repeated; a batch of 6 in packs of
  4 is refused rather than padded with copies."""
  disc = packing.Packed(mlp.MLP(hidden=(8,), out=1, squeeze_out=True), 4)
  x = jax.random.normal(jax.random.PRNGKey(0), (6, 2))
  params = disc.init(jax.random.PRNGKey(1), x[:1])
  assert disc.apply(params, x[:4]).shape == (1,)
  with pytest.raises(ValueError, match="does not split into packs of 4"):
    disc.apply(params, x)
