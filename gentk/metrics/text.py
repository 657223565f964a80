r"""BLEU-n and self-BLEU of token sequences, equal to NLTK's and fast.

BLEU (Papineni et al. 2002) of a hypothesis h against references R, up to
order N with uniform weights w_n = 1/N:

  BLEU-N = BP * exp(sum_{n=1..N} w_n log p_n),
  p_n = sum_g min(c_h(g), max_{r in R} c_r(g)) / max(1, sum_g c_h(g)),
  BP = 1 if c > r else exp(1 - r / c),

with g ranging over the n-grams of h, c_x(g) the count of g in x, c = |h| and
r the reference length closest to c (ties -> the shorter, as NLTK's
`closest_ref_length` and mteval). The clipping is "modified precision": a
hypothesis n-gram is credited at most as often as it occurs in any SINGLE
reference, so it is clipped at the maximum count over references. That
maximum does not depend on the hypothesis, so it is precomputed once per
n-gram into one dict per order (`References`), and a hypothesis costs O(|h|)
dict lookups instead of O(|R| |h|) as in NLTK's loop over references. The
brevity penalty needs only the sorted distinct reference lengths (bisect).

Smoothing is Chen & Cherry's (2014) method 1, NLTK's
`SmoothingFunction().method1` with epsilon = 0.1: an order with no match gets
p_n = epsilon / denominator instead of 0. The numbers are those of

  nltk.translate.bleu_score.sentence_bleu(references, hypothesis,
      weights=(1/N,) * N, smoothing_function=SmoothingFunction().method1)

(computed with the same float operations, so equal to the last bit in
practice), including NLTK's edge cases:

* no unigram of h occurs in any reference (in particular an empty h): BLEU
  is exactly 0 for every N, before any smoothing (NLTK's early return);
* |h| < n: no n-grams, the denominator is max(1, 0) = 1 and p_n = 0.1, a
  larger p_n than a longer hypothesis with no n-gram match gets (0.1 / den);
* |h| = 0: BP would be 0, but the early return above already gives 0;
* method 1 never warns (NLTK's "0 counts of n-gram overlaps" warning is
  method 0's); no references at all is an error (NLTK fails on `min()` of an
  empty sequence) and raises `ValueError` here.

Texygen (Zhu et al. 2018), the benchmark that made BLEU-2..5 and self-BLEU
standard for unconditional text GANs, averages this sentence-level score over
generated sentences, each scored against the whole test set. Its default
"fast" mode uses only the first 500 test sentences as references
(`bleu(..., fast=True)`); see `self_bleu` for its self-BLEU.

The functions take token sequences (lists or tuples of hashables: str words or
int ids; 1-D integer arrays are converted with `tolist()`): callers decode and
strip padding / end tokens themselves.

References:
  Papineni et al. 2002, "BLEU: a Method for Automatic Evaluation of Machine
    Translation", https://aclanthology.org/P02-1040/
  Chen & Cherry 2014, "A Systematic Comparison of Smoothing Techniques for
    Sentence-Level BLEU", https://aclanthology.org/W14-3346/
  Zhu et al. 2018, "Texygen: A Benchmarking Platform for Text Generation
    Models", https://arxiv.org/abs/1802.01886,
    https://github.com/geek-ai/Texygen (utils/metrics/Bleu.py, SelfBleu.py)
  NLTK, https://www.nltk.org/api/nltk.translate.bleu_score.html
"""
import bisect
import collections
import math
from typing import Callable, Hashable, Iterable, Sequence

import jax
import numpy as np

from gentk.estimators import categorical

EPSILON = 0.1  # NLTK's SmoothingFunction().method1 default.
NUM_FAST_REFERENCES = 500  # Texygen's `sample_size` in fast mode.

Sentence = Sequence[Hashable]


