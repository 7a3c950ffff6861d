"""Cross-validated trials (``cv=K``): K models per trial on folds of train+validation.

On a small data set one validation split picks hyperparameters partly by luck.
With ``run_search(..., cv=K)`` (``zoo tune --cv K``) every trial trains K models,
fold ``k`` validating on the ``k``-th of K folds of the training and validation
splits together and training on the rest (scikit-learn's ``StratifiedKFold``
for classification, ``KFold`` otherwise, shuffled with the search's seed). The
oracle gets the mean of the folds' best-epoch objectives (keras-tuner averages
a trial's results); the folds' scores and their spread go to ``trials.csv``
and ``report.json`` (``cv_scores``, ``cv_std``). The final model is refit on
all of train+validation for the mean of the folds' best epoch counts.

The fold loop runs inside the tuner (:class:`tuning.checkpoint.TrialResume`), so
it works for every algorithm, with distributed workers and with mid-trial resume
(each fold has its own checkpoint; a finished fold is not trained again). With
Hyperband every fold of a trial trains from scratch for the trial's epoch budget
(``tuner/epochs``), so all folds spend the same budget; parent trials' models
are not continued.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

CV_FILE = "cv.json"

#: Tasks whose folds keep the class proportions (``StratifiedKFold``).
STRATIFIED_TASKS = ("multiclass", "binary")


def fold_indices(y, k, *, seed, task):
    """The ``(train_rows, validation_rows)`` of each of ``k`` folds of the labels ``y``.

    Args:
        y: The labels of train+validation (class ids, one-hot rows or targets).
        k: Number of folds (an int >= 2, checked by :class:`tuning.config.SearchConfig`).
        seed: Shuffle seed (``None``: unseeded).
        task: The data's task; ``"multiclass"``/``"binary"`` folds are stratified.

    Returns:
        A list of ``k`` pairs of index arrays.

    Raises:
        ValueError: fewer samples than folds.

    Example:
        >>> folds = fold_indices(np.array([0, 1] * 10), 5, seed=0, task="binary")
        >>> len(folds), len(folds[0][1])
        (5, 4)
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    y = np.asarray(y)
    if len(y) < k:
        raise ValueError(f"cv: {k} folds need at least {k} samples, the data have {len(y)}")
    if task in STRATIFIED_TASKS:
        labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), labels))
    return list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y))))


def take(value, rows):
    """``value`` (an array or a list/dict of arrays) at ``rows``."""
    if isinstance(value, dict):
        return {k: take(v, rows) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(take(v, rows) for v in value)
    return None if value is None else value[rows]


def best_value(history, objective):
    """A fold's best value of ``objective`` (a keras-tuner ``Objective``) in its ``History``."""
    values = [v for v in getattr(history, "history", {}).get(objective.name, [])
              if v is not None and math.isfinite(v)]
    if not values:
        return None
    return max(values) if objective.direction == "max" else min(values)


def write_fold_scores(trial_dir, scores) -> None:
    """Record a trial's fold scores in ``trial_dir/cv.json`` (read by :func:`fold_summary`)."""
    path = os.path.join(trial_dir, CV_FILE)
    with open(path + ".tmp", "w") as f:
        json.dump({"scores": scores}, f)
    os.replace(path + ".tmp", path)


def fold_summary(trial_dir) -> dict:
    """``{"cv_scores": [...], "cv_std": ...}`` of a trial (empty when it has none).

    ``cv_std`` is the population standard deviation of the finite fold scores.
    """
    path = os.path.join(trial_dir, CV_FILE)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        scores = json.load(f)["scores"]
    finite = [s for s in scores if s is not None]
    return {"cv_scores": scores, "cv_std": float(np.std(finite)) if finite else None}
