"""How well a character model predicts held-out text, and the baselines it must beat.

:func:`perplexity` (and :func:`log_likelihood`) score a trained model;
:func:`unigram_perplexity` and :func:`bigram_perplexity` are the counting models
it is compared with.

Example:
    >>> v = CharVocabulary.fit("abab")
    >>> round(unigram_perplexity(v, "abab", "ab"), 3)
    2.333
"""

from __future__ import annotations

import math

import numpy as np

from zoo._validate import check_number, check_positive_int
from zoo.text._checks import check_text, model_geometry
from zoo.text.vocabulary import CharVocabulary, check_vocab
from zoo.text.windows import make_text_windows


def _scored_windows(n_targets: int, window: int):
    """Window starts and the first scored position in each, covering every target once.

    Windows overlap by half so that, after the first, every scored character has at
    least ``window // 2`` characters of context.
    """
    if n_targets <= window:
        return [(0, 0)]
    step = max(1, window // 2)
    starts = list(range(0, n_targets - window + 1, step))
    if starts[-1] != n_targets - window:
        starts.append(n_targets - window)
    plan, covered = [], 0
    for start in starts:
        plan.append((start, covered - start))
        covered = start + window
    return plan


def log_likelihood(model, vocab: CharVocabulary, text: str, *, batch_size: int = 256,
                   context: int = 128) -> tuple[float, int]:
    """Total natural-log likelihood of the characters of ``text`` after the first.

    Returns:
        ``(sum of log p(next character), number of characters scored)``. See
        :func:`perplexity`.
    """
    fn = "perplexity"
    check_vocab(fn, vocab)
    check_text(fn, "text", text, min_length=2)
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    window, per_step = model_geometry(fn, model, vocab)
    ids = vocab.encode(text)
    inputs, targets = ids[:-1], ids[1:]
    m = len(targets)
    if per_step:
        width = window or min(context, m)
        plan = _scored_windows(m, width)
        x = np.zeros((len(plan), width), dtype=np.int32)
        for row, (start, _) in enumerate(plan):
            chunk = inputs[start:start + width]
            x[row, :len(chunk)] = chunk
        probs = model.predict(x, batch_size=batch_size, verbose=0)
        total, count = 0.0, 0
        for row, (start, first) in enumerate(plan):
            stop = min(width, m - start)
            t = targets[start + first:start + stop]
            p = probs[row, np.arange(first, stop), t]
            total += float(np.sum(np.log(np.maximum(p.astype(np.float64), 1e-30))))
            count += len(t)
        return total, count
    width = window or context
    if len(text) < width + 1:
        raise ValueError(f"{fn}: `text` has {len(text)} characters, too short for the "
                         f"model's window of {width} (it needs at least {width + 1})")
    x, y = make_text_windows(ids, width, stride=1, target="last")
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    p = probs[np.arange(len(y)), y].astype(np.float64)
    return float(np.sum(np.log(np.maximum(p, 1e-30)))), len(y)


def perplexity(model, vocab: CharVocabulary, text: str, *, batch_size: int = 256,
               context: int = 128) -> float:
    """Per-character perplexity of ``model`` on ``text``: ``exp(-mean log p(next char))``.

    A model that predicts at every position scores every character after the first,
    reading the text in windows that overlap by half so that all but the first
    ``window // 2`` characters are predicted from at least that much context. A model
    that predicts after its window only scores the characters that have a full window
    before them. Lower is better; a uniform guess over the vocabulary scores
    ``vocab.size``.

    Args:
        model: A trained character model.
        vocab: Its :class:`CharVocabulary`.
        text: Held-out text (at least 2 characters, or ``window + 1`` for a
            last-step model).
        batch_size: Prediction batch size.
        context: Window for a variable-length model.

    Returns:
        The perplexity (a float >= 1).

    Raises:
        ValueError: ``text`` empty or too short, a model that does not match ``vocab``.

    Example:
        >>> perplexity(model, vocab, ds.meta["texts"]["test"])  # doctest: +SKIP
        4.87
    """
    total, count = log_likelihood(model, vocab, text, batch_size=batch_size, context=context)
    return float(math.exp(-total / count))


def _unigram_probs(train_ids: np.ndarray, size: int) -> np.ndarray:
    counts = np.bincount(train_ids, minlength=size).astype(np.float64) + 1.0  # add-one
    return counts / counts.sum()


def unigram_perplexity(vocab: CharVocabulary, train_text: str, text: str) -> float:
    """Perplexity of the character-frequency model of ``train_text`` on ``text``.

    ``p(c) = (count(c) + 1) / (N + V)`` (add-one smoothing over the vocabulary),
    scored on every character of ``text`` after the first (as :func:`perplexity`).

    Example:
        >>> v = CharVocabulary.fit("abab")
        >>> round(unigram_perplexity(v, "abab", "ab"), 3)
        2.333
    """
    fn = "unigram_perplexity"
    check_text(fn, "train_text", train_text, min_length=1)
    check_text(fn, "text", text, min_length=2)
    probs = _unigram_probs(vocab.encode(train_text), vocab.size)
    targets = vocab.encode(text)[1:]
    return float(math.exp(-np.mean(np.log(probs[targets]))))


def _bigram_tables(train_ids: np.ndarray, size: int):
    pairs = np.zeros((size, size), dtype=np.float64)
    np.add.at(pairs, (train_ids[:-1], train_ids[1:]), 1.0)
    rows = pairs.sum(axis=1, keepdims=True)
    conditional = np.divide(pairs, rows, out=np.zeros_like(pairs), where=rows > 0)
    return conditional, rows[:, 0] > 0


def _bigram_nll(conditional, seen, unigram, ids, weight) -> float:
    prev, nxt = ids[:-1], ids[1:]
    lam = np.where(seen[prev], weight, 0.0)
    p = lam * conditional[prev, nxt] + (1.0 - lam) * unigram[nxt]
    return float(-np.mean(np.log(p)))


def bigram_perplexity(vocab: CharVocabulary, train_text: str, text: str, *,
                      weight: float | None = None, val_text: str | None = None) -> float:
    """Perplexity of an interpolated character-bigram model of ``train_text`` on ``text``.

    ``p(b | a) = w * count(a, b) / count(a) + (1 - w) * p_unigram(b)`` (Jelinek-Mercer
    interpolation with the add-one unigram of :func:`unigram_perplexity`). With
    ``weight=None`` the weight is picked from a grid (0.5 .. 0.99) on ``val_text``
    (or 0.9 without it), which makes this a fair, tuned baseline.

    Args:
        vocab: The :class:`CharVocabulary`.
        train_text: Text the counts come from.
        text: Held-out text to score.
        weight: Interpolation weight in [0, 1], or ``None`` to tune it.
        val_text: Validation text for tuning ``weight``.

    Returns:
        The perplexity.

    Example:
        >>> v = CharVocabulary.fit("abab")
        >>> bigram_perplexity(v, "abababab", "abab", weight=0.9) < 1.5
        True
    """
    fn = "bigram_perplexity"
    check_text(fn, "train_text", train_text, min_length=2)
    check_text(fn, "text", text, min_length=2)
    train_ids = vocab.encode(train_text)
    unigram = _unigram_probs(train_ids, vocab.size)
    conditional, seen = _bigram_tables(train_ids, vocab.size)
    if weight is None:
        if val_text is None:
            weight = 0.9
        else:
            val_ids = vocab.encode(check_text(fn, "val_text", val_text, min_length=2))
            grid = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
            weight = min(grid, key=lambda w: _bigram_nll(conditional, seen, unigram, val_ids, w))
    else:
        weight = check_number(fn, "weight", weight, low=0.0, high=1.0)
    return float(math.exp(_bigram_nll(conditional, seen, unigram, vocab.encode(text), weight)))


__all__ = ["bigram_perplexity", "log_likelihood", "perplexity", "unigram_perplexity"]
