"""zoo.generate (zoo.gan.job): a short training beats the untrained generator; the
time limit and the progress lines."""

import json

import keras
import numpy as np
import pytest

import zoo


@pytest.mark.slow
def test_short_dcgan_training_beats_untrained_generator(tmp_path):
    """~40 s of default DCGAN training on 16x16 digits: all modes, 3x lower Fréchet distance.

    The issue's full bar (2 minutes: >= 9 classes at >= 2%, confidence >= 0.85,
    5x lower distance) is measured by ``zoo generate --max-seconds 120``; this is
    the shorter version that fits the test budget.
    """
    report = zoo.generate("digits", out=tmp_path, epochs=60, image_size=16, max_seconds=40,
                          samples=1000, grid_every=30, seed=0)
    assert report["classifier_accuracy"] >= 0.97
    assert report["classes_covered"] >= 9
    assert report["fid_improvement"] >= 3.0
    assert report["mean_confidence"] >= 0.75
    # An untrained generator's noise scores 0.4-0.65 (by backend: other initial weights).
    assert report["mean_confidence"] > report["untrained"]["mean_confidence"] + 0.1
    assert report["ema_decay"] == pytest.approx(0.999)
    assert report["without_ema"]["classes_covered"] >= 8  # the trained weights themselves
    saved = json.loads((tmp_path / "quality.json").read_text())
    assert saved["classes_covered"] == report["classes_covered"]
    assert (tmp_path / "dcgan.keras").exists() and (tmp_path / "samples.png").exists()
    assert any((tmp_path / "grids").glob("epoch_*.png"))


def test_ten_epochs_of_training_beat_the_untrained_generator_on_every_backend(tmp_path):
    """The backend's own train step learns (about 240 steps): lower distance, more classes.

    The 120-second bar (>= 9 classes at >= 2%, confidence >= 0.85, a fifth of the untrained
    distance) is measured by ``zoo generate --max-seconds 120`` per backend (BENCHMARKS.md).
    """
    report = zoo.generate("digits", out=tmp_path, epochs=10, image_size=16, samples=400,
                          grid_every=100, seed=0)
    untrained = report["untrained"]
    data = zoo.data.load("digits", image_size=16, seed=0)
    images = len(data.x_train) + len(data.x_val)
    # JAX keeps every batch full (one compiled shape); the others train on the last partial one.
    per_epoch = images // 64 if keras.backend.backend() == "jax" else -(-images // 64)
    assert report["epochs"] == 10 and report["steps"] == 10 * per_epoch
    assert report["fid_improvement"] >= 2.5
    assert report["classes_covered"] >= untrained["classes_covered"] + 5
    assert report["mean_confidence"] >= untrained["mean_confidence"] + 0.05
    reloaded = keras.saving.load_model(tmp_path / "dcgan.keras", safe_mode=True)
    assert int(reloaded.g_optimizer.iterations.numpy()) == report["steps"]


def test_generate_time_limit_and_progress_lines(capsys):
    from zoo.gan.job import _progress, _time_limit

    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    limit = _time_limit(0.0)
    # On TensorFlow the training loop does not wait on it every batch; on JAX an off-thread
    # stop made Keras read donated buffers (2 of 30 fits failed).
    assert limit.async_safe == (keras.backend.backend() == "tensorflow")
    for _ in range(10):
        history = model.fit(x, x[:, :1], epochs=5, batch_size=8, callbacks=[limit], verbose=0)
        assert len(history.history["loss"]) == 1  # stopped within the first epoch
    capsys.readouterr()
    model.fit(x, x[:, :1], epochs=3, batch_size=8, callbacks=[_progress(0.0, 3)], verbose=0)
    lines = capsys.readouterr().out.splitlines()  # shown like Keras' progress (zoo.io)
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all("loss" in line for line in lines)
    model.fit(x, x[:, :1], epochs=3, batch_size=8, callbacks=[_progress(60.0, 3)], verbose=0)
    (last,) = capsys.readouterr().out.splitlines()
    assert last.startswith("epoch 3/3")  # only the final epoch's line


@pytest.mark.parametrize("kwargs, error, match", [
    ({"data": "regression"}, ValueError, "generate: unknown data='regression'"),
    ({"epochs": 0}, ValueError, "generate: `epochs`"),
    ({"max_seconds": -1}, ValueError, "generate: `max_seconds`"),
    ({"batch_size": 0}, ValueError, "generate: `batch_size`"),
])
def test_generate_refuses_bad_arguments_before_writing_anything(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        zoo.generate(**{"data": "digits", "out": tmp_path / "gan", **kwargs})
    assert not (tmp_path / "gan").exists()


def test_generate_command_refuses_bad_data_with_one_line(tmp_path, capsys):
    from zoo.cli import main

    assert main(["generate", "--data", "regression", "--out", str(tmp_path / "gan")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("zoo: error: generate: unknown data='regression'")


def test_generate_command_is_a_thin_wrapper_of_zoo_generate(tmp_path, capsys):
    from zoo.cli import main

    out = tmp_path / "gan"
    assert main(["-q", "generate", "--epochs", "1", "--samples", "64", "--grid-every", "1",
                 "--latent-dim", "16", "--base-filters", "8", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    report = json.loads((out / "quality.json").read_text())
    assert f"DCGAN on digits (16, 16, 1): {report['epochs']} epochs" in printed
    assert report["epochs"] == 1 and report["num_samples"] == 64
    assert f"   model: {out / 'dcgan.keras'}" in printed
    assert (out / "grids" / "epoch_001.png").exists() and (out / "samples.png").exists()
