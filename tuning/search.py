"""Run a whole tuning job: data -> tuner -> search -> best model -> test metrics -> report.

:func:`run_search` is the one call behind ``zoo tune``; it runs these steps in order:

1. every setting into a :class:`tuning.config.SearchConfig` (checked, defaulted),
   the output directories proved writable, the job directory checked not in use:
   all before Keras loads;
2. the model checked (a registry name with a hypermodel, its ``fixed``/``ranges``
   against the search space; a hypermodel or a ``build(hp)`` function), a worker's
   chief reached: still before any data loads;
3. the data resolved and validated (``zoo.data.resolve``) and the hypermodel shaped
   for it; with workers, the model checked importable by them;
4. the objective checked against what the model reports;
5. the job directory locked, started afresh or checked for a resume (manifest,
   damaged files);
6. the search, in this process or as chief and workers (:mod:`tuning.distributed`),
   timed by :class:`tuning.job.TrialClock`;
7. the final model (:mod:`tuning.refit`), checked finite, evaluated on the test split;
8. the report (:mod:`tuning.report`).

Running the same job again with the same directory resumes it: finished trials
are kept, a trial interrupted by a crash (even ``SIGKILL``) is run again, and the
search stops at the same budget; ``overwrite=True`` starts afresh. The directory is
one process's at a time (:class:`tuning.job.JobLock`), its manifest must match the
job resumed (:func:`tuning.job.check_manifest`), and its damaged files are restored
or refused by name (:mod:`tuning.jobfiles`). A search in which no trial completed
fails (:class:`zoo.errors.JobFailedError`) instead of reporting a best model.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import time
from dataclasses import dataclass, field, fields

from tuning.config import DEFAULT_DATA, SearchConfig, objective_names, unknown_setting
from tuning.job import (
    Job,
    JobLock,
    TrialClock,
    best_trial,
    check_manifest,
    check_unlocked,
    data_spec,
    format_trial,
    job_manifest,
    model_spec,
    start_afresh,
    trial_row,
)
from tuning.jobfiles import check_job_files, reload_tuner
from zoo._validate import check_output_dir
from zoo.errors import JobFailedError
from zoo.io import jsonable

logger = logging.getLogger("tuning.search")

_D = SearchConfig  # the defaults of run_search's signature are SearchConfig's


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
        pareto: With several objectives: ``{"objectives": [[name, direction], ...],
            "tolerance": ..., "chosen": trial_id, "trials": [{"trial_id", one value
            per objective, "pareto": bool}, ...]}``; ``{}`` otherwise.
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
    pareto: dict = field(default_factory=dict)

    def top(self, n: int = 5) -> list:
        """The ``n`` best completed trials, best first."""
        done = [t for t in self.trials if t["score"] is not None]
        return sorted(done, key=lambda t: t["score"], reverse=self.direction == "max")[:n]


def run_search(model, data=DEFAULT_DATA, algorithm=_D.algorithm, *, max_trials=_D.max_trials,
               max_epochs=_D.max_epochs, factor=_D.factor, objective=_D.objective,
               objectives=_D.objectives, tolerance=_D.tolerance,
               directory=_D.directory, project_name=_D.project_name, seed=_D.seed,
               strategy=_D.strategy, overwrite=_D.overwrite, fixed=_D.fixed, ranges=_D.ranges,
               drop=_D.drop, data_options=_D.data_options, patience=_D.patience,
               executions_per_trial=_D.executions_per_trial, cv=_D.cv,
               tensorboard=_D.tensorboard,
               workers=_D.workers, role=_D.role, oracle=_D.oracle,
               trials_per_process=_D.trials_per_process, progress=None,
               write_report=_D.write_report, tuner_kwargs=None, refit=_D.refit,
               verbose=_D.verbose):
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

    Every setting is checked and given its default by
    :class:`tuning.config.SearchConfig` before any data is loaded. With the
    environment variable ``ZOO_QUICK=1`` (smoke runs, ``zoo._quick``) the search
    runs at most 2 trials of at most 2 epochs, with a warning.

    Args:
        model: A registry name with a hypermodel (``"cnn"``, ``"fnn"``, ``"lstm"``,
            ``"gru"``, ``"bilstm"``), a ``keras_tuner.HyperModel`` or a ``build(hp)``
            function returning a compiled model.
        data: What ``zoo.data.resolve`` takes: a data set name, a path to your own
            data (a ``.csv``, ``.npz``, ``.txt``, an image folder...; see
            ``zoo.data.files``), a ``zoo.data.Dataset``, ``(x_train, y_train, x_val,
            y_val, x_test, y_test)`` arrays, or streamed splits: ``(train, val)`` or
            ``(train, val, test)`` batched ``tf.data.Dataset`` objects or
            ``keras.utils.PyDataset`` objects (as ``model.fit`` takes them; they keep
            their batches, so ``batch_size`` is not tuned; without a test split the
            test metrics are empty). An image folder is streamed too, batched at
            each trial's tuned batch size, in bounded memory.
        algorithm: ``"random"``, ``"bayesian"``, ``"hyperband"``, ``"grid"`` or ``"asha"``
            (asynchronous successive halving, :mod:`tuning.oracles.asha`; its
            ``min_epochs`` and ``reduction_factor`` go in ``tuner_kwargs``).
        max_trials: Trials for random/Bayesian/grid (default 10) and ASHA (default 50,
            promotions included); a cap for Hyperband.
        max_epochs: Epochs per trial (random/Bayesian/grid; default 10) or
            Hyperband's and ASHA's largest budget (default 27).
        factor: Hyperband's reduction factor (an int >= 2, default 3).
        objective: Metric to optimise, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        objectives: Several objectives instead (random, Bayesian, ASHA):
            ``["val_accuracy:max", "params:min"]``, the first the primary (a metric
            the model reports), the others metrics or ``params``, ``flops``,
            ``latency_ms`` measured on each trial's model
            (:mod:`tuning.oracles.derived`). Trials are scored by their objectives'
            ranks (:mod:`tuning.oracles.multiobjective`); the report adds the
            Pareto front (``pareto.csv``, ``pareto.png``).
        tolerance: With several objectives, the final model is the Pareto trial best
            in the second objective (then the next) among those within
            ``tolerance`` of the best primary value (default 0.01); the refit
            trains that trial's hyperparameters.
        directory: Job directory (created).
        project_name: keras-tuner project name inside ``directory``.
        seed: Seed of the data split, the search and the weights (0 is honoured).
        strategy: ``zoo.distribute.resolve_strategy`` spec or a strategy.
        overwrite: Start afresh instead of resuming.
        fixed, ranges, drop: Reshape a zoo hypermodel's search space (see
            :class:`tuning.hypermodels.ZooHyperModel`).
        data_options: Extra ``zoo.data.load`` options (a file's ``target``, ``task``,
            ``impute``, ``image_size``...; for streams ``task``, ``num_classes``).
        patience: Early-stopping patience (epochs) inside each trial.
        executions_per_trial: Models trained per trial.
        cv: Cross-validated trials: an int K >= 2 trains every trial on K folds of the
            training and validation splits together (stratified for classification;
            :mod:`tuning.cv`); the trial's score is the folds' mean, ``trials.csv``
            and the report also get each trial's fold scores and their spread
            (``cv_scores``, ``cv_std``), and the final model is refit on
            train+validation. In-memory data only. ``None`` (default): one split.
        tensorboard: Directory for TensorBoard logs (with the HParams dashboard).
        workers: Run the search in keras-tuner's distributed mode with this many
            worker processes on this machine (0: one process, no gRPC); several
            workers share a GPU, each with its share of its memory. ``"auto"``: N
            from the model's memory estimate, the GPUs' free memory and the CPU
            cores (:func:`tuning.accelerator.auto_workers`; without a GPU, one
            worker per two cores, at most 4, and none below 2).
        role: ``"chief"`` or ``"worker"`` for a multi-machine search; needs ``oracle``.
        oracle: ``"HOST:PORT"`` of the chief (default for the chief: 127.0.0.1:8000).
        trials_per_process: Train in worker processes that are replaced by fresh ones
            after this many trials. TensorFlow keeps some native memory per trained
            model even after ``clear_session`` and the tuners' release of its traced
            graphs, so long searches grow slowly (BENCHMARKS.md, row 6); recycling
            keeps memory flat. Implies one local worker when ``workers`` is 0 (the
            model must then be importable by the isolated workers: a zoo hypermodel
            or a module-level ``build`` function).
        progress: ``f(row: dict)`` called after every trial, with the trial's row
            (``trial_id``, ``score``, ``best``, ``seconds``, ``hyperparameters``...).
        write_report: Write the report files.
        tuner_kwargs: Further :func:`tuning.make_tuner` settings
            (``hyperband_iterations``, ``reuse_models``, ``num_initial_points``,
            ``alpha``, ``beta``, ``max_model_size``...).
        refit: The final model. ``"train+val"`` (default): the best hyperparameters
            trained on the training and validation splits for the best trial's best
            epoch count (no early stopping: no data is left to stop on).
            ``"train"``: the best hyperparameters retrained on the training split with
            early stopping on the validation split. ``False``: the best trial's own
            model, reloaded from its best-epoch checkpoint (no extra training).
        verbose: ``1`` (default): a line as the search starts, one per trial (the
            lines ``zoo tune`` prints), one before the final model trains and one
            at the end, shown like Keras' progress bars (stdout, or the ``logging``
            stream after ``keras.config.disable_interactive_logging()``); ``0``:
            silent (the same lines are logged at INFO by ``tuning.job``).

    Returns:
        A :class:`SearchResult` (on a worker: best model ``None``, no report).

    Raises:
        ValueError: unknown algorithm, model or data set, ``max_trials < 1``, a fixed
            value outside its range or not finite, bad data (NaN, labels outside the
            classes...), an output or TensorBoard directory that cannot be written, an
            objective the model does not report, an unreachable oracle address, a job
            directory in use by another process (:class:`tuning.job.JobLockedError`),
            one holding another job (the manifest names what differs), a damaged job
            file that cannot be restored (:class:`tuning.jobfiles.JobFileError`), a
            model the worker processes cannot import. All before the first trial.
        TypeError: wrong argument types.
        zoo.errors.JobFailedError: no trial completed with a finite score, the search
            was stopped after consecutive failures, or the final model diverged; the
            report (``"status": "failed"``) is written, no model.

    Example:
        >>> result = run_search("cnn", "digits", "random", max_trials=2, max_epochs=2,
        ...                     directory="/tmp/tune_cnn", overwrite=True)
        >>> result.test_metrics["accuracy"] > 0.8
        True
    """
    fn = "run_search"
    config = SearchConfig(
        algorithm=algorithm, max_trials=max_trials, max_epochs=max_epochs, factor=factor,
        objective=objective, objectives=objectives, tolerance=tolerance, directory=directory,
        project_name=project_name, seed=seed,
        strategy=strategy, overwrite=overwrite, fixed=fixed, ranges=ranges, drop=drop,
        data_options=data_options, patience=patience,
        executions_per_trial=executions_per_trial, cv=cv, tensorboard=tensorboard,
        workers=workers,
        role=role, oracle=oracle, trials_per_process=trials_per_process,
        write_report=write_report, refit=refit, verbose=verbose,
        **_tuner_settings(fn, tuner_kwargs), caller=fn)
    config = _quick_config(fn, config)
    if progress is not None and not callable(progress):
        raise TypeError(f"{fn}: `progress` must be a function of one row, received "
                        f"progress={progress!r}")
    # The output before anything heavy: a bad or busy directory is refused at once.
    check_output_dir(fn, "directory", config.directory)
    if config.tensorboard:
        check_output_dir(fn, "tensorboard", config.tensorboard)
    if config.role != "worker":
        check_unlocked(config.directory, fn=fn)
    input_kind = _check_model(fn, model, config)
    from tuning import distributed

    if config.role == "worker":
        distributed.check_reachable(config.address)  # fail within seconds, not after an hour

    import zoo
    from tuning import accelerator

    dataset = zoo.data.resolve(data, fn=fn, input_kind=input_kind, seed=config.data_seed,
                               options=config.data_options)
    hypermodel = _as_hypermodel(model, dataset, config)
    accelerator.prepare_chief(config)  # before the backend first touches the GPU
    config = accelerator.resolve_workers(config, hypermodel, dataset)
    if config.distributed and dataset.streamed and not dataset.x_train.portable:
        raise ValueError(f"{fn}: a search with workers or a role needs data every process "
                         "can read (a name, a path, arrays); tf.data.Dataset and PyDataset "
                         "splits live in this process only")
    if config.cv and dataset.streamed:
        raise ValueError(f"{fn}: cv={config.cv} needs the data in memory (arrays, a named data "
                         f"set or a table file); {dataset.name} is streamed. Use one "
                         "validation split (cv=None) for streamed data")
    job = Job(hypermodel, dataset, config,
              data_spec=data_spec(data, dataset, config, input_kind))
    if config.workers:
        model_spec(job.hypermodel)  # a model the isolated workers cannot import: refused now
        if dataset.streamed and "options" not in job.data_spec:
            raise ValueError(f"{fn}: the worker processes read the data themselves: pass "
                             "the image folder's path as `data`, not a Dataset of streams")
    if config.role != "worker":
        _check_objective_reported(fn, job.hypermodel, dataset, config)

    started = time.time()
    job.progress(_start_line(model, dataset, config))
    if config.role == "worker":
        os.makedirs(config.directory, exist_ok=True)
        accelerator.enable_compilation_cache(accelerator.cache_dir(config.directory))
        distributed.run_worker(job, config.address)
        return None
    report = _trial_reporter(job, progress)
    with JobLock(config.directory, fn=fn):
        warnings = _open_job(fn, job, model)
        # Once the job is accepted (a refused one leaves no folder): trials, workers and a
        # resumed job share compiled steps.
        accelerator.enable_compilation_cache(accelerator.cache_dir(config.directory))
        search_error = None
        if config.distributed:
            tuner, clock = distributed.run_chief(job, progress=report)
        else:
            tuner = reload_tuner(job, fn=fn)
            clock = TrialClock(tuner.oracle, tuner.project_dir, progress=report,
                               budget=config.budget)
            try:
                job.search(tuner)
            except JobFailedError as exc:
                search_error = str(exc)
        warnings += clock.warnings
        return _finish(fn, job, tuner, clock, time.time() - started, started,
                       warnings=warnings, search_error=search_error)


