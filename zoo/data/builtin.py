"""The built-in data sets: embedded, generated, and downloaded by ``keras.datasets``.

Embedded (no download needed):

* ``digits``: scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes),
  scaled to [0, 1], as images ``(8, 8, 1)`` (or up-sampled with ``image_size``),
  flat vectors ``(64,)`` or row sequences ``(8, 8)``.
* ``classification``: ``sklearn.datasets.make_classification`` (binary by default,
  optionally imbalanced through ``weights``), standardised on the training split.
* ``regression``: ``sklearn.datasets.make_regression`` with optional gross outliers
  injected into the training and validation targets only, so that test error
  measures what was learnt about the clean relation.

Downloaded on first use by ``keras.datasets`` (then cached in ``~/.keras/datasets``):
``mnist``, ``fashion_mnist``, ``cifar10``. Offline and uncached they raise
:class:`~zoo.data.DataUnavailableError` with one sentence saying so.

Built from the zoo's own modules: ``text`` (:func:`load_text`, next-character
windows of the embedded corpus of :mod:`zoo.text`) and ``series`` (:func:`load_series`,
forecasting windows of the synthetic series of :mod:`zoo.series`).

:data:`BUILTIN` maps each name to its loader; :func:`zoo.data.load` looks them up.
"""

from __future__ import annotations

import functools
import logging
import socket
from pathlib import Path

import numpy as np

from zoo._validate import check_choice, check_number, check_positive_int
from zoo.data.dataset import Dataset, DataUnavailableError
from zoo.series import make_windows, synthetic_series
from zoo.text import TARGETS, VOCAB_FILE, CharVocabulary, load_corpus, make_text_windows

logger = logging.getLogger("zoo.data")

#: The representations of the image sets: images, flat vectors, or rows as time steps.
REPRESENTATIONS = ("image", "flat", "sequence")


def representation_for(input_kind: str) -> str:
    """The data representation that feeds a model of registry ``input_kind``."""
    return {"flat": "flat", "image": "image", "sequence": "sequence"}.get(input_kind, "image")


def _split(x, y, *, seed, val_size, test_size, stratify):
    from sklearn.model_selection import train_test_split

    strat = y if stratify else None
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=strat)
    strat = y_rest if stratify else None
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_size / (1.0 - test_size), random_state=seed, stratify=strat)
    return x_train, y_train, x_val, y_val, x_test, y_test


def _resize(images: np.ndarray, size: int) -> np.ndarray:
    # keras.ops: TensorFlow's tf.image.resize on TensorFlow, the same bilinear map elsewhere.
    from zoo.backend import import_keras

    ops = import_keras().ops
    resized = ops.image.resize(images.astype("float32"), (size, size), interpolation="bilinear",
                               data_format="channels_last")
    return ops.convert_to_numpy(resized).astype("float32")


def _load_digits(*, representation="image", image_size=None, seed=0, val_size=0.15,
                 test_size=0.15):
    from sklearn.datasets import load_digits

    fn = "load('digits')"
    representation = check_choice(fn, "representation", representation, REPRESENTATIONS)
    if image_size is not None:
        image_size = check_positive_int(fn, "image_size", image_size)
        if representation != "image":
            raise ValueError(f"{fn}: `image_size` only applies to representation='image', "
                             f"received representation={representation!r}")
    bunch = load_digits()
    images = (bunch.images / 16.0).astype("float32")  # 0..16 -> [0, 1]
    labels = bunch.target.astype("int32")
    if representation == "image":
        x = images[..., None]
        if image_size is not None and image_size != 8:
            x = np.clip(_resize(x, image_size), 0.0, 1.0)
    elif representation == "flat":
        x = images.reshape(len(images), -1)
    else:
        x = images  # 8 timesteps (rows) of 8 features (pixels)
    splits = _split(x, labels, seed=seed, val_size=val_size, test_size=test_size, stratify=True)
    return Dataset("digits", *splits, task="multiclass", num_classes=10,
                   meta={"representation": representation, "value_range": (0.0, 1.0),
                         "class_names": [str(i) for i in range(10)]})


def _standardize(x_train, *others):
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0) + 1e-8
    return [((a - mean) / std).astype("float32") for a in (x_train, *others)]


