"""zoo.data.images: image folders as streamed, seeded, disjoint splits; Keras' decoding;
unreadable files skipped with a count; bad folders refused naming the folder."""

import logging

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import write_digit_folder
from zoo.data import DataFileError
from zoo.data.images import ImageFiles, load_image_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_digit_folder(tmp_path_factory.mktemp("img") / "digits", size=16, per_class=20)


def test_three_splits_are_disjoint_cover_the_folder_and_are_seeded(folder):
    ds = zoo.data.load(folder, seed=0)
    assert ds.streamed and ds.task == "multiclass" and ds.num_classes == 10
    assert ds.meta["class_names"] == [str(i) for i in range(10)]
    files = {split: set(ds.meta["files"][split]) for split in ("train", "val", "test")}
    assert not files["train"] & files["val"] and not files["train"] & files["test"]
    assert not files["val"] & files["test"]
    assert len(files["train"] | files["val"] | files["test"]) == 200
    assert ds.size("test") == 30 and ds.size("val") in (30, 31)  # 15% each (rounding)
    assert ds.size("train") + ds.size("val") == 170
    for split in ("val", "test"):  # stratified: every class in every split
        assert sorted(set(ds.labels(split))) == list(range(10))
    again, other = zoo.data.load(folder, seed=0), zoo.data.load(folder, seed=1)
    assert set(again.meta["files"]["test"]) == files["test"]
    assert set(other.meta["files"]["test"]) != files["test"]
    # Labels follow the class folders.
    for path, label in zip(ds.x_test.paths, ds.labels("test"), strict=True):
        assert path.split("/")[-2] == ds.meta["class_names"][label]


def test_defaults_from_the_images_and_the_options(folder):
    ds = zoo.data.load(folder)  # 16x16 grayscale PNGs
    assert ds.input_shape == (16, 16, 1) and ds.meta["color_mode"] == "grayscale"
    rgb = zoo.data.load(folder, image_size=(8, 12), color_mode="rgb")
    assert rgb.input_shape == (8, 12, 3)
    x, y = rgb.peek("train", 5)
    assert x.shape == (5, 8, 12, 3) and 0.0 <= x.min() and x.max() <= 1.0
    assert np.allclose(x[..., 0], x[..., 2])  # grey replicated into RGB
    flat = zoo.data.load(folder, representation="flat")
    assert flat.input_shape == (256,)
    # resolve() picks the representation from the model's input kind.
    assert zoo.data.resolve(str(folder), input_kind="flat").input_shape == (256,)
    assert zoo.data.resolve(str(folder), input_kind="sequence").input_shape == (16, 16)


def test_pixels_equal_keras_image_dataset_from_directory(folder):
    """The same decoding and resizing as Keras' loader, scaled to [0, 1]."""
    import keras

    ds = zoo.data.load(folder, image_size=24, color_mode="rgb", seed=0)
    keras_ds = keras.utils.image_dataset_from_directory(
        folder, image_size=(24, 24), color_mode="rgb", shuffle=False, batch_size=None,
        verbose=False)
    by_path = dict(zip(keras_ds.file_paths, (np.asarray(img) for img, _ in keras_ds),
                       strict=True))
    ours = ImageFiles(ds.x_test.paths[:6], None, image_size=(24, 24), channels=3)
    batch = next(iter(ours.batches(6)))
    for path, image in zip(ours.paths, np.asarray(batch), strict=True):
        np.testing.assert_allclose(image * 255.0, by_path[path], atol=1e-3)


def test_stream_batches_reshuffle_each_epoch_and_concatenate(folder):
    ds = zoo.data.load(folder, seed=0)
    stream = ds.x_train
    batches = stream.batches(50, shuffle=True, seed=3)
    first = np.concatenate([np.asarray(y) for _, y in batches])
    second = np.concatenate([np.asarray(y) for _, y in batches])
    assert len(first) == stream.size and sorted(first) == sorted(second)
    assert not np.array_equal(first, second)  # a new order each pass
    assert stream.steps(50) == 3 and ds.steps_per_epoch(32) == 5
    both, _ = ds.merged("train", "val")
    assert both.size == 170 and set(both.paths) == set(stream.paths) | set(ds.x_val.paths)
    import pickle

    copy = pickle.loads(pickle.dumps(stream))  # worker processes rebuild it
    assert list(copy.paths) == list(stream.paths) and copy.input_shape == stream.input_shape


