"""Your own data: :func:`load_file` reads a file or folder into a :class:`Dataset`.

``zoo.data.load(PATH, **options)`` (and ``--data PATH`` on the command line)
lands here. The kind of data is recognised by extension or layout:

=====================================  ==========================================
path                                   read as
=====================================  ==========================================
``.csv`` / ``.tsv`` / ``.parquet``     a table (:func:`load_table`); with
                                       ``column=`` a time series (:func:`load_series_file`)
``.npz`` / ``.npy``                    arrays (:func:`load_arrays`)
``.txt``, or a folder of ``.txt``      text for the character model (:func:`load_text_file`)
a folder of class subfolders           images (:func:`zoo.data.images.load_image_folder`)
=====================================  ==========================================

Every loader splits seeded train/validation/test sets (``seed``, ``val_size``,
``test_size``), puts the encoding a model needs in ``meta["preprocessing"]``
(:mod:`zoo.data.preprocess`; written beside the model by ``zoo train`` and
``zoo tune``, read back by ``zoo predict``), and refuses bad input before any
training with a :class:`~zoo.data.DataFileError` (a ``ValueError``) that names
the file and the problem.

Example:
    >>> ds = load_file("wine.csv", target="label", seed=0)
    >>> ds.task, ds.meta["class_names"]  # doctest: +SKIP
    ('multiclass', ['barbera', 'barolo', 'grignolino'])
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

import numpy as np

from zoo._validate import check_choice, check_number, check_positive_int
from zoo.data.dataset import DataFileError, Dataset, MissingDataFileError
from zoo.data.tables import TABLE_EXTENSIONS, first_bad_number, numeric_column, read_table

logger = logging.getLogger("zoo.data")

ARRAY_EXTENSIONS = (".npz", ".npy")
TEXT_EXTENSIONS = (".txt",)
#: Every file extension :func:`load_file` reads (and folders: images or text).
EXTENSIONS = (*TABLE_EXTENSIONS, *ARRAY_EXTENSIONS, *TEXT_EXTENSIONS)
#: Column names taken as the target of a table, in this order, when none is given.
TARGET_NAMES = ("label", "target", "y", "class")
#: Integer targets with at most this many distinct values are classes, not numbers.
MAX_INTEGER_CLASSES = 20
_TASKS = ("binary", "multiclass", "regression")
_SERIES_OPTIONS = ("column", "past", "future", "stride")


def describe_kinds() -> str:
    """One line listing what :func:`load_file` reads (for messages and help)."""
    return (f"{', '.join(EXTENSIONS)} files, a folder of images in one subfolder per class, "
            "or a folder of .txt files")


def looks_like_path(name) -> bool:
    """Whether ``name`` reads as a path rather than a data set name."""
    if not isinstance(name, str):
        return True  # a PathLike
    return ("/" in name or "\\" in name or Path(name).suffix != "" or name.startswith(".")
            or Path(name).exists())


def load_file(path, *, input_kind: str | None = None, **options) -> Dataset:
    """Read the file or folder ``path`` into seeded train/validation/test splits.

    Args:
        path: A file (``.csv``, ``.tsv``, ``.parquet``, ``.npz``, ``.npy``, ``.txt``) or a
            folder (one subfolder of images per class, or ``.txt`` files).
        input_kind: The consuming model's ``input_kind`` (``zoo.registry``); picks the
            representation of images (images, flat vectors, rows as time steps).
        **options: The options of the loader of that kind (see :func:`load_table`,
            :func:`load_series_file`, :func:`load_arrays`, :func:`load_text_file`,
            :func:`zoo.data.images.load_image_folder`); all take ``seed``,
            ``val_size`` and ``test_size``.

    Returns:
        A :class:`Dataset` (streamed for image folders).

    Raises:
        DataFileError: a missing file (:class:`MissingDataFileError`, also a
            ``FileNotFoundError``), an unknown extension, an option the kind does not
            take, or a problem with the data (see each loader).

    Example:
        >>> load_file("digits.npz").summary()  # doctest: +SKIP
    """
    path = Path(path)
    fn = f"load('{path}')"
    if not path.exists():
        raise MissingDataFileError(f"{fn}: no such file or folder: '{path}'")
    if path.is_dir():
        loader, kind = _folder_loader(path, fn)
        if kind == "image folder" and input_kind is not None:
            from zoo.data.builtin import representation_for

            options.setdefault("representation", representation_for(input_kind))
    else:
        suffix = path.suffix.lower()
        if suffix in TABLE_EXTENSIONS:
            series = any(options.get(k) is not None for k in _SERIES_OPTIONS)
            loader, kind = (load_series_file, "time series") if series else (load_table,
                                                                              "table")
        elif suffix in ARRAY_EXTENSIONS:
            loader, kind = load_arrays, f"{suffix} file"
        elif suffix in TEXT_EXTENSIONS:
            loader, kind = load_text_file, "text file"
        else:
            raise DataFileError(f"{fn}: unknown file type {suffix or '(no extension)'!r} of "
                                f"'{path}'; zoo reads {describe_kinds()}")
    options = {k: v for k, v in options.items() if v is not None}
    accepted = [p for p in inspect.signature(loader).parameters if p != "path"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise DataFileError(f"{fn}: option(s) {', '.join(unknown)} do not apply to a {kind}; "
                            f"it takes {', '.join(accepted)}")
    return loader(path, **options)


def _folder_loader(path: Path, fn: str):
    from zoo.data.images import class_folders, load_image_folder

    entries = [p for p in path.iterdir() if not p.name.startswith(".")]
    if not entries:
        raise DataFileError(f"{fn}: folder '{path}' is empty; expected one subfolder of "
                            "images per class, or .txt files")
    texts = [p for p in entries if p.is_file() and p.suffix.lower() in TEXT_EXTENSIONS]
    if texts and not class_folders(path):
        return load_text_file, "text folder"
    return load_image_folder, "image folder"


def _check_split_options(fn, seed, val_size, test_size):
    check_positive_int(fn, "seed", seed, allow_zero=True)
    check_number(fn, "val_size", val_size, low=0.0, high=0.5, low_inclusive=False)
    check_number(fn, "test_size", test_size, low=0.0, high=0.5, low_inclusive=False)


def _names(fn, name, value) -> tuple[str, ...]:
    """A column-name option: one name, a comma-separated string, or a list of names."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"{fn}: `{name}` must be column names, received {name}={value!r}")
    return tuple(value)