def _load_classification(*, n_samples=2000, n_features=20, n_informative=10, n_classes=2,
                         weights=None, class_sep=1.0, flip_y=0.01, seed=0, val_size=0.15,
                         test_size=0.15):
    from sklearn.datasets import make_classification

    fn = "load('classification')"
    n_samples = check_positive_int(fn, "n_samples", n_samples)
    n_features = check_positive_int(fn, "n_features", n_features)
    n_informative = check_positive_int(fn, "n_informative", n_informative)
    n_classes = check_positive_int(fn, "n_classes", n_classes)
    if n_classes < 2:
        raise ValueError(f"{fn}: `n_classes` must be >= 2, received n_classes={n_classes}")
    if n_informative > n_features:
        raise ValueError(f"{fn}: `n_informative` ({n_informative}) cannot exceed "
                         f"`n_features` ({n_features})")
    x, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=n_informative, n_redundant=0,
                               n_classes=n_classes, weights=weights, class_sep=class_sep,
                               flip_y=flip_y, random_state=seed)
    x_train, y_train, x_val, y_val, x_test, y_test = _split(
        x, y.astype("int32"), seed=seed, val_size=val_size, test_size=test_size, stratify=True)
    x_train, x_val, x_test = _standardize(x_train, x_val, x_test)
    task = "binary" if n_classes == 2 else "multiclass"
    if task == "binary":
        y_train, y_val, y_test = (a.astype("float32") for a in (y_train, y_val, y_test))
    return Dataset("classification", x_train, y_train, x_val, y_val, x_test, y_test, task=task,
                   num_classes=n_classes, meta={"weights": weights})


def _load_regression(*, n_samples=1000, n_features=10, n_informative=None, noise=10.0,
                     outlier_fraction=0.0, outlier_scale=10.0, seed=0, val_size=0.15,
                     test_size=0.15):
    from sklearn.datasets import make_regression

    fn = "load('regression')"
    n_samples = check_positive_int(fn, "n_samples", n_samples)
    n_features = check_positive_int(fn, "n_features", n_features)
    check_number(fn, "noise", noise, low=0.0)
    check_number(fn, "outlier_fraction", outlier_fraction, low=0.0, high=0.5)
    check_number(fn, "outlier_scale", outlier_scale, low=0.0)
    x, y = make_regression(n_samples=n_samples, n_features=n_features,
                           n_informative=n_informative or n_features, noise=noise,
                           random_state=seed)
    x_train, y_train, x_val, y_val, x_test, y_test = _split(
        x, y, seed=seed, val_size=val_size, test_size=test_size, stratify=False)
    x_train, x_val, x_test = _standardize(x_train, x_val, x_test)
    # Targets in units of the clean training spread, so default learning rates work.
    mean, std = y_train.mean(), y_train.std()
    y_train, y_val, y_test = (((a - mean) / std).astype("float32") for a in (y_train, y_val, y_test))
    rng = np.random.default_rng(seed)
    masks = {}
    for split, y_split in (("train", y_train), ("val", y_val)):
        mask = rng.random(len(y_split)) < outlier_fraction
        signs = rng.choice([-1.0, 1.0], size=mask.sum())
        y_split[mask] += (signs * outlier_scale * (1.0 + rng.random(mask.sum()))).astype("float32")
        masks[split] = mask
    return Dataset("regression", x_train, y_train, x_val, y_val, x_test, y_test,
                   task="regression",
                   meta={"outlier_fraction": outlier_fraction, "outliers_train": masks["train"],
                         "outliers_val": masks["val"], "target_mean": float(mean),
                         "target_std": float(std)})


def _load_keras(name, *, representation="image", seed=0, val_size=0.1, timeout=15.0):
    import keras

    fn = f"load({name!r})"
    representation = check_choice(fn, "representation", representation, REPRESENTATIONS)
    module = getattr(keras.datasets, name)
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # fail within seconds offline instead of hanging
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as exc:  # URLError, OSError, socket errors, partial files...
        raise DataUnavailableError(
            f"the {name!r} data set is not cached in ~/.keras/datasets and could not be "
            f"downloaded ({type(exc).__name__}); connect to the internet once or use an "
            "embedded data set such as 'digits'"
        ) from None
    finally:
        socket.setdefaulttimeout(old_timeout)
    return _from_arrays(name, x_train, y_train, x_test, y_test, representation=representation,
                        seed=seed, val_size=val_size)