def _as_tokens(sentence) -> tuple:
  """A sentence as a tuple of hashable tokens (arrays via `tolist()`)."""
  if isinstance(sentence, (str, bytes)):
    raise TypeError("a sentence is a sequence of tokens, got a string "
                    f"{sentence[:40]!r}; tokenize it first (or list(s) for "
                    "characters)")
  if hasattr(sentence, "tolist"):
    sentence = sentence.tolist()
  return tuple(sentence)


def _ngram_counts(tokens: tuple, n: int) -> collections.Counter:
  """Counts of the n-grams of `tokens` (tokens themselves for n = 1)."""
  if n == 1:
    return collections.Counter(tokens)
  if len(tokens) < n:
    return collections.Counter()
  return collections.Counter(zip(*[tokens[k:] for k in range(n)]))


def _closest_length(lengths: Sequence[int], hyp_len: int,
                    skip: int | None = None) -> int:
  """The length in sorted distinct `lengths` closest to `hyp_len`.

  Ties go to the shorter length, as NLTK's `closest_ref_length`
  (`min(key=(|r - c|, r))`). `skip` is a length to ignore (self-BLEU: the
  hypothesis' own length when no other sample has it).
  """
  j = bisect.bisect_left(lengths, hyp_len)  # lengths[j] >= hyp_len.
  up = j + 1 if j < len(lengths) and lengths[j] == skip else j
  down = j - 2 if j >= 1 and lengths[j - 1] == skip else j - 1
  candidates = []
  if up < len(lengths):
    candidates.append(lengths[up])
  if down >= 0:
    candidates.append(lengths[down])
  if not candidates:
    raise ValueError("BLEU needs at least one reference")
  return min(candidates, key=lambda r: (abs(r - hyp_len), r))


def _brevity_penalty(ref_len: int, hyp_len: int) -> float:
  """BP = 1 if c > r, 0 if c = 0, else exp(1 - r / c) (NLTK's order)."""
  if hyp_len > ref_len:
    return 1.0
  if hyp_len == 0:
    return 0.0
  return math.exp(1 - ref_len / hyp_len)


def _bleu_from_counts(numerators: Sequence[int], denominators: Sequence[int],
                      hyp_len: int, ref_len: int, n: int) -> float:
  """Smoothed (method 1) BLEU-n from the clipped counts of orders 1..n.

  BLEU = BP * exp(fsum_k w log p_k), w = 1/n, p_k = num_k / den_k, or
  epsilon / den_k when num_k = 0; exactly 0 when no unigram matches.
  """
  if numerators[0] == 0:
    return 0.0
  w = 1 / n
  log_p = (w * math.log(num / den if num else EPSILON / den)
           for num, den in zip(numerators[:n], denominators[:n]))
  return _brevity_penalty(ref_len, hyp_len) * math.exp(math.fsum(log_p))


class References:
  """References precomputed for BLEU up to order `max_n`.

  Attributes:
    max_counts: per order n = 1..max_n (index n - 1), a dict from n-gram
      (a token for n = 1, a tuple otherwise) to its largest count in any
      single reference.
    lengths: the sorted distinct reference lengths.
    max_n: the largest order available.
    num_references: how many references were given.
  """

  def __init__(self, references: Iterable[Sentence], *, max_n: int = 5):
    if max_n < 1:
      raise ValueError(f"max_n must be >= 1, got {max_n}")
    refs = [_as_tokens(r) for r in references]
    if not refs:
      raise ValueError("BLEU needs at least one reference")
    self.max_n = max_n
    self.num_references = len(refs)
    self.lengths = tuple(sorted({len(r) for r in refs}))
    self.max_counts = []
    for n in range(1, max_n + 1):
      best = {}
      for r in refs:
        for g, c in _ngram_counts(r, n).items():
          if c > best.get(g, 0):
            best[g] = c
      self.max_counts.append(best)

  def clipped_counts(self, tokens: tuple,
                     max_n: int) -> tuple[list[int], list[int]]:
    """Modified-precision numerators and denominators for orders 1..max_n.

    numerator_n = sum_g min(c_h(g), max_r c_r(g)), denominator_n =
    max(1, number of n-grams of h) (NLTK's `modified_precision`).
    """
    nums, dens = [], []
    for n in range(1, max_n + 1):
      best = self.max_counts[n - 1]
      counts = _ngram_counts(tokens, n)
      nums.append(sum(min(c, best.get(g, 0)) for g, c in counts.items()))
      dens.append(max(1, len(tokens) - n + 1))
    return nums, dens


