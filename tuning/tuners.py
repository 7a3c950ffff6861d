"""Build keras-tuner tuners (random, Bayesian, Hyperband, grid) with the zoo's fixes.

:func:`make_tuner` validates every argument in plain Python before keras-tuner
or TensorFlow does any work, naming the arguments the chosen algorithm accepts
when one does not apply. It also handles keras-tuner pitfalls:

* ``seed=0``: keras-tuner's oracles do ``seed or random.randint(1, 10000)``, so a
  zero seed would give an unreproducible search. :func:`oracle_seed` maps the
  user's seed 0 to a fixed non-zero value (other seeds pass unchanged).
* TPUs: the zoo's tuners write trial checkpoints as Keras 3 ``.weights.h5`` files
  from the host (no TensorFlow file ops on the TPU worker); any TensorFlow-format
  save goes through :func:`tpu_save_options` (``experimental_io_device=
  "/job:localhost"``). A TPU reached over the network (a TPU node, not a TPU VM)
  cannot see the host's disk at all, so it needs a ``gs://`` directory and
  :func:`check_directory` says so before the search starts.
* Speed and memory: Keras' global state is cleared before every trial (keeping
  TensorFlow's eager kernel cache, which ``clear_session`` would flush: a third
  of a small model's build time; see ``zoo.backend.tensorflow.eager_kernels_kept``), and the
  objects alive when the search starts are frozen out of the collector
  (``gc.freeze``) for its duration. keras-tuner runs two full garbage
  collections per trial; with TensorFlow loaded each costs 0.1-0.25 s, more than
  training a small model for an epoch. The zoo's tuners run one, and only while
  collections have taken less than ``GC_BUDGET`` (0.5%) of the search's time, so
  short trials share a collection and long ones each get their own; the kernel
  cache is flushed with each of them. Before each trial the gradient functions
  that earlier trials' train steps registered with ``tf.custom_gradient`` are
  unregistered (``zoo.backend.tensorflow.drop_custom_gradients``): TensorFlow never removes
  them, and each holds its traced graph, about 5 MiB per trial of the digits CNN.
* Hyperband's rounds: keras-tuner builds a fresh model for every trial that
  continues a parent trial, loads the parent's best checkpoint into it and pays
  ``tf.function`` tracing again. The zoo's Hyperband keeps the compiled models of
  the current bracket in memory (:class:`ParentModelCache`) and continues the
  parent's own model instead: it reloads the same checkpoint and resets the
  optimizer slots, iteration count and random-seed states to the values a fresh
  build starts from, so every trial gets the same numbers as keras-tuner's
  rebuild, without the rebuild and the re-tracing (``reuse_models=False`` turns
  it off). The reload is skipped when the checkpoint is the parent's last epoch,
  whose weights the model already holds.
"""

from __future__ import annotations

import gc
import logging
import numbers
import os
import time
import warnings

from zoo._validate import check_choice, check_positive_int, suggest
from zoo.backend.tensorflow import (
    custom_gradient_names,
    drop_custom_gradients,
    eager_kernels_kept,
    flush_eager_kernels,
)

logger = logging.getLogger("tuning.tuners")

ALGORITHMS = ("random", "bayesian", "hyperband", "grid")

#: Arguments each algorithm accepts beyond the common ones (hypermodel, objective,
#: directory, project_name, overwrite, seed, strategy, executions_per_trial...).
ALGORITHM_ARGS = {
    "random": ("max_trials",),
    "bayesian": ("max_trials", "num_initial_points", "alpha", "beta"),
    "hyperband": ("max_epochs", "factor", "hyperband_iterations", "max_trials", "reuse_models"),
    "grid": ("max_trials",),
}
_COMMON_ARGS = ("objective", "executions_per_trial", "directory", "project_name", "overwrite",
                "seed", "strategy", "max_retries_per_trial", "max_consecutive_failed_trials",
                "hyperparameters", "tune_new_entries", "allow_new_entries", "max_model_size")

#: Share of a search's wall time that full garbage collections between trials may take.
GC_BUDGET = 0.005

#: The non-zero oracle seed used for a user's ``seed=0`` (see :func:`oracle_seed`).
ZERO_SEED = 2_147_483_647