# ------------------------------------------------------------------------------- tables


def _default_target(names: list[str]) -> str:
    lowered = {n.lower(): n for n in names}
    for candidate in TARGET_NAMES:
        if candidate in lowered:
            return lowered[candidate]
    return names[-1]


def _target_classes(fn, path, target, cells, task):
    """``(task, classes)`` of a target column: the label values in class order."""
    numbers = numeric_column(cells)
    where = f"target column {target!r} of '{path}'"
    if numbers is not None and np.isinf(numbers).any():
        raise DataFileError(f"{fn}: {where} has {int(np.isinf(numbers).sum())} infinite "
                            "value(s)")
    if task == "regression":
        if numbers is None:
            row, cell = first_bad_number(cells)
            raise DataFileError(f"{fn}: task='regression' needs numbers in the {where}; row "
                                f"{row + 1} has {cell!r}")
        return task, None
    if numbers is not None:
        finite = numbers[~np.isnan(numbers)]
        integer = bool(np.all(finite == np.round(finite)))
        values = np.unique(finite)
        if task is None and (not integer or len(values) > MAX_INTEGER_CLASSES):
            return "regression", None
        classes = [int(v) if integer else float(v) for v in values]
    else:
        from zoo.data.tables import missing_mask, text_column

        texts = text_column(cells)[~missing_mask(cells)]
        classes = sorted(set(texts.tolist()))
    return _class_task(fn, f"the {where}", classes, task,
                       hint=" (or is this the wrong --target?)"), classes


def _class_task(fn, where, classes, task, hint=""):
    """The classification task of labels with ``classes``; one class, or binary with more
    than two, is an error naming ``where``."""
    if len(classes) < 2:
        shown = f" ({classes[0]!r})" if classes else ""
        raise DataFileError(f"{fn}: {where} has one class{shown}; a classifier needs at least "
                            f"2{hint}")
    if task == "binary" and len(classes) != 2:
        raise DataFileError(f"{fn}: task='binary' needs 2 classes, {where} has {len(classes)}")
    return task or ("binary" if len(classes) == 2 else "multiclass")