def _as_references(references, max_n: int) -> References:
  if isinstance(references, References):
    if references.max_n < max_n:
      raise ValueError(f"References built up to order {references.max_n}, "
                       f"BLEU-{max_n} needs max_n >= {max_n}")
    return references
  return References(references, max_n=max_n)


def _sentence_bleus(hypotheses: Iterable[Sentence], references,
                    orders: Sequence[int]) -> dict[int, np.ndarray]:
  """Per-hypothesis BLEU-n for each n in `orders`, `{n: [H] float64}`."""
  max_n = max(orders)
  refs = _as_references(references, max_n)
  scores = {n: [] for n in orders}
  for hyp in hypotheses:
    tokens = _as_tokens(hyp)
    nums, dens = refs.clipped_counts(tokens, max_n)
    ref_len = _closest_length(refs.lengths, len(tokens))
    for n in orders:
      scores[n].append(
          _bleu_from_counts(nums, dens, len(tokens), ref_len, n))
  return {n: np.asarray(s, dtype=np.float64) for n, s in scores.items()}


def _check_orders(orders: Sequence[int]) -> tuple[int, ...]:
  orders = tuple(int(n) for n in orders)
  if not orders or min(orders) < 1:
    raise ValueError(f"orders must be a non-empty tuple of n >= 1: {orders}")
  return orders


def sentence_bleu(hypotheses: Iterable[Sentence], references, *,
                  n: int) -> np.ndarray:
  """Sentence-level BLEU-n of each hypothesis against all references.

  Equals, per hypothesis h, NLTK's `sentence_bleu(references, h,
  weights=(1/n,) * n, smoothing_function=SmoothingFunction().method1)`:
  BP * exp(sum_{k<=n} (1/n) log p_k) (Papineni et al. 2002) with method-1
  smoothing (Chen & Cherry 2014).

  Args:
    hypotheses: token sequences.
    references: token sequences, or a prebuilt `References` (with
      `max_n >= n`) to reuse across calls.
    n: the largest n-gram order.
  Returns:
    float64 array `[H]`.
  """
  (n,) = _check_orders((n,))
  return _sentence_bleus(hypotheses, references, (n,))[n]


def bleu(hypotheses: Sequence[Sentence], references, *,
         orders: Sequence[int] = (2, 3, 4, 5), fast: bool = False,
         num_fast_references: int = NUM_FAST_REFERENCES) -> dict[str, float]:
  """Mean sentence-level BLEU-n over hypotheses, for each n in `orders`.

  Texygen's `Bleu` metric (Zhu et al. 2018): each generated sentence against
  the whole reference set, averaged. `fast=True` is its default fast mode:
  only the first `num_fast_references` references (Texygen: 500, no shuffle).

  Args:
    hypotheses: token sequences (generated text).
    references: token sequences (real text), or a prebuilt `References`
      (not with `fast`, which must slice the sentences).
    orders: the n of each BLEU-n.
    fast: use only the first `num_fast_references` references.
    num_fast_references: the size of the fast reference set.
  Returns:
    `{"bleu2": mean BLEU-2, ...}` (Python floats).
  """
  orders = _check_orders(orders)
  if fast:
    if isinstance(references, References):
      raise ValueError("fast=True slices the reference sentences: pass them "
                       "as a list, not a prebuilt References")
    references = list(references)[:num_fast_references]
  scores = _sentence_bleus(hypotheses, references, orders)
  if len(scores[orders[0]]) == 0:
    raise ValueError("bleu needs at least one hypothesis")
  return {f"bleu{n}": float(np.mean(scores[n])) for n in orders}


