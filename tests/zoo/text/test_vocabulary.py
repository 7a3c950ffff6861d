"""zoo.text.vocabulary: encoding, unknown characters, config and JSON round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zoo import text
from zoo.text import CharVocabulary


def test_vocabulary_encodes_decodes_and_handles_unknown_characters():
    vocab = CharVocabulary.fit("hello world")
    assert vocab.size == len(set("hello world")) + 1
    assert vocab.chars == tuple(sorted(set("hello world")))
    ids = vocab.encode("hello")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "hello"
    assert vocab.encode("hex!").tolist()[-2:] == [0, 0]
    assert vocab.decode(vocab.encode("hex!")) == "he\ufffd\ufffd"
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 9\)"):
        vocab.decode([9])


def test_vocabulary_round_trips_through_config_and_json(tmp_path):
    vocab = CharVocabulary.fit("The quick brown fox.\nJumps!")
    assert CharVocabulary.from_config(vocab.get_config()) == vocab
    path = vocab.save(tmp_path)
    assert path.name == text.VOCAB_FILE
    assert json.loads(path.read_text())["format"] == "zoo.CharVocabulary"
    assert CharVocabulary.load(tmp_path) == vocab
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="not a saved CharVocabulary"):
        CharVocabulary.load(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError):
        CharVocabulary.load(tmp_path / "missing.json")


def test_vocabulary_bad_input():
    with pytest.raises(ValueError, match="`text` is empty"):
        CharVocabulary.fit("")
    with pytest.raises(TypeError, match="`text` must be a string"):
        CharVocabulary.fit(b"bytes")
    with pytest.raises(ValueError, match="must not repeat"):
        CharVocabulary("aa")
    with pytest.raises(ValueError, match="min_count=5"):
        CharVocabulary.fit("abc", min_count=5)
