"""Helpers that let one train step run unchanged under jit, sharded jit and pmap.

Under `jit` and sharded `jit` a train step sees the whole (global) batch and
these helpers are identities. Under `pmap` each replica sees its slice of the
batch; the helpers average across replicas and draw per-example randomness for
the global batch then keep the replica's slice, so results match one device.
"""
import jax
import jax.numpy as jnp

from gentk.types import Array, PyTree


def replica_mean(tree: PyTree, axis_name: str | None) -> PyTree:
  """`lax.pmean` over `axis_name`, or the identity when it is `None`."""
  if axis_name is None:
    return tree
  return jax.lax.pmean(tree, axis_name)


def replica_slice(x: Array, axis_name: str | None) -> Array:
  """This replica's contiguous slice of `x` along axis 0 (identity if `None`)."""
  if axis_name is None:
    return x
  num = jax.lax.axis_size(axis_name)
  size = x.shape[0] // num
  start = jax.lax.axis_index(axis_name) * size
  return jax.lax.dynamic_slice_in_dim(x, start, size, axis=0)


def replica_key(key: Array, axis_name: str | None) -> Array:
  """A key distinct per replica (`key` folded with the replica's index), or
  `key` itself when `axis_name` is `None`: for randomness each replica draws
  for its own slice of the batch."""
  if axis_name is None:
    return key
  return jax.random.fold_in(key, jax.lax.axis_index(axis_name))


def global_norm(tree: PyTree) -> Array:
  """The l2 norm of all leaves together."""
  leaves = jax.tree.leaves(tree)
  return jnp.sqrt(sum(jnp.sum(jnp.square(x)) for x in leaves))
