"""zoo.callbacks: gradient and activation monitors, learning-rate logger, defaults."""

import csv
import json
import math
import warnings

import keras
import numpy as np
import pytest

import zoo
from zoo.callbacks import (
    ActivationMonitor,
    GradientNormMonitor,
    LearningRateLogger,
    default_callbacks,
    gradient_norms,
)


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", representation="flat", seed=0)


def _deep(activation, initializer, *, batch_norm=False, depth=10, seed=0, **kwargs):
    return zoo.build_fnn((64,), task="multiclass", num_classes=10, hidden_units=(32,) * depth,
                         activation=activation, kernel_initializer=initializer,
                         batch_norm=batch_norm, seed=seed, **kwargs)


# ----------------------------------------------------------------- the textbook picture

def test_deep_sigmoid_gradients_vanish_and_relu_he_closes_the_gap(digits):
    x, y = digits.x_train[:256], digits.y_train[:256]
    sigmoid = gradient_norms(_deep("sigmoid", "glorot_uniform"), x, y)
    relu = gradient_norms(_deep("relu", "he_normal"), x, y)
    assert list(sigmoid)[0] == "dense_0" and list(sigmoid)[-1] == "output"
    assert list(sigmoid) == [f"dense_{i}" for i in range(10)] + ["output"]
    sig_ratio = sigmoid["dense_0"] / sigmoid["output"]
    relu_ratio = relu["dense_0"] / relu["output"]
    # Orders of magnitude below the last layer's for sigmoid (measured ~1e-6) ...
    assert sig_ratio < 1e-4, sigmoid
    # ... and ReLU + He brings the first layer within a factor of 10 of the last (~2).
    assert relu_ratio > 0.1, relu
    assert relu_ratio / sig_ratio > 1e4
    # Norms shrink layer after layer going back towards the input for sigmoid.
    values = list(sigmoid.values())[:-1]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))


def test_measuring_does_not_change_the_model(digits):
    model = _deep("relu", "he_normal", batch_norm=True, depth=2)
    x = digits.x_val[:64]
    before = model.predict(x, verbose=0)
    gradient_norms(model, x, digits.y_val[:64])
    np.testing.assert_allclose(model.predict(x, verbose=0), before, atol=1e-6)


def test_gradient_norms_needs_a_compiled_model():
    model = zoo.build_fnn((4,), task="binary", hidden_units=(3,), compile=False, seed=0)
    with pytest.raises(ValueError, match="compiled"):
        gradient_norms(model, np.ones((2, 4)), np.ones((2,)))


# ----------------------------------------------------------------- GradientNormMonitor

def test_monitor_records_history_csv_and_tensorboard(digits, tmp_path):
    x, y = digits.x_train[:320], digits.y_train[:320]
    model = _deep("relu", "he_normal", depth=3)
    csv_path, log_dir = tmp_path / "norms.csv", tmp_path / "tb"
    monitor = GradientNormMonitor(digits.x_val, digits.y_val, every=4, csv_path=csv_path,
                                  log_dir=log_dir)
    hist = model.fit(x, y, epochs=2, batch_size=32, callbacks=[monitor], verbose=0)
    # 10 batches per epoch, every 4 -> steps 4, 8, 12, 16, 20 plus the start.
    assert [r["step"] for r in monitor.records] == [0, 4, 8, 12, 16, 20]
    assert [r["epoch"] for r in monitor.records] == [0, 1, 1, 2, 2, 2]
    latest = monitor.latest_norms()
    assert list(latest) == ["dense_0", "dense_1", "dense_2", "output"]
    assert all(v > 0 and math.isfinite(v) for v in latest.values())
    assert latest == gradient_norms(model, monitor.x, monitor.y)  # the held batch, now
    for key in ("grad_norm_first", "grad_norm_last", "grad_norm_ratio"):
        assert len(hist.history[key]) == 2
    assert hist.history["grad_norm_first"][-1] == pytest.approx(latest["dense_0"])
    assert hist.history["grad_norm_ratio"][-1] == pytest.approx(
        latest["dense_0"] / latest["output"])
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == 6 and list(rows[0]) == ["step", "epoch", "dense_0", "dense_1",
                                                 "dense_2", "output"]
    assert float(rows[-1]["output"]) == pytest.approx(latest["output"])
    assert monitor.series("output") == [r["output"] for r in monitor.records]
    assert any(p.name.startswith("events.out.tfevents") for p in log_dir.iterdir())
    assert monitor.alerts == []