def oracle_seed(seed):
    """Map a user seed to the seed handed to keras-tuner's oracle.

    keras-tuner treats any falsy seed as "no seed" (``seed or random.randint(...)``),
    so 0 becomes :data:`ZERO_SEED`; ``None`` stays ``None`` (a random search); other
    seeds are unchanged.

    Example:
        >>> oracle_seed(0) == ZERO_SEED, oracle_seed(7)
        (True, 7)
    """
    if seed is None:
        return None
    return ZERO_SEED if seed == 0 else int(seed)


def tpu_save_options(strategy):
    """``tf.saved_model.SaveOptions`` routing TensorFlow-format writes through the host.

    Returns the options with ``experimental_io_device="/job:localhost"`` for a TPU
    strategy (local directories then work), ``None`` otherwise.
    """
    from zoo.distribute import is_tpu_strategy

    if not is_tpu_strategy(strategy):
        return None
    import tensorflow as tf

    return tf.saved_model.SaveOptions(experimental_io_device="/job:localhost")


def _tpu_is_remote(strategy) -> bool:
    resolver = getattr(strategy, "cluster_resolver", None)
    master = resolver.master() if resolver is not None else ""
    return bool(master) and not master.startswith(("local", "grpc://localhost",
                                                   "grpc://127.0.0.1"))


def check_directory(directory, strategy) -> None:
    """Refuse a local ``directory`` for a TPU that cannot reach this host's disk.

    Raises:
        ValueError: ``strategy`` is a TPU strategy on a remote TPU (a TPU node reached
            over gRPC) and ``directory`` is not a ``gs://`` path.
    """
    from zoo.distribute import is_tpu_strategy

    if is_tpu_strategy(strategy) and _tpu_is_remote(strategy) and not str(directory).startswith(
            "gs://"):
        raise ValueError(
            f"make_tuner: the TPU at {strategy.cluster_resolver.master()!r} is a remote TPU "
            f"worker that cannot write to the local directory {str(directory)!r}; give a "
            "Cloud Storage directory (directory='gs://bucket/path', --out gs://...) or run "
            "on a TPU VM, where local directories work")


class _Recycle(Exception):
    """Raised after a worker's share of trials, to end its search loop."""


def _mixin(base):
    """Subclass a keras-tuner tuner with a cheaper per-trial clean-up."""

    class ZooTuner(base):
        __doc__ = f"``keras_tuner.{base.__name__}`` with cheaper per-trial clean-up."

        def search(self, *fit_args, **fit_kwargs):
            # Freeze the objects alive now (TensorFlow, Keras, the data) out of the
            # garbage collector's reach for the search: every trial's clear_session
            # collects garbage, and scanning TensorFlow's heap each time costs more than
            # a small trial's training. Objects created by the trials are still collected.
            gc.freeze()
            # "last" starts at a typical collection's cost, so the first one also waits
            # until the budget allows it.
            self._zoo_gc = {"start": time.perf_counter(), "spent": 0.0, "last": 0.1,
                            "custom_gradients": custom_gradient_names()}
            try:
                with warnings.catch_warnings():
                    # Hyperband resumes trials from weight checkpoints without optimizer slots.
                    warnings.filterwarnings("ignore",
                                            message="Skipping variable loading for optimizer")
                    return super().search(*fit_args, **fit_kwargs)
            except _Recycle:
                self.zoo_recycled = True
            finally:
                self._zoo_gc = None
                gc.unfreeze()

        def _populate_initial_space(self):
            # A worker takes every trial's hyperparameters from the chief's oracle, so
            # building the hypermodel to discover the space (twice with a conditional
            # hyperparameter) would only delay its first trial.
            if self._is_worker():
                return
            super()._populate_initial_space()

        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            self.zoo_trials_done = getattr(self, "zoo_trials_done", 0) + 1
            limit = getattr(self, "zoo_max_trials", None)
            if limit and self.zoo_trials_done >= limit:
                raise _Recycle()  # leave search(); the process is replaced by a fresh one

        def _zoo_collect_garbage(self):
            """A full collection, unless collections would exceed GC_BUDGET of the search."""
            budget = getattr(self, "_zoo_gc", None)
            if budget is None:  # outside search(): load_model() and the like
                gc.collect()
                flush_eager_kernels()
                return
            now = time.perf_counter()
            if budget["spent"] + budget["last"] > GC_BUDGET * (now - budget["start"]):
                return  # the previous trials' garbage waits for a later trial
            gc.collect()
            flush_eager_kernels()
            budget["last"] = time.perf_counter() - now
            budget["spent"] += budget["last"]

        def _try_build(self, hp):
            # keras-tuner clears the session with a full collection and then collects a
            # second time; see GC_BUDGET.
            import keras
            from keras_tuner.src import errors
            from keras_tuner.src.engine.tuner import maybe_compute_model_size

            with eager_kernels_kept():  # flushed with the collections instead (zoo.backend.tensorflow)
                keras.backend.clear_session(free_memory=False)
            budget = getattr(self, "_zoo_gc", None)
            if budget is not None:
                # TensorFlow's gradient registry would keep every earlier trial's traced
                # graphs alive (zoo.backend.tensorflow.drop_custom_gradients); none is differentiated again.
                drop_custom_gradients(keep=budget["custom_gradients"])
            self._zoo_collect_garbage()
            model = self._build_hypermodel(hp)
            if not isinstance(model, keras.Model):
                raise errors.FatalTypeError(
                    "Expected the model-building function, or HyperModel.build() to return a "
                    f"valid Keras Model instance. Received: {model} of type {type(model)}.")
            size = maybe_compute_model_size(model)
            if self.max_model_size and size > self.max_model_size:
                raise errors.FailedTrialError(f"Oversized model: {size} parameters. Skip model.")
            return model

    ZooTuner.__name__ = f"Zoo{base.__name__}"
    ZooTuner.__qualname__ = ZooTuner.__name__
    return ZooTuner


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
        from collections import OrderedDict

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
    import numpy as np

    return [(v, _compact(np.array(v.numpy()))) for v in variables]


