"""NumPy references, shared arrays and helpers of the zoo.losses tests.

Each reference returns the per-sample loss (mean or sum over the last axis),
computed from the published formula, independently of the implementation.
"""

from __future__ import annotations

import keras
import numpy as np

EPS = 1e-7


# --------------------------------------------------------------------------- NumPy references
# Each returns the per-sample loss (mean or sum over the last axis), computed
# from the published formula, independently of the implementation.


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_weighted_bce(y, p, pos_weight, from_logits=False):
    if from_logits:
        p = _sigmoid(p)
    p = np.clip(p, EPS, 1 - EPS)
    q = np.asarray(pos_weight, dtype="float64")
    return np.mean(-(q * y * np.log(p) + (1 - y) * np.log(1 - p)), axis=-1)


def np_weighted_cce(y_onehot, p, weights, from_logits=False):
    p = _softmax(p) if from_logits else p / p.sum(axis=-1, keepdims=True)
    p = np.clip(p, EPS, 1 - EPS)
    return -np.sum(np.asarray(weights) * y_onehot * np.log(p), axis=-1)


def np_huber(y, p, delta):
    r = np.abs(p - y)
    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * r - 0.5 * delta**2), axis=-1)


def np_log_cosh(y, p):
    return np.mean(np.log(np.cosh(p - y)), axis=-1)


def np_pinball(y, p, q):
    e = y - p
    q = np.asarray(q)
    return np.mean(np.maximum(q * e, (q - 1) * e), axis=-1)


def np_tukey(y, p, c):
    r = p - y
    rho = np.where(np.abs(r) <= c, c**2 / 6 * (1 - (1 - (r / c) ** 2) ** 3), c**2 / 6)
    return np.mean(rho, axis=-1)


def np_binary_focal(y, p, gamma, from_logits=False):
    if from_logits:
        p = _sigmoid(p)
    p = np.clip(p, EPS, 1 - EPS)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    p_t = y * p + (1 - y) * (1 - p)
    return np.mean((1 - p_t) ** gamma * bce, axis=-1)


def np_categorical_focal(y, p, alpha, gamma):
    p = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    return np.sum(alpha * (1 - p) ** gamma * -y * np.log(p), axis=-1)


RNG = np.random.default_rng(0)
N = 6
Y_BIN = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]])
P_BIN = np.array([[0.9], [0.2], [0.3], [0.6], [0.999], [1e-9]])  # includes clip cases
LOGIT_BIN = np.array([[2.0], [-1.0], [-0.5], [0.4], [30.0], [-30.0]])
Y_ML = RNG.integers(0, 2, size=(N, 3)).astype("float64")
P_ML = RNG.uniform(0.05, 0.95, size=(N, 3))
LABELS = np.array([0, 2, 1, 2, 0, 1])
Y_OH = np.eye(3)[LABELS]
P_MC = _softmax(RNG.normal(size=(N, 3)))
LOGIT_MC = RNG.normal(scale=2.0, size=(N, 3))
Y_REG = RNG.normal(size=(N, 1))
P_REG = Y_REG + np.array([[0.1], [-0.4], [1.5], [-3.0], [0.0], [8.0]])  # small and gross residuals
Y_REG2 = RNG.normal(size=(N, 2))
P_REG2 = Y_REG2 + RNG.normal(scale=2.0, size=(N, 2))
P_Q3 = Y_REG + RNG.normal(scale=1.0, size=(N, 3))
CW3 = [0.5, 2.0, 3.5]


def _value(loss, y_true, y_pred, sample_weight=None):
    return float(
        keras.ops.convert_to_numpy(
            loss(
                y_true.astype("float32"),
                y_pred.astype("float32"),
                sample_weight=None if sample_weight is None else sample_weight.astype("float32"),
            )
        )
    )


def _fit_full_batch(model, loss, x, y, steps, learning_rate, **fit_kwargs):
    """`steps` full-batch Adam updates, as one epoch over the tiled data (fast)."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, jit_compile=False)
    n = len(x)
    model.fit(
        np.tile(x, (steps, 1)),
        np.tile(y, steps),
        batch_size=n,
        epochs=1,
        shuffle=False,
        verbose=0,
        **fit_kwargs,
    )
    return model
