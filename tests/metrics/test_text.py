"""BLEU and self-BLEU against NLTK's sentence_bleu with method-1 smoothing."""
import functools
import math
import time

import jax.numpy as jnp
import numpy as np
import pytest
from nltk.translate.bleu_score import SmoothingFunction
from nltk.translate.bleu_score import sentence_bleu as nltk_sentence_bleu

from gentk.metrics import text

METHOD1 = SmoothingFunction().method1

# Sentences from NLTK's own BLEU docstring (there BLEU-4 of _HYP = 0.5045...).
_HYP = ("It is a guide to action which ensures that the military always obeys "
        "the commands of the party").split()
_WORD_REFS = [
    ("It is a guide to action that ensures that the military will forever "
     "heed Party commands").split(),
    ("It is the guiding principle which guarantees the military forces always "
     "being under the command of the Party").split(),
    ("It is the practical guide for the army always to heed the directions of "
     "the party").split(),
    "the cat sat on the mat".split(),
    "a cat is on the mat".split(),
    "there is a cat on the mat".split(),
    "the".split(),
]
_WORD_HYPS = [
    _HYP,
    ("It is to insure the troops forever hearing the activity guidebook that "
     "party direct").split(),
    "the the the the the the the".split(),
    "the cat".split(),
    "cat".split(),
    "on the mat the cat sat".split(),
    "It is a guide to the party".split(),
    "completely unrelated words here".split(),
    "the military always".split(),
]


def _nltk(references, hypothesis, n):
  return nltk_sentence_bleu(references, hypothesis, weights=(1 / n,) * n,
                            smoothing_function=METHOD1)


def _random_sentences(rng, num, vocab, lengths):
  return [rng.integers(0, vocab, size=rng.choice(lengths)).tolist()
          for _ in range(num)]


def test_matches_nltk_on_int_tokens():
  """Includes hypotheses shorter than n, empty ones and an empty reference."""
  rng = np.random.default_rng(0)
  lengths = [0, 1, 2, 3, 4, 5, 7, 10, 14]
  refs = _random_sentences(rng, 300, 8, lengths[1:]) + [[]]
  hyps = _random_sentences(rng, 200, 8, lengths)
  assert any(len(h) == 0 for h in hyps) and any(len(h) == 1 for h in hyps)
  for n in (2, 3, 4, 5):
    expected = np.array([_nltk(refs, h, n) for h in hyps])
    got = text.sentence_bleu(hyps, refs, n=n)
    assert got.dtype == np.float64 and got.shape == (200,)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert 0 < np.mean(got) < 1


def test_matches_nltk_on_words():
  for n in (2, 3, 4, 5):
    expected = [_nltk(_WORD_REFS, h, n) for h in _WORD_HYPS]
    got = text.sentence_bleu(_WORD_HYPS, _WORD_REFS, n=n)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
  # NLTK's documented value: all orders match, so smoothing changes nothing.
  bleu4 = text.sentence_bleu([_HYP], _WORD_REFS[:3], n=4)[0]
  assert bleu4 == pytest.approx(0.5045666840058485, abs=1e-12)


def test_prebuilt_references_and_array_tokens():
  rng = np.random.default_rng(1)
  refs = _random_sentences(rng, 50, 6, [3, 6, 9])
  hyps = _random_sentences(rng, 20, 6, [2, 5, 8])
  built = text.References(refs, max_n=5)
  assert built.lengths == (3, 6, 9) and built.num_references == 50
  expected = text.sentence_bleu(hyps, refs, n=3)
  np.testing.assert_array_equal(text.sentence_bleu(hyps, built, n=3), expected)
  as_arrays = [np.asarray(h, dtype=np.int32) for h in hyps]
  np.testing.assert_array_equal(text.sentence_bleu(as_arrays, refs, n=3),
                                expected)
  with pytest.raises(ValueError, match="max_n"):
    text.sentence_bleu(hyps, text.References(refs, max_n=2), n=3)


def test_multi_reference_clipping_is_per_ngram_max():
  """'the' clipped at 2 (second reference), not 1 + 2 summed over refs."""
  refs = [["the", "cat"], ["the", "the", "dog"]]
  hyp = ["the"] * 4
  assert text.References(refs, max_n=1).max_counts[0]["the"] == 2
  # p1 = 2/4 and p2 = 1/3 ("the the" at most once in a reference); BP = 1.
  p1, p2 = 2 / 4, 1 / 3
  expected = math.exp(0.5 * math.log(p1) + 0.5 * math.log(p2))
  assert text.sentence_bleu([hyp], refs, n=2)[0] == pytest.approx(expected)
  assert _nltk(refs, hyp, 2) == pytest.approx(expected)