class _LeaveOneOutReferences:
  """Per order, each n-gram's largest and second-largest count over samples.

  With `top[g] = [largest, holder, second]`, the largest count of g over all
  samples but i is `second` if sample i is the `holder` of `largest`, else
  `largest` (ties: `second == largest`). Likewise `length_counts` tells
  whether another sample shares sample i's length.
  """

  def __init__(self, samples: Sequence[tuple], max_n: int):
    self.lengths = tuple(sorted({len(s) for s in samples}))
    self.length_counts = collections.Counter(len(s) for s in samples)
    self.tops = []
    for n in range(1, max_n + 1):
      top = {}
      for i, s in enumerate(samples):
        for g, c in _ngram_counts(s, n).items():
          entry = top.get(g)
          if entry is None:
            top[g] = [c, i, 0]
          elif c > entry[0]:
            entry[2], entry[0], entry[1] = entry[0], c, i
          elif c > entry[2]:
            entry[2] = c
      self.tops.append(top)

  def clipped_counts(self, i: int, tokens: tuple,
                     max_n: int) -> tuple[list[int], list[int]]:
    """As `References.clipped_counts`, against all samples but sample i."""
    nums, dens = [], []
    for n in range(1, max_n + 1):
      top = self.tops[n - 1]
      num = 0
      for g, c in _ngram_counts(tokens, n).items():
        largest, holder, second = top[g]
        num += min(c, second if holder == i else largest)
      nums.append(num)
      dens.append(max(1, len(tokens) - n + 1))
    return nums, dens

  def closest_length(self, tokens: tuple) -> int:
    """Closest length among the other samples (ties -> shorter)."""
    own = len(tokens)
    skip = own if self.length_counts[own] == 1 else None
    return _closest_length(self.lengths, own, skip)


def self_sentence_bleu(samples: Sequence[Sentence], *, n: int,
                       num_hypotheses: int | None = None) -> np.ndarray:
  """BLEU-n of each sample against all the other samples, `[H]` float64.

  Sample i scores NLTK's `sentence_bleu(samples[:i] + samples[i+1:],
  samples[i], weights=(1/n,) * n, smoothing_function=method1)`.

  Args:
    samples: token sequences (at least 2).
    n: the largest n-gram order.
    num_hypotheses: score only the first `num_hypotheses` samples (all
      samples still serve as references); None scores all.
  """
  (n,) = _check_orders((n,))
  return _self_sentence_bleus(samples, (n,), num_hypotheses)[n]


def _self_sentence_bleus(samples: Sequence[Sentence], orders: Sequence[int],
                         num_hypotheses: int | None) -> dict[int, np.ndarray]:
  samples = [_as_tokens(s) for s in samples]
  if len(samples) < 2:
    raise ValueError("self-BLEU needs at least 2 samples (one as hypothesis, "
                     f"the others as references), got {len(samples)}")
  num = len(samples) if num_hypotheses is None else int(num_hypotheses)
  if not 1 <= num <= len(samples):
    raise ValueError(f"num_hypotheses must be in [1, {len(samples)}], "
                     f"got {num_hypotheses}")
  max_n = max(orders)
  refs = _LeaveOneOutReferences(samples, max_n)
  scores = {n: np.empty(num, dtype=np.float64) for n in orders}
  for i in range(num):
    tokens = samples[i]
    nums, dens = refs.clipped_counts(i, tokens, max_n)
    ref_len = refs.closest_length(tokens)
    for n in orders:
      scores[n][i] = _bleu_from_counts(nums, dens, len(tokens), ref_len, n)
  return scores


