"""Predict with a trained run on raw new data: :func:`predict` (``zoo predict``).

A run directory of ``zoo train`` (``model.keras``) or ``zoo tune``
(``best_model.keras``) trained on a file holds ``preprocessing.json`` beside the
model (:mod:`zoo.data.preprocess`): with it, new data are read and encoded the
way the training file was, without that file. New rows of a table may keep
their string categories and string labels; predictions come back as label
names; when the new data carry labels (the target column of a table, class
subfolders of an image folder, ``y`` in a ``.npz``), the metrics are computed
too, so the test rows of a job give the job's test accuracy.

Example:
    >>> result = predict("runs/wine", "new_wines.csv")
    >>> result.predictions[:3], result.metrics  # doctest: +SKIP
    (array(['barolo', 'barbera', 'barolo'], dtype=object), {'accuracy': 0.963})
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo._validate import check_positive_int
from zoo.data.dataset import DataFileError, MissingDataFileError

logger = logging.getLogger("zoo.prediction")

#: Model files looked for in a run directory, in this order.
MODEL_FILES = ("model.keras", "best_model.keras")


@dataclass
class Prediction:
    """What :func:`predict` returns.

    Attributes:
        predictions: Per sample: the predicted label (its original value: a name,
            a number) for classification; the predicted value(s) for regression (in
            the target's own units); the forecast ``(future, columns)`` for a series.
        probabilities: Class probabilities ``(n, num_classes)``, or ``None``.
        class_names: The classes in the model's order, or ``None``.
        ids: Per sample: its row in the file (from 0) or its image file.
        labels: The true labels when the data carry them, else ``None``.
        metrics: ``accuracy`` (classification) or ``mae``/``rmse`` (regression) on
            the samples with labels; empty without labels.
        task: The model's task.
        model_path: The model file used.
    """

    predictions: np.ndarray
    probabilities: np.ndarray | None
    class_names: list | None
    ids: list
    labels: np.ndarray | None = None
    metrics: dict = field(default_factory=dict)
    task: str = ""
    model_path: str = ""

    def rows(self) -> list[dict]:
        """One dict per sample: ``id``, ``prediction``, the label and class probabilities."""
        rows = []
        for i, ident in enumerate(self.ids):
            row = {"id": ident, "prediction": _cell(self.predictions[i])}
            if self.labels is not None:
                row["label"] = _cell(self.labels[i])
            if self.probabilities is not None and self.class_names:
                row.update({f"p_{name}": float(p) for name, p in
                            zip(self.class_names, self.probabilities[i], strict=True)})
            rows.append(row)
        return rows

    def write_csv(self, path) -> Path:
        """Write :meth:`rows` to ``path`` as CSV (one row per sample)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = self.rows()
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"])
            writer.writeheader()
            writer.writerows(rows)
        return path


def _cell(value):
    if isinstance(value, np.ndarray):
        return " ".join(f"{v:.6g}" for v in value.reshape(-1))
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def model_file(run) -> Path:
    """The model of a run: ``run`` itself (a ``.keras`` file) or the one inside the folder.

    Raises:
        MissingDataFileError: no such file, or a folder without a model.
    """
    run = Path(run)
    if run.is_file():
        return run
    if not run.is_dir():
        raise MissingDataFileError(f"predict: no run directory or model file '{run}'")
    for name in MODEL_FILES:
        if (run / name).is_file():
            return run / name
    raise MissingDataFileError(f"predict: '{run}' holds no {' or '.join(MODEL_FILES)}; give "
                               "the --out directory of zoo train or zoo tune")


def predict(run, data, *, batch_size: int = 256) -> Prediction:
    """Predict with the model of run ``run`` on raw new ``data``.

    Args:
        run: A run directory (``zoo train``'s or ``zoo tune``'s ``--out``) or a
            ``.keras`` file with ``preprocessing.json`` beside it.
        data: New data in the form the model was trained on: a path (a table for a
            table's model, an image file or folder for an image model, ``.npz`` /
            ``.npy`` for arrays, a table with the series' columns for a forecaster),
            or in Python a dict of columns (a table's model) or an array.
        batch_size: Batch size of ``model.predict``.

    Returns:
        A :class:`Prediction`.

    Raises:
        ValueError: data that do not fit the model (a missing feature column, an
            unknown label, another input shape...), naming the file and the problem.
        FileNotFoundError: no run, model or data file (also a ``ValueError``).

    Example:
        >>> predict("runs/wine", "wine_test.csv").metrics["accuracy"]  # doctest: +SKIP
        0.962962...
    """
    from zoo.backend import import_keras
    from zoo.data.preprocess import Preprocessing

    batch_size = check_positive_int("predict", "batch_size", batch_size)
    path = model_file(run)
    if isinstance(data, (str, os.PathLike)) and not Path(data).exists():
        raise MissingDataFileError(f"predict: no such file or folder: '{data}'")
    prep = Preprocessing.load(path.parent)
    if prep is None and (path.parent / "vocab.json").is_file():
        raise DataFileError(f"predict: '{path}' is a character model; continue text with "
                            f"`zoo sample {path.parent}`")
    keras = import_keras()
    model = keras.saving.load_model(path, safe_mode=True)
    kind = "arrays" if prep is None else prep.kind
    reader = {"table": _table_inputs, "images": _image_inputs, "arrays": _array_inputs,
              "series": _series_inputs}[kind]
    x, y, ids = reader(prep, data, model, batch_size)
    outputs = model.predict(x, batch_size=None if _is_batched(x) else batch_size, verbose=0)
    task = prep.task if prep is not None else _task_of(model)
    if kind == "series":
        return _forecast(prep, outputs, ids, path)
    if prep is not None:
        predictions, probabilities = prep.decode(outputs)
        classes = prep.classes
    else:
        from zoo.data.preprocess import decode_outputs

        predictions, probabilities = decode_outputs(outputs, task)
        classes = None if probabilities is None else list(range(probabilities.shape[1]))
    result = Prediction(predictions, probabilities,
                        None if classes is None else [str(c) for c in classes], ids,
                        task=task, model_path=str(path))
    if y is not None:
        result.labels, result.metrics = _score(task, outputs, y, predictions, classes, prep)
    logger.info("predict: %d samples with %s%s", len(ids), path,
                "".join(f", {k} {v:.4f}" for k, v in result.metrics.items()))
    return result


def _is_batched(x) -> bool:
    return not isinstance(x, np.ndarray)


def _task_of(model) -> str:
    """A model's task read from its output layer (runs trained without a file)."""
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "linear")
    units = int(model.outputs[0].shape[-1])
    if activation == "softmax":
        return "multiclass"
    if activation == "sigmoid":
        return "binary" if units == 1 else "multilabel"
    return "regression"


