"""zoo.train and zoo.compare on streamed data: an image folder by path, a caller's tf.data and
PyDataset splits (fed to fit as they are), schedules sized from the stream."""

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import write_digit_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_digit_folder(tmp_path_factory.mktemp("img") / "digits", size=8, per_class=40)


def test_train_on_an_image_folder_streams_it_and_saves_its_preprocessing(tmp_path, folder):
    result = zoo.train("cnn", folder, epochs=10, verbose=0, patience=None, schedule="cosine",
                       out_dir=tmp_path)
    data = result.dataset
    assert data.streamed and result.config["data"] == "digits"
    assert result.test_metrics["accuracy"] > 0.8  # 40 digits a class, 8x8, ten epochs
    assert result.baseline["accuracy"] == pytest.approx(0.1, abs=0.05)  # from the file labels
    assert len(result.history["loss"]) == 10
    assert (tmp_path / "preprocessing.json").exists() and (tmp_path / "model.keras").exists()


def test_train_on_pydataset_splits_without_a_test_split(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 6)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")

    class Batches(keras.utils.PyDataset):
        def __init__(self, rows):
            super().__init__()
            self.rows = rows

        def __len__(self):
            return len(self.rows) // 32

        def __getitem__(self, i):
            part = self.rows[32 * i: 32 * (i + 1)]
            return x[part], y[part]

    result = zoo.train("fnn", (Batches(np.arange(192)), Batches(np.arange(192, 256))),
                       epochs=15, verbose=0, patience=None)
    assert result.dataset.task == "binary"
    assert result.test_metrics == {} and result.baseline == {}
    assert result.history["val_accuracy"][-1] > 0.8


def test_compare_takes_streamed_splits_and_paths(tmp_path, folder):
    import tensorflow as tf

    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    train = tf.data.Dataset.from_tensor_slices((x[:80], y[:80])).batch(16)
    val = tf.data.Dataset.from_tensor_slices((x[80:], y[80:])).batch(16)
    rows = zoo.compare.compare("fnn", (train, val, val), {"activation": ["relu", "tanh"]},
                               epochs=2, seeds=1, out_dir=tmp_path / "s")
    assert [r["label"] for r in rows] == ["activation=relu", "activation=tanh"]
    assert all(r["test_mean"] is not None for r in rows)
    rows = zoo.compare.compare("fnn", folder, {"dropout": [0.0]}, epochs=1, seeds=2)
    assert rows[0]["seeds"] == 2  # the folder is split anew with each seed
