"""zoo.backend.tensorflow.drop_custom_gradients: trained models' graphs are freed, the models still train."""

import gc
import weakref

import numpy as np
import pytest

from zoo.backend.tensorflow import custom_gradient_names, drop_custom_gradients

pytestmark = pytest.mark.tensorflow_only(
    reason="TensorFlow's gradient registry; JAX and PyTorch keep no such registry")


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("float32")


def _model():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy")
    return model


def _func_graphs():
    from tensorflow.python.framework.func_graph import FuncGraph

    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, FuncGraph)]


def test_a_trained_models_graph_is_freed_once_its_custom_gradients_are_dropped():
    import keras

    x, y = _data()
    before_names = custom_gradient_names()
    before_graphs = {id(g) for g in _func_graphs()}
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    assert custom_gradient_names() - before_names  # Keras' train step registered some
    traced = [weakref.ref(g) for g in _func_graphs() if id(g) not in before_graphs]
    assert traced

    del model
    keras.backend.clear_session()
    gc.collect()
    # TensorFlow's registry still holds them: the graphs outlive the model.
    assert any(ref() is not None for ref in traced)

    assert drop_custom_gradients(keep=before_names) >= 1
    gc.collect()
    assert all(ref() is None for ref in traced)
    assert custom_gradient_names() == before_names


def test_a_model_trained_before_the_drop_still_trains_predicts_and_reloads(tmp_path):
    import keras

    x, y = _data()
    before = custom_gradient_names()
    model = _model()
    first = model.fit(x, y, epochs=2, verbose=0).history["loss"]
    assert drop_custom_gradients(keep=before) >= 1
    later = model.fit(x, y, epochs=4, verbose=0).history["loss"]
    assert later[-1] < first[0]
    path = tmp_path / "m.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


def test_only_names_outside_keep_are_dropped():
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    everything = custom_gradient_names()
    assert everything
    assert drop_custom_gradients(keep=everything) == 0
    assert custom_gradient_names() == everything
