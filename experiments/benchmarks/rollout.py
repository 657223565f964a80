"""Time of SeqGAN's Monte Carlo rollout rewards: one compiled call vs a Python loop.

  nice -n 5 python -m experiments.benchmarks.rollout [--repeats=2]
      [--chunk_sizes=32,64,128] [--gumbel] [--vocab=5000]

The SeqGAN synthetic setting: 64 sequences of length 20, vocabulary 5,000, an
LSTM with 32-d embeddings and 32 hidden units, 16 rollouts per prefix, and a
small reward model (sigmoid of a linear score of the mean token embedding).
Everything is measured in one run, after compilation, as the best of
`--repeats` calls:

  * vectorised: `gentk.estimators.rollout_rewards`, one jitted call (all
    prefixes and rollouts as rows of one vmapped scan), for each chunk size
    (`none` = all 10,240 rows at once);
  * loop: the textbook formulation (that of the published SeqGAN code),
    `for n in range(N): for t in range(1, T):` one jitted call completing the
    64 prefixes of length t (teacher-forced prefix, then a scan over the
    T - t remaining tokens), then one jitted reward call; Q accumulated in
    Python.

Both sample with the blocked inverse-CDF sampler (`gentk.estimators.
categorical`); `--gumbel` also times both with `jax.random.categorical`
(minutes more on 2 CPU cores). Both estimate the same Q, so their means over
all (b, t) are printed as a check. Default flags run in 2-3 minutes on 2 CPU
cores.

On CPU both formulations do the same ~2 x 10^5 row-steps of 5,000-way logits
and sampling and are compute-bound: the ratio measures what vectorisation
saves there (dispatch, host round trips, teacher-forcing the prefix again in
every call), not the order-of-magnitude gain of an accelerator, where the
loop's 608 small calls are latency-bound. `--vocab=50` shows that regime on
CPU.
"""
import functools
import os
import time

from absl import app
from absl import flags
import jax
import jax.numpy as jnp

from gentk.estimators import categorical
from gentk.estimators import rollout
from gentk.models import lstm

_BATCH = flags.DEFINE_integer("batch", 64, "Sequences per call (B).")
_LENGTH = flags.DEFINE_integer("length", 20, "Sequence length (T).")
_VOCAB = flags.DEFINE_integer("vocab", 5000, "Vocabulary size (V).")
_ROLLOUTS = flags.DEFINE_integer("rollouts", 16, "Rollouts per prefix (N).")
_REPEATS = flags.DEFINE_integer("repeats", 2, "Timed calls per setting (best).")
_CHUNKS = flags.DEFINE_list("chunk_sizes", ["32", "64", "128"],
                            "Vectorised chunk sizes (rows) to time; `none` "
                            "runs all rows at once.")
_GUMBEL = flags.DEFINE_bool("gumbel", False,
                            "Also time both with jax.random.categorical.")

SAMPLERS = {"blocked inverse CDF": categorical.categorical,
            "jax.random.categorical": jax.random.categorical}


def setup():
  """Generator parameters, reward parameters and 64 generated sequences."""
  model = lstm.LSTMLanguageModel(_VOCAB.value, 32, 32)
  key = jax.random.PRNGKey(0)
  params = model.init(key, jnp.zeros((1, _LENGTH.value), jnp.int32))["params"]
  reward_params = {
      "embedding": 0.1 * jax.random.normal(jax.random.PRNGKey(1),
                                           (_VOCAB.value, 32)),
      "w": jax.random.normal(jax.random.PRNGKey(2), (32,))}
  policy = functools.partial(lstm.policy_step_fn(model), params)
  tokens = jax.jit(lambda k: rollout.sample_sequences(
      k, policy, model.initial_state((_BATCH.value,)),
      length=_LENGTH.value))(jax.random.PRNGKey(3))
  return model, params, reward_params, tokens


def reward_fn(reward_params, seqs):
  """A stand-in discriminator: sigmoid(mean embedding . w), `[M, T] -> [M]`."""
  features = jnp.take(reward_params["embedding"], seqs, axis=0).mean(axis=-2)
  return jax.nn.sigmoid(features @ reward_params["w"])


