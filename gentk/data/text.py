r"""Text corpora as fixed-length int32 token arrays, batches drawn in the step.

Special tokens have fixed ids, then the corpus words follow by descending
training-set frequency, ties by code point (alphabetical for ASCII), so a
vocabulary is a deterministic function of the training sentences:

| id | token   | use                                                          |
|----|---------|--------------------------------------------------------------|
| 0  | `<pad>` | fills a row after its `<eos>`                                |
| 1  | `<bos>` | the generator's first input (`start_token=BOS`), never stored |
| 2  | `<eos>` | ends every sentence (exactly one per encoded row)            |
| 3  | `<unk>` | words outside the vocabulary                                 |

Encoding (`Vocabulary.encode`): a sentence of `n` words becomes its `n` word
ids, one `EOS`, then `PAD` up to `length`, so `length` counts the `EOS`.
A sentence of more than `length - 1` words is either truncated to its first
`length - 1` words + `EOS` (`too_long="truncate"`, the default) or removed
(`too_long="drop"`: fewer rows come back). Words outside the vocabulary (below
`min_count`, beyond `max_size`, or only in the test split) become `UNK`, and
so does a literal `<unk>` in the text (PTB's); the other special-token strings
in text are not words either and also become `UNK`.

Splits (`load_corpus`), the vocabulary always from the training split only:

* `"coco"`: train `text/image_coco.txt`, test `text/image_coco_test.txt`.
* `"poems"`: `text/shi.txt`; line `i` goes to test when `i % 10 == 9`, else to
  train (`split_indices`). SeqGAN's poem BLEU used real poems as references.
* `"emnlp_news"`: `text/emnlp_news_test.txt` (the only file here), split the
  same way (90/10). Text kept as is (cased).
* `"ptb"`: `text/ptb.valid.txt` as train, `text/ptb.test.txt` as test (PTB's
  train split is not in the data folder).

Words: COCO and EMNLP news lines are split by NLTK's Treebank word
tokenizer (`load_sentences(..., tokenizer="treebank")`, as Texygen's
`nltk.word_tokenize`: "wheel." -> "wheel", "."), poems and PTB on whitespace
(`CORPUS_TOKENIZER`). Measured on the files (tokens per line over both
splits; vocabulary = distinct training words, the 4 specials not counted;
test UNK = test words outside the training vocabulary):

| corpus     | train / test    | vocab | len p50/p90/p99/max | test UNK                  |
|------------|-----------------|-------|---------------------|---------------------------|
| coco       | 10,000 / 10,000 | 4,659 | 11 / 14 / 20 / 37   | 3.80 % (4,263 / 112,120)  |
| poems      | 14,755 / 1,639  | 4,688 | 24 / 24 / 24 / 24   | 0.23 % (90 / 39,336)      |
| emnlp_news | 9,000 / 1,000   | 5,517 | 26 / 36 / 45 / 49   | 0.13 % (37 / 28,062)      |
| ptb        | 3,370 / 3,761   | 6,020 | 20 / 34 / 48 / 77   | 10.4 % (8,162 / 78,669)   |

A poem is 20 characters and 4 punctuation marks (24 tokens). PTB's test UNK
is 6.1 % its own `<unk>` and 4.3 % words outside the valid split's
vocabulary.

Split on whitespace only, COCO would keep punctuation attached ("wheel." and
"wheel" two words; 6,094 words, 5.67 % test UNK) and score lower BLEU than
Texygen's tokenisation. The COCO files end without a newline, so each holds
10,000 sentences (`wc -l` says 9,999).

Batches are pure functions of `(key, step)` (see `make_batch_fn`): indices
`~ U{0..N-1}` i.i.d. from `fold_in(key, step)` index the on-device token
array inside the compiled step, so a resumed run draws the same batches.

References:
  Yu, Zhang, Wang & Yu 2017, "SeqGAN: Sequence Generative Adversarial Nets
    with Policy Gradient", https://arxiv.org/abs/1609.05473
  Zhu et al. 2018, "Texygen: A Benchmarking Platform for Text Generation
    Models", https://arxiv.org/abs/1802.01886
  Mikolov et al. 2010, "Recurrent neural network based language model" (PTB
    preprocessing).
"""
import collections
import functools
import json
import os
import pathlib
import types
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

import chex
import jax
import jax.numpy as jnp
import numpy as np

from gentk.data import paths
from gentk.types import Array, ArrayLike, PRNGKey

PAD = 0
BOS = 1
EOS = 2
UNK = 3
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>", "<unk>")
TOO_LONG_POLICIES = ("truncate", "drop")
TEST_EVERY = 10  # Line i is a test line when i % TEST_EVERY == TEST_EVERY - 1.
_FORMAT = "gentk.text.Vocabulary"