def self_bleu(samples: Sequence[Sentence], *,
              orders: Sequence[int] = (2, 3, 4, 5),
              num_hypotheses: int | None = None) -> dict[str, float]:
  """Mean self-BLEU-n (Zhu et al. 2018): each sample against the others.

  Sample i is scored as NLTK's `sentence_bleu` with references
  `samples[:i] + samples[i+1:]` (higher = less diverse), without rebuilding
  the references per sample: per n-gram the largest count, the sample that
  holds it and the second-largest count give the maximum over the others.

  Relation to Texygen's `SelfBleu` (utils/metrics/SelfBleu.py): its parallel
  mode (`get_score(is_fast=False)`) is exactly `self_bleu(samples)`. Its
  default fast mode (`is_fast=True`) keeps only the first 500 samples, as
  hypotheses AND references: `self_bleu(samples[:500])`, which differs from
  `num_hypotheses=500` (here the first 500 are scored against all other
  samples). Its unused serial `get_bleu` keeps each sample among its own
  references (scores near 1), and it caches the references of its first call
  (`is_first`), so later calls score new samples against the first ones;
  neither is reproduced.

  Args:
    samples: token sequences (generated text), at least 2.
    orders: the n of each self-BLEU-n.
    num_hypotheses: score only the first `num_hypotheses` samples (all
      samples still serve as references); None scores all.
  Returns:
    `{"self_bleu2": mean, ...}` (Python floats).
  """
  orders = _check_orders(orders)
  scores = _self_sentence_bleus(samples, orders, num_hypotheses)
  return {f"self_bleu{n}": float(np.mean(scores[n])) for n in orders}



def token_log_prob_fn(apply: Callable) -> Callable:
  r"""`log_prob(params, tokens [b, T]) -> [b, T]`, jitted: $\log p(y_t \mid
  Y_{1:t-1})$ from a teacher-forced `apply(params, tokens) -> logits
  [b, T, V]` (e.g. `LSTMLanguageModel(...).apply` with `{"params": ...}`).
  Bind the parameters with `functools.partial(log_prob, params)`; the
  program compiles once per chunk shape, not per parameter value."""
  def log_prob(params, tokens):
    return categorical.categorical_log_prob(apply(params, tokens), tokens)
  return jax.jit(log_prob)


def sequence_nll(log_prob_fn: Callable, tokens, mask=None, *,
                 chunk_size: int = 1_000) -> np.ndarray:
  r"""Per-sequence mean negative log-likelihood per token, in nats.

  $$\text{NLL}(Y) = -\frac{1}{\sum_t m_t} \sum_{t=1}^T m_t
    \log p(y_t \mid Y_{1:t-1}).$$

  Args:
    log_prob_fn: `tokens [b, T] -> [b, T]` token log-probabilities (see
      `token_log_prob_fn`).
    tokens: `[N, T]` ints.
    mask: `[N, T]` 0/1 weights $m_t$ (e.g. the words and the end token of
      padded text), or None for every token.
    chunk_size: sequences per call of `log_prob_fn` (the last chunk is
      padded to the same shape, so it compiles once).
  Returns:
    float64 `[N]`.
  """
  tokens = np.asarray(tokens)
  num = tokens.shape[0]
  mask = np.ones(tokens.shape, np.float64) if mask is None else np.asarray(
      mask, np.float64)
  chunk_size = min(chunk_size, num)
  log_p = []
  for start in range(0, num, chunk_size):
    chunk = tokens[start:start + chunk_size]
    pad = chunk_size - chunk.shape[0]
    chunk = np.concatenate([chunk, np.zeros((pad,) + chunk.shape[1:],
                                            chunk.dtype)])
    log_p.append(np.asarray(log_prob_fn(chunk), np.float64)[:chunk_size - pad])
  log_p = np.concatenate(log_p)
  return -(log_p * mask).sum(-1) / np.maximum(mask.sum(-1), 1.0)


