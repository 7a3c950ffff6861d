"""Build keras-tuner tuners (random, Bayesian, Hyperband, grid, ASHA) with the zoo's fixes.

:func:`make_tuner` is the one place that turns settings into a tuner: it takes
the settings each algorithm accepts (:data:`tuning.config.ALGORITHM_SETTINGS`
plus :data:`COMMON_ARGUMENTS`), has :class:`tuning.config.SearchConfig` check and
default them, and builds the algorithm's class from :data:`TUNERS`. The classes
are keras-tuner's with:

* the cheaper per-trial clean-up of :mod:`tuning.cleanup`;
* per-epoch checkpoints, so an interrupted trial continues (:mod:`tuning.checkpoint`);
* for Hyperband and ASHA, the continuation of parent trials' models of :mod:`tuning.reuse`;
* with several ``objectives``, the rank scores of :mod:`tuning.oracles.multiobjective`;
* workers that skip discovering the search space (:mod:`tuning._compat`).

keras-tuner pitfalls handled here:

* ``seed=0``: keras-tuner's oracles do ``seed or random.randint(1, 10000)``, so a
  zero seed would give an unreproducible search. :func:`oracle_seed` maps the
  user's seed 0 to a fixed non-zero value (other seeds pass unchanged).
* TPUs: the zoo writes no TensorFlow-format files: trial checkpoints are Keras 3
  ``.weights.h5`` files and the best model a ``.keras`` file, both written by the
  host process. A TPU reached over the network (a TPU node, not a TPU VM) cannot
  see the host's disk at all, so it needs a ``gs://`` directory and
  :func:`check_directory` says so before the search starts.
"""

from __future__ import annotations

import contextlib
import io
import logging

import keras_tuner as kt

from tuning._compat import TunerInternals, cap_trials
from tuning.checkpoint import TrialResume
from tuning.cleanup import GC_BUDGET, TrialCleanup  # noqa: F401 - GC_BUDGET re-exported
from tuning.config import (
    ALGORITHM_ONLY,
    ALGORITHM_SETTINGS,
    ALGORITHMS,  # noqa: F401 - tuning.tuners.ALGORITHMS, as before
    SearchConfig,
    not_applicable,
    unknown_setting,
)
from tuning.oracles.asha import ASHAOracle
from tuning.oracles.multiobjective import keras_tuner_objective, use_objectives
from tuning.reuse import HyperbandReuse

logger = logging.getLogger("tuning.tuners")

#: The settings every tuner takes, whatever the algorithm; each algorithm also takes
#: its own (tuning.config.ALGORITHM_SETTINGS).
COMMON_ARGUMENTS = ("objective", "objectives", "executions_per_trial", "directory", "project_name",
                    "overwrite", "seed", "strategy", "max_retries_per_trial",
                    "max_consecutive_failed_trials", "hyperparameters", "tune_new_entries",
                    "allow_new_entries", "max_model_size")

#: The non-zero oracle seed used for a user's ``seed=0`` (see :func:`oracle_seed`).
ZERO_SEED = 2_147_483_647


class CheckedSearch:
    """Mixin: ``search`` refuses bad arrays before the first trial (zoo.data.validate).

    ``run_search`` has validated its data already; a tuner used on its own gets the
    same messages: numbers only, finite values, as many labels as samples, and for
    a zoo hypermodel, labels within its task's classes.
    """

    def search(self, *fit_args, **fit_kwargs):
        check_search_data(self, fit_args, fit_kwargs)
        return super().search(*fit_args, **fit_kwargs)


def check_search_data(tuner, fit_args, fit_kwargs) -> None:
    """Check the NumPy arrays a tuner's ``search`` gets (others are left to Keras).

    Raises:
        ValueError, TypeError: as :func:`zoo.data.validate.check_array` and
            :func:`zoo.data.validate.check_labels`, naming ``x``, ``y``, ``x_val``, ``y_val``.
    """
    import numpy as np

    from zoo.data.validate import check_array, check_labels

    fn = "search"
    x = fit_args[0] if fit_args else fit_kwargs.get("x")
    y = fit_args[1] if len(fit_args) > 1 else fit_kwargs.get("y")
    pairs = [("", x, y)]
    validation = fit_kwargs.get("validation_data")
    if isinstance(validation, (tuple, list)) and len(validation) >= 2:
        pairs.append(("_val", validation[0], validation[1]))
    arrays = {}
    for suffix, xs, ys in pairs:
        if not isinstance(xs, np.ndarray) or not isinstance(ys, np.ndarray):
            continue
        xs = check_array(fn, f"x{suffix}", xs)
        ys = check_array(fn, f"y{suffix}", ys)
        if len(xs) != len(ys) or not len(xs):
            raise ValueError(f"{fn}: `x{suffix}` has {len(xs)} samples and `y{suffix}` has "
                             f"{len(ys)}; they must be the same, non-zero number")
        arrays[f"y{suffix}"] = ys
    task = getattr(tuner.hypermodel, "task", None)
    if task in ("binary", "multiclass", "multilabel") and arrays:
        classes = getattr(tuner.hypermodel, "num_classes", None)
        check_labels(fn, task, classes, arrays)


