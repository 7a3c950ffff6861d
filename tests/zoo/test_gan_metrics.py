"""GAN quality metrics, the sample-grid callback, and a short end-to-end quality check."""

import json

import numpy as np
import pytest

import zoo.data
from zoo import metrics
from zoo.gan_callbacks import GANSampleGrid, image_grid, save_image_grid


@pytest.fixture(scope="module")
def digits_and_classifier():
    import keras

    keras.utils.set_random_seed(0)
    data = zoo.data.load("digits", image_size=16, seed=0)
    classifier, accuracy = metrics.fit_reference_classifier(data, epochs=15, seed=0)
    return data, classifier, accuracy


def test_frechet_distance_matches_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    b = rng.normal(size=(4000, 3)) * 2.0 + 1.0
    # N(0, I) vs N(1, 4I): |mu|^2 = 3, trace term 3 * (1 + 4 - 2 * 2) = 3.
    assert metrics.frechet_distance(a, b) == pytest.approx(6.0, rel=0.05)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="same d"):
        metrics.frechet_distance(a, b[:, :2])


def test_quality_of_real_images_and_of_a_collapsed_generator(digits_and_classifier):
    data, classifier, accuracy = digits_and_classifier
    assert accuracy >= 0.97
    real = metrics.gan_quality(classifier, data.x_test, real=data.x_train)
    assert real["classes_covered"] == 10 and real["mean_confidence"] > 0.9
    assert len(real["class_shares"]) == 10 and sum(real["class_shares"]) == pytest.approx(1, 1e-3)
    sevens = data.x_test[data.y_test == 7]
    collapsed = metrics.gan_quality(classifier, np.repeat(sevens[:5], 40, axis=0),
                                    real=data.x_train)
    assert collapsed["classes_covered"] <= 2
    noise = np.random.default_rng(0).random((200, 16, 16, 1)).astype("float32")
    noisy = metrics.gan_quality(classifier, noise, real=data.x_train)
    assert noisy["frechet_distance"] > 5 * real["frechet_distance"]
    assert collapsed["frechet_distance"] > 2 * real["frechet_distance"]
    with pytest.raises(ValueError, match="min_share"):
        metrics.gan_quality(classifier, noise, min_share=2)
    with pytest.raises(ValueError, match="NaN"):
        metrics.gan_quality(classifier, noise * np.nan)


def test_image_grid_layout_and_png(tmp_path):
    images = np.zeros((5, 4, 4, 1), "float32")
    images[2] = 255.0
    grid = image_grid(images, value_range=(0, 255), columns=3)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1)
    assert grid[1:5, 11:15].min() == 1.0 and grid[1:5, 1:5].max() == 0.0
    path = save_image_grid(np.random.default_rng(0).random((4, 4, 4, 3)), tmp_path / "g.png")
    assert path.stat().st_size > 0
    with pytest.raises(ValueError, match="C = 1"):
        image_grid(np.zeros((2, 4, 4, 2)))


def test_sample_grid_callback_writes_every_n_epochs(tmp_path):
    from zoo.models.dcgan import build_dcgan

    gan = build_dcgan((8, 8, 1), latent_dim=4, base_filters=4, seed=0, steps_per_execution=1)
    callback = GANSampleGrid(tmp_path / "grids", num_images=9, every=2, seed=0)
    gan.fit(np.random.default_rng(0).random((32, 8, 8, 1)), epochs=5, verbose=0,
            callbacks=[callback])
    assert [p.name for p in callback.paths] == ["epoch_002.png", "epoch_004.png", "epoch_005.png"]
    assert all(p.exists() for p in callback.paths)
    with pytest.raises(ValueError, match="epoch"):
        GANSampleGrid(tmp_path, filename="same.png")


@pytest.mark.slow
def test_short_dcgan_training_beats_untrained_generator(tmp_path):
    """~40 s of default DCGAN training on 16x16 digits: all modes, 3x lower Fréchet distance.

    The issue's full bar (2 minutes: >= 9 classes at >= 2%, confidence >= 0.85,
    5x lower distance) is measured by ``zoo generate --max-seconds 120``; this is
    the shorter version that fits the test budget.
    """
    from zoo.commands.generate import run_job

    report = run_job("digits", out=tmp_path, epochs=60, image_size=16, max_seconds=40,
                     samples=1000, grid_every=30, seed=0)
    assert report["classifier_accuracy"] >= 0.97
    assert report["classes_covered"] >= 9
    assert report["fid_improvement"] >= 3.0
    assert report["mean_confidence"] >= 0.75
    assert report["mean_confidence"] > report["untrained"]["mean_confidence"] + 0.3
    assert report["ema_decay"] == pytest.approx(0.999)
    assert report["without_ema"]["classes_covered"] >= 8  # the trained weights themselves
    saved = json.loads((tmp_path / "quality.json").read_text())
    assert saved["classes_covered"] == report["classes_covered"]
    assert (tmp_path / "dcgan.keras").exists() and (tmp_path / "samples.png").exists()
    assert any((tmp_path / "grids").glob("epoch_*.png"))


def test_generate_time_limit_and_progress_lines(capsys):
    import keras

    from zoo.commands.generate import _progress, _time_limit

    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    limit = _time_limit(0.0)
    assert limit.async_safe  # the training loop does not wait on it every batch
    history = model.fit(x, x[:, :1], epochs=5, batch_size=8, callbacks=[limit], verbose=0)
    assert len(history.history["loss"]) == 1  # stopped within the first epoch
    model.fit(x, x[:, :1], epochs=3, batch_size=8, callbacks=[_progress(0.0, 3)], verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all("loss" in line for line in lines)
    model.fit(x, x[:, :1], epochs=3, batch_size=8, callbacks=[_progress(60.0, 3)], verbose=0)
    (last,) = capsys.readouterr().out.splitlines()  # only the final epoch's line
    assert last.startswith("epoch 3/3")