def _from_arrays(name, x_train, y_train, x_test, y_test, *, representation, seed, val_size):
    """Shape downloaded image arrays like the embedded ones: [0, 1], a channel axis."""
    from sklearn.model_selection import train_test_split

    y_train, y_test = (np.asarray(a).reshape(-1).astype("int32") for a in (y_train, y_test))
    x_train, x_test = ((np.asarray(a, dtype="float32") / 255.0) for a in (x_train, x_test))
    if x_train.ndim == 3:
        x_train, x_test = x_train[..., None], x_test[..., None]
    if representation == "flat":
        x_train, x_test = (a.reshape(len(a), -1) for a in (x_train, x_test))
    elif representation == "sequence":
        x_train, x_test = (a.reshape(a.shape[0], a.shape[1], -1) for a in (x_train, x_test))
    x_train, x_val, y_train, y_val = train_test_split(
        x_train, y_train, test_size=val_size, random_state=seed, stratify=y_train)
    num_classes = int(y_train.max()) + 1
    return Dataset(name, x_train, y_train, x_val, y_val, x_test, y_test, task="multiclass",
                   num_classes=num_classes,
                   meta={"representation": representation, "value_range": (0.0, 1.0)})


# ----------------------------------------------------------------------------- text


def load_text(*, window: int = 64, stride: int | None = None, target: str = "sequence",
              max_chars: int | None = None, lowercase: bool = False, val_size: float = 0.1,
              test_size: float = 0.1, seed: int = 0):
    """The embedded text corpus as next-character windows (``zoo.data.load("text")``).

    The corpus (:func:`zoo.text.load_corpus`, documents shuffled with ``seed``) is cut by
    position: the first ``1 - val_size - test_size`` of the characters train, the next
    ``val_size`` validate, the last ``test_size`` test. The vocabulary is fitted on
    the training text only (characters first seen later map to the unknown id 0).

    Args:
        window: Characters per input window.
        stride: Distance between window starts (see :func:`zoo.text.make_text_windows`).
        target: ``"sequence"`` (``y`` is the window shifted by one; the model is built
            with ``return_sequences=True``) or ``"last"`` (``y`` is the next character).
        max_chars: Keep only the first ``max_chars`` characters of the corpus (faster
            experiments); ``None`` keeps all.
        lowercase: Lower-case the corpus (a smaller vocabulary).
        val_size, test_size: Fractions of the characters for validation and test.
        seed: Seed of the document order.

    Returns:
        A :class:`zoo.data.Dataset` named ``"text"``: ``x_*`` ``int32`` id windows
        ``(n, window)``, ``y_*`` next-character ids (``(n, window)`` or ``(n,)``),
        ``task="multiclass"``, ``num_classes=vocab.size``. ``meta`` holds ``vocab``
        (the :class:`zoo.text.CharVocabulary`), ``texts`` (``{"train", "val", "test"}`` raw
        split texts), ``window``, ``stride``, ``target``, ``model_kwargs`` (the
        ``vocab_size`` and ``return_sequences`` that ``model_kwargs()`` adds for
        :func:`zoo.build_lstm`) and ``on_save`` (writes ``vocab.json`` beside a saved
        model; :func:`zoo.training.train` calls it).

    Raises:
        ValueError: a split too short for ``window``; bad arguments.

    Example:
        >>> ds = load_text(window=32, max_chars=50_000)
        >>> ds.x_train.shape[1], ds.model_kwargs()["vocab_size"] == ds.num_classes
        (32, True)
    """
    check_positive_int("load('text')", "seed", seed, allow_zero=True)
    return text_windows(load_corpus(seed=seed), name="text", fn="load('text')", window=window,
                        stride=stride, target=target, max_chars=max_chars, lowercase=lowercase,
                        val_size=val_size, test_size=test_size)


