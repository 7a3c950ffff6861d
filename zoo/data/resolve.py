"""The one data resolver: whatever a caller passed as ``data`` -> a :class:`Dataset`."""

from __future__ import annotations

import numpy as np

from zoo.data.catalog import load
from zoo.data.dataset import Dataset

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


__all__ = ["IMAGE_SETS", "representation_for", "resolve"]
