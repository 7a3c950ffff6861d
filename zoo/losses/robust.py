"""Robust regression losses: Huber, log-cosh, quantile (pinball) and Tukey's biweight.

`Huber` is Keras' Huber with `delta` validated and kept in the config; `LogCosh`
is Keras' own, re-exported; `QuantileLoss` (alias `PinballLoss`) takes one or
several quantiles; `TukeyBiweight` ignores residuals beyond `c`. Each zoo class is
registered serializable (`package="zoo"`).

Example:
    >>> round(float(Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])), 4)
    1.3125
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from zoo._validate import _is_number, check_number
from zoo.losses._common import align_ranks, base_config, check_last_dim, to_tensors

LogCosh = keras.losses.LogCosh


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
        config = base_config(self)
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
        reduction, name, dtype: The Keras `Loss` arguments, as in `Huber`.

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
        y_true, y_pred = to_tensors(self, y_true, y_pred)
        if isinstance(self.quantile, list):
            check_last_dim(type(self).__name__, "quantile", self.quantile, y_pred, "columns")
            if len(y_true.shape) == len(y_pred.shape) - 1:
                y_true = ops.expand_dims(y_true, axis=-1)
        else:
            y_true, y_pred = align_ranks(y_true, y_pred)
        q = ops.convert_to_tensor(self.quantile, dtype=y_pred.dtype)
        error = y_true - y_pred
        return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)

    def get_config(self):
        config = base_config(self)
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
        reduction, name, dtype: The Keras `Loss` arguments, as in `Huber`.

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
        y_true, y_pred = to_tensors(self, y_true, y_pred)
        y_true, y_pred = align_ranks(y_true, y_pred)
        c = self.c
        u = ops.minimum(ops.square((y_pred - y_true) / c), 1.0)
        return ops.mean(c * c / 6.0 * (1.0 - ops.power(1.0 - u, 3)), axis=-1)

    def get_config(self):
        config = base_config(self)
        config["c"] = self.c
        return config


__all__ = ["Huber", "LogCosh", "PinballLoss", "QuantileLoss", "TukeyBiweight"]
