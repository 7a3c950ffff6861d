"""zoo.text.corpus: the embedded corpus is deterministic English."""

from __future__ import annotations

from zoo import text


def test_corpus_is_deterministic_english_of_a_few_hundred_kb():
    corpus = text.load_corpus()
    assert corpus == text.load_corpus()
    assert 200_000 < len(corpus) < 2_000_000
    assert set(corpus) <= {chr(c) for c in range(32, 127)} | {"\n"}
    assert corpus.count(" the ") > 1000
    assert text.load_corpus(seed=1) != corpus and sorted(text.load_corpus(seed=1)) == sorted(corpus)
