"""The :class:`Dataset` every loader returns, and the error of an unreachable download.

A leaf module (NumPy only): :mod:`zoo.series` and :mod:`zoo.text` build or raise
these without importing the rest of :mod:`zoo.data`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class DataUnavailableError(RuntimeError):
    """A data set that must be downloaded is neither reachable nor cached."""


@dataclass
class Dataset:
    """Train/validation/test splits plus what a model needs to know about them.

    Attributes:
        name: Data set name.
        x_train, y_train, x_val, y_val, x_test, y_test: numpy arrays.
        task: The task the labels define (``zoo.tasks.TASKS``).
        num_classes: Number of classes for classification, else ``None``.
        meta: Extra facts (representation, outlier masks, class names...).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    num_classes: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def input_shape(self) -> tuple:
        """Shape of one sample (batch axis excluded)."""
        return tuple(self.x_train.shape[1:])

    def model_kwargs(self) -> dict:
        """The ``input_shape``/``task``/``num_classes`` arguments a factory needs.

        Plus whatever the loader put in ``meta["model_kwargs"]`` (``vocab_size`` and
        ``return_sequences`` for the character text).
        """
        kwargs = {"input_shape": self.input_shape, "task": self.task}
        if self.task in ("multiclass", "multilabel"):
            kwargs["num_classes"] = self.num_classes
        if self.task == "regression" and self.y_train.ndim > 1:
            kwargs["num_outputs"] = self.y_train.shape[1]
        # A loader may add factory arguments (the text data's vocab_size...).
        kwargs.update(self.meta.get("model_kwargs", {}))
        return kwargs

    def summary(self) -> str:
        return (f"{self.name}: train {len(self.x_train)}, val {len(self.x_val)}, "
                f"test {len(self.x_test)}, input {self.input_shape}, task {self.task}")


__all__ = ["DataUnavailableError", "Dataset"]