def test_vanishing_gradients_warn_and_stop_training(digits):
    model = _deep("sigmoid", "glorot_uniform")
    monitor = GradientNormMonitor(digits.x_val, digits.y_val, every=2, stop_on="vanishing",
                                  vanishing_ratio=1e-3)
    with pytest.warns(UserWarning, match="vanishing gradients"):
        hist = model.fit(digits.x_train, digits.y_train, epochs=5, callbacks=[monitor],
                         verbose=0)
    assert len(hist.history["loss"]) == 1  # stopped in the first epoch
    assert monitor.stopped_reason.startswith("vanishing")
    assert monitor.alerts[0]["kind"] == "vanishing"


def test_exploding_gradients_warn_only_unless_asked(digits):
    x, y = digits.x_train[:128], digits.y_train[:128]
    model = _deep("relu", "he_normal", depth=2)
    monitor = GradientNormMonitor(x, y, every=1, explode_threshold=1e-6)
    with pytest.warns(UserWarning, match="exploding"):
        hist = model.fit(x, y, epochs=2, batch_size=64, callbacks=[monitor], verbose=0)
    assert len(hist.history["loss"]) == 2 and monitor.stopped_reason is None
    assert {a["kind"] for a in monitor.alerts} == {"exploding"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warn=False is silent
        quiet = GradientNormMonitor(x, y, every=1, explode_threshold=1e-6, warn=False,
                                    stop_on=("exploding",))
        hist = model.fit(x, y, epochs=3, batch_size=64, callbacks=[quiet], verbose=0)
    assert len(hist.history["loss"]) == 1 and quiet.stopped_reason.startswith("exploding")


@pytest.mark.parametrize("kwargs,match", [
    ({"every": 0}, "every"),
    ({"stop_on": ("vanish",)}, "stop_on"),
    ({"vanishing_ratio": -1.0}, "vanishing_ratio"),
    ({"explode_threshold": 0}, "explode_threshold"),
])
def test_monitor_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GradientNormMonitor(np.ones((4, 2)), np.ones((4,)), **kwargs)


def test_monitor_refuses_mismatched_data():
    with pytest.raises(ValueError, match="same number of samples"):
        GradientNormMonitor(np.ones((4, 2)), np.ones((3,)))


# ----------------------------------------------------------------- ActivationMonitor

def test_activation_monitor_finds_dead_relus_and_saturated_sigmoids(digits):
    x = digits.x_val
    dead = zoo.build_fnn((64,), task="multiclass", num_classes=10, hidden_units=(16, 8),
                         activation="relu", seed=0)
    dead.get_layer("dense_1").kernel.assign(-np.abs(dead.get_layer("dense_1").kernel.numpy()))
    dead.get_layer("dense_1").bias.assign(-np.ones(8))  # inputs >= 0 -> every unit dead
    monitor = ActivationMonitor(x, every_epoch=1)
    hist = dead.fit(digits.x_train[:64], digits.y_train[:64], epochs=1, callbacks=[monitor],
                    verbose=0)
    scores = monitor.latest()
    assert list(scores) == ["dense_0_act", "dense_1_act"]  # the softmax output is skipped
    assert scores["dense_1_act"] == {"kind": "relu", "dead": 1.0}
    assert scores["dense_0_act"]["dead"] < 0.5
    assert hist.history["dense_1_act_dead"] == [1.0]

    big = keras.initializers.RandomNormal(stddev=5.0, seed=0)
    sat = zoo.build_fnn((64,), task="multiclass", num_classes=10, hidden_units=(32,),
                        activation="sigmoid", kernel_initializer=big, seed=0)
    calm = zoo.build_fnn((64,), task="multiclass", num_classes=10, hidden_units=(32,),
                         activation="tanh", seed=0)
    monitor_sat = _bound(ActivationMonitor(x), sat)
    monitor_calm = _bound(ActivationMonitor(x), calm)
    s, c = monitor_sat.measure()["dense_0_act"], monitor_calm.measure()["dense_0_act"]
    assert s["kind"] == "sigmoid" and c["kind"] == "tanh"
    assert s["saturated"] > 0.5 > 0.05 > c["saturated"]


def _bound(monitor, model):
    monitor.set_model(model)
    return monitor


def test_activation_monitor_reads_dense_activations_and_conv_channels():
    inputs = keras.Input((6, 6, 1))
    h = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(5, activation="tanh", name="hidden")(h)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="out")(h)
    model = keras.Model(inputs, outputs)
    model.get_layer("conv").bias.assign([-100.0, 0.0, 0.0, -100.0])
    x = np.random.default_rng(0).random((32, 6, 6, 1)).astype("float32")
    scores = _bound(ActivationMonitor(x, include_output=True), model).measure()
    assert list(scores) == ["conv", "hidden", "out"]
    assert scores["conv"]["dead"] == pytest.approx(0.5)  # 2 of 4 channels


# ----------------------------------------------------------------- LearningRateLogger