def best_time(fn, repeats):
  """Best wall time of `repeats` calls after one warm-up call, and an output."""
  out = jax.block_until_ready(fn())  # compile and warm up
  times = []
  for _ in range(repeats):
    start = time.perf_counter()
    out = jax.block_until_ready(fn())
    times.append(time.perf_counter() - start)
  return min(times), out


def vectorised(model, params, reward_params, tokens, sample_fn, chunk_size):
  """The library call, jitted once."""
  @jax.jit
  def run(key, params, reward_params, tokens):
    policy = functools.partial(lstm.policy_step_fn(model), params)
    return rollout.rollout_rewards(
        key, tokens, policy, functools.partial(reward_fn, reward_params),
        num_rollouts=_ROLLOUTS.value,
        initial_state=model.initial_state(tokens.shape[:1]),
        sample_fn=sample_fn, chunk_size=chunk_size)[0]
  return lambda: run(jax.random.PRNGKey(4), params, reward_params, tokens)


def loop(model, params, reward_params, tokens, sample_fn):
  """Python loop over rollouts n and prefixes t, calling jitted pieces."""
  length = tokens.shape[1]

  @functools.partial(jax.jit, static_argnums=3)
  def complete(key, params, tokens, t):
    """Completes every prefix Y_{1:t} once: `[B, T]` -> `[B, T]`."""
    policy = functools.partial(lstm.policy_step_fn(model), params)
    # Teacher-forced through y_{t-1}: entry t is the state before feeding it.
    states = rollout.prefix_states(policy, model.initial_state(tokens.shape[:1]),
                                   tokens[:, :t + 1])
    state = jax.tree.map(lambda s: s[t], states)

    def body(carry, r):
      state, token_in = carry
      logits, state = policy(state, token_in)
      token = sample_fn(jax.random.fold_in(key, r), logits).astype(tokens.dtype)
      return (state, token), token
    _, tail = jax.lax.scan(body, (state, tokens[:, t - 1]),
                           jnp.arange(length - t))
    return jnp.concatenate([tokens[:, :t], tail.T], axis=1)

  reward = jax.jit(reward_fn)

  def run():
    key = jax.random.PRNGKey(4)
    q = [jnp.zeros(tokens.shape[:1]) for _ in range(length - 1)]
    for n in range(_ROLLOUTS.value):
      for t in range(1, length):
        completed = complete(jax.random.fold_in(key, n * length + t), params,
                             tokens, t)
        q[t - 1] = q[t - 1] + reward(reward_params, completed)
    q = [x / _ROLLOUTS.value for x in q] + [reward(reward_params, tokens)]
    return jnp.stack(q, axis=1)
  return run


def main(argv):
  del argv
  b, t, v, n = _BATCH.value, _LENGTH.value, _VOCAB.value, _ROLLOUTS.value
  date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
  print(f"rollout rewards: B={b} T={t} V={v} N={n}, LSTM 32/32, "
        f"{jax.devices()[0].platform} ({os.cpu_count()} cores), best of "
        f"{_REPEATS.value} calls, {date}")
  model, params, reward_params, tokens = setup()
  samplers = {k: f for k, f in SAMPLERS.items()
              if _GUMBEL.value or k == "blocked inverse CDF"}
  for name, sample_fn in samplers.items():
    vectorised_times = {}
    for chunk in _CHUNKS.value:
      chunk_size = None if chunk == "none" else int(chunk)
      seconds, q = best_time(vectorised(model, params, reward_params, tokens,
                                        sample_fn, chunk_size), _REPEATS.value)
      vectorised_times[chunk] = seconds
      print(f"vectorised, chunk {chunk:>5} rows  {name:24s} "
            f"{seconds * 1e3:9.1f} ms   mean Q {float(q.mean()):.4f}")
    # The loop is the slow side: one timed call after the warm-up is enough.
    seconds, q = best_time(loop(model, params, reward_params, tokens,
                                sample_fn), 1)
    print(f"python loop ({n} x {t - 1} calls)    {name:24s} "
          f"{seconds * 1e3:9.1f} ms   mean Q {float(q.mean()):.4f}")
    chunk, best = min(vectorised_times.items(), key=lambda kv: kv[1])
    print(f"ratio loop / vectorised (chunk {chunk}), {name}: "
          f"{seconds / best:.1f}x")


if __name__ == "__main__":
  app.run(main)