def nll_oracle(oracle_log_prob_fn: Callable, samples, *,
               chunk_size: int = 1_000) -> float:
  r"""NLL-oracle (Yu et al. 2017, Section 5): the oracle's mean per-token
  NLL of a generator's samples `[N, T]` (the published protocol: N = 10,000
  samples, T = 20), $-\frac{1}{NT}\sum_{n,t} \log G_\text{oracle}(y^n_t \mid
  Y^n_{1:t-1})$. Lower is better; the oracle's own samples score 5.75,
  uniform tokens 11.44 (`gentk.data.oracle`)."""
  return float(np.mean(sequence_nll(oracle_log_prob_fn, samples,
                                    chunk_size=chunk_size)))


def nll_test(log_prob_fn: Callable, tokens, mask=None, *,
             chunk_size: int = 1_000) -> float:
  r"""NLL-test: a generator's mean per-token NLL of held-out text `[N, T]`,
  $-\sum_{n,t} m^n_t \log G(y^n_t \mid Y^n_{1:t-1}) / \sum_{n,t} m^n_t$ (over
  the masked tokens of all sequences, so long sentences weigh more)."""
  tokens = np.asarray(tokens)
  mask = np.ones(tokens.shape) if mask is None else np.asarray(mask)
  per_sequence = sequence_nll(log_prob_fn, tokens, mask, chunk_size=chunk_size)
  weights = mask.sum(-1)
  return float((per_sequence * weights).sum() / max(weights.sum(), 1.0))


def fill_ngrams(sentences: Sequence[Sentence], filled: Sequence[Sequence[bool]],
                n: int) -> list[tuple]:
  """The n-grams of each sentence that cover at least one filled position
  (MaskGAN's fills), in order, repeats kept.

  Args:
    sentences: token sequences (without padding).
    filled: per sentence, one flag per token: True where the token was
      generated (a blank filled in), False where it was given.
    n: the order.
  """
  grams = []
  for sentence, flags in zip(sentences, filled):
    tokens, flags = _as_tokens(sentence), tuple(flags)[:len(sentence)]
    for start in range(len(tokens) - n + 1):
      if any(flags[start:start + n]):
        grams.append(tokens[start:start + n])
  return grams


def fill_ngram_stats(sentences: Sequence[Sentence],
                     filled: Sequence[Sequence[bool]],
                     train: Iterable[Sentence], *,
                     orders: Sequence[int] = (2, 3, 4)) -> dict[str, float]:
  r"""MaskGAN's n-gram statistics of filled-in sentences, in percent.

  For each order n, over the n-grams covering a filled position
  (`fill_ngrams`): `unique{n}` = distinct / all (how varied the fills are;
  100 when no n-gram repeats), and `unique{n}_in_train` = the share of the
  distinct ones that occur in the training sentences (Fedus et al. 2018,
  Section 5 and the published code's n-gram metric: how many of the fills'
  n-grams are plausible text).

  Args:
    sentences: filled sentences (token sequences without padding).
    filled: per sentence, True where the token was generated.
    train: the training sentences.
    orders: the n reported.
  Returns:
    `{f"unique{n}": ..., f"unique{n}_in_train": ...}` for each n (0 when a
    sentence set has no such n-gram).
  References:
    Fedus, Goodfellow & Dai 2018, https://arxiv.org/abs/1801.07736
  """
  train = [_as_tokens(s) for s in train]
  result = {}
  for n in _check_orders(orders):
    grams = fill_ngrams(sentences, filled, n)
    distinct = set(grams)
    seen = set()
    for sentence in train:
      seen.update(_ngram_counts(sentence, n))
    result[f"unique{n}"] = 100.0 * len(distinct) / max(len(grams), 1)
    result[f"unique{n}_in_train"] = (100.0 * len(distinct & seen)
                                     / max(len(distinct), 1))
  return result
