"""zoo.text.perplexity: the n-gram baselines and the perplexity of known models."""

from __future__ import annotations

import math

import pytest

import zoo
from tests.zoo.text._models import uniform_model
from zoo import text
from zoo.text import CharVocabulary


def test_ngram_baselines_against_hand_computed_values():
    vocab = CharVocabulary.fit("ab")
    # add-one unigram: counts a=3, b=1, unknown=0 -> (4, 2, 1) / 7
    assert text.unigram_perplexity(vocab, "aaab", "ab") == pytest.approx(7 / 2)
    # bigram with weight 1 on a seen context: p(b | a) = count(ab) / count(a.) = 1 / 3
    assert text.bigram_perplexity(vocab, "aaab", "ab", weight=1.0) == pytest.approx(3.0)
    ds = zoo.data.load("text", window=32, max_chars=100_000)
    t, v = ds.meta["texts"], ds.meta["vocab"]
    uni = text.unigram_perplexity(v, t["train"], t["test"])
    bi = text.bigram_perplexity(v, t["train"], t["test"], val_text=t["val"])
    assert 15 < uni < 40 and 8 < bi < 0.7 * uni


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    vocab = CharVocabulary.fit("abcdefgh")
    model = uniform_model(vocab, 8)
    value = text.perplexity(model, vocab, "abcdefgh" * 7 + "abc")
    assert value == pytest.approx(vocab.size, rel=1e-5)
    total, count = text.log_likelihood(model, vocab, "abcdefgh" * 7 + "abc")
    assert count == 58  # every character after the first, scored exactly once
    assert text.perplexity(model, vocab, "ab") == pytest.approx(vocab.size, rel=1e-5)


def test_last_step_and_variable_length_models():
    import keras

    vocab = CharVocabulary.fit("abcdefgh")
    inputs = keras.Input((8,), dtype="int32")
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(vocab.size, 4)(inputs))
    last = keras.Model(inputs, keras.layers.Dense(vocab.size, activation="softmax",
                                                  kernel_initializer="zeros")(x))
    total, count = text.log_likelihood(last, vocab, "abcdefgh" * 3)
    assert count == 24 - 8 and math.exp(-total / count) == pytest.approx(vocab.size, rel=1e-5)
    with pytest.raises(ValueError, match="too short for the model's window of 8"):
        text.perplexity(last, vocab, "abc")
    assert len(text.sample(last, vocab, "abc", 5, seed=0)) == 5
    free = uniform_model(vocab, None)
    assert text.perplexity(free, vocab, "abcdefgh" * 40, context=16) == pytest.approx(
        vocab.size, rel=1e-5)
    assert len(text.sample(free, vocab, "abc", 5, seed=0, context=16)) == 5
