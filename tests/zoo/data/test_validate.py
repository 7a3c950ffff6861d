"""The one validation pass over a data set's arrays (zoo.data.validate) and the resolver's use of it."""

import logging

import numpy as np
import pytest

import zoo
from zoo.data import Dataset, resolve
from zoo.data.validate import check_array, check_dataset, infer_task


@pytest.fixture(scope="module")
def arrays():
    ds = zoo.data.load("digits", representation="flat", seed=0)
    return [ds.x_train, ds.y_train, ds.x_val, ds.y_val, ds.x_test, ds.y_test]


def _with(arrays, index, value):
    changed = list(arrays)
    changed[index] = value
    return tuple(changed)


def test_non_finite_values_are_named_counted_and_located(arrays):
    x = arrays[2].copy()
    x[7, 3], x[9, 0], x[9, 1] = np.nan, np.inf, -np.inf
    with pytest.raises(ValueError, match=r"fit: `x_val` holds 3 non-finite values \(NaN or "
                                         r"infinity\), the first at index \[7, 3\]"):
        resolve(_with(arrays, 2, x), fn="fit")
    y = np.linspace(0, 1, len(arrays[1])).astype("float32")
    y[4] = np.nan
    with pytest.raises(ValueError, match=r"`y_train` holds 1 non-finite value.*index \[4\]"):
        resolve(_with(arrays, 1, y), options={"task": "regression"})


@pytest.mark.parametrize("labels, task, classes, message", [
    ([0, 1, 10], "multiclass", 10, r"`y_test` holds labels outside \[0, 10\): 10"),
    ([0, -1, 12, 11], "multiclass", 10, r"outside \[0, 10\): -1, 11, 12"),
    ([0.0, 0.5, 2.0], "multiclass", 10, r"whole-number class ids, but `y_test` holds 0.5"),
    ([0, 1, 2], "binary", None, r"task 'binary' needs labels 0 or 1, but `y_test` holds 2"),
])
def test_labels_must_fit_the_task(arrays, labels, task, classes, message):
    y_test = np.resize(np.asarray(labels), len(arrays[5]))
    options = {"task": task, **({"num_classes": classes} if classes else {})}
    y_train = arrays[1] if task == "multiclass" else (arrays[1] % 2)
    data = _with(_with(arrays, 5, y_test), 1, y_train)
    if task == "binary":
        data = _with(data, 3, arrays[3] % 2)
    with pytest.raises(ValueError, match=message):
        resolve(data, options=options)


def test_float_labels_that_are_whole_numbers_are_classes_when_said(arrays):
    data = _with(arrays, 1, arrays[1].astype("float32"))
    ds = resolve(data, options={"task": "multiclass", "num_classes": 10})
    assert ds.task == "multiclass" and ds.num_classes == 10 and "task_inferred" not in ds.meta


@pytest.mark.parametrize("index, value, error, message", [
    (0, np.zeros((0, 64), "float32"), ValueError, "the train split is empty"),
    (3, np.zeros(5, "int32"), ValueError, r"`x_val` has \d+ samples but `y_val` has 5"),
    (4, np.zeros((270, 63), "float32"), ValueError,
     r"the same sample shape, received x_train \(64,\), x_val \(64,\), x_test \(63,\)"),
    (0, np.array([["a", "b"]] * 3), TypeError, "`x_train` must hold numbers, received strings"),
    (0, np.array([[object()]] * 3, dtype=object), TypeError, "array of Python objects"),
    (0, np.zeros(10, "float32"), ValueError, r"`x_train` must have 2 axes or more .* \(10,\)"),
    (0, np.zeros((3, 2), "complex64"), TypeError, "must hold real numbers"),
])
def test_structure_and_dtypes_are_checked(arrays, index, value, error, message):
    with pytest.raises(error, match=message):
        resolve(_with(arrays, index, value), fn="train")


def test_a_ready_dataset_is_validated_too(arrays):
    x = arrays[0].copy()
    x[0, 0] = np.nan
    with pytest.raises(ValueError, match="`x_train` holds 1 non-finite"):
        resolve(Dataset("mine", x, *arrays[1:], task="multiclass", num_classes=10))
    with pytest.raises(ValueError, match=r"outside \[0, 9\): 9"):
        check_dataset(Dataset("mine", *arrays, task="multiclass", num_classes=9))


def test_the_inferred_task_is_reported(arrays, caplog):
    with caplog.at_level(logging.INFO, logger="zoo.data"):
        ds = resolve(tuple(arrays), fn="train")
    assert (ds.task, ds.num_classes) == ("multiclass", 10)
    assert "inferred from the integer labels" in ds.meta["task_inferred"]
    assert "(inferred from the labels)" in ds.summary()
    assert any(r.levelno == logging.INFO and "ids 0..9" in r.getMessage() for r in caplog.records)
    caplog.clear()
    y = arrays[5].copy()
    y[:2] = 10  # an 11th class that never trains: inferred, with a warning
    with caplog.at_level(logging.INFO, logger="zoo.data"):
        ds = resolve(_with(arrays, 5, y), fn="run_search")
    assert ds.num_classes == 11
    assert any(r.levelno == logging.WARNING and "class 10 never appears in y_train"
               in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="zoo.data"):  # whole-number floats: regression?
        ds = resolve(tuple(a.astype("float32") if i % 2 else a for i, a in enumerate(arrays)))
    assert ds.task == "regression"
    assert any(r.levelno == logging.WARNING and "pass task='multiclass'" in r.getMessage()
               for r in caplog.records)


