"""Mid-trial checkpoints: a trial interrupted by a crash continues from its last epoch.

keras-tuner keeps finished trials when a search resumes, but restarts the trial
that was running from epoch 0. Here every trial's ``fit`` gets an
:class:`EpochCheckpoint` callback that, at each epoch end, writes into
``<project>/trial_<id>/resume/``:

* ``epoch_NNNN.weights.h5``: the model's weights and its optimizer's state (slots,
  iteration count, so a learning-rate schedule continues at the same step);
* ``epoch_NNNN.npz``: the model's other variables (the dropout layers' random
  seed states);
* ``state.json`` (written last, atomically, so it always names complete files):
  the epoch, the per-epoch logs so far (the trial's history), whether training was
  stopped, and the state of the other callbacks (:data:`CALLBACK_STATE`:
  early stopping's best and wait, ReduceLROnPlateau's, keras-tuner's best-epoch
  checkpoint's best value).

When the same trial runs again (a resumed job gets the trial it was running back
from the oracle; a distributed worker gets a dead worker's trial from the retry
queue), :class:`TrialResume` finds ``state.json``, starts ``fit`` at the next epoch
(``initial_epoch``), restores the files in ``on_train_begin`` and prepends the
saved history, so the trial's score and best epoch are those of an uninterrupted
run. The zoo's hypermodels draw each epoch's data order from ``(seed, epoch)``
(:class:`EpochOrder`), so on CPU with fixed seeds the resumed trial gives the
same numbers. The files go once the trial's training ends.

Limits: trials with ``executions_per_trial > 1`` restart from epoch 0; a caller's
own callbacks are restored only if they are listed in :data:`CALLBACK_STATE` or
implement ``zoo_get_state()`` / ``zoo_set_state(state)``.
"""

from __future__ import annotations

import glob
import json
import logging
import math
import os
import shutil

import numpy as np

from zoo.backend import import_keras

keras = import_keras()

logger = logging.getLogger("tuning.checkpoint")

RESUME_DIR = "resume"
STATE_FILE = "state.json"

#: Callback class name -> the attributes that carry its state from epoch to epoch
#: (what its ``on_train_begin`` resets).
CALLBACK_STATE = {
    "EarlyStopping": ("wait", "best", "best_epoch", "stopped_epoch"),
    "ReduceLROnPlateau": ("wait", "best", "cooldown_counter"),
    "SaveBestEpoch": ("best_value",),
}


class EpochOrder(keras.utils.PyDataset):
    """In-memory training arrays in batches, in an order drawn from ``(seed, epoch)``.

    Keras shuffles arrays with random ops whose results depend on every random op
    run before in the process, so a trial continued at ``initial_epoch`` in a fresh
    process would see other batches than an uninterrupted one. Here epoch ``e``'s
    order is ``numpy.random.default_rng([seed, e]).permutation(n)``, wherever it runs.

    Args:
        x: An array (or a list/dict of arrays) of samples.
        y: The targets (same structure rules), or ``None``.
        batch_size: Samples per batch (the last batch may be smaller).
        seed: Int >= 0.
        epoch: The first epoch ``fit`` runs (its ``initial_epoch``).

    Example:
        >>> data = EpochOrder(x, y, batch_size=64, seed=0, epoch=6)
        >>> model.fit(data, epochs=10, initial_epoch=6, shuffle=False)
    """

    def __init__(self, x, y, *, batch_size, seed, epoch=0):
        super().__init__()
        self.x, self.y = x, y
        self.size = len(keras.tree.flatten(x)[0])
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.epoch = int(epoch)
        self._order = None

    def __len__(self):
        return math.ceil(self.size / self.batch_size)

    def order(self):
        """This epoch's permutation of the sample indices."""
        if self._order is None:
            self._order = np.random.default_rng([self.seed, self.epoch]).permutation(self.size)
        return self._order

    def __getitem__(self, index):
        rows = self.order()[index * self.batch_size:(index + 1) * self.batch_size]
        x = keras.tree.map_structure(lambda a: a[rows], self.x)
        if self.y is None:
            return (x,)
        return x, keras.tree.map_structure(lambda a: a[rows], self.y)

    def on_epoch_end(self):
        self.epoch += 1
        self._order = None


def _number(value):
    """A callback attribute as JSON can hold it (numpy scalars, tensors -> float)."""
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _write_atomically(path, write):
    """``write(tmp_path)`` then move the file into place (a kill leaves the old file)."""
    base, name = os.path.split(path)
    tmp = os.path.join(base, "tmp." + name)
    write(tmp)
    os.replace(tmp, path)