class KerasDistribution:
    """Mixin: the whole search runs under the tuner's JAX ``keras.distribution``, if any.

    keras-tuner enters a ``tf.distribute`` strategy itself around each build; it
    knows nothing of ``keras.distribution``, which Keras reads when each model
    is built and trained (``zoo.distribute.search_scope``).
    """

    zoo_strategy = None

    def search(self, *fit_args, **fit_kwargs):
        from zoo.distribute import search_scope

        with search_scope(self.zoo_strategy):
            return super().search(*fit_args, **fit_kwargs)


class ZooRandomSearch(CheckedSearch, KerasDistribution, TrialResume, TrialCleanup, TunerInternals,
                      kt.RandomSearch):
    """``keras_tuner.RandomSearch`` with the zoo's per-trial clean-up."""


class ZooBayesianOptimization(CheckedSearch, KerasDistribution, TrialResume, TrialCleanup,
                              TunerInternals, kt.BayesianOptimization):
    """``keras_tuner.BayesianOptimization`` with the zoo's per-trial clean-up."""


class ZooHyperband(CheckedSearch, KerasDistribution, TrialResume, HyperbandReuse, TrialCleanup,
                   TunerInternals, kt.Hyperband):
    """``keras_tuner.Hyperband`` with the zoo's per-trial clean-up; continues parent
    trials' models instead of rebuilding them."""


class ZooGridSearch(CheckedSearch, KerasDistribution, TrialResume, TrialCleanup, TunerInternals,
                    kt.GridSearch):
    """``keras_tuner.GridSearch`` with the zoo's per-trial clean-up."""