def test_infer_task_and_its_refusals():
    assert infer_task(np.array([0, 1, 1]), np.array([0]), np.array([1]))[:2] == ("binary", 2)
    assert infer_task(np.array([0.5, 1.5]), np.array([1.0]), np.array([2.0]))[:3:2] == (
        "regression", "task 'regression' inferred from the labels (not 1-D integer class ids)")
    with pytest.raises(ValueError, match="hold -1"):
        infer_task(np.array([0, -1]), np.array([0]), np.array([1]))


def test_array_options_are_task_and_num_classes_only(arrays):
    with pytest.raises(TypeError, match="arrays take the options task, num_classes only, "
                                        "received seed2"):
        resolve(tuple(arrays), options={"seed2": 1})
    with pytest.raises(ValueError, match="`num_classes` given without `task`"):
        resolve(tuple(arrays), options={"num_classes": 10})


def test_check_array_converts_object_numbers_and_passes_integers():
    assert check_array("f", "x", np.array([[1, 2]], dtype=object)).dtype == np.float32
    ints = np.arange(6).reshape(3, 2)
    assert check_array("f", "x", ints) is ints


def test_every_builtin_data_set_passes():
    for name, options in (("digits", {}), ("classification", {"n_samples": 200}),
                          ("regression", {"n_samples": 200}), ("text", {"max_chars": 20000}),
                          ("series", {})):
        ds = resolve(name, options=options)
        assert check_dataset(ds) is ds


# ------------------------------------------------------------- your own files, streams


def test_data_from_a_users_file_goes_through_the_validation(tmp_path, monkeypatch):
    """A CSV (or NPZ, image folder) is validated like any other source, after its loader."""
    import sys

    from tests.zoo.data._files import write_rows

    resolve_module = sys.modules["zoo.data.resolve"]  # the module (zoo.data.resolve is the function)

    path = write_rows(tmp_path / "t.csv", ["a", "b", "label"],
                      [[i, i % 5, i % 3] for i in range(40)])
    seen = []

    def spy(dataset, *, fn):
        seen.append((dataset.name, dataset.task, dataset.num_classes, len(dataset.x_train)))
        return check_dataset(dataset, fn=fn)

    monkeypatch.setattr(resolve_module, "check_dataset", spy)
    ds = resolve_module.resolve(path, fn="train")
    assert seen == [("t.csv", "multiclass", 3, len(ds.x_train))] and ds.x_train.shape[1] == 2


def test_an_npz_file_that_its_loader_accepts_is_checked_against_the_task(tmp_path):
    # Split by the file itself; labels 0..2 in train, a 7 in test: classes are 8 then,
    # and a forced binary task is refused, naming the array and the value.
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "s.npz", x_train=rng.random((30, 3)), y_train=np.arange(30) % 2,
             x_val=rng.random((6, 3)), y_val=np.arange(6) % 2, x_test=rng.random((6, 3)),
             y_test=np.array([0, 1, 0, 1, 0, 1]))
    ds = resolve(tmp_path / "s.npz", fn="train")
    ds.y_test = np.array([0, 1, 0, 7, 0, 1])
    with pytest.raises(ValueError, match=r"train: task 'binary' needs labels 0 or 1, but "
                                         r"`y_test` holds 7"):
        check_dataset(ds, fn="train")


@pytest.mark.tensorflow_only(reason="tf.data streams")
def test_streams_are_checked_cheaply_by_their_first_batch():
    import tensorflow as tf

    x = np.zeros((64, 4), "float32")
    y = np.arange(64) % 3
    good = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    ds = resolve((good, good), fn="fit")  # 3 classes counted from the labels
    assert ds.streamed and ds.task == "multiclass" and ds.num_classes == 3
    x_nan = x.copy()
    x_nan[2, 1] = np.nan
    nan = tf.data.Dataset.from_tensor_slices((x_nan, y)).batch(16)
    with pytest.raises(ValueError, match=r"fit: `x_val \(first batch\)` holds 1 non-finite "
                                         r"value.*index \[2, 1\]"):
        resolve((good, nan), fn="fit")
    y_bad = y.copy()
    y_bad[1] = 5
    bad = tf.data.Dataset.from_tensor_slices((x, y_bad)).batch(16)
    with pytest.raises(ValueError, match=r"`y_test \(first batch\)` holds labels outside "
                                         r"\[0, 3\): 5"):
        resolve((good, good, bad), fn="fit", options={"num_classes": 3})
    # Only the first batch is read: a NaN further on is TerminateOnNaN's to catch.
    x_late = x.copy()
    x_late[40, 0] = np.nan
    late = tf.data.Dataset.from_tensor_slices((x_late, y)).batch(16)
    assert resolve((good, late), fn="fit").streamed


def test_an_image_folders_labels_are_all_checked_without_reading_images(tmp_path):
    from tests.zoo.data._files import write_digit_folder

    folder = write_digit_folder(tmp_path / "photos", size=8, per_class=4, classes=(0, 1, 2))
    ds = resolve(folder, fn="train", input_kind="image")
    assert ds.streamed and ds.num_classes == 3
    ds.x_val.labels = ds.x_val.labels.copy()
    ds.x_val.labels[0] = 3
    with pytest.raises(ValueError, match=r"`y_val` holds labels outside \[0, 3\): 3"):
        check_dataset(ds, fn="train")
