"""What each ``task`` means: output layer, default loss and default metrics.

=============  ======================  ===============================  =======================
task           output units            output activation / loss         metrics
=============  ======================  ===============================  =======================
binary         1                       sigmoid / binary_crossentropy    accuracy, auc
multiclass     num_classes (>= 2)      softmax / sparse_categorical_ce  accuracy
multilabel     num_classes (>= 1)      sigmoid / binary_crossentropy    accuracy, auc
regression     num_outputs (>= 1)      linear / mse                     mae, rmse
=============  ======================  ===============================  =======================

Multiclass labels are integers by default; pass ``loss="categorical_crossentropy"``
for one-hot labels (the ``"accuracy"`` metric follows the loss).
"""

from __future__ import annotations

from zoo._validate import check_choice, check_positive_int

TASKS = ("binary", "multiclass", "multilabel", "regression")

_OUTPUT_ACTIVATION = {
    "binary": "sigmoid",
    "multiclass": "softmax",
    "multilabel": "sigmoid",
    "regression": "linear",
}
_DEFAULT_LOSS = {
    "binary": "binary_crossentropy",
    "multiclass": "sparse_categorical_crossentropy",
    "multilabel": "binary_crossentropy",
    "regression": "mse",
}


def check_task(fn: str, task, num_classes, num_outputs) -> tuple[str, int]:
    """Validate ``task`` with its class/output count; return ``(task, output_units)``.

    Raises:
        ValueError: unknown task, multiclass without ``num_classes`` or with fewer
            than 2, multilabel without ``num_classes``.
        TypeError: counts that are not ints.
    """
    if task is None:
        raise ValueError(f"{fn}: `task` is required; expected one of {', '.join(map(repr, TASKS))}")
    task = check_choice(fn, "task", task, TASKS)
    if task == "multiclass":
        if num_classes is None:
            raise ValueError(f"{fn}: task='multiclass' needs `num_classes` (an int >= 2)")
        num_classes = check_positive_int(fn, "num_classes", num_classes)
        if num_classes < 2:
            raise ValueError(
                f"{fn}: task='multiclass' needs num_classes >= 2, received num_classes={num_classes}"
                "; use task='binary' for two classes with one sigmoid output"
            )
        return task, num_classes
    if task == "multilabel":
        if num_classes is None:
            raise ValueError(f"{fn}: task='multilabel' needs `num_classes` (the number of labels)")
        return task, check_positive_int(fn, "num_classes", num_classes)
    if task == "regression":
        return task, check_positive_int(fn, "num_outputs", num_outputs)
    return task, 1


def output_activation(task: str) -> str:
    """The output-layer activation for ``task``."""
    return _OUTPUT_ACTIVATION[task]


def default_loss(task: str) -> str:
    """The default loss name for ``task``."""
    return _DEFAULT_LOSS[task]


def default_metrics(task: str) -> list:
    """Fresh default metric objects for ``task`` (a new list on each call)."""
    import keras

    if task == "binary":
        return ["accuracy", keras.metrics.AUC(name="auc")]
    if task == "multiclass":
        return ["accuracy"]
    if task == "multilabel":
        return [
            keras.metrics.BinaryAccuracy(name="accuracy"),
            keras.metrics.AUC(name="auc", multi_label=True),
        ]
    return [keras.metrics.MeanAbsoluteError(name="mae"),
            keras.metrics.RootMeanSquaredError(name="rmse")]
