"""Hyperband's continuation of parent trials' models, without rebuilding them.

keras-tuner builds a fresh model for every Hyperband trial that continues a
parent trial (Hyperband's later rounds), loads the parent's best checkpoint into
it and pays ``tf.function`` tracing again. :class:`HyperbandReuse` keeps the
compiled models of the current bracket in memory (:class:`ParentModelCache`) and
continues the parent's own model instead: it reloads the same checkpoint and
resets the optimizer slots, iteration count and random-seed states to the values
a fresh build starts from (:func:`fresh_state`, :func:`restore_state`), so every
trial gets the same numbers as keras-tuner's rebuild, without the rebuild and
the re-tracing (``reuse_models=False`` turns it off). The reload is skipped when
the checkpoint is the parent's last epoch, whose weights the model already holds.
What it saves is measured in BENCHMARKS.md (row 4).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from tuning import _compat
from zoo._validate import check_positive_int
from zoo.backend import import_keras

keras = import_keras()


class ParentModelCache:
    """Compiled models of finished trials, kept for the Hyperband trials that continue them.

    Each entry holds a model and the values its non-weight variables (dropout
    seed states) and its optimizer's variables had when it was built; with
    :func:`restore_state` they give the model what a fresh build of it would
    start from. The oldest entries are dropped once the
    cached models hold more than ``max_params`` parameters together.

    Args:
        max_params: Bound on the parameters of all cached models together (their
            weights, optimizer slots and traced functions stay in memory).

    Example:
        >>> cache = ParentModelCache(max_params=1_000_000)
        >>> cache.put("0001", model, fresh_state(model))
        >>> model, state = cache.take("0001")
    """

    def __init__(self, max_params=20_000_000):
        self.max_params = check_positive_int("ParentModelCache", "max_params", max_params)
        self._entries = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self):
        return len(self._entries)

    def take(self, trial_id):
        """Remove and return ``(model, state)`` cached for ``trial_id``, or ``None``."""
        entry = self._entries.pop(trial_id, None)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, trial_id, model, state):
        """Cache ``model`` for ``trial_id``; drop the oldest entries over ``max_params``."""
        self._entries[trial_id] = (model, state)
        total = sum(m.count_params() for m, _ in self._entries.values())
        while len(self._entries) > 1 and total > self.max_params:
            _, (old, _) = self._entries.popitem(last=False)
            total -= old.count_params()

    def clear(self):
        """Drop every cached model."""
        self._entries.clear()


def fresh_state(model, *, optimizer=True):
    """Snapshot the state of a just-built model that neither training nor a checkpoint resets.

    That is every model variable that is not a weight (the dropout layers' seed
    states; metric variables too, which ``fit`` resets anyway) and, with
    ``optimizer``, every variable of the optimizer (iteration count, slots,
    learning rate, loss scale), which is built for the model's weights if it is
    not yet (as ``fit`` would build it).

    Args:
        model: A compiled, built ``keras.Model`` that has not trained yet.
        optimizer: Include the optimizer's variables (:func:`optimizer_state`).

    Returns:
        A list of ``(variable, numpy value)`` pairs for :func:`restore_state`.
    """
    weights = {id(v) for v in model.weights}
    state = _snapshot(v for v in model.variables if id(v) not in weights)
    return state + optimizer_state(model) if optimizer else state


def optimizer_state(model):
    """``(variable, value)`` pairs of ``model``'s optimizer before its first step.

    Builds the optimizer for the model's trainable weights if ``fit`` has not yet.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return []
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    return _snapshot(optimizer.variables)


def restore_state(model, state):
    """Give ``model`` the non-weight state of a fresh build of itself.

    Assigns the values recorded by :func:`fresh_state`: the dropout seed states
    and the optimizer's variables as they were before training, so a
    learning-rate schedule restarts, Adagrad's accumulators get their initial
    value again and a learning rate lowered by ``ReduceLROnPlateau`` goes back up.
    A state recorded without the optimizer resets it to a new optimizer of the
    same configuration instead.
    """
    for variable, value in state:
        variable.assign(value)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not optimizer.built:
        return  # fit builds it fresh
    recorded = {id(v) for v, _ in state}
    if all(id(v) in recorded for v in optimizer.variables):
        return
    new = optimizer.__class__.from_config(optimizer.get_config())
    new.build(model.trainable_variables)
    for variable, value in zip(optimizer.variables, new.variables, strict=True):
        variable.assign(value)


def _snapshot(variables):
    return [(v, _compact(np.array(v.numpy()))) for v in variables]


def _compact(value):
    """``value``, or a read-only broadcast view of one element when all are equal.

    Optimizer slots start as zeros: the cached snapshot then costs no memory.
    """
    flat = value.reshape(-1)
    if flat.size > 1 and (flat == flat[0]).all():
        return np.broadcast_to(flat[:1].copy(), value.shape)
    return value


