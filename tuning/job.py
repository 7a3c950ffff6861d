"""A search job and its directory: the job, its lock and manifest, its trial clock.

A job lives in one directory: keras-tuner's project (trials, checkpoints, oracle
state) in ``<directory>/<project_name>``, the report files next to it.

* :class:`Job` holds the hypermodel, the data and the :class:`SearchConfig`. The
  worker processes of a distributed search get it as plain JSON
  (:meth:`Job.to_spec`, :meth:`Job.from_spec`): the model by import path (a zoo
  hypermodel with its arguments, a ``module:build`` function), the data by name
  and options or as an ``.npz`` file of arrays, the settings as values. No pickle.
* :class:`JobLock` makes a directory one process's at a time: an OS file lock
  (``fcntl.flock``) on ``<directory>/job.lock``, which holds the holder's PID for
  the message of the process refused. The OS drops the lock when its process
  ends, however it ends (``SIGKILL`` too), so a lock is never stale.
* The manifest ``<project>/job.json`` (:func:`job_manifest`, :func:`check_manifest`)
  records the model, the data, the algorithm and the budget; resuming with other
  ones is refused, naming what differs.
* :class:`TrialClock` times the trials on the oracle that owns the search and
  keeps the times, with a copy of each trial's record, in ``<project>/zoo_trials.json``,
  so a resumed search keeps the earlier times and a lost ``trial.json`` can be
  restored (:mod:`tuning.jobfiles`).
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import importlib.machinery
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, fields

from tuning.config import SearchConfig, objective_names
from zoo.io import jsonable, read_json, show_progress, write_json

logger = logging.getLogger("tuning.job")

CLOCK_FILE = "zoo_trials.json"
LOCK_FILE = "job.lock"
MANIFEST_FILE = "job.json"
WORKER_SPEC_FILE = "worker_job.json"
WORKER_DATA_FILE = "worker_data.npz"
#: The files of a finished job's report, next to the project (removed by ``overwrite``).
REPORT_FILES = ("report.json", "trials.csv", "best_model.keras", "objective_by_trial.png",
                "objective_vs_hparams.png")
#: Settings a resumed job may change: more trials extend a search (fewer end it sooner).
EXTENSIBLE = ("max_trials",)
#: The settings a resumed job must share with the job that started it (but EXTENSIBLE).
_JOB_SETTINGS = ("algorithm", "seed", "max_trials", "max_epochs", "factor",
                 "hyperband_iterations", "executions_per_trial", "patience",
                 "num_initial_points", "alpha", "beta")
_SPLIT_KEYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


class JobLockedError(ValueError):
    """The job directory is held by another process (a user error: exit status 2)."""


def repair_hint() -> str:
    """What to do about a damaged job file: one sentence, the same everywhere."""
    return ("repair or restore it and run the same command again to resume, or start afresh "
            "with --overwrite (overwrite=True; the finished trials are lost)")


@dataclass
class Job:
    """Everything a process needs to take part in a search.

    Attributes:
        hypermodel: A ``keras_tuner.HyperModel`` or a ``build(hp)`` function.
        dataset: The :class:`zoo.data.Dataset` searched on.
        config: The search's :class:`tuning.config.SearchConfig`.
        data_spec: Where the data came from, as JSON: ``{"name", "options", "seed",
            "input_kind"}`` for a named data set, else ``{"name", "fingerprint"}`` of
            the arrays (see :func:`data_spec`); ``None`` when unknown.
    """

    hypermodel: object
    dataset: object
    config: SearchConfig
    data_spec: dict | None = None

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

    @property
    def project_dir(self) -> str:
        """keras-tuner's project directory, ``<directory>/<project_name>``."""
        return os.path.join(self.config.directory, self.config.project_name)

    def search(self, tuner) -> None:
        """Run ``tuner.search`` on the job's data with early stopping per trial.

        Raises:
            zoo.errors.JobFailedError: keras-tuner stopped the search after too many
                trials failed in a row.
        """
        import keras

        from zoo.errors import JobFailedError

        data, config = self.dataset, self.config
        direction = tuner.oracle.objective.direction if hasattr(
            tuner.oracle, "objective") else "min"
        if config.objectives:  # early stopping watches the primary objective
            direction = config.objectives[0][1]
        callbacks = [keras.callbacks.EarlyStopping(
            monitor=config.objective_name, patience=config.patience,
            mode="max" if direction == "max" else "min")]
        if config.tensorboard:
            from zoo.callbacks import tensorboard_callback

            callbacks.append(tensorboard_callback(config.tensorboard))
        from tuning.oracles.derived import callbacks_for

        callbacks += callbacks_for(config, data)  # params, flops, latency_ms objectives
        if config.cv:
            from tuning.cv import fold_indices

            # Each trial's fit gets train+val; the tuner splits it into the folds.
            args, kwargs = fit_inputs(self.hypermodel, data, "train", "val", validation=None)
            tuner.zoo_folds = fold_indices(args[1], config.cv, seed=config.seed,
                                           task=data.task)
            if getattr(self.hypermodel, "train_size", None) is not None:
                self.hypermodel.train_size = len(tuner.zoo_folds[0][0])  # schedules' steps
        else:
            args, kwargs = fit_inputs(self.hypermodel, data, "train", seed=config.seed)
            from tuning.placement import device_fit_inputs

            # On a GPU, once per process: every trial then reads its batches on the device.
            # (cv trials index host arrays into folds, so they stay on the host.)
            args, kwargs = device_fit_inputs(self.hypermodel, args, kwargs)
        try:
            tuner.search(*args, **kwargs, epochs=config.max_epochs, callbacks=callbacks,
                         verbose=0)
        except RuntimeError as exc:
            if "consecutive failures" not in str(exc):
                raise
            first = str(exc).strip().splitlines()[0]
            raise JobFailedError(f"the search stopped: {first} (last error: "
                                 f"{_last_line(str(exc))})") from None

    # ------------------------------------------------------------ the worker's JSON job

    def to_spec(self, directory: str) -> dict:
        """The job as plain JSON for worker processes; arrays saved beside it.

        Args:
            directory: Where arrays that are not a named data set are saved
                (:data:`WORKER_DATA_FILE`, loaded without pickle).

        Returns:
            ``{"format", "model", "module_paths", "data", "config"}``.

        Raises:
            ValueError: a model a worker cannot import (a function defined in
                ``__main__`` or inside another function, a hypermodel without
                ``get_config``, arguments that are no JSON values), or settings that
                are no JSON values.
        """
        model, paths = model_spec(self.hypermodel)
        paths += [p for p in _user_site() if p not in paths]
        data = dict(self.data_spec or {})
        if "options" not in data and self.dataset.streamed:
            raise ValueError("run_search: worker processes read the data themselves, and "
                             "streamed splits passed as objects live in this process only; "
                             "pass a data set name or a path (an image folder) instead")
        if "options" not in data:  # not a named data set: the arrays travel as a file
            import numpy as np

            path = os.path.join(directory, WORKER_DATA_FILE)
            os.makedirs(directory, exist_ok=True)
            np.savez(path, **{k: np.asarray(getattr(self.dataset, k)) for k in _SPLIT_KEYS})
            data = {"name": self.dataset.name, "file": path, "task": self.dataset.task,
                    "num_classes": self.dataset.num_classes}
        return {"format": "zoo.tuning.worker_job", "version": 1, "model": model,
                "module_paths": paths, "data": data, "config": config_spec(self.config)}

    @classmethod
    def from_spec(cls, spec: dict) -> Job:
        """The :class:`Job` of :meth:`to_spec`'s JSON (in a worker process)."""
        for path in spec.get("module_paths", []):
            if path not in sys.path:
                sys.path.append(path)  # after the standard library and site-packages
        hypermodel = _load_model(spec["model"])
        config = config_from_spec(spec["config"])
        data = spec["data"]
        import zoo

        if "file" in data:
            import numpy as np

            with np.load(data["file"], allow_pickle=False) as arrays:
                values = [arrays[k] for k in _SPLIT_KEYS]
            dataset = zoo.data.Dataset(data["name"], *values, task=data["task"],
                                       num_classes=data["num_classes"])
            dataset = zoo.data.resolve(dataset, fn="worker")
        else:
            dataset = zoo.data.resolve(data["name"], fn="worker",
                                       input_kind=data.get("input_kind"), seed=data["seed"],
                                       options=data["options"])
        return cls(hypermodel, dataset, config, data_spec=spec["data"])


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


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# ----------------------------------------------------------------- models by import path