def _open_job(fn, job, model) -> list:
    """Make the locked directory this job's: start afresh, or check it for a resume.

    Returns:
        Warnings for the report (files restored or moved aside).

    Raises:
        ValueError: the directory holds another job (what differs is named), or a
            job file that cannot be restored (named).
    """
    config = job.config
    if config.overwrite:
        start_afresh(config.directory, job.project_dir)
    tuner_id = "chief" if config.distributed else "tuner0"
    warnings = check_job_files(job.project_dir, fn=fn, tuner_id=tuner_id)
    warnings += check_manifest(job.project_dir, job_manifest(job, model), fn=fn)
    return warnings


def _start_line(model, dataset, config) -> str:
    """The first progress line of a search: what runs, on what, how many trials, where."""
    name = model if isinstance(model, str) else getattr(model, "MODEL", "") or getattr(
        model, "__name__", type(model).__name__)
    if config.role == "worker":
        return (f"{config.algorithm} search of {name} on {dataset.name}: worker of the chief "
                f"at {config.address[0]}:{config.address[1]}")
    budget = "the whole grid" if config.budget is None else f"{config.budget} trials"
    workers = f", {config.workers} local workers" if config.workers else ""
    workers += f", {config.cv}-fold cross-validation" if config.cv else ""
    return (f"{config.algorithm} search of {name} on {dataset.summary()}: {budget} of up to "
            f"{config.max_epochs} epochs, {_objective_text(config)}{workers}; job "
            f"directory {config.directory}")


