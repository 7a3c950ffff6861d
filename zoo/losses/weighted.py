"""Weighted classification losses: a weight on the positive class or on each class.

`WeightedBinaryCrossentropy` (positive-class weight), `WeightedCategoricalCrossentropy`
(one-hot labels) and `WeightedSparseCategoricalCrossentropy` (integer labels), plus
Keras' focal losses re-exported (`BinaryFocalCrossentropy`,
`CategoricalFocalCrossentropy`, aliased `BinaryFocalLoss`, `CategoricalFocalLoss`).
Each is registered serializable (`package="zoo"`).

Example:
    >>> loss = WeightedBinaryCrossentropy(pos_weight=3.0)
    >>> round(float(loss([[1.0], [0.0]], [[0.5], [0.5]])), 4)
    1.3863
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from zoo._validate import _is_int, _is_number, check_bool, check_items
from zoo.losses._common import align_ranks, base_config, check_last_dim, to_tensors

# Keras' focal losses serialize correctly as they are: re-exported under their
# Keras names and the shorter aliases people search for.
BinaryFocalCrossentropy = keras.losses.BinaryFocalCrossentropy
CategoricalFocalCrossentropy = keras.losses.CategoricalFocalCrossentropy
BinaryFocalLoss = BinaryFocalCrossentropy
CategoricalFocalLoss = CategoricalFocalCrossentropy


def _check_weight_vector(fn: str, name: str, value, *, allow_scalar: bool):
    """Validate a positive scalar or a non-empty sequence/mapping of positive weights.

    A mapping must have the int keys ``0 .. n-1`` (the shape of
    ``fit(class_weight=...)``). Returns a float or a list of floats.
    """
    what = "a positive number or a non-empty sequence of positive numbers"
    if not allow_scalar:
        what = "a non-empty sequence (or {class_index: weight} dict) of positive numbers"
    if _is_number(value):
        if not allow_scalar:
            raise TypeError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
        weight = float(value)
        if not (weight > 0 and math.isfinite(weight)):
            raise ValueError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
        return weight
    if isinstance(value, Mapping):
        keys = sorted(value)
        if not keys or not all(_is_int(k) for k in keys) or keys != list(range(len(keys))):
            raise ValueError(
                f"{fn}: a dict `{name}` must have the int keys 0..n-1 (one per class), "
                f"received {name}={value!r}"
            )
        items = [value[k] for k in keys]
    elif isinstance(value, np.ndarray) and value.ndim == 1:
        items = value.tolist()
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items = list(value)
    else:
        raise TypeError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
    if not items:
        raise ValueError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
    check_items(fn, name, value, items, what, kind=_is_number,
                valid=lambda item: item > 0 and math.isfinite(item))
    return [float(i) for i in items]


@keras.saving.register_keras_serializable(package="zoo")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy with a weight on the positive class.

    With `p` the predicted probability and `q = pos_weight`, each element costs

    `-(q * y * log(p) + (1 - y) * log(1 - p))`

    and the loss is its mean over the last axis. With `from_logits=True` the
    numerically stable form of `tf.nn.weighted_cross_entropy_with_logits` is
    used: `(1 - y) * x + (1 + (q - 1) * y) * (log1p(exp(-|x|)) + max(-x, 0))`.
    `pos_weight > 1` raises recall on the positive class, `< 1` raises precision.
    For multi-label outputs `pos_weight` may hold one weight per output column.

    Args:
        pos_weight: Positive number, or a sequence of positive numbers (one
            per output column). Defaults to `1.0` (plain binary cross-entropy).
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

    Raises:
        ValueError: if a weight is not positive, or (when called) the number of
            weights does not match the number of output columns.
        TypeError: if `pos_weight` is not a number or sequence of numbers.

    Example:

    >>> loss = WeightedBinaryCrossentropy(pos_weight=3.0)
    >>> round(float(loss([[1.0], [0.0]], [[0.5], [0.5]])), 4)  # (3 + 1) * log(2) / 2
    1.3863
    """

    def __init__(
        self,
        pos_weight=1.0,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "weighted_binary_crossentropy",
        dtype=None,
    ):
        fn = type(self).__name__
        self.pos_weight = _check_weight_vector(fn, "pos_weight", pos_weight, allow_scalar=True)
        self.from_logits = check_bool(fn, "from_logits", from_logits)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = to_tensors(self, y_true, y_pred)
        y_true, y_pred = align_ranks(y_true, y_pred)
        if isinstance(self.pos_weight, list):
            check_last_dim(type(self).__name__, "pos_weight", self.pos_weight, y_pred, "columns")
        q = ops.convert_to_tensor(self.pos_weight, dtype=y_pred.dtype)
        if self.from_logits:
            x = y_pred
            log_weight = 1.0 + (q - 1.0) * y_true
            losses = (1.0 - y_true) * x + log_weight * (
                ops.log1p(ops.exp(-ops.abs(x))) + ops.relu(-x)
            )
        else:
            eps = keras.config.epsilon()
            p = ops.clip(y_pred, eps, 1.0 - eps)
            losses = -(q * y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))
        return ops.mean(losses, axis=-1)

    def get_config(self):
        config = base_config(self)
        config.update({"pos_weight": self.pos_weight, "from_logits": self.from_logits})
        return config


