"""A damaged data file gets one line naming it, what is wrong and the fetch
command that gets a good copy."""
import pytest

from gentk.data import oracle
from gentk.data import paths
from gentk.data import text


def test_a_text_file_without_a_usable_line(tmp_path, monkeypatch):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  (tmp_path / "text").mkdir()
  (tmp_path / "text" / "image_coco.txt").write_text("\n  \n\n")
  with pytest.raises(paths.DataError) as e:
    text.load_sentences(tmp_path / "text" / "image_coco.txt")
  line = str(e.value)
  assert "\n" not in line and "image_coco.txt is damaged" in line
  assert "no line with a word" in line and "gentk data fetch coco" in line


def test_a_damaged_oracle_npz(tmp_path, monkeypatch):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  (tmp_path / "seqgan").mkdir()
  (tmp_path / oracle.PARAMS_FILE).write_bytes(b"PK\x03\x04 truncated")
  with pytest.raises(paths.DataError) as e:
    oracle.load_oracle()
  line = str(e.value)
  assert "\n" not in line and "oracle_lstm_params.npz is damaged" in line
  assert "gentk data fetch seqgan_oracle" in line
