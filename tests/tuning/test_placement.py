"""tuning.placement: in-memory data placed on the device once, batches gathered there.

No accelerator here: the placement runs on the CPU device (``force=True``), which
takes the same code path as on a GPU, and the search applies it only where
``on_accelerator`` says so (substituted).
"""

import numpy as np
import pytest

import zoo
from tuning import placement
from tuning.hypermodels import get_hypermodel
from zoo import backend


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", seed=0, representation="image")


def _backend_array(value):
    name = backend.name()
    if name == "jax":
        import jax

        return isinstance(value, jax.Array)
    if name == "torch":
        import torch

        return isinstance(value, torch.Tensor)
    import tensorflow as tf

    return isinstance(value, tf.Tensor)


def test_placed_arrays_are_backend_arrays_with_the_same_values(digits):
    arrays = placement.DeviceArrays(digits.x_train, digits.y_train)
    assert _backend_array(arrays.x) and _backend_array(arrays.y)
    assert arrays.size == len(digits.x_train) and arrays.input_shape == (8, 8, 1)
    np.testing.assert_array_equal(np.asarray(arrays.peek(3)[0]), digits.x_train[:3])


def test_batches_cover_every_sample_once_and_reshuffle_each_epoch(digits):
    x = np.arange(10, dtype="float32")[:, None]
    arrays = placement.DeviceArrays(x, np.arange(10))
    ordered = arrays.batches(4)
    assert len(ordered) == 3
    np.testing.assert_array_equal(np.asarray(ordered[2][1]), [8, 9])
    shuffled = arrays.batches(4, shuffle=True, seed=0)
    full = not backend.compiles_per_batch_shape()
    assert len(shuffled) == (3 if full else 2)  # JAX keeps every training batch full
    epochs = []
    for _ in range(2):
        seen = np.concatenate([np.asarray(shuffled[i][1]) for i in range(len(shuffled))])
        xs = np.concatenate([np.asarray(shuffled[i][0])[:, 0] for i in range(len(shuffled))])
        np.testing.assert_array_equal(seen, xs.astype(int))  # x and y stay paired
        assert len(set(seen)) == len(seen) == (10 if full else 8)
        epochs.append(seen)
        shuffled.on_epoch_end()
    assert not np.array_equal(epochs[0], epochs[1])


def test_a_zoo_hypermodel_trains_on_placed_data(digits):
    import keras_tuner

    hypermodel = get_hypermodel("cnn", digits, seed=0, fixed={"batch_size": 64})
    args, kwargs = placement.device_fit_inputs(
        hypermodel, (digits.x_train, digits.y_train),
        {"validation_data": (digits.x_val, digits.y_val)}, force=True)
    assert isinstance(args[0], placement.DeviceArrays) and args[1] is None
    assert isinstance(kwargs["validation_data"], placement.DeviceArrays)
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    history = hypermodel.fit(hp, model, *args, **kwargs, epochs=3, verbose=0)
    assert history.history["val_accuracy"][-1] > 0.6
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_the_search_places_data_only_on_an_accelerator(digits, monkeypatch):
    hypermodel = get_hypermodel("fnn", zoo.data.load("digits", seed=0))
    args = (digits.x_train, digits.y_train)
    monkeypatch.setattr(placement, "on_accelerator", lambda: False)
    assert placement.device_fit_inputs(hypermodel, args, {}) == (args, {})
    monkeypatch.setattr(placement, "on_accelerator", lambda: True)
    placed, _ = placement.device_fit_inputs(hypermodel, args, {})
    assert isinstance(placed[0], placement.DeviceArrays)
    # Too large for the device, or not a zoo hypermodel: left on the host.
    monkeypatch.setattr(placement, "device_bytes", lambda: digits.x_train.nbytes)
    assert placement.device_fit_inputs(hypermodel, args, {})[0] is args
    monkeypatch.setattr(placement, "device_bytes", lambda: None)
    assert placement.device_fit_inputs(lambda hp: None, args, {})[0] is args


def test_a_search_on_an_accelerator_trains_every_trial_on_the_placed_data(tmp_path,
                                                                          monkeypatch):
    from tuning import run_search

    placed = []
    original = placement.DeviceArrays.batches

    def batches(self, *args, **kwargs):
        placed.append(self.size)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(placement, "on_accelerator", lambda: True)
    monkeypatch.setattr(placement.DeviceArrays, "batches", batches)
    result = run_search("fnn", "digits", "random", max_trials=2, max_epochs=2,
                        directory=tmp_path, refit=False, write_report=False, verbose=0,
                        fixed={"units": 16, "hidden_layers": 1})
    assert len(result.trials) == 2
    assert all(np.isfinite(t["score"]) for t in result.trials)
    data = zoo.data.load("digits", seed=0)
    # Each trial batched the placed training and validation splits.
    assert sorted(set(placed)) == sorted({data.size("train"), data.size("val")})
    assert len(placed) >= 4
