"""Shared pytest set-up: quiet TensorFlow, fixed seeds, a fresh Keras session per test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    import keras

    # free_memory=False skips a gc.collect() that costs ~0.2 s per test.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield
