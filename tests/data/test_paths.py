"""The data folder's location and the one-line missing-data errors."""
import pathlib

import pytest

from gentk.data import oracle
from gentk.data import paths
from gentk.data import text


@pytest.fixture
def no_settings(monkeypatch):
  for name in (paths.ENV_VAR, paths.CACHE_ENV_VAR, "XDG_CACHE_HOME"):
    monkeypatch.delenv(name, raising=False)
  return monkeypatch


def test_default_data_folder_is_the_per_user_cache(no_settings, tmp_path):
  home = pathlib.Path.home()
  assert paths.data_dir() == home / ".cache" / "gentk" / "data"
  no_settings.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
  assert paths.data_dir() == tmp_path / "xdg" / "gentk" / "data"
  no_settings.setenv(paths.CACHE_ENV_VAR, str(tmp_path / "cache"))
  assert paths.data_dir() == tmp_path / "cache" / "data"
  assert paths.default_cache_dir() == tmp_path / "cache"
  no_settings.setenv(paths.ENV_VAR, str(tmp_path))
  assert paths.data_dir() == tmp_path.resolve()


def test_a_data_dir_setting_that_is_no_folder_is_one_line(no_settings,
                                                          tmp_path):
  no_settings.setenv(paths.ENV_VAR, str(tmp_path / "nowhere"))
  with pytest.raises(FileNotFoundError) as info:
    paths.data_dir()
  message = str(info.value)
  assert "\n" not in message and paths.ENV_VAR in message
  assert "gentk data fetch" in message


@pytest.mark.parametrize("corpus", sorted(text.CORPORA))
def test_missing_corpus_names_its_fetch_command(no_settings, tmp_path, corpus):
  no_settings.setenv(paths.ENV_VAR, str(tmp_path))
  with pytest.raises(FileNotFoundError) as info:
    text.load_corpus(corpus, length=10)
  message = str(info.value)
  train_file = text.CORPORA[corpus][0]
  assert message == (
      f"{train_file} not found in {tmp_path.resolve()}: run gentk data fetch "
      f"{corpus} (or set {paths.ENV_VAR} to a folder that holds it)")


def test_missing_oracle_names_its_fetch_command(no_settings, tmp_path):
  no_settings.setenv(paths.CACHE_ENV_VAR, str(tmp_path))
  with pytest.raises(FileNotFoundError) as info:
    oracle.load_oracle()
  message = str(info.value)
  assert "\n" not in message
  assert message.startswith(f"{oracle.PARAMS_FILE} not found in "
                            f"{tmp_path / 'data'}: run gentk data fetch "
                            "seqgan_oracle")


def test_fetch_command_names_a_folder_other_than_the_default(no_settings,
                                                             tmp_path):
  no_settings.setenv(paths.ENV_VAR, str(tmp_path))
  assert paths.fetch_command("coco", tmp_path) == "gentk data fetch coco"
  assert paths.fetch_command("coco") == "gentk data fetch coco"
  other = tmp_path / "other"
  assert (paths.fetch_command("coco", other)
          == f"gentk data fetch coco --data_dir={other}")
  error = paths.missing(None, "thing.bin", root=other)
  assert str(error) == (f"thing.bin not found in {other}: set "
                        f"{paths.ENV_VAR} to a folder that holds it")
