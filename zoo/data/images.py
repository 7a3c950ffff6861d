"""Image folders (one subfolder per class), streamed: :func:`load_image_folder`.

The layout is Keras' (``keras.utils.image_dataset_from_directory``): each
subfolder of the folder is a class, named by the subfolder, in sorted order;
its images (``.bmp``, ``.gif``, ``.jpeg``, ``.jpg``, ``.png``, in nested folders
too) are that class's samples. The images are decoded and resized with the same
TensorFlow operations as Keras' loader (``tf.io.decode_image``, bilinear
``tf.image.resize``; a test compares the pixels), then scaled to [0, 1].

What Keras' loader does not do, and the reason the folder is indexed here:
a seeded, stratified train/validation/test split without overlap (scikit-learn's
``train_test_split`` over the file list; Keras splits in two only), and files
that cannot be read are left out, with one warning that counts them, before
any training (a stray non-image file, ``notes.txt`` or ``.DS_Store``, is not an
image and is ignored). The splits are :class:`ImageFiles` streams: the file
list is shuffled every epoch and the images decoded batch by batch, so a folder
larger than memory trains in bounded memory (BENCHMARKS.md, row 8).

Example:
    >>> ds = load_image_folder("photos", image_size=32, seed=0)
    >>> ds.input_shape, ds.meta["class_names"]  # doctest: +SKIP
    ((32, 32, 3), ['cat', 'dog'])
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from zoo._validate import check_choice, check_positive_int
from zoo.data.builtin import REPRESENTATIONS
from zoo.data.dataset import DataFileError, Dataset
from zoo.data.streams import Stream

logger = logging.getLogger("zoo.data")

#: The image files Keras' loader reads (and TensorFlow decodes).
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
#: ``color_mode`` -> channels, as in ``keras.utils.image_dataset_from_directory``.
COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
#: The largest default side: Keras' own default image size.
MAX_DEFAULT_SIDE = 256
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")
_PIL_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "MPO")


def is_image_file(path) -> bool:
    """Whether ``path`` has an image extension Keras' loader reads."""
    return str(path).lower().endswith(IMAGE_EXTENSIONS)


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder`` (nested folders included), sorted, hidden ones left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
    return found


def class_folders(folder: Path) -> list[Path]:
    """The class subfolders of ``folder``, sorted by name (hidden ones left out)."""
    return sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def index_folder(folder, *, fn: str) -> tuple[list[str], np.ndarray, list[str]]:
    """``(paths, labels, class_names)`` of a folder with one subfolder per class.

    Raises:
        DataFileError: no class subfolders, or a class without image files.
    """
    folder = Path(folder)
    classes = class_folders(folder)
    if not classes:
        images = sum(is_image_file(p) for p in files_under(folder))
        found = f" (it holds {images} image file(s) directly)" if images else ""
        raise DataFileError(f"{fn}: image folder '{folder}' has no class subfolders{found}; "
                            "put each class's images in a subfolder named after the class")
    paths, labels, ignored = [], [], Counter()
    for label, sub in enumerate(classes):
        files = files_under(sub)
        images = [str(p) for p in files if is_image_file(p)]
        ignored.update(p.suffix.lower() or p.name for p in files if not is_image_file(p))
        if not images:
            raise DataFileError(f"{fn}: class {sub.name!r} of image folder '{folder}' is "
                                f"empty: '{sub}' holds no {', '.join(IMAGE_EXTENSIONS)} files")
        paths.extend(images)
        labels.extend([label] * len(images))
    if ignored:
        logger.info("%s: ignored %d file(s) in '%s' that are not images (%s)", fn,
                    sum(ignored.values()), folder, ", ".join(sorted(ignored)))
    return paths, np.asarray(labels, dtype="int32"), [p.name for p in classes]