def test_nltk_edge_cases():
  refs = [["a", "b", "c", "d"], ["a", "b", "c", "d", "e", "f"]]
  # Empty hypothesis: NLTK returns 0 (no matching unigram), no error.
  assert _nltk(refs, [], 2) == 0
  assert text.sentence_bleu([[]], refs, n=2)[0] == 0.0
  # No unigram match: exactly 0, before any smoothing.
  assert _nltk(refs, ["x", "y"], 3) == 0
  assert text.sentence_bleu([["x", "y"]], refs, n=3)[0] == 0.0
  # Shorter than n: p_k = 0.1 / max(1, 0) = 0.1 for k > |h|; BP with r = 4.
  expected = math.exp(1 - 4 / 1) * math.exp(math.log(0.1) * 2 / 3)
  assert _nltk(refs, ["a"], 3) == pytest.approx(expected, abs=1e-15)
  assert text.sentence_bleu([["a"]], refs, n=3)[0] == pytest.approx(
      expected, abs=1e-15)
  # Closest length 4 vs 6 for |h| = 5 is a tie -> the shorter (4): BP = 1.
  hyp = ["a", "b", "c", "d", "e"]
  assert text.sentence_bleu([hyp], refs, n=2)[0] == pytest.approx(
      _nltk(refs, hyp, 2), abs=1e-15)
  assert text.sentence_bleu([hyp], refs, n=2)[0] == pytest.approx(1.0)


def test_errors():
  with pytest.raises(ValueError, match="reference"):
    text.sentence_bleu([["a"]], [], n=2)
  with pytest.raises(TypeError, match="tokenize"):
    text.sentence_bleu(["a b c"], [["a", "b"]], n=2)
  with pytest.raises(ValueError, match="2 samples"):
    text.self_bleu([["a", "b"]])
  with pytest.raises(ValueError, match="fast"):
    text.bleu([["a"]], text.References([["a"]]), fast=True)


def test_bleu_means_and_fast_mode_uses_first_500_references():
  rng = np.random.default_rng(2)
  refs = _random_sentences(rng, 700, 2000, [4, 6, 8])
  hyps = _random_sentences(rng, 40, 2000, [5, 7])
  refs[600:640] = hyps  # Matches only in the references fast mode drops.
  fast = text.bleu(hyps, refs, orders=(2, 3), fast=True)
  full = text.bleu(hyps, refs, orders=(2, 3))
  assert set(fast) == {"bleu2", "bleu3"}
  for n in (2, 3):
    assert fast[f"bleu{n}"] == pytest.approx(
        np.mean(text.sentence_bleu(hyps, refs[:500], n=n)), abs=1e-15)
    assert full[f"bleu{n}"] == pytest.approx(
        np.mean(text.sentence_bleu(hyps, refs, n=n)), abs=1e-15)
    assert full[f"bleu{n}"] > fast[f"bleu{n}"] + 0.1
  small = text.bleu(hyps, refs, orders=(2,), fast=True,
                    num_fast_references=100)
  assert small["bleu2"] == pytest.approx(
      np.mean(text.sentence_bleu(hyps, refs[:100], n=2)), abs=1e-15)


def test_self_bleu_matches_nltk_leave_one_out():
  rng = np.random.default_rng(3)
  samples = _random_sentences(rng, 57, 7, [1, 2, 3, 5, 8, 11])
  # Leave-one-out corner cases: a unique length whose sample holds the
  # unique maximum count of an n-gram, and an exact duplicate (tied maxima).
  samples += [[6] * 13, samples[0], [0, 1, 2, 3, 4, 5, 6] * 2]
  per_sample = {}
  for n in (2, 3, 4, 5):
    expected = np.array([_nltk(samples[:i] + samples[i + 1:], s, n)
                         for i, s in enumerate(samples)])
    per_sample[n] = text.self_sentence_bleu(samples, n=n)
    np.testing.assert_allclose(per_sample[n], expected, rtol=0, atol=1e-9)
  means = text.self_bleu(samples)
  assert set(means) == {f"self_bleu{n}" for n in (2, 3, 4, 5)}
  for n in (2, 3, 4, 5):
    assert means[f"self_bleu{n}"] == pytest.approx(np.mean(per_sample[n]),
                                                   abs=1e-15)
  # num_hypotheses: the first k score against all other samples.
  first = text.self_bleu(samples, orders=(3,), num_hypotheses=10)
  assert first["self_bleu3"] == pytest.approx(np.mean(per_sample[3][:10]),
                                              abs=1e-15)
  # Leaving sample i out matters: against all samples (itself included) the
  # unique-length, unique-count sample [6] * 13 would score 1.
  assert per_sample[2][57] < 0.5
  assert text.sentence_bleu([samples[57]], samples, n=2)[0] == 1.0


