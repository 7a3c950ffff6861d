"""Run a whole tuning job: data -> tuner -> search -> best model -> test metrics -> report.

:func:`run_search` is the one call behind ``zoo tune``. A job lives in one
directory: keras-tuner's project (trials, checkpoints, oracle state) in
``<directory>/<project_name>``, and the report files next to it. Running the same
job again with the same directory resumes it: finished trials are kept, a trial
interrupted by a crash (even ``SIGKILL``) is run again, and the search stops at
the same budget; ``overwrite=True`` starts afresh.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass, field

import numpy as np

from tuning.tuners import ALGORITHMS, check_objective, make_tuner, objective_names
from zoo._validate import check_choice, check_positive_int

logger = logging.getLogger("tuning.search")

ROLES = ("chief", "worker")
REFITS = ("train+val", "train", False)
CLOCK_FILE = "zoo_trials.json"


@dataclass
class SearchResult:
    """What a finished search returns.

    Attributes:
        best_hyperparameters: ``{name: value}`` of the best trial.
        best_model: The final model (see ``refit``), or ``None`` on a worker.
        test_metrics: ``{metric: value}`` of the best model on the test split.
        trials: One dict per trial: ``trial_id``, ``status``, ``score``, ``seconds``,
            ``worker``, ``attempts``, ``hyperparameters``.
        objective: The objective's name; ``direction``: ``"min"`` or ``"max"``.
        directory: Where the report files were written.
        report: The content of ``report.json``.
        tuner: The keras-tuner tuner.
        refit: How ``best_model`` was obtained: ``{"mode": "train+val" | "train" | False,
            "epochs": ..., "samples": ...}``.
    """

    best_hyperparameters: dict
    best_model: object
    test_metrics: dict
    trials: list
    objective: str
    direction: str
    directory: str
    report: dict = field(default_factory=dict)
    tuner: object = None
    refit: dict = field(default_factory=dict)

    def top(self, n: int = 5) -> list:
        """The ``n`` best completed trials, best first."""
        done = [t for t in self.trials if t["score"] is not None]
        return sorted(done, key=lambda t: t["score"], reverse=self.direction == "max")[:n]


@dataclass
class Job:
    """Everything a process needs to take part in a search (picklable for workers)."""

    hypermodel: object
    dataset: object
    algorithm: str
    tuner_kwargs: dict
    epochs: int
    patience: int
    tensorboard: str | None = None

    def make_tuner(self, **overrides):
        kwargs = dict(self.tuner_kwargs)
        kwargs.update(overrides)
        return make_tuner(self.algorithm, self.hypermodel, **kwargs)

    def objective(self):
        objective = self.tuner_kwargs["objective"]
        return objective_names(objective)[0]

    def search(self, tuner) -> None:
        """Run ``tuner.search`` on the job's data with early stopping per trial."""
        import keras

        data = self.dataset
        name = self.objective()
        direction = tuner.oracle.objective.direction if hasattr(
            tuner.oracle, "objective") else "min"
        callbacks = [keras.callbacks.EarlyStopping(monitor=name, patience=self.patience,
                                                   mode="max" if direction == "max" else "min")]
        if self.tensorboard:
            callbacks.append(keras.callbacks.TensorBoard(self.tensorboard))
        tuner.search(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                     epochs=self.epochs, callbacks=callbacks, verbose=0)