def test_learning_rate_logger_follows_a_schedule(digits):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    model = zoo.build_fnn((64,), task="multiclass", num_classes=10, hidden_units=(8,), seed=0,
                          learning_rate=schedule)
    logger = LearningRateLogger(per_batch=True)
    x, y = digits.x_train[:320], digits.y_train[:320]
    hist = model.fit(x, y, epochs=2, batch_size=32, callbacks=[logger], verbose=0)
    # 10 steps per epoch: the rate after epoch 1 is 0.01 * 0.5 ** 1, after epoch 2 0.5 ** 2.
    assert hist.history["learning_rate"] == pytest.approx([0.005, 0.0025], rel=1e-5)
    assert len(logger.batch_rates) == 20
    assert logger.batch_rates[0] == pytest.approx(0.01 * 0.5 ** 0.1, rel=1e-5)


def test_learning_rate_logger_constant_rate():
    model = zoo.build_fnn((3,), task="regression", hidden_units=(4,), seed=0,
                          learning_rate=0.02)
    hist = model.fit(np.ones((8, 3)), np.ones((8,)), epochs=3, verbose=0,
                     callbacks=[LearningRateLogger()])
    assert hist.history["learning_rate"] == pytest.approx([0.02] * 3)


# ----------------------------------------------------------------- configs

@pytest.mark.parametrize("make", [
    lambda: GradientNormMonitor(np.arange(12.0).reshape(6, 2), np.arange(6), every=3,
                                stop_on=("vanishing",), vanishing_ratio=1e-4,
                                csv_path="a.csv", max_samples=4),
    lambda: ActivationMonitor(np.ones((5, 3), dtype="float32"), 2, saturation=0.95,
                              include_output=True),
    lambda: LearningRateLogger(per_batch=True),
])
def test_config_round_trips_through_keras_serialization(make):
    callback = make()
    config = callback.get_config()
    clone = type(callback).from_config(config)
    assert clone.get_config() == config
    payload = json.loads(json.dumps(keras.saving.serialize_keras_object(callback)))
    assert payload["registered_name"].startswith("zoo>")
    restored = keras.saving.deserialize_keras_object(payload)
    assert type(restored) is type(callback) and restored.get_config() == config


def test_grad_monitor_config_keeps_data_and_dtypes():
    monitor = GradientNormMonitor(np.ones((300, 2), "float32"), np.zeros(300, "int32"))
    clone = GradientNormMonitor.from_config(monitor.get_config())
    assert clone.x.shape == (256, 2) and clone.x.dtype == np.float32
    assert clone.y.dtype == np.int32


# ----------------------------------------------------------------- default_callbacks

def test_default_callbacks_contents():
    names = [type(c).__name__ for c in default_callbacks()]
    assert names == ["LearningRateLogger", "TerminateOnNaN", "EarlyStopping"]
    stop = default_callbacks(patience=7, monitor="val_accuracy")[-1]
    assert stop.patience == 7 and stop.restore_best_weights and stop.monitor == "val_accuracy"
    x, y = np.ones((4, 2)), np.ones((4,))
    full = default_callbacks(patience=None, reduce_lr={"factor": 0.2}, grad_monitor_data=(x, y),
                             activation_monitor_data={"x": x, "every_epoch": 2},
                             terminate_on_nan=False, lr_logger=False)
    assert [type(c).__name__ for c in full] == ["GradientNormMonitor", "ActivationMonitor",
                                                "ReduceLROnPlateau"]
    assert full[1].every_epoch == 2 and full[2].factor == pytest.approx(0.2)
    assert default_callbacks(reduce_lr=True)[2].patience == 2


@pytest.mark.parametrize("kwargs,error", [
    ({"patience": 0}, ValueError), ({"reduce_lr": "yes"}, TypeError),
    ({"grad_monitor_data": np.ones(3)}, TypeError), ({"monitor": ""}, TypeError),
])
def test_default_callbacks_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error, match="default_callbacks"):
        default_callbacks(**kwargs)


def test_train_uses_default_callbacks_and_schedules():
    result = zoo.train("fnn", "digits", epochs=3, seed=0, verbose=0, schedule="one_cycle",
                       learning_rate=0.01, model_kwargs={"hidden_units": (16,)})
    rates = result.history["learning_rate"]
    assert len(rates) == 3 and rates[0] > rates[-1] and rates[-1] < 1e-4
    assert result.config["schedule"] == "one_cycle"
    with pytest.raises(ValueError, match="schedule"):
        zoo.train("fnn", "digits", epochs=1, schedule="one_cyle")
    with pytest.raises(ValueError, match="reduce_lr"):
        zoo.train("fnn", "digits", epochs=1, schedule="cosine", reduce_lr=True)
