"""What the restructure of the package (issue 13) must not change.

* Models saved by zoo 0.1.0, before any module moved, reload with a plain
  ``import zoo`` and ``safe_mode=True`` and predict the numbers they predicted then
  (``tests/fixtures/saved_v0_1_0``, written by ``make_fixtures.py`` there); the
  DCGAN reloads with both optimizers' state and keeps training.
* Seeded results on the TensorFlow backend are the numbers recorded with 0.1.0:
  ``zoo.train`` of the digits CNN and a 6-trial random search.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "saved_v0_1_0"
SAVED = ("fnn_wbce_onecycle", "cnn_wscce_warmup", "reg_huber_step", "reg_tukey_cyclical",
         "reg_quantile", "lstm")


@pytest.fixture(scope="module")
def expected():
    return dict(np.load(FIXTURES / "expected.npz"))


@pytest.mark.parametrize("name", SAVED)
def test_model_saved_by_0_1_0_reloads_and_predicts_the_same(name, expected):
    import keras

    import zoo  # noqa: F401 - registers the serializable classes

    model = keras.saving.load_model(FIXTURES / f"{name}.keras", safe_mode=True)
    np.testing.assert_allclose(model.predict(expected[f"x_{name}"], verbose=0),
                               expected[f"y_{name}"], rtol=1e-5, atol=1e-6)
    assert model.optimizer is not None and int(model.optimizer.iterations.numpy()) > 0


def test_dcgan_saved_by_0_1_0_reloads_and_keeps_training(expected):
    import keras

    import zoo

    gan = keras.saving.load_model(FIXTURES / "dcgan.keras", safe_mode=True)
    assert isinstance(gan, zoo.DCGAN)
    np.testing.assert_allclose(gan.generate(4, seed=0), expected["dcgan_generate_seed0"],
                               rtol=1e-5, atol=1e-6)
    steps = int(expected["dcgan_g_iterations"])
    assert int(gan.g_optimizer.iterations.numpy()) == steps
    images = np.random.default_rng(0).random((32, 16, 16, 1)).astype("float32")
    gan.fit(images, epochs=1, batch_size=16, verbose=0)
    assert int(gan.g_optimizer.iterations.numpy()) == steps + 2


# Recorded with zoo 0.1.0 (commit 23148a9) on TensorFlow 2.21 / Keras 3.15, CPU.
TRAIN_CNN = {"accuracy": 0.9333333373069763, "loss": 0.27631068229675293,
             "loss_history": [1.7929240465164185, 0.5856409668922424, 0.283102810382843]}
# The search numbers were re-recorded for issue 17 (branch p3-resume): the zoo's hypermodels
# now draw each epoch's data order from (seed, epoch) (tuning.checkpoint.EpochOrder) instead
# of Keras' shuffle, so a trial resumed mid-way sees the same batches; same best trial.
SEARCH_SCORES = [0.19255107641220093, 0.281840443611145, 0.31981655955314636,
                 0.1972559243440628, 0.22842393815517426, 0.6257072687149048]
SEARCH_BEST = {"conv_blocks": 1, "filters": 32, "dense_units": 256, "activation": "relu",
               "kernel_initializer": "he_normal", "dropout": 0.30000000000000004,
               "batch_norm": True, "l2": 0.0001, "batch_size": 64,
               "learning_rate": 0.002834349539262977, "schedule": "cosine", "optimizer": "adamw"}
SEARCH_TEST = {"accuracy": 0.9555555582046509, "loss": 0.20740294456481934}


@pytest.mark.tensorflow_only(reason="numbers recorded on the TensorFlow backend")
def test_seeded_cnn_training_matches_the_recorded_numbers():
    import zoo

    result = zoo.train("cnn", "digits", epochs=3, seed=0, verbose=0, patience=None)
    np.testing.assert_allclose(result.history["loss"], TRAIN_CNN["loss_history"], rtol=1e-6)
    assert result.test_metrics["accuracy"] == pytest.approx(TRAIN_CNN["accuracy"], rel=1e-6)
    assert result.test_metrics["loss"] == pytest.approx(TRAIN_CNN["loss"], rel=1e-6)


@pytest.mark.slow
@pytest.mark.tensorflow_only(reason="numbers recorded on the TensorFlow backend")
def test_seeded_random_search_matches_the_recorded_numbers(tmp_path):
    from tuning import run_search

    result = run_search("cnn", "digits", "random", max_trials=6, max_epochs=2, seed=0,
                        directory=tmp_path, overwrite=True, write_report=False)
    np.testing.assert_allclose([t["score"] for t in result.trials], SEARCH_SCORES, rtol=1e-6)
    best = dict(result.best_hyperparameters)
    assert best.pop("learning_rate") == pytest.approx(SEARCH_BEST["learning_rate"], rel=1e-9)
    assert best == {k: v for k, v in SEARCH_BEST.items() if k != "learning_rate"}
    for key, value in SEARCH_TEST.items():
        assert result.test_metrics[key] == pytest.approx(value, rel=1e-6)