def text_windows(corpus: str, *, name: str, fn: str, window: int = 64, stride: int | None = None,
                 target: str = "sequence", max_chars: int | None = None,
                 lowercase: bool = False, val_size: float = 0.1, test_size: float = 0.1):
    """A text cut by position into train/validation/test and into character windows.

    What :func:`load_text` does with the embedded corpus, for any text (a user's
    ``.txt`` file: :func:`zoo.data.files.load_text_file`). Arguments and result as
    in :func:`load_text`; the data set is named ``name`` and messages start with ``fn``.

    Raises:
        ValueError: a split too short for ``window``; bad arguments.
    """
    window = check_positive_int(fn, "window", window)
    target = check_choice(fn, "target", target, TARGETS)
    if stride is not None:
        stride = check_positive_int(fn, "stride", stride)
    if max_chars is not None:
        max_chars = check_positive_int(fn, "max_chars", max_chars)
    if not isinstance(lowercase, bool):
        raise TypeError(f"{fn}: `lowercase` must be True or False, received {lowercase!r}")
    val_size = check_number(fn, "val_size", val_size, low=0.0, high=0.5, low_inclusive=False)
    test_size = check_number(fn, "test_size", test_size, low=0.0, high=0.5, low_inclusive=False)

    if lowercase:
        corpus = corpus.lower()
    if max_chars is not None:
        corpus = corpus[:max_chars]
    n = len(corpus)
    n_test, n_val = int(round(n * test_size)), int(round(n * val_size))
    n_train = n - n_val - n_test
    texts = {"train": corpus[:n_train], "val": corpus[n_train:n_train + n_val],
             "test": corpus[n_train + n_val:]}
    for split, part in texts.items():
        if len(part) < window + 1:
            raise ValueError(f"{fn}: the {split} text has {len(part)} characters, too short "
                             f"for window={window} (it needs at least {window + 1}); use "
                             f"more text, raise `max_chars` or lower `window`")
    vocab = CharVocabulary.fit(texts["train"])
    arrays = {}
    for split, part in texts.items():
        arrays[split] = make_text_windows(vocab.encode(part), window, stride=stride, target=target)
    stride = stride if stride is not None else (window if target == "sequence" else 1)
    logger.info("%s: %d characters, vocabulary of %d, %d training windows",
                name, n, vocab.size, len(arrays["train"][0]))

    meta = {"vocab": vocab, "texts": texts, "window": window, "stride": stride,
            "target": target, "on_save": functools.partial(_write_vocab, vocab),
            "model_kwargs": {"vocab_size": vocab.size,
                             "return_sequences": target == "sequence"}}
    return Dataset(name, *arrays["train"], *arrays["val"], *arrays["test"],
                   task="multiclass", num_classes=vocab.size, meta=meta)


def _write_vocab(vocab: CharVocabulary, out_dir) -> dict:
    """``Dataset.meta["on_save"]`` of the text data: ``vocab.json`` beside the model."""
    return {"vocab": vocab.save(Path(out_dir) / VOCAB_FILE)}


# ----------------------------------------------------------------------------- series


def load_series(*, length: int = 3000, past: int = 48, future: int = 12, stride: int = 1,
                periods=(24, 168), amplitudes=(1.0, 0.5), trend: float = 0.0005,
                noise: float = 0.2, val_size: float = 0.15, test_size: float = 0.15,
                seed: int = 0):
    """The synthetic series as forecasting windows (``zoo.data.load("series")``).

    :func:`zoo.series.synthetic_series` windowed by :func:`zoo.series.make_windows`:
    with the defaults, 3000 hourly-like steps with daily (24) and weekly (168)
    seasons, a trend and noise, 48 past steps in and the next 12 out.

    Args:
        length, periods, amplitudes, trend, noise, seed: As in
            :func:`zoo.series.synthetic_series`.
        past, future, stride, val_size, test_size: As in :func:`zoo.series.make_windows`.

    Returns:
        A :class:`zoo.data.Dataset` named ``"series"`` (see
        :func:`zoo.series.make_windows`); its ``meta`` adds ``series`` (the raw values) and ``periods``.

    Raises:
        ValueError, TypeError: bad arguments.

    Example:
        >>> ds = load_series(past=24, future=6)
        >>> ds.model_kwargs()["num_outputs"]
        6
    """
    values = synthetic_series(length, periods=periods, amplitudes=amplitudes, trend=trend,
                              noise=noise, seed=seed)
    ds = make_windows(values, past, future, stride, val_size=val_size, test_size=test_size,
                      name="series")
    ds.meta.update({"series": values, "periods": tuple(periods)})
    return ds


#: Built-in data set name -> loader ``loader(**options) -> Dataset``.
BUILTIN = {
    "digits": _load_digits,
    "classification": _load_classification,
    "regression": _load_regression,
    "mnist": functools.partial(_load_keras, "mnist"),
    "fashion_mnist": functools.partial(_load_keras, "fashion_mnist"),
    "cifar10": functools.partial(_load_keras, "cifar10"),
    "text": load_text,
    "series": load_series,
}
