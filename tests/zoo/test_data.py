import numpy as np
import pytest

from zoo import data


def test_digits_representations_and_splits():
    image = data.load("digits", representation="image", seed=0)
    flat = data.load("digits", representation="flat", seed=0)
    seq = data.load("digits", representation="sequence", seed=0)
    assert image.input_shape == (8, 8, 1)
    assert flat.input_shape == (64,)
    assert seq.input_shape == (8, 8)
    total = len(image.x_train) + len(image.x_val) + len(image.x_test)
    assert total == 1797
    assert 0.0 <= image.x_train.min() and image.x_train.max() <= 1.0
    # Same seed, same split; the representations share it.
    np.testing.assert_array_equal(image.x_test.reshape(len(image.x_test), -1), flat.x_test)
    assert set(np.unique(image.y_train)) == set(range(10))
    assert image.model_kwargs() == {"input_shape": (8, 8, 1), "task": "multiclass",
                                    "num_classes": 10}


def test_seed_changes_the_split_reproducibly():
    a, b = data.load("digits", seed=1), data.load("digits", seed=1)
    c = data.load("digits", seed=2)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


def test_digits_upsampled():
    ds = data.load("digits", image_size=16)
    assert ds.input_shape == (16, 16, 1)
    assert 0.0 <= ds.x_train.min() and ds.x_train.max() <= 1.0


def test_classification_imbalance_and_standardisation():
    ds = data.load("classification", weights=[0.95], n_samples=2000)
    assert ds.task == "binary"
    assert 0.03 < ds.y_train.mean() < 0.08
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-5)


def test_regression_outliers_only_in_train_and_val():
    clean = data.load("regression", outlier_fraction=0.0)
    dirty = data.load("regression", outlier_fraction=0.1, outlier_scale=10.0)
    np.testing.assert_allclose(clean.y_test, dirty.y_test)
    mask = dirty.meta["outliers_train"]
    assert 0.05 < mask.mean() < 0.15
    assert np.all(np.abs(dirty.y_train[mask] - clean.y_train[mask]) >= 10.0)
    np.testing.assert_allclose(dirty.y_train[~mask], clean.y_train[~mask])


@pytest.mark.parametrize("name,options,error,pattern", [
    ("imagenet", {}, ValueError, r"unknown data set 'imagenet'.*digits"),
    ("digit", {}, ValueError, r"Did you mean 'digits'"),
    ("digits", {"representation": "pixels"}, ValueError, r"representation='pixels'"),
    ("digits", {"seed": -1}, ValueError, r"seed"),
    ("digits", {"test_size": 0.9}, ValueError, r"test_size"),
    ("digits", {"colour": True}, TypeError, r"unknown option 'colour'"),
    ("regression", {"outlier_fraction": 0.9}, ValueError, r"outlier_fraction"),
    ("classification", {"n_classes": 1}, ValueError, r"n_classes"),
])
def test_bad_options_are_refused(name, options, error, pattern):
    with pytest.raises(error, match=pattern):
        data.load(name, **options)


def test_keras_dataset_offline_raises_one_clear_sentence(monkeypatch):
    import keras

    def offline():
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(data.DataUnavailableError) as info:
        data.load("mnist")
    message = str(info.value)
    assert "'mnist'" in message and "not cached" in message and "\n" not in message


def test_keras_dataset_cached_arrays_are_shaped_like_embedded_ones(monkeypatch):
    import keras

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(200, 28, 28), dtype=np.uint8)
    y = np.repeat(np.arange(10), 20).astype(np.uint8)
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data",
                        lambda: ((x, y), (x[:50], y[:50])))
    ds = data.load("fashion_mnist")
    assert ds.input_shape == (28, 28, 1) and ds.num_classes == 10
    assert ds.x_train.max() <= 1.0 and len(ds.x_val) == 20
    flat = data.load("fashion_mnist", representation="flat")
    assert flat.input_shape == (784,)