def _objective_text(config) -> str:
    if config.pareto:
        return "objectives " + ", ".join(f"{n}:{d}" for n, d in config.objectives)
    return f"objective {config.objective_name}"


def _trial_reporter(job, progress):
    """``f(row)`` for the trial clock: the trial's progress line, then the user's ``progress``."""
    # With several objectives a trial's score is its rank score (tuning.oracles.multiobjective).
    objective = "rank_score" if job.config.pareto else job.config.objective_name

    def report(row):
        job.progress(format_trial(row, objective))
        if progress is not None:
            progress(row)

    return report


def _quick_config(fn, config):
    """``config`` with at most ``zoo._quick``'s epochs and trials when ``ZOO_QUICK`` is set."""
    from zoo import _quick as quick

    if not quick.enabled():
        return config
    epochs = quick.cap(fn, "max_epochs", config.max_epochs, quick.MAX_EPOCHS)
    trials = quick.cap(fn, "max_trials", config.budget, quick.MAX_TRIALS)
    if (epochs, trials) == (config.max_epochs, config.budget):
        return config
    low = {} if config.min_epochs is None else {"min_epochs": min(config.min_epochs, epochs)}
    return dataclasses.replace(config, max_epochs=epochs, max_trials=trials, caller=fn, **low)


def _tuner_settings(fn, tuner_kwargs) -> dict:
    """The settings in ``tuner_kwargs``: those of SearchConfig that are no argument here."""
    settings = dict(tuner_kwargs or {})
    own = inspect.signature(run_search).parameters
    accepted = [f.name for f in fields(SearchConfig) if f.init and f.name not in own]
    for name in settings:
        if name in own:
            raise TypeError(f"{fn}: give `{name}` as run_search's own argument, not in "
                            "`tuner_kwargs`")
        if name not in accepted:
            raise TypeError(unknown_setting(f"{fn}: tuner_kwargs", name, accepted))
    return settings


