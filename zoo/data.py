"""Data sets as seeded train/validation/test splits of numpy arrays.

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
:class:`DataUnavailableError` with one sentence saying so.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field

import numpy as np

from zoo._validate import check_choice, check_number, check_positive_int, suggest

logger = logging.getLogger("zoo.data")

REPRESENTATIONS = ("image", "flat", "sequence")


class DataUnavailableError(RuntimeError):
    """A data set that must be downloaded is neither reachable nor cached."""


@dataclass
class Dataset:
    """Train/validation/test splits plus what a model needs to know about them.

    Attributes:
        name: Data set name.
        x_train, y_train, x_val, y_val, x_test, y_test: numpy arrays.
        task: The task the labels define (``zoo.tasks.TASKS``).
        num_classes: Number of classes for classification, else ``None``.
        meta: Extra facts (representation, outlier masks, class names...).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    num_classes: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def input_shape(self) -> tuple:
        """Shape of one sample (batch axis excluded)."""
        return tuple(self.x_train.shape[1:])

    def model_kwargs(self) -> dict:
        """The ``input_shape``/``task``/``num_classes`` arguments a factory needs.

        Plus whatever the loader put in ``meta["model_kwargs"]`` (``vocab_size`` and
        ``return_sequences`` for the character text).
        """
        kwargs = {"input_shape": self.input_shape, "task": self.task}
        if self.task in ("multiclass", "multilabel"):
            kwargs["num_classes"] = self.num_classes
        if self.task == "regression" and self.y_train.ndim > 1:
            kwargs["num_outputs"] = self.y_train.shape[1]
        # A loader may add factory arguments (the text data's vocab_size...).
        kwargs.update(self.meta.get("model_kwargs", {}))
        return kwargs

    def summary(self) -> str:
        return (f"{self.name}: train {len(self.x_train)}, val {len(self.x_val)}, "
                f"test {len(self.x_test)}, input {self.input_shape}, task {self.task}")


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
    import tensorflow as tf

    return tf.image.resize(images, (size, size), method="bilinear").numpy().astype("float32")


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


_LOADERS = {
    "digits": _load_digits,
    "classification": _load_classification,
    "regression": _load_regression,
    "mnist": lambda **kw: _load_keras("mnist", **kw),
    "fashion_mnist": lambda **kw: _load_keras("fashion_mnist", **kw),
    "cifar10": lambda **kw: _load_keras("cifar10", **kw),
    # Built in their own modules (character text and time series), imported on use.
    "text": lambda **kw: __import__("zoo.text", fromlist=["load_text"]).load_text(**kw),
    "series": lambda **kw: __import__("zoo.series", fromlist=["load_series"]).load_series(**kw),
}


def list_datasets() -> list[str]:
    """Names :func:`load` accepts."""
    return sorted(_LOADERS)


def register_dataset(name: str, loader) -> None:
    """Add a loader ``loader(**options) -> Dataset`` under ``name``.

    Raises:
        ValueError: ``name`` is already taken.
    """
    if name in _LOADERS:
        raise ValueError(f"register_dataset: a data set named {name!r} already exists")
    _LOADERS[name] = loader