def _compact(value):
    """``value``, or a read-only broadcast view of one element when all are equal.

    Optimizer slots start as zeros: the cached snapshot then costs no memory.
    """
    import numpy as np

    flat = value.reshape(-1)
    if flat.size > 1 and (flat == flat[0]).all():
        return np.broadcast_to(flat[:1].copy(), value.shape)
    return value


def _hyperband(base):
    """``base`` (a zoo Hyperband) continuing parent trials' own compiled models."""
    import keras
    from keras_tuner.src.engine import tuner as tuner_module

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
            with tuner_module.maybe_distribute(self.tuner.distribution_strategy):
                fresh[1].extend(optimizer_state(self.model))

    class ZooHyperband(base):
        __doc__ = base.__doc__ + " Continues parent trials' models instead of rebuilding them."

        #: Set by make_tuner(reuse_models=...); False gives keras-tuner's rebuild.
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

        def _build_hypermodel(self, hp):
            current = getattr(self, "_zoo_trial_id", None)
            if not self.zoo_reuse_models or current is None:  # load_model(), refits...
                return super()._build_hypermodel(hp)
            cache = self.zoo_model_cache
            parent = hp.values.get("tuner/trial_id")
            entry = None
            if parent is not None:  # a later execution of this trial, else the parent's
                entry = cache.take(current) or cache.take(parent)
            if entry is None:
                # keras-tuner's own build (no checkpoint loaded yet), then the snapshot;
                # the optimizer's part is taken when fit has built it (OptimizerSnapshot).
                model = tuner_module.Tuner._build_hypermodel(self, hp)
                with tuner_module.maybe_distribute(self.distribution_strategy):
                    state = fresh_state(model, optimizer=False)
                self._zoo_fresh = (model, state)
            else:
                model, state = entry
            if parent is not None:
                with tuner_module.maybe_distribute(self.distribution_strategy):
                    if entry is None or not self._zoo_checkpoint_is_last_epoch(parent):
                        model.load_weights(self._get_checkpoint_fname(parent))
                    restore_state(model, state)  # what a fresh build trains from
            cache.put(current, model, state)
            return model

    ZooHyperband.__name__ = ZooHyperband.__qualname__ = "ZooHyperband"
    return ZooHyperband


def _tuner_classes():
    import keras_tuner as kt

    return {"random": _mixin(kt.RandomSearch), "bayesian": _mixin(kt.BayesianOptimization),
            "hyperband": _hyperband(_mixin(kt.Hyperband)), "grid": _mixin(kt.GridSearch)}


def check_objective(fn, objective):
    """Validate an objective spec: a metric name, ``keras_tuner.Objective`` or a list."""
    import keras_tuner as kt

    if isinstance(objective, str):
        if not objective:
            raise ValueError(f"{fn}: `objective` must be a metric name such as 'val_loss', "
                             "received ''")
        return objective
    if isinstance(objective, kt.Objective):
        return objective
    if isinstance(objective, (list, tuple)) and objective:
        for item in objective:
            check_objective(fn, item)
        return list(objective)
    raise TypeError(f"{fn}: `objective` must be a metric name (e.g. 'val_accuracy'), a "
                    f"keras_tuner.Objective or a list of them, received objective={objective!r}")


