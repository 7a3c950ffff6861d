"""The :class:`Dataset` every loader returns, and the error of an unreachable download.

A leaf module (NumPy only): :mod:`zoo.series` and :mod:`zoo.text` build or raise
these without importing the rest of :mod:`zoo.data`.

A split is either in memory (``x_<split>`` and ``y_<split>`` numpy arrays, the
fast path) or streamed: ``x_<split>`` is then a :class:`zoo.data.streams.Stream`
(an image folder read batch by batch, or a ``tf.data.Dataset`` / ``PyDataset``
the caller passed) and ``y_<split>`` is ``None``, the labels travelling in the
stream. The methods below (:meth:`Dataset.fit_inputs`, :meth:`Dataset.peek`,
:meth:`Dataset.size`...) let the training and tuning jobs treat both alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SPLITS = ("train", "val", "test")


class DataUnavailableError(RuntimeError):
    """A data set that must be downloaded is neither reachable nor cached."""


class DataFileError(ValueError):
    """A data file or folder that cannot be used; the message names it and the problem."""


class MissingDataFileError(DataFileError, FileNotFoundError):
    """A data file or folder that does not exist (a ``ValueError`` and a ``FileNotFoundError``)."""


def is_stream(value) -> bool:
    """Whether ``value`` is a :class:`zoo.data.streams.Stream` (duck-typed: no import)."""
    return bool(getattr(value, "zoo_stream", False))


@dataclass
class Dataset:
    """Train/validation/test splits plus what a model needs to know about them.

    Attributes:
        name: Data set name.
        x_train, y_train, x_val, y_val, x_test, y_test: numpy arrays, or for a
            streamed split a :class:`zoo.data.streams.Stream` in ``x_<split>`` and
            ``None`` in ``y_<split>``. A streamed data set may have no test split
            (``x_test is None``).
        task: The task the labels define (``zoo.tasks.TASKS``).
        num_classes: Number of classes for classification, else ``None``.
        meta: Extra facts (representation, outlier masks, class names, the
            ``preprocessing`` saved with a model, ``on_save``...).
    """

    name: str
    x_train: object
    y_train: object
    x_val: object
    y_val: object
    x_test: object
    y_test: object
    task: str
    num_classes: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def streamed(self) -> bool:
        """Whether the splits are streamed batch by batch rather than held as arrays."""
        return is_stream(self.x_train)

    @property
    def input_shape(self) -> tuple:
        """Shape of one sample (batch axis excluded)."""
        if self.streamed:
            return tuple(self.x_train.input_shape)
        return tuple(self.x_train.shape[1:])

    def model_kwargs(self) -> dict:
        """The ``input_shape``/``task``/``num_classes`` arguments a factory needs.

        Plus whatever the loader put in ``meta["model_kwargs"]`` (``vocab_size`` and
        ``return_sequences`` for the character text).
        """
        kwargs = {"input_shape": self.input_shape, "task": self.task}
        if self.task in ("multiclass", "multilabel"):
            kwargs["num_classes"] = self.num_classes
        if self.task == "regression":
            label_shape = (self.x_train.label_shape if self.streamed
                           else np.shape(self.y_train)[1:])
            if len(label_shape):
                kwargs["num_outputs"] = int(label_shape[0])
        # A loader may add factory arguments (the text data's vocab_size...).
        kwargs.update(self.meta.get("model_kwargs", {}))
        return kwargs

    # -- splits, arrays or streams alike -----------------------------------------------

    def has_split(self, split: str) -> bool:
        """Whether split ``"train"``, ``"val"`` or ``"test"`` holds data."""
        return getattr(self, f"x_{split}") is not None

    def size(self, split: str = "train") -> int | None:
        """Samples in ``split`` (``None`` when a stream does not know its length)."""
        x = getattr(self, f"x_{split}")
        if x is None:
            return 0
        return x.size if is_stream(x) else len(x)

    def labels(self, split: str) -> np.ndarray | None:
        """The labels of ``split`` as an array, or ``None`` if only the stream holds them."""
        x = getattr(self, f"x_{split}")
        if x is None:
            return None
        return x.labels if is_stream(x) else np.asarray(getattr(self, f"y_{split}"))

    def steps_per_epoch(self, batch_size: int) -> int | None:
        """Training batches per epoch at ``batch_size`` (a stream's own when it batches)."""
        if self.streamed:
            return self.x_train.steps(batch_size)
        return max(1, -(-len(self.x_train) // batch_size))

    def fit_inputs(self, split: str, *, batch_size: int, shuffle: bool = False,
                   seed: int | None = None) -> dict:
        """The ``x``/``y``/``batch_size`` keywords of ``fit``/``evaluate``/``predict``.

        Arrays come back as they are (with ``batch_size``); a stream as its batched
        ``tf.data.Dataset`` or ``PyDataset`` (no ``batch_size``: the stream batches).

        Example:
            >>> model.evaluate(**ds.fit_inputs("test", batch_size=256), verbose=0)
        """
        x = getattr(self, f"x_{split}")
        if is_stream(x):
            return {"x": x.batches(batch_size, shuffle=shuffle, seed=seed)}
        return {"x": x, "y": getattr(self, f"y_{split}"), "batch_size": batch_size}

    def train_inputs(self, *, batch_size: int, seed: int | None = None) -> dict:
        """Every keyword ``fit`` needs to train on ``train`` and validate on ``val``.

        Arrays as they are (``fit`` shuffles them); an image folder as batches shuffled
        by its pipeline (``shuffle=False`` for ``fit``, which would only warn); a caller's
        ``tf.data`` as given, and a ``PyDataset`` with ``fit``'s default shuffling.

        Example:
            >>> model.fit(**ds.train_inputs(batch_size=32, seed=0), epochs=5)
        """
        inputs = self.fit_inputs("train", batch_size=batch_size, shuffle=True, seed=seed)
        inputs["validation_data"] = self.validation_data(batch_size)
        if self.streamed and getattr(self.x_train, "kind", "tf.data") == "tf.data":
            inputs["shuffle"] = False
        return inputs

    def validation_data(self, batch_size: int):
        """What ``fit(validation_data=...)`` takes for the validation split."""
        if is_stream(self.x_val):
            return self.x_val.batches(batch_size)
        return (self.x_val, self.y_val)

    def peek(self, split: str = "val", n: int = 4) -> tuple:
        """The first ``n`` samples of ``split`` as numpy ``(x, y)`` (a few, for checks)."""
        x = getattr(self, f"x_{split}")
        if is_stream(x):
            return x.peek(n)
        return x[:n], getattr(self, f"y_{split}")[:n]

    def merged(self, *splits: str):
        """``splits`` joined into one training set: ``(x, y)`` arrays, or ``(stream, None)``.

        What the tuner's refit on train+validation trains on.
        """
        if self.streamed:
            stream = getattr(self, f"x_{splits[0]}")
            for split in splits[1:]:
                stream = stream.concatenate(getattr(self, f"x_{split}"))
            return stream, None
        x = np.concatenate([getattr(self, f"x_{s}") for s in splits])
        y = np.concatenate([getattr(self, f"y_{s}") for s in splits])
        return x, y

    def summary(self) -> str:
        def count(split):
            n = self.size(split)
            return "?" if n is None else str(n)

        streamed = ", streamed" if self.streamed else ""
        inferred = " (inferred from the labels)" if self.meta.get("task_inferred") else ""
        return (f"{self.name}: train {count('train')}, val {count('val')}, "
                f"test {count('test')}, input {self.input_shape}, task {self.task}{inferred}"
                f"{streamed}")


__all__ = ["SPLITS", "DataFileError", "DataUnavailableError", "Dataset", "MissingDataFileError",
           "is_stream"]