def load_table(path, *, target=None, task=None, impute=None, drop=None, categorical=None,
               delimiter=None, seed=0, val_size=0.15, test_size=0.15) -> Dataset:
    """A ``.csv`` / ``.tsv`` / ``.parquet`` table as encoded, seeded splits.

    Each row is a sample. The target column is ``target`` (default: a column named
    ``label``, ``target``, ``y`` or ``class``, else the last column); the other
    columns are features: numbers are standardised with training-split statistics,
    strings (and the ``categorical`` columns) one-hot encoded with training-split
    vocabularies, by a ``keras.utils.FeatureSpace``. The task comes from the target:
    two distinct values are ``"binary"``; strings, or up to
    :data:`MAX_INTEGER_CLASSES` distinct integers, are ``"multiclass"`` (label names
    kept in class order for reports and ``zoo predict``); other numbers are
    ``"regression"`` (the target is standardised; ``zoo predict`` returns its own units).

    Args:
        path: The file.
        target: The target column.
        task: Force the task: ``"binary"``, ``"multiclass"`` or ``"regression"``.
        impute: Fill missing feature values with scikit-learn's ``SimpleImputer``:
            ``"mean"``, ``"median"`` or ``"most_frequent"`` (string columns always use
            the most frequent value), learnt on the training split. Without it,
            missing values are an error that names the columns and counts.
        drop: Columns to leave out (an ID, a leak).
        categorical: Numeric columns to one-hot encode as categories.
        delimiter: CSV separator (default: ``","``; tab for ``.tsv``).
        seed, val_size, test_size: The split (stratified for classification).

    Returns:
        A :class:`Dataset` named after the file: float32 features ``(n, d)``; labels
        as class indices (float 0/1 for binary) or standardised numbers. ``meta``
        holds ``class_names``, ``target``, ``features`` (column -> kind), ``rows``
        (the file's row indices of each split, from 0), ``preprocessing`` and ``on_save``.

    Raises:
        DataFileError: a target column that does not exist (the message lists the
            columns), a target with one class, missing or infinite values, no feature
            column, too few rows.

    Example:
        >>> ds = load_table("wine.csv", target="label", seed=0)
    """
    from zoo.data.images import split_indices
    from zoo.data.preprocess import IMPUTE_STRATEGIES, Preprocessing

    path = Path(path)
    fn = f"load('{path}')"
    _check_split_options(fn, seed, val_size, test_size)
    if task is not None:
        task = check_choice(fn, "task", task, _TASKS)
    if impute is not None:
        impute = check_choice(fn, "impute", impute, IMPUTE_STRATEGIES)
    drop, categorical = _names(fn, "drop", drop), _names(fn, "categorical", categorical)
    table = read_table(path, fn=fn, delimiter=delimiter)
    chosen = target is None
    if chosen:  # reported with the summary below: a refused file logs nothing but its error
        target = _default_target(table.names)
    table.require(fn, [target], what="target column")
    table.require(fn, [*drop, *categorical])
    task, classes = _target_classes(fn, path, target, table.columns[target], task)
    features = {}
    for name in table.names:
        if name == target or name in drop:
            continue
        numeric = name not in categorical and numeric_column(table.columns[name]) is not None
        features[name] = "numeric" if numeric else "categorical"
    if not features:
        raise DataFileError(f"{fn}: '{path}' has no feature column besides the target "
                            f"{target!r}")
    if impute is None:
        _refuse_missing(fn, table, features)
    labels = (np.zeros(len(table)) if classes is None
              else _class_codes(table.columns[target], classes))
    train, val, test = split_indices(labels, seed=seed, val_size=val_size, test_size=test_size,
                                     stratify=classes is not None, fn=fn, where=path)
    preprocessing = Preprocessing.fit_table(table, train, target=target, task=task,
                                            classes=classes, features=features, impute=impute,
                                            fn=fn)
    arrays = []
    for rows in (train, val, test):
        arrays.extend(preprocessing.encode_table(table, rows, fn=fn, labels="required"))
    meta = {"class_names": preprocessing.class_names, "target": target, "features": features,
            "rows": {"train": train, "val": val, "test": test}, "source": str(path),
            "preprocessing": preprocessing, "on_save": preprocessing.save}
    if task == "regression":
        meta.update(target_mean=preprocessing.config["target_mean"],
                    target_std=preprocessing.config["target_std"])
    logger.info("%s: %d rows, %d feature columns -> %d inputs, target %r%s (%s)", fn,
                len(table), len(features), arrays[0].shape[1], target,
                " (the default; set target to choose)" if chosen else "", task)
    return Dataset(path.name, *arrays, task=task,
                   num_classes=None if classes is None else len(classes), meta=meta)


