"""Recipe: SeqGAN, its MLE baseline and the boundary-seeking GAN on sequences
(`gentk.algorithms.seqgan`, `config.seqgan.method`) on the
synthetic oracle (scored by NLL-oracle) or a text corpus (scored by BLEU,
self-BLEU and NLL-test); see `experiments/configs/seqgan_oracle.py` and
`seqgan_text.py`.

The workdir receives `vocab.json` (text corpora), `samples.npz` (int32
`tokens [N, T]`, the evaluated samples), `samples.txt` (one sample a line:
decoded words, or token ids for the oracle) and `curve.png` (the monitored
NLL against the step, phase starts marked).
"""
import functools
import pathlib
from typing import Callable, NamedTuple

import jax
import ml_collections
import numpy as np
import optax

from gentk import optim
from gentk import plotting
from gentk.algorithms import seqgan
from gentk.data import oracle as oracle_lib
from gentk.data import text
from gentk.metrics import text as text_metrics
from gentk.models import lstm
from gentk.models import text_cnn
from gentk.training import writers
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.types import Algorithm, TrainState

ORACLE = "oracle"
FILTERS = {"paper": text_cnn.PAPER_FILTERS, "small": text_cnn.SMALL_FILTERS}
# Published NLL-oracle (SeqGAN code's experiment log; PROTOCOLS.md).
ORACLE_REFERENCE = {"published MLE 9.07": 9.07, "published SeqGAN 8.68": 8.68}


class Data(NamedTuple):
  """Token arrays and how to read them."""
  train: np.ndarray
  test: np.ndarray | None
  vocab: text.Vocabulary | None  # None: the oracle's ids.
  start_token: int
  vocab_size: int
  oracle: oracle_lib.Oracle | None = None  # The synthetic data's source.


def check(config: ml_collections.ConfigDict) -> None:
  """One-line `ConfigError`s for settings that cannot work together."""
  d, m = config.data, config.model
  if d.corpus == ORACLE and d.length != oracle_lib.LENGTH:
    raise ConfigError(
        f"config.data.length={d.length} does not apply to the oracle, whose "
        f"sequences have {oracle_lib.LENGTH} tokens: pass e.g. "
        f"--config.data.length={oracle_lib.LENGTH}.")
  widest = max(w for w, _ in FILTERS[m.d_filters])
  if d.length < widest:
    other = ("" if m.d_filters == "small" else
             " or --config.model.d_filters=small")
    raise ConfigError(
        f"config.data.length={d.length} is shorter than the widest filter "
        f"({widest}) of config.model.d_filters={m.d_filters!r}: pass e.g. "
        f"--config.data.length={widest}{other}.")


def load_data(config: ml_collections.ConfigDict) -> Data:
  """The oracle's training set or a text corpus, from `config.data` (and
  `config.eval.num_test`: the first test sentences kept, 0 for all)."""
  d = config.data
  if d.corpus == ORACLE:
    oracle = oracle_lib.load_oracle()
    return Data(oracle_lib.training_set(oracle, num=d.num_train), None, None,
                oracle_lib.START_TOKEN, oracle_lib.VOCAB_SIZE, oracle)
  corpus = text.load_corpus(d.corpus, length=d.length,
                            max_vocab=d.max_vocab or None)
  train = corpus.train[:d.num_train] if d.num_train else corpus.train
  num_test = config.eval.num_test
  test = corpus.test[:num_test] if num_test else corpus.test
  return Data(train, test, corpus.vocab, text.BOS, len(corpus.vocab))


def schedule(config: ml_collections.ConfigDict) -> seqgan.Schedule:
  """`seqgan.Schedule` from `config.seqgan` (0 for `rollout_chunk`: all rows
  at once)."""
  s = config.seqgan
  return seqgan.Schedule(
      mle_steps=s.mle_steps, pretrain_rounds=s.pretrain_rounds,
      g_steps=s.g_steps, d_steps=s.d_steps, d_epochs=s.d_epochs,
      num_negatives=s.num_negatives, num_rollouts=s.num_rollouts,
      rollout_rate=s.rollout_rate, sample_chunk=s.sample_chunk,
      rollout_chunk=s.rollout_chunk or None, bgan_samples=s.bgan_samples)


