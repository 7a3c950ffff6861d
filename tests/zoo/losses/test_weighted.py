"""zoo.losses.weighted against Keras' own cross-entropies."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tests.zoo.losses._reference import (
    CW3,
    LABELS,
    LOGIT_BIN,
    P_MC,
    P_ML,
    Y_BIN,
    Y_ML,
    Y_OH,
    _sigmoid,
    _value,
)
from zoo.losses import (
    WeightedBinaryCrossentropy,
    WeightedCategoricalCrossentropy,
    WeightedSparseCategoricalCrossentropy,
)

# --------------------------------------------------------------------------- cross-checks


def test_weighted_bce_with_unit_weight_equals_keras_bce():
    keras_bce = keras.losses.BinaryCrossentropy()
    ours = WeightedBinaryCrossentropy(pos_weight=1.0)
    assert _value(ours, Y_ML, P_ML) == pytest.approx(_value(keras_bce, Y_ML, P_ML), rel=1e-5)
    keras_logits = keras.losses.BinaryCrossentropy(from_logits=True)
    ours_logits = WeightedBinaryCrossentropy(from_logits=True)
    assert _value(ours_logits, Y_BIN, LOGIT_BIN) == pytest.approx(
        _value(keras_logits, Y_BIN, LOGIT_BIN), rel=1e-5
    )


def test_weighted_bce_logits_matches_probabilities():
    logits = np.array([[-3.0, 0.2, 1.5], [2.0, -0.7, 0.0]])
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    a = _value(WeightedBinaryCrossentropy(2.5, from_logits=True), y, logits)
    b = _value(WeightedBinaryCrossentropy(2.5), y, _sigmoid(logits))
    assert a == pytest.approx(b, rel=1e-5)


def test_weighted_categorical_equals_class_weighted_keras_cce():
    """w_k * CE for one-hot, sparse and Keras' CCE with per-sample weight w[label]."""
    sw = np.asarray(CW3)[LABELS]
    keras_value = _value(keras.losses.CategoricalCrossentropy(), Y_OH, P_MC, sw)
    dense = _value(WeightedCategoricalCrossentropy(CW3), Y_OH, P_MC)
    sparse = _value(WeightedSparseCategoricalCrossentropy(CW3), LABELS, P_MC)
    assert dense == pytest.approx(keras_value, rel=1e-5)
    assert sparse == pytest.approx(keras_value, rel=1e-5)
