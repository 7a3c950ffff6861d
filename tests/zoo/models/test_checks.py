"""A model's size before it is built, and its weights before it is saved (zoo.models.checks)."""

import threading

import keras
import numpy as np
import pytest

import zoo
from zoo.errors import JobFailedError
from zoo.models import checks


def test_an_unbuilt_count_matches_the_built_model_and_allocates_nothing():
    kwargs = dict(input_shape=(8, 8, 1), task="multiclass", num_classes=10, filters=(8, 16))
    assert checks.count_params_unbuilt(zoo.build_cnn, compile=False, **kwargs) == (
        zoo.build_cnn(**kwargs).count_params())
    huge = checks.count_params_unbuilt(zoo.build_fnn, input_shape=(64,), task="multiclass",
                                       num_classes=10, hidden_units=(10**9,), compile=False)
    assert huge == 64 * 10**9 + 10**9 + 10 * 10**9 + 10  # 75 billion: nothing allocated
    assert threading.active_count() >= 1  # the dry build's thread is gone, the state with it


def test_the_callers_keras_state_is_untouched():
    names = [keras.layers.Dense(1).name]  # a fresh session per test (conftest)
    checks.count_params_unbuilt(zoo.build_fnn, input_shape=(4,), task="binary", compile=False,
                                hidden_units=(3,))
    names.append(keras.layers.Dense(1).name)
    assert names == ["dense", "dense_1"]  # the dry build's layers were not counted here


def test_a_factory_that_cannot_build_unallocated_is_not_counted():
    def factory():
        keras.Variable(np.ones(3))  # a variable from values, not from an initializer
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])

    assert checks.count_params_unbuilt(factory) is None


def test_a_model_too_large_for_the_memory_is_refused(monkeypatch):
    monkeypatch.setattr(checks, "available_memory", lambda: 1_000_000)
    with pytest.raises(ValueError, match=r"train: the model would have 100,001 parameters, about "
                                         r"0.0016 GB to train .* more than the 0.001 GB of memory "
                                         r"available; make it smaller \(hidden_units=10000\)"):
        checks.check_model_fits("train", zoo.build_fnn, {
            "input_shape": (8,), "task": "binary", "hidden_units": (10_000,)},
            hint="hidden_units=10000")
    assert checks.check_model_fits("train", zoo.build_fnn, {"input_shape": (8,),
                                                           "task": "binary",
                                                           "hidden_units": (4,)}) == 41
    with pytest.raises(ValueError, match="activation='relux'"):  # the factory's own checks
        checks.check_model_fits("train", zoo.build_fnn, {"input_shape": (8,), "task": "binary",
                                                         "activation": "relux"})


def test_available_memory_is_a_positive_number():
    memory = checks.available_memory()
    assert memory is None or memory > 10**6


def test_non_finite_weights_fail_the_job_naming_the_variable():
    model = zoo.build_fnn((4,), task="binary", hidden_units=(3,))
    checks.check_finite_weights("train", model)
    kernel = model.layers[1].kernel
    values = kernel.numpy()
    values[0, :2] = [np.nan, np.inf]
    kernel.assign(values)
    with pytest.raises(JobFailedError, match=r"train: training diverged: the best model's "
                                             r"weights hold 2 NaN or infinite values \(in "
                                             rf"{kernel.path}\), so it was not saved"):
        checks.check_finite_weights("train", model, what="the best model")