class TrialClock:
    """Times trials and reports progress by wrapping an oracle's create/end calls.

    Works on the oracle that owns the search (single process or distributed
    chief), so the times and the worker of every trial are recorded whichever
    process runs it. The records persist in ``<project>/zoo_trials.json`` so a
    resumed search keeps the earlier times.
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
                with open(self.path) as f:
                    self.records = json.load(f)
            except ValueError:  # a kill while writing: start the clock file afresh
                self.records = {}
        self._create = oracle.create_trial
        self._end = oracle.end_trial
        oracle.create_trial = self.create_trial
        oracle.end_trial = self.end_trial

    def _save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.records, f)
        os.replace(tmp, self.path)

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
        self._end(trial)
        stored = self.oracle.trials[trial.trial_id]
        rec = self.records.setdefault(trial.trial_id, {"attempts": 1, "start": time.time()})
        rec["end"] = time.time()
        rec["seconds"] = rec["end"] - rec.get("start", rec["end"])
        rec.pop("running_on", None)
        self._save()
        row = trial_row(stored, rec)
        row["best"] = _best_score(self.oracle)
        row["done"] = len(self.oracle.end_order)
        row["budget"] = self.budget
        logger.debug("trial %s (%s) %s=%s best=%s %.1fs %s", row["trial_id"], row["worker"],
                    self.oracle.objective.name, row["score"], row["best"], row["seconds"],
                    row["hyperparameters"])
        if self.progress is not None:
            self.progress(row)

    def forget_worker(self, tuner_id):
        """Put the trial a dead worker was running back in the queue (chief side)."""
        from keras_tuner.src.engine.oracle import synchronized

        synchronized(_requeue)(self.oracle, tuner_id)
        for rec in self.records.values():
            if rec.get("running_on") == tuner_id:
                rec.pop("running_on")
        self._save()


def _requeue(oracle, tuner_id):
    trial = oracle.ongoing_trials.pop(tuner_id, None)
    oracle.tuner_ids.discard(tuner_id)
    if trial is not None:
        oracle._retry_queue.append(trial.trial_id)
        logger.warning("worker %s died during trial %s; the trial goes back in the queue",
                       tuner_id, trial.trial_id)
        oracle.save()
    return trial


def _best_score(oracle):
    best = oracle.get_best_trials(1)
    return None if not best or best[0].score is None else float(best[0].score)


def _jsonable(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def trial_row(trial, record=None) -> dict:
    """One row of the trial table for a keras-tuner ``Trial``."""
    record = record or {}
    values = {k: _jsonable(v) for k, v in trial.hyperparameters.values.items()}
    score = None if trial.score is None or (isinstance(trial.score, float)
                                            and math.isnan(trial.score)) else float(trial.score)
    return {"trial_id": trial.trial_id, "status": str(trial.status), "score": score,
            "best_step": _jsonable(trial.best_step), "seconds": record.get("seconds"),
            "worker": record.get("worker"), "attempts": record.get("attempts"),
            "hyperparameters": values}


def hyperband_budget(max_epochs: int, factor: int, iterations: int = 1) -> int:
    """Number of trials keras-tuner's Hyperband runs for these settings.

    Example:
        >>> hyperband_budget(9, 3), hyperband_budget(27, 3)
        (23, 70)
    """
    bracket0_end = math.ceil(1 + math.log(max_epochs, factor))
    brackets, epochs = 0, max_epochs
    while epochs >= 1:
        epochs /= factor
        brackets += 1
    total = 0
    for b in range(brackets):
        for r in range(b + 1):
            total += math.ceil(bracket0_end / (b + 1) * factor ** (b - r))
    return total * iterations


def _as_hypermodel(fn, model, dataset, *, fixed, ranges, drop, seed, epochs):
    import keras_tuner as kt

    from tuning.hypermodels import HYPERMODELS, ZooHyperModel, get_hypermodel

    if isinstance(model, str):
        import zoo

        if model not in zoo.list_models():
            zoo.get_spec(model)  # raises the registry's "unknown model" message
        if model not in HYPERMODELS:
            raise ValueError(f"{fn}: model {model!r} has no hypermodel; tunable models: "
                             f"{', '.join(HYPERMODELS)} (or pass a build(hp) function)")
        return get_hypermodel(model, dataset, fixed=fixed, ranges=ranges, drop=drop, seed=seed,
                              epochs=epochs)
    if fixed or ranges or drop:
        if not isinstance(model, ZooHyperModel):
            raise ValueError(f"{fn}: `fixed`, `ranges` and `drop` apply to the zoo's "
                             "hypermodels; fix values inside your own build(hp) function")
    if isinstance(model, ZooHyperModel):
        if model.train_size is None:
            model.train_size = len(dataset.x_train)
        if model.epochs is None:
            model.epochs = epochs
        return model
    if isinstance(model, kt.HyperModel) or callable(model):
        return model
    raise TypeError(f"{fn}: `model` must be a registry name ('cnn', 'fnn', 'lstm'...), a "
                    f"keras_tuner.HyperModel or a build(hp) function, received {model!r}")


def _check_objective_reported(fn, hypermodel, dataset, objective):
    """Build the default model once and check that it reports the objective."""
    import keras
    import keras_tuner as kt

    hp = kt.HyperParameters()
    model = hypermodel.build(hp) if isinstance(hypermodel, kt.HyperModel) else hypermodel(hp)
    if model.optimizer is None or not getattr(model, "compiled", True):
        raise ValueError(f"{fn}: the hypermodel must return a compiled model")
    model.run_eagerly = True  # four samples: tracing would cost more than the evaluation
    logs = model.evaluate(dataset.x_val[:4], dataset.y_val[:4], return_dict=True, verbose=0)
    reported = sorted(set(logs) | {f"val_{k}" for k in logs})
    keras.backend.clear_session(free_memory=False)  # one small model: no full collection
    for name in objective_names(objective):
        if name not in reported:
            raise ValueError(f"{fn}: the model does not report objective {name!r}; it reports "
                             f"{', '.join(reported)} (use one of the val_* names)")


def _budget(algorithm, max_trials, max_epochs, factor):
    if algorithm == "hyperband":
        total = hyperband_budget(max_epochs, factor or 3)
        return min(total, max_trials) if max_trials else total
    return max_trials


def run_search(model, data="digits", algorithm="hyperband", *, max_trials=None, max_epochs=None,
               factor=None, objective="val_loss", directory="tuning_runs", project_name="search",
               seed=0, strategy="auto", overwrite=False, fixed=None, ranges=None, drop=(),
               data_options=None, patience=3, executions_per_trial=1, tensorboard=None,
               workers=0, role=None, oracle=None, trials_per_process=None, progress=None,
               write_report=True, tuner_kwargs=None, refit="train+val"):
    """Tune ``model`` on ``data`` and return the best model with its test metrics.

    The search runs with early stopping per trial (``patience`` epochs on the
    objective) and picks the best trial on the validation split. The final model
    is then, by default, refit: the best hyperparameters are trained afresh on the
    training and validation splits together for the best trial's number of epochs
    (scikit-learn's ``refit=True`` practice: the validation split has done its job
    of choosing, and a third more data gives a better, less seed-dependent model).
    The final model is evaluated on the test split (never used to choose), and
    written with the report
    (``report.json``, ``trials.csv``, ``best_model.keras`` and PNG plots) into
    ``directory``. Calling again with the same ``directory`` and
    ``project_name`` resumes the search; ``overwrite=True`` restarts it.

    Args:
        model: A registry name with a hypermodel (``"cnn"``, ``"fnn"``, ``"lstm"``,
            ``"gru"``, ``"bilstm"``), a ``keras_tuner.HyperModel`` or a ``build(hp)``
            function returning a compiled model.
        data: A data set name for ``zoo.data.load``, a ``zoo.data.Dataset`` or
            ``(x_train, y_train, x_val, y_val, x_test, y_test)`` arrays.
        algorithm: ``"random"``, ``"bayesian"``, ``"hyperband"`` or ``"grid"``.
        max_trials: Trials for random/Bayesian/grid (default 10); a cap for Hyperband.
        max_epochs: Epochs per trial (random/Bayesian/grid; default 10) or
            Hyperband's largest budget (default 27).
        factor: Hyperband's reduction factor (default 3).
        objective: Metric to optimise, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        directory: Job directory (created).
        project_name: keras-tuner project name inside ``directory``.
        seed: Seed of the data split, the search and the weights (0 is honoured).
        strategy: ``zoo.distribute.resolve_strategy`` spec or a strategy.
        overwrite: Start afresh instead of resuming.
        fixed, ranges, drop: Reshape a zoo hypermodel's search space (see
            :class:`tuning.hypermodels.ZooHyperModel`).
        data_options: Extra ``zoo.data.load`` options.
        patience: Early-stopping patience (epochs) inside each trial.
        executions_per_trial: Models trained per trial.
        tensorboard: Directory for TensorBoard logs (with the HParams dashboard).
        workers: Run the search in keras-tuner's distributed mode with this many
            worker processes on this machine (0: one process, no gRPC).
        role: ``"chief"`` or ``"worker"`` for a multi-machine search; needs ``oracle``.
        oracle: ``"HOST:PORT"`` of the chief (default for the chief: 127.0.0.1:8000).
        trials_per_process: Train in worker processes that are replaced by fresh ones
            after this many trials. TensorFlow keeps some native memory per trained
            model even after ``clear_session`` and the tuners' release of its traced
            graphs (about 1.8 MiB per small CNN trial here), so long searches grow
            slowly; recycling keeps memory flat. Implies one local worker when
            ``workers`` is 0 (the model must then be picklable: a zoo hypermodel or a
            module-level ``build`` function).
        progress: ``f(row: dict)`` called after every trial (the CLI prints it).
        write_report: Write the report files.
        tuner_kwargs: Further :func:`tuning.make_tuner` arguments.
        refit: The final model. ``"train+val"`` (default): the best hyperparameters
            trained on the training and validation splits for the best trial's best
            epoch count (no early stopping: no data is left to stop on).
            ``"train"``: the best hyperparameters retrained on the training split with
            early stopping on the validation split. ``False``: the best trial's own
            model, reloaded from its best-epoch checkpoint (no extra training).

    Returns:
        A :class:`SearchResult` (on a worker: best model ``None``, no report).

    Raises:
        ValueError: unknown algorithm, model or data set, ``max_trials < 1``, a fixed
            value outside its range, an objective the model does not report, an
            unreachable oracle address.
        TypeError: wrong argument types.

    Example:
        >>> result = run_search("cnn", "digits", "random", max_trials=2, max_epochs=2,
        ...                     directory="/tmp/tune_cnn", overwrite=True)
        >>> result.test_metrics["accuracy"] > 0.8
        True
    """
    fn = "run_search"
    if not isinstance(algorithm, str):
        raise TypeError(f"{fn}: `algorithm` must be one of {', '.join(ALGORITHMS)}, "
                        f"received {algorithm!r}")
    algorithm = check_choice(fn, "algorithm", algorithm, ALGORITHMS)
    if max_trials is not None:
        check_positive_int(fn, "max_trials", max_trials)
    if max_epochs is not None:
        check_positive_int(fn, "max_epochs", max_epochs)
    patience = check_positive_int(fn, "patience", patience)
    if not (refit is False or (isinstance(refit, str) and refit in REFITS)):
        raise ValueError(f"{fn}: `refit` must be one of 'train+val', 'train' or False, "
                         f"received refit={refit!r}")
    workers = check_positive_int(fn, "workers", workers, allow_zero=True)
    if trials_per_process is not None:
        check_positive_int(fn, "trials_per_process", trials_per_process)
        if role is not None:
            raise ValueError(f"{fn}: `trials_per_process` applies to local workers, not to "
                             f"role={role!r}")
        workers = workers or 1
    if role is not None:
        role = check_choice(fn, "role", role, ROLES)
        if workers:
            raise ValueError(f"{fn}: give either workers=N (all on this machine) or role= "
                             "(one process of a multi-machine search), not both")
    if role == "worker" and not oracle:
        raise ValueError(f"{fn}: role='worker' needs oracle='HOST:PORT' (the chief's address)")
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    objective = check_objective(fn, objective)
    if (workers or role) and not isinstance(strategy, str):
        raise TypeError(f"{fn}: with workers or role, `strategy` must be a name such as 'auto' "
                        "(each process resolves its own)")
    from tuning import distributed

    address = distributed.parse_address(oracle) if oracle else None
    if role == "worker":
        distributed.check_reachable(address)  # fail within seconds, not after an hour
    if max_epochs is None:
        max_epochs = 27 if algorithm == "hyperband" else 10

    import zoo

    input_kind = None
    if isinstance(model, str):
        input_kind = zoo.get_spec(model).input_kind if model in zoo.list_models() else None
        if input_kind is None:
            zoo.get_spec(model)
    dataset = zoo.data.resolve(data, fn=fn, input_kind=input_kind,
                               seed=seed if seed is not None else 0, options=data_options)
    hypermodel = _as_hypermodel(fn, model, dataset, fixed=fixed, ranges=ranges, drop=drop,
                                seed=seed, epochs=max_epochs)
    tk = dict(objective=objective, directory=str(directory), project_name=project_name,
              seed=seed, strategy=strategy, overwrite=overwrite,
              executions_per_trial=executions_per_trial, **(tuner_kwargs or {}))
    if algorithm == "hyperband":
        tk.update(max_epochs=max_epochs, factor=factor, max_trials=max_trials)
    else:
        if factor is not None:
            raise ValueError(f"{fn}: `factor` does not apply to algorithm={algorithm!r}; "
                             "it is a Hyperband setting")
        tk["max_trials"] = max_trials if (max_trials or algorithm != "grid") else None
        if algorithm in ("random", "bayesian") and tk["max_trials"] is None:
            tk["max_trials"] = 10
    job = Job(hypermodel, dataset, algorithm, tk, epochs=max_epochs, patience=patience,
              tensorboard=str(tensorboard) if tensorboard else None)
    if role != "worker":
        _check_objective_reported(fn, hypermodel, dataset, objective)
    os.makedirs(directory, exist_ok=True)
    budget = _budget(algorithm, tk.get("max_trials"), max_epochs, factor)

    started = time.time()
    if role == "worker":
        distributed.run_worker(job, address)
        return None
    if workers or role == "chief":
        tuner, clock = distributed.run_chief(job, address, workers=workers, progress=progress,
                                             budget=budget,
                                             trials_per_process=trials_per_process)
    else:
        tuner = job.make_tuner()
        clock = TrialClock(tuner.oracle, tuner.project_dir, progress=progress, budget=budget)
        job.search(tuner)
    search_seconds = time.time() - started
    return _finish(fn, job, tuner, clock, search_seconds, write_report=write_report,
                   workers=workers, refit=refit)


def _finish(fn, job, tuner, clock, search_seconds, *, write_report, workers, refit):
    from tuning import report as report_module

    oracle = tuner.oracle
    rows = [trial_row(oracle.trials[tid], clock.records.get(tid))
            for tid in sorted(oracle.trials)]
    best_trials = oracle.get_best_trials(1)
    if not best_trials:
        raise RuntimeError(f"{fn}: no trial completed; see the trial messages in "
                           f"{tuner.project_dir}")
    best = best_trials[0]
    started = time.time()
    if refit == "train+val":
        best_model, refit_info = _refit(tuner, best, job)
    elif refit == "train":
        best_model = _retrain(tuner, best, job)
        refit_info = {"mode": "train", "samples": len(job.dataset.x_train)}
    else:
        best_model = _best_model(tuner, best, job)
        refit_info = {"mode": False}
    refit_info["seconds"] = time.time() - started
    data = job.dataset
    test_metrics = best_model.evaluate(data.x_test, data.y_test, return_dict=True, verbose=0)
    test_metrics = {k: float(v) for k, v in test_metrics.items()}
    result = SearchResult(
        best_hyperparameters={k: _jsonable(v) for k, v in best.hyperparameters.values.items()},
        best_model=best_model, test_metrics=test_metrics, trials=rows,
        objective=oracle.objective.name, direction=oracle.objective.direction,
        directory=str(job.tuner_kwargs["directory"]), tuner=tuner, refit=refit_info)
    tuned = job.hypermodel.tuned_names() if hasattr(job.hypermodel, "tuned_names") else None
    result.report = report_module.build_report(
        result, algorithm=job.algorithm, strategy=getattr(tuner, "zoo_strategy", None),
        search_seconds=search_seconds, dataset=data.name, workers=workers, tuned=tuned,
        model=getattr(job.hypermodel, "MODEL", None) or type(job.hypermodel).__name__)
    if write_report:
        report_module.write_report(result, result.directory, tuned=tuned)
    return result


def _best_model(tuner, best, job):
    """The best trial's model: its best-epoch checkpoint, or retrained when missing."""
    checkpoint = tuner._get_checkpoint_fname(best.trial_id)
    if os.path.exists(checkpoint):
        import warnings

        with warnings.catch_warnings():  # the checkpoint's optimizer slots are not needed
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            return tuner.load_model(best)
    logger.info("checkpoint of trial %s not on this machine: retraining it", best.trial_id)
    return _retrain(tuner, best, job)