def _score(task, outputs, y, predictions, classes, prep):
    """``(label values, metrics)`` of predictions against encoded labels ``y``."""
    y = np.asarray(y)
    if task == "regression":
        truth = y
        if prep is not None and "target_mean" in prep.config:
            truth = y * prep.config["target_std"] + prep.config["target_mean"]
        error = np.asarray(predictions, dtype="float64").reshape(truth.shape) - truth
        return truth, {"mae": float(np.mean(np.abs(error))),
                       "rmse": float(np.sqrt(np.mean(error ** 2)))}
    index = y.astype("int64").reshape(len(y))
    predicted = np.asarray(outputs).reshape(len(y), -1)
    predicted = (predicted[:, 0] >= 0.5).astype("int64") if task == "binary" \
        else predicted.argmax(axis=1)
    labels = np.asarray(classes, dtype=object)[index] if classes is not None else index
    return labels, {"accuracy": float(np.mean(predicted == index))}


def _table_inputs(prep, data, model, batch_size):
    from zoo.data.tables import Table, read_table

    if isinstance(data, dict):
        columns = {str(k): np.asarray(list(v), dtype=object) for k, v in data.items()}
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise DataFileError(f"predict: the columns of `data` have different lengths "
                                f"{sorted(lengths)}")
        table = Table(Path("<data>"), columns)
    elif isinstance(data, (str, os.PathLike)):
        table = read_table(data, fn="predict")
    else:
        raise TypeError(f"predict: a model trained on the table {prep.source!r} takes a table "
                        f"file or a dict of columns, received {type(data).__name__}")
    x, y = prep.encode_table(table, fn="predict")
    return x, y, list(range(len(table)))


