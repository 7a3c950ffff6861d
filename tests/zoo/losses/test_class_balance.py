"""zoo.losses.class_balance: class and sample weights, and that they raise minority recall."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from tests.zoo.losses._reference import (
    _fit_full_batch,
)
from zoo import losses
from zoo.losses import (
    WeightedBinaryCrossentropy,
)

# --------------------------------------------------------------------------- class weights


@pytest.mark.parametrize(
    "y",
    [
        np.array([0, 0, 0, 0, 1, 1, 2]),
        np.array([[0], [1], [1], [1]], dtype="float32"),
        np.eye(4)[[0, 0, 1, 3, 3, 3, 3, 3]],  # one-hot, class 2 absent
        np.array([3, 3, 5, 5, 5, 5, 5, 0]),  # non-contiguous labels
    ],
)
def test_class_weights_agree_with_sklearn(y):
    labels = np.argmax(y, axis=1) if y.ndim == 2 and y.shape[1] > 1 else np.ravel(y).astype(int)
    classes = np.unique(labels)
    expected = compute_class_weight("balanced", classes=classes, y=labels)
    got = losses.class_weights(y)
    assert list(got) == classes.tolist()
    assert all(type(k) is int and type(v) is float for k, v in got.items())
    np.testing.assert_allclose([got[k] for k in classes], expected)
    sqrt = losses.class_weights(y, strategy="sqrt_balanced")
    np.testing.assert_allclose([sqrt[k] for k in classes], np.sqrt(expected))


def test_class_weights_validation():
    with pytest.raises(ValueError, match=r"strategy='balancd'.*Did you mean 'balanced'"):
        losses.class_weights([0, 1], strategy="balancd")
    with pytest.raises(ValueError, match="integer class labels"):
        losses.class_weights([0.5, 1.0])
    with pytest.raises(ValueError, match=">= 0"):
        losses.class_weights([-1, 0, 1])
    with pytest.raises(ValueError, match="empty"):
        losses.class_weights([])


def test_sample_weights_match_class_weights():
    y = np.array([0, 1, 1, 2, 0])
    cw = {0: 2.0, 1: 0.5}
    sw = losses.sample_weights(y, cw)
    assert sw.dtype == np.float32
    assert sw.tolist() == [2.0, 0.5, 0.5, 1.0, 2.0]  # class 2 missing -> 1.0, as in Keras
    assert losses.sample_weights(np.eye(3)[y], [1.0, 2.0, 3.0]).tolist() == [1, 2, 2, 3, 1]
    balanced = losses.class_weights(y)
    np.testing.assert_allclose(losses.sample_weights(y, balanced), [balanced[k] for k in y])
    with pytest.raises(ValueError, match="2 entries.*label 2"):
        losses.sample_weights(y, [1.0, 2.0])
    with pytest.raises(ValueError, match=">= 0"):
        losses.sample_weights(y, {0: -1.0})
    with pytest.raises(TypeError):
        losses.sample_weights(y, 2.0)


def test_class_weights_raise_minority_recall():
    """95/5 imbalance: class weights (fit or loss) raise minority recall at 0.5 by >= 0.2."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    x, y = make_classification(
        n_samples=2000,
        n_features=10,
        n_informative=4,
        weights=[0.95, 0.05],
        flip_y=0.0,
        class_sep=0.8,
        random_state=0,
    )
    x_train, x_test, y_train, y_test = train_test_split(
        x.astype("float32"), y.astype("float32"), test_size=0.5, stratify=y, random_state=0
    )

    def recall(loss, **fit_kwargs):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(1, activation="sigmoid")])
        _fit_full_batch(model, loss, x_train, y_train, 300, 0.05, **fit_kwargs)
        p = model.predict(x_test, verbose=0)[:, 0]
        return float(np.mean(p[y_test == 1] >= 0.5))

    cw = losses.class_weights(y_train)
    plain = recall("binary_crossentropy")
    with_class_weight = recall("binary_crossentropy", class_weight=cw)
    with_loss = recall(WeightedBinaryCrossentropy(pos_weight=cw[1] / cw[0]))
    print(
        f"minority recall: plain={plain:.3f} class_weight={with_class_weight:.3f} "
        f"weighted_bce={with_loss:.3f}"
    )
    assert with_class_weight >= plain + 0.2
    assert with_loss >= plain + 0.2
