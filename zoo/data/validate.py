"""The one validation pass over a data set's arrays, before any training.

:func:`check_dataset` is scikit-learn's ``check_array``/``check_X_y`` discipline
for the six splits of a :class:`~zoo.data.Dataset`: every split non-empty, ``x``
and ``y`` of each split the same length, the same sample shape in every split,
numbers only (no strings or objects), finite values (a message names the array,
the count and the first index), and labels that fit the task (classes in
``[0, num_classes)``, binary labels 0 or 1, whole numbers for classes; a message
names the bad values). Everything after it trusts the data.
:func:`zoo.data.resolve`, the resolver of every job, calls it, so ``zoo.train``,
``zoo.compare``, ``zoo.generate``, ``tuning.run_search`` and the command line all
refuse bad data with the same messages, before the first epoch.

:func:`infer_task` reads the task from the labels of bare arrays, where the user
did not say it; the resolver records how (``Dataset.meta["task_inferred"]``) and
logs it.

Streamed splits (an image folder, a caller's ``tf.data.Dataset`` or ``PyDataset``)
are never read whole here: :func:`check_dataset` checks the labels a stream knows
without reading (all of an image folder's) and the first batch of each split
(finite inputs, labels within the classes); the rest is left to training's
``TerminateOnNaN`` and the finite-weights check before every save.

NumPy only: no Keras, no backend.

Example:
    >>> import numpy as np
    >>> x = np.zeros((4, 2), "float32"); x[1, 0] = np.nan
    >>> y = np.array([0, 1, 0, 1])
    >>> check_dataset(Dataset("mine", x, y, x, y, x, y, task="binary", num_classes=2))
    Traceback (most recent call last):
    ...
    ValueError: check_dataset: `x_train` holds 1 non-finite value (NaN or infinity), the first at index [1, 0]; ...
"""

from __future__ import annotations

import logging

import numpy as np

from zoo.data.dataset import SPLITS, Dataset, is_stream
from zoo.tasks import TASKS, check_task

logger = logging.getLogger("zoo.data")

#: Whole-number labels with at most this many distinct values look like classes.
_FEW_VALUES = 20
#: At most this many bad values are listed in a message.
_SHOWN = 5


def _index(flat_position: int, shape) -> list[int]:
    return [int(i) for i in np.unravel_index(flat_position, shape)]


def _shown(values) -> str:
    values = list(values)
    text = ", ".join(_number(v) for v in values[:_SHOWN])
    return text + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


def _number(value) -> str:
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return repr(value)


def check_array(fn: str, name: str, array, *, min_ndim: int = 1) -> np.ndarray:
    """Return ``array`` as a numeric NumPy array once it is known to be finite.

    Args:
        fn: The caller's name, for messages.
        name: The array's name (``"x_train"``...).
        array: Anything ``np.asarray`` takes.
        min_ndim: Fewest axes (2 for inputs: a sample axis and a feature axis).

    Returns:
        The array (booleans and numbers pass unchanged; an ``object`` array of
        numbers becomes ``float32``).

    Raises:
        TypeError: strings, bytes, objects that are not numbers, complex numbers.
        ValueError: fewer than ``min_ndim`` axes; NaN or infinite values (the
            message gives their count and the index of the first).

    Example:
        >>> check_array("fit", "x", [[1.0, 2.0]]).shape
        (1, 2)
    """
    array = np.asarray(array)
    kind = array.dtype.kind
    if kind == "O":
        try:
            array = array.astype("float32")
        except (TypeError, ValueError):
            raise TypeError(f"{fn}: `{name}` must hold numbers, received an array of Python "
                            f"objects (dtype object) such as {array.flat[0]!r}; convert it "
                            "to numbers first") from None
        kind = "f"
    if kind in "USV":
        example = array.flat[0].item() if array.size else ""
        raise TypeError(f"{fn}: `{name}` must hold numbers, received strings (dtype "
                        f"{array.dtype}) such as {example!r}; encode them as numbers first "
                        "(class ids, one-hot columns or token ids)")
    if kind not in "biuf":
        raise TypeError(f"{fn}: `{name}` must hold real numbers, received dtype {array.dtype}")
    if array.ndim < min_ndim:
        raise ValueError(f"{fn}: `{name}` must have {min_ndim} axes or more (samples first), "
                         f"received shape {array.shape}; give one feature a column, "
                         f"x.reshape(-1, 1)")
    if kind == "f":
        bad = ~np.isfinite(array)
        count = int(bad.sum())
        if count:
            first = _index(int(np.argmax(bad.reshape(-1))), array.shape)
            raise ValueError(f"{fn}: `{name}` holds {count} non-finite value"
                             f"{'s' if count > 1 else ''} (NaN or infinity), the first at "
                             f"index {first}; remove or impute them before training")
    return array


