"""The preprocessing a model needs, saved beside it: :class:`Preprocessing`.

A model trained on a file sees encoded data: standardised numbers, one-hot
categories, class indices instead of label names, images resized and scaled.
To predict on raw new data, without the training file, whatever did that
encoding travels with the model, in the run directory beside ``model.keras``
(``zoo train``) or ``best_model.keras`` (``zoo tune``):

* ``preprocessing.json``: the kind of data, the task, the class names (in the
  order of the model's outputs), and per kind what else is needed: the feature
  columns, their types and the values that fill missing cells (tables); the image
  size and colour mode (image folders); the window lengths and scaling (series);
  the target's mean and standard deviation (regression on a table or a series);
* ``features.keras`` (tables): the fitted ``keras.utils.FeatureSpace`` that
  standardises the numeric columns (training-split statistics) and one-hot
  encodes the string columns (training-split vocabularies, unseen values to an
  out-of-vocabulary slot).

The loaders build a :class:`Preprocessing` and encode the training, validation
and test splits with it, and :func:`zoo.predict` encodes new data with the saved
one, through the same code: the same raw rows give the same model inputs.

Example:
    >>> prep = Preprocessing.load("runs/wine")
    >>> x, y = prep.encode_table(read_table("new.csv"))
    >>> prep.decode(model.predict(x))[0][:3]  # doctest: +SKIP
    array(['barolo', 'barbera', 'barolo'], dtype='<U10')
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from zoo.data.dataset import DataFileError
from zoo.data.tables import Table, first_bad_number, missing_mask, numeric_column, text_column

logger = logging.getLogger("zoo.data")

#: The file beside the model.
PREPROCESSING_FILE = "preprocessing.json"
#: The fitted FeatureSpace of a table, beside the model.
FEATURES_FILE = "features.keras"
KINDS = ("table", "images", "arrays", "series")
IMPUTE_STRATEGIES = ("mean", "median", "most_frequent")


class Preprocessing:
    """What turns raw data into a model's inputs, and its outputs back into labels.

    Build one with :meth:`fit_table`, :meth:`for_images`, :meth:`for_arrays` or
    :meth:`for_series`; :meth:`save` / :meth:`load` carry it beside a model.

    Attributes:
        kind: ``"table"``, ``"images"``, ``"arrays"`` or ``"series"``.
        task: The model's task.
        classes: The original label values in the order of the model's classes
            (strings or numbers), or ``None`` for regression.
        config: Everything else the kind needs (plain JSON).
        feature_space: The fitted ``keras.utils.FeatureSpace`` of a table.
    """

    def __init__(self, kind, *, source, task, classes=None, config=None, feature_space=None):
        self.kind = kind
        self.source = source
        self.task = task
        self.classes = None if classes is None else list(classes)
        self.config = dict(config or {})
        self.feature_space = feature_space

    @property
    def class_names(self) -> list[str] | None:
        """The class labels as strings (for reports and tables)."""
        return None if self.classes is None else [str(c) for c in self.classes]

    # -- building ------------------------------------------------------------------------

    @classmethod
    def for_images(cls, *, source, task, class_names, image_size, color_mode,
                   representation="image"):
        """An image folder's: size, colour mode, representation, class names."""
        return cls("images", source=source, task=task, classes=class_names,
                   config={"image_size": list(image_size), "color_mode": color_mode,
                           "representation": representation, "scale": 1.0 / 255.0})

    @classmethod
    def for_arrays(cls, *, source, task, classes, input_shape):
        """A ``.npz``/``.npy`` file's: the input shape and the original label values."""
        return cls("arrays", source=source, task=task, classes=classes,
                   config={"input_shape": list(input_shape)})

    @classmethod
    def for_series(cls, *, source, columns, past, future, mean, std, target_mean, target_std):
        """A series CSV's: the columns, window lengths and the training scaling."""
        return cls("series", source=source, task="regression",
                   config={"columns": list(columns), "past": past, "future": future,
                           "mean": list(map(float, mean)), "std": list(map(float, std)),
                           "target_mean": list(map(float, target_mean)),
                           "target_std": list(map(float, target_std))})

    @classmethod
    def fit_table(cls, table: Table, train_rows, *, target, task, classes, features,
                  impute=None, fn="load"):
        """Fit a table's encoding on its training rows.

        Numeric columns are standardised and string columns one-hot encoded by a
        ``keras.utils.FeatureSpace`` adapted on the training rows only; with
        ``impute``, scikit-learn's ``SimpleImputer`` learns the fill value of each
        column from the training rows too (the most frequent value for string
        columns, whatever the strategy).

        Args:
            table: The :class:`zoo.data.tables.Table`.
            train_rows: Row indices of the training split.
            target: The target column.
            task: The task.
            classes: Label values in class order (``None`` for regression).
            features: ``{column: "numeric" | "categorical"}``.
            impute: ``None``, ``"mean"``, ``"median"`` or ``"most_frequent"``.
            fn: The caller's name, for messages.

        Returns:
            A fitted table :class:`Preprocessing`.

        Raises:
            DataFileError: a column with no value in the training split.
        """
        keys = {name: f"f{i}" for i, name in enumerate(features)}
        prep = cls("table", source=table.path.name, task=task, classes=classes,
                   config={"target": target, "impute": impute, "fill": {},
                           "features": [{"name": n, "kind": k, "key": keys[n]}
                                        for n, k in features.items()]})
        if impute is not None:
            prep.config["fill"] = _fit_imputer(fn, table, train_rows, features, impute)
        if task == "regression":
            y = numeric_column(table.columns[target])[train_rows]
            std = float(y.std())
            prep.config["target_mean"] = float(y.mean())
            prep.config["target_std"] = std if std > 0 else 1.0
        prep.feature_space = _fit_feature_space(prep, prep._feature_arrays(table, fn, train_rows))
        return prep

    # -- applying ------------------------------------------------------------------------

    def _feature_arrays(self, table: Table, fn: str, rows=None) -> dict:
        """The feature columns of ``table`` typed, filled and keyed for the FeatureSpace."""
        features = self.config["features"]
        table.require(fn, [f["name"] for f in features], what="feature column(s)")
        arrays, missing = {}, {}
        for feature in features:
            name = feature["name"]
            cells = table.columns[name] if rows is None else table.columns[name][rows]
            if feature["kind"] == "numeric":
                values = numeric_column(cells)
                if values is None:
                    row, cell = first_bad_number(cells)
                    raise DataFileError(f"{fn}: column {name!r} of '{table.path}' holds "
                                        f"numbers, but row {row + 1} has {cell!r}")
                infinite = int(np.isinf(values).sum())
                if infinite:
                    raise DataFileError(f"{fn}: column {name!r} of '{table.path}' has "
                                        f"{infinite} infinite value(s)")
                holes = np.isnan(values)
                if holes.any() and name in self.config["fill"]:
                    values[holes] = self.config["fill"][name]
                elif holes.any():
                    missing[name] = int(holes.sum())
                arrays[feature["key"]] = values.astype("float32")
            else:
                holes = missing_mask(cells)
                values = text_column(cells)
                if holes.any() and name in self.config["fill"]:
                    values[holes] = self.config["fill"][name]
                elif holes.any():
                    missing[name] = int(holes.sum())
                arrays[feature["key"]] = values
        if missing:
            counts = ", ".join(f"{name} ({count} rows)" for name, count in missing.items())
            raise DataFileError(f"{fn}: '{table.path}' has missing values in column(s) "
                                f"{counts}; fill them, or impute them with --impute "
                                "mean|median|most_frequent (impute=...)")
        return arrays

    def encode_table(self, table: Table, rows=None, *, fn="encode", labels="if_present"):
        """A table's rows as the model's inputs, and their labels when the target is there.

        Args:
            table: The rows (read with :func:`zoo.data.tables.read_table`).
            rows: Row indices to encode (default all).
            fn: The caller's name, for messages.
            labels: ``"if_present"``, ``"required"`` or ``"no"``.

        Returns:
            ``(x, y)``: float32 features ``(n, d)``; class indices, standardised
            targets, or ``None`` when the target column is absent.

        Raises:
            DataFileError: a missing feature column, a non-number in a numeric
                column, missing or infinite values, an unknown label.
        """
        arrays = self._feature_arrays(table, fn, rows)
        x = np.asarray(self.feature_space(arrays), dtype="float32")
        target = self.config["target"]
        if labels == "no" or (labels == "if_present" and target not in table.columns):
            return x, None
        table.require(fn, [target], what="target column")
        cells = table.columns[target] if rows is None else table.columns[target][rows]
        return x, self.encode_labels(cells, fn=fn, where=f"column {target!r} of '{table.path}'")

    def encode_labels(self, values, *, fn="encode", where="the labels"):
        """Label values as the model's targets: class indices or standardised numbers.

        Raises:
            DataFileError: missing labels, or a class the model does not know.
        """
        values = np.asarray(values, dtype=object)
        holes = missing_mask(values)
        if holes.any():
            rows = np.flatnonzero(holes)[:5] + 1
            raise DataFileError(f"{fn}: {where} has {int(holes.sum())} missing label(s) "
                                f"(rows {', '.join(map(str, rows))}...); labels cannot be "
                                "imputed: remove those rows")
        if self.task == "regression":
            numbers = numeric_column(values)
            if numbers is None:
                row, cell = first_bad_number(values)
                raise DataFileError(f"{fn}: {where} must hold numbers for a regression, row "
                                    f"{row + 1} has {cell!r}")
            return ((numbers - self.config.get("target_mean", 0.0))
                    / self.config.get("target_std", 1.0)).astype("float32")
        index = {_label_key(c): i for i, c in enumerate(self.classes)}
        keys = [_label_key(v) for v in values]
        unknown = sorted({str(v) for v, k in zip(values, keys, strict=True) if k not in index})
        if unknown:
            raise DataFileError(f"{fn}: {where} holds label(s) the model was not trained on: "
                                f"{', '.join(unknown[:10])}; its classes are "
                                f"{', '.join(self.class_names)}")
        y = np.asarray([index[k] for k in keys], dtype="int32")
        return y.astype("float32") if self.task == "binary" else y

    def decode(self, outputs):
        """Model outputs -> ``(predictions, probabilities)``.

        Classification: the predicted label values (``classes``) and the class
        probabilities ``(n, num_classes)``; regression: the predictions in the
        target's own units and ``None``.
        """
        return decode_outputs(outputs, self.task, self.classes,
                              self.config.get("target_mean"), self.config.get("target_std"))

    # -- files ---------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {"kind": self.kind, "source": self.source, "task": self.task,
                "classes": self.classes, "class_names": self.class_names,
                "config": self.config}

    def save(self, directory) -> dict:
        """Write ``preprocessing.json`` (and ``features.keras`` for a table) into ``directory``.

        Returns:
            ``{"preprocessing": path[, "features": path]}``.
        """
        from zoo.io import write_json

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        files = {"preprocessing": write_json(directory / PREPROCESSING_FILE, self.to_json())}
        if self.feature_space is not None:
            files["features"] = directory / FEATURES_FILE
            self.feature_space.save(files["features"])
        return files

    @classmethod
    def load(cls, directory) -> Preprocessing | None:
        """The preprocessing saved in ``directory``, or ``None`` if there is none.

        Raises:
            ValueError: a damaged or foreign ``preprocessing.json``.
        """
        from zoo.io import read_json

        path = Path(directory) / PREPROCESSING_FILE
        if not path.is_file():
            return None
        data = read_json(path, what="preprocessing file")
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise DataFileError(f"'{path}' is not a zoo preprocessing file (no known 'kind')")
        feature_space = None
        if data["kind"] == "table":
            features = Path(directory) / FEATURES_FILE
            if not features.is_file():
                raise DataFileError(f"'{path}' needs '{features}' beside it (the fitted "
                                    "FeatureSpace); copy the whole run directory")
            import keras

            feature_space = keras.saving.load_model(features)
        return cls(data["kind"], source=data.get("source"), task=data["task"],
                   classes=data.get("classes"), config=data.get("config"),
                   feature_space=feature_space)