def _image_inputs(prep, data, model, batch_size):
    from zoo.data.images import ImageFiles, class_folders, files_under, is_image_file, scan_images

    config = prep.config
    if isinstance(data, (list, tuple)):
        paths, labels = [str(p) for p in data], None
    else:
        data = Path(data)
        if data.is_file():
            paths, labels = [str(data)], None
        else:
            subfolders = class_folders(data)
            known = set(prep.class_names)
            if subfolders and {p.name for p in subfolders} <= known:
                index = {name: i for i, name in enumerate(prep.class_names)}
                paths, labels = [], []
                for sub in subfolders:
                    files = [str(p) for p in files_under(sub) if is_image_file(p)]
                    paths += files
                    labels += [index[sub.name]] * len(files)
            else:
                paths = [str(p) for p in files_under(data) if is_image_file(p)]
                labels = None
    if not paths:
        raise DataFileError(f"predict: no image files in '{data}'")
    ok, _, _ = scan_images(paths, fn="predict", where=data)
    paths = [p for p, good in zip(paths, ok, strict=True) if good]
    if labels is not None:
        labels = np.asarray(labels)[ok]
    from zoo.data.images import COLOR_MODES

    stream = ImageFiles(paths, None, image_size=config["image_size"],
                        channels=COLOR_MODES[config["color_mode"]],
                        representation=config.get("representation", "image"))
    return stream.batches(batch_size), labels, paths


def _array_inputs(prep, data, model, batch_size):
    from zoo.data.files import check_arrays

    y = None
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        fn = f"predict('{path}')"
        if path.suffix.lower() == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                arrays = {k: archive[k] for k in archive.files}
            key = next((k for k in ("x", "x_test") if k in arrays), None)
            if key is None:
                raise DataFileError(f"{fn}: '{path}' holds the keys {', '.join(arrays)}; "
                                    "expected x (and optionally y), or x_test (and y_test)")
            label_key = "y" + key[1:]
            check_arrays(fn, path, {k: arrays[k] for k in (key, label_key) if k in arrays})
            x, y = arrays[key], arrays.get(label_key)
        elif path.suffix.lower() == ".npy":
            x = np.load(path, allow_pickle=False)
            check_arrays(fn, path, {"x": x})
        else:
            raise DataFileError(f"{fn}: a model trained on arrays predicts on .npz or .npy "
                                f"files, received '{path}'")
    else:
        x = np.asarray(data)
    x = np.asarray(x, dtype="float32")
    expected = tuple(d for d in model.inputs[0].shape[1:])
    if tuple(x.shape[1:]) != expected:
        raise DataFileError(f"predict: the model takes samples of shape {expected}, the data "
                            f"have {tuple(x.shape[1:])}")
    if y is not None and prep is not None:
        y = prep.encode_labels(np.asarray(y).reshape(len(y)).tolist() if prep.task !=
                               "regression" else y, fn="predict", where="y")
    return x, y, list(range(len(x)))


def _series_inputs(prep, data, model, batch_size):
    from zoo.data.files import series_values
    from zoo.data.tables import read_table

    config = prep.config
    table = read_table(data, fn="predict")
    table.require("predict", config["columns"])
    values = series_values(table, config["columns"], fn="predict")
    if len(values) < config["past"]:
        raise DataFileError(f"predict: '{data}' has {len(values)} time steps; the model needs "
                            f"the last {config['past']}")
    window = (values[-config["past"]:] - np.asarray(config["mean"])) / np.asarray(config["std"])
    return window[None].astype("float32"), None, [f"after step {len(values)}"]


def _forecast(prep, outputs, ids, path):
    config = prep.config
    columns = config["columns"]
    forecast = np.asarray(outputs, dtype="float64").reshape(config["future"], len(columns))
    forecast = forecast * np.asarray(config["target_std"]) + np.asarray(config["target_mean"])
    steps = [f"t+{i + 1}" for i in range(config["future"])]
    return Prediction(forecast, None, None, steps, task="regression", model_path=str(path))


__all__ = ["MODEL_FILES", "Prediction", "model_file", "predict"]
