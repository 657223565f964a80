r"""Supervised classification on the core: one player, one objective.

The objective is the mean cross-entropy $-\frac{1}{B}\sum_i \log
p_\theta(y_i \mid x_i)$ of softmax logits, on images shifted by a random
translation of up to `max_shift` pixels (zero fill), drawn per example from
`fold_in(key, step)`. This is how the classifier behind the MNIST-classifier
IS / FID / KID (`gentk.metrics.classifier`) is trained, by the same runtime
as every generative model (`gentk.recipes.mnist_classifier`).
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.types import Algorithm, Array, PRNGKey, TrainState

CLASSIFIER = "classifier"


def random_shift(key: PRNGKey, images: Array, max_shift: int) -> Array:
  """Translates each image `[B, H, W, C]` by its own uniform offset in
  {-max_shift..max_shift}^2, filling with zeros."""
  if max_shift == 0:
    return images
  _, h, w, _ = images.shape
  offsets = jax.random.randint(key, (images.shape[0], 2), 0, 2 * max_shift + 1)
  padded = jnp.pad(images, ((0, 0), (max_shift, max_shift),
                            (max_shift, max_shift), (0, 0)))
  crop = lambda x, o: jax.lax.dynamic_slice(x, (o[0], o[1], 0),
                                            (h, w, x.shape[-1]))
  return jax.vmap(crop)(padded, offsets)


def cross_entropy_objective(model: nn.Module):
  """`objective(params, ctx) -> (loss, metrics)`: the classifier's mean
  cross-entropy on `ctx.batch` (`x`, integer `label`) and its accuracy."""
  def objective(params, ctx: core.Context):
    logits = model.apply(params[CLASSIFIER], ctx.batch["x"])
    loss = optax.softmax_cross_entropy_with_integer_labels(
        logits, ctx.batch["label"])
    accuracy = jnp.mean(jnp.argmax(logits, -1) == ctx.batch["label"])
    return jnp.mean(loss), {"accuracy": accuracy}
  return objective


def make_classifier(model: nn.Module, optimizer: optax.GradientTransformation,
                    *, max_shift: int = 0,
                    axis_name: str | None = None) -> Algorithm:
  """One cross-entropy update per step on randomly shifted images.

  Args:
    model: maps images `[B, H, W, C]` to logits `[B, K]`.
    optimizer: optax transformation (e.g. Adam with a decaying schedule).
    max_shift: the largest random translation, in pixels (0: none).
    axis_name: the `pmap` axis, or None.
  Returns:
    a one-phase `Algorithm` on batches `{"x", "label"}`; its player is
    'classifier'; `sample` is None (a classifier draws no samples).
  """
  objective = cross_entropy_objective(model)
  optimizers = {CLASSIFIER: optimizer}

  def init(key: PRNGKey, batch) -> TrainState:
    return core.init_state(key, {CLASSIFIER: (model, (batch["x"][:1],))},
                           optimizers)

  def train_step(state: TrainState, batch, key: PRNGKey):
    key_shift, key_loss = jax.random.split(key)
    batch = dict(batch, x=random_shift(key_shift, batch["x"], max_shift))
    ctx = core.Context(batch=batch, key=key_loss, extras=state.extras)
    state, metrics = core.update(state, (CLASSIFIER,), ctx,
                                 optimizers=optimizers, objective=objective,
                                 axis_name=axis_name)
    return (state,
            core.prefixed(CLASSIFIER, metrics))

  return Algorithm.single(init, train_step, None)
