"""The `zoo` command as a user runs it: real subprocesses, real files."""

import json
import subprocess
import sys

import keras
import numpy as np


def zoo(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "zoo.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_list_shows_every_model_with_description():
    proc = zoo("list")
    assert proc.returncode == 0
    for name in ("fnn", "cnn", "lstm", "gru", "bilstm"):
        assert any(line.startswith(name) for line in proc.stdout.splitlines())


def test_train_writes_model_history_and_plot(tmp_path):
    out = tmp_path / "run"
    proc = zoo("train", "fnn", "--data", "digits", "--epochs", "8", "--activation", "tanh",
               "--initializer", "glorot", "--optimizer", "adam", "--learning-rate", "0.003",
               "--param", "hidden_units=48,24", "--seed", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "test" in proc.stdout and "baseline" in proc.stdout
    assert "Epoch 1/8" in proc.stdout + proc.stderr  # Keras progress is shown
    report = json.loads((out / "history.json").read_text())
    assert report["config"]["model_kwargs"] == {"hidden_units": [48, 24], "activation": "tanh",
                                                "kernel_initializer": "glorot"}
    assert report["config"]["learning_rate"] == 0.003
    assert report["test_metrics"]["accuracy"] > 0.85
    assert len(report["history"]["loss"]) == report["epochs_run"]
    png = (out / "learning_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    model = keras.saving.load_model(out / "model.keras", safe_mode=True)
    assert [layer.units for layer in model.layers if layer.name.startswith("dense_")
            and hasattr(layer, "units")] == [48, 24]
    from zoo.data import load

    data = load("digits", representation="flat", seed=1)
    acc = np.mean(model.predict(data.x_test, verbose=0).argmax(1) == data.y_test)
    assert abs(acc - report["test_metrics"]["accuracy"]) < 1e-6


def _one_line_error(proc, *fragments):
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("zoo: error:")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in proc.stderr


def test_unknown_model_is_one_line_error(tmp_path):
    _one_line_error(zoo("train", "resnet", "--out", str(tmp_path)), "unknown model 'resnet'")


def test_unknown_data_set_is_one_line_error(tmp_path):
    _one_line_error(zoo("train", "fnn", "--data", "imagenet", "--out", str(tmp_path)),
                    "unknown data set 'imagenet'")


def test_bad_value_is_one_line_error(tmp_path):
    _one_line_error(zoo("train", "cnn", "--param", "filters=32,0", "--out", str(tmp_path)),
                    "filters=(32, 0)")
    _one_line_error(zoo("train", "fnn", "--activation", "relux", "--out", str(tmp_path)),
                    "activation='relux'")
    _one_line_error(zoo("train", "fnn", "--epochs", "0", "--out", str(tmp_path)), "epochs")
