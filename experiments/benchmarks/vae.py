"""Speed of the VAE / IWAE training step and of the IS-5000 test scoring.

  python -m experiments.benchmarks.vae \
    [--variant=iwae] [--steps=2000] [--steps_per_call=100] [--batch_size=0] \
    [--score_images=200]

Prints, after compilation, on the default backend:
  * training steps/s of `experiments/configs/vae_mnist.py:<variant>` with
    `--steps_per_call` steps fused per call (`--steps` steps timed);
  * test images scored per second by `gentk.metrics.likelihood.evaluate` at
    the config's K (5,000), timed on `--score_images` images after one
    warm-up batch, and the minutes the whole 10,000-image test set takes at
    that rate.
"""
import time

from absl import app
from absl import flags
import jax

from gentk.configs import vae_mnist
from gentk import recipes
from gentk import training
from gentk.algorithms import vae
from gentk.metrics import likelihood
from gentk.recipes import vae_mnist as vae_mnist_recipe
from gentk.data import digits

_VARIANT = flags.DEFINE_string("variant", "", "vae_mnist variant(s).")
_STEPS = flags.DEFINE_integer("steps", 2000, "Training steps timed.")
_STEPS_PER_CALL = flags.DEFINE_integer("steps_per_call", 100,
                                       "Steps fused per call.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 0,
                                   "Examples per step (0: the config's).")
_SCORE_IMAGES = flags.DEFINE_integer("score_images", 200,
                                     "Test images scored (0: skip).")


def train_steps_per_second(config) -> float:
  """Steps/s of the config's training step, `--steps_per_call` per call."""
  exp = recipes.build(config)
  key = jax.random.PRNGKey(0)
  state = training.init_state(exp, key)
  k = _STEPS_PER_CALL.value
  cs = training.compile_step(exp.algorithm.phases[0], data_fn=exp.data_fn,
                             phase_index=0, steps_per_call=k)
  state, _, _ = cs.step_fn(cs.put(state), key)  # Compile and warm up.
  jax.block_until_ready(state)
  calls = max(1, _STEPS.value // k)
  start = time.perf_counter()
  for _ in range(calls):
    state, metrics, _ = cs.step_fn(state, key)
  jax.block_until_ready((state, metrics))
  return calls * k / (time.perf_counter() - start)


def images_scored_per_second(config) -> float:
  """Test images per second of IS-K scoring (K = config.eval.num_samples)
  with an untrained model of the config's architecture."""
  data = digits.binary_digits(config)
  encoder, decoder = vae_mnist_recipe.modules(config.model)
  exp = recipes.build(config)
  params = training.init_state(exp, jax.random.PRNGKey(0)).params
  log_weights = vae.log_weights_fn(encoder, decoder)
  score = lambda images: likelihood.evaluate(
      log_weights, params, images, jax.random.PRNGKey(1),
      num_samples=config.eval.num_samples, ks=tuple(config.eval.ks))
  score(data.test[:100])  # Compile and warm up.
  n = _SCORE_IMAGES.value
  start = time.perf_counter()
  score(data.test[:n])
  return n / (time.perf_counter() - start)


def main(argv):
  del argv
  config = vae_mnist.get_config(_VARIANT.value or None)
  if _BATCH_SIZE.value:
    config.data.batch_size = _BATCH_SIZE.value
  print(f"vae_mnist:{_VARIANT.value or 'default'}, "
        f"{jax.devices()[0].platform}, objective {config.model.objective}, "
        f"k={config.model.num_samples}, batch {config.data.batch_size}")
  rate = train_steps_per_second(config)
  print(f"train: {rate:9.1f} steps/s ({_STEPS.value} steps, "
        f"{_STEPS_PER_CALL.value} per call)")
  if _SCORE_IMAGES.value:
    images = images_scored_per_second(config)
    print(f"score: {images:9.2f} images/s at K={config.eval.num_samples} "
          f"({10_000 / images / 60:.1f} min for 10,000 test images)")


if __name__ == "__main__":
  app.run(main)