def _weighted_cce(y_true, y_pred, weights, from_logits):
    """Per-sample `-sum_c w_c * y_c * log(p_c)` over the last axis."""
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.config.epsilon()
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        log_p = ops.log(ops.clip(p, eps, 1.0 - eps))
    w = ops.convert_to_tensor(weights, dtype=y_pred.dtype)
    return -ops.sum(w * y_true * log_p, axis=-1)


@keras.saving.register_keras_serializable(package="zoo")
class WeightedCategoricalCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy for one-hot labels with a weight per class.

    Each sample costs `-sum_c w_c * y_c * log(p_c)`; for a one-hot label of
    class `k` this is `w_k * (-log p_k)`, i.e. the same as passing
    `class_weight` to `fit`, but kept inside the model's loss (so it also
    applies to `evaluate` and survives saving).

    Args:
        class_weights: Sequence of positive numbers, one per class, or the
            `{class_index: weight}` dict returned by `class_weights()`.
        from_logits, reduction, name, dtype: As in `WeightedBinaryCrossentropy`.

    Raises:
        ValueError: if a weight is not positive, or (when called) the number of
            weights differs from the number of classes in `y_pred`.
        TypeError: if `class_weights` is not a sequence or dict of numbers.

    Example:

    >>> loss = WeightedCategoricalCrossentropy(class_weights=[1.0, 4.0])
    >>> round(float(loss([[0.0, 1.0]], [[0.5, 0.5]])), 4)  # 4 * log(2)
    2.7726
    """

    def __init__(
        self,
        class_weights,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "weighted_categorical_crossentropy",
        dtype=None,
    ):
        fn = type(self).__name__
        self.class_weights = _check_weight_vector(
            fn, "class_weights", class_weights, allow_scalar=False
        )
        self.from_logits = check_bool(fn, "from_logits", from_logits)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = to_tensors(self, y_true, y_pred)
        check_last_dim(type(self).__name__, "class_weights", self.class_weights, y_pred, "classes")
        return _weighted_cce(y_true, y_pred, self.class_weights, self.from_logits)

    def get_config(self):
        config = base_config(self)
        config.update({"class_weights": self.class_weights, "from_logits": self.from_logits})
        return config


@keras.saving.register_keras_serializable(package="zoo")
class WeightedSparseCategoricalCrossentropy(WeightedCategoricalCrossentropy):
    """Sparse categorical cross-entropy (integer labels) with a weight per class.

    A sample of class `k` costs `w_k * (-log p_k)`. Labels may have shape
    `(batch,)` or `(batch, 1)` (or any shape equal to `y_pred.shape[:-1]`).

    Args and errors: those of `WeightedCategoricalCrossentropy` (the one-hot
    version); only the labels differ, and the default `name` is
    `"weighted_sparse_categorical_crossentropy"`.

    Example:

    >>> loss = WeightedSparseCategoricalCrossentropy(class_weights=[1.0, 4.0])
    >>> round(float(loss([1], [[0.5, 0.5]])), 4)  # 4 * log(2)
    2.7726
    """

    def __init__(self, class_weights, from_logits: bool = False,
                 reduction="sum_over_batch_size",
                 name: str = "weighted_sparse_categorical_crossentropy", dtype=None):
        # Same arguments, checks and config as the one-hot loss; only the labels differ.
        super().__init__(class_weights, from_logits=from_logits, reduction=reduction,
                         name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = to_tensors(self, y_true, y_pred)
        num_classes = len(self.class_weights)
        check_last_dim(type(self).__name__, "class_weights", self.class_weights, y_pred, "classes")
        if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
            y_true = ops.squeeze(y_true, axis=-1)
        labels = ops.cast(y_true, "int32")
        one_hot = ops.one_hot(labels, num_classes, dtype=y_pred.dtype)
        return _weighted_cce(one_hot, y_pred, self.class_weights, self.from_logits)


__all__ = ["BinaryFocalCrossentropy", "BinaryFocalLoss", "CategoricalFocalCrossentropy",
           "CategoricalFocalLoss", "WeightedBinaryCrossentropy",
           "WeightedCategoricalCrossentropy", "WeightedSparseCategoricalCrossentropy"]
