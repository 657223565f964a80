"""A tiny SeqGAN experiment on synthetic sequences (no data files), shared by
the SeqGAN tests."""
import jax
import jax.numpy as jnp
import optax

from gentk.configs import groups
from gentk.algorithms import seqgan
from gentk.data import text
from gentk.models import lstm
from gentk.models import text_cnn
from gentk.training.loop import Experiment

V, T, B = 12, 6, 16
SCHEDULE = seqgan.Schedule(mle_steps=30, pretrain_rounds=4, d_steps=2,
                           d_epochs=1, num_negatives=32, num_rollouts=3,
                           rollout_rate=0.5, sample_chunk=16)


def counting_sequences(num: int, key=jax.random.PRNGKey(0)):
  """y_1 uniform on 2..V-1, then y_t = y_{t-1} + 1 (wrapping to 2): a
  language the MLE generator learns to ~log(V - 2) / T nats per token."""
  first = jax.random.randint(key, (num, 1), 2, V)
  return 2 + (first - 2 + jnp.arange(T)) % (V - 2)


def modules():
  return (lstm.LSTMLanguageModel(V, 8, 16, start_token=1, init_scale=0.3),
          text_cnn.TextCNN(V, 8, filters=((1, 4), (2, 4), (3, 4))))


def algorithm(schedule=SCHEDULE, **kwargs):
  generator, discriminator = modules()
  return seqgan.make_seqgan(
      generator, discriminator, schedule=schedule,
      generator_optimizer=optax.chain(optax.clip_by_global_norm(5.0),
                                      optax.adam(1e-2)),
      discriminator_optimizer=optax.adam(1e-3), length=T, batch_size=B,
      **kwargs)


def data_fn():
  return text.make_batch_fn(counting_sequences(256), B)


def config(num_steps: int = 40):
  """A config the loop accepts (the oracle config's fields, small)."""
  c = groups.seqgan_config("seqgan_oracle")
  c.data.batch_size = B
  c.seqgan.mle_steps = SCHEDULE.mle_steps
  c.seqgan.pretrain_rounds = SCHEDULE.pretrain_rounds
  c.train.num_steps = num_steps
  c.train.steps_per_call = 4
  c.train.log_every = 4
  c.train.checkpoint_every = 8
  c.train.progress_bar = False
  return c


def experiment(**kwargs) -> Experiment:
  return Experiment(algorithm(**kwargs), data_fn())