def _integral(array) -> bool:
    return array.dtype.kind in "biu" or bool(np.all(np.mod(array, 1) == 0))


def check_labels(fn: str, task: str, classes, arrays: dict) -> None:
    """Check that the label arrays of ``arrays`` (keys ``y...``) fit ``task`` with ``classes``.

    Raises:
        ValueError: labels outside ``[0, classes)``, not 0/1 for ``"binary"``, not
            whole numbers for ``"multiclass"``, a ``"multilabel"`` array of the wrong
            shape or outside [0, 1]; the message names the array and the bad values.
    """
    for name, y in arrays.items():
        if not name.startswith("y") or task == "regression" or not y.size:
            continue
        if task == "binary":
            bad = np.unique(y[(y != 0) & (y != 1)])
            if bad.size:
                raise ValueError(f"{fn}: task 'binary' needs labels 0 or 1, but `{name}` holds "
                                 f"{_shown(bad)}; map the two classes to 0 and 1")
            continue
        if task == "multilabel":
            if y.ndim != 2 or y.shape[1] != classes:
                raise ValueError(f"{fn}: task 'multilabel' needs `{name}` of shape (samples, "
                                 f"{classes}) (one 0/1 column per label), received shape "
                                 f"{y.shape}")
            bad = np.unique(y[(y < 0) | (y > 1)])
            if bad.size:
                raise ValueError(f"{fn}: task 'multilabel' needs values in [0, 1], but `{name}` "
                                 f"holds {_shown(bad)}")
            continue
        if not _integral(y):
            bad = np.unique(y[np.mod(y, 1) != 0])
            raise ValueError(f"{fn}: task 'multiclass' needs whole-number class ids, but "
                             f"`{name}` holds {_shown(bad)}; pass task='regression' if these "
                             "are targets")
        bad = np.unique(y[(y < 0) | (y >= classes)])
        if bad.size:
            raise ValueError(f"{fn}: `{name}` holds labels outside [0, {classes}): "
                             f"{_shown(bad)}; class ids run from 0 to num_classes - 1 "
                             f"(num_classes={classes})")


def check_dataset(dataset: Dataset, *, fn: str = "check_dataset") -> Dataset:
    """Validate a data set's six arrays; return the data set with checked arrays.

    A streamed data set (splits that are :class:`zoo.data.streams.Stream` objects)
    is checked cheaply, never read whole: the labels a stream holds in memory (an
    image folder's, every one) and the first batch of each split.

    Args:
        dataset: A :class:`~zoo.data.Dataset`.
        fn: The caller's name, for messages.

    Returns:
        The same :class:`~zoo.data.Dataset` (its arrays as NumPy arrays).

    Raises:
        TypeError: an array of strings or objects.
        ValueError: an empty split, ``x`` and ``y`` of different lengths, sample
            shapes that differ between splits, NaN or infinite values, labels that do
            not fit ``task`` (outside ``[0, num_classes)``, not 0/1 for binary, not
            whole numbers for classes), or an unknown task.

    Example:
        >>> check_dataset(zoo.data.load("digits")).task
        'multiclass'
    """
    if dataset.task not in TASKS:
        raise ValueError(f"{fn}: unknown task {dataset.task!r}; expected one of "
                         f"{', '.join(TASKS)}")
    if dataset.task in ("multiclass", "multilabel"):
        check_task(fn, dataset.task, dataset.num_classes, 1)
    if dataset.streamed:
        _check_streams(fn, dataset)
        return dataset
    names = [f"{a}_{s}" for s in SPLITS for a in ("x", "y")]
    values = [getattr(dataset, n) for n in names]
    arrays = check_splits(fn, dict(zip(names, values, strict=True)))
    check_labels(fn, dataset.task, dataset.num_classes, arrays)
    for name, array in arrays.items():
        setattr(dataset, name, array)
    return dataset


