"""The one data resolver: whatever a caller passed as ``data`` -> a :class:`Dataset`."""

from __future__ import annotations

import logging
import os

from zoo.data.builtin import representation_for
from zoo.data.catalog import list_datasets, load
from zoo.data.dataset import SPLITS, Dataset
from zoo.data.streams import STREAM_OPTIONS, from_splits, stream_splits
from zoo.data.validate import check_dataset, check_labels, check_splits, infer_task
from zoo.io import notes_only_if_accepted
from zoo.tasks import check_task

logger = logging.getLogger("zoo.data")

#: Built-in image sets that a model's ``input_kind`` reshapes (images, flat vectors, rows).
IMAGE_SETS = ("digits", "mnist", "fashion_mnist", "cifar10")
_SPLIT_KEYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
#: The options arrays take (a named data set or a path takes its loader's).
_ARRAY_OPTIONS = ("task", "num_classes")


def resolve(data, *, fn: str = "resolve", input_kind: str | None = None, seed: int = 0,
            options: dict | None = None) -> Dataset:
    """Turn what a caller passed as ``data`` into a :class:`Dataset`: the one resolver.

    ``zoo.train``, ``zoo.compare``, ``tuning.run_search`` and the command line all
    resolve their ``data`` argument here, and every data set leaves it validated
    (:func:`zoo.data.validate.check_dataset`): built-in sets, your own files (CSV,
    NPZ, ...), arrays and streams alike.

    Args:
        data: A data set name (:func:`list_datasets`); a path to your own data (a
            file or folder, see :mod:`zoo.data.files`); a :class:`Dataset`; arrays:
            ``(x_train, y_train, x_val, y_val, x_test, y_test)`` or a dict with those
            keys; or streamed splits: ``(train, val)``, ``(train, val, test)`` or
            ``{"train": ..., "val": ..., "test": ...}`` of batched ``tf.data.Dataset`` objects
            or ``keras.utils.PyDataset`` objects (see :func:`zoo.data.streams.from_splits`).
            For arrays, options may say the task (``{"task": "multiclass",
            "num_classes": 10}``); where they do not, it is read from the labels
            (:func:`zoo.data.validate.infer_task`: 1-D integer labels are classes,
            ``"binary"`` for two, else ``"multiclass"``; anything else is regression),
            logged, and recorded in ``meta["task_inferred"]``.
        fn: The caller's name, for messages.
        input_kind: The consuming model's ``input_kind`` (``zoo.registry``): picks the
            representation of the built-in image sets and of image folders (images,
            flat vectors, rows).
        seed: Seed of the split, unless ``options`` holds one.
        options: Loader options for a named data set or a path; for streamed splits
            ``task``, ``num_classes`` and ``name``; for arrays ``task`` and ``num_classes``.

    Returns:
        A :class:`Dataset` that passed :func:`zoo.data.validate.check_dataset`: arrays
        finite, labels within the task's classes, consistent lengths and shapes, no
        empty split, numbers only; streamed splits checked cheaply (the labels a
        stream knows, the first batch of each split).

    Raises:
        ValueError: unknown name, bad option, a dict missing split keys, a file that
            cannot be used (:class:`~zoo.data.DataFileError`, naming it), or data that
            fail the validation (the message names the array and the bad values).
        TypeError: ``data`` of another type, options a ready Dataset cannot take, or
            arrays of strings or objects.

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
        return check_dataset(data, fn=fn)
    if isinstance(data, (str, os.PathLike)):
        options = dict(options or {})
        options.setdefault("seed", seed)
        if data in IMAGE_SETS and input_kind:
            options.setdefault("representation", representation_for(input_kind))
        elif input_kind and not (isinstance(data, str) and data in list_datasets()):
            options["input_kind"] = input_kind  # the files' loader picks a representation
        with notes_only_if_accepted(logger):
            return check_dataset(load(data, **options), fn=fn)
    splits = stream_splits(data)
    if splits is not None:
        options = dict(options or {})
        unknown = sorted(set(options) - set(STREAM_OPTIONS))
        if unknown:
            raise TypeError(f"{fn}: option(s) {', '.join(unknown)} do not apply to streamed "
                            f"splits; they take {', '.join(STREAM_OPTIONS)}")
        with notes_only_if_accepted(logger):
            return check_dataset(from_splits(splits, fn=fn, **options), fn=fn)
    if isinstance(data, dict):
        missing = [k for k in _SPLIT_KEYS if k not in data]
        if missing:
            raise ValueError(f"{fn}: `data` dict is missing {', '.join(missing)}")
        data = tuple(data[k] for k in _SPLIT_KEYS)
    if isinstance(data, (tuple, list)) and len(data) == 6:
        return _from_arrays(fn, data, options or {})
    raise TypeError(f"{fn}: `data` must be a data set name (see zoo.data.list_datasets()), a "
                    "path to a file or folder, a zoo.data.Dataset, (x_train, y_train, x_val, "
                    "y_val, x_test, y_test) arrays, or (train, val[, test]) tf.data.Datasets or "
                    f"PyDatasets, received {type(data).__name__}")


def _from_arrays(fn, arrays, options) -> Dataset:
    """A validated :class:`Dataset` of the six arrays, its task said or inferred."""
    unknown = sorted(set(options) - set(_ARRAY_OPTIONS))
    if unknown:
        raise TypeError(f"{fn}: arrays take the options {', '.join(_ARRAY_OPTIONS)} only, "
                        f"received {', '.join(unknown)}")
    arrays = check_splits(fn, dict(zip(_SPLIT_KEYS, arrays, strict=True)))
    task, classes = options.get("task"), options.get("num_classes")
    meta = {}
    if task is None:
        if classes is not None:
            raise ValueError(f"{fn}: `num_classes` given without `task`; pass "
                             "task='multiclass' (or 'multilabel') with it")
        task, classes, reason, doubt = infer_task(*(arrays[f"y_{s}"] for s in SPLITS))
        meta["task_inferred"] = f"{reason}; {doubt}" if doubt else reason
        logger.log(logging.WARNING if doubt else logging.INFO, "%s: %s", fn,
                   meta["task_inferred"])
    else:
        task, _ = check_task(fn, task, classes, 1)
        if task == "binary":
            classes = 2
    check_labels(fn, task, classes, arrays)
    return Dataset("arrays", *(arrays[k] for k in _SPLIT_KEYS), task=task, num_classes=classes,
                   meta=meta)


__all__ = ["IMAGE_SETS", "representation_for", "resolve"]
