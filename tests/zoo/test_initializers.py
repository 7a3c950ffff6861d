import numpy as np
import pytest

import zoo
from zoo.initializers import auto_name, resolve


@pytest.mark.parametrize("spec,expected", [
    ("he", "HeNormal"), ("kaiming", "HeNormal"), ("xavier", "GlorotUniform"),
    ("glorot", "GlorotUniform"), ("lecun", "LecunNormal"), ("orthogonal", "Orthogonal"),
    ("he_uniform", "HeUniform"), ("zeros", "Zeros"),
])
def test_names_and_aliases_resolve(spec, expected):
    assert type(resolve(spec, seed=0)).__name__ == expected


@pytest.mark.parametrize("activation,expected", [
    ("relu", "he_normal"), ("leaky_relu", "he_normal"), ("elu", "he_normal"),
    ("gelu", "he_normal"), ("swish", "he_normal"), ("silu", "he_normal"),
    ("selu", "lecun_normal"), ("tanh", "glorot_uniform"), ("sigmoid", "glorot_uniform"),
])
def test_auto_follows_activation(activation, expected):
    assert auto_name(activation) == expected


def test_auto_in_built_models_picks_he_for_relu_and_glorot_for_tanh():
    relu = zoo.build_fnn((20,), task="binary", activation="relu", compile=False)
    tanh = zoo.build_fnn((20,), task="binary", activation="tanh", compile=False)
    init = relu.get_layer("dense_0").kernel_initializer
    assert type(init).__name__ == "HeNormal"
    assert type(tanh.get_layer("dense_0").kernel_initializer).__name__ == "GlorotUniform"


def test_he_normal_kernel_std_matches_sqrt_2_over_fan_in():
    fan_in = 400
    model = zoo.build_fnn((fan_in,), task="binary", hidden_units=(1000,),
                          kernel_initializer="he_normal", seed=3, compile=False)
    kernel = model.get_layer("dense_0").kernel.numpy()
    expected = np.sqrt(2.0 / fan_in)
    assert abs(kernel.std() - expected) / expected < 0.15


def test_initializer_object_is_copied_per_layer():
    import keras

    init = keras.initializers.RandomNormal(stddev=0.5, seed=1)
    model = zoo.build_fnn((10,), task="binary", hidden_units=(10, 10), kernel_initializer=init,
                          compile=False)
    layer = model.get_layer("dense_0").kernel_initializer
    assert isinstance(layer, keras.initializers.RandomNormal) and layer is not init
    assert layer.stddev == 0.5


def test_same_seed_builds_same_weights_and_different_seed_differs():
    a = zoo.build_cnn((8, 8, 1), task="multiclass", num_classes=10, seed=7, compile=False)
    b = zoo.build_cnn((8, 8, 1), task="multiclass", num_classes=10, seed=7, compile=False)
    c = zoo.build_cnn((8, 8, 1), task="multiclass", num_classes=10, seed=8, compile=False)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.allclose(a.get_weights()[0], c.get_weights()[0])


def test_layers_get_distinct_seeds():
    model = zoo.build_fnn((16,), task="binary", hidden_units=(16, 16), seed=0, compile=False)
    k0 = model.get_layer("dense_0").kernel.numpy()
    k1 = model.get_layer("dense_1").kernel.numpy()
    assert not np.allclose(k0, k1)


@pytest.mark.parametrize("spec,error", [("kaimingg", ValueError), (3, TypeError)])
def test_bad_initializer_is_refused(spec, error):
    with pytest.raises(error, match="kernel_initializer"):
        resolve(spec)


def test_unknown_initializer_suggests_nearest():
    with pytest.raises(ValueError, match="Did you mean 'he_normal'"):
        resolve("he_normall")
