"""zoo.build_training_state: one trace of the train step instead of two, same numbers."""

import numpy as np
import pytest

import zoo

TRACES = "counts TensorFlow's traces of the train step (Keras builds the state itself elsewhere)"


def _count_traces(model):
    """Wrap ``train_step`` so each trace (a Python call while tracing) is counted."""
    calls = {"train": 0}
    step = model.train_step

    def counted(data):
        calls["train"] += 1
        return step(data)

    model.train_step = counted
    return calls


def _digits_cnn():
    data = zoo.data.load("digits", representation="image", seed=0)
    model = zoo.build_cnn(**data.model_kwargs(), filters=(8,), dense_units=(16,), seed=0)
    return data, model


@pytest.mark.tensorflow_only(reason=TRACES)
def test_a_fresh_model_traces_its_train_step_once_instead_of_twice():
    data, lazy = _digits_cnn()
    lazy_calls = _count_traces(lazy)
    lazy.fit(data.x_train[:256], data.y_train[:256], epochs=1, verbose=0)

    _, built = _digits_cnn()
    built_calls = _count_traces(built)
    assert zoo.build_training_state(built, data.x_train, data.y_train) is True
    built.fit(data.x_train[:256], data.y_train[:256], epochs=1, verbose=0)

    # Keras builds the compiled metrics while tracing, so TensorFlow traces again.
    assert lazy_calls["train"] == 2
    assert built_calls["train"] == 1


def test_training_numbers_are_unchanged():
    data, lazy = _digits_cnn()
    lazy_history = lazy.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                            epochs=2, batch_size=64, shuffle=False, verbose=0).history
    _, built = _digits_cnn()
    zoo.build_training_state(built, data.x_train, data.y_train)
    built_history = built.fit(data.x_train, data.y_train,
                              validation_data=(data.x_val, data.y_val), epochs=2, batch_size=64,
                              shuffle=False, verbose=0).history
    assert lazy_history.keys() == built_history.keys()
    for key in lazy_history:
        np.testing.assert_allclose(built_history[key], lazy_history[key], rtol=1e-5, atol=1e-6)
    assert built_history["loss"][-1] < built_history["loss"][0]  # and it learns


@pytest.mark.tensorflow_only(reason=TRACES)
def test_a_tf_data_pipeline_and_sample_weights_are_read_from_their_shapes():
    import tensorflow as tf

    data, model = _digits_cnn()
    calls = _count_traces(model)
    pipeline = tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train)).batch(32)
    assert zoo.build_training_state(model, pipeline) is True
    model.fit(pipeline.take(4), epochs=1, shuffle=False, verbose=0)
    assert calls["train"] == 1

    _, weighted = _digits_cnn()
    weights = np.ones(len(data.y_train), "float32")
    assert zoo.build_training_state(weighted, data.x_train, data.y_train, weights) is True
    weighted.fit(data.x_train[:64], data.y_train[:64], sample_weight=weights[:64], verbose=0)


def test_nothing_to_do_or_unreadable_data_leaves_the_state_to_fit():
    data = zoo.data.load("digits", representation="image", seed=0)
    uncompiled = zoo.build_cnn(**data.model_kwargs(), filters=(8,), dense_units=(16,),
                               compile=False)
    assert zoo.build_training_state(uncompiled, data.x_train, data.y_train) is False

    with pytest.raises(TypeError, match="`model` must be a keras.Model, received model='cnn'"):
        zoo.build_training_state("cnn", data.x_train, data.y_train)

    _, model = _digits_cnn()
    assert zoo.build_training_state(model, [[1, 2]], [0]) is False  # no array shapes
    assert zoo.build_training_state(model, data.x_train, data.y_train) is True
    assert zoo.build_training_state(model, data.x_train, data.y_train) is False  # built
    history = model.fit(data.x_train[:64], data.y_train[:64], verbose=0).history
    assert np.isfinite(history["loss"][0])


@pytest.mark.tensorflow_only(reason=TRACES)
@pytest.mark.parametrize("task,y", [("regression", np.zeros((40, 2), "float32")),
                                    ("binary", np.zeros((40, 1), "float32"))])
def test_every_task_metric_set_is_built(task, y):
    kwargs = {"num_outputs": 2} if task == "regression" else {}
    model = zoo.build_fnn((5,), task=task, hidden_units=(8,), seed=0, **kwargs)
    calls = _count_traces(model)
    x = np.random.default_rng(0).normal(size=(40, 5)).astype("float32")
    assert zoo.build_training_state(model, x, y) is True
    model.fit(x, y, epochs=1, verbose=0)
    assert calls["train"] == 1


@pytest.mark.tensorflow_only(reason="TensorFlow's eager kernel cache (zoo.backend.tensorflow)")
def test_seeding_with_eager_kernels_kept_seeds_the_same_and_restores_the_flush():
    import keras
    from tensorflow.python.eager import context

    from zoo.backend.tensorflow import eager_kernels_kept

    flush = context.pywrap_tfe.TFE_ContextClearCaches

    def draws():
        return (keras.random.uniform((3,)).numpy(), np.random.rand(3),
                zoo.build_fnn((4,), task="binary", hidden_units=(3,), seed=None)
                .layers[-1].kernel.numpy())

    keras.utils.set_random_seed(5)
    flushed = draws()
    with pytest.raises(RuntimeError):
        with eager_kernels_kept():
            assert context.pywrap_tfe.TFE_ContextClearCaches is not flush
            keras.utils.set_random_seed(5)
            kept = draws()
            raise RuntimeError("the flush comes back even after an error")
    assert context.pywrap_tfe.TFE_ContextClearCaches is flush
    for a, b in zip(flushed, kept, strict=True):
        np.testing.assert_array_equal(a, b)
