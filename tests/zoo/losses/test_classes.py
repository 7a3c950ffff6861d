"""Every zoo loss class, one pattern each: config round-trip, NumPy reference,
sample-weighted, zero-weighted, fit + save/reload; and the constructor checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import pytest

from tests.zoo.losses._reference import (
    CW3,
    LABELS,
    LOGIT_BIN,
    LOGIT_MC,
    P_BIN,
    P_MC,
    P_ML,
    P_Q3,
    P_REG,
    P_REG2,
    Y_BIN,
    Y_ML,
    Y_OH,
    Y_REG,
    Y_REG2,
    N,
    _value,
    np_binary_focal,
    np_categorical_focal,
    np_huber,
    np_log_cosh,
    np_pinball,
    np_tukey,
    np_weighted_bce,
    np_weighted_cce,
)
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
