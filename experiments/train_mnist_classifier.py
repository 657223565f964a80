r"""Trains the MNIST classifier behind the MNIST-classifier IS / FID / KID.

  python -m experiments.train_mnist_classifier

needs MNIST (`$GENTK_DATA_DIR`, e.g. ../shared/data, or a TFDS download) and
writes `gentk/assets/mnist_classifier.msgpack` (the variables,
`flax.serialization.to_bytes`) and `gentk/assets/mnist_classifier.json` (test
accuracy, date, command, architecture, training settings). Expected: >= 99.0%
test accuracy in a few minutes on a 2-core CPU.

Training uses the gentk runtime: batches drawn inside the compiled step by
`gentk.data.mnist.make_batch_fn` from `(key, step)`, each image shifted by a
random translation of up to `max_shift` pixels (zero fill), Adam with a
cosine learning-rate decay, `steps_per_call` steps fused with `lax.scan` by
`gentk.training.compile_step`.
"""
import datetime
import json
import pathlib
import sys
import time

from absl import app
from absl import flags
import flax
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.data import mnist
from gentk.metrics import classifier as classifier_metrics
from gentk.models.classifier import ConvClassifier
from gentk.training import compile_step
from gentk.types import TrainState

_STEPS = flags.DEFINE_integer("steps", 4000, "Training steps.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 128, "Examples per step.")
_LR = flags.DEFINE_float("lr", 2e-3, "Peak Adam learning rate (cosine decay).")
_STEPS_PER_CALL = flags.DEFINE_integer("steps_per_call", 100,
                                       "Steps fused per compiled call.")
_MAX_SHIFT = flags.DEFINE_integer("max_shift", 2,
                                  "Largest random translation, in pixels.")
_SEED = flags.DEFINE_integer("seed", 0, "PRNG seed.")
_OUTPUT_DIR = flags.DEFINE_string(
    "output_dir", str(pathlib.Path(__file__).parents[1] / "gentk" / "assets"),
    "Where mnist_classifier.{msgpack,json} are written.")

# Three stride-2 convolutions (28 -> 14 -> 7 -> 4) keep the dense layer, and
# the file, small: ~190k float32 parameters, ~0.75 MB.
ARCHITECTURE = {"channels": [32, 64, 64], "kernel_size": 3, "hidden": 128,
                "num_classes": 10}


def random_shift(key: jax.Array, images: jax.Array, max_shift: int
                 ) -> jax.Array:
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


def make_train_step(model: ConvClassifier, tx: optax.GradientTransformation,
                    max_shift: int):
  """`train_step(state, batch, key) -> (state, metrics)`: one cross-entropy
  step on randomly shifted images."""

  def loss_fn(variables, batch):
    logits = model.apply(variables, batch["x"])
    loss = optax.softmax_cross_entropy_with_integer_labels(logits,
                                                           batch["label"])
    accuracy = jnp.mean(jnp.argmax(logits, -1) == batch["label"])
    return loss.mean(), accuracy

  def train_step(state, batch, key):
    shift_key = jax.random.fold_in(key, state.step)
    batch = dict(batch, x=random_shift(shift_key, batch["x"], max_shift))
    variables = state.params["classifier"]
    (loss, accuracy), grads = jax.value_and_grad(loss_fn, has_aux=True)(
        variables, batch)
    updates, opt_state = tx.update(grads, state.opt_state["classifier"],
                                   variables)
    variables = optax.apply_updates(variables, updates)
    return (state.replace(step=state.step + 1,
                          params={"classifier": variables},
                          opt_state={"classifier": opt_state}),
            {"classifier/loss": loss, "classifier/accuracy": accuracy})

  return train_step


def main(argv):
  del argv
  start = time.time()
  train, test = mnist.load_mnist("train"), mnist.load_mnist("test")
  print(f"loaded MNIST in {time.time() - start:.1f}s", flush=True)
  model = ConvClassifier(**ARCHITECTURE)
  tx = optax.adam(optax.cosine_decay_schedule(_LR.value, _STEPS.value))
  key = jax.random.PRNGKey(_SEED.value)
  init_key, run_key = jax.random.split(key)
  variables = model.init(init_key, jnp.zeros((1, 28, 28, 1)))
  state = TrainState(step=jnp.zeros([], jnp.int32),
                     params={"classifier": variables},
                     opt_state={"classifier": tx.init(variables)})
  batch_fn = mnist.make_batch_fn(train.images, train.labels, _BATCH_SIZE.value)
  compiled = compile_step(make_train_step(model, tx, _MAX_SHIFT.value),
                          data_fn=batch_fn,
                          steps_per_call=_STEPS_PER_CALL.value)
  state = compiled.put(state)
  train_start = time.time()
  for call in range(_STEPS.value // _STEPS_PER_CALL.value):
    state, metrics, failure = compiled.step_fn(state, run_key)
    if int(failure.step) >= 0:
      raise SystemExit(f"non-finite value at step {int(failure.step)}")
    print(f"step {int(state.step)}: loss "
          f"{float(metrics['classifier/loss'].mean()):.4f} train acc "
          f"{float(metrics['classifier/accuracy'].mean()):.4f} "
          f"({time.time() - train_start:.0f}s)", flush=True)
  train_seconds = time.time() - train_start
  variables = compiled.get(state).params["classifier"]
  _, logits = classifier_metrics.classifier_features_and_logits(
      test.images, variables=variables, model=model)
  accuracy = float(np.mean(np.asarray(jnp.argmax(logits, -1)) == test.labels))
  print(f"test accuracy {accuracy:.4f}; training {train_seconds:.0f}s")
  if accuracy < 0.99:
    raise SystemExit(f"test accuracy {accuracy:.4f} < 0.99: not saved")

  out = pathlib.Path(_OUTPUT_DIR.value)
  out.mkdir(parents=True, exist_ok=True)
  weights = jax.tree.map(np.asarray, variables)
  (out / "mnist_classifier.msgpack").write_bytes(
      flax.serialization.to_bytes(weights))
  info = {
      "test_accuracy": accuracy,
      "date": datetime.date.today().isoformat(),
      "command": "python -m experiments.train_mnist_classifier "
                 + " ".join(sys.argv[1:]),
      "architecture": ARCHITECTURE,
      "model": "gentk.models.classifier.ConvClassifier",
      "training": {"steps": _STEPS.value, "batch_size": _BATCH_SIZE.value,
                   "optimizer": "adam, cosine decay", "lr": _LR.value,
                   "max_shift": _MAX_SHIFT.value, "seed": _SEED.value,
                   "train_seconds": round(train_seconds, 1),
                   "jax": jax.__version__, "devices": str(jax.devices())},
      "num_parameters": int(sum(np.size(x) for x in
                                jax.tree.leaves(weights))),
  }
  (out / "mnist_classifier.json").write_text(json.dumps(info, indent=2) + "\n")
  print(f"wrote {out / 'mnist_classifier.msgpack'}")


if __name__ == "__main__":
  app.run(main)
