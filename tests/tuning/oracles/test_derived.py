"""Objectives measured on the model: FLOPs counted by hand, params and latency in the logs."""

import keras
import numpy as np
import pytest

from tuning.oracles.derived import ModelMetrics, count_flops, layer_flops, measure_latency


def _flops_of(layer, input_shape):
    model = keras.Sequential([keras.Input(input_shape), layer])
    return count_flops(model)


@pytest.mark.parametrize("layer, input_shape, expected", [
    (keras.layers.Dense(10), (144,), 2 * 144 * 10),
    (keras.layers.Dense(3), (5, 4), 2 * 5 * 4 * 3),  # applied per time step
    (keras.layers.Conv2D(4, 3), (8, 8, 1), 2 * (6 * 6 * 4) * 9 * 1),
    (keras.layers.Conv2D(4, 3, padding="same"), (8, 8, 2), 2 * (8 * 8 * 4) * 9 * 2),
    (keras.layers.Conv1D(6, 2), (10, 3), 2 * (9 * 6) * 2 * 3),
    (keras.layers.DepthwiseConv2D(3), (8, 8, 2), 2 * (6 * 6 * 2) * 9),
    (keras.layers.SeparableConv2D(4, 3), (8, 8, 2), 2 * 36 * (9 * 2 + 2 * 4)),
    (keras.layers.LSTM(5), (7, 3), 2 * 7 * 4 * (3 + 5) * 5),
    (keras.layers.GRU(5), (7, 3), 2 * 7 * 3 * (3 + 5) * 5),
    (keras.layers.SimpleRNN(5), (7, 3), 2 * 7 * (3 + 5) * 5),
    (keras.layers.Bidirectional(keras.layers.GRU(2)), (7, 3), 2 * (2 * 7 * 3 * (3 + 2) * 2)),
    (keras.layers.MaxPooling2D(), (8, 8, 2), 0),
    (keras.layers.BatchNormalization(), (8,), 0),
])
def test_flops_per_sample_match_the_hand_count(layer, input_shape, expected):
    assert _flops_of(layer, input_shape) == expected


def test_flops_add_up_over_a_model_and_its_nested_models():
    inner = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8)])
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(2, 3)(inputs)  # 2 * 72 * 9
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(16)(x)  # 2 * 2 * 16
    outputs = inner(x)  # 2 * 16 * 8
    model = keras.Model(inputs, outputs)
    assert count_flops(model) == 2 * 72 * 9 + 2 * 2 * 16 + 2 * 16 * 8
    assert layer_flops(keras.layers.Dropout(0.1), (1, 4), (1, 4)) == 0


def test_model_metrics_are_in_every_epochs_logs_and_measured_once():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile("adam", "mse")
    x, y = np.zeros((16, 4), "float32"), np.zeros((16, 3), "float32")
    callback = ModelMetrics(["params", "flops", "latency_ms"], sample=x[:8])
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[callback])
    assert history.history["params"] == [15.0] * 3
    assert history.history["flops"] == [24.0] * 3
    latency = history.history["latency_ms"]
    assert len(set(latency)) == 1 and 0 < latency[0] < 10_000
    with pytest.raises(ValueError, match="unknown derived objectives.*'size'"):
        ModelMetrics(["params", "size"])


def test_latency_is_a_median_in_milliseconds(monkeypatch):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    ticks = iter([0.0, 0.002, 1.0, 1.010, 2.0, 2.003, 3.0, 3.5, 4.0, 4.004])
    monkeypatch.setattr("tuning.oracles.derived.time.perf_counter", lambda: next(ticks))
    # runs of 2, 10, 3, 500 and 4 ms: the median is 4 ms, whatever the outlier.
    assert measure_latency(model, np.zeros((2, 4), "float32")) == pytest.approx(4.0)
