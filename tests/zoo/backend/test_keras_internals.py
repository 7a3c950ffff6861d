"""zoo.backend.keras_internals: Keras' private trainer parts, on every backend."""

import importlib
import inspect

import keras
import numpy as np
import pytest

import zoo
from zoo.backend import keras_internals


def _broken(internal, problem):
    return (f"Keras {keras.__version__}: {internal} {problem}; zoo/backend/keras_internals.py "
            f"was written against Keras {keras_internals.KERAS_VERSION}: update it")


def test_symbolic_build_keeps_its_signature():
    internal = next(k for k, v in keras_internals.INTERNALS.items() if v)
    module, cls, method = internal.rsplit(".", 2)
    found = getattr(getattr(importlib.import_module(module), cls, None), method, None)
    assert found is not None, _broken(internal, "no longer exists")
    assert str(inspect.signature(found)) == keras_internals.INTERNALS[internal], _broken(
        internal, f"has signature {inspect.signature(found)}")


def test_a_compiled_model_has_the_attributes_read_and_its_state_builds_from_shapes():
    model = zoo.build_fnn((5,), task="multiclass", num_classes=3, hidden_units=(4,), seed=0)
    for name in ("_compile_metrics", "_compile_loss"):
        assert hasattr(model, name), _broken(f"Trainer.{name}", "no longer exists")
    if keras.backend.backend() == "tensorflow":
        assert hasattr(model, "_distribute_strategy"), _broken(
            "Trainer._distribute_strategy", "no longer exists")
    x = np.zeros((10, 5), "float32")
    y = np.zeros((10,), "int32")
    assert keras_internals.build_compiled_state(model, x, y) is True
    assert model._compile_metrics.built and model.optimizer.built
    assert keras_internals.build_compiled_state(model, x, y) is False  # nothing left to build


def test_a_built_state_leaves_the_global_random_state_to_training():
    """fit would draw a shuffled first batch to read the shapes; building first does not."""
    x = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    losses = []
    for built_first in (False, True):
        keras.utils.set_random_seed(0)
        model = zoo.build_fnn((5,), task="binary", hidden_units=(4,), seed=0)
        if built_first:
            keras_internals.build_compiled_state(model, x, y)
        keras.utils.set_random_seed(1)
        losses.append(model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["loss"])
    if keras.backend.backend() == "tensorflow":
        assert losses[0] == pytest.approx(losses[1])  # tf.data shuffles with its own seeds
    else:  # the lazily built model's fit used up a permutation before its first epoch
        assert losses[0] != pytest.approx(losses[1], abs=1e-7)
