"""zoo.data.streams: a caller's tf.data / PyDataset splits as a streamed Dataset (task,
classes and input shape inferred or given), and the errors of unusable streams."""

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import write_digit_folder


def _tf_splits(n=64, classes=3, batch=16, one_hot=False, seed=0):
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (np.arange(n) % classes).astype("int32")
    if one_hot:
        y = np.eye(classes, dtype="float32")[y]
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return ds, ds.take(1)


class _Batches:
    """Built lazily: keras.utils.PyDataset subclasses need Keras imported."""

    @staticmethod
    def make(n_batches=4, batch=8, classes=4):
        import keras

        class Seq(keras.utils.PyDataset):
            def __len__(self):
                return n_batches

            def __getitem__(self, i):
                x = np.full((batch, 3), i, dtype="float32")
                return x, (np.arange(batch) + i) % classes

        return Seq()


def test_tf_data_splits_infer_task_classes_and_shape():
    train, val = _tf_splits(classes=3)
    ds = zoo.data.resolve((train, val))
    assert ds.streamed and ds.task == "multiclass" and ds.num_classes == 3  # one pass counted
    assert ds.input_shape == (5,) and not ds.has_split("test")
    assert ds.steps_per_epoch(999) == 4  # the caller's batches
    x, y = ds.peek("val", 3)
    assert x.shape == (3, 5) and y.tolist() == [0, 1, 2]
    given = zoo.data.resolve({"train": train, "validation": val, "test": val},
                             options={"num_classes": 5, "name": "mine"})
    assert given.num_classes == 5 and given.name == "mine" and given.has_split("test")
    binary = zoo.data.resolve(_tf_splits(classes=2))
    assert binary.task == "binary"
    regression = zoo.data.resolve((train, val), options={"task": "regression"})
    assert regression.task == "regression" and regression.num_classes is None


def test_image_dataset_from_directory_class_names_and_one_hot_labels(tmp_path):
    import keras

    folder = write_digit_folder(tmp_path / "d", size=8, per_class=6, classes=range(4))
    train, val = keras.utils.image_dataset_from_directory(
        folder, validation_split=0.25, subset="both", seed=0, image_size=(8, 8),
        color_mode="grayscale", label_mode="categorical", batch_size=8, verbose=False)
    ds = zoo.data.resolve((train, val))
    assert ds.task == "multiclass" and ds.num_classes == 4 and ds.input_shape == (8, 8, 1)
    assert ds.meta["class_names"] == ["0", "1", "2", "3"]
    _, y = ds.peek("train", 8)
    assert y.dtype == np.int32 and y.ndim == 1 and set(y) <= {0, 1, 2, 3}  # one-hot -> index
    assert (ds.size("train"), ds.size("val")) == (18, 6)  # from their file_paths
    both, _ = ds.merged("train", "val")
    assert both.size == 24 and sum(int(np.shape(b[1])[0]) for b in both.batches()) == 24


def test_pydataset_splits_and_their_concatenation():
    train, val = _Batches.make(), _Batches.make(n_batches=2)
    ds = zoo.data.resolve((train, val), options={"num_classes": 4})
    assert ds.task == "multiclass" and ds.input_shape == (3,) and ds.steps_per_epoch(1) == 4
    joined, _ = ds.merged("train", "val")
    source = joined.batches()
    assert len(source) == 6 and np.asarray(source[5][0])[0, 0] == 1.0  # val's batch 1


@pytest.mark.parametrize("data, error, match", [
    ("unbatched", ValueError, r"must be batched .*call \.batch\(32\)"),
    ("unlabelled", ValueError, r"must yield \(inputs, labels\) batches"),
    ("no_val", ValueError, "needs a 'val' split"),
    ("mixed", ValueError, "of one kind"),
    ("shapes", ValueError, r"the val split's inputs have shape \(4,\), the train split's \(5,\)"),
    ("one_class", ValueError, "hold 1 class"),
    ("option", TypeError, "option\\(s\\) target do not apply to streamed splits"),
])
def test_unusable_streams_are_refused(data, error, match):
    import tensorflow as tf

    train, val = _tf_splits()
    x = np.zeros((8, 5), "float32")
    options = None
    if data == "unbatched":
        splits = (tf.data.Dataset.from_tensor_slices((x, np.zeros(8))), val)
    elif data == "unlabelled":
        splits = (tf.data.Dataset.from_tensor_slices(x).batch(4), val)
    elif data == "no_val":
        splits = {"train": train}
    elif data == "mixed":
        splits = (train, _Batches.make())
    elif data == "shapes":
        splits = (train, tf.data.Dataset.from_tensor_slices(
            (np.zeros((8, 4), "float32"), np.zeros(8, "int32"))).batch(4))
    elif data == "one_class":
        one = tf.data.Dataset.from_tensor_slices((x, np.zeros(8, "int32"))).batch(4)
        splits = (one, one)
    else:
        splits, options = (train, val), {"target": "label"}
    with pytest.raises(error, match=match):
        zoo.data.resolve(splits, fn="run_search", options=options)