def _check_model(fn, model, config) -> str | None:
    """Check ``model`` before any data loads; return a registry model's ``input_kind``."""
    if isinstance(model, str):
        from tuning.config import TUNABLE_MODELS
        from zoo.registry import get_spec

        spec = get_spec(model)  # raises the registry's "unknown model" message
        if model not in TUNABLE_MODELS:
            raise ValueError(f"{fn}: model {model!r} has no hypermodel; tunable models: "
                             f"{', '.join(TUNABLE_MODELS)} (or pass a build(hp) function)")
        if config.fixed or config.ranges or config.drop:
            # fixed/ranges/drop against the search space, before the data loads.
            from tuning.hypermodels import HYPERMODELS

            HYPERMODELS[model][0].check_space(fn, config.fixed, config.ranges, config.drop)
        return spec.input_kind
    import keras_tuner as kt

    from tuning.hypermodels import ZooHyperModel

    if (config.fixed or config.ranges or config.drop) and not isinstance(model, ZooHyperModel):
        raise ValueError(f"{fn}: `fixed`, `ranges` and `drop` apply to the zoo's "
                         "hypermodels; fix values inside your own build(hp) function")
    if not (isinstance(model, kt.HyperModel) or callable(model)):
        raise TypeError(f"{fn}: `model` must be a registry name ('cnn', 'fnn', 'lstm'...), a "
                        f"keras_tuner.HyperModel or a build(hp) function, received {model!r}")
    return None


