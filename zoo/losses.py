"""Weighted and robust losses, and class-weight helpers.

Every loss here is a `keras.losses.Loss` subclass registered with
`keras.saving.register_keras_serializable(package="zoo")`, so a model compiled
with one saves to `.keras` and reloads with `safe_mode=True`.

* Weighted classification: `WeightedBinaryCrossentropy` (positive-class weight),
  `WeightedCategoricalCrossentropy` (one-hot labels) and
  `WeightedSparseCategoricalCrossentropy` (integer labels), plus Keras' focal
  losses re-exported (`BinaryFocalCrossentropy`, `CategoricalFocalCrossentropy`,
  aliased `BinaryFocalLoss`, `CategoricalFocalLoss`).
* Robust regression: `Huber` (Keras' Huber with `delta` validated and kept in
  the config), `LogCosh` (Keras'), `QuantileLoss` (pinball, one or several
  quantiles) and `TukeyBiweight`.
* Helpers: `class_weights(y)` builds the dict `Model.fit(class_weight=...)`
  takes, `sample_weights(y, weights)` turns it into a per-sample array, and
  `get(name, **kwargs)` resolves a loss by name.
"""

from __future__ import annotations

import logging
import math
import numbers
import re
from collections.abc import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from zoo._validate import _is_int, _is_number, check_bool, check_choice, check_number, suggest

logger = logging.getLogger("zoo.losses")

__all__ = [
    "BinaryFocalCrossentropy",
    "BinaryFocalLoss",
    "CategoricalFocalCrossentropy",
    "CategoricalFocalLoss",
    "Huber",
    "LogCosh",
    "QuantileLoss",
    "PinballLoss",
    "TukeyBiweight",
    "WeightedBinaryCrossentropy",
    "WeightedCategoricalCrossentropy",
    "WeightedSparseCategoricalCrossentropy",
    "class_weights",
    "sample_weights",
    "get",
    "list_losses",
]

# Keras' focal losses serialize correctly as they are: re-exported under their
# Keras names and the shorter aliases people search for.
BinaryFocalCrossentropy = keras.losses.BinaryFocalCrossentropy
CategoricalFocalCrossentropy = keras.losses.CategoricalFocalCrossentropy
BinaryFocalLoss = BinaryFocalCrossentropy
CategoricalFocalLoss = CategoricalFocalCrossentropy
LogCosh = keras.losses.LogCosh


# --------------------------------------------------------------------------- helpers


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
    for item in items:
        if not _is_number(item):
            raise TypeError(
                f"{fn}: `{name}` must be {what}, received {name}={value!r} "
                f"(item {item!r} is a {type(item).__name__})"
            )
        if not (item > 0 and math.isfinite(item)):
            raise ValueError(f"{fn}: `{name}` must be {what}, received {name}={value!r}")
    return [float(i) for i in items]


def _check_last_dim(fn: str, name: str, weights: list, y_pred, what: str) -> None:
    """Raise if the static last dimension of ``y_pred`` differs from ``len(weights)``."""
    size = y_pred.shape[-1] if len(y_pred.shape) else None
    if size is not None and size != len(weights):
        raise ValueError(
            f"{fn}: `{name}` has {len(weights)} entries but the model output has "
            f"{size} {what} (y_pred.shape={tuple(y_pred.shape)}); pass one weight per {what[:-1]}"
        )


def _tensors(loss, y_true, y_pred):
    """Convert nested Python lists (left as structures by `Loss.__call__`) to tensors."""
    return (
        ops.convert_to_tensor(y_true, dtype=loss.dtype),
        ops.convert_to_tensor(y_pred, dtype=loss.dtype),
    )


def _align(y_true, y_pred):
    """Squeeze or expand a trailing unit axis so that ``y_true`` and ``y_pred`` share a rank."""
    t_rank, p_rank = len(y_true.shape), len(y_pred.shape)
    if t_rank == p_rank + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    elif p_rank == t_rank + 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    return y_true, y_pred


def _base_config(loss: keras.losses.Loss) -> dict:
    return keras.losses.Loss.get_config(loss)


# --------------------------------------------------------------------------- weighted


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
        y_true, y_pred = _tensors(self, y_true, y_pred)
        y_true, y_pred = _align(y_true, y_pred)
        if isinstance(self.pos_weight, list):
            _check_last_dim(type(self).__name__, "pos_weight", self.pos_weight, y_pred, "columns")
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
        config = _base_config(self)
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
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

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
        y_true, y_pred = _tensors(self, y_true, y_pred)
        _check_last_dim(type(self).__name__, "class_weights", self.class_weights, y_pred, "classes")
        return _weighted_cce(y_true, y_pred, self.class_weights, self.from_logits)

    def get_config(self):
        config = _base_config(self)
        config.update({"class_weights": self.class_weights, "from_logits": self.from_logits})
        return config