def import_path(obj) -> str:
    """``"module:qualname"`` of a class or function (what a worker imports)."""
    return (f"{getattr(obj, '__module__', None)}:"
            f"{getattr(obj, '__qualname__', type(obj).__qualname__)}")


def _import(path: str):
    module, _, qualname = path.partition(":")
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value


def model_spec(model) -> tuple[dict, list]:
    """``({"function": path} | {"class": path, "config": ...}, extra sys.path entries)``."""
    import keras_tuner as kt

    if isinstance(model, kt.HyperModel):
        target = type(model)
        if not callable(getattr(model, "get_config", None)):
            raise ValueError(
                f"run_search: worker processes rebuild the hypermodel from its class and "
                f"arguments, but {target.__name__} has no get_config(); give it one that "
                "returns its constructor arguments, or use a zoo hypermodel")
        spec = {"class": import_path(target), "config": _plain(model.get_config(), "the "
                                                               "hypermodel's arguments")}
    else:
        target = model
        spec = {"function": import_path(model)}
    return spec, _worker_paths(target)


def _plain(value, what):
    """``value`` if it is plain, finite JSON (what a worker receives), else ``ValueError``."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run_search: worker processes receive {what} as JSON, but they are "
                         f"not plain JSON values ({exc}): {value!r}") from None
    return json.loads(text)


def _load_model(spec: dict):
    if "function" in spec:
        return _import(spec["function"])
    return _import(spec["class"]).from_config(spec["config"])


def _isolated_sys_path() -> list[str]:
    """The ``sys.path`` of ``python -I`` (no current directory, no PYTHONPATH)."""
    cached = getattr(_isolated_sys_path, "value", None)
    if cached is None:
        out = subprocess.run([sys.executable, "-I", "-c",
                              "import sys, json; print(json.dumps(sys.path))"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
        cached = _isolated_sys_path.value = json.loads(out)
    return list(cached)


def package_root() -> str:
    """The directory holding the ``tuning`` and ``zoo`` packages this process runs."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../tuning/job.py