def _refuse_missing(fn, table, features) -> None:
    """Missing feature values, counted over the whole file, without ``impute``: an error."""
    from zoo.data.tables import missing_mask

    counts = {name: int(missing_mask(table.columns[name]).sum()) for name in features}
    counts = {name: n for name, n in counts.items() if n}
    if counts:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in counts.items())
        raise DataFileError(f"{fn}: '{table.path}' has missing values in column(s) {listed}; "
                            "fill them, or impute them with --impute mean|median|most_frequent "
                            "(impute=...)")


def _class_codes(cells, classes):
    """Class index per cell (for stratifying the split); missing labels raise later."""
    from zoo.data.preprocess import _label_key

    index = {_label_key(c): i for i, c in enumerate(classes)}
    return np.asarray([index.get(_label_key(c), -1) for c in cells])


# ------------------------------------------------------------------------------- series


def load_series_file(path, *, column=None, past=48, future=12, stride=1, delimiter=None,
                     seed=0, val_size=0.15, test_size=0.15) -> Dataset:
    """Columns of a table as a time series, windowed by :func:`zoo.series.make_windows`.

    The rows are time steps in order; the series is cut by time into train, then
    validation, then test, each standardised with training statistics and cut
    into ``past`` steps in, the next ``future`` steps out (every chosen column is
    forecast).

    Args:
        path: A ``.csv``, ``.tsv`` or ``.parquet`` file.
        column: The column(s) of the series (a name, ``"a,b"`` or a list).
        past, future, stride: Window lengths and the step between windows.
        delimiter: CSV separator.
        seed: Unused by the time split (kept for a uniform signature).
        val_size, test_size: Fractions of the time steps.

    Returns:
        A regression :class:`Dataset` (see :func:`zoo.series.make_windows`), named
        after the file, with ``preprocessing`` and ``on_save`` in ``meta``.

    Raises:
        DataFileError: no ``column``, a column that does not exist (the columns are
            listed), a non-number, missing or infinite values, a series too short.

    Example:
        >>> ds = load_series_file("load.csv", column="kw", past=24, future=6)
    """
    from zoo.data.preprocess import Preprocessing
    from zoo.series import make_windows

    path = Path(path)
    fn = f"load('{path}')"
    _check_split_options(fn, seed, val_size, test_size)
    columns = _names(fn, "column", column)
    table = read_table(path, fn=fn, delimiter=delimiter)
    if not columns:
        raise DataFileError(f"{fn}: a time series needs `column` (--column NAME); the "
                            f"columns of '{path}' are: {', '.join(table.names)}")
    table.require(fn, columns)
    values = series_values(table, columns, fn=fn)
    try:
        ds = make_windows(values, past, future, stride, val_size=val_size,
                          test_size=test_size, name=path.name)
    except ValueError as exc:
        raise DataFileError(f"{fn}: {str(exc).removeprefix('make_windows: ')}") from None
    meta = ds.meta
    preprocessing = Preprocessing.for_series(
        source=path.name, columns=columns, past=meta["past"], future=meta["future"],
        mean=meta["mean"], std=meta["std"], target_mean=meta["target_mean"],
        target_std=meta["target_std"])
    meta.update(columns=list(columns), source=str(path), preprocessing=preprocessing,
                on_save=preprocessing.save)
    return ds


