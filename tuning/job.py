"""A search job: what every process of it needs (:class:`Job`) and its trial clock.

A job lives in one directory: keras-tuner's project (trials, checkpoints, oracle
state) in ``<directory>/<project_name>``, the report files next to it.
:class:`Job` holds the hypermodel, the data and the :class:`SearchConfig`, and is
pickled for the worker processes of a distributed search. :class:`TrialClock`
times the trials on the oracle that owns the search and keeps the times in
``<project>/zoo_trials.json``, so a resumed search keeps the earlier ones.
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass

from tuning.config import SearchConfig
from zoo.io import jsonable, read_json, show_progress, write_json

logger = logging.getLogger("tuning.job")

CLOCK_FILE = "zoo_trials.json"


@dataclass
class Job:
    """Everything a process needs to take part in a search (picklable for workers).

    Attributes:
        hypermodel: A ``keras_tuner.HyperModel`` or a ``build(hp)`` function.
        dataset: The :class:`zoo.data.Dataset` searched on.
        config: The search's :class:`tuning.config.SearchConfig`.
    """

    hypermodel: object
    dataset: object
    config: SearchConfig

    def progress(self, line: str) -> None:
        """Report a step of the job: shown with ``config.verbose`` (the line ``zoo tune``
        prints, :func:`zoo.io.show_progress`), else logged at INFO; never both."""
        if self.config.verbose:
            show_progress(line, logger)
        else:
            logger.info("%s", line)

    def make_tuner(self, *, overwrite: bool | None = None):
        """The job's tuner (``overwrite=False``: never wipe the shared project)."""
        from tuning.tuners import tuner_from_config

        return tuner_from_config(self.config, self.hypermodel, overwrite=overwrite)

    def search(self, tuner) -> None:
        """Run ``tuner.search`` on the job's data with early stopping per trial."""
        import keras

        data, config = self.dataset, self.config
        direction = tuner.oracle.objective.direction if hasattr(
            tuner.oracle, "objective") else "min"
        callbacks = [keras.callbacks.EarlyStopping(
            monitor=config.objective_name, patience=config.patience,
            mode="max" if direction == "max" else "min")]
        if config.tensorboard:
            callbacks.append(keras.callbacks.TensorBoard(config.tensorboard))
        args, kwargs = fit_inputs(self.hypermodel, data, "train", seed=config.seed)
        tuner.search(*args, **kwargs, epochs=config.max_epochs, callbacks=callbacks, verbose=0)


def fit_inputs(hypermodel, dataset, *splits, validation: str | None = "val", seed=None):
    """``(args, kwargs)`` for ``tuner.search`` / ``hypermodel.fit``: ``splits`` to train on.

    Arrays go as ``(x, y)`` with ``validation_data=(x_val, y_val)``. Streamed
    splits go to a zoo hypermodel as streams (it batches them at each trial's tuned
    batch size, :meth:`tuning.hypermodels.ZooHyperModel.fit`), and to any other
    hypermodel as their batches (Keras' default batch size of 32 for an image folder).

    Args:
        hypermodel: The job's hypermodel.
        dataset: The :class:`zoo.data.Dataset`.
        *splits: The training splits (``"train"``, or ``"train", "val"`` to refit on both).
        validation: The validation split, or ``None`` for none.
        seed: Shuffle seed of streamed training data.
    """
    from tuning.hypermodels import ZooHyperModel, stream_fit_inputs

    x, y = dataset.merged(*splits) if len(splits) > 1 else (
        getattr(dataset, f"x_{splits[0]}"), getattr(dataset, f"y_{splits[0]}"))
    if not dataset.streamed:
        kwargs = {} if validation is None else {
            "validation_data": (getattr(dataset, f"x_{validation}"),
                                getattr(dataset, f"y_{validation}"))}
        return (x, y), kwargs
    val = None if validation is None else getattr(dataset, f"x_{validation}")
    if isinstance(hypermodel, ZooHyperModel):
        return (x, None), ({} if val is None else {"validation_data": val})
    return stream_fit_inputs(x, val, seed=seed)