def worker_sys_path() -> list[str]:
    """A worker's ``sys.path``: isolated, with :func:`package_root` before site-packages.

    The standard library comes first, so a ``pickle.py`` in the package root (or
    anywhere) never shadows the real one.
    """
    path = _isolated_sys_path()
    index = next((i for i, p in enumerate(path) if "-packages" in p), len(path))
    return [*path[:index], package_root(), *path[index:]]


def _user_site() -> list[str]:
    """This process's user site-packages, if it uses one (``python -I`` leaves it out)."""
    import site

    user = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    return [user] if user and user in sys.path else []


def _worker_paths(target) -> list[str]:
    """Directories a worker needs on its path to import ``target`` (appended at the end).

    Raises:
        ValueError: ``target`` cannot be imported by path (defined in ``__main__``, in
            a function, or in a module without a file).
    """
    module_name = getattr(target, "__module__", None) or ""
    qualname = getattr(target, "__qualname__", "")
    what = f"{getattr(target, '__name__', repr(target))!r}"
    if module_name == "__main__" or "<locals>" in qualname or "<lambda>" in qualname:
        raise ValueError(
            f"run_search: worker processes import the model by its import path, and {what} "
            f"is defined {'in the script run as __main__' if module_name == '__main__' else 'inside a function'}"
            "; define it at the top level of a module (e.g. my_models.py) and import it "
            "from there")
    top = module_name.split(".")[0]
    path = worker_sys_path()
    if importlib.machinery.PathFinder.find_spec(top, path) is not None:
        return []
    module = sys.modules.get(module_name)
    location = getattr(module, "__file__", None)
    if location:
        root = os.path.dirname(os.path.abspath(location))
        for _ in range(module_name.count(".")):
            root = os.path.dirname(root)
        if importlib.machinery.PathFinder.find_spec(top, [root]) is not None:
            return [root]
    raise ValueError(f"run_search: worker processes cannot import module {module_name!r} "
                     f"(of {what}): it is not installed and has no file to find it by; "
                     "install it or put it in a module file")


# ----------------------------------------------------------------- settings as JSON


def config_spec(config: SearchConfig) -> dict:
    """The settings of ``config`` as plain JSON values (:func:`config_from_spec` inverts it)."""
    spec = {}
    for f in fields(SearchConfig):
        if not f.init:
            continue
        value = getattr(config, f.name)
        if f.name == "objective":
            value = _objective_spec(value)
        elif f.name == "hyperparameters":
            value = None if value is None else value.get_config()
        spec[f.name] = value
    return _plain(jsonable(spec), "the search settings")