def scan_images(paths, *, fn: str, where) -> tuple[np.ndarray, list, list]:
    """Check that each image can be read; ``(readable mask, sizes, modes)``.

    Reads each file's header and checks its data with Pillow (``Image.verify``);
    a file that fails is counted in one warning. Without Pillow every file counts
    as readable (a file TensorFlow cannot decode is then skipped while training).

    Raises:
        DataFileError: no file is readable.
    """
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return np.ones(len(paths), bool), [None] * len(paths), [None] * len(paths)
    ok = np.zeros(len(paths), bool)
    sizes, modes, failures = [], [], []
    for i, path in enumerate(paths):
        size = mode = None
        try:
            with Image.open(path) as image:
                if image.format not in _PIL_FORMATS:
                    raise OSError(f"{image.format} is not a format TensorFlow decodes")
                size, mode = (image.height, image.width), image.mode
                image.verify()
            ok[i] = True
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for bad files
            failures.append((path, exc))
            size = mode = None
        sizes.append(size)
        modes.append(mode)
    if failures:
        path, exc = failures[0]
        if not ok.any():
            raise DataFileError(f"{fn}: none of the {len(paths)} image file(s) in '{where}' "
                                f"can be read (e.g. '{path}': {exc})")
        logger.warning("%s: skipped %d unreadable image file(s) of %d in '%s' (e.g. '%s': %s)",
                       fn, len(failures), len(paths), where, path, exc)
    return ok, sizes, modes


def default_image_size(sizes) -> tuple[int, int]:
    """The most common ``(height, width)``, or Keras' ``(256, 256)`` when larger."""
    known = [s for s in sizes if s is not None]
    if not known:
        return (MAX_DEFAULT_SIDE, MAX_DEFAULT_SIDE)
    (height, width), _ = Counter(known).most_common(1)[0]
    if max(height, width) > MAX_DEFAULT_SIDE:
        return (MAX_DEFAULT_SIDE, MAX_DEFAULT_SIDE)
    return (int(height), int(width))


def default_color_mode(modes) -> str:
    """``"grayscale"`` when every image has one channel, else ``"rgb"``."""
    known = [m for m in modes if m is not None]
    return "grayscale" if known and all(m in _GRAY_MODES for m in known) else "rgb"


