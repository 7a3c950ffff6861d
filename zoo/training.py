"""One training job: data -> model -> fit -> test metrics -> files on disk.

:func:`train` is what ``zoo train``, ``zoo compare`` and ``make demo`` run; from
Python it is the shortest way to a trained, evaluated and saved zoo model.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo import _quick as quick
from zoo import data as data_module
from zoo._validate import (
    check_arguments,
    check_choice,
    check_number,
    check_output_dir,
    check_positive_int,
)
from zoo.errors import JobFailedError
from zoo.models import build_training_state
from zoo.models.checks import check_finite_weights, check_model_fits
from zoo.registry import get_spec

logger = logging.getLogger("zoo.training")


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes:
        model: The trained ``keras.Model`` (best weights restored).
        history: ``History.history`` of the fit.
        test_metrics: ``evaluate`` on the test split, as a dict.
        baseline: The trivial baseline on the test split (majority class accuracy,
            or the MAE of predicting the training mean).
        dataset: The :class:`zoo.data.Dataset` used.
        config: The arguments of the job.
        wall_time: Seconds spent in ``fit``.
        files: Paths written, by role.
    """

    model: object
    history: dict
    test_metrics: dict
    baseline: dict
    dataset: object
    config: dict
    wall_time: float
    files: dict = field(default_factory=dict)


def baseline_metrics(dataset) -> dict:
    """Score of the best constant prediction on the test split.

    Empty when the labels are not known without reading the data (a caller's
    ``tf.data`` or ``PyDataset`` splits) or there is no test split.

    Example:
        >>> baseline_metrics(zoo.data.load("digits"))["accuracy"] < 0.15
        True
    """
    y_train, y_test = dataset.labels("train"), dataset.labels("test")
    if y_train is None or y_test is None or not len(y_test):
        return {}  # a caller's stream: its labels are not known without reading it
    if dataset.task in ("binary", "multiclass"):
        values, counts = np.unique(y_train.reshape(-1), return_counts=True)
        majority = values[np.argmax(counts)]
        return {"accuracy": float(np.mean(y_test.reshape(-1) == majority))}
    if dataset.task == "multilabel":
        majority = (y_train.mean(axis=0) >= 0.5).astype(y_test.dtype)
        return {"accuracy": float(np.mean(y_test == majority))}
    return {"mae": float(np.mean(np.abs(y_test - y_train.mean(axis=0))))}