def load(name: str, **options) -> Dataset:
    """Load data set ``name`` as seeded train/validation/test splits.

    Args:
        name: One of :func:`list_datasets` (``digits``, ``classification``,
            ``regression``, ``mnist``, ``fashion_mnist``, ``cifar10``...).
        **options: Loader options: ``seed`` (default 0), ``val_size``, ``test_size``;
            for images ``representation`` (``"image"``, ``"flat"``, ``"sequence"``) and,
            for digits, ``image_size``; for ``classification`` ``n_samples``,
            ``n_features``, ``n_classes``, ``weights``; for ``regression`` ``noise``,
            ``outlier_fraction``, ``outlier_scale``.

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: unknown data set or a bad option value.
        TypeError: an option the loader does not take.
        DataUnavailableError: a download-only data set is offline and not cached.

    Example:
        >>> ds = load("digits", representation="flat", seed=0)
        >>> ds.input_shape, ds.num_classes
        ((64,), 10)
    """
    if not isinstance(name, str):
        raise TypeError(f"load: data set `name` must be a string, received {name!r}")
    if name not in _LOADERS:
        raise ValueError(f"load: unknown data set {name!r}; available: "
                         f"{', '.join(list_datasets())}.{suggest(name, _LOADERS)}")
    seed = options.get("seed", 0)
    check_positive_int(f"load({name!r})", "seed", seed, allow_zero=True)
    for key in ("val_size", "test_size"):
        if key in options:
            check_number(f"load({name!r})", key, options[key], low=0.0, high=0.5,
                         low_inclusive=False)
    try:
        return _LOADERS[name](**options)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            bad = str(exc).split("argument")[-1].strip()
            raise TypeError(f"load({name!r}): unknown option {bad}") from None
        raise


#: Built-in image sets that a model's ``input_kind`` reshapes (images, flat vectors, rows).
IMAGE_SETS = ("digits", "mnist", "fashion_mnist", "cifar10")
_SPLIT_KEYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def resolve(data, *, fn: str = "resolve", input_kind: str | None = None, seed: int = 0,
            options: dict | None = None) -> Dataset:
    """Turn what a caller passed as ``data`` into a :class:`Dataset`: the one resolver.

    ``zoo.train``, ``zoo.compare``, ``tuning.run_search`` and the command line all
    resolve their ``data`` argument here.

    Args:
        data: A data set name (:func:`list_datasets`), a :class:`Dataset`, or arrays:
            ``(x_train, y_train, x_val, y_val, x_test, y_test)`` or a dict with those
            keys. For arrays the task is read from the labels: 1-D integer labels are
            classes (``"binary"`` for two, else ``"multiclass"``), anything else is
            regression.
        fn: The caller's name, for messages.
        input_kind: The consuming model's ``input_kind`` (``zoo.registry``): picks the
            representation of the built-in image sets (images, flat vectors, rows).
        seed: Seed of the split, unless ``options`` holds one.
        options: Loader options for a named data set.

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: unknown name, bad option, a dict missing split keys.
        TypeError: ``data`` of another type, or options given with ready data.

    Example:
        >>> resolve("digits", input_kind="flat").input_shape
        (64,)
    """
    if isinstance(data, Dataset):
        if options:
            raise TypeError(f"{fn}: data options apply to a data set name, not to a ready "
                            f"Dataset, received options={options!r}")
        return data
    if isinstance(data, str):
        options = dict(options or {})
        options.setdefault("seed", seed)
        if data in IMAGE_SETS and input_kind:
            options.setdefault("representation", representation_for(input_kind))
        return load(data, **options)
    if isinstance(data, dict):
        missing = [k for k in _SPLIT_KEYS if k not in data]
        if missing:
            raise ValueError(f"{fn}: `data` dict is missing {', '.join(missing)}")
        data = tuple(data[k] for k in _SPLIT_KEYS)
    if isinstance(data, (tuple, list)) and len(data) == 6:
        arrays = [np.asarray(a) for a in data]
        y = arrays[1]
        if np.issubdtype(y.dtype, np.integer) and y.ndim == 1:
            classes = int(max(a.max() for a in (arrays[1], arrays[3], arrays[5]))) + 1
            task = "multiclass" if classes > 2 else "binary"
        else:
            task, classes = "regression", None
        return Dataset("arrays", *arrays, task=task, num_classes=classes)
    raise TypeError(f"{fn}: `data` must be a data set name (see zoo.data.list_datasets()), a "
                    "zoo.data.Dataset, or (x_train, y_train, x_val, y_val, x_test, y_test), "
                    f"received {type(data).__name__}")


def representation_for(input_kind: str) -> str:
    """The data representation that feeds a model of registry ``input_kind``."""
    return {"flat": "flat", "image": "image", "sequence": "sequence"}.get(input_kind, "image")
