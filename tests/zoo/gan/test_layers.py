"""zoo.gan.layers: TransposedConv2D is Keras' Conv2DTranspose, and its matrix-product form
gives Keras' outputs and gradients for every kernel, stride and padding."""

import keras
import numpy as np
import pytest

from zoo import backend
from zoo.gan.layers import TransposedConv2D, conv_transpose_by_matmul


@pytest.mark.parametrize("kernel", [2, 3, 4, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_the_matrix_form_is_keras_conv_transpose(kernel, stride, padding):
    rng = np.random.default_rng(kernel * 10 + stride)
    x = rng.normal(size=(2, 5, 4, 3)).astype("float32")
    k = rng.normal(size=(kernel, kernel, 6, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(
        keras.ops.conv_transpose(x, k, strides=stride, padding=padding))
    found = keras.ops.convert_to_numpy(conv_transpose_by_matmul(x, k, (stride, stride), padding))
    assert found.shape == expected.shape
    np.testing.assert_allclose(found, expected, rtol=1e-4, atol=1e-4)


def test_the_layer_trains_saves_and_reloads_as_keras_layer(tmp_path):
    layer = TransposedConv2D(4, 4, strides=2, padding="same", activation="tanh")
    assert isinstance(layer, keras.layers.Conv2DTranspose)
    model = keras.Sequential([keras.Input((4, 4, 3)), layer])
    x = np.random.default_rng(0).normal(size=(8, 4, 4, 3)).astype("float32")
    plain = keras.layers.Conv2DTranspose(4, 4, strides=2, padding="same", activation="tanh")
    plain.build((None, 4, 4, 3))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)),
                               keras.ops.convert_to_numpy(plain(x)), rtol=1e-5, atol=1e-5)
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((8, 8, 8, 4), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert type(again.layers[0]) is TransposedConv2D
    np.testing.assert_allclose(keras.ops.convert_to_numpy(again(x)),
                               keras.ops.convert_to_numpy(model(x)), rtol=1e-6, atol=1e-6)
    # The matrix form is taken where XLA's CPU kernel gradient is slow, and only there.
    expected = keras.backend.backend() == "jax" and backend.devices()[0]["type"] == "CPU"
    assert backend.conv_transpose_by_matmul() is expected