def train(model: str = "cnn", data="digits", *, epochs: int = 30, batch_size: int = 32,
          seed: int = 0, optimizer="adam", learning_rate=None, loss=None,
          model_kwargs: dict | None = None, data_options: dict | None = None,
          callbacks: list | None = None, patience: int | None = 5, verbose: int = 1,
          out_dir=None, schedule=None, schedule_kwargs: dict | None = None,
          reduce_lr=False) -> TrainResult:
    """Train registered model ``model`` on data set ``data`` and evaluate it.

    Args:
        model: A name from ``zoo.list_models()``.
        data: What ``zoo.data.resolve`` takes: a data set name, a path to your own
            data (``.csv``, ``.npz``, an image folder...: ``zoo.data.files``), a
            ``zoo.data.Dataset``, arrays, or ``(train, val[, test])`` batched
            ``tf.data.Dataset`` objects / ``keras.utils.PyDataset`` objects (streamed as
            ``fit`` takes them; without a test split ``test_metrics`` is empty).
            Checked before any training (:func:`zoo.data.validate.check_dataset`).
        epochs: Maximum epochs.
        batch_size: Batch size (a caller's ``tf.data``/``PyDataset`` keeps its own).
        seed: Seeds Python, NumPy and TensorFlow, the data split and the weights.
        optimizer: Optimizer name or instance.
        learning_rate: Number or schedule (``None``: the optimizer's default). With
            ``schedule`` it is the schedule's reference rate (see
            :func:`zoo.schedules.size_schedule`).
        loss: Loss name or object (``None``: the task's default).
        model_kwargs: Extra factory arguments (``activation``, ``kernel_initializer``,
            ``hidden_units``, ``batch_norm``...).
        data_options: Extra ``zoo.data.load`` options (for a file: ``target``,
            ``task``, ``impute``, ``image_size``...; for streams and arrays ``task``,
            ``num_classes``; without them the task is inferred from the labels).
        callbacks: Extra Keras callbacks, added after ``zoo.callbacks.default_callbacks``
            (learning-rate logger, ``TerminateOnNaN``, early stopping).
        patience: Early-stopping patience on ``val_loss`` (best weights restored);
            ``None`` disables early stopping.
        verbose: Keras ``fit`` verbosity.
        out_dir: If given, writes ``model.keras``, ``history.json`` and
            ``learning_curves.png`` there (checked writable before the first epoch).
            A data set whose ``meta`` holds an ``on_save(out_dir)`` callable writes its
            files too: the text vocabulary, the ``preprocessing.json`` of a file that
            ``zoo.predict`` reads.
        schedule: A learning-rate schedule name for ``zoo.schedules.get_schedule``
            (``"one_cycle"``, ``"cosine"``, ``"step"``...) or a schedule instance; names
            get their step counts from the data size, ``batch_size`` and ``epochs``.
        schedule_kwargs: Extra arguments for the named schedule (override the defaults).
        reduce_lr: ``True`` or a dict of ``ReduceLROnPlateau`` arguments to halve the
            rate when ``val_loss`` stalls (not with ``schedule``).

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError, TypeError: unknown model or data set, bad values, bad data (NaN,
            labels outside the classes...), an output directory that cannot be
            written, a model too large for the memory; all before the first epoch.
        zoo.data.DataUnavailableError: a download-only data set is offline.
        zoo.errors.JobFailedError: the training diverged (NaN or infinite weights);
            nothing is saved, and ``exc.result`` holds the :class:`TrainResult`.

    Example:
        >>> result = train("fnn", "digits", epochs=5, verbose=0)
        >>> result.test_metrics["accuracy"] > 0.8
        True
    """
    fn = "train"
    spec, dataset, kwargs, rate, epochs, patience = _prepare(
        fn, model, data, epochs=epochs, batch_size=batch_size, seed=seed, optimizer=optimizer,
        learning_rate=learning_rate, loss=loss, model_kwargs=model_kwargs,
        data_options=data_options, patience=patience, out_dir=out_dir, schedule=schedule,
        schedule_kwargs=schedule_kwargs, reduce_lr=reduce_lr)
    import keras

    keras.utils.set_random_seed(seed)
    net = spec.factory(**kwargs, optimizer=optimizer, learning_rate=rate, loss=loss)
    from zoo.callbacks import default_callbacks

    all_callbacks = default_callbacks(patience=patience, monitor="val_loss", reduce_lr=reduce_lr)
    all_callbacks += list(callbacks or [])
    # A zoo.compare run (verbose=0) is reported by compare, one line a run.
    logger.log(logging.INFO if verbose else logging.DEBUG, "training %s on %s", model,
               dataset.summary())
    start = time.perf_counter()
    pipeline = input_pipeline(dataset, batch_size=batch_size, seed=seed)
    if dataset.streamed:  # batch by batch, as the stream gives them
        inputs = dataset.train_inputs(batch_size=batch_size, seed=seed)
    elif pipeline:
        inputs = dict(x=pipeline[0], validation_data=pipeline[1], shuffle=False)
    else:
        inputs = dict(x=dataset.x_train, y=dataset.y_train, batch_size=batch_size,
                      validation_data=(dataset.x_val, dataset.y_val))
    build_training_state(net, inputs["x"], inputs.get("y"))  # one trace of the step, not two
    fit = net.fit(**inputs, epochs=epochs, callbacks=all_callbacks, verbose=verbose)
    wall = time.perf_counter() - start
    test_metrics = {}
    if dataset.has_split("test"):
        test_metrics = net.evaluate(**dataset.fit_inputs("test", batch_size=256), verbose=0,
                                    return_dict=True)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    config = {"model": model, "data": dataset.name, "epochs": epochs, "batch_size": batch_size,
              "seed": seed, "optimizer": optimizer if isinstance(optimizer, str) else repr(optimizer),
              "learning_rate": learning_rate if learning_rate is None
              or isinstance(learning_rate, (int, float)) else repr(learning_rate),
              "loss": loss if loss is None or isinstance(loss, str) else repr(loss),
              "model_kwargs": model_kwargs or {}, "data_options": data_options or {},
              "patience": patience,
              "schedule": schedule if schedule is None or isinstance(schedule, str)
              else repr(schedule), "schedule_kwargs": schedule_kwargs or {},
              "reduce_lr": reduce_lr, "task": dataset.task, "num_classes": dataset.num_classes}
    if dataset.meta.get("task_inferred"):
        config["task_inferred"] = dataset.meta["task_inferred"]
    result = TrainResult(net, history, {k: float(v) for k, v in test_metrics.items()},
                         baseline_metrics(dataset), dataset, config, wall)
    try:
        check_finite_weights(fn, net)
    except JobFailedError as exc:
        exc.result = result  # the history shows where it diverged
        raise
    if out_dir is not None:
        result.files = save_result(result, out_dir)
    return result


