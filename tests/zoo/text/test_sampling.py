"""zoo.text.sampling: arguments, seeds and temperature."""

from __future__ import annotations

import numpy as np
import pytest

from tests.zoo.text._models import uniform_model
from zoo import text
from zoo.text import CharVocabulary
from zoo.text.sampling import _draw


def test_sampling_arguments_are_checked():
    vocab = CharVocabulary.fit("abcdefgh")
    model = uniform_model(vocab, 8)
    with pytest.raises(ValueError, match="`temperature`"):
        text.sample(model, vocab, "ab", 5, temperature=0.0)
    with pytest.raises(ValueError, match="`temperature`"):
        text.sample(model, vocab, "ab", 5, temperature=-1.0)
    with pytest.raises(ValueError, match="`seed_text` is empty"):
        text.sample(model, vocab, "", 5)
    with pytest.raises(ValueError, match="`length`"):
        text.sample(model, vocab, "ab", 0)
    with pytest.raises(ValueError, match="output 4 probabilities"):
        text.sample(model, CharVocabulary("abc"), "ab", 3)
    out = text.sample(model, vocab, "ab", 30, temperature=1.0, seed=3)
    assert len(out) == 30 and "\ufffd" not in out
    assert out == text.sample(model, vocab, "ab", 30, temperature=1.0, seed=3)
    assert out != text.sample(model, vocab, "ab", 30, temperature=1.0, seed=4)


def test_low_temperature_picks_the_most_likely_character():
    probs = np.array([0.0, 0.1, 0.6, 0.3])
    rng = np.random.default_rng(0)
    assert {_draw(probs, 0.01, rng) for _ in range(50)} == {2}
    draws = [_draw(probs, 1.0, rng) for _ in range(4000)]
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 4000, probs, atol=0.03)