# name -> (train file, test file or None to split the train file).
CORPORA: Mapping[str, tuple[str, str | None]] = types.MappingProxyType({
    "coco": ("text/image_coco.txt", "text/image_coco_test.txt"),
    "poems": ("text/shi.txt", None),
    "emnlp_news": ("text/emnlp_news_test.txt", None),
    "ptb": ("text/ptb.valid.txt", "text/ptb.test.txt"),
})
TOKENIZERS = ("whitespace", "treebank")
# How each corpus is split into words: Texygen tokenises COCO and EMNLP news
# with nltk.word_tokenize (punctuation split off); poems (characters) and PTB
# are already space-separated tokens.
CORPUS_TOKENIZER: Mapping[str, str] = types.MappingProxyType({
    "coco": "treebank", "poems": "whitespace", "emnlp_news": "treebank",
    "ptb": "whitespace"})


class Vocabulary:
  """An immutable token <-> id map whose first four tokens are the specials.

  Attributes:
    tokens: every token, `tokens[i]` the token of id `i`.
    index: token -> id (read-only).
  """
  __slots__ = ("_tokens", "_index")

  def __init__(self, tokens: Iterable[str]):
    """Wraps `tokens` (the specials first, then distinct words).

    Raises:
      ValueError: when the specials are not first or a token repeats.
    """
    tokens = tuple(str(t) for t in tokens)
    if tokens[:len(SPECIAL_TOKENS)] != SPECIAL_TOKENS:
      raise ValueError(f"a vocabulary starts with {SPECIAL_TOKENS}, got "
                       f"{tokens[:len(SPECIAL_TOKENS)]}")
    index = {token: i for i, token in enumerate(tokens)}
    if len(index) != len(tokens):
      repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
      raise ValueError(f"repeated tokens in a vocabulary: {repeated[:5]}")
    object.__setattr__(self, "_tokens", tokens)
    object.__setattr__(self, "_index", types.MappingProxyType(index))

  def __setattr__(self, name, value):
    raise AttributeError("Vocabulary is immutable")

  def __reduce__(self):  # pickle and copy rebuild from the tokens.
    return (Vocabulary, (self._tokens,))

  @property
  def tokens(self) -> tuple[str, ...]:
    return self._tokens

  @property
  def index(self) -> Mapping[str, int]:
    return self._index

  def __len__(self) -> int:
    return len(self._tokens)

  def __eq__(self, other) -> bool:
    return isinstance(other, Vocabulary) and self._tokens == other._tokens

  def __hash__(self) -> int:
    return hash(self._tokens)

  def __repr__(self) -> str:
    return f"Vocabulary(size={len(self)}, words={list(self._tokens[4:9])}...)"

  @classmethod
  def build(cls, sentences: Iterable[Sequence[str]], *,
            max_size: int | None = None, min_count: int = 1) -> "Vocabulary":
    """The specials, then the words by descending count, ties by code point.

    Args:
      sentences: tokenised sentences (e.g. `load_sentences(path)`).
      max_size: at most this many tokens in all, the 4 specials included (the
        model's vocabulary size); the least frequent words beyond it are left
        out (they encode as `UNK`). None keeps every word.
      min_count: words seen fewer times are left out (encode as `UNK`).
    Returns:
      The vocabulary. Special-token strings in the text (PTB's `<unk>`) are
      not counted as words.
    """
    if max_size is not None and max_size < len(SPECIAL_TOKENS):
      raise ValueError(f"max_size must be >= {len(SPECIAL_TOKENS)} (the "
                       f"special tokens), got {max_size}")
    counts = collections.Counter(word for sentence in sentences
                                 for word in sentence)
    words = sorted((w for w, n in counts.items()
                    if n >= min_count and w not in SPECIAL_TOKENS),
                   key=lambda w: (-counts[w], w))
    if max_size is not None:
      words = words[:max_size - len(SPECIAL_TOKENS)]
    return cls(SPECIAL_TOKENS + tuple(words))

  def word_id(self, word: str) -> int:
    """The id of `word`; `UNK` for unknown words and special-token strings."""
    i = self._index.get(word, UNK)
    return UNK if i < len(SPECIAL_TOKENS) else i

  def encode(self, sentences: Iterable[Sequence[str]], length: int, *,
             too_long: str = "truncate") -> np.ndarray:
    """Encodes tokenised sentences as rows of `length` ids.

    A row is the sentence's word ids, one `EOS`, then `PAD` up to `length`.
    Unknown words (and special-token strings in the text) become `UNK`.

    Args:
      sentences: tokenised sentences.
      length: T, the row length, counting the `EOS` (>= 1).
      too_long: for a sentence of more than `length - 1` words: "truncate"
        keeps its first `length - 1` words + `EOS`; "drop" removes it, so
        fewer rows than sentences come back.
    Returns:
      int32 `[N, length]`, N the number of sentences kept.
    """
    if length < 1:
      raise ValueError(f"length must be >= 1 (it counts the EOS), got {length}")
    if too_long not in TOO_LONG_POLICIES:
      raise ValueError(f"too_long must be one of {TOO_LONG_POLICIES}, got "
                       f"{too_long!r}")
    rows = []
    for sentence in sentences:
      if len(sentence) > length - 1:
        if too_long == "drop":
          continue
        sentence = sentence[:length - 1]
      ids = [self.word_id(w) for w in sentence] + [EOS]
      rows.append(ids + [PAD] * (length - len(ids)))
    return np.asarray(rows, np.int32).reshape(len(rows), length)

  def decode(self, tokens: ArrayLike) -> list[str]:
    """Rows of ids -> sentences, each cut at its first `EOS` or `PAD`.

    Args:
      tokens: int `[N, T]` (a 1-D `[T]` is one row).
    Returns:
      N strings, the tokens joined by " " (`UNK` as "<unk>"; a poem comes
      back as its characters separated by spaces, as in `shi.txt`).
    """
    tokens = np.asarray(tokens)
    if tokens.ndim == 1:
      tokens = tokens[None]
    if tokens.ndim != 2:
      raise ValueError(f"decode takes [N, T] or [T] ids, got {tokens.shape}")
    if tokens.size and (tokens.min() < 0 or tokens.max() >= len(self)):
      raise ValueError(f"ids must be in [0, {len(self)}), got "
                       f"[{tokens.min()}, {tokens.max()}]")
    n = lengths(tokens)
    return [" ".join(self._tokens[i] for i in row[:k])
            for row, k in zip(tokens.tolist(), n.tolist())]

  def save(self, path: str | os.PathLike) -> None:
    """Writes the tokens as UTF-8 JSON (`{"format", "tokens"}`)."""
    blob = {"format": _FORMAT, "tokens": list(self._tokens)}
    pathlib.Path(path).write_text(json.dumps(blob, ensure_ascii=False),
                                  encoding="utf-8")

  @classmethod
  def load(cls, path: str | os.PathLike) -> "Vocabulary":
    """Reads a file written by `save`."""
    blob = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    if not isinstance(blob, dict) or blob.get("format") != _FORMAT:
      raise ValueError(f"{path} is not a gentk vocabulary (no "
                       f"'format': {_FORMAT!r})")
    return cls(blob["tokens"])


