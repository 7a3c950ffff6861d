"""Array checks shared by the NumPy teaching models."""

from __future__ import annotations

import numpy as np


def check_xy(fn: str, x, y=None):
    """``x`` as a finite float64 ``(samples, features)`` array (and ``y`` flat, same length)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{fn}: `x` must be a non-empty 2-D array (samples, features), "
                         f"received shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{fn}: `x` contains NaN or infinite values")
    if y is None:
        return x
    y = np.asarray(y).reshape(-1)
    if len(y) != len(x):
        raise ValueError(f"{fn}: `x` and `y` must have the same number of samples, received "
                         f"{len(x)} and {len(y)}")
    return x, y
