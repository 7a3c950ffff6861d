"""The one data resolver: whatever a caller passed as ``data`` -> a :class:`Dataset`."""

from __future__ import annotations

import os

import numpy as np

from zoo.data.builtin import representation_for
from zoo.data.catalog import list_datasets, load
from zoo.data.dataset import Dataset
from zoo.data.streams import STREAM_OPTIONS, from_splits, stream_splits

#: Built-in image sets that a model's ``input_kind`` reshapes (images, flat vectors, rows).
IMAGE_SETS = ("digits", "mnist", "fashion_mnist", "cifar10")
_SPLIT_KEYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def resolve(data, *, fn: str = "resolve", input_kind: str | None = None, seed: int = 0,
            options: dict | None = None) -> Dataset:
    """Turn what a caller passed as ``data`` into a :class:`Dataset`: the one resolver.

    ``zoo.train``, ``zoo.compare``, ``tuning.run_search`` and the command line all
    resolve their ``data`` argument here.

    Args:
        data: A data set name (:func:`list_datasets`); a path to your own data (a
            file or folder, see :mod:`zoo.data.files`); a :class:`Dataset`; arrays:
            ``(x_train, y_train, x_val, y_val, x_test, y_test)`` or a dict with those
            keys; or streamed splits: ``(train, val)``, ``(train, val, test)`` or
            ``{"train": ..., "val": ..., "test": ...}`` of batched ``tf.data.Dataset`` objects
            or ``keras.utils.PyDataset`` objects (see :func:`zoo.data.streams.from_splits`).
            For arrays the task is read from the labels: 1-D integer labels are
            classes (``"binary"`` for two, else ``"multiclass"``), anything else is
            regression.
        fn: The caller's name, for messages.
        input_kind: The consuming model's ``input_kind`` (``zoo.registry``): picks the
            representation of the built-in image sets and of image folders (images,
            flat vectors, rows).
        seed: Seed of the split, unless ``options`` holds one.
        options: Loader options for a named data set or a path; for streamed splits
            ``task``, ``num_classes`` and ``name``.

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: unknown name, bad option, a dict missing split keys, a file that
            cannot be used (:class:`~zoo.data.DataFileError`, naming it).
        TypeError: ``data`` of another type, or options given with ready data.

    Example:
        >>> resolve("digits", input_kind="flat").input_shape
        (64,)
        >>> resolve("wine.csv", options={"target": "label"}).task  # doctest: +SKIP
        'multiclass'
    """
    if isinstance(data, Dataset):
        if options:
            raise TypeError(f"{fn}: data options apply to a data set name, not to a ready "
                            f"Dataset, received options={options!r}")
        return data
    if isinstance(data, (str, os.PathLike)):
        options = dict(options or {})
        options.setdefault("seed", seed)
        if data in IMAGE_SETS and input_kind:
            options.setdefault("representation", representation_for(input_kind))
        elif input_kind and not (isinstance(data, str) and data in list_datasets()):
            options["input_kind"] = input_kind  # the files' loader picks a representation
        return load(data, **options)
    splits = stream_splits(data)
    if splits is not None:
        options = dict(options or {})
        unknown = sorted(set(options) - set(STREAM_OPTIONS))
        if unknown:
            raise TypeError(f"{fn}: option(s) {', '.join(unknown)} do not apply to streamed "
                            f"splits; they take {', '.join(STREAM_OPTIONS)}")
        return from_splits(splits, fn=fn, **options)
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
                    "path to a file or folder, a zoo.data.Dataset, (x_train, y_train, x_val, "
                    "y_val, x_test, y_test) arrays, or (train, val[, test]) tf.data.Datasets or "
                    f"PyDatasets, received {type(data).__name__}")



__all__ = ["IMAGE_SETS", "representation_for", "resolve"]
