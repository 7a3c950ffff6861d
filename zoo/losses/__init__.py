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

One module a concern: :mod:`zoo.losses.weighted`, :mod:`zoo.losses.robust`,
:mod:`zoo.losses.class_balance`; the name lookup (:func:`get`, :func:`list_losses`)
is here. Every public name is reachable as ``zoo.losses.<name>``.

Example:
    >>> from zoo import losses
    >>> type(losses.get("pinball", quantile=0.9)).__name__
    'QuantileLoss'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import keras

from zoo._validate import suggest
from zoo.losses.class_balance import class_weights, sample_weights
from zoo.losses.robust import Huber, LogCosh, PinballLoss, QuantileLoss, TukeyBiweight
from zoo.losses.weighted import (
    BinaryFocalCrossentropy,
    BinaryFocalLoss,
    CategoricalFocalCrossentropy,
    CategoricalFocalLoss,
    WeightedBinaryCrossentropy,
    WeightedCategoricalCrossentropy,
    WeightedSparseCategoricalCrossentropy,
)

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