def objective_names(objective) -> list[str]:
    """The metric names an objective spec refers to."""
    if isinstance(objective, str):
        return [objective]
    if isinstance(objective, (list, tuple)):
        return [n for item in objective for n in objective_names(item)]
    return [objective.name]


def make_tuner(algorithm, hypermodel, *, objective="val_loss", max_trials=None, max_epochs=None,
               factor=None, hyperband_iterations=None, num_initial_points=None, alpha=None,
               beta=None, reuse_models=None, executions_per_trial=1, directory="tuning_runs",
               project_name="search", overwrite=False, seed=None, strategy="auto",
               max_retries_per_trial=0, max_consecutive_failed_trials=3, **kwargs):
    """Build a keras-tuner tuner for ``algorithm`` over ``hypermodel``.

    Arguments that do not apply to the algorithm are refused (``factor`` for a
    random search, ``alpha`` for Hyperband...), with the list of those that do.
    Defaults: ``max_trials=10`` for random/Bayesian, no cap for grid (the grid
    size); ``max_epochs=27``, ``factor=3`` for Hyperband, where ``max_trials``
    optionally caps the number of trials.

    Args:
        algorithm: ``"random"``, ``"bayesian"``, ``"hyperband"`` or ``"grid"``.
        hypermodel: A ``keras_tuner.HyperModel`` (e.g. :class:`tuning.HyperCNN`) or
            a plain ``build(hp) -> keras.Model`` function.
        objective: Metric to optimise (``"val_loss"``, ``"val_accuracy"``...) or a
            ``keras_tuner.Objective``; the direction is inferred from the name.
        max_trials: Trials to run (random, Bayesian, grid; a cap for Hyperband).
        max_epochs: Hyperband's largest per-trial epoch budget.
        factor: Hyperband's reduction factor.
        hyperband_iterations: Hyperband's number of full iterations.
        num_initial_points, alpha, beta: Bayesian optimisation settings.
        reuse_models: Hyperband only: continue a parent trial's compiled model in
            memory instead of rebuilding it (default ``True``; same numbers, no
            re-tracing; see :class:`ParentModelCache`). ``False``: keras-tuner's
            rebuild for every round.
        executions_per_trial: Models trained per trial (objective averaged).
        directory: Where trials and checkpoints are written (``gs://`` works).
        project_name: Subdirectory of ``directory`` for this search.
        overwrite: Start afresh instead of resuming an existing project.
        seed: Int seed of the search (0 is honoured, see :func:`oracle_seed`).
        strategy: ``zoo.distribute.resolve_strategy`` spec or a strategy instance;
            each trial runs under it (keras-tuner's ``distribution_strategy``).
        max_retries_per_trial, max_consecutive_failed_trials: keras-tuner's failure handling.
        **kwargs: Further ``keras_tuner.Tuner`` arguments (``max_model_size``...).

    Returns:
        A ``keras_tuner.Tuner`` subclass instance (``tuner.zoo_strategy`` holds the
        resolved strategy).

    Raises:
        ValueError: unknown algorithm, an argument that does not apply, a bad value.
        TypeError: wrong argument types.

    Example:
        >>> from tuning import HyperCNN, make_tuner
        >>> tuner = make_tuner("random", HyperCNN((8, 8, 1), 10), max_trials=3,
        ...                    directory="/tmp/kt", overwrite=True, seed=0)
    """
    fn = "make_tuner"
    if not isinstance(algorithm, str):
        raise TypeError(f"{fn}: `algorithm` must be one of {', '.join(ALGORITHMS)}, "
                        f"received algorithm={algorithm!r}")
    algorithm = check_choice(fn, "algorithm", algorithm, ALGORITHMS)
    given = {"max_trials": max_trials, "max_epochs": max_epochs, "factor": factor,
             "hyperband_iterations": hyperband_iterations,
             "num_initial_points": num_initial_points, "alpha": alpha, "beta": beta,
             "reuse_models": reuse_models}
    allowed = ALGORITHM_ARGS[algorithm]
    for key, value in given.items():
        if value is not None and key not in allowed:
            raise ValueError(f"{fn}: `{key}` does not apply to algorithm={algorithm!r}; "
                             f"{algorithm} accepts {', '.join(allowed)} (plus "
                             f"{', '.join(_COMMON_ARGS[:7])}...)")
    for key in kwargs:
        if key not in _COMMON_ARGS:
            everything = allowed + _COMMON_ARGS
            raise TypeError(f"{fn}: unexpected argument {key!r} for algorithm={algorithm!r}; "
                            f"accepted: {', '.join(everything)}.{suggest(key, everything)}")
    if max_trials is not None:
        check_positive_int(fn, "max_trials", max_trials)
    if max_epochs is not None:
        check_positive_int(fn, "max_epochs", max_epochs)
    if factor is not None:
        factor = check_positive_int(fn, "factor", factor)
        if factor < 2:
            raise ValueError(f"{fn}: `factor` must be an int >= 2, received factor={factor}")
    if hyperband_iterations is not None:
        check_positive_int(fn, "hyperband_iterations", hyperband_iterations)
    if reuse_models is not None and not isinstance(reuse_models, bool):
        raise TypeError(f"{fn}: `reuse_models` must be True or False, received "
                        f"reuse_models={reuse_models!r}")
    if num_initial_points is not None:
        check_positive_int(fn, "num_initial_points", num_initial_points)
    for key, value in (("alpha", alpha), ("beta", beta)):
        if value is not None and (not isinstance(value, numbers.Real) or value <= 0):
            raise ValueError(f"{fn}: `{key}` must be a positive number, received {key}={value!r}")
    check_positive_int(fn, "executions_per_trial", executions_per_trial)
    check_positive_int(fn, "max_retries_per_trial", max_retries_per_trial, allow_zero=True)
    check_positive_int(fn, "max_consecutive_failed_trials", max_consecutive_failed_trials)
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    if not isinstance(overwrite, bool):
        raise TypeError(f"{fn}: `overwrite` must be True or False, received {overwrite!r}")
    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise TypeError(f"{fn}: `directory` must be a path, received directory={directory!r}")
    if not isinstance(project_name, str) or not project_name or os.sep in project_name:
        raise ValueError(f"{fn}: `project_name` must be a non-empty name without "
                         f"{os.sep!r}, received project_name={project_name!r}")
    objective = check_objective(fn, objective)
    import keras_tuner as kt

    if not (isinstance(hypermodel, kt.HyperModel) or callable(hypermodel)):
        raise TypeError(f"{fn}: `hypermodel` must be a keras_tuner.HyperModel or a "
                        f"build(hp) function, received {hypermodel!r}")

    from zoo.distribute import describe, resolve_strategy

    resolved = resolve_strategy(strategy)
    check_directory(directory, resolved)
    import tensorflow as tf

    # The default strategy needs no scope; keras-tuner only wants real strategies.
    dist = None if resolved is tf.distribute.get_strategy() else resolved
    logger.info("make_tuner: %s search, strategy %s, directory %s/%s", algorithm,
                describe(resolved), directory, project_name)

    common = dict(objective=objective, seed=oracle_seed(seed), directory=str(directory),
                  project_name=project_name, overwrite=overwrite,
                  executions_per_trial=executions_per_trial, distribution_strategy=dist,
                  max_retries_per_trial=max_retries_per_trial,
                  max_consecutive_failed_trials=max_consecutive_failed_trials, **kwargs)
    cls = _tuner_classes()[algorithm]
    if algorithm in ("random", "bayesian"):
        extra = {"max_trials": max_trials or 10}
        if algorithm == "bayesian":
            extra.update({k: v for k, v in (("num_initial_points", num_initial_points),
                                            ("alpha", alpha), ("beta", beta)) if v is not None})
    elif algorithm == "grid":
        extra = {"max_trials": max_trials}
    else:
        extra = {"max_epochs": max_epochs or 27, "factor": factor or 3,
                 "hyperband_iterations": hyperband_iterations or 1}
    tuner = _quiet(cls, hypermodel=hypermodel, **extra, **common)
    if algorithm == "hyperband":
        if max_trials is not None:
            tuner.oracle.max_trials = max_trials  # a cap: create_trial stops at it
        tuner.zoo_reuse_models = reuse_models is not False
    tuner.zoo_strategy = resolved
    tuner.zoo_algorithm = algorithm
    return tuner


def _quiet(cls, **kwargs):
    """Construct a tuner, sending keras-tuner's "Reloading Tuner" print to the log."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tuner = cls(**kwargs)
    for line in buffer.getvalue().splitlines():
        logger.info("keras-tuner: %s", line)
    return tuner