def policy_gradient_rate(config: ml_collections.ConfigDict
                         ) -> float | optax.Schedule:
  r"""The adversarial phase's generator rate: `optim.pg_lr` (0: `g_lr`),
  eta; with alpha = `optim.pg_final_lr_fraction` under 1, the cosine decay
  eta_t = eta (alpha + (1 - alpha) (1 + cos(pi t / T)) / 2) over the phase's
  T = `g_steps` x (adversarial steps) updates (the phase starts a fresh
  Adam, so t starts at 0; `optax.cosine_decay_schedule`)."""
  o, s = config.optim, config.seqgan
  lr = o.pg_lr or o.g_lr
  alpha = o.get("pg_final_lr_fraction", 1.0)
  if alpha == 1.0:
    return lr
  adversarial = config.train.num_steps - s.mle_steps - s.pretrain_rounds
  return optax.cosine_decay_schedule(lr, max(adversarial * s.g_steps, 1),
                                     alpha=alpha)


def _mask(tokens: np.ndarray) -> np.ndarray:
  """1 on the words and the end token, 0 on the padding after it."""
  return np.arange(tokens.shape[1]) <= text.lengths(tokens)[:, None]


def _decode(data: Data, tokens: np.ndarray) -> list[str]:
  if data.vocab is None:
    return [" ".join(map(str, row)) for row in tokens]
  return data.vocab.decode(tokens)


def _words(data: Data, tokens: np.ndarray) -> list[list[int]]:
  """Token ids up to (not including) the end token: what BLEU compares."""
  return [list(row[:n]) for row, n in zip(tokens.tolist(),
                                          text.lengths(tokens))]


def _monitored(workdir: pathlib.Path, tag: str) -> list[dict]:
  """The monitored records of `workdir/metrics.jsonl` for one seed (`tag`
  "seed<i>", or "" for a one-seed run): `step`, `phase_name` and the
  `monitor/<name>` values as floats of that seed."""
  seed = int(tag[len("seed"):]) if tag else None
  out = []
  for r in writers.read_metrics(workdir):
    values = {k[len("monitor/"):]: float(np.asarray(v)[seed] if seed
                                         is not None else v)
              for k, v in r.items() if k.startswith("monitor/")}
    if values:
      out.append({"step": r["step"], "phase_name": r.get("phase_name", ""),
                  **values})
  return out


def _plot_curve(records: list[dict], path: pathlib.Path, name: str,
                reference: dict | None) -> None:
  """`name` against the step, phase starts marked."""
  records = [r for r in records if name in r]
  if records:
    starts = {}
    for r in records:
      starts.setdefault(r["phase_name"], r["step"])
    plotting.curve([r["step"] for r in records], [r[name] for r in records],
                   path, ylabel=name, marks=starts, reference=reference)


def _pretrained(records: list[dict]) -> dict:
  """`mle_<name>`: the last monitored figures of the MLE phase, i.e. the MLE
  baseline from this run's own pre-training (empty if not monitored)."""
  mle = [r for r in records if r["phase_name"] == "mle"]
  if not mle:
    return {}
  return {f"mle_{k}": v for k, v in mle[-1].items()
          if k not in ("step", "phase_name")}


def players(config: ml_collections.ConfigDict, data: Data
            ) -> tuple[lstm.LSTMLanguageModel, text_cnn.TextCNN]:
  """The LSTM generator and the CNN discriminator of `config.model`."""
  m = config.model
  return (lstm.LSTMLanguageModel(
      data.vocab_size, m.embed_dim, m.hidden_dim,
      start_token=data.start_token, init_scale=m.init_scale),
          text_cnn.TextCNN(data.vocab_size, m.d_embed_dim,
                           filters=FILTERS[m.d_filters],
                           dropout_rate=m.d_dropout))