@keras.saving.register_keras_serializable(package="zoo")
class WeightedSparseCategoricalCrossentropy(WeightedCategoricalCrossentropy):
    """Sparse categorical cross-entropy (integer labels) with a weight per class.

    A sample of class `k` costs `w_k * (-log p_k)`. Labels may have shape
    `(batch,)` or `(batch, 1)` (or any shape equal to `y_pred.shape[:-1]`).

    Args:
        class_weights: Sequence of positive numbers, one per class, or the
            `{class_index: weight}` dict returned by `class_weights()`.
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

    Raises:
        ValueError: if a weight is not positive, or (when called) the number of
            weights differs from the number of classes in `y_pred`.
        TypeError: if `class_weights` is not a sequence or dict of numbers.

    Example:

    >>> loss = WeightedSparseCategoricalCrossentropy(class_weights=[1.0, 4.0])
    >>> round(float(loss([1], [[0.5, 0.5]])), 4)  # 4 * log(2)
    2.7726
    """

    def __init__(
        self,
        class_weights,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "weighted_sparse_categorical_crossentropy",
        dtype=None,
    ):
        # Same arguments, checks and config as the one-hot loss; only the labels differ.
        super().__init__(class_weights, from_logits=from_logits, reduction=reduction,
                         name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = _tensors(self, y_true, y_pred)
        num_classes = len(self.class_weights)
        _check_last_dim(type(self).__name__, "class_weights", self.class_weights, y_pred, "classes")
        if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
            y_true = ops.squeeze(y_true, axis=-1)
        labels = ops.cast(y_true, "int32")
        one_hot = ops.one_hot(labels, num_classes, dtype=y_pred.dtype)
        return _weighted_cce(one_hot, y_pred, self.class_weights, self.from_logits)


# --------------------------------------------------------------------------- robust


@keras.saving.register_keras_serializable(package="zoo")
class Huber(keras.losses.Huber):
    """Keras' Huber loss with `delta` validated and kept in the saved config.

    For a residual `r = y_pred - y_true`, each element costs `0.5 * r**2` when
    `|r| <= delta` and `delta * |r| - 0.5 * delta**2` otherwise; the loss is the
    mean over the last axis. Quadratic near zero, linear in the tails, so gross
    outliers pull the fit far less than with the squared error. (Keras'
    own `Huber.get_config()` drops `delta`, so a reloaded model silently falls
    back to `delta=1.0`; this subclass keeps it.)

    Args:
        delta: Positive number, the residual size where the loss turns linear
            (in the units of the target). Defaults to `1.0`.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

    Raises:
        ValueError: if `delta <= 0`.
        TypeError: if `delta` is not a number.

    Example:

    >>> round(float(Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])), 4)  # (0.125 + 2.5) / 2
    1.3125
    """

    def __init__(
        self, delta=1.0, reduction="sum_over_batch_size", name: str = "huber_loss", dtype=None
    ):
        delta = check_number(type(self).__name__, "delta", delta, low=0.0, low_inclusive=False)
        super().__init__(delta=delta, reduction=reduction, name=name, dtype=dtype)
        self.delta = delta

    def get_config(self):
        config = _base_config(self)
        config["delta"] = self.delta
        return config


def _check_quantile(fn: str, value):
    """Validate a quantile in (0, 1), or a non-empty sequence of them."""
    if _is_number(value):
        return check_number(
            fn, "quantile", value, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise TypeError(
            f"{fn}: `quantile` must be a number in (0, 1) or a non-empty sequence of them, "
            f"received quantile={value!r}"
        )
    out = []
    for item in value:
        if not _is_number(item) or not 0.0 < float(item) < 1.0:
            raise ValueError(
                f"{fn}: every `quantile` must be a number in (0, 1), received quantile={value!r}"
            )
        out.append(float(item))
    return out


@keras.saving.register_keras_serializable(package="zoo")
class QuantileLoss(keras.losses.Loss):
    """Pinball (quantile) loss.

    For a residual `e = y_true - y_pred` and quantile `q`, each element costs
    `max(q * e, (q - 1) * e)`; the loss is the mean over the last axis. Its
    minimiser is the `q`-quantile of the conditional target distribution, so
    `q=0.5` gives the median (half the absolute error), `q=0.9` an upper bound
    that 90% of targets fall below.

    `quantile` may be a sequence: then output column `j` of the model is
    trained for `quantile[j]` (a model with `len(quantile)` outputs predicts
    several quantiles at once) and `y_true` of shape `(batch,)` or
    `(batch, 1)` is broadcast against every column.

    Args:
        quantile: Number in (0, 1), or a non-empty sequence of them (one per
            output column). Defaults to `0.9`.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

    Raises:
        ValueError: if a quantile lies outside (0, 1), or (when called) the
            number of quantiles differs from the number of output columns.
        TypeError: if `quantile` is neither a number nor a sequence of them.

    Example:

    >>> loss = QuantileLoss(quantile=0.9)
    >>> round(float(loss([[1.0], [1.0]], [[0.0], [2.0]])), 4)  # (0.9 * 1 + 0.1 * 1) / 2
    0.5
    """

    def __init__(
        self,
        quantile=0.9,
        reduction="sum_over_batch_size",
        name: str = "quantile_loss",
        dtype=None,
    ):
        self.quantile = _check_quantile(type(self).__name__, quantile)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = _tensors(self, y_true, y_pred)
        if isinstance(self.quantile, list):
            _check_last_dim(type(self).__name__, "quantile", self.quantile, y_pred, "columns")
            if len(y_true.shape) == len(y_pred.shape) - 1:
                y_true = ops.expand_dims(y_true, axis=-1)
        else:
            y_true, y_pred = _align(y_true, y_pred)
        q = ops.convert_to_tensor(self.quantile, dtype=y_pred.dtype)
        error = y_true - y_pred
        return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)

    def get_config(self):
        config = _base_config(self)
        config["quantile"] = self.quantile
        return config


PinballLoss = QuantileLoss


@keras.saving.register_keras_serializable(package="zoo")
class TukeyBiweight(keras.losses.Loss):
    """Tukey's biweight (bisquare) loss, a redescending robust loss.

    For a residual `r = y_pred - y_true`, each element costs
    `c**2 / 6 * (1 - (1 - (r / c)**2)**3)` when `|r| <= c` and the constant
    `c**2 / 6` otherwise; the loss is the mean over the last axis. Residuals
    beyond `c` get zero gradient, so gross outliers are ignored entirely. The
    default `c=4.685` gives 95% efficiency under Gaussian noise of unit scale:
    standardize the targets first, and start from a sensible fit (the loss is
    not convex, and points already far off do not pull the model back).

    Args:
        c: Positive number, the residual size beyond which a point is ignored.
            Defaults to `4.685`.
        reduction: Keras loss reduction. Defaults to `"sum_over_batch_size"`.
        name: Name of the loss instance.
        dtype: Dtype of the loss computation; defaults to `keras.config.floatx()`.

    Raises:
        ValueError: if `c <= 0`.
        TypeError: if `c` is not a number.

    Example:

    >>> round(float(TukeyBiweight(c=1.0)([[0.0, 0.0]], [[0.5, 3.0]])), 4)
    0.1315
    """

    def __init__(
        self, c=4.685, reduction="sum_over_batch_size", name: str = "tukey_biweight", dtype=None
    ):
        self.c = check_number(type(self).__name__, "c", c, low=0.0, low_inclusive=False)
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = _tensors(self, y_true, y_pred)
        y_true, y_pred = _align(y_true, y_pred)
        c = self.c
        u = ops.minimum(ops.square((y_pred - y_true) / c), 1.0)
        return ops.mean(c * c / 6.0 * (1.0 - ops.power(1.0 - u, 3)), axis=-1)

    def get_config(self):
        config = _base_config(self)
        config["c"] = self.c
        return config


# --------------------------------------------------------------------------- class weights

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


# --------------------------------------------------------------------------- lookup

_ZOO_LOSSES = {
    "huber": Huber,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "quantile": QuantileLoss,
    "quantile_loss": QuantileLoss,
    "pinball": QuantileLoss,
    "tukey": TukeyBiweight,
    "tukey_biweight": TukeyBiweight,
    "weighted_bce": WeightedBinaryCrossentropy,
    "weighted_binary_crossentropy": WeightedBinaryCrossentropy,
    "weighted_cce": WeightedCategoricalCrossentropy,
    "weighted_categorical_crossentropy": WeightedCategoricalCrossentropy,
    "weighted_sparse_cce": WeightedSparseCategoricalCrossentropy,
    "weighted_sparse_categorical_crossentropy": WeightedSparseCategoricalCrossentropy,
    "focal": BinaryFocalCrossentropy,
    "binary_focal": BinaryFocalCrossentropy,
    "categorical_focal": CategoricalFocalCrossentropy,
}

# Short names Keras itself accepts in `compile(loss=...)`.
_KERAS_SHORT = {
    "mse": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "mape": keras.losses.MeanAbsolutePercentageError,
    "msle": keras.losses.MeanSquaredLogarithmicError,
    "bce": keras.losses.BinaryCrossentropy,
    "kld": keras.losses.KLDivergence,
}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _keras_losses() -> dict[str, type]:
    """Every public Keras `Loss` class, by snake-case name (`"mean_squared_error"`)."""
    table = {}
    for attr in dir(keras.losses):
        obj = getattr(keras.losses, attr)
        if (
            isinstance(obj, type)
            and issubclass(obj, keras.losses.Loss)
            and obj is not keras.losses.Loss
        ):
            table[_snake(attr)] = obj
    return table


_LOSSES: dict[str, type] = {**_keras_losses(), **_KERAS_SHORT, **_ZOO_LOSSES}
# Class names are accepted too ("MeanSquaredError", "WeightedBinaryCrossentropy").
_CLASS_NAMES: dict[str, type] = {cls.__name__.lower(): cls for cls in _LOSSES.values()}


def list_losses() -> list[str]:
    """Return the sorted loss names `get` accepts (class names are accepted too)."""
    return sorted(_LOSSES)


def get(name_or_obj, **kwargs):
    """Resolve a loss from a name, alias, class, config dict or ready-made loss.

    Names are case-insensitive, with `-` read as `_`: the zoo losses and their
    aliases (`"huber"`, `"log_cosh"`/`"logcosh"`, `"pinball"`/`"quantile"`,
    `"tukey"`, `"weighted_bce"`/`"weighted_binary_crossentropy"`,
    `"weighted_cce"`, `"weighted_sparse_cce"`, `"focal"`/`"binary_focal"`,
    `"categorical_focal"`), every Keras loss by its snake-case name
    (`"binary_crossentropy"`, `"sparse_categorical_crossentropy"`, ...) and
    Keras' short names (`"mse"`, `"mae"`, `"mape"`, `"msle"`, `"bce"`, `"kld"`).
    A name always gives a `Loss` instance built with `kwargs`, so
    `get("huber", delta=2.0)` works and the result serializes. `"huber"` gives
    the zoo `Huber`, which keeps `delta` in its config.

    Args:
        name_or_obj: A name, a `keras.losses.Loss` subclass (instantiated with
            `kwargs`), a Keras config dict, a `Loss` instance or any callable
            `(y_true, y_pred) -> loss` (returned as-is), or `None` (returned as
            `None`, as `keras.losses.get` does).
        **kwargs: Constructor arguments for the named loss.

    Returns:
        A `keras.losses.Loss` instance, the callable given, or `None`.

    Raises:
        ValueError: for an unknown name (the message lists the known names and
            suggests the closest), for `kwargs` given with a ready-made loss, or
            for invalid constructor values.
        TypeError: for an identifier of the wrong type or arguments the loss
            does not take.

    Example:

    >>> get("pinball", quantile=0.1).quantile
    0.1
    >>> type(get("mse")).__name__
    'MeanSquaredError'
    """
    fn = "losses.get"
    if (
        name_or_obj is None
        or isinstance(name_or_obj, keras.losses.Loss)
        or (callable(name_or_obj) and not isinstance(name_or_obj, type))
    ):
        if kwargs:
            raise ValueError(
                f"{fn}: keyword arguments {sorted(kwargs)} can only be used with a loss name or "
                f"class, received the ready-made {name_or_obj!r}; configure it directly instead"
            )
        return name_or_obj
    if isinstance(name_or_obj, type):
        if not issubclass(name_or_obj, keras.losses.Loss):
            raise TypeError(
                f"{fn}: a class must subclass keras.losses.Loss, received {name_or_obj.__name__}"
            )
        return _instantiate(fn, name_or_obj, name_or_obj.__name__, kwargs)
    if isinstance(name_or_obj, Mapping):
        if kwargs:
            raise ValueError(f"{fn}: keyword arguments cannot be combined with a config dict")
        return keras.saving.deserialize_keras_object(dict(name_or_obj))
    if not isinstance(name_or_obj, str):
        raise TypeError(
            f"{fn}: expected a loss name, a keras.losses.Loss, a callable or None, received "
            f"{name_or_obj!r} of type {type(name_or_obj).__name__}"
        )
    key = name_or_obj.strip().lower().replace("-", "_")
    cls = _LOSSES.get(key) or _CLASS_NAMES.get(key)
    if cls is None:
        known = ", ".join(repr(n) for n in list_losses())
        raise ValueError(
            f"{fn}: unknown loss {name_or_obj!r}; known names are {known}."
            f"{suggest(key, list(_LOSSES))}"
        )
    return _instantiate(fn, cls, name_or_obj, kwargs)


def _instantiate(fn: str, cls: type, label: str, kwargs: dict):
    try:
        loss = cls(**kwargs)
    except TypeError as err:
        raise TypeError(f"{fn}: loss {label!r} ({cls.__name__}) rejected {kwargs}: {err}") from err
    logger.debug("%s(%r) -> %r", fn, label, loss)
    return loss
