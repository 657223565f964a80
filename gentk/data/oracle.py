r"""The SeqGAN synthetic oracle: a fixed random LSTM as the "true" data source.

Yu et al. (2017, Section 5) measure sequence generators against an oracle
$G_\text{oracle}$, a randomly initialised LSTM (vocabulary 5,000, embedding
and hidden width 32, length 20, start token 0): training data are its samples,
and a generator $G_\theta$ is scored by the oracle's per-token negative
log-likelihood of the generator's samples,
$$\text{NLL}_\text{oracle} = -E_{Y_{1:T} \sim G_\theta}\Big[\frac1T
  \sum_{t=1}^T \log G_\text{oracle}(y_t \mid Y_{1:t-1})\Big],$$
(`gentk.metrics.text.nll_oracle`). The parameters are the published code's
`target_params` (`seqgan/oracle_lstm_params.npz` in the data folder, which
`gentk data fetch seqgan_oracle` converts from the published pickle),
loaded into `gentk.models.lstm.LSTMLanguageModel`.

Training set: `NUM_TRAIN` = 10,000 oracle samples drawn from
`jax.random.PRNGKey(TRAIN_SEED)` (the published code draws
int(10000/64)*64 = 9,984 with its own generator; ours are not the same
sequences, only the same distribution). Checks (data README): the oracle
scores its own samples 5.75 nats per token, uniform tokens 11.44.

References:
  Yu, Zhang, Wang & Yu 2017, "SeqGAN: Sequence Generative Adversarial Nets
    with Policy Gradient", https://arxiv.org/abs/1609.05473
"""
import functools
import zipfile
from typing import NamedTuple

import jax
import numpy as np

from gentk.data import paths
from gentk.estimators import rollout
from gentk.models import lstm
from gentk.types import Array, PRNGKey, PyTree

PARAMS_FILE = "seqgan/oracle_lstm_params.npz"
VOCAB_SIZE, EMBED_DIM, HIDDEN_DIM = 5000, 32, 32
LENGTH, START_TOKEN = 20, 0
NUM_TRAIN, TRAIN_SEED = 10_000, 88  # 88: the published code's seed.


class Oracle(NamedTuple):
  """The oracle's module and parameters (`model.apply({"params": params},
  tokens)` gives teacher-forced logits)."""
  model: lstm.LSTMLanguageModel
  params: PyTree


def load_oracle() -> Oracle:
  """The published oracle from `seqgan/oracle_lstm_params.npz` in the data
  folder (`gentk.data.paths.data_dir()`).

  Raises:
    FileNotFoundError: one line naming the missing file, the data folder and
      `gentk data fetch seqgan_oracle`.
  """
  path = paths.require(PARAMS_FILE)
  try:
    with np.load(path, allow_pickle=False) as arrays:
      params = lstm.params_from_gates(dict(arrays))
  except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
    raise paths.damaged(path, f"{type(e).__name__}: {e}") from e
  model = lstm.LSTMLanguageModel(VOCAB_SIZE, EMBED_DIM, HIDDEN_DIM,
                                 start_token=START_TOKEN)
  return Oracle(model, params)


def sample(oracle: Oracle, key: PRNGKey, num: int, *,
           length: int = LENGTH) -> Array:
  """`num` oracle sequences `[num, length]` int32, one compiled scan."""
  return _sample(oracle.model, oracle.params, key, num, length)


@functools.partial(jax.jit, static_argnums=(0, 3, 4))
def _sample(model, params, key, num, length):
  policy = functools.partial(lstm.policy_step_fn(model), params)
  return rollout.sample_sequences(key, policy, model.initial_state((num,)),
                                  length=length,
                                  start_token=model.start_token)


def training_set(oracle: Oracle, *, num: int = NUM_TRAIN,
                 seed: int = TRAIN_SEED) -> np.ndarray:
  """The fixed training data: `num` oracle samples from `PRNGKey(seed)`,
  int32 `[num, 20]` on the host."""
  return np.asarray(sample(oracle, jax.random.PRNGKey(seed), num))
