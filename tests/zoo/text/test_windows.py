"""zoo.text.windows: arrays and the streamed pipeline (tf.data on TensorFlow, a PyDataset
elsewhere) give the same windows; bad input."""

from __future__ import annotations

import numpy as np
import pytest

import zoo
from zoo import text
from zoo.text import CharVocabulary


def test_the_pipeline_gives_the_same_windows():
    vocab = CharVocabulary.fit("abcdefghij")
    ids = vocab.encode("abcdefghij" * 5)
    for target, stride in (("sequence", None), ("last", 3)):
        x, y = text.make_text_windows(ids, 8, stride=stride, target=target)
        batches = list(text.make_dataset(ids, vocab, 8, stride=stride, target=target,
                                         batch_size=4, shuffle=False))
        np.testing.assert_array_equal(np.concatenate([np.asarray(b[0]) for b in batches]), x)
        np.testing.assert_array_equal(np.concatenate([np.asarray(b[1]) for b in batches]), y)
    shuffled = [np.asarray(b[0]) for b in text.make_dataset(ids, vocab, 4, batch_size=64, seed=1)]
    again = [np.asarray(b[0]) for b in text.make_dataset(ids, vocab, 4, batch_size=64, seed=1)]
    np.testing.assert_array_equal(shuffled[0], again[0])
    assert not np.array_equal(shuffled[0], text.make_text_windows(ids, 4)[0][:64])  # shuffled


@pytest.mark.parametrize("call, match", [
    (lambda: text.make_text_windows(np.arange(5), 8), "5 characters, too short for window=8"),
    (lambda: text.make_dataset("", CharVocabulary("ab"), 4), "`text` is empty"),
    (lambda: zoo.data.load("text", window=5000, max_chars=20_000),
     "too short for window=5000"),
    (lambda: zoo.data.load("text", window=0), "`window`"),
    (lambda: zoo.data.load("text", target="every"), "target"),
])
def test_too_short_text_and_bad_options(call, match):
    with pytest.raises(ValueError, match=match):
        call()
