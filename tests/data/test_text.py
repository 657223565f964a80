"""Text corpora: vocabulary, encoding policies, splits (real files when
$GENTK_DATA_DIR holds them) and batches that are pure functions of
(key, step)."""
import random

import jax
import numpy as np
import pytest

from gentk.data import paths
from gentk.data import text


def _has(relative: str) -> bool:
  return (paths.data_dir() / relative).is_file()


def needs(*files: str):
  missing = [f for f in files if not _has(f)]
  return pytest.mark.skipif(
      bool(missing), reason=f"needs {', '.join(missing)} under "
      f"${paths.ENV_VAR} (set it to the shared data folder, as CI does)")


needs_coco = needs("text/image_coco.txt", "text/image_coco_test.txt")
needs_poems = needs("text/shi.txt")

SENTENCES = [s.split() for s in ("a cat sat on a mat", "a dog sat",
                                 "the cat ate", "b a")]


@pytest.fixture(scope="module")
def coco():
  return text.load_corpus("coco", length=20)


def test_special_token_ids_are_fixed():
  vocab = text.Vocabulary.build(SENTENCES)
  assert (text.PAD, text.BOS, text.EOS, text.UNK) == (0, 1, 2, 3)
  assert vocab.tokens[:4] == ("<pad>", "<bos>", "<eos>", "<unk>")
  assert [vocab.index[t] for t in text.SPECIAL_TOKENS] == [0, 1, 2, 3]


def test_vocabulary_order_is_count_then_code_point_and_deterministic():
  vocab = text.Vocabulary.build(SENTENCES)
  # a: 4, cat/sat: 2 (alphabetical), then the count-1 words alphabetically.
  assert vocab.tokens[4:] == ("a", "cat", "sat", "ate", "b", "dog", "mat",
                              "on", "the")
  shuffled = [list(s) for s in SENTENCES]
  random.Random(0).shuffle(shuffled)
  for s in shuffled:
    random.Random(1).shuffle(s)
  assert text.Vocabulary.build(shuffled) == vocab
  assert len(vocab) == 13


def test_max_size_and_min_count_leave_words_out_as_unk():
  small = text.Vocabulary.build(SENTENCES, max_size=6)
  assert small.tokens[4:] == ("a", "cat") and len(small) == 6
  frequent = text.Vocabulary.build(SENTENCES, min_count=2)
  assert frequent.tokens[4:] == ("a", "cat", "sat")
  row = frequent.encode([["a", "dog", "sat"]], 5)[0]
  np.testing.assert_array_equal(row, [4, text.UNK, 6, text.EOS, text.PAD])
  with pytest.raises(ValueError):
    text.Vocabulary.build(SENTENCES, max_size=3)


def test_encode_layout_and_unknown_words():
  vocab = text.Vocabulary.build(SENTENCES)
  tokens = vocab.encode([["a", "cat"], ["zebra", "a", "<unk>", "<eos>"], []],
                        6)
  assert tokens.dtype == np.int32 and tokens.shape == (3, 6)
  a, cat, unk, eos, pad = 4, 5, text.UNK, text.EOS, text.PAD
  np.testing.assert_array_equal(tokens, [[a, cat, eos, pad, pad, pad],
                                         [unk, a, unk, unk, eos, pad],
                                         [eos, pad, pad, pad, pad, pad]])
  np.testing.assert_array_equal(text.lengths(tokens), [2, 4, 0])
  assert vocab.decode(tokens) == ["a cat", "<unk> a <unk> <unk>", ""]
  assert text.Vocabulary.build([["<unk>", "x"]]).tokens[4:] == ("x",)


def test_too_long_truncates_or_drops():
  vocab = text.Vocabulary.build(SENTENCES)
  long, fits = SENTENCES[0], SENTENCES[1]  # 6 and 3 words.
  truncated = vocab.encode([long, fits], 4)
  np.testing.assert_array_equal(
      truncated, [[4, 5, 6, text.EOS], [4, 9, 6, text.EOS]])
  assert vocab.decode(truncated) == ["a cat sat", "a dog sat"]
  dropped = vocab.encode([long, fits], 4, too_long="drop")
  np.testing.assert_array_equal(dropped, truncated[1:])
  assert vocab.encode([long], 4, too_long="drop").shape == (0, 4)
  assert vocab.encode([long], 7, too_long="drop").shape == (1, 7)
  with pytest.raises(ValueError):
    vocab.encode([long], 4, too_long="wrap")


def test_decode_stops_at_first_eos_or_pad():
  vocab = text.Vocabulary.build(SENTENCES)
  rows = np.array([[4, 5, text.EOS, 6, 7], [4, text.PAD, 5, 5, 5],
                   [4, 5, 6, 7, 8]])
  assert vocab.decode(rows) == ["a cat", "a", "a cat sat ate b"]
  assert vocab.decode(rows[0]) == ["a cat"]
  np.testing.assert_array_equal(text.lengths(rows), [2, 1, 5])
  with pytest.raises(ValueError):
    vocab.decode([[len(vocab)]])


def test_vocabulary_is_immutable():
  vocab = text.Vocabulary.build(SENTENCES)
  with pytest.raises(AttributeError):
    vocab.tokens = ()
  with pytest.raises(TypeError):
    vocab.index["zebra"] = 5