class Corpus(NamedTuple):
  """A corpus encoded with its training vocabulary.

  Attributes:
    train: int32 `[N_train, length]`.
    test: int32 `[N_test, length]`.
    vocab: the vocabulary built from the training sentences.
    length: T, the row length (words + `EOS` + padding).
    name: the corpus name given to `load_corpus`.
  """
  train: np.ndarray
  test: np.ndarray
  vocab: Vocabulary
  length: int
  name: str


def _tokenizer(name: str) -> Callable[[str], list[str]]:
  if name == "whitespace":
    return str.split
  if name == "treebank":
    # nltk.word_tokenize without its sentence splitter (whose Punkt model
    # is a separate download): the same words for one-sentence lines.
    from nltk.tokenize import NLTKWordTokenizer  # pylint: disable=g-import-not-at-top
    return NLTKWordTokenizer().tokenize
  raise ValueError(f"unknown tokenizer {name!r}; known: {TOKENIZERS}")


def load_sentences(path: str | os.PathLike, *, tokenizer: str = "whitespace"
                   ) -> list[list[str]]:
  """The non-empty lines of a UTF-8 file, each split into words by
  `tokenizer`: "whitespace", or "treebank" (NLTK's Treebank word tokenizer,
  what `nltk.word_tokenize` applies to each sentence: punctuation and
  clitics become tokens of their own, "wheel." -> "wheel", ".")."""
  split = _tokenizer(tokenizer)
  try:
    with open(path, encoding="utf-8") as f:
      sentences = [words for words in (split(line.strip()) for line in f)
                   if words]
  except UnicodeDecodeError as e:
    raise paths.damaged(path, f"not UTF-8 text: {e}") from e
  if not sentences:
    raise paths.damaged(path, "it holds no line with a word")
  return sentences