def check_image_size(fn: str, value) -> tuple[int, int]:
    """``image_size``: an int (square) or a ``(height, width)`` pair of positive ints."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(check_positive_int(fn, "image_size", v) for v in value)
    side = check_positive_int(fn, "image_size", value)
    return (side, side)


def require_tensorflow(what: str) -> None:
    """Refuse, with one sentence, image files where TensorFlow is not installed.

    They are decoded with ``tf.io`` and streamed with ``tf.data`` on every Keras
    backend (JAX and PyTorch read a ``tf.data.Dataset`` too), as Keras' own loader
    does; the GPU machines without TensorFlow take the images as arrays instead.

    Raises:
        DataFileError: ``tensorflow`` cannot be imported.

    Example:
        >>> require_tensorflow("image folder 'photos'")  # where TensorFlow is installed
    """
    import importlib.util

    if sys.modules.get("tensorflow") is not None:
        return
    try:
        installed = importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):  # a blocked import (sys.modules entry None)
        installed = False
    if not installed:
        raise DataFileError(f"{what}: images are decoded with TensorFlow (tf.io, as Keras' "
                            "image_dataset_from_directory does), which is not installed here: "
                            "pip install tensorflow, or pass the images as a .npz file of "
                            "arrays (x, y)")


def decode_image(path, image_size, channels):
    """Read, decode and resize one image as Keras' loader does; scaled to [0, 1].

    ``tf.io.decode_image(channels=..., expand_animations=False)`` then bilinear
    ``tf.image.resize``, the operations of ``keras.utils.image_dataset_from_directory``.
    """
    import tensorflow as tf

    image = tf.io.decode_image(tf.io.read_file(path), channels=channels,
                               expand_animations=False)
    image = tf.image.resize(image, image_size, method="bilinear")
    image.set_shape((*image_size, channels))
    return image / 255.0


class ImageFiles(Stream):
    """Image files and their labels, decoded batch by batch (a ``tf.data`` pipeline).

    Each pass shuffles the file list (seeded, when asked), decodes the images in
    parallel, batches and prefetches: the memory held is a few batches, not the
    images. Picklable (plain file names), so worker processes rebuild it.

    Args:
        paths: Image file paths.
        labels: Class index per file (``None`` for unlabelled images).
        image_size: ``(height, width)`` after resizing.
        channels: 1, 3 or 4.
        representation: ``"image"`` (``(h, w, c)``), ``"flat"`` (``(h * w * c,)``) or
            ``"sequence"`` (``(h, w * c)``: rows as time steps).
        label_dtype: ``"int32"`` (class indices) or ``"float32"`` (binary 0/1).
    """

    portable = True

    def __init__(self, paths, labels, *, image_size, channels, representation="image",
                 label_dtype="int32"):
        require_tensorflow(f"image files ({len(paths)}, e.g. '{paths[0]}')" if len(paths)
                           else "image files")
        self.paths = np.asarray([str(p) for p in paths])
        self.labels = None if labels is None else np.asarray(labels, dtype=label_dtype)
        self.image_size = tuple(image_size)
        self.channels = int(channels)
        self.representation = representation
        self.label_dtype = label_dtype
        self.size = len(self.paths)
        h, w = self.image_size
        self.input_shape = {"image": (h, w, self.channels), "flat": (h * w * self.channels,),
                            "sequence": (h, w * self.channels)}[representation]
        self.label_shape = ()

    def _decode(self, path):
        import tensorflow as tf

        image = decode_image(path, self.image_size, self.channels)
        if self.representation != "image":
            image = tf.reshape(image, self.input_shape)
        return image

    def dataset(self, *, shuffle=False, seed=None):
        """The unbatched ``tf.data.Dataset`` of images (and labels, when known)."""
        import tensorflow as tf

        items = self.paths if self.labels is None else (self.paths, self.labels)
        ds = tf.data.Dataset.from_tensor_slices(items)
        if shuffle:  # file names only: a full shuffle costs no image memory
            ds = ds.shuffle(len(self.paths), seed=seed, reshuffle_each_iteration=True)
        if self.labels is None:
            ds = ds.map(self._decode, num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(lambda path, label: (self._decode(path), label),
                        num_parallel_calls=tf.data.AUTOTUNE)
        # No ignore_errors(): unreadable files were left out by scan_images, and a
        # known cardinality gives fit its steps per epoch from the start.
        return ds

    def batches(self, batch_size=None, *, shuffle=False, seed=None):
        import tensorflow as tf

        return (self.dataset(shuffle=shuffle, seed=seed).batch(batch_size or 32)
                .prefetch(tf.data.AUTOTUNE))

    def steps(self, batch_size):
        return max(1, -(-self.size // batch_size))

    def peek(self, n=4):
        x, *y = next(iter(self.dataset().batch(n).take(1)))
        return np.asarray(x), (np.asarray(y[0]) if y else None)

    def concatenate(self, other):
        labels = (None if self.labels is None or other.labels is None
                  else np.concatenate([self.labels, other.labels]))
        return ImageFiles(np.concatenate([self.paths, other.paths]), labels,
                          image_size=self.image_size, channels=self.channels,
                          representation=self.representation, label_dtype=self.label_dtype)


def split_indices(labels, *, seed, val_size, test_size, stratify=True, fn="load",
                  where=""):
    """Seeded train/validation/test index arrays without overlap (scikit-learn).

    Stratified by ``labels`` when every class has enough members, else plain
    random (with a warning).

    Raises:
        DataFileError: too few samples for three splits.
    """
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    n_test = int(np.ceil(len(index) * test_size))
    n_val = int(np.ceil((len(index) - n_test) * val_size / (1.0 - test_size)))
    if len(index) - n_test - n_val < 1 or n_test < 1 or n_val < 1:
        raise DataFileError(f"{fn}: '{where}' holds {len(index)} sample(s), too few for "
                            f"training, validation and test splits")
    if stratify:
        counts = np.unique(labels, return_counts=True)[1]
        classes = len(counts)
        if counts.min() < 3 or n_test < classes or n_val < classes:
            logger.warning("%s: '%s' has too few samples in some class for stratified "
                           "splits; splitting at random", fn, where)
            stratify = False
    strat = labels if stratify else None
    rest, test = train_test_split(index, test_size=test_size, random_state=seed, stratify=strat)
    strat = labels[rest] if stratify else None
    train, val = train_test_split(rest, test_size=val_size / (1.0 - test_size),
                                  random_state=seed, stratify=strat)
    return np.sort(train), np.sort(val), np.sort(test)


def load_image_folder(path, *, image_size=None, color_mode=None, representation="image",
                      seed=0, val_size=0.15, test_size=0.15) -> Dataset:
    """An image folder with one subfolder per class, as streamed seeded splits.

    Args:
        path: The folder.
        image_size: Side (int) or ``(height, width)`` the images are resized to.
            Default: the most common size among the images, or Keras' 256 x 256
            when that is larger.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"`` (Keras' names). Default:
            ``"grayscale"`` when every image has one channel, else ``"rgb"``.
        representation: ``"image"``, ``"flat"`` (for dense models) or ``"sequence"``
            (rows as time steps, for recurrent models); the command line picks it
            from the model.
        seed: Seed of the split and of the shuffling.
        val_size, test_size: Fractions of the images for validation and test
            (stratified by class).

    Returns:
        A streamed :class:`Dataset` named after the folder: :class:`ImageFiles` in
        ``x_train``/``x_val``/``x_test``, ``task`` ``"binary"`` (two classes) or
        ``"multiclass"``; ``meta`` holds ``class_names``, ``files`` (the paths of
        each split), ``unreadable`` (files skipped), ``value_range`` (0, 1) and the
        ``preprocessing`` saved with a model (:mod:`zoo.data.preprocess`).

    Raises:
        DataFileError: no class subfolders, an empty class, one class, no readable
            image, too few images to split, bad options.

    Example:
        >>> ds = load_image_folder("photos", image_size=64, color_mode="rgb")
    """
    from zoo.data.preprocess import Preprocessing

    folder = Path(path)
    fn = f"load('{folder}')"
    if image_size is not None:
        image_size = check_image_size(fn, image_size)
    if color_mode is not None:
        color_mode = check_choice(fn, "color_mode", color_mode, tuple(COLOR_MODES))
    representation = check_choice(fn, "representation", representation, REPRESENTATIONS)
    paths, labels, class_names = index_folder(folder, fn=fn)
    if len(class_names) < 2:
        raise DataFileError(f"{fn}: image folder '{folder}' has one class subfolder "
                            f"({class_names[0]!r}); a classifier needs at least 2")
    ok, sizes, modes = scan_images(paths, fn=fn, where=folder)
    readable_labels = labels[ok]
    for index, name in enumerate(class_names):
        if not np.any(readable_labels == index):
            raise DataFileError(f"{fn}: class {name!r} of image folder '{folder}' has no "
                                "readable image")
    paths = [p for p, good in zip(paths, ok, strict=True) if good]
    sizes = [s for s, good in zip(sizes, ok, strict=True) if good]
    modes = [m for m, good in zip(modes, ok, strict=True) if good]
    # Defaults are reported with the summary below: a refused folder logs only its error.
    chosen = []
    if image_size is None:
        image_size = default_image_size(sizes)
        chosen.append("resized to the most common size; set image_size to choose")
    if color_mode is None:
        color_mode = default_color_mode(modes)
        chosen.append("set color_mode to choose")
    channels = COLOR_MODES[color_mode]
    task = "binary" if len(class_names) == 2 else "multiclass"
    label_dtype = "float32" if task == "binary" else "int32"
    train, val, test = split_indices(readable_labels, seed=seed, val_size=val_size,
                                     test_size=test_size, fn=fn, where=folder)
    paths = np.asarray(paths)
    streams = {split: ImageFiles(paths[index], readable_labels[index], image_size=image_size,
                                 channels=channels, representation=representation,
                                 label_dtype=label_dtype)
               for split, index in (("train", train), ("val", val), ("test", test))}
    preprocessing = Preprocessing.for_images(
        source=folder.name, task=task, class_names=class_names, image_size=image_size,
        color_mode=color_mode, representation=representation)
    meta = {"class_names": class_names, "representation": representation,
            "value_range": (0.0, 1.0), "source": str(folder),
            "files": {split: list(s.paths) for split, s in streams.items()},
            "unreadable": int((~ok).sum()), "color_mode": color_mode,
            "image_size": image_size, "preprocessing": preprocessing,
            "on_save": preprocessing.save}
    logger.info("%s: %d images in %d classes, %dx%d %s%s", fn, len(paths), len(class_names),
                *image_size, color_mode, f" ({'; '.join(chosen)})" if chosen else "")
    return Dataset(folder.name or str(folder), streams["train"], None, streams["val"], None,
                   streams["test"], None, task=task, num_classes=len(class_names), meta=meta)


__all__ = ["COLOR_MODES", "IMAGE_EXTENSIONS", "ImageFiles", "check_image_size", "decode_image",
           "files_under", "index_folder", "is_image_file", "load_image_folder", "require_tensorflow",
           "scan_images", "split_indices"]