def test_save_load_round_trip(tmp_path):
  poems = [["秦", "川", "，"], ["塞", "外", "。"]]
  for sentences in (SENTENCES, poems):
    vocab = text.Vocabulary.build(sentences)
    path = tmp_path / "vocab.json"
    vocab.save(path)
    again = text.Vocabulary.load(path)
    assert again == vocab and again.tokens == vocab.tokens
    np.testing.assert_array_equal(again.encode(sentences, 8),
                                  vocab.encode(sentences, 8))
  (tmp_path / "other.json").write_text('{"tokens": ["a"]}')
  with pytest.raises(ValueError):
    text.Vocabulary.load(tmp_path / "other.json")


def test_split_indices_every_tenth_line_is_test():
  train, test = text.split_indices(25)
  np.testing.assert_array_equal(test, [9, 19])
  assert len(train) == 23 and not set(train) & set(test)


def test_unknown_corpus_is_a_one_line_error():
  with pytest.raises(ValueError) as info:
    text.load_corpus("wikitext", length=10)
  message = str(info.value)
  assert "\n" not in message
  assert all(name in message for name in text.CORPORA)


def test_missing_data_is_a_one_line_error(monkeypatch, tmp_path):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  with pytest.raises(FileNotFoundError) as info:
    text.load_corpus("coco", length=10)
  message = str(info.value)
  assert "\n" not in message and "text/image_coco.txt" in message
  assert str(tmp_path) in message and "gentk data fetch coco" in message


def test_batch_fn_is_pure_in_key_and_step_and_draws_rows():
  data = text.Vocabulary.build(SENTENCES).encode(SENTENCES, 8)
  batch_fn = text.make_batch_fn(data, batch_size=16)
  key = jax.random.PRNGKey(0)
  first = np.asarray(batch_fn(key, 3)["tokens"])
  np.testing.assert_array_equal(first, batch_fn(key, 3)["tokens"])
  assert not np.array_equal(first, batch_fn(key, 4)["tokens"])
  assert first.shape == (16, 8) and first.dtype == np.int32
  # Jitted, with the Partial (and its on-device array) as an argument.
  jitted = jax.jit(lambda fn, k, s: fn(k, s, 3))
  stacked = np.asarray(jitted(batch_fn, key, 3)["tokens"])
  assert stacked.shape == (16, 3, 8)
  np.testing.assert_array_equal(stacked, batch_fn(key, 3, 3)["tokens"])
  rows = {tuple(r) for r in data.tolist()}
  assert {tuple(r) for r in stacked.reshape(-1, 8).tolist()} <= rows
  assert len({tuple(r) for r in stacked.reshape(-1, 8).tolist()}) > 1
  assert len(jax.tree.leaves(batch_fn)) == 1


@needs_coco
def test_coco_sizes_and_round_trip(coco):
  assert coco.train.shape == (10_000, 20) and coco.test.shape == (10_000, 20)
  assert coco.name == "coco" and coco.length == 20
  # Treebank tokenisation (Texygen's): punctuation is a token of its own.
  assert len(coco.vocab) == 4_659 + 4
  assert "." in coco.vocab.index and "wheel." not in coco.vocab.index
  train, test = text.corpus_sentences("coco")
  assert train[0][-2:] == ["wheel", "."]
  # Test sentences that fit and whose words are all in the train vocabulary.
  fit = [s for s in test if len(s) < 20
         and all(w in coco.vocab.index for w in s)]
  assert len(fit) > 5_000
  tokens = coco.vocab.encode(fit, 20)
  assert coco.vocab.decode(tokens) == [" ".join(s) for s in fit]
  np.testing.assert_array_equal(text.lengths(tokens), [len(s) for s in fit])
  # Every row holds exactly one EOS; test words outside train become UNK.
  assert ((coco.test == text.EOS).sum(1) == 1).all()
  unknown, total = text.unknown_rate(coco.vocab, test)
  assert (coco.test == text.UNK).sum() == sum(
      coco.vocab.word_id(w) == text.UNK for s in test for w in s[:19])
  assert 0.0 < unknown / total < 0.1
  assert text.unknown_rate(coco.vocab, train)[0] == 0
  dropped = text.load_corpus("coco", length=20, too_long="drop")
  assert len(dropped.train) == sum(len(s) < 20 for s in train) < 10_000


@needs_poems
def test_poems_split_is_every_tenth_line():
  poems = text.load_corpus("poems", length=25)
  assert len(poems.train) + len(poems.test) == 16_394
  assert poems.test.shape == (1_639, 25)
  lines = text.load_sentences(paths.require("text/shi.txt"))
  train, test = text.split_indices(len(lines))
  assert len(lines) == 16_394 and not set(train) & set(test)
  assert set(train) | set(test) == set(range(16_394))
  assert poems.vocab.decode(poems.test[:3]) == [
      " ".join(lines[i]) for i in (9, 19, 29)]
  assert poems.vocab.decode(poems.train[9:10]) == [" ".join(lines[10])]
  assert (text.lengths(poems.train) == 24).all()


@needs("text/emnlp_news_test.txt")
def test_emnlp_news_is_split_ninety_ten():
  news = text.load_corpus("emnlp_news", length=50)
  assert news.train.shape == (9_000, 50) and news.test.shape == (1_000, 50)


@needs("text/ptb.valid.txt", "text/ptb.test.txt")
def test_ptb_unk_in_text_maps_to_unk():
  ptb = text.load_corpus("ptb", length=40, max_vocab=2_000)
  assert len(ptb.vocab) == 2_000 and ptb.vocab.tokens.count("<unk>") == 1
  assert ptb.train.shape == (3_370, 40) and ptb.test.shape == (3_761, 40)
  train, _ = text.corpus_sentences("ptb")
  assert train[1][0] == "<unk>" and ptb.train[1, 0] == text.UNK