def _as_hypermodel(model, dataset, config):
    """The hypermodel of a checked ``model``, shaped for ``dataset``."""
    from tuning.hypermodels import ZooHyperModel, get_hypermodel

    if isinstance(model, str):
        return get_hypermodel(model, dataset, fixed=config.fixed, ranges=config.ranges,
                              drop=config.drop, seed=config.seed, epochs=config.max_epochs)
    if isinstance(model, ZooHyperModel):
        if model.train_size is None:
            model.train_size = dataset.size("train")
        if model.steps_per_epoch is None and dataset.streamed and dataset.x_train.fixed_batches:
            model.steps_per_epoch = dataset.steps_per_epoch(0)
        if model.epochs is None:
            model.epochs = config.max_epochs
    return model


def _check_objective_reported(fn, hypermodel, dataset, config):
    """Build the default model once and check that it reports the objectives (those not
    measured on the model: ``params``...)."""
    import keras
    import keras_tuner as kt

    from tuning.config import DERIVED_OBJECTIVES

    hp = kt.HyperParameters()
    model = hypermodel.build(hp) if isinstance(hypermodel, kt.HyperModel) else hypermodel(hp)
    if model.optimizer is None or not getattr(model, "compiled", True):
        raise ValueError(f"{fn}: the hypermodel must return a compiled model")
    model.run_eagerly = True  # four samples: tracing would cost more than the evaluation
    x, y = dataset.peek("val", 4)
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    reported = sorted(set(logs) | {f"val_{k}" for k in logs})
    keras.backend.clear_session(free_memory=False)  # one small model: no full collection
    names = objective_names(config.objective) + [
        name for name, _ in config.objectives[1:] if name not in DERIVED_OBJECTIVES]
    for name in names:
        if name not in reported:
            raise ValueError(f"{fn}: the model does not report objective {name!r}; it reports "
                             f"{', '.join(reported)} (use one of the val_* names)")