def make_algorithm(config: ml_collections.ConfigDict, data: Data,
                   axis_name: str | None) -> Algorithm:
  """`seqgan.make_seqgan` of `config` on `data`."""
  m, o = config.model, config.optim
  generator, discriminator = players(config, data)
  return seqgan.make_seqgan(
      generator, discriminator, schedule=schedule(config),
      generator_optimizer=optim.clipped_adam(o.g_lr, o.g_clip),
      discriminator_optimizer=optax.adam(o.d_lr),
      policy_gradient_optimizer=optim.clipped_adam(
          policy_gradient_rate(config), o.g_clip),
      length=data.train.shape[1], batch_size=config.data.batch_size,
      l2=m.d_l2, method=config.seqgan.method,
      bgan_estimator=config.seqgan.bgan_estimator, axis_name=axis_name)


def oracle_scorer(data: Data) -> Callable[[TrainState, np.ndarray], dict]:
  """`score(state, samples)`: the oracle's NLL of the samples."""
  oracle_log_prob = functools.partial(
      text_metrics.token_log_prob_fn(data.oracle.model.apply),
      {"params": data.oracle.params})
  return lambda state, samples: {
      "nll_oracle": text_metrics.nll_oracle(oracle_log_prob, samples)}


def text_scorer(config: ml_collections.ConfigDict, data: Data,
                generator_apply: Callable
                ) -> Callable[[TrainState, np.ndarray], dict]:
  """`score(state, samples)`: the generator's NLL of the test sentences, the
  samples' BLEU against them (all, and Texygen's fast mode: the first 500)
  and their self-BLEU. The references are built once: every monitored point
  scores against the same ones."""
  e = config.eval
  orders = tuple(e.bleu_orders)
  g_log_prob = text_metrics.token_log_prob_fn(generator_apply)
  test_mask = _mask(data.test)
  test_words = _words(data, data.test)
  references = text_metrics.References(test_words, max_n=max(orders))
  fast_references = text_metrics.References(
      test_words[:text_metrics.NUM_FAST_REFERENCES], max_n=max(orders))

  def score(state, samples: np.ndarray) -> dict:
    generated = _words(data, samples)
    result = {"nll_test": text_metrics.nll_test(
        functools.partial(g_log_prob, state.params[seqgan.GENERATOR]),
        data.test, test_mask)}
    result.update(text_metrics.bleu(generated, references, orders=orders))
    result.update({f"{k}_fast": v for k, v in text_metrics.bleu(
        generated, fast_references, orders=orders).items()})
    result.update(text_metrics.self_bleu(
        generated[:e.num_self_bleu] if e.num_self_bleu else generated,
        orders=orders))
    return result
  return score


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """SeqGAN of `config.seqgan.method` on `config.data.corpus`."""
  e = config.eval
  check(config)
  data = load_data(config)
  algorithm = make_algorithm(config, data, axis_name)
  data_fn = text.make_batch_fn(data.train, config.data.batch_size)
  draw = jax.jit(algorithm.sample, static_argnums=2)
  if data.vocab is None:
    score = oracle_scorer(data)
    curve_name, reference = "nll_oracle", ORACLE_REFERENCE
  else:
    score = text_scorer(config, data, players(config, data)[0].apply)
    curve_name, reference = "nll_test", None

  def scores(state, key) -> tuple[dict, np.ndarray]:
    """The run's figures and the samples they were computed from."""
    samples = np.asarray(draw(state, key, e.num_samples))
    return score(state, samples), samples

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    result, samples = scores(state, key)
    suffix = f"_{tag}" if tag else ""
    np.savez(workdir / f"samples{suffix}.npz", tokens=samples)
    (workdir / f"samples{suffix}.txt").write_text(
        "\n".join(_decode(data, samples)) + "\n", encoding="utf-8")
    if data.vocab is not None:
      data.vocab.save(workdir / "vocab.json")
    records = _monitored(workdir, tag)
    result.update(_pretrained(records))
    _plot_curve(records, workdir / f"curve{suffix}.png", curve_name,
                reference)
    return result

  every = {"mle": e.monitor_every_mle, "adversarial": e.monitor_every_adv}
  return Experiment(algorithm, data_fn, evaluate,
                    monitor=lambda state, key: scores(state, key)[0],
                    monitor_every={k: v for k, v in every.items() if v},
                    decode=functools.partial(_decode, data))
