"""Helpers shared by the zoo's loss classes: tensor conversion, shape checks, config."""

from __future__ import annotations

import keras
from keras import ops


def check_last_dim(fn: str, name: str, weights: list, y_pred, what: str) -> None:
    """Raise if the static last dimension of ``y_pred`` differs from ``len(weights)``."""
    size = y_pred.shape[-1] if len(y_pred.shape) else None
    if size is not None and size != len(weights):
        raise ValueError(
            f"{fn}: `{name}` has {len(weights)} entries but the model output has "
            f"{size} {what} (y_pred.shape={tuple(y_pred.shape)}); pass one weight per {what[:-1]}"
        )


def to_tensors(loss, y_true, y_pred):
    """Convert nested Python lists (left as structures by `Loss.__call__`) to tensors."""
    return (
        ops.convert_to_tensor(y_true, dtype=loss.dtype),
        ops.convert_to_tensor(y_pred, dtype=loss.dtype),
    )


def align_ranks(y_true, y_pred):
    """Squeeze or expand a trailing unit axis so that ``y_true`` and ``y_pred`` share a rank."""
    t_rank, p_rank = len(y_true.shape), len(y_pred.shape)
    if t_rank == p_rank + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    elif p_rank == t_rank + 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    return y_true, y_pred


def base_config(loss: keras.losses.Loss) -> dict:
    """The base `Loss` config (name, reduction, dtype) of `loss`, without its own fields."""
    return keras.losses.Loss.get_config(loss)