def callback_state(callback):
    """The state of one callback (``None`` for one without known state)."""
    getter = getattr(callback, "zoo_get_state", None)
    if callable(getter):
        return getter()
    names = CALLBACK_STATE.get(type(callback).__name__)
    if names is None:
        return None
    return {n: _number(getattr(callback, n)) for n in names if hasattr(callback, n)}


def set_callback_state(callback, state):
    """Give ``callback`` the state :func:`callback_state` recorded."""
    setter = getattr(callback, "zoo_set_state", None)
    if callable(setter):
        setter(state)
        return
    for name, value in state.items():
        setattr(callback, name, value)


def read_state(directory):
    """The checkpoint state in ``directory`` (a trial's ``resume`` folder), or ``None``."""
    path = os.path.join(directory, STATE_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError:  # cannot happen with os.replace; a damaged file restarts the trial
        logger.warning("unreadable trial checkpoint %s: the trial restarts", path)
        return None


class EpochCheckpoint(keras.callbacks.Callback):
    """Writes the trial's state at every epoch end, and restores a saved one at the start.

    Put it last in ``fit``'s callbacks, so it sees the others' state after their
    epoch end and restores theirs after their ``on_train_begin`` reset.

    Args:
        directory: The trial's ``resume`` folder (created).
        callbacks: The other callbacks of the ``fit`` (their state is kept).
        saved: The state read back (:func:`read_state`) to restore, or ``None``.

    Example:
        >>> cb = EpochCheckpoint("/tmp/job/search/trial_0/resume", callbacks)
        >>> model.fit(x, y, epochs=10, callbacks=[*callbacks, cb])
    """

    def __init__(self, directory, callbacks=(), saved=None):
        super().__init__()
        self.directory = str(directory)
        self.callbacks = list(callbacks)
        self.saved = saved
        self.history = list(saved["history"]) if saved else []

    def __deepcopy__(self, memo):  # keras-tuner deep-copies a trial's callbacks
        return self

    def _extra_variables(self):
        weights = {id(v) for v in self.model.weights}
        return [v for v in self.model.variables if id(v) not in weights]

    def on_train_begin(self, logs=None):
        if not self.saved:
            return
        epoch = self.saved["epoch"]
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            optimizer.build(self.model.trainable_variables)
        self.model.load_weights(os.path.join(self.directory, f"epoch_{epoch:04d}.weights.h5"))
        with np.load(os.path.join(self.directory, f"epoch_{epoch:04d}.npz")) as extra:
            variables = self._extra_variables()
            if len(variables) == len(extra.files):
                for i, variable in enumerate(variables):
                    variable.assign(extra[f"v{i}"])
        for i, callback in enumerate(self.callbacks):
            state = self.saved["callbacks"].get(str(i))
            if state is not None and type(callback).__name__ == state["class"]:
                set_callback_state(callback, state["state"])
        logger.info("trial continues after epoch %d from %s", epoch + 1, self.directory)

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        self.history.append({k: _number(v) for k, v in (logs or {}).items()})
        stem = os.path.join(self.directory, f"epoch_{epoch:04d}")
        _write_atomically(stem + ".weights.h5", self.model.save_weights)
        values = {f"v{i}": np.asarray(v.numpy()) for i, v in enumerate(self._extra_variables())}
        _write_atomically(stem + ".npz", lambda p: _save_npz(p, values))
        callbacks = {}
        for i, callback in enumerate(self.callbacks):
            state = callback_state(callback)
            if state is not None:
                callbacks[str(i)] = {"class": type(callback).__name__, "state": state}
        state = {"epoch": epoch, "history": self.history, "callbacks": callbacks,
                 "stopped": bool(self.model.stop_training)}
        _write_atomically(os.path.join(self.directory, STATE_FILE),
                          lambda p: _save_json(p, state))
        for old in glob.glob(os.path.join(self.directory, "epoch_*")):
            if not os.path.basename(old).startswith(f"epoch_{epoch:04d}."):
                os.remove(old)


def _save_npz(path, values):
    with open(path, "wb") as f:
        np.savez(f, **values)


def _save_json(path, payload):
    with open(path, "w") as f:
        json.dump(payload, f)  # Infinity for a callback's untouched best: Python reads it back


def merge_history(history, saved):
    """Prepend the saved epochs' logs to the ``History`` of the resumed ``fit``.

    Args:
        history: What the resumed ``fit`` returned (a ``keras.callbacks.History``).
        saved: The restored state (:func:`read_state`), or ``None``.

    Returns:
        ``history``, its ``history`` and ``epoch`` covering the whole trial.
    """
    if not saved or not hasattr(history, "history"):
        return history
    before = saved["history"]
    keys = {k for logs in before for k in logs} | set(history.history)
    history.history = {k: [logs.get(k, math.nan) for logs in before]
                       + list(history.history.get(k, [])) for k in keys}
    start = saved["epoch"] + 1 - len(before)
    history.epoch = list(range(start, saved["epoch"] + 1)) + list(getattr(history, "epoch", []))
    return history


class TrialResume:
    """Tuner mixin: checkpoint every epoch of a trial, continue an interrupted one, and
    run a cross-validated trial's folds (:mod:`tuning.cv`).

    Put it first in the bases of a tuner that has :class:`tuning._compat.TunerInternals`
    (whose per-execution build-and-fit calls :meth:`zoo_build_and_fit`).

    Attributes:
        zoo_resume_trials: ``False`` turns mid-trial checkpoints off.
        zoo_folds: ``None``, or the ``(train_rows, validation_rows)`` of each fold of a
            cross-validated search (set by :meth:`tuning.job.Job.search`); ``fit`` then
            gets train+validation as its ``x``, ``y``.
    """

    zoo_resume_trials = True
    zoo_folds = None

    def zoo_resume_dir(self, trial_id) -> str:
        """The folder of ``trial_id``'s mid-trial checkpoints."""
        return os.path.join(self.get_trial_dir(trial_id), RESUME_DIR)

    def zoo_build_and_fit(self, trial, *args, **kwargs):
        resume = self.zoo_resume_trials and self.executions_per_trial == 1
        directory = self.zoo_resume_dir(trial.trial_id)
        if not self.zoo_folds:
            if not resume:
                return super().zoo_build_and_fit(trial, *args, **kwargs)
            history = self._zoo_fit(trial, directory, args, kwargs)
            shutil.rmtree(directory, ignore_errors=True)  # the trial's training is over
            return history
        from tuning import cv

        (x, y), kwargs = args[:2], dict(kwargs)
        # Every fold from scratch for the trial's whole budget (Hyperband: tuner/epochs).
        kwargs["initial_epoch"] = 0
        histories = []
        for k, (train, val) in enumerate(self.zoo_folds):
            fold = dict(kwargs, validation_data=(cv.take(x, val), cv.take(y, val)))
            fold_args = (cv.take(x, train), cv.take(y, train), *args[2:])
            fold_dir = os.path.join(directory, f"fold{k}")
            if resume:
                histories.append(self._zoo_fit(trial, fold_dir, fold_args, fold, keep=True))
            else:
                histories.append(super().zoo_build_and_fit(trial, *fold_args, **fold))
        cv.write_fold_scores(self.get_trial_dir(trial.trial_id),
                             [cv.best_value(h, self.oracle.objective) for h in histories])
        shutil.rmtree(directory, ignore_errors=True)
        return histories

    def _zoo_fit(self, trial, directory, args, kwargs, *, keep=False):
        """One resumable ``fit``; with ``keep`` its finished state stays (a fold's result)."""
        saved = read_state(directory)
        if saved and saved.get("finished"):  # a fold done before the interruption
            return merge_history(keras.callbacks.History(), saved)
        callbacks = list(kwargs.get("callbacks") or [])
        kwargs = dict(kwargs, callbacks=[*callbacks, EpochCheckpoint(directory, callbacks,
                                                                     saved)])
        if saved:
            epochs = kwargs.get("epochs", 1)
            kwargs["initial_epoch"] = epochs if saved["stopped"] else max(
                saved["epoch"] + 1, kwargs.get("initial_epoch", 0))
            logger.info("trial %s: resuming at epoch %d of %d", trial.trial_id,
                        kwargs["initial_epoch"] + 1, epochs)
        history = merge_history(super().zoo_build_and_fit(trial, *args, **kwargs), saved)
        if keep:
            state = {"finished": True, "epoch": history.epoch[-1] if history.epoch else -1,
                     "history": [{k: _number(x) for k, x in zip(history.history, v, strict=True)} for v in
                                 zip(*history.history.values(), strict=True)]}
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            _write_atomically(os.path.join(directory, STATE_FILE),
                              lambda p: _save_json(p, state))
        return history