class OptimizerSnapshot(keras.callbacks.Callback):
    """Adds the optimizer's pre-training values to a freshly built model's cached state.

    ``fit`` builds the optimizer (or :func:`zoo.build_training_state` does just
    before it); taking the snapshot there, instead of building the optimizer
    when the model is cached, leaves that work where Keras does it.
    """

    def __init__(self, tuner):
        super().__init__()
        self.tuner = tuner

    def __deepcopy__(self, memo):  # keras-tuner copies a trial's callbacks
        return self

    def on_train_begin(self, logs=None):
        fresh = getattr(self.tuner, "_zoo_fresh", None)
        if fresh is None or fresh[0] is not self.model:
            return
        self.tuner._zoo_fresh = None
        with _compat.distribution_scope(self.tuner.distribution_strategy):
            fresh[1].extend(optimizer_state(self.model))


def load_parent_weights(tuner, model, parent) -> None:
    """Load a parent trial's checkpoint (weights only); an unreadable one fails this trial.

    Raises:
        keras_tuner.errors.FailedTrialError: the checkpoint is missing or damaged
            (the trial is recorded as failed with this message, not a traceback).
    """
    import keras_tuner as kt

    try:
        _compat.load_checkpoint(tuner, model, parent, optimizer=False)
    except Exception as exc:  # noqa: BLE001 - h5py, zip and Keras errors alike
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise kt.errors.FailedTrialError(
            f"the checkpoint of parent trial {parent} ({_compat.checkpoint_path(tuner, parent)})"
            f" cannot be read ({reason}); this trial continues that model, so it fails"
            ) from None


class HyperbandReuse:
    """Mixin for the zoo's Hyperband: continue parent trials' models instead of rebuilding.

    Put it before :class:`tuning._compat.TunerInternals`, whose ``_build_hypermodel``
    calls :meth:`zoo_build_model`.

    Attributes:
        zoo_reuse_models: ``False`` gives keras-tuner's rebuild (set by ``make_tuner``
            from ``reuse_models``).
        zoo_model_cache: The :class:`ParentModelCache` of the search.
    """

    zoo_reuse_models = True

    def run_trial(self, trial, *args, **kwargs):
        self._zoo_trial_id = trial.trial_id
        if self.zoo_reuse_models:
            kwargs["callbacks"] = [*kwargs.get("callbacks", []), OptimizerSnapshot(self)]
        try:
            return super().run_trial(trial, *args, **kwargs)
        finally:
            self._zoo_trial_id = None
            self._zoo_fresh = None

    def search(self, *fit_args, **fit_kwargs):
        try:
            return super().search(*fit_args, **fit_kwargs)
        finally:
            self.zoo_model_cache.clear()  # the models are not needed after the search

    @property
    def zoo_model_cache(self):
        if "_zoo_model_cache" not in self.__dict__:
            self._zoo_model_cache = ParentModelCache()
        return self._zoo_model_cache

    def _zoo_checkpoint_is_last_epoch(self, trial_id):
        """Whether a trial's best-epoch checkpoint holds its model's final weights.

        keras-tuner checkpoints the first epoch with the best objective; when
        that is the last epoch, the model in memory already has those weights.
        """
        objective = self.oracle.objective
        if self.executions_per_trial != 1 or not isinstance(getattr(objective, "name",
                                                                    None), str):
            return False
        metrics = self.oracle.get_trial(trial_id).metrics
        if not metrics.exists(objective.name):
            return False
        history = metrics.get_history(objective.name)
        return bool(history) and metrics.get_best_step(objective.name) == history[-1].step

    def zoo_build_model(self, hp):
        current = getattr(self, "_zoo_trial_id", None)
        parent = hp.values.get(_compat.PARENT_TRIAL)
        if current is None or getattr(self, "zoo_folds", None):
            # load_model(), refits, cross-validated folds: a fresh build, no parent's weights
            return _compat.build_fresh_model(self, hp)
        if not self.zoo_reuse_models:
            # keras-tuner's rebuild: a fresh model with the parent's weights and a fresh
            # optimizer (keras-tuner's own build skips the optimizer state with a warning).
            model = _compat.build_fresh_model(self, hp)
            if parent is not None:
                _compat.load_checkpoint(self, model, parent, optimizer=False)
            return model
        cache = self.zoo_model_cache
        entry = None
        if parent is not None:  # a later execution of this trial, else the parent's
            entry = cache.take(current) or cache.take(parent)
        if entry is None:
            # keras-tuner's own build (no checkpoint loaded yet), then the snapshot;
            # the optimizer's part is taken when fit has built it (OptimizerSnapshot).
            model = _compat.build_fresh_model(self, hp)
            with _compat.distribution_scope(self.distribution_strategy):
                state = fresh_state(model, optimizer=False)
            self._zoo_fresh = (model, state)
        else:
            model, state = entry
        if parent is not None:
            with _compat.distribution_scope(self.distribution_strategy):
                if entry is None or not self._zoo_checkpoint_is_last_epoch(parent):
                    load_parent_weights(self, model, parent)
                restore_state(model, state)  # what a fresh build trains from
        cache.put(current, model, state)
        return model