def _best_epochs(best, job) -> int:
    """Epochs the best trial's model trained to reach its best score.

    keras-tuner counts ``best_step`` from the start of the trial's own ``fit``; a
    Hyperband trial that continues an earlier one starts at ``tuner/initial_epoch``
    from that trial's weights, so those epochs count too.
    """
    values = best.hyperparameters.values
    if best.best_step is None:
        return int(values.get("tuner/epochs", job.epochs))
    return int(values.get("tuner/initial_epoch", 0)) + int(best.best_step) + 1


def _refit(tuner, best, job):
    """Train the best hyperparameters on train+validation for the best trial's epochs."""
    data = job.dataset
    x = np.concatenate([data.x_train, data.x_val])
    y = np.concatenate([data.y_train, data.y_val])
    epochs = _best_epochs(best, job)
    hypermodel = tuner.hypermodel
    # The schedules decay per step: give them the refit's steps per epoch.
    train_size = getattr(hypermodel, "train_size", None)
    if train_size is not None:
        hypermodel.train_size = len(x)
    try:
        model = tuner._try_build(best.hyperparameters)
        hypermodel.fit(best.hyperparameters, model, x, y, epochs=epochs, verbose=0)
    finally:
        if train_size is not None:
            hypermodel.train_size = train_size
    logger.info("refit trial %s's hyperparameters on train+val (%d samples) for %d epochs",
                best.trial_id, len(x), epochs)
    return model, {"mode": "train+val", "epochs": epochs, "samples": int(len(x))}


def _retrain(tuner, best, job):
    """Retrain the best hyperparameters on the training split, early stopping on validation."""
    import keras

    model = tuner._try_build(best.hyperparameters)
    data = job.dataset
    epochs = best.hyperparameters.values.get("tuner/epochs", job.epochs)
    stop = keras.callbacks.EarlyStopping(monitor=job.objective(), patience=job.patience,
                                         restore_best_weights=True,
                                         mode=tuner.oracle.objective.direction)
    tuner.hypermodel.fit(best.hyperparameters, model, data.x_train, data.y_train,
                         validation_data=(data.x_val, data.y_val), epochs=epochs,
                         callbacks=[stop], verbose=0)
    return model