def decode_outputs(outputs, task, classes=None, target_mean=None, target_std=None):
    """Model outputs -> ``(predictions, probabilities)`` (see :meth:`Preprocessing.decode`)."""
    outputs = np.asarray(outputs, dtype="float64")
    if task == "regression":
        if target_mean is not None:
            outputs = outputs * np.asarray(target_std) + np.asarray(target_mean)
        return outputs.reshape(len(outputs)) if outputs.shape[1:] == (1,) else outputs, None
    if task == "binary":
        p = outputs.reshape(len(outputs))
        probabilities = np.stack([1.0 - p, p], axis=1)
    elif task == "multilabel":
        return (outputs >= 0.5).astype("int32"), outputs
    else:
        probabilities = outputs
    index = probabilities.argmax(axis=1)
    if classes is None:
        return index, probabilities
    return np.asarray(classes, dtype=object)[index], probabilities


def _label_key(value):
    """Labels compare by value: ``3``, ``3.0`` and ``"3"`` are one class; strings stripped."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def _fit_imputer(fn, table, train_rows, features, strategy) -> dict:
    """Fill values per column learnt on the training rows (scikit-learn's SimpleImputer)."""
    from sklearn.impute import SimpleImputer

    fill = {}
    for name, kind in features.items():
        cells = table.columns[name][train_rows]
        if not missing_mask(table.columns[name]).any():
            continue
        if kind == "numeric":
            values = numeric_column(cells)
            if values is None or np.isnan(values).all():
                raise DataFileError(f"{fn}: column {name!r} of '{table.path}' has no value "
                                    "in the training split to impute from")
            imputer = SimpleImputer(strategy=strategy).fit(values.reshape(-1, 1))
            fill[name] = float(imputer.statistics_[0])
        else:
            values = text_column(cells).astype(object)
            values[missing_mask(cells)] = np.nan
            if missing_mask(cells).all():
                raise DataFileError(f"{fn}: column {name!r} of '{table.path}' has no value "
                                    "in the training split to impute from")
            imputer = SimpleImputer(strategy="most_frequent").fit(values.reshape(-1, 1))
            fill[name] = str(imputer.statistics_[0])
        logger.info("%s: %d missing value(s) of column %r filled with %r (%s)", fn,
                    int(missing_mask(table.columns[name]).sum()), name, fill[name],
                    strategy if kind == "numeric" else "most_frequent")
    return fill


def _fit_feature_space(prep, train_arrays):
    """A ``keras.utils.FeatureSpace`` adapted on the training rows."""
    import tensorflow as tf

    from zoo.backend import import_keras

    keras = import_keras()
    space = keras.utils.FeatureSpace
    specs = {f["key"]: (space.float_normalized() if f["kind"] == "numeric"
                        else space.string_categorical(num_oov_indices=1))
             for f in prep.config["features"]}
    feature_space = space(features=specs, output_mode="concat")
    feature_space.adapt(tf.data.Dataset.from_tensor_slices(train_arrays).batch(1024))
    return feature_space


__all__ = ["FEATURES_FILE", "IMPUTE_STRATEGIES", "PREPROCESSING_FILE", "Preprocessing",
           "decode_outputs"]
