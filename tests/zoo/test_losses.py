"""Tests for zoo.losses: one pattern per loss class (config round-trip, NumPy
reference, sample-weighted, zero-weighted, fit + save/reload), the helpers, the
name lookup, and two "must hold" behaviours (Huber resists outliers; class
weights raise minority recall)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from zoo import losses
from zoo.losses import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    Huber,
    LogCosh,
    QuantileLoss,
    TukeyBiweight,
    WeightedBinaryCrossentropy,
    WeightedCategoricalCrossentropy,
    WeightedSparseCategoricalCrossentropy,
)

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


# --------------------------------------------------------------------------- cases

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


@dataclass
class Case:
    id: str
    make: Callable[[], keras.losses.Loss]
    y_true: np.ndarray
    y_pred: np.ndarray
    ref: Callable[[np.ndarray, np.ndarray], np.ndarray]
    task: str  # how to build the tiny model for the fit test
    units: int = 1


CASES = [
    Case(
        "weighted_bce",
        lambda: WeightedBinaryCrossentropy(pos_weight=3.0),
        Y_BIN,
        P_BIN,
        lambda y, p: np_weighted_bce(y, p, 3.0),
        "binary",
    ),
    Case(
        "weighted_bce_logits",
        lambda: WeightedBinaryCrossentropy(pos_weight=0.4, from_logits=True),
        Y_BIN,
        LOGIT_BIN,
        lambda y, p: np_weighted_bce(y, p, 0.4, from_logits=True),
        "binary_logits",
    ),
    Case(
        "weighted_bce_per_column",
        lambda: WeightedBinaryCrossentropy(pos_weight=[1.0, 2.0, 5.0]),
        Y_ML,
        P_ML,
        lambda y, p: np_weighted_bce(y, p, [1.0, 2.0, 5.0]),
        "multilabel",
        units=3,
    ),
    Case(
        "weighted_cce",
        lambda: WeightedCategoricalCrossentropy(class_weights=CW3),
        Y_OH,
        P_MC,
        lambda y, p: np_weighted_cce(y, p, CW3),
        "multiclass",
        units=3,
    ),
    Case(
        "weighted_cce_logits",
        lambda: WeightedCategoricalCrossentropy(class_weights=CW3, from_logits=True),
        Y_OH,
        LOGIT_MC,
        lambda y, p: np_weighted_cce(y, p, CW3, from_logits=True),
        "multiclass_logits",
        units=3,
    ),
    Case(
        "weighted_sparse_cce",
        lambda: WeightedSparseCategoricalCrossentropy(class_weights={0: 0.5, 1: 2.0, 2: 3.5}),
        LABELS.reshape(-1, 1),
        P_MC,
        lambda y, p: np_weighted_cce(np.eye(3)[y[:, 0]], p, CW3),
        "sparse",
        units=3,
    ),
    Case(
        "weighted_sparse_cce_logits",
        lambda: WeightedSparseCategoricalCrossentropy(class_weights=CW3, from_logits=True),
        LABELS,
        LOGIT_MC,
        lambda y, p: np_weighted_cce(np.eye(3)[y], p, CW3, from_logits=True),
        "sparse_logits",
        units=3,
    ),
    Case(
        "huber",
        lambda: Huber(delta=0.7),
        Y_REG2,
        P_REG2,
        lambda y, p: np_huber(y, p, 0.7),
        "regression",
        units=2,
    ),
    Case("log_cosh", LogCosh, Y_REG2, P_REG2, np_log_cosh, "regression", units=2),
    Case(
        "quantile",
        lambda: QuantileLoss(quantile=0.8),
        Y_REG,
        P_REG,
        lambda y, p: np_pinball(y, p, 0.8),
        "regression",
    ),
    Case(
        "quantile_multi",
        lambda: QuantileLoss(quantile=[0.1, 0.5, 0.9]),
        Y_REG,  # (batch, 1) target broadcast against the three quantile columns
        P_Q3,
        lambda y, p: np_pinball(y, p, [0.1, 0.5, 0.9]),
        "quantile3",
        units=3,
    ),
    Case(
        "tukey",
        lambda: TukeyBiweight(c=2.0),
        Y_REG,
        P_REG,
        lambda y, p: np_tukey(y, p, 2.0),
        "regression",
    ),
    Case(
        "binary_focal",
        lambda: BinaryFocalCrossentropy(gamma=2.0),
        Y_BIN,
        P_BIN,
        lambda y, p: np_binary_focal(y, p, 2.0),
        "binary",
    ),
    Case(
        "categorical_focal",
        lambda: CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0),
        Y_OH,
        P_MC,
        lambda y, p: np_categorical_focal(y, p, 0.25, 2.0),
        "multiclass",
        units=3,
    ),
]
IDS = [c.id for c in CASES]


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


# --------------------------------------------------------------------------- per-class pattern


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip(case):
    loss = case.make()
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert type(clone) is type(loss)
    assert clone.get_config() == config

    serialized = keras.saving.serialize_keras_object(loss)
    restored = keras.saving.deserialize_keras_object(serialized, safe_mode=True)
    assert type(restored) is type(loss)
    assert restored.get_config() == config
    assert _value(restored, case.y_true, case.y_pred) == pytest.approx(
        _value(loss, case.y_true, case.y_pred), rel=1e-6
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unweighted_value_matches_numpy(case):
    expected = np.mean(case.ref(case.y_true, case.y_pred))
    assert _value(case.make(), case.y_true, case.y_pred) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_sample_weighted_value_matches_numpy(case):
    sw = np.array([0.5, 2.0, 0.0, 1.0, 3.0, 0.25])
    expected = np.sum(case.ref(case.y_true, case.y_pred) * sw) / len(sw)
    assert _value(case.make(), case.y_true, case.y_pred, sw) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_zero_sample_weight_gives_zero(case):
    assert _value(case.make(), case.y_true, case.y_pred, np.zeros(N)) == 0.0


def _tiny_problem(task: str, units: int, seed: int = 0):
    """A 64-sample problem and a one-hidden-layer model whose output fits ``task``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 4)).astype("float32")
    score = x @ rng.normal(size=(4, max(units, 1)))
    activation = None
    if task.startswith("binary") or task == "multilabel":
        y = (score > 0).astype("float32")
        activation = None if task.endswith("logits") else "sigmoid"
    elif task.startswith("multiclass") or task.startswith("sparse"):
        labels = np.argmax(score, axis=1)
        y = labels.astype("int32") if task.startswith("sparse") else np.eye(units)[labels]
        activation = None if task.endswith("logits") else "softmax"
    elif task == "quantile3":
        y = score[:, :1] + rng.normal(scale=0.3, size=(64, 1))
    else:  # regression
        y = score + rng.normal(scale=0.1, size=score.shape)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(units, activation=activation),
        ]
    )
    return model, x, y.astype("float32") if y.dtype != np.int32 else y


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fit_decreases_loss_and_survives_save_reload(case, tmp_path):
    model, x, y = _tiny_problem(case.task, case.units)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=case.make(), jit_compile=False)
    history = model.fit(x, y, epochs=8, batch_size=64, verbose=0)
    losses_seen = history.history["loss"]
    assert np.all(np.isfinite(losses_seen))
    assert losses_seen[-1] < losses_seen[0]

    path = tmp_path / "x.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(model.predict(x, verbose=0), reloaded.predict(x, verbose=0))
    assert type(reloaded.loss) is type(model.loss)
    assert reloaded.loss.get_config() == model.loss.get_config()


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


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Huber(delta=0.0), r"Huber: `delta`.*received delta=0"),
        (lambda: Huber(delta=-1.0), r"`delta`.*received delta=-1"),
        (lambda: QuantileLoss(quantile=0.0), r"`quantile`.*received quantile=0"),
        (lambda: QuantileLoss(quantile=1.5), r"`quantile`.*received quantile=1.5"),
        (lambda: QuantileLoss(quantile=[0.1, 1.0]), r"`quantile`.*\[0.1, 1.0\]"),
        (lambda: TukeyBiweight(c=-1.0), r"`c`.*received c=-1"),
        (lambda: TukeyBiweight(c=0), r"`c`.*received c=0"),
        (lambda: WeightedBinaryCrossentropy(pos_weight=0.0), r"`pos_weight`.*pos_weight=0"),
        (lambda: WeightedBinaryCrossentropy(pos_weight=-2), r"`pos_weight`.*pos_weight=-2"),
        (lambda: WeightedBinaryCrossentropy(pos_weight=[1.0, -1.0]), r"`pos_weight`"),
        (lambda: WeightedCategoricalCrossentropy([1.0, 0.0]), r"`class_weights`.*\[1.0, 0.0\]"),
        (lambda: WeightedCategoricalCrossentropy([]), r"`class_weights`.*\[\]"),
        (lambda: WeightedSparseCategoricalCrossentropy({0: 1.0, 2: 1.0}), r"keys 0..n-1"),
    ],
)
def test_bad_constructor_values_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: Huber(delta="1"),
        lambda: QuantileLoss(quantile="0.5"),
        lambda: TukeyBiweight(c=None),
        lambda: WeightedCategoricalCrossentropy(class_weights=2.0),
        lambda: WeightedBinaryCrossentropy(from_logits="yes"),
    ],
)
def test_bad_constructor_types_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize(
    "loss, y_true, y_pred, match",
    [
        (WeightedCategoricalCrossentropy([1.0, 2.0]), Y_OH, P_MC, r"2 entries.*3 classes"),
        (WeightedSparseCategoricalCrossentropy([1.0] * 4), LABELS, P_MC, r"4 entries.*3 classes"),
        (WeightedBinaryCrossentropy([1.0, 2.0]), Y_ML, P_ML, r"`pos_weight` has 2.*3 columns"),
        (QuantileLoss([0.1, 0.9]), Y_REG, P_Q3, r"`quantile` has 2.*3 columns"),
    ],
)
def test_weight_count_mismatch_raises_at_call_time(loss, y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        _value(loss, y_true, y_pred)


def test_weight_count_mismatch_raises_inside_fit():
    model, x, y = _tiny_problem("multiclass", 3)
    model.compile("adam", loss=WeightedCategoricalCrossentropy([1.0, 2.0]), jit_compile=False)
    with pytest.raises(ValueError, match=r"class_weights.*2 entries.*3 classes"):
        model.fit(x, y, epochs=1, verbose=0)


# --------------------------------------------------------------------------- get()


@pytest.mark.parametrize(
    "name, cls",
    [
        ("huber", Huber),
        ("Huber", Huber),
        ("log_cosh", keras.losses.LogCosh),
        ("logcosh", keras.losses.LogCosh),
        ("pinball", QuantileLoss),
        ("quantile", QuantileLoss),
        ("tukey", TukeyBiweight),
        ("weighted_bce", WeightedBinaryCrossentropy),
        ("weighted_binary_crossentropy", WeightedBinaryCrossentropy),
        ("focal", keras.losses.BinaryFocalCrossentropy),
        ("binary_focal", keras.losses.BinaryFocalCrossentropy),
        ("categorical_focal", keras.losses.CategoricalFocalCrossentropy),
        ("mse", keras.losses.MeanSquaredError),
        ("MAE", keras.losses.MeanAbsoluteError),
        ("binary_crossentropy", keras.losses.BinaryCrossentropy),
        ("sparse_categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy),
        ("categorical-crossentropy", keras.losses.CategoricalCrossentropy),
        ("kl_divergence", keras.losses.KLDivergence),
    ],
)
def test_get_resolves_names(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls


def test_get_passes_kwargs_and_validates_them():
    assert losses.get("huber", delta=2.0).delta == 2.0
    assert losses.get("pinball", quantile=[0.1, 0.9]).quantile == [0.1, 0.9]
    assert losses.get("weighted_cce", class_weights=CW3).class_weights == CW3
    assert losses.get("weighted_sparse_cce", class_weights=CW3, from_logits=True).from_logits
    assert losses.get("binary_crossentropy", from_logits=True).get_config()["from_logits"]
    assert losses.get(QuantileLoss, quantile=0.3).quantile == 0.3
    with pytest.raises(ValueError, match=r"`delta`.*delta=-1"):
        losses.get("huber", delta=-1.0)
    with pytest.raises(TypeError, match="huber"):
        losses.get("huber", dleta=1.0)


def test_get_returns_objects_and_callables_as_is():
    loss = Huber(delta=3.0)
    assert losses.get(loss) is loss

    def my_loss(y_true, y_pred):
        return keras.ops.mean(y_pred - y_true)

    assert losses.get(my_loss) is my_loss
    assert losses.get(None) is None
    config = keras.saving.serialize_keras_object(QuantileLoss(0.25))
    assert losses.get(config).quantile == 0.25
    with pytest.raises(ValueError, match="ready-made"):
        losses.get(loss, delta=1.0)


def test_get_unknown_name_lists_names_and_suggests():
    with pytest.raises(ValueError, match=r"unknown loss 'hubber'.*'huber'.*Did you mean 'huber'"):
        losses.get("hubber")
    with pytest.raises(ValueError, match=r"known names are .*'weighted_bce'"):
        losses.get("no_such_loss")


@pytest.mark.parametrize("bad", [3, 1.5, ["mse"], int])
def test_get_wrong_type_raises_type_error(bad):
    with pytest.raises(TypeError):
        losses.get(bad)


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


# --------------------------------------------------------------------------- must hold


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