class TrialClock:
    """Times trials and reports progress by wrapping an oracle's create/end calls.

    Works on the oracle that owns the search (single process or distributed
    chief), so the times and the worker of every trial are recorded whichever
    process runs it. The records persist in ``<project>/zoo_trials.json`` so a
    resumed search keeps the earlier times.

    Args:
        oracle: The search's oracle (its ``create_trial``/``end_trial`` are wrapped).
        project_dir: keras-tuner's project directory.
        progress: ``f(row: dict)`` called after every trial (see :func:`trial_row`;
            plus ``best``, ``done`` and ``budget``).
        budget: Expected number of trials (for progress).
    """

    def __init__(self, oracle, project_dir, *, progress=None, budget=None):
        self.oracle = oracle
        self.path = os.path.join(project_dir, CLOCK_FILE)
        self.progress = progress
        self.budget = budget
        self.records = {}
        self._live = set()  # trials started by this process (a resumed trial restarts)
        if os.path.exists(self.path):
            try:
                self.records = read_json(self.path, what="trial clock")
            except ValueError:  # a kill while writing: start the clock file afresh
                self.records = {}
        self._create = oracle.create_trial
        self._end = oracle.end_trial
        oracle.create_trial = self.create_trial
        oracle.end_trial = self.end_trial

    def _save(self):
        write_json(self.path, self.records)

    def create_trial(self, tuner_id):
        trial = self._create(tuner_id)
        if trial.status == "RUNNING":
            rec = self.records.setdefault(trial.trial_id, {"attempts": 0})
            key = (trial.trial_id, tuner_id)
            if key not in self._live or "end" in rec:
                self._live.add(key)
                rec.update(start=time.time(), worker=tuner_id, running_on=tuner_id)
                rec["attempts"] += 1
                rec.pop("end", None)
                self._save()
        return trial

    def end_trial(self, trial):
        from tuning import _compat

        self._end(trial)
        stored = self.oracle.trials[trial.trial_id]
        rec = self.records.setdefault(trial.trial_id, {"attempts": 1, "start": time.time()})
        rec["end"] = time.time()
        rec["seconds"] = rec["end"] - rec.get("start", rec["end"])
        rec.pop("running_on", None)
        self._save()
        row = trial_row(stored, rec)
        row["best"] = _best_score(self.oracle)
        row["done"] = _compat.trials_ended(self.oracle)
        row["budget"] = self.budget
        logger.debug("trial %s (%s) %s=%s best=%s %.1fs %s", row["trial_id"], row["worker"],
                     self.oracle.objective.name, row["score"], row["best"], row["seconds"],
                     row["hyperparameters"])
        if self.progress is not None:
            self.progress(row)

    def forget_worker(self, tuner_id):
        """Put the trial a dead worker was running back in the queue (chief side)."""
        from tuning import _compat

        trial = _compat.requeue_trial_of(self.oracle, tuner_id)
        if trial is not None:
            logger.warning("worker %s died during trial %s; the trial goes back in the queue",
                           tuner_id, trial.trial_id)
        for rec in self.records.values():
            if rec.get("running_on") == tuner_id:
                rec.pop("running_on")
        self._save()


def _score(value):
    """A trial's score as a finite float, or ``None`` (no score, NaN or infinite)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _best_score(oracle):
    best = oracle.get_best_trials(1)
    return None if not best else _score(best[0].score)


def trial_row(trial, record=None) -> dict:
    """One row of the trial table for a keras-tuner ``Trial`` (strict JSON values).

    Args:
        trial: A keras-tuner ``Trial``.
        record: Its :class:`TrialClock` record (``seconds``, ``worker``, ``attempts``).

    Returns:
        ``{"trial_id", "status", "score", "best_step", "seconds", "worker",
        "attempts", "hyperparameters"}``; a missing or non-finite score is ``None``.
    """
    record = record or {}
    return {"trial_id": trial.trial_id, "status": str(trial.status),
            "score": _score(trial.score), "best_step": jsonable(trial.best_step),
            "seconds": record.get("seconds"), "worker": record.get("worker"),
            "attempts": record.get("attempts"),
            "hyperparameters": jsonable(dict(trial.hyperparameters.values))}


def format_trial(row: dict, objective: str) -> str:
    """The one line of progress of a finished trial (what ``zoo tune`` prints).

    Args:
        row: A :class:`TrialClock` row (:func:`trial_row` plus ``best``, ``done``,
            ``budget``).
        objective: The objective's name.

    Returns:
        ``"[trial 3/70] id=0002 val_loss=0.1234 best=0.1000 (2.3 s)  units=64, ..."``
        (the worker's name after the id in a distributed search).

    Example:
        >>> format_trial({"done": 1, "budget": 2, "trial_id": "00", "worker": None,
        ...               "score": 0.5, "best": 0.5, "seconds": 1.0,
        ...               "hyperparameters": {"units": 64}}, "val_loss")
        '[trial 1/2] id=00 val_loss=0.5000 best=0.5000 (1.0 s)  units=64'
    """
    budget = f"/{row['budget']}" if row.get("budget") else ""
    score = "failed" if row["score"] is None else f"{row['score']:.4f}"
    best = "-" if row["best"] is None else f"{row['best']:.4f}"
    hps = ", ".join(f"{k}={_short(v)}" for k, v in row["hyperparameters"].items()
                    if not k.startswith("tuner/") or k == "tuner/epochs")
    worker = f" {row['worker']}" if row.get("worker") else ""
    return (f"[trial {row['done']}{budget}] id={row['trial_id']}{worker} {objective}={score} "
            f"best={best} ({row['seconds'] or 0.0:.1f} s)  {hps}")


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