class ZooASHA(TrialResume, HyperbandReuse, TrialCleanup, TunerInternals, kt.Hyperband):
    """Asynchronous successive halving: keras-tuner's Hyperband tuner (it trains a trial
    from ``tuner/initial_epoch`` to ``tuner/epochs``, continuing the parent trial's
    model) driven by :class:`tuning.oracles.asha.ASHAOracle` instead of Hyperband's."""

    def __init__(self, hypermodel=None, objective=None, max_trials=50, min_epochs=1,
                 max_epochs=27, reduction_factor=3, seed=None, hyperparameters=None,
                 tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        oracle = ASHAOracle(
            objective=objective, max_trials=max_trials, min_epochs=min_epochs,
            max_epochs=max_epochs, reduction_factor=reduction_factor, seed=seed,
            hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials)
        kt.Tuner.__init__(self, oracle=oracle, hypermodel=hypermodel, **kwargs)


#: algorithm -> the zoo's tuner class. Its constructor takes the common settings and
#: the algorithm's own, except Hyperband's ``max_trials`` (a cap) and ``reuse_models``,
#: which :func:`tuner_from_config` applies to the built tuner.
TUNERS = {"random": ZooRandomSearch, "bayesian": ZooBayesianOptimization,
          "hyperband": ZooHyperband, "grid": ZooGridSearch, "asha": ZooASHA}
_APPLIED_AFTER = {"hyperband": ("max_trials", "reuse_models")}


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


def make_tuner(algorithm, hypermodel, **settings):
    """Build a keras-tuner tuner for ``algorithm`` over ``hypermodel``.

    Settings that do not apply to the algorithm are refused (``factor`` for a
    random search, ``alpha`` for Hyperband...), with the list of those that do.
    Every setting is checked and defaulted by :class:`tuning.config.SearchConfig`:
    ``max_trials=10`` for random/Bayesian, no cap for grid (the grid size);
    ``max_epochs=27``, ``factor=3`` for Hyperband, where ``max_trials`` optionally
    caps the number of trials.

    Args:
        algorithm: ``"random"``, ``"bayesian"``, ``"hyperband"``, ``"grid"`` or ``"asha"``.
        hypermodel: A ``keras_tuner.HyperModel`` (e.g. :class:`tuning.HyperCNN`) or
            a plain ``build(hp) -> keras.Model`` function.
        **settings: :class:`tuning.config.SearchConfig` settings that tuners take:
            ``objective`` (or several ``objectives``: random, Bayesian, ASHA),
            ``max_trials``, ``executions_per_trial``, ``directory``,
            ``project_name``, ``overwrite``, ``seed`` (0 is honoured, see
            :func:`oracle_seed`), ``strategy`` (each trial runs under it),
            ``max_retries_per_trial``, ``max_consecutive_failed_trials``,
            ``hyperparameters``, ``tune_new_entries``, ``allow_new_entries``,
            ``max_model_size``; Hyperband's ``max_epochs``, ``factor``,
            ``hyperband_iterations``, ``reuse_models`` (continue a parent trial's
            compiled model in memory instead of rebuilding it, see
            :mod:`tuning.reuse`); Bayesian ``num_initial_points``, ``alpha``, ``beta``;
            ASHA's ``max_epochs``, ``min_epochs``, ``reduction_factor``.

    Returns:
        A ``keras_tuner.Tuner`` subclass instance (``tuner.zoo_strategy`` holds the
        resolved strategy).

    Raises:
        ValueError: unknown algorithm, a setting that does not apply, a bad value.
        TypeError: wrong argument types, an argument that is no tuner setting.

    Example:
        >>> from tuning import HyperCNN, make_tuner
        >>> tuner = make_tuner("random", HyperCNN((8, 8, 1), 10), max_trials=3,
        ...                    directory="/tmp/kt", overwrite=True, seed=0)
    """
    fn = "make_tuner"
    accepted = ("max_trials", "max_epochs", *ALGORITHM_ONLY, *COMMON_ARGUMENTS)
    for name in settings:
        if name not in accepted:
            raise TypeError(unknown_setting(fn, name, accepted))
    config = SearchConfig(algorithm=algorithm, caller=fn, **settings)
    if "max_epochs" in settings and "max_epochs" not in ALGORITHM_SETTINGS[config.algorithm]:
        # Not a tuner setting here: a random search's epochs go to tuner.search(epochs=).
        raise ValueError(not_applicable(fn, "max_epochs", config.algorithm))
    if not (isinstance(hypermodel, kt.HyperModel) or callable(hypermodel)):
        raise TypeError(f"{fn}: `hypermodel` must be a keras_tuner.HyperModel or a "
                        f"build(hp) function, received {hypermodel!r}")
    return tuner_from_config(config, hypermodel)


def tuner_from_config(config: SearchConfig, hypermodel, *, overwrite: bool | None = None):
    """Build the tuner of a validated ``config`` over ``hypermodel``.

    Args:
        config: A :class:`tuning.config.SearchConfig`.
        hypermodel: A ``keras_tuner.HyperModel`` or a ``build(hp)`` function.
        overwrite: Override ``config.overwrite`` (a worker never wipes the project).

    Returns:
        The tuner, as :func:`make_tuner` returns it.

    Raises:
        ValueError: the strategy's hardware is absent, or a remote TPU with a local
            directory.
    """
    from zoo.distribute import describe, resolve_strategy, tuner_strategy

    resolved = resolve_strategy(config.strategy)
    check_directory(config.directory, resolved)
    # keras-tuner only wants real tf.distribute strategies; JAX's runs in KerasDistribution.
    dist = tuner_strategy(resolved)
    logger.debug("make_tuner: %s search, strategy %s, directory %s/%s", config.algorithm,
                 describe(resolved), config.directory, config.project_name)
    after = _APPLIED_AFTER.get(config.algorithm, ())
    own = {name: getattr(config, name) for name in ALGORITHM_SETTINGS[config.algorithm]
           if name not in after}
    common = {name: getattr(config, name) for name in COMMON_ARGUMENTS
              if name not in ("strategy", "objectives")}
    common.update(seed=oracle_seed(config.seed),
                  overwrite=config.overwrite if overwrite is None else overwrite)
    if config.objectives:
        common["objective"] = keras_tuner_objective(config.objectives)
    tuner = _quiet(TUNERS[config.algorithm], hypermodel=hypermodel, distribution_strategy=dist,
                   **own, **common)
    if config.pareto and isinstance(tuner.oracle, kt.Oracle):  # a worker's is the chief's
        use_objectives(tuner.oracle, config.objectives)
    if config.algorithm in ("hyperband", "asha"):
        tuner.zoo_reuse_models = config.reuse_models is not False
    if config.algorithm == "hyperband":
        if config.max_trials is not None:
            cap_trials(tuner.oracle, config.max_trials)  # create_trial stops at it
    tuner.zoo_strategy = resolved
    tuner.zoo_algorithm = config.algorithm
    return tuner


def _quiet(cls, **kwargs):
    """Construct a tuner, sending keras-tuner's "Reloading Tuner" print to the log."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tuner = cls(**kwargs)
    for line in buffer.getvalue().splitlines():
        logger.info("keras-tuner: %s", line)
    return tuner
