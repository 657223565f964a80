"""Where the time of a SeqGAN step goes, at the oracle's sizes.

  python -m experiments.benchmarks.seqgan [--filters=small,paper] [--repeats=3]

Sizes of `experiments/configs/seqgan_oracle.py`: batch 64, length 20,
vocabulary 5,000, the LSTM generator (32/32), 16 rollouts per token. Per
discriminator filter bank it times, after compilation, as the median of
`--repeats` timings of `--calls` calls each (`block_until_ready`):

  * `mle`: one MLE pre-training step;
  * `d_update`: one d-step of one update (64 negatives sampled, one
    discriminator update on 64 + 64 sequences): the discriminator
    pre-training phase's step with `num_negatives = 64`;
  * `g_update`: one generator policy-gradient update (64 sequences sampled,
    rollouts, the update), measured as the adversarial step with that same
    one-update d-step minus `d_update`;
  * `rollouts`: `gentk.estimators.rollout.rollout_rewards` alone on 64
    sequences with the discriminator's reward, and its share of `g_update`.

Everything runs in one process on the default backend; the device is printed.
"""
import functools
import statistics
import time

from absl import app
from absl import flags
import jax
import optax

from gentk.algorithms import seqgan
from gentk.data import text
from gentk.estimators import rollout
from gentk.models import lstm
from gentk.models import text_cnn

_FILTERS = flags.DEFINE_list("filters", ["small", "paper"],
                             "Discriminator filter banks to time.")
_REPEATS = flags.DEFINE_integer("repeats", 3, "Timings per figure (median).")
_CALLS = flags.DEFINE_integer("calls", 5, "Calls per timing.")
_ROLLOUTS = flags.DEFINE_integer("rollouts", 16, "Rollouts per token (N).")

V, T, B = 5000, 20, 64
BANKS = {"small": text_cnn.SMALL_FILTERS, "paper": text_cnn.PAPER_FILTERS}


def _seconds_per_call(fn, *args) -> float:
  jax.block_until_ready(fn(*args))  # Compiled and warmed up.
  times = []
  for _ in range(_REPEATS.value):
    start = time.perf_counter()
    for _ in range(_CALLS.value):
      out = fn(*args)
    jax.block_until_ready(out)
    times.append((time.perf_counter() - start) / _CALLS.value)
  return statistics.median(times)


def time_bank(filters) -> dict[str, float]:
  """Seconds per call of each part, for one discriminator filter bank."""
  generator = lstm.LSTMLanguageModel(V, 32, 32)
  discriminator = text_cnn.TextCNN(V, 64, filters=filters)
  schedule = seqgan.Schedule(mle_steps=1, pretrain_rounds=1, d_steps=1,
                             d_epochs=1, num_negatives=B,
                             num_rollouts=_ROLLOUTS.value)
  algorithm = seqgan.make_seqgan(
      generator, discriminator, schedule=schedule,
      generator_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-4), length=T, batch_size=B)
  data = jax.random.randint(jax.random.PRNGKey(0), (1_000, T), 0, V)
  data_fn = text.make_batch_fn(data, B)
  state = algorithm.init(jax.random.PRNGKey(1),
                         data_fn(jax.random.PRNGKey(0), 0))
  key = jax.random.PRNGKey(2)
  seconds = {}
  for phase in algorithm.phases:
    batch = data_fn(key, 0, phase.num_batches)
    step = jax.jit(phase.train_step)
    seconds[phase.name] = _seconds_per_call(
        lambda s, b, k: step(s, b, k)[0].params, state, batch, key)
  tokens = data[:B]
  d_variables = state.params[seqgan.DISCRIMINATOR]

  @jax.jit
  def rollouts(g_params, d_variables, tokens, key):
    return rollout.rollout_rewards(
        key, tokens, functools.partial(lstm.policy_step_fn(generator),
                                       g_params["params"]),
        lambda seqs: jax.nn.sigmoid(discriminator.apply(d_variables, seqs)),
        num_rollouts=_ROLLOUTS.value,
        initial_state=generator.initial_state((B,)))[0]

  seconds["rollouts"] = _seconds_per_call(
      rollouts, state.params[seqgan.GENERATOR], d_variables, tokens, key)
  return {"mle": seconds["mle"],
          "d_update": seconds["discriminator_pretraining"],
          "g_update": seconds["adversarial"]
                      - seconds["discriminator_pretraining"],
          "rollouts": seconds["rollouts"]}


def main(argv):
  del argv
  print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), "
        f"jax {jax.__version__}")
  for name in _FILTERS.value:
    s = time_bank(BANKS[name])
    print(f"{name:5s} discriminator: mle {s['mle'] * 1e3:8.1f} ms | "
          f"d_update {s['d_update'] * 1e3:8.1f} ms | "
          f"g_update {s['g_update'] * 1e3:8.1f} ms | "
          f"rollouts {s['rollouts'] * 1e3:8.1f} ms "
          f"({100 * s['rollouts'] / s['g_update']:.0f}% of g_update)",
          flush=True)


if __name__ == "__main__":
  app.run(main)