def split_indices(num: int, *, test_every: int = TEST_EVERY
                  ) -> tuple[np.ndarray, np.ndarray]:
  """(train, test) line indices: line i is test when i % test_every is
  test_every - 1 (the 10th, 20th, ... line for 10)."""
  test = np.arange(num) % test_every == test_every - 1
  return np.flatnonzero(~test), np.flatnonzero(test)


def corpus_sentences(name: str) -> tuple[list[list[str]], list[list[str]]]:
  """(train, test) tokenised sentences of a named corpus (see the module
  docstring for the files and splits)."""
  if name not in CORPORA:
    raise ValueError(f"unknown corpus {name!r}; known: "
                     f"{', '.join(sorted(CORPORA))}")
  train_file, test_file = CORPORA[name]
  tokenizer = CORPUS_TOKENIZER[name]
  sentences = load_sentences(paths.require(train_file), tokenizer=tokenizer)
  if test_file is not None:
    return sentences, load_sentences(paths.require(test_file),
                                     tokenizer=tokenizer)
  train, test = split_indices(len(sentences))
  return [sentences[i] for i in train], [sentences[i] for i in test]


def unknown_rate(vocab: Vocabulary, sentences: Iterable[Sequence[str]]
                 ) -> tuple[int, int]:
  """(words that encode as `UNK`, all words) over `sentences`."""
  unknown = total = 0
  for sentence in sentences:
    total += len(sentence)
    unknown += sum(vocab.word_id(w) == UNK for w in sentence)
  return unknown, total


def load_corpus(name: str, *, length: int, max_vocab: int | None = None,
                too_long: str = "truncate") -> Corpus:
  """Loads a named corpus, both splits encoded with the training vocabulary.

  Args:
    name: "coco", "poems", "emnlp_news" or "ptb".
    length: T, the row length counting the `EOS` (see `Vocabulary.encode`).
    max_vocab: at most this many tokens, the 4 specials included.
    too_long: "truncate" or "drop", for both splits (see `Vocabulary.encode`).
  Returns:
    `Corpus(train, test, vocab, length, name)`.
  Raises:
    ValueError: one line naming the known corpora for an unknown name.
    FileNotFoundError: one line naming the missing file, the data folder and
      the command that fetches it (`gentk data fetch <name>`).
  """
  train, test = corpus_sentences(name)
  vocab = Vocabulary.build(train, max_size=max_vocab)
  return Corpus(vocab.encode(train, length, too_long=too_long),
                vocab.encode(test, length, too_long=too_long), vocab, length,
                name)


def lengths(tokens: ArrayLike) -> np.ndarray:
  """Words per row: the ids before the first `EOS` or `PAD` (`[..., T]` ->
  int `[...]`; T for a row with neither)."""
  tokens = np.asarray(tokens)
  stop = (tokens == EOS) | (tokens == PAD)
  return np.where(stop.any(-1), stop.argmax(-1), tokens.shape[-1])


def _draw(tokens: Array, key: PRNGKey, step: ArrayLike,
          num_batches: int | None = None, *,
          batch_size: int) -> dict[str, Array]:
  """`batch_size` rows (or `[batch_size, num_batches]` of them) drawn i.i.d."""
  shape = (batch_size,) if num_batches is None else (batch_size, num_batches)
  idx = jax.random.randint(jax.random.fold_in(key, step), shape, 0,
                           tokens.shape[0])
  return {"tokens": tokens[idx]}


def make_batch_fn(tokens: ArrayLike, batch_size: int
                  ) -> Callable[..., dict[str, Array]]:
  r"""Returns `batch_fn(key, step, num_batches=None) -> {"tokens"}`, pure in
  `(key, step)`; `num_batches` k (a static int, the training phase's, see
  `gentk.types.Phase`) draws `[batch_size, k, T]`, one batch per inner step,
  example axis first.

  Row indices $i \sim U\{0..N-1\}$ are drawn i.i.d. (with replacement) from
  `fold_in(key, step)`. The array moves to the device once; the returned
  function is a `jax.tree_util.Partial` whose leaf is that array, so pass it
  as an argument of a jitted function to keep it out of the compiled
  program's constants.

  Args:
    tokens: int `[N, T]`, e.g. `load_corpus(...).train`.
    batch_size: rows per batch.
  Returns:
    `batch_fn(key, step, num_batches=None)` giving `tokens` int32 `[B, T]`
    or `[B, k, T]`.
  """
  chex.assert_rank(tokens, 2)
  if np.shape(tokens)[0] < 1:
    raise ValueError("make_batch_fn needs at least one row of tokens")
  if batch_size < 1:
    raise ValueError(f"batch_size must be >= 1, got {batch_size}")
  draw = functools.partial(_draw, batch_size=batch_size)
  return jax.tree_util.Partial(draw, jnp.asarray(tokens, jnp.int32))
