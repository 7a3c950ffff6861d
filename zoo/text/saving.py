"""Save and load a character model together with its vocabulary.

``zoo train lstm --data text --out DIR`` writes ``DIR/model.keras`` and
``DIR/vocab.json``; :func:`load_model` (and ``zoo sample DIR``) read both back.
The model itself stays a plain functional Keras model, so it reloads with
``keras.saving.load_model(path, safe_mode=True)`` and no custom objects.

Example:
    >>> model, vocab = load_model("runs/char")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from zoo.text.vocabulary import VOCAB_FILE, CharVocabulary

#: File name of the model inside a model directory (as written by ``zoo train``).
MODEL_FILE = "model.keras"
#: The model files :func:`load_model` looks for in a directory, in this order: ``zoo
#: train``'s, then the best model of a ``zoo tune`` job.
MODEL_FILES = (MODEL_FILE, "best_model.keras")


def save_model(model, vocab: CharVocabulary, directory) -> dict:
    """Save a character model and its vocabulary as ``DIR/model.keras`` + ``DIR/vocab.json``.

    Returns:
        ``{"model": path, "vocab": path}``.

    Example:
        >>> save_model(model, vocab, "runs/char")  # doctest: +SKIP
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory / MODEL_FILE)
    return {"model": directory / MODEL_FILE, "vocab": vocab.save(directory / VOCAB_FILE)}


def load_model(path):
    """Load a character model and its vocabulary (``safe_mode=True``, no custom objects).

    Args:
        path: A directory holding ``model.keras`` and ``vocab.json`` (what
            ``zoo train lstm --data text --out DIR`` or :func:`save_model` writes) or
            ``best_model.keras`` and ``vocab.json`` (a ``zoo tune lstm --data text``
            job), or a ``.keras`` file with ``vocab.json`` beside it.

    Returns:
        ``(model, vocab)``.

    Raises:
        FileNotFoundError: the model or the vocabulary file is missing.
        ValueError: either file is damaged (the message names it).

    Example:
        >>> model, vocab = load_model("runs/char")  # doctest: +SKIP
    """
    path = Path(path)
    model_path = path
    if path.is_dir():
        found = [path / name for name in MODEL_FILES if (path / name).is_file()]
        model_path = found[0] if found else path / MODEL_FILE
    if not model_path.is_file():
        raise FileNotFoundError(f"load_model: no saved model at {str(model_path)!r} (expected "
                                f"a directory holding {' or '.join(MODEL_FILES)}, or a .keras "
                                "file)")
    vocab_path = model_path.parent / VOCAB_FILE
    if not vocab_path.is_file():
        raise FileNotFoundError(f"load_model: no {VOCAB_FILE} beside {str(model_path)!r}; was "
                                "the model trained on character text (--data text)?")
    vocab = CharVocabulary.load(vocab_path)
    import keras

    try:
        model = keras.saving.load_model(model_path, safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - zip, h5, JSON and Keras errors alike
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"load_model: {str(model_path)!r} is not a readable Keras model "
                         f"({reason}); train and save it again") from None
    return model, vocab


__all__ = ["MODEL_FILE", "load_model", "save_model"]