def series_values(table, columns, *, fn) -> np.ndarray:
    """The ``columns`` of a table as a float64 ``(steps, len(columns))`` array.

    Raises:
        DataFileError: a non-number, missing or infinite values (column and count).
    """
    out = []
    for name in columns:
        numbers = numeric_column(table.columns[name])
        if numbers is None:
            row, cell = first_bad_number(table.columns[name])
            raise DataFileError(f"{fn}: column {name!r} of '{table.path}' must hold numbers; "
                                f"row {row + 1} has {cell!r}")
        for bad, what in ((np.isnan(numbers), "missing"), (np.isinf(numbers), "infinite")):
            if bad.any():
                raise DataFileError(f"{fn}: column {name!r} of '{table.path}' has "
                                    f"{int(bad.sum())} {what} value(s) (first at row "
                                    f"{int(np.argmax(bad)) + 1}); fill them before windowing")
        out.append(numbers)
    return np.stack(out, axis=1)


# ------------------------------------------------------------------------------- arrays

#: The key sets a ``.npz`` may hold.
NPZ_LAYOUTS = ("x, y", "x_train, y_train [, x_val, y_val] [, x_test, y_test]")


def _read_npz(fn, path):
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except ValueError as exc:
        raise DataFileError(f"{fn}: '{path}' holds Python objects, which zoo does not load "
                            f"(allow_pickle=False): {exc}") from None
    except Exception as exc:  # noqa: BLE001 - zip and format errors of a damaged file
        raise DataFileError(f"{fn}: '{path}' is not a readable .npz file: {exc}") from None


def _read_npy(fn, path):
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise DataFileError(f"{fn}: '{path}' is not a readable .npy array of numbers or "
                            f"strings: {exc}") from None


def _labels_file(path: Path) -> Path:
    """The labels beside features ``x.npy``: the stem's last ``x``/``X`` turned into ``y``."""
    stem = path.stem
    for i in range(len(stem) - 1, -1, -1):
        if stem[i] in "xX":
            return path.with_name(stem[:i] + "y" + stem[i + 1:] + path.suffix)
    return path.with_name(stem + "_y" + path.suffix)


def check_arrays(fn, path, arrays: dict) -> None:
    """File-level checks: NaN/infinite values (array and counts), x/y lengths.

    Raises:
        DataFileError: naming the file, the array and the counts.
    """
    for name, values in arrays.items():
        if values.dtype.kind in "fc":
            nans, infs = int(np.isnan(values).sum()), int(np.isinf(values).sum())
            if nans or infs:
                raise DataFileError(f"{fn}: array {name!r} of '{path}' has {nans} NaN and "
                                    f"{infs} infinite value(s)")
    for name, values in arrays.items():
        if name.startswith("x"):
            other = "y" + name[1:]
            if other in arrays and len(arrays[other]) != len(values):
                raise DataFileError(f"{fn}: '{path}': {name} has {len(values)} samples but "
                                    f"{other} has {len(arrays[other])}; they must match")