def test_speed_10k_by_10k():
  """Texygen-scale BLEU-2..5 and self-BLEU; NLTK takes hours for this."""
  rng = np.random.default_rng(4)
  hyps = _random_sentences(rng, 10_000, 5_000, range(8, 13))
  refs = _random_sentences(rng, 10_000, 5_000, range(8, 13))
  start = time.perf_counter()
  scores = text.bleu(hyps, refs)
  elapsed = time.perf_counter() - start
  assert elapsed < 60, elapsed
  assert 0 < scores["bleu5"] < scores["bleu2"] < 1
  start = time.perf_counter()
  self_scores = text.self_bleu(hyps)
  elapsed = time.perf_counter() - start
  assert elapsed < 60, elapsed
  assert 0 < self_scores["self_bleu5"] < self_scores["self_bleu2"] < 1


def test_sequence_nll_and_nll_test_against_a_direct_computation():
  """Per-sequence NLL (masked mean), and NLL-test's token-weighted mean, equal
  a float64 log-softmax of the same logits; chunking does not matter."""
  rng = np.random.default_rng(0)
  table = jnp.asarray(rng.normal(size=(6, 5)), jnp.float32)  # logits by prev
  apply = lambda params, tokens: params[jnp.concatenate(
      [jnp.zeros_like(tokens[:, :1]), tokens[:, :-1]], axis=1)]
  log_prob = functools.partial(text.token_log_prob_fn(apply), table)
  tokens = rng.integers(0, 5, size=(7, 4))
  mask = np.arange(4) <= rng.integers(0, 4, size=7)[:, None]
  logits = np.asarray(table, np.float64)[np.concatenate(
      [np.zeros((7, 1), int), tokens[:, :-1]], axis=1)]
  log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
  picked = np.take_along_axis(log_p, tokens[..., None], -1)[..., 0]
  expected = -(picked * mask).sum(-1) / mask.sum(-1)
  for chunk in (3, 100):
    np.testing.assert_allclose(
        text.sequence_nll(log_prob, tokens, mask, chunk_size=chunk),
        expected, rtol=1e-5)
  np.testing.assert_allclose(text.nll_test(log_prob, tokens, mask),
                             -(picked * mask).sum() / mask.sum(), rtol=1e-5)
  np.testing.assert_allclose(text.nll_oracle(log_prob, tokens),
                             -picked.mean(), rtol=1e-5)


def test_fill_ngram_stats_by_hand():
  # Sentence 1 "a b c d", c and d filled: bigrams covering a fill (b,c),
  # (c,d). Sentence 2 "a b c d", only b filled: (a,b), (b,c). Distinct
  # {(b,c), (c,d), (a,b)} of 4 -> 75% unique; in the training text "a b c"
  # occur (a,b) and (b,c): 2 of 3 distinct.
  sentences = [["a", "b", "c", "d"], ["a", "b", "c", "d"]]
  filled = [[False, False, True, True], [False, True, False, False]]
  stats = text.fill_ngram_stats(sentences, filled, [["a", "b", "c"]],
                                orders=(2, 4))
  assert stats["unique2"] == pytest.approx(75.0)
  assert stats["unique2_in_train"] == pytest.approx(200.0 / 3)
  # One 4-gram per sentence, the same one: 1 distinct of 2, never in train.
  assert stats["unique4"] == pytest.approx(50.0)
  assert stats["unique4_in_train"] == 0.0
  assert text.fill_ngrams(sentences, filled, 3) == [
      ("a", "b", "c"), ("b", "c", "d"), ("a", "b", "c"), ("b", "c", "d")]