def check_train_args(model: str = "cnn", data="digits", *, check_size: bool = True,
                     **train_kwargs):
    """Check every argument of :func:`train` and its data, without training.

    The same checks :func:`train` runs before its first epoch: argument values,
    the output directory, the data (:func:`zoo.data.resolve` validates the arrays),
    the model's arguments and its size (built without allocating its weights,
    :func:`zoo.models.checks.check_model_fits`). :func:`zoo.compare` runs it for
    every combination before the first one trains.

    Args:
        model, data, **train_kwargs: As for :func:`train`.
        check_size: Also build the model unallocated to check its size (imports Keras;
            ``False``: the arguments only).

    Returns:
        The resolved :class:`zoo.data.Dataset`.

    Raises:
        ValueError, TypeError: what :func:`train` would raise before training.

    Example:
        >>> check_train_args("fnn", "digits", model_kwargs={"activation": "relux"})
        Traceback (most recent call last):
        ...
        ValueError: build_fnn: unknown activation='relux'; ...
    """
    names = inspect.signature(train).parameters
    unknown = sorted(set(train_kwargs) - set(names))
    if unknown:
        raise TypeError(f"check_train_args: unexpected argument {unknown[0]!r}; train takes "
                        f"{', '.join(n for n in names if n not in ('model', 'data'))}")
    settings = {name: p.default for name, p in names.items() if name not in ("model", "data")}
    settings.update(train_kwargs)
    for name in ("callbacks", "verbose"):
        settings.pop(name)
    return _prepare("train", model, data, check_size=check_size, **settings)[1]


def _prepare(fn, model, data, *, epochs, batch_size, seed, optimizer, learning_rate, loss,
             model_kwargs, data_options, patience, out_dir, schedule, schedule_kwargs,
             reduce_lr, check_size=True):
    """Every check of a train job, in order; ``(spec, dataset, kwargs, rate, epochs, patience)``."""
    spec = get_spec(model)
    if "unsupervised" in spec.tags:
        raise ValueError(f"{fn}: model {model!r} is unsupervised; use `zoo generate` "
                         "(or its own fit) instead of `train`")
    epochs = quick.cap(fn, "epochs", check_positive_int(fn, "epochs", epochs), quick.MAX_EPOCHS)
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    seed = check_positive_int(fn, "seed", seed, allow_zero=True)
    if patience is not None:
        patience = check_positive_int(fn, "patience", patience)
    if learning_rate is not None and not hasattr(learning_rate, "get_config"):
        check_number(fn, "learning_rate", learning_rate, low=0.0, low_inclusive=False)
    if schedule_kwargs is not None and not isinstance(schedule_kwargs, dict):
        raise TypeError(f"{fn}: `schedule_kwargs` must be a dict, received {schedule_kwargs!r}")
    if schedule_kwargs and schedule is None:
        raise ValueError(f"{fn}: `schedule_kwargs` given without a `schedule`")
    if schedule is not None and not isinstance(schedule, str) \
            and not hasattr(schedule, "get_config"):
        raise TypeError(f"{fn}: `schedule` must be a schedule name or a LearningRateSchedule, "
                        f"received schedule={schedule!r}")
    if isinstance(schedule, str):
        from zoo._names import SCHEDULE_NAMES  # zoo.schedules' names, without Keras

        check_choice(fn, "schedule", schedule.strip().replace("-", "_"), SCHEDULE_NAMES)
    if schedule is not None and (reduce_lr is not False or hasattr(learning_rate, "get_config")):
        raise ValueError(f"{fn}: `schedule` cannot be combined with reduce_lr or a schedule "
                         f"passed as learning_rate, received schedule={schedule!r}")
    if model_kwargs is not None and not isinstance(model_kwargs, dict):
        raise TypeError(f"{fn}: `model_kwargs` must be a dict, received {model_kwargs!r}")
    if out_dir is not None:
        check_output_dir(fn, "out_dir", out_dir)
    dataset = data_module.resolve(data, fn=fn, input_kind=spec.input_kind, seed=seed,
                                  options=data_options)

    kwargs = spec.kwargs_for(dataset)
    kwargs.update(model_kwargs or {})
    kwargs.setdefault("seed", seed)
    # The factory's own checks, before Keras is imported: a bad argument is refused at once.
    check_arguments(spec.factory, **kwargs, optimizer=optimizer, learning_rate=learning_rate,
                    loss=loss)
    if check_size:  # built without allocating: a model too large for the memory is refused
        check_model_fits(fn, spec.factory, kwargs, hint=", ".join(
            f"{k}={v}" for k, v in (model_kwargs or {}).items()))
    rate = learning_rate
    if schedule is not None:
        from zoo.schedules import size_schedule

        steps_per_epoch = dataset.steps_per_epoch(batch_size)
        if steps_per_epoch is None:
            raise ValueError(f"{fn}: schedule={schedule!r} needs the steps per epoch, and the "
                             "training stream does not know its length; use a learning_rate "
                             "without a schedule, or a stream of known cardinality")
        reference = learning_rate
        if reference is None and isinstance(optimizer, str):
            from zoo.optimizers import DEFAULT_LEARNING_RATES

            reference = DEFAULT_LEARNING_RATES.get(optimizer.strip().lower())
        rate = size_schedule(schedule, learning_rate=reference, epochs=epochs,
                              steps_per_epoch=steps_per_epoch, **(schedule_kwargs or {}))
    return spec, dataset, kwargs, rate, epochs, patience


