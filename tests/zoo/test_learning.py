"""Each family learns the embedded data well past a trivial baseline, quickly."""

import time

import numpy as np
import pytest

import zoo
from zoo.training import baseline_metrics, train


@pytest.mark.parametrize("model,target,epochs", [("fnn", 0.94, 40), ("cnn", 0.96, 25),
                                                 ("lstm", 0.88, 40)])
def test_family_reaches_target_accuracy_on_digits_within_a_minute(model, target, epochs):
    start = time.perf_counter()
    result = train(model, "digits", epochs=epochs, seed=0, verbose=0)
    elapsed = time.perf_counter() - start
    assert result.test_metrics["accuracy"] >= target, result.test_metrics
    assert result.test_metrics["accuracy"] > result.baseline["accuracy"] + 0.5
    assert elapsed < 60


def test_binary_fnn_beats_majority_baseline():
    result = train("fnn", "classification", epochs=30, seed=0, verbose=0)
    assert result.dataset.task == "binary"
    assert result.test_metrics["accuracy"] >= result.baseline["accuracy"] + 0.3
    assert result.test_metrics["auc"] > 0.9


def test_regression_fnn_beats_mean_baseline():
    result = train("fnn", "regression", epochs=60, seed=0, verbose=0,
                   data_options={"noise": 5.0})
    assert result.test_metrics["mae"] < 0.3 * result.baseline["mae"], (
        result.test_metrics, result.baseline)


def test_multilabel_and_multiclass_heads_train():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 6)).astype("float32")
    y = np.stack([x[:, 0] > 0, x[:, 1] + x[:, 2] > 0, x[:, 3] < 0], axis=1).astype("float32")
    model = zoo.build_fnn((6,), task="multilabel", num_classes=3, seed=0, learning_rate=0.01)
    hist = model.fit(x, y, epochs=15, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert hist.history["accuracy"][-1] > 0.9


def test_token_lstm_with_embedding_and_per_step_outputs():
    # Next-token task: predict the current token, shifted by one in a small vocabulary.
    rng = np.random.default_rng(0)
    x = rng.integers(1, 12, size=(256, 10)).astype("int32")
    y = (x + 1) % 12
    model = zoo.build_lstm((10,), task="multiclass", num_classes=12, vocab_size=12,
                           embedding_dim=8, units=(32,), return_sequences=True, seed=0,
                           learning_rate=0.01)
    assert model.output_shape == (None, 10, 12)
    hist = model.fit(x, y, epochs=20, verbose=0)
    assert hist.history["accuracy"][-1] > 0.9


def test_conv1d_variant_for_sequence_input():
    data = zoo.data.load("digits", representation="sequence")
    model = zoo.build_cnn(data.input_shape, task="multiclass", num_classes=10, seed=0)
    assert "Conv1D" in {type(layer).__name__ for layer in model.layers}
    model.fit(data.x_train, data.y_train, epochs=15, verbose=0)
    acc = model.evaluate(data.x_test, data.y_test, verbose=0, return_dict=True)["accuracy"]
    assert acc > 0.85


def test_baseline_metrics_of_regression_is_mean_predictor():
    data = zoo.data.load("regression")
    expected = np.mean(np.abs(data.y_test - data.y_train.mean()))
    assert baseline_metrics(data)["mae"] == pytest.approx(expected)
