"""The named data sets: :func:`load`, :func:`list_datasets`, :func:`register_dataset`.

The catalogue starts with :data:`zoo.data.builtin.BUILTIN`; :func:`register_dataset`
adds a loader of yours under a new name.
"""

from __future__ import annotations

import logging
import os

from zoo._validate import check_number, check_positive_int, suggest
from zoo.data.builtin import BUILTIN
from zoo.data.dataset import Dataset
from zoo.io import notes_only_if_accepted

_LOADERS = dict(BUILTIN)


def list_datasets() -> list[str]:
    """Names :func:`load` accepts."""
    return sorted(_LOADERS)


def register_dataset(name: str, loader) -> None:
    """Add a loader ``loader(**options) -> Dataset`` under ``name``.

    Raises:
        ValueError: ``name`` is already taken.
    """
    if name in _LOADERS:
        raise ValueError(f"register_dataset: a data set named {name!r} already exists")
    _LOADERS[name] = loader


def load(name, **options) -> Dataset:
    """Load data set ``name``, or the file or folder at a path, as seeded splits.

    Args:
        name: One of :func:`list_datasets` (``digits``, ``classification``,
            ``regression``, ``mnist``, ``fashion_mnist``, ``cifar10``...), or a path
            (a ``str`` with a ``/`` or an extension, or a ``pathlib.Path``) to your
            own data: ``.csv``/``.tsv``/``.parquet``, ``.npz``/``.npy``, ``.txt``, a
            folder of images in class subfolders (see :mod:`zoo.data.files`). A
            name wins over a file of the same name: write ``./digits`` for the file.
        **options: Loader options: ``seed`` (default 0), ``val_size``, ``test_size``;
            for images ``representation`` (``"image"``, ``"flat"``, ``"sequence"``) and,
            for digits, ``image_size``; for ``classification`` ``n_samples``,
            ``n_features``, ``n_classes``, ``weights``; for ``regression`` ``noise``,
            ``outlier_fraction``, ``outlier_scale``; for files those of their kind
            (``target``, ``task``, ``impute``, ``image_size``, ``color_mode``,
            ``column``, ``past``, ``future``...: :func:`zoo.data.files.load_file`).

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: unknown data set or a bad option value; for files a
            :class:`~zoo.data.DataFileError` naming the file and the problem (a missing
            file is also a ``FileNotFoundError``).
        TypeError: an option the loader does not take.
        DataUnavailableError: a download-only data set is offline and not cached.

    Example:
        >>> ds = load("digits", representation="flat", seed=0)
        >>> ds.input_shape, ds.num_classes
        ((64,), 10)
        >>> load("wine.csv", target="label").task  # doctest: +SKIP
        'multiclass'
    """
    from zoo.data import files

    if isinstance(name, os.PathLike) or (isinstance(name, str) and name not in _LOADERS
                                         and files.looks_like_path(name)):
        with notes_only_if_accepted(logging.getLogger("zoo.data")):
            return files.load_file(name, **options)
    if not isinstance(name, str):
        raise TypeError(f"load: data set `name` must be a string or a path, received {name!r}")
    if name not in _LOADERS:
        raise ValueError(f"load: unknown data set {name!r}; available: "
                         f"{', '.join(list_datasets())}, or a path to your data "
                         f"({files.describe_kinds()}).{suggest(name, _LOADERS)}")
    seed = options.get("seed", 0)
    check_positive_int(f"load({name!r})", "seed", seed, allow_zero=True)
    for key in ("val_size", "test_size"):
        if key in options:
            check_number(f"load({name!r})", key, options[key], low=0.0, high=0.5,
                         low_inclusive=False)
    try:
        return _LOADERS[name](**options)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            bad = str(exc).split("argument")[-1].strip()
            raise TypeError(f"load({name!r}): unknown option {bad}") from None
        raise


__all__ = ["list_datasets", "load", "register_dataset"]