def _objective_spec(objective):
    if isinstance(objective, str):
        return objective
    if isinstance(objective, list):
        return [_objective_spec(o) for o in objective]
    return {"name": objective.name, "direction": objective.direction}


def config_from_spec(spec: dict) -> SearchConfig:
    """The :class:`SearchConfig` of :func:`config_spec`'s JSON."""
    import keras_tuner as kt

    values = dict(spec)

    def objective(value):
        if isinstance(value, dict):
            return kt.Objective(value["name"], value["direction"])
        if isinstance(value, list):
            return [objective(v) for v in value]
        return value

    values["objective"] = objective(values.get("objective"))
    if values.get("hyperparameters") is not None:
        values["hyperparameters"] = kt.HyperParameters.from_config(values["hyperparameters"])
    values["drop"] = tuple(values.get("drop") or ())
    return SearchConfig(**values, caller="worker")


# ---------------------------------------------------------------------- the data's identity


def fingerprint(dataset) -> str:
    """A SHA-256 of a data set's six arrays (dtype, shape and bytes of each).

    A streamed data set is not read for it: its name, task, classes, input shape and
    split sizes stand for it.
    """
    import numpy as np

    digest = hashlib.sha256()
    if dataset.streamed:
        digest.update(json.dumps([dataset.name, dataset.task, dataset.num_classes,
                                  list(dataset.input_shape),
                                  [dataset.size(s) for s in ("train", "val", "test")]]
                                 ).encode())
        return digest.hexdigest()
    for key in _SPLIT_KEYS:
        array = np.ascontiguousarray(getattr(dataset, key))
        digest.update(f"{key}:{array.dtype.str}:{array.shape};".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()


def data_spec(data, dataset, config: SearchConfig, input_kind) -> dict:
    """Where a job's data came from, as JSON: a name or path with its options, or a
    fingerprint of the data (arrays, streams)."""
    if isinstance(data, (str, os.PathLike)):
        return {"name": os.fspath(data), "options": jsonable(config.data_options),
                "seed": config.data_seed, "input_kind": input_kind}
    return {"name": dataset.name, "fingerprint": fingerprint(dataset)}


# ---------------------------------------------------------------------- the lock


class JobLock:
    """An exclusive OS file lock on a job directory, held while one process works in it.

    ``fcntl.flock`` on ``<directory>/job.lock`` (``msvcrt.locking`` on Windows), taken
    without waiting: a second process is refused at once with the holder's PID,
    which the file holds. The OS releases the lock when the holder's process ends,
    however it ends, so there is nothing to clean up after a crash or ``SIGKILL``.

    Args:
        directory: The job directory (created).
        fn: The caller's name, for messages.

    Example:
        >>> with JobLock("/tmp/zoo_lock_example"):
        ...     pass  # the directory is this process's here
    """

    def __init__(self, directory, *, fn: str = "run_search"):
        self.directory = os.fspath(directory)
        self.path = os.path.join(self.directory, LOCK_FILE)
        self.fn = fn
        self._fd = None

    def acquire(self) -> JobLock:
        """Take the lock.

        Raises:
            JobLockedError: another process holds it (the message names its PID).
        """
        os.makedirs(self.directory, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd, exclusive=True):
            holder = _read_pid(fd)
            os.close(fd)
            raise JobLockedError(locked_message(self.fn, self.directory, holder))
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the lock back (the file stays: removing it would race a waiting process)."""
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def locked_message(fn, directory, holder) -> str:
    """The message of a refused second process."""
    who = f"process {holder}" if holder else "another process"
    return (f"{fn}: the job directory {directory!r} is in use by {who} (another zoo tune or "
            "run_search on the same --out); wait for it to finish, or give another --out")


def check_unlocked(directory, *, fn: str = "run_search") -> None:
    """Refuse at once if another process holds ``directory``'s lock (takes nothing).

    A cheap look before any heavy import, so that a second ``zoo tune`` on a busy
    directory is refused within a fraction of a second; :class:`JobLock` takes the
    lock for real later.

    Raises:
        JobLockedError: the directory is in use (the message names the PID).
    """
    path = os.path.join(os.fspath(directory), LOCK_FILE)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # no lock file: nobody has ever worked here, or it cannot be read
    try:
        if _try_lock(fd, exclusive=False):
            _unlock(fd)
        else:
            raise JobLockedError(locked_message(fn, os.fspath(directory), _read_pid(fd)))
    finally:
        os.close(fd)


def _try_lock(fd, *, exclusive) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


def _unlock(fd) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_pid(fd) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode(errors="replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


# ---------------------------------------------------------------------- the manifest


def job_manifest(job: Job, model) -> dict:
    """What makes a job this job: model, data, algorithm, objective and budget, as JSON.

    Args:
        job: The :class:`Job`.
        model: What the user passed as ``model`` (a registry name, a hypermodel, a
            function).
    """
    config = job.config
    if isinstance(model, str):
        name = model
    else:
        name = import_path(type(model) if hasattr(model, "build") else model)
    hypermodel = job.hypermodel
    space = hypermodel.get_config() if callable(getattr(hypermodel, "get_config", None)) \
        else None
    settings = {key: getattr(config, key) for key in _JOB_SETTINGS}
    return json.loads(json.dumps(jsonable({
        "format": "zoo.tuning.job", "version": 1, "model": name, "data": job.data_spec,
        "objective": objective_names(config.objective), **settings, "hypermodel": space})))


def _flat(value, prefix="") -> dict:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _shown_key(key: str) -> str:
    """A manifest key as the user knows it (``fixed.units``, not ``hypermodel.kwargs...``)."""
    if key.startswith("hypermodel.kwargs."):
        return key[len("hypermodel.kwargs."):]
    return "the hypermodel's arguments" if key.startswith("hypermodel.") else key


def check_manifest(project_dir, manifest: dict, *, fn: str = "run_search") -> list[str]:
    """Refuse to resume a job with another model, data, algorithm or budget; else record it.

    ``max_trials`` alone may change (:data:`EXTENSIBLE`): a search resumed with more
    trials runs the new ones.

    Args:
        project_dir: keras-tuner's project directory (the manifest is ``job.json`` in it).
        manifest: :func:`job_manifest` of the job about to run.
        fn: The caller's name, for messages.

    Returns:
        Warnings for the report (a job from before manifests: recorded now).

    Raises:
        ValueError: the recorded job differs (the message names each difference and
            says ``--overwrite``), or ``job.json`` cannot be read (names the file).
    """
    path = os.path.join(project_dir, MANIFEST_FILE)
    warnings = []
    if os.path.exists(path):
        try:
            recorded = read_json(path, what="job manifest")
            if not isinstance(recorded, dict) or recorded.get("format") != manifest["format"]:
                raise ValueError(f"job manifest {path} is not a zoo job manifest")
        except ValueError as exc:
            raise ValueError(f"{fn}: {exc}; {repair_hint()}") from None
        old, new = _flat(recorded), _flat(manifest)
        differ = [key for key in [*new, *(k for k in old if k not in new)]
                  if old.get(key) != new.get(key) and key not in EXTENSIBLE]
        if differ:
            # What the user set first; the hypermodel's arguments follow from it.
            differ = [k for k in differ if not k.startswith("hypermodel.")] or differ
            shown = ", ".join(f"{_shown_key(key)} {old.get(key)!r} (now {new.get(key)!r})"
                              for key in differ[:4])
            more = f" and {len(differ) - 4} more" if len(differ) > 4 else ""
            raise ValueError(f"{fn}: {os.path.dirname(project_dir)!r} holds another job "
                             f"({shown}{more}); run it with the same settings to resume it, or "
                             "pass --overwrite (overwrite=True) to start afresh")
        for key in EXTENSIBLE:
            if old.get(key) != new.get(key):
                logger.info("resuming with %s=%s (was %s)", key, new.get(key), old.get(key))
                write_json(path, manifest)
        return warnings
    if os.path.exists(os.path.join(project_dir, "oracle.json")):
        warnings.append(f"{path} was missing (a job started by an older zoo, or deleted): "
                        "recorded this run's model, data and budget")
        logger.warning("%s", warnings[-1])
    write_json(path, manifest)
    return warnings


def start_afresh(directory, project_dir) -> None:
    """Remove a job's project and report files (``overwrite=True``), keeping the lock."""
    if os.path.isdir(project_dir):
        shutil.rmtree(project_dir)
    for name in REPORT_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            os.remove(path)


# ---------------------------------------------------------------------- the trial clock


def read_clock(path, *, move_aside: bool = True) -> tuple[dict, str | None]:
    """The records of a clock file, and a warning if it was damaged (then moved aside).

    A damaged ``zoo_trials.json`` (not JSON, or not a dict of records) is renamed
    ``zoo_trials.json.damaged`` (unless ``move_aside=False``) and reported: the times
    and workers of earlier trials are lost, nothing else.
    """
    if not os.path.exists(path):
        return {}, None
    try:
        records = read_json(path, what="trial clock")
        if not isinstance(records, dict) or not all(isinstance(r, dict)
                                                    for r in records.values()):
            raise ValueError(f"trial clock {path} does not hold trial records")
    except ValueError as exc:
        if not move_aside:
            return {}, str(exc)
        aside = path + ".damaged"
        os.replace(path, aside)
        warning = (f"{exc}; moved aside to {aside}: the earlier trials' times and workers "
                   "are lost (their results are not)")
        logger.warning("%s", warning)
        return {}, warning
    return records, None


class TrialClock:
    """Times trials and reports progress by wrapping an oracle's create/end calls.

    Works on the oracle that owns the search (single process or distributed
    chief), so the times and the worker of every trial are recorded whichever
    process runs it. The records persist in ``<project>/zoo_trials.json`` so a
    resumed search keeps the earlier times; each also keeps a copy of its trial's
    state, from which a lost or damaged ``trial.json`` is restored
    (:func:`tuning.jobfiles.check_job_files`).

    Args:
        oracle: The search's oracle (its ``create_trial``/``end_trial`` are wrapped).
        project_dir: keras-tuner's project directory.
        progress: ``f(row: dict)`` called after every trial (see :func:`trial_row`;
            plus ``best``, ``done`` and ``budget``).
        budget: Expected number of trials (for progress).

    Attributes:
        warnings: What was found damaged when the records were read (for the report).
    """

    def __init__(self, oracle, project_dir, *, progress=None, budget=None):
        self.oracle = oracle
        self.path = os.path.join(project_dir, CLOCK_FILE)
        self.progress = progress
        self.budget = budget
        self.records, warning = read_clock(self.path)
        self.warnings = [warning] if warning else []
        self._live = set()  # trials started by this process (a resumed trial restarts)
        for trial_id, trial in getattr(oracle, "trials", {}).items():
            # Keep a copy of every trial known (a clock read afresh has none).
            self.records.setdefault(trial_id, {}).setdefault("trial", trial.get_state())
        self._create = oracle.create_trial
        self._end = oracle.end_trial
        oracle.create_trial = self.create_trial
        oracle.end_trial = self.end_trial

    def _save(self):
        write_json(self.path, self.records)

    def create_trial(self, tuner_id):
        trial = self._create(tuner_id)
        if trial.status == "RUNNING":
            rec = self.records.setdefault(trial.trial_id, {})
            rec.setdefault("attempts", 0)
            key = (trial.trial_id, tuner_id)
            if key not in self._live or "end" in rec:
                self._live.add(key)
                rec.update(start=time.time(), worker=tuner_id, running_on=tuner_id,
                           trial=trial.get_state())
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
        rec["trial"] = stored.get_state()
        rec.pop("running_on", None)
        self._save()
        row = trial_row(stored, rec)
        row["best"] = _best_score(self.oracle)
        row["done"] = _compat.trials_ended(self.oracle)
        row["budget"] = self.budget
        logger.debug("trial %s (%s) %s=%s best=%s %.1fs %s", row["trial_id"], row["worker"],
                     self.oracle.objective.name, row["score"], row["best"], row["seconds"] or 0,
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
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def best_trial(oracle):
    """The completed trial with the best finite score, or ``None`` (none completed).

    keras-tuner's ``get_best_trials`` pads its answer with failed trials when too
    few completed, and orders NaN scores arbitrarily; a failed or non-finite trial
    is never the best here.
    """
    done = [t for t in oracle.trials.values()
            if str(t.status) == "COMPLETED" and _score(t.score) is not None]
    if not done:
        return None
    pick = max if oracle.objective.direction == "max" else min
    return pick(done, key=lambda t: _score(t.score))


def _best_score(oracle):
    best = best_trial(oracle)
    return None if best is None else _score(best.score)


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