def _check_streams(fn: str, dataset: Dataset) -> None:
    """The cheap checks of a streamed data set: known labels, and each split's first batch."""
    for split in SPLITS:
        stream = getattr(dataset, f"x_{split}")
        if not is_stream(stream):
            continue
        arrays = {}
        if stream.labels is not None:  # in memory already (an image folder's class ids)
            arrays[f"y_{split}"] = check_array(fn, f"y_{split}", stream.labels)
        x, y = stream.peek(8)
        check_array(fn, f"x_{split} (first batch)", x)
        if y is not None and stream.labels is None:
            y = check_array(fn, f"y_{split} (first batch)", y)
            if dataset.task in ("binary", "multiclass") and y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            arrays[f"y_{split} (first batch)"] = y
        check_labels(fn, dataset.task, dataset.num_classes, arrays)


def check_splits(fn: str, arrays: dict) -> dict:
    """Check the six arrays ``{"x_train": ..., "y_test": ...}`` apart from their labels.

    Each array with :func:`check_array` (inputs with a feature axis), then every split
    non-empty with as many labels as samples, and one sample shape and one label
    shape across the splits.

    Returns:
        The arrays, as NumPy arrays.

    Raises:
        TypeError, ValueError: as :func:`check_dataset`.
    """
    arrays = {name: check_array(fn, name, value, min_ndim=2 if name[0] == "x" else 1)
              for name, value in arrays.items()}
    for split in SPLITS:
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if not len(x):
            raise ValueError(f"{fn}: the {split} split is empty (`x_{split}` has 0 samples); "
                             "every split needs at least one sample")
        if len(x) != len(y):
            raise ValueError(f"{fn}: `x_{split}` has {len(x)} samples but `y_{split}` has "
                             f"{len(y)}; they must have the same length")
    for axis, what in (("x", "sample shape"), ("y", "label shape")):
        shapes = {s: arrays[f"{axis}_{s}"].shape[1:] for s in SPLITS}
        if len(set(shapes.values())) > 1:
            listed = ", ".join(f"{axis}_{s} {shape}" for s, shape in shapes.items())
            raise ValueError(f"{fn}: every split must have the same {what}, received {listed}")
    return arrays


def infer_task(y_train, y_val, y_test) -> tuple[str, int | None, str, str]:
    """The task that bare label arrays define, with the reason, for the resolver's report.

    One-dimensional whole-number labels (an integer or boolean dtype) are classes:
    ``"binary"`` for ids 0 and 1, else ``"multiclass"`` with ``max + 1`` classes.
    Anything else is ``"regression"``.

    Returns:
        ``(task, num_classes, reason, doubt)``: ``reason`` is one sentence for the log
        and ``Dataset.meta["task_inferred"]``; ``doubt`` is ``""`` or a sentence saying
        why the guess may be wrong (class ids missing from the training split,
        whole-number floats).

    Raises:
        ValueError: negative integer labels (neither class ids nor, in an integer
            array, likely targets).

    Example:
        >>> infer_task(np.array([0, 1, 2]), np.array([1]), np.array([2]))[:2]
        ('multiclass', 3)
    """
    ys = [np.asarray(y) for y in (y_train, y_val, y_test)]
    y = ys[0]
    if y.ndim == 1 and y.dtype.kind in "biu" and all(a.dtype.kind in "biu" for a in ys):
        low = min(int(a.min()) for a in ys if a.size)
        if low < 0:
            raise ValueError(f"integer labels are read as class ids 0, 1, ..., but the labels "
                             f"hold {low}; map the classes to 0..num_classes-1, or pass "
                             "task='regression' if these are targets")
        classes = max(int(a.max()) for a in ys if a.size) + 1
        task = "binary" if classes <= 2 else "multiclass"
        classes = max(classes, 2)
        reason = (f"task {task!r} with {classes} classes inferred from the integer labels "
                  f"(ids 0..{classes - 1})")
        unseen = sorted(set(range(classes)) - {int(v) for v in np.unique(y)})
        doubt = ""
        if unseen:
            doubt = (f"class{'es' if len(unseen) > 1 else ''} {_shown(unseen)} never "
                     f"appear{'' if len(unseen) > 1 else 's'} in y_train: if the labels hold a "
                     "typo or start at 1, fix them, or pass task= and num_classes=")
        return task, classes, reason, doubt
    reason = "task 'regression' inferred from the labels (not 1-D integer class ids)"
    doubt = ""
    if y.dtype.kind == "f" and y.size and _integral(y) and np.unique(y).size <= _FEW_VALUES:
        doubt = (f"the labels hold only the whole numbers {_shown(np.unique(y))}: if these "
                 "are classes, pass task='multiclass' (or cast them to integers)")
    return "regression", None, reason, doubt


__all__ = ["check_array", "check_dataset", "check_labels", "check_splits", "infer_task"]
