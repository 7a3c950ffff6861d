"""Data files the tests write into their temporary folders (nothing is downloaded)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: The wine classes, as names: the label column holds strings.
WINE_NAMES = ("barolo", "grignolino", "barbera")


def write_wine_csv(path, *, rows=None) -> Path:
    """scikit-learn's wine as CSV: 13 numbers, one categorical column, a string ``label``.

    ``alcohol_level`` (low/medium/high, binned from the alcohol) is the categorical
    column; ``label`` holds the cultivar names of :data:`WINE_NAMES`.
    """
    from sklearn.datasets import load_wine

    bunch = load_wine()
    alcohol = bunch.data[:, 0]
    levels = np.where(alcohol < 12.5, "low", np.where(alcohol < 13.5, "medium", "high"))
    index = range(len(bunch.target)) if rows is None else rows
    path = Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*bunch.feature_names, "alcohol_level", "label"])
        for i in index:
            writer.writerow([*(f"{v:g}" for v in bunch.data[i]), levels[i],
                             WINE_NAMES[bunch.target[i]]])
    return path


def write_rows(path, header, rows, delimiter=",") -> Path:
    """A small CSV (or TSV) from a header and rows."""
    path = Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def subset_rows(source, target, rows) -> Path:
    """Copy the header and the data rows ``rows`` (indices from 0) of a CSV file."""
    lines = list(csv.reader(Path(source).open(newline="")))
    return write_rows(target, lines[0], [lines[i + 1] for i in rows])


def digit_images(size=32, per_class=None):
    """scikit-learn's digits as uint8 images ``(n, size, size)`` and labels."""
    from PIL import Image
    from sklearn.datasets import load_digits

    bunch = load_digits()
    keep = np.arange(len(bunch.target))
    if per_class is not None:
        keep = np.concatenate([np.flatnonzero(bunch.target == c)[:per_class] for c in range(10)])
    images = []
    for image in bunch.images[keep]:
        small = Image.fromarray((image / 16.0 * 255).round().astype("uint8"), "L")
        images.append(np.asarray(small.resize((size, size), Image.BILINEAR)))
    return np.stack(images), bunch.target[keep]


def write_digit_folder(folder, *, size=32, per_class=None, classes=range(10)) -> Path:
    """The digits as PNG files in one subfolder per class (``0`` ... ``9``)."""
    from PIL import Image

    folder = Path(folder)
    images, labels = digit_images(size, per_class)
    for i, (image, label) in enumerate(zip(images, labels, strict=True)):
        if label not in classes:
            continue
        sub = folder / str(label)
        sub.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image, "L").save(sub / f"{i:04d}.png")
    return folder


def write_series_csv(path, steps=400, seed=0) -> Path:
    """A daily-seasonal series with a trend and noise, column ``value`` (and ``time``)."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)
    value = 10 + 3 * np.sin(2 * np.pi * t / 24) + 0.01 * t + rng.normal(0, 0.2, steps)
    return write_rows(path, ["time", "value"], [[i, f"{v:.4f}"] for i, v in zip(t, value,
                                                                               strict=True)])


def write_text(path, repeats=60) -> Path:
    """A small English text of a few thousand characters."""
    text = ("The quick brown fox jumps over the lazy dog. A model learns to continue text "
            "one character at a time, from windows of the characters before. ")
    path = Path(path)
    path.write_text(text * repeats, encoding="utf-8")
    return path
