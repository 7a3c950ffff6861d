"""zoo.data.builtin through zoo.data.load: the embedded, generated, downloaded, text and
series data sets (shapes, seeded splits, options, offline errors)."""

import pickle

import numpy as np
import pytest

import zoo
from zoo import data
from zoo.text import CharVocabulary, load_corpus


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


def test_load_text_splits_by_position_and_carries_model_arguments():
    ds = zoo.data.load("text", window=32, max_chars=60_000)
    texts, vocab = ds.meta["texts"], ds.meta["vocab"]
    assert texts["train"] + texts["val"] + texts["test"] == load_corpus()[:60_000]
    assert len(texts["test"]) == 6000 and len(texts["val"]) == 6000
    assert vocab == CharVocabulary.fit(texts["train"])
    assert ds.x_train.shape == (len(range(0, len(texts["train"]) - 32, 32)), 32)
    np.testing.assert_array_equal(ds.x_train[:, 1:], ds.y_train[:, :-1])
    assert vocab.decode(ds.x_train[0]) == texts["train"][:32]
    assert ds.task == "multiclass" and ds.num_classes == vocab.size
    assert ds.model_kwargs() == {"input_shape": (32,), "task": "multiclass",
                                 "num_classes": vocab.size, "vocab_size": vocab.size,
                                 "return_sequences": True}
    last = zoo.data.load("text", window=16, max_chars=20_000, target="last")
    assert last.y_train.shape == (len(last.meta["texts"]["train"]) - 16,)
    assert last.model_kwargs()["return_sequences"] is False


def test_dataset_on_save_writes_the_vocabulary(tmp_path):
    ds = zoo.data.load("text", window=16, max_chars=20_000)
    files = ds.meta["on_save"](tmp_path)
    assert CharVocabulary.load(files["vocab"]) == ds.meta["vocab"]
    pickle.dumps(ds.meta["on_save"])  # picklable, e.g. for multiprocessing tuners


def test_load_series_is_seeded_and_shaped():
    a = zoo.data.load("series", seed=3)
    b = zoo.data.load("series", seed=3)
    c = zoo.data.load("series", seed=4)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.allclose(a.meta["series"], c.meta["series"])
    assert a.x_train.shape[1:] == (48, 1) and a.y_train.shape[1:] == (12,)
    assert a.task == "regression"
    assert a.model_kwargs() == {"input_shape": (48, 1), "task": "regression", "num_outputs": 12}