def _finish(fn, job, tuner, clock, search_seconds, started, *, warnings=(),
            search_error=None):
    """The final model, its test metrics and the report of a finished search.

    Raises:
        JobFailedError: no trial completed with a finite score, keras-tuner stopped
            the search (``search_error``), or the final model diverged; the report
            (``status: "failed"``) is written first, no model is.
    """
    from tuning import report as report_module
    from tuning.refit import final_model
    from zoo.models.checks import check_finite_weights

    oracle, config, data = tuner.oracle, job.config, job.dataset
    rows = [trial_row(oracle.trials[tid], clock.records.get(tid))
            for tid in sorted(oracle.trials)]
    if config.cv:
        from tuning.cv import fold_summary

        for row in rows:
            row.update(fold_summary(os.path.join(tuner.project_dir, f"trial_{row['trial_id']}")))
    result = SearchResult(
        best_hyperparameters=None, best_model=None, test_metrics={}, trials=rows,
        objective=oracle.objective.name, direction=oracle.objective.direction,
        directory=config.directory, tuner=tuner)
    tuned = job.hypermodel.tuned_names() if hasattr(job.hypermodel, "tuned_names") else None

    def report(**status):
        result.report = report_module.build_report(
            result, algorithm=config.algorithm, strategy=getattr(tuner, "zoo_strategy", None),
            search_seconds=search_seconds, dataset=data.name, workers=config.workers,
            tuned=tuned, model=getattr(job.hypermodel, "MODEL", None)
            or type(job.hypermodel).__name__, task=data.task, warnings=list(warnings),
            **status)
        result.report["cv"] = config.cv
        if config.write_report:
            report_module.write_report(result, result.directory, tuned=tuned)

    def fail(reason):
        where = os.path.join(config.directory, "report.json") if config.write_report \
            else job.project_dir
        message = f"{fn}: {reason}; no model was refit or saved (see {where})"
        result.best_model = None
        report(status="failed", error=message)
        raise JobFailedError(message, result=result)

    best = best_trial(oracle)
    if search_error is not None:
        fail(search_error)
    if best is None:
        fail(_no_completed_trial(rows, oracle))
    if config.pareto:  # the selection rule picks the final model, not the rank score
        best, result.pareto = _pareto_choice(job, oracle, best)
    best_model, refit_info = final_model(tuner, best, job)
    result.best_hyperparameters = jsonable(dict(best.hyperparameters.values))
    result.refit = refit_info
    try:
        check_finite_weights(fn, best_model, what="the best model")
    except JobFailedError as exc:
        fail(str(exc).removeprefix(f"{fn}: "))
    test_metrics = {}
    if data.has_split("test"):
        test_metrics = best_model.evaluate(**data.fit_inputs("test", batch_size=256),
                                           return_dict=True, verbose=0)
    result.best_model = best_model
    result.test_metrics = {k: float(v) for k, v in test_metrics.items()}
    job.progress("test metrics of the final model: " + ", ".join(
        f"{k}={v:.4f}" for k, v in result.test_metrics.items()))
    report(status="completed")
    if config.write_report:
        # What the data set saves beside its models (the text's vocab.json for zoo sample).
        on_save = data.meta.get("on_save")
        extra = sorted(os.path.basename(str(p)) for p in (
            on_save(result.directory) or {}).values()) if callable(on_save) else []
        written = (f"; report.json, trials.csv, best_model.keras{''.join(', ' + e for e in extra)}"
                   f" and plots in {result.directory}")
    else:
        written = ""
    job.progress(f"search done: {len(rows)} trials in {time.time() - started:.0f} s{written}")
    return result


def _pareto_choice(job, oracle, best):
    """The trial the selection rule of a Pareto search picks, and ``SearchResult.pareto``."""
    from tuning.oracles.multiobjective import front_rows

    config = job.config
    front, chosen = front_rows(oracle, config.objectives, config.tolerance)
    best = oracle.trials[chosen] if chosen is not None else best
    job.progress(f"Pareto front: {sum(r['pareto'] for r in front)} of {len(front)} trials; "
                 f"chosen trial {best.trial_id} (the front's best in "
                 f"{', '.join(n for n, _ in config.objectives[1:])} within "
                 f"{config.tolerance:g} of the best {config.objective_name})")
    return best, {"objectives": [list(o) for o in config.objectives],
                  "tolerance": config.tolerance, "chosen": best.trial_id, "trials": front}


def _no_completed_trial(rows, oracle) -> str:
    """Why no trial can be the best: how many failed or scored no finite number, and the error."""
    failed = [r for r in rows if r["status"] != "COMPLETED"]
    unscored = [r for r in rows if r["status"] == "COMPLETED" and r["score"] is None]
    parts = []
    if failed:
        parts.append(f"{len(failed)} failed")
    if unscored:
        parts.append(f"{len(unscored)} scored no finite {oracle.objective.name}")
    text = f"no trial completed with a finite score ({' and '.join(parts) or 'no trial ran'})"
    errors = [_last_error(oracle.trials[r["trial_id"]]) for r in failed]
    if any(errors):
        text += f"; the last error: {[e for e in errors if e][-1]}"
    elif failed or unscored:
        text += (f"; their {oracle.objective.name} was NaN or infinite (a diverged training: "
                 "try lower learning rates)")
    return text


def _last_error(trial) -> str:
    lines = [line.strip() for line in str(getattr(trial, "message", "") or "").splitlines()
             if line.strip()]
    return lines[-1] if lines else ""