def test_unreadable_and_stray_files_are_skipped_with_one_warning(tmp_path, caplog):
    folder = write_digit_folder(tmp_path / "d", size=8, per_class=10)
    (folder / "3" / "broken.png").write_bytes(b"not a png at all")
    (folder / "4" / "truncated.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "5" / "notes.txt").write_text("a stray file")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "README.md").write_text("about the data")
    with caplog.at_level(logging.WARNING, logger="zoo.data"):
        ds = load_image_folder(folder)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "skipped 2 unreadable image file(s) of 102" in warnings[0] and str(folder) in warnings[0]
    assert ds.meta["unreadable"] == 2
    every = {p for split in ("train", "val", "test") for p in ds.meta["files"][split]}
    assert len(every) == 100 and not any("broken" in p or "notes" in p for p in every)


def test_notes_are_logged_for_an_accepted_folder_only(tmp_path, caplog):
    """A refused folder says its one error: the note about stray files, logged while the
    folder was read, is held until the checks pass and dropped when they do not."""
    folder = write_digit_folder(tmp_path / "d", size=8, per_class=3, classes=(0,))
    (folder / "0" / "notes.txt").write_text("a stray file")
    with caplog.at_level(logging.INFO, logger="zoo.data"):
        with pytest.raises(DataFileError, match="one class subfolder"):
            zoo.data.load(folder)
        assert [r for r in caplog.records if r.name == "zoo.data"] == []
        write_digit_folder(folder, size=8, per_class=3, classes=(1,))
        zoo.data.load(folder)
    notes = [r.getMessage() for r in caplog.records if r.name == "zoo.data"]
    assert any("ignored 1 file(s)" in note and "(.txt)" in note for note in notes), notes


@pytest.mark.parametrize("layout, fragments", [
    ("flat", ["has no class subfolders", "holds 3 image file(s) directly"]),
    ("empty_class", ["class 'cat' of image folder", "is empty"]),
    ("one_class", ["has one class subfolder ('dog')", "at least 2"]),
    ("unreadable", ["none of the 4 image file(s)", "can be read"]),
    ("unreadable_class", ["class 'cat' of image folder", "has no readable image"]),
    ("empty", ["is empty", "one subfolder of images per class"]),
])
def test_bad_folders_are_refused_naming_the_folder(tmp_path, layout, fragments):
    from PIL import Image

    root = tmp_path / "photos"
    root.mkdir()

    def image(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.zeros((4, 4), "uint8"), "L").save(path)

    if layout == "flat":
        for i in range(3):
            image(root / f"{i}.png")
    elif layout == "empty_class":
        image(root / "dog" / "a.png")
        (root / "cat").mkdir()
        (root / "cat" / "notes.txt").write_text("no images here")
    elif layout == "one_class":
        image(root / "dog" / "a.png")
    elif layout in ("unreadable", "unreadable_class"):
        for name in ("cat", "dog"):
            for i in range(2):
                (root / name).mkdir(exist_ok=True)
                (root / name / f"{i}.png").write_bytes(b"garbage")
        if layout == "unreadable_class":
            image(root / "dog" / "good.png")
    with pytest.raises(DataFileError) as info:
        zoo.data.load(root)
    message = str(info.value)
    assert str(root) in message
    for fragment in fragments:
        assert fragment in message


def test_image_files_without_tensorflow_are_refused_with_one_sentence(folder, monkeypatch):
    """JAX and PyTorch machines without TensorFlow: what to do instead, before any work."""
    import importlib.util
    import sys

    real = importlib.util.find_spec
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorflow" else real(name, *a))
    with pytest.raises(DataFileError, match=r"images are decoded with TensorFlow .* not "
                                            r"installed here: pip install tensorflow, or pass "
                                            r"the images as a \.npz file"):
        zoo.data.load(folder, seed=0)