def load_arrays(path, *, target=None, task=None, seed=0, val_size=0.15,
                test_size=0.15) -> Dataset:
    """A ``.npz`` archive, or an ``.npy`` pair, as seeded splits.

    A ``.npz`` holds ``x`` and ``y`` (split here), or ``x_train`` and ``y_train``
    with optional ``x_val``/``y_val`` and ``x_test``/``y_test`` (the missing splits
    are taken from the training arrays). An ``.npy`` file holds the features; its
    labels are the ``.npy`` file named by ``target``, or by default the file beside
    it whose name has ``y`` for the last ``x`` (``x.npy`` -> ``y.npy``,
    ``train_x.npy`` -> ``train_y.npy``).

    Features are cast to float32 as they are. Labels: strings, or 1-D integers,
    are classes (``"binary"`` for two, else ``"multiclass"``; string names kept in
    sorted order); other numbers are regression targets. ``task`` forces the task.

    Args:
        path: The ``.npz`` or features ``.npy`` file.
        target: For ``.npy``: the labels file.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.
        seed, val_size, test_size: The split (stratified for classification).

    Returns:
        A :class:`Dataset` named after the file, with ``class_names``,
        ``preprocessing`` and ``on_save`` in ``meta``.

    Raises:
        DataFileError: a ``.npz`` without the expected keys (its keys are listed), a
            missing labels file, x/y length mismatch, NaN or infinite values, one
            class, object arrays.

    Example:
        >>> ds = load_arrays("digits.npz", seed=0)
    """
    from zoo.data.images import split_indices
    from zoo.data.preprocess import Preprocessing

    path = Path(path)
    fn = f"load('{path}')"
    _check_split_options(fn, seed, val_size, test_size)
    if task is not None:
        task = check_choice(fn, "task", task, _TASKS)
    if path.suffix.lower() == ".npz":
        if target is not None:
            raise DataFileError(f"{fn}: `target` names the labels file of an .npy; a .npz "
                                "holds its labels under the key y (or y_train...)")
        arrays = _read_npz(fn, path)
        if {"x", "y"} <= set(arrays):
            arrays = {"x": arrays["x"], "y": arrays["y"]}
        elif {"x_train", "y_train"} <= set(arrays):
            arrays = {k: v for k, v in arrays.items()
                      if k in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")}
            for split in ("val", "test"):
                if (f"x_{split}" in arrays) != (f"y_{split}" in arrays):
                    raise DataFileError(f"{fn}: '{path}' has only one of x_{split} and "
                                        f"y_{split}")
        else:
            raise DataFileError(f"{fn}: '{path}' holds the keys {', '.join(arrays) or '(none)'}"
                                f"; expected {NPZ_LAYOUTS[0]} or {NPZ_LAYOUTS[1]}")
    else:
        labels_path = Path(target) if target is not None else _labels_file(path)
        if not labels_path.is_file():
            raise MissingDataFileError(
                f"{fn}: no labels file '{labels_path}' for the features '{path}'; give it "
                "with target=PATH (--target PATH), or use a .npz with keys x and y")
        arrays = {"x": _read_npy(fn, path), "y": _read_npy(fn, labels_path)}
    for name, values in arrays.items():
        if values.ndim == 0 or len(values) == 0:
            raise DataFileError(f"{fn}: array {name!r} of '{path}' is empty")
        if name.startswith("x") and values.dtype.kind not in "biuf":
            raise DataFileError(f"{fn}: features {name!r} of '{path}' must be numbers, "
                                f"received dtype {values.dtype}")
    check_arrays(fn, path, arrays)
    all_y = np.concatenate([arrays[k].reshape(len(arrays[k]), -1) for k in arrays
                            if k.startswith("y")])
    task, classes = _array_classes(fn, path, all_y, task)
    encode = Preprocessing.for_arrays(source=path.name, task=task, classes=classes,
                                      input_shape=arrays[next(iter(arrays))].shape[1:])
    splits = {}
    if "x" in arrays:
        y = _encode_array_labels(encode, arrays["y"], fn, path)
        codes = y if classes is not None else np.zeros(len(y))
        train, val, test = split_indices(codes, seed=seed, val_size=val_size,
                                         test_size=test_size, stratify=classes is not None,
                                         fn=fn, where=path)
        for split, rows in (("train", train), ("val", val), ("test", test)):
            splits[split] = (arrays["x"][rows], y[rows])
        rows_meta = {"train": train, "val": val, "test": test}
    else:
        for split in ("train", "val", "test"):
            if f"x_{split}" in arrays:
                splits[split] = (arrays[f"x_{split}"],
                                 _encode_array_labels(encode, arrays[f"y_{split}"], fn, path))
        splits, rows_meta = _split_missing(splits, classes, seed=seed, val_size=val_size,
                                           test_size=test_size, fn=fn, path=path)
    shapes = {split: x.shape[1:] for split, (x, _) in splits.items()}
    if len(set(shapes.values())) > 1:
        raise DataFileError(f"{fn}: the splits of '{path}' have different sample shapes: "
                            + ", ".join(f"{s} {shape}" for s, shape in shapes.items()))
    out = []
    for split in ("train", "val", "test"):
        x, y = splits[split]
        out += [np.asarray(x, dtype="float32"), y]
    meta = {"class_names": encode.class_names, "rows": rows_meta, "source": str(path),
            "preprocessing": encode, "on_save": encode.save}
    return Dataset(path.name, *out, task=task,
                   num_classes=None if classes is None else len(classes), meta=meta)


def _array_classes(fn, path, y, task):
    """``(task, classes)`` of label arrays (all splits, one column per label)."""
    if y.dtype.kind in "US":
        if task == "regression":
            raise DataFileError(f"{fn}: task='regression' needs numeric labels in '{path}', "
                                "received strings")
        classes = sorted(set(np.char.strip(y.astype(str)).reshape(-1).tolist()))
    else:
        if task == "regression":
            return task, None
        values = np.unique(y)
        integer_valued = bool(np.all(values == np.round(values)))
        if task is None and (y.shape[1] != 1 or not (
                y.dtype.kind in "biu" or (integer_valued and len(values) <= MAX_INTEGER_CLASSES))):
            return "regression", None
        if y.shape[1] != 1 or not integer_valued:
            raise DataFileError(f"{fn}: task={task!r} needs one integer class label per "
                                f"sample in '{path}', received labels of shape {y.shape[1:]} "
                                f"and dtype {y.dtype}")
        classes = [int(v) for v in values.tolist()]
    return _class_task(fn, f"the labels of '{path}'", classes, task), classes


def _encode_array_labels(encode, y, fn, path):
    if encode.task == "regression":
        return np.asarray(y, dtype="float32")
    return encode.encode_labels(np.asarray(y).reshape(len(y)).tolist(), fn=fn,
                                where=f"the labels of '{path}'")


def _split_missing(splits, classes, *, seed, val_size, test_size, fn, path):
    """Take the validation and test splits the ``.npz`` lacks from its training arrays."""
    from sklearn.model_selection import train_test_split

    rows = {}
    for split, size in (("test", test_size), ("val", val_size)):
        if split in splits:
            continue
        x, y = splits["train"]
        strat = y if classes is not None and np.unique(y, return_counts=True)[1].min() >= 2 \
            else None
        try:
            x_train, x_other, y_train, y_other = train_test_split(
                x, y, test_size=size, random_state=seed, stratify=strat)
        except ValueError as exc:
            raise DataFileError(f"{fn}: cannot take a {split} split from the {len(x)} "
                                f"training samples of '{path}': {exc}") from None
        splits["train"], splits[split] = (x_train, y_train), (x_other, y_other)
        rows[split] = f"taken from x_train (seed {seed})"
    return splits, rows


# ------------------------------------------------------------------------------- text


def load_text_file(path, *, window=64, stride=None, target="sequence", max_chars=None,
                   lowercase=False, seed=0, val_size=0.1, test_size=0.1) -> Dataset:
    """A ``.txt`` file (or a folder of them) as next-character windows.

    The text (a folder's files in name order, joined by blank lines) is cut by
    position into train, validation and test, the vocabulary fitted on the
    training text, as :func:`zoo.data.builtin.load_text` does with the embedded
    corpus; ``zoo train lstm --data corpus.txt --out DIR`` writes ``vocab.json``
    beside the model, and ``zoo sample DIR`` continues text with it.

    Args:
        path: A UTF-8 ``.txt`` file, or a folder of them.
        window, stride, target, max_chars, lowercase, val_size, test_size: As in
            :func:`zoo.data.builtin.load_text`.
        seed: Unused (the split is by position; kept for a uniform signature).

    Returns:
        A :class:`Dataset` named after the file.

    Raises:
        DataFileError: text that is not UTF-8, empty text, or too short for ``window``.

    Example:
        >>> ds = load_text_file("corpus.txt", window=32)
    """
    from zoo.data.builtin import text_windows

    path = Path(path)
    fn = f"load('{path}')"
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in TEXT_EXTENSIONS
                   and not p.name.startswith(".")) if path.is_dir() else [path]
    parts = []
    for file in files:
        try:
            parts.append(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{fn}: '{file}' is not UTF-8 text ({exc.reason} at byte "
                                f"{exc.start})") from None
    text = "\n\n".join(p.strip("\n") for p in parts if p.strip())
    if not text:
        raise DataFileError(f"{fn}: '{path}' holds no text")
    check_positive_int(fn, "seed", seed, allow_zero=True)
    try:
        return text_windows(text, name=path.name, fn=fn, window=window, stride=stride,
                            target=target, max_chars=max_chars, lowercase=lowercase,
                            val_size=val_size, test_size=test_size)
    except ValueError as exc:
        raise DataFileError(str(exc)) from None


__all__ = ["ARRAY_EXTENSIONS", "EXTENSIONS", "MAX_INTEGER_CLASSES", "NPZ_LAYOUTS",
           "TARGET_NAMES", "TEXT_EXTENSIONS", "check_arrays", "describe_kinds", "load_arrays",
           "load_file", "load_series_file", "load_table", "load_text_file", "looks_like_path",
           "series_values"]