def input_pipeline(dataset, *, batch_size: int, seed: int = 0):
    """``(train, validation)`` ``tf.data`` pipelines for ``fit`` from a data set's arrays.

    Training data go through ``cache -> shuffle (seeded, every epoch) -> batch ->
    prefetch``, validation data through ``batch -> cache -> prefetch``; why it is
    the default on TensorFlow rather than handing the NumPy arrays to ``fit``:
    BENCHMARKS.md, row 2. ``tf.data`` is TensorFlow's: on JAX and PyTorch the
    arrays go to ``fit`` as they are (``None`` here), which Keras batches and
    shuffles natively for those backends (``zoo.backend.supports_tf_data``).

    Args:
        dataset: A :class:`zoo.data.Dataset`.
        batch_size: Batch size.
        seed: Shuffle seed.

    Returns:
        ``(train, validation_data)`` to pass to ``model.fit(train, validation_data=...)``,
        or ``None`` when the data are not all NumPy arrays or the backend is not
        TensorFlow (then ``fit`` takes them as they are; a streamed data set:
        :meth:`zoo.data.Dataset.train_inputs`).
    """
    from zoo import backend

    arrays = (dataset.x_train, dataset.y_train, dataset.x_val, dataset.y_val)
    if not backend.supports_tf_data() or not all(isinstance(a, np.ndarray) for a in arrays):
        return None
    import tensorflow as tf

    x, y, x_val, y_val = arrays
    train_ds = (tf.data.Dataset.from_tensor_slices((x, y)).cache()
                .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
                .batch(batch_size).prefetch(tf.data.AUTOTUNE))
    val_ds = (tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size).cache()
              .prefetch(tf.data.AUTOTUNE))
    return train_ds, val_ds


def save_result(result: TrainResult, out_dir) -> dict:
    """Write ``model.keras``, ``history.json`` and ``learning_curves.png`` into ``out_dir``."""
    from zoo.io import write_json
    from zoo.plots import plot_history

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"model": out / "model.keras", "history": out / "history.json",
             "curves": out / "learning_curves.png"}
    result.model.save(files["model"])
    write_json(files["history"], {
        "config": result.config, "history": result.history, "test_metrics": result.test_metrics,
        "baseline": result.baseline, "epochs_run": len(result.history.get("loss", [])),
        "wall_time_s": result.wall_time, "dataset": result.dataset.summary()})
    plot_history({result.config["model"]: result.history}, files["curves"],
                 title=f"{result.config['model']} on {result.dataset.name}")
    on_save = result.dataset.meta.get("on_save")
    if callable(on_save):
        files.update(on_save(out) or {})
    return {k: str(v) for k, v in files.items()}
