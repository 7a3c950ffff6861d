"""Class weights for imbalanced labels, per class (`fit(class_weight=...)`) or per sample.

Example:
    >>> class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from zoo._validate import check_choice

logger = logging.getLogger("zoo.losses")

_STRATEGIES = ("balanced", "sqrt_balanced")


def _labels(fn: str, y) -> np.ndarray:
    """Integer class labels from integer labels, `(n, 1)` binary labels or one-hot rows."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] > 1:
        return np.argmax(arr, axis=1)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{fn}: `y` must be integer labels of shape (n,) or (n, 1) or one-hot rows of "
            f"shape (n, num_classes), received an array of shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(f"{fn}: `y` is empty; expected at least one label")
    if not (
        np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
        or arr.dtype == bool
    ):
        raise TypeError(f"{fn}: `y` must hold integer class labels, received dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.round(arr) == arr):
        raise ValueError(
            f"{fn}: `y` must hold integer class labels (or one-hot rows), received "
            f"non-integer values such as {arr[np.round(arr) != arr][0]!r}"
        )
    labels = arr.astype(np.int64)
    if labels.min() < 0:
        raise ValueError(f"{fn}: class labels must be >= 0, received label {labels.min()}")
    return labels


def class_weights(y, strategy: str = "balanced") -> dict[int, float]:
    """Per-class weights for an imbalanced label set, as `fit(class_weight=...)` takes them.

    `"balanced"` is `n_samples / (n_classes * count(k))` for each class `k`
    present in `y` (computed by `sklearn.utils.class_weight.compute_class_weight`),
    so that every class contributes the same total weight. `"sqrt_balanced"`
    takes the square root of those weights: a softer correction for extreme
    imbalance. Classes absent from `y` get no entry (Keras then uses 1.0).

    Args:
        y: Integer labels of shape `(n,)` or `(n, 1)`, or one-hot rows of shape
            `(n, num_classes)`.
        strategy: `"balanced"` or `"sqrt_balanced"`.

    Returns:
        A dict `{class_index: weight}` with Python ints and floats.

    Raises:
        ValueError: for an unknown strategy, an empty `y`, or labels that are
            negative or not integers.
        TypeError: if `y` is not numeric.

    Example:

    >>> class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    from sklearn.utils.class_weight import compute_class_weight

    fn = "class_weights"
    strategy = check_choice(fn, "strategy", strategy, _STRATEGIES)
    labels = _labels(fn, y)
    classes = np.unique(labels)
    weights = compute_class_weight("balanced", classes=classes, y=labels)
    if strategy == "sqrt_balanced":
        weights = np.sqrt(weights)
    result = {int(k): float(w) for k, w in zip(classes, weights, strict=True)}
    logger.debug("class_weights(strategy=%r): %s", strategy, result)
    return result


def sample_weights(y, class_weights) -> np.ndarray:
    """Per-sample weights from per-class weights.

    Gives the same weights `Model.fit(class_weight=...)` computes internally,
    for use where `class_weight` is not accepted (multi-output models,
    `tf.data` pipelines that already carry weights, `evaluate`).

    Args:
        y: Integer labels of shape `(n,)` or `(n, 1)`, or one-hot rows.
        class_weights: Dict `{class_index: weight}` (a class missing from it
            gets weight 1.0, as in Keras), or a sequence indexed by class.

    Returns:
        A float32 NumPy array of shape `(n,)`.

    Raises:
        ValueError: if a weight is negative, or a sequence is too short for a label.
        TypeError: if `class_weights` is neither a dict nor a sequence of numbers.

    Example:

    >>> sample_weights([0, 1, 1], {0: 2.0, 1: 0.5}).tolist()
    [2.0, 0.5, 0.5]
    """
    fn = "sample_weights"
    labels = _labels(fn, y)
    if isinstance(class_weights, Mapping):
        table = dict(class_weights)
    elif isinstance(class_weights, (Sequence, np.ndarray)) and not isinstance(
        class_weights, (str, bytes)
    ):
        table = dict(enumerate(np.asarray(class_weights).tolist()))
        if labels.max() >= len(table):
            raise ValueError(
                f"{fn}: `class_weights` has {len(table)} entries but `y` has label "
                f"{labels.max()}; pass one weight per class"
            )
    else:
        raise TypeError(
            f"{fn}: `class_weights` must be a {{class_index: weight}} dict or a sequence, "
            f"received class_weights={class_weights!r}"
        )
    for key, weight in table.items():
        if not isinstance(weight, numbers.Real) or isinstance(weight, bool):
            raise TypeError(
                f"{fn}: `class_weights` values must be numbers, received {key!r}: {weight!r}"
            )
        if weight < 0 or not math.isfinite(weight):
            raise ValueError(
                f"{fn}: `class_weights` values must be finite and >= 0, received {key!r}: {weight!r}"
            )
    return np.array([table.get(int(k), 1.0) for k in labels], dtype="float32")


__all__ = ["class_weights", "sample_weights"]
