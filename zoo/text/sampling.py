"""Generate text from a trained character model, one drawn character at a time.

Example:
    >>> sample(model, vocab, "The ", 20, temperature=0.5, seed=1)  # doctest: +SKIP
    'file is not a string'
"""

from __future__ import annotations

import numpy as np

from zoo._validate import check_number, check_positive_int
from zoo.text._checks import check_seed, check_text, model_geometry
from zoo.text.vocabulary import CharVocabulary, check_vocab


def _draw(probs: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One id from ``probs`` rescaled by ``temperature`` (unknown id 0 never drawn)."""
    logits = np.log(np.maximum(probs.astype(np.float64), 1e-30)) / temperature
    logits[0] = -np.inf
    logits -= logits.max()
    weights = np.exp(logits)
    cdf = np.cumsum(weights / weights.sum())
    return int(min(np.searchsorted(cdf, rng.random(), side="right"), len(cdf) - 1))


def sample(model, vocab: CharVocabulary, seed_text: str, length: int,
           temperature: float = 1.0, *, seed: int | None = None,
           context: int = 128) -> str:
    """Generate ``length`` characters that continue ``seed_text``.

    At each step the model reads the last ``window`` characters (the model's input
    length; ``context`` characters for a variable-length model) and gives next-
    character probabilities ``p``; the next character is drawn from
    ``softmax(log(p) / temperature)``. Low temperatures approach the most likely
    character (conservative text); 1.0 samples the model's own distribution; higher
    ones flatten it. The unknown id is never drawn. Draws come from
    ``numpy.random.default_rng(seed)``, so the same model, vocabulary, seed text and
    seed give the same text (on CPU, also after a reload in another process).

    For a model that predicts at every position (``return_sequences=True``) a seed
    shorter than the window is right-padded and the prediction at its last real
    character is used (the model is causal, so padding after it changes nothing); a
    model that predicts after the window only gets the seed left-padded with id 0.

    Args:
        model: A trained character model (token ids in, softmax over ``vocab`` out).
        vocab: Its :class:`CharVocabulary`.
        seed_text: Non-empty text to continue.
        length: Number of characters to generate.
        temperature: Positive sampling temperature.
        seed: Seed of the draws; ``None`` is non-deterministic.
        context: Characters of context for a model whose window is ``None``.

    Returns:
        The generated characters (without ``seed_text``).

    Raises:
        ValueError: empty ``seed_text``, ``length`` < 1, ``temperature`` <= 0, a model
            that does not match the vocabulary.

    Example:
        >>> sample(model, vocab, "The ", 20, temperature=0.5, seed=1)  # doctest: +SKIP
        'file is not a string'
    """
    fn = "sample"
    check_vocab(fn, vocab)
    check_text(fn, "seed_text", seed_text, min_length=1)
    length = check_positive_int(fn, "length", length)
    temperature = check_number(fn, "temperature", temperature, low=0.0, low_inclusive=False)
    check_seed(fn, seed)
    context = check_positive_int(fn, "context", context)
    window, per_step = model_geometry(fn, model, vocab)
    width = window or context
    rng = np.random.default_rng(seed)
    ids = vocab.encode(seed_text).tolist()
    out = []
    x = np.zeros((1, width), dtype=np.int32)
    for _ in range(length):
        recent = ids[-width:]
        x[:] = 0
        if per_step:
            x[0, :len(recent)] = recent
            probs = np.asarray(model.predict_on_batch(x))[0, len(recent) - 1]
        else:
            x[0, width - len(recent):] = recent
            probs = np.asarray(model.predict_on_batch(x))[0]
        nxt = _draw(probs, temperature, rng)
        ids.append(nxt)
        out.append(nxt)
    return vocab.decode(out)


__all__ = ["sample"]
