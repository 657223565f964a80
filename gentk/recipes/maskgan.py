"""Recipe `maskgan`: MaskGAN and its MaskMLE baseline
(`gentk.algorithms.maskgan`, `config.maskgan.method`) on a text corpus.

Scored on the first `eval.num_test` test sentences, each with one mask drawn
from a fixed key (the same masks for every run and method): the perplexity
of the real tokens at the blanks (teacher-forced), then one fill per
sentence: the n-gram statistics of the fills (`gentk.metrics.text.
fill_ngram_stats`: % unique n-grams, % of them seen in training) and BLEU of
the filled sentences against all test sentences. The workdir receives
`vocab.json` and `fills.txt` (per sentence: the masked input, blanks as
`_`, and the fill, the generated words in brackets).
"""
import math
import pathlib

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from gentk.algorithms import maskgan
from gentk.data import text
from gentk.estimators import categorical
from gentk.metrics import text as text_metrics
from gentk.models import maskgan as models
from gentk.training.loop import Experiment
from gentk import optim

MASK_KEY = 0  # The evaluation masks' key: fixed across runs and methods.
FILL_EXAMPLES = 20  # Lines of fills.txt.


def modules(model: ml_collections.ConfigDict, vocab_size: int
            ) -> tuple[models.MaskedSeq2Seq, models.MaskedSeq2Seq,
                       models.ValueHead]:
  """Generator, discriminator and critic of `config.model`."""
  seq2seq = lambda outputs, shift: models.MaskedSeq2Seq(
      vocab_size, model.embed_dim, model.hidden_dim, outputs=outputs,
      start_token=text.BOS, shift=shift, init_scale=model.init_scale)
  return (seq2seq(vocab_size, True), seq2seq(1, False),
          models.ValueHead(model.hidden_dim))


def settings(config: ml_collections.ConfigDict) -> maskgan.Settings:
  """`maskgan.Settings` from `config.maskgan`."""
  s = config.maskgan
  return maskgan.Settings(
      maskmle_steps=s.maskmle_steps, present_rate=s.present_rate,
      mask_mode=s.mask_mode, discount=s.discount,
      advantage_clip=s.advantage_clip, end_token=text.EOS)


def _sentence(vocab: text.Vocabulary, row: np.ndarray, present: np.ndarray,
              length: int, given: bool) -> str:
  """Words of one row up to its end token; blanks as `_` (`given`) or the
  generated word in brackets."""
  words = []
  for token, is_present in zip(row[:length], present[:length]):
    word = vocab.tokens[token] if token != text.EOS else "</s>"
    words.append(word if is_present else ("_" if given else f"[{word}]"))
  return " ".join(words)


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """MaskGAN of `config.maskgan.method` on `config.data.corpus`."""
  d, o, e = config.data, config.optim, config.eval
  corpus = text.load_corpus(d.corpus, length=d.length)
  train = corpus.train[:d.num_train] if d.num_train else corpus.train
  test = corpus.test[:e.num_test] if e.num_test else corpus.test
  generator, discriminator, critic = modules(config.model, len(corpus.vocab))
  s = settings(config)
  algorithm = maskgan.make_maskgan(
      generator, discriminator, critic, settings=s,
      generator_optimizer=optim.clipped_adam(o.g_lr, o.g_clip),
      actor_optimizer=optim.clipped_adam(o.actor_lr or o.g_lr, o.g_clip),
      discriminator_optimizer=optax.adam(o.d_lr),
      critic_optimizer=optax.adam(o.critic_lr), length=corpus.length,
      method=config.maskgan.method, axis_name=axis_name)
  present = np.asarray(maskgan.make_mask(
      jax.random.PRNGKey(MASK_KEY), test, mode=s.mask_mode,
      present_rate=s.present_rate, end_token=text.EOS))
  lengths = np.asarray(maskgan.sentence_lengths(test, text.EOS))
  references = text_metrics.References(
      [list(r[:n]) for r, n in zip(corpus.test.tolist(),
                                   text.lengths(corpus.test))],
      max_n=max(e.bleu_orders))
  train_words = [list(r[:n]) for r, n in zip(train.tolist(),
                                             text.lengths(train))]

  @jax.jit
  def blank_nll(g_variables):
    logits = generator.apply(g_variables, test, present, test)
    nll = -categorical.categorical_log_prob(logits, jnp.asarray(test))
    return maskgan.masked_mean(nll, jnp.asarray(~present, jnp.float32))

  fill = jax.jit(lambda g_variables, key: maskgan.fill(
      generator, g_variables, key, test, present)[0])

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    g_variables = state.params[maskgan.GENERATOR]
    filled = np.asarray(fill(g_variables, key))
    words = [list(r[:n]) for r, n in zip(filled.tolist(),
                                         text.lengths(filled))]
    flags = [list(~p) for p in present]
    result = {"masked_perplexity": math.exp(float(blank_nll(g_variables)))}
    result.update(text_metrics.fill_ngram_stats(words, flags, train_words,
                                                orders=tuple(e.ngram_orders)))
    result.update(text_metrics.bleu(words, references,
                                    orders=tuple(e.bleu_orders)))
    lines = []
    for i in range(min(FILL_EXAMPLES, len(test))):
      lines.append(_sentence(corpus.vocab, test[i], present[i], lengths[i],
                             True))
      lines.append(_sentence(corpus.vocab, filled[i], present[i], lengths[i],
                             False))
      lines.append("")
    suffix = f"_{tag}" if tag else ""
    (workdir / f"fills{suffix}.txt").write_text("\n".join(lines),
                                               encoding="utf-8")
    corpus.vocab.save(workdir / "vocab.json")
    return result

  return Experiment(algorithm, text.make_batch_fn(train, d.batch_size),
                    evaluate, decode=corpus.vocab.decode)
