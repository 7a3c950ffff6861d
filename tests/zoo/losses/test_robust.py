"""zoo.losses.robust: Huber keeps delta, quantile columns, Huber resists outliers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tests.zoo.losses._reference import (
    P_REG,
    Y_REG,
    _fit_full_batch,
    _value,
    np_huber,
)
from zoo import losses
from zoo.losses import (
    Huber,
    QuantileLoss,
)


def test_huber_keeps_delta_where_keras_huber_drops_it():
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(Huber(delta=0.25)), safe_mode=True
    )
    assert restored.delta == 0.25
    assert _value(restored, Y_REG, P_REG) == pytest.approx(np.mean(np_huber(Y_REG, P_REG, 0.25)))


def test_quantile_columns_use_their_own_quantile():
    y = np.zeros((1, 1))
    pred = np.array([[-1.0, -1.0]])  # under-prediction: cost q per unit for column q
    loss = QuantileLoss(quantile=[0.2, 0.7], reduction=None)
    assert keras.ops.convert_to_numpy(loss(y, pred)).tolist() == pytest.approx([(0.2 + 0.7) / 2])
    assert _value(QuantileLoss(0.5), Y_REG, P_REG) == pytest.approx(
        0.5 * np.mean(np.abs(Y_REG - P_REG)), rel=1e-5
    )


def test_huber_beats_mse_on_targets_with_gross_outliers():
    """10% of training targets shifted by +-10 std: Huber's clean test MAE is >= 20% lower."""
    from sklearn.datasets import make_regression

    x, y = make_regression(n_samples=600, n_features=8, noise=10.0, random_state=0)
    x = ((x - x.mean(0)) / x.std(0)).astype("float32")
    y = ((y - y.mean()) / y.std()).astype("float32")
    x_train, y_train, x_test, y_test = x[:300], y[:300].copy(), x[300:], y[300:]
    rng = np.random.default_rng(0)
    idx = rng.choice(300, size=30, replace=False)
    y_train[idx] += rng.choice([-10.0, 10.0], size=30)

    def test_mae(loss):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        _fit_full_batch(model, loss, x_train, y_train, steps=300, learning_rate=0.03)
        return float(np.mean(np.abs(model.predict(x_test, verbose=0)[:, 0] - y_test)))

    mae_mse = test_mae("mse")
    mae_huber = test_mae(losses.get("huber", delta=1.0))
    print(f"clean test MAE: mse={mae_mse:.4f} huber={mae_huber:.4f}")
    assert mae_huber <= 0.8 * mae_mse
