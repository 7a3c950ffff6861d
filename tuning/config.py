"""Every setting of a search, validated and defaulted once: :class:`SearchConfig`.

``run_search`` and ``make_tuner`` build a :class:`SearchConfig` from their
arguments, and ``zoo tune`` takes its defaults and help text from it; everything
downstream (the tuners, the job, the distributed processes, the refit) reads the
typed, resolved values and checks nothing again. Each setting is checked, and
given its default, on one line of :meth:`SearchConfig.__post_init__`; the
settings that depend on the algorithm take their defaults from
:data:`ALGORITHM_SETTINGS`, the one table of what each algorithm takes.

Nothing here imports Keras, keras-tuner or a backend: the command line builds
the configuration, and refuses bad arguments, before any heavy import.

Example:
    >>> config = SearchConfig(algorithm="hyperband")
    >>> config.max_epochs, config.factor, config.budget
    (27, 3, 70)
    >>> SearchConfig(algorithm="random").max_trials
    10
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field, fields

from zoo._validate import check_bool, check_choice, check_number, check_positive_int, suggest
from zoo.distribute import STRATEGIES

#: What each algorithm takes beyond the settings every search has, with its defaults
#: (``None``: no default, the tuner's own rule). Every algorithm also takes
#: ``max_epochs``: Hyperband's largest epoch budget, the other algorithms' epochs
#: per trial (:data:`EPOCHS_PER_TRIAL`). The Bayesian defaults are keras-tuner's.
ALGORITHM_SETTINGS = {
    "random": {"max_trials": 10},
    "bayesian": {"max_trials": 10, "num_initial_points": None, "alpha": 1e-4, "beta": 2.6},
    "hyperband": {"max_epochs": 27, "factor": 3, "hyperband_iterations": 1, "max_trials": None,
                  "reuse_models": True},
    "grid": {"max_trials": None},
    "asha": {"max_trials": 50, "min_epochs": 1, "max_epochs": 27, "reduction_factor": 3},
}
ALGORITHMS = tuple(ALGORITHM_SETTINGS)

#: The algorithms that take several objectives (``objectives``, a Pareto search).
MULTI_OBJECTIVE_ALGORITHMS = ("random", "bayesian", "asha")

#: Objectives measured on the model rather than reported by ``fit`` (minimised):
#: its parameters, its forward pass's FLOPs per sample, the median milliseconds of
#: ``predict`` on one batch (:mod:`tuning.oracles.derived`).
DERIVED_OBJECTIVES = ("params", "flops", "latency_ms")
DIRECTIONS = ("min", "max")

#: The selection rule's tolerance on the primary objective when none is given.
DEFAULT_TOLERANCE = 0.01

#: Epochs per trial of the algorithms without an epoch budget of their own.
EPOCHS_PER_TRIAL = 10

#: The settings only some algorithms take.
ALGORITHM_ONLY = tuple(dict.fromkeys(
    name for own in ALGORITHM_SETTINGS.values() for name in own
    if name not in ("max_trials", "max_epochs")))

#: The data set of ``run_search`` and ``zoo tune`` when none is named.
DEFAULT_DATA = "digits"

#: The registry models with a hypermodel (``tuning.hypermodels.HYPERMODELS``, which a
#: test compares), named here so that a model is checked before keras-tuner loads.
TUNABLE_MODELS = ("fnn", "cnn", "lstm", "gru", "bilstm")

ROLES = ("chief", "worker")
REFITS = ("train+val", "train", False)

#: The chief's address when none is given: a chief of a multi-machine search binds
#: ``DEFAULT_HOST:DEFAULT_PORT``; a chief of local workers a free port on ``DEFAULT_HOST``.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setting(default=None, help="", none=None):
    """A :class:`SearchConfig` field: its default and its one line of help.

    ``none`` says what a resolved ``None`` means, for ``--help``.
    """
    return field(default=default, metadata={"help": help, "none": none})


@dataclass(frozen=True, kw_only=True)
class SearchConfig:
    """Every setting of a search, validated and given its default once.

    Build it from keyword arguments (the names of ``run_search`` and ``make_tuner``);
    the instance holds the resolved values: ``SearchConfig(algorithm="random").max_trials``
    is 10, ``SearchConfig().max_epochs`` (Hyperband) is 27. A setting that does not
    apply to the algorithm (``factor`` for a random search) is refused. Frozen: derive
    a variant with ``dataclasses.replace``.

    Attributes:
        algorithm: ``"random"``, ``"bayesian"``, ``"hyperband"``, ``"grid"`` or ``"asha"``.
        objective: Metric to optimise (``"val_loss"``, ``"val_accuracy"``...), a
            ``keras_tuner.Objective`` or a list of them (keras-tuner's weighted sum).
        objectives: A Pareto search's objectives, resolved to ``((name, direction),
            ...)``: ``"NAME:DIR"`` strings or ``(name, direction)`` pairs, the first the
            primary (a metric the model reports), the others metrics or
            :data:`DERIVED_OBJECTIVES` (``"params:min"``). Random, Bayesian and ASHA
            take several; ``()``: ``objective`` alone. ``objective`` becomes the
            primary's name.
        tolerance: The selection rule of a Pareto search (default 0.01): the final
            model is the Pareto trial best in the second objective (then the next)
            among those within ``tolerance`` of the best primary objective
            (:func:`tuning.oracles.multiobjective.choose`).
        min_epochs, reduction_factor: ASHA's smallest epoch budget (default 1) and
            its reduction factor eta (an int >= 2, default 3); its rungs train
            ``min_epochs * eta**k`` epochs, up to ``max_epochs`` (default 27).
        max_trials: Trials (random, Bayesian: default 10; grid: default the whole
            grid); for Hyperband an optional cap.
        max_epochs: Hyperband's largest epoch budget (default 27); the other
            algorithms' epochs per trial (default 10).
        factor, hyperband_iterations, reuse_models: Hyperband's reduction factor
            (an int >= 2, default 3), its full iterations (default 1), and whether it
            continues parent trials' models in memory (default True; see
            :mod:`tuning.reuse`).
        num_initial_points, alpha, beta: Bayesian optimisation's settings (defaults:
            keras-tuner's rule, 1e-4, 2.6).
        patience: Early-stopping patience (epochs) inside each trial.
        executions_per_trial: Models trained per trial (objective averaged).
        cv: ``None`` (default): one validation split; an int K >= 2: every trial trains
            K models on K folds of train+validation (:mod:`tuning.cv`); needs
            ``refit="train+val"``.
        max_retries_per_trial, max_consecutive_failed_trials: keras-tuner's failure handling.
        max_model_size, hyperparameters, tune_new_entries, allow_new_entries: keras-tuner's
            tuner arguments of the same names.
        seed: Seed of the data split, the search and the weights (0 is honoured;
            ``None``: an unseeded search on the data split of seed 0).
        strategy: ``zoo.distribute.resolve_strategy`` name or a strategy instance.
        directory: Job directory; ``project_name``: keras-tuner's project inside it.
        overwrite: Start afresh instead of resuming.
        fixed, ranges, drop: Reshape a zoo hypermodel's search space.
        data_options: Loader options for a named data set.
        workers: Local worker processes (0: one process, no gRPC), or ``"auto"``:
            ``run_search`` picks N from the model's memory estimate, the GPUs' free
            memory and the CPU cores (:func:`tuning.accelerator.auto_workers`).
        role: ``"chief"`` or ``"worker"`` of a multi-machine search.
        oracle: The chief's ``"HOST:PORT"``; ``address`` is it parsed, with the defaults.
        trials_per_process: Local workers are replaced after this many trials.
        tensorboard: Directory for TensorBoard logs.
        refit: The final model: ``"train+val"``, ``"train"`` or ``False``.
        write_report: Write the report files.
        verbose: ``1`` (default): progress lines (the search's start, every trial,
            the final model's training, the end) on stdout like Keras' progress bars
            (``zoo.io.show_progress``); ``0``: none.

    Raises:
        ValueError: a bad value, or a setting that does not apply to the algorithm.
        TypeError: a value of the wrong type.

    Example:
        >>> SearchConfig(algorithm="random", factor=3)
        Traceback (most recent call last):
        ...
        ValueError: SearchConfig: `factor` does not apply to algorithm='random'; ...
    """

    algorithm: str = _setting("hyperband", "search algorithm: " + " | ".join(ALGORITHMS))
    objective: object = _setting("val_loss", "metric to optimise (a val_* metric)")
    objectives: tuple = _setting(
        (), "objective NAME:DIR of a Pareto search, DIR min or max; the first is the primary "
            "(a val_* metric), the others metrics or " + ", ".join(DERIVED_OBJECTIVES),
        none="one objective")
    tolerance: float | None = _setting(
        None, "Pareto search's choice: the front's best in the second objective within "
              "TOLERANCE of the best primary objective", none=f"{DEFAULT_TOLERANCE}")
    max_trials: int | None = _setting(
        None, "trials to run (for hyperband: a cap on its trials)", none="no cap")
    max_epochs: int | None = _setting(
        None, "epochs per trial, or hyperband's and asha's largest epoch budget")
    factor: int | None = _setting(None, "hyperband's reduction factor (an int >= 2)")
    min_epochs: int | None = _setting(None, "asha's smallest epoch budget (its first rung)")
    reduction_factor: int | None = _setting(
        None, "asha's reduction factor eta (an int >= 2): the top 1/eta of a rung is promoted")
    hyperband_iterations: int | None = _setting(None, "hyperband's full iterations")
    reuse_models: bool | None = _setting(
        None, "hyperband continues parent trials' models in memory")
    num_initial_points: int | None = _setting(
        None, "Bayesian optimisation's random trials before the model",
        none="keras-tuner's rule")
    alpha: float | None = _setting(None, "Bayesian optimisation's observation noise")
    beta: float | None = _setting(None, "Bayesian optimisation's exploration weight")
    patience: int = _setting(3, "early-stopping patience (epochs) inside each trial")
    executions_per_trial: int = _setting(1, "models trained per trial (objective averaged)")
    cv: int | None = _setting(
        None, "cross-validate each trial on K folds of train+val (the mean is the score)",
        none="one validation split")
    max_retries_per_trial: int = _setting(0, "keras-tuner's retries of a failed trial")
    max_consecutive_failed_trials: int = _setting(
        3, "keras-tuner stops after this many failed trials in a row")
    max_model_size: int | None = _setting(
        None, "trials of models with more parameters fail", none="no limit")
    hyperparameters: object = _setting(None, "a keras_tuner.HyperParameters to start from")
    tune_new_entries: bool = _setting(True, "tune hyperparameters not in `hyperparameters`")
    allow_new_entries: bool = _setting(True, "let the model add hyperparameters")
    seed: int | None = _setting(0, "seed of the data split, the search and the weights")
    strategy: object = _setting("auto", "distribution strategy: " + " | ".join(STRATEGIES))
    directory: str = _setting("tuning_runs", "job directory (resumable)")
    project_name: str = _setting("search", "keras-tuner's project inside the job directory")
    overwrite: bool = _setting(False, "start afresh, do not resume")
    fixed: Mapping | None = _setting(None, "pin a hyperparameter to one value")
    ranges: Mapping | None = _setting(
        None, "narrow a hyperparameter: an interval LOW:HIGH or a list of choices")
    drop: tuple = _setting((), "do not tune NAME (use its default)")
    data_options: Mapping | None = _setting(
        None, "data loader option, e.g. max_chars=100000 for text")
    workers: int | str = _setting(
        0, "run a chief and N worker processes on this machine (several share a GPU, each "
           "with its share of its memory); auto: N from the model's memory, the GPUs and "
           "the CPU cores (tuning.accelerator.auto_workers)")
    role: str | None = _setting(None, "one role of a multi-machine search (with --oracle)")
    oracle: str | None = _setting(
        None, "chief address HOST:PORT (binding an address other than loopback exposes "
              "an unauthenticated service)",
        none=f"{DEFAULT_HOST}:{DEFAULT_PORT} for a chief, a free port for local workers")
    trials_per_process: int | None = _setting(
        None, "train in worker processes replaced after N trials (keeps memory flat on "
              "long searches)", none="never replaced")
    tensorboard: str | None = _setting(
        None, "write TensorBoard logs with the HParams dashboard", none="no logs")
    refit: str | bool = _setting(
        "train+val", "final model: the best hyperparameters retrained on train+val for the "
                     "best trial's epochs, retrained on train, or none (the best trial's own "
                     "checkpoint)")
    write_report: bool = _setting(True, "write report.json, trials.csv, the model and plots")
    verbose: int = _setting(
        1, "progress: 1 shows a line as the search starts, one per trial and one per step "
           "that takes time (the lines zoo tune prints), 0 nothing")
    #: ``(host, port)`` of the chief, resolved from ``oracle`` and the role (not an argument).
    address: tuple | None = field(default=None, init=False, compare=False)
    #: The function the user called, for messages (``"run_search"``, ``"make_tuner"``...).
    caller: InitVar[str] = "SearchConfig"

    def __post_init__(self, caller: str) -> None:
        fn = caller
        own = ALGORITHM_SETTINGS[self._set("algorithm", _check_algorithm(fn, self.algorithm))]
        for name in ALGORITHM_ONLY:
            if getattr(self, name) is not None and name not in own:
                raise ValueError(not_applicable(fn, name, self.algorithm))
        self._set("max_trials", _int_or_none(fn, "max_trials", self.max_trials, 1,
                                             own["max_trials"]))
        self._set("max_epochs", _int_or_none(fn, "max_epochs", self.max_epochs, 1,
                                             own.get("max_epochs", EPOCHS_PER_TRIAL)))
        self._set("factor", _int_or_none(fn, "factor", self.factor, 2, own.get("factor")))
        self._set("reduction_factor", _int_or_none(fn, "reduction_factor", self.reduction_factor,
                                                   2, own.get("reduction_factor")))
        self._set("min_epochs", _check_min_epochs(fn, self.min_epochs, own.get("min_epochs"),
                                                  self.max_epochs))
        self._set("hyperband_iterations", _int_or_none(
            fn, "hyperband_iterations", self.hyperband_iterations, 1,
            own.get("hyperband_iterations")))
        self._set("reuse_models", _bool_or_none(fn, "reuse_models", self.reuse_models,
                                                own.get("reuse_models")))
        self._set("num_initial_points", _int_or_none(
            fn, "num_initial_points", self.num_initial_points, 1, own.get("num_initial_points")))
        self._set("alpha", _positive_or_none(fn, "alpha", self.alpha, own.get("alpha")))
        self._set("beta", _positive_or_none(fn, "beta", self.beta, own.get("beta")))
        self._set("objectives", check_objectives(fn, self.objectives, self.algorithm))
        self._set("objective", _primary_objective(fn, self.objective, self.objectives))
        self._set("tolerance", _check_tolerance(fn, self.tolerance, self.objectives))
        self._set("patience", check_positive_int(fn, "patience", self.patience))
        self._set("executions_per_trial", check_positive_int(fn, "executions_per_trial",
                                                             self.executions_per_trial))
        self._set("max_retries_per_trial", check_positive_int(
            fn, "max_retries_per_trial", self.max_retries_per_trial, allow_zero=True))
        self._set("max_consecutive_failed_trials", check_positive_int(
            fn, "max_consecutive_failed_trials", self.max_consecutive_failed_trials))
        self._set("max_model_size", _int_or_none(fn, "max_model_size", self.max_model_size, 1,
                                                 None))
        self._set("hyperparameters", _check_hyperparameters(fn, self.hyperparameters))
        self._set("tune_new_entries", check_bool(fn, "tune_new_entries", self.tune_new_entries))
        self._set("allow_new_entries", check_bool(fn, "allow_new_entries",
                                                  self.allow_new_entries))
        self._set("seed", _int_or_none(fn, "seed", self.seed, 0, None))
        self._set("strategy", _check_strategy(fn, self.strategy))
        self._set("directory", _check_path(fn, "directory", self.directory))
        self._set("project_name", _check_project_name(fn, self.project_name))
        self._set("overwrite", check_bool(fn, "overwrite", self.overwrite))
        self._set("fixed", _check_finite(fn, "fixed", _check_mapping(fn, "fixed", self.fixed)))
        self._set("ranges", _check_finite(fn, "ranges",
                                          _check_mapping(fn, "ranges", self.ranges)))
        self._set("drop", _check_names(fn, "drop", self.drop))
        self._set("data_options", _check_mapping(fn, "data_options", self.data_options))
        self._set("tensorboard", None if self.tensorboard is None
                  else _check_path(fn, "tensorboard", self.tensorboard))
        self._set("refit", _check_refit(fn, self.refit))
        self._set("cv", _check_cv(fn, self.cv, self.refit))
        self._set("write_report", check_bool(fn, "write_report", self.write_report))
        self._set("verbose", _check_verbose(fn, self.verbose))
        self._set("role", check_choice(fn, "role", self.role, ROLES, allow_none=True))
        self._set("trials_per_process", _int_or_none(fn, "trials_per_process",
                                                     self.trials_per_process, 1, None))
        self._set("workers", _check_workers(fn, self))
        self._set("oracle", _check_oracle(fn, self.oracle))
        self._set("address", _chief_address(fn, self))

    def _set(self, name, value):
        object.__setattr__(self, name, value)  # frozen: only __post_init__ resolves
        return value

    @property
    def objective_name(self) -> str:
        """The metric name of the (first) objective, e.g. ``"val_loss"``."""
        return objective_names(self.objective)[0]

    @property
    def pareto(self) -> bool:
        """Whether the search has several objectives (a Pareto front, the selection rule)."""
        return len(self.objectives) > 1

    @property
    def data_seed(self) -> int:
        """The seed of the data split: ``seed``, or 0 for an unseeded search."""
        return 0 if self.seed is None else self.seed

    @property
    def budget(self) -> int | None:
        """The number of trials the search will run (``None`` for a grid: its size)."""
        if self.algorithm == "hyperband":
            total = _hyperband_trials(self.max_epochs, self.factor, self.hyperband_iterations)
            return min(total, self.max_trials) if self.max_trials else total
        return self.max_trials

    @property
    def distributed(self) -> bool:
        """Whether the search runs as chief and workers (local or remote)."""
        return bool(self.workers or self.role)


def not_applicable(fn: str, name: str, algorithm: str) -> str:
    """The message for a setting that ``algorithm`` does not take."""
    own = ", ".join(ALGORITHM_SETTINGS[algorithm])
    takers = [a for a, settings in ALGORITHM_SETTINGS.items() if name in settings]
    return (f"{fn}: `{name}` does not apply to algorithm={algorithm!r}; {algorithm} accepts "
            f"{own} (`{name}` is a setting of {' and '.join(takers)})")


def _field(name: str):
    return next(f for f in fields(SearchConfig) if f.name == name)


def setting_help(name: str) -> str:
    """The one line of help of setting ``name``."""
    return _field(name).metadata["help"]


def help_text(name: str) -> str:
    """``--help`` text of setting ``name``: its help and the defaults the code uses.

    Example:
        >>> help_text("factor")
        "hyperband's reduction factor (an int >= 2) (default: 3; hyperband only)"
    """
    return f"{setting_help(name)} (default: {default_text(name)})"


def default_text(name: str) -> str:
    """The resolved default of setting ``name``, per algorithm where it depends on it.

    Example:
        >>> default_text("max_epochs")
        '10 for random, bayesian, grid; 27 for hyperband, asha'
    """
    spec = _field(name)
    if name not in ("max_trials", "max_epochs", *ALGORITHM_ONLY):
        return _show(getattr(SearchConfig(), name), spec)
    groups: dict[str, list[str]] = {}
    for algorithm in ALGORITHMS:
        if name in ALGORITHM_ONLY and name not in ALGORITHM_SETTINGS[algorithm]:
            continue
        text = _show(getattr(SearchConfig(algorithm=algorithm), name), spec)
        groups.setdefault(text, []).append(algorithm)
    if len(groups) == 1:
        (text, algorithms), = groups.items()
        return f"{text}; {', '.join(algorithms)} only" if name in ALGORITHM_ONLY else text
    return "; ".join(f"{text} for {', '.join(algorithms)}" for text, algorithms in groups.items())


def _show(value, spec) -> str:
    """A resolved default as ``--help`` shows it."""
    if value is None or value == ():
        return spec.metadata["none"] or "none"
    return "none" if value is False else str(value)


# ----------------------------------------------------------------------- the checks


def _check_algorithm(fn, value):
    if not isinstance(value, str):
        raise TypeError(f"{fn}: `algorithm` must be one of {', '.join(ALGORITHMS)}, "
                        f"received algorithm={value!r}")
    return check_choice(fn, "algorithm", value, ALGORITHMS)


def _int_or_none(fn, name, value, low, default):
    """``value`` (an int >= ``low``), or ``default`` when it is ``None``."""
    if value is None:
        return default
    if low <= 1:
        return check_positive_int(fn, name, value, allow_zero=low == 0)
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        error = ValueError if isinstance(value, numbers.Integral) and not isinstance(
            value, bool) else TypeError
        raise error(f"{fn}: `{name}` must be an int >= {low}, received {name}={value!r}")
    return int(value)


def _bool_or_none(fn, name, value, default):
    return default if value is None else check_bool(fn, name, value)


def _positive_or_none(fn, name, value, default):
    if value is None:
        return default
    return check_number(fn, name, value, low=0.0, low_inclusive=False)


def _keras_tuner_class(name):
    """keras-tuner's class ``name`` if keras-tuner is imported (an instance needs it)."""
    module = sys.modules.get("keras_tuner")
    return getattr(module, name) if module is not None else None


def check_objective(fn: str, objective):
    """Validate an objective: a metric name, a ``keras_tuner.Objective`` or a list of them.

    Returns:
        The objective (a list for a list or tuple).

    Raises:
        ValueError: an empty name or list. TypeError: anything else.
    """
    objective_class = _keras_tuner_class("Objective")
    if isinstance(objective, str):
        if not objective:
            raise ValueError(f"{fn}: `objective` must be a metric name such as 'val_loss', "
                             "received ''")
        return objective
    if objective_class is not None and isinstance(objective, objective_class):
        return objective
    if isinstance(objective, (list, tuple)) and objective:
        for item in objective:
            check_objective(fn, item)
        return list(objective)
    raise TypeError(f"{fn}: `objective` must be a metric name (e.g. 'val_accuracy'), a "
                    f"keras_tuner.Objective or a list of them, received objective={objective!r}")


def check_objectives(fn: str, objectives, algorithm: str) -> tuple:
    """Validate a Pareto search's objectives: ``"NAME:DIR"`` strings or ``(name, dir)`` pairs.

    Returns:
        ``((name, direction), ...)``; ``()`` for none.

    Raises:
        ValueError: a malformed item, a direction other than min/max, a repeated name,
            a derived objective first or maximised, several objectives for an
            algorithm outside :data:`MULTI_OBJECTIVE_ALGORITHMS`.
        TypeError: not a list of them.

    Example:
        >>> check_objectives("f", ["val_accuracy:max", "params:min"], "random")
        (('val_accuracy', 'max'), ('params', 'min'))
    """
    if objectives is None:
        return ()
    if isinstance(objectives, str) or not isinstance(objectives, (list, tuple)):
        raise TypeError(f"{fn}: `objectives` must be a list of 'NAME:DIR' strings (e.g. "
                        f"['val_accuracy:max', 'params:min']), received objectives={objectives!r}")
    resolved = []
    for item in objectives:
        if isinstance(item, str):
            name, _, direction = item.rpartition(":")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            name, direction = item
        else:
            name = direction = None
        if not (isinstance(name, str) and name and direction in DIRECTIONS):
            raise ValueError(f"{fn}: each objective must be NAME:DIR with DIR min or max "
                             f"(e.g. 'val_accuracy:max', 'params:min'), received {item!r}")
        if name in DERIVED_OBJECTIVES and direction != "min":
            raise ValueError(f"{fn}: objective {name!r} is measured on the model and can only "
                             f"be minimised, received {item!r}")
        resolved.append((name, direction))
    names = [name for name, _ in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"{fn}: each objective once, received objectives={list(objectives)!r}")
    if names and names[0] in DERIVED_OBJECTIVES:
        raise ValueError(f"{fn}: the first objective (the primary, which early stopping "
                         f"watches) must be a metric the model reports such as "
                         f"'val_accuracy:max', received {objectives[0]!r}")
    if len(resolved) > 1 and algorithm not in MULTI_OBJECTIVE_ALGORITHMS:
        raise ValueError(f"{fn}: several objectives apply to algorithm "
                         f"{' | '.join(MULTI_OBJECTIVE_ALGORITHMS)}, received "
                         f"algorithm={algorithm!r}")
    return tuple(resolved)


def _primary_objective(fn, objective, objectives):
    """``objective`` checked; with ``objectives``, the primary's name (``objective`` unset)."""
    objective = check_objective(fn, objective)
    if not objectives:
        return objective
    if objective not in (_field("objective").default, objectives[0][0]):
        raise ValueError(f"{fn}: give either `objective` or `objectives`, not both "
                         f"(received objective={objective!r})")
    return objectives[0][0]


def _check_tolerance(fn, value, objectives):
    if value is None:
        return DEFAULT_TOLERANCE if len(objectives) > 1 else None
    if len(objectives) < 2:
        raise ValueError(f"{fn}: `tolerance` applies to a search with several `objectives`, "
                         f"received tolerance={value!r} with objectives={list(objectives)!r}")
    return check_number(fn, "tolerance", value, low=0.0)


def _check_min_epochs(fn, value, default, max_epochs):
    """ASHA's ``min_epochs`` (an int >= 1, at most ``max_epochs``), or ``default``."""
    value = _int_or_none(fn, "min_epochs", value, 1, default)
    if value is not None and max_epochs is not None and value > max_epochs:
        raise ValueError(f"{fn}: `min_epochs` must be at most max_epochs={max_epochs}, "
                         f"received min_epochs={value}")
    return value


def objective_names(objective) -> list[str]:
    """The metric names a (validated) objective refers to.

    Example:
        >>> objective_names(["val_loss", "val_accuracy"])
        ['val_loss', 'val_accuracy']
    """
    if isinstance(objective, str):
        return [objective]
    if isinstance(objective, (list, tuple)):
        return [n for item in objective for n in objective_names(item)]
    return [objective.name]


def _check_hyperparameters(fn, value):
    if value is None:
        return None
    hyperparameters_class = _keras_tuner_class("HyperParameters")
    if hyperparameters_class is None or not isinstance(value, hyperparameters_class):
        raise TypeError(f"{fn}: `hyperparameters` must be a keras_tuner.HyperParameters or "
                        f"None, received hyperparameters={value!r}")
    return value


def _check_strategy(fn, value):
    if isinstance(value, str):
        return check_choice(fn, "strategy", value, STRATEGIES)
    if hasattr(value, "scope") and (hasattr(value, "num_replicas_in_sync")
                                    or hasattr(value, "device_mesh")):
        return value
    raise TypeError(f"{fn}: `strategy` must be one of {', '.join(STRATEGIES)}, a "
                    "tf.distribute.Strategy (TensorFlow) or a keras.distribution.Distribution "
                    f"(JAX), received strategy={value!r}")


def _check_path(fn, name, value):
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{fn}: `{name}` must be a path, received {name}={value!r}")
    return os.fspath(value)


def _check_project_name(fn, value):
    if not isinstance(value, str) or not value or os.sep in value:
        raise ValueError(f"{fn}: `project_name` must be a non-empty name without "
                         f"{os.sep!r}, received project_name={value!r}")
    return value


def _check_mapping(fn, name, value):
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"{fn}: `{name}` must be a dict with str keys, received "
                        f"{name}={value!r}")
    return dict(value)


def _check_finite(fn, name, mapping):
    """``mapping`` if no value (or item of a value) is a NaN or infinite number."""
    for key, value in mapping.items():
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            if isinstance(item, numbers.Real) and not isinstance(item, bool) \
                    and not math.isfinite(item):
                raise ValueError(f"{fn}: every value of `{name}` must be finite, received "
                                 f"{name}[{key!r}]={value!r}")
    return mapping


def _check_names(fn, name, value):
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)) or not all(
            isinstance(v, str) for v in value):
        raise TypeError(f"{fn}: `{name}` must be a list of hyperparameter names, received "
                        f"{name}={value!r}")
    return tuple(value)


def _check_refit(fn, value):
    if value is False or (isinstance(value, str) and value in REFITS):
        return value
    raise ValueError(f"{fn}: `refit` must be one of 'train+val', 'train' or False, "
                     f"received refit={value!r}")


def _check_cv(fn, value, refit):
    """``cv``: ``None`` or an int >= 2, with the train+val refit (the folds leave no
    held-out split of their own to retrain on)."""
    folds = _int_or_none(fn, "cv", value, 2, None)
    if folds is None:
        return None
    if refit != "train+val":
        raise ValueError(f"{fn}: `cv` needs refit='train+val' (the final model trains on all "
                         f"the folds), received cv={value!r} with refit={refit!r}")
    return folds


def _check_verbose(fn, value) -> int:
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, numbers.Integral) or value not in (0, 1):
        raise ValueError(f"{fn}: `verbose` must be 0 (silent) or 1 (a line per trial), "
                         f"received verbose={value!r}")
    return int(value)


#: The value of ``workers`` that ``run_search`` resolves from the hardware and the model.
AUTO_WORKERS = "auto"


def _check_workers(fn, config) -> int | str:
    """``workers`` (an int >= 0 or ``"auto"``); one local worker when only
    ``trials_per_process`` asks for workers."""
    workers = config.workers
    if isinstance(workers, str) and workers.strip().lower() == AUTO_WORKERS:
        workers = AUTO_WORKERS
    elif isinstance(workers, str) and workers.strip().isdigit():
        workers = int(workers)  # the command line's "--workers 2"
    elif isinstance(workers, str):
        raise ValueError(f"{fn}: `workers` must be an int >= 0 or 'auto', received "
                         f"workers={workers!r}")
    else:
        workers = check_positive_int(fn, "workers", workers, allow_zero=True)
    if config.trials_per_process is not None:
        if config.role is not None:
            raise ValueError(f"{fn}: `trials_per_process` applies to local workers, not to "
                             f"role={config.role!r}")
        workers = workers or 1
    if workers == AUTO_WORKERS and config.role is not None:
        raise ValueError(f"{fn}: workers='auto' runs local workers; it does not combine with "
                         f"role={config.role!r}")
    if config.role is not None and workers:
        raise ValueError(f"{fn}: give either workers=N (all on this machine) or role= "
                         "(one process of a multi-machine search), not both")
    if (workers or config.role) and not isinstance(config.strategy, str):
        raise TypeError(f"{fn}: with workers or role, `strategy` must be a name such as 'auto' "
                        "(each process resolves its own)")
    return workers


def _check_oracle(fn, value) -> str | None:
    """``oracle`` as ``"HOST:PORT"`` (a bare host gets the default port), or ``None``."""
    if value is None:
        return None
    try:
        host, port = parse_address(value)
    except ValueError as exc:
        raise ValueError(f"{fn}: {exc}") from None
    return f"{host}:{port}"


def _chief_address(fn, config) -> tuple | None:
    """The chief's ``(host, port)``: ``oracle``, or the default of the role."""
    if config.oracle is not None:
        return parse_address(config.oracle)
    if config.role == "worker":
        raise ValueError(f"{fn}: role='worker' needs oracle='HOST:PORT' (the chief's address)")
    if config.role == "chief":
        return DEFAULT_HOST, DEFAULT_PORT
    return (DEFAULT_HOST, 0) if config.workers else None


def parse_address(address, *, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """Split ``"HOST:PORT"`` (or ``"HOST"``, or ``":PORT"``) into ``(host, port)``.

    Raises:
        ValueError: not a ``HOST:PORT`` string or the port is not in 0-65535.

    Example:
        >>> parse_address("chief-host:8000")
        ('chief-host', 8000)
    """
    if isinstance(address, tuple) and len(address) == 2:
        host, port = address
    elif isinstance(address, str) and address:
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "")
        host = host.strip("[]") or DEFAULT_HOST
        port = port or default_port
    else:
        raise ValueError(f"oracle address must be 'HOST:PORT', received {address!r}")
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ValueError(f"oracle address {address!r}: the port must be an int") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"oracle address {address!r}: the port must be in 0-65535")
    return str(host), port


# ------------------------------------------------------------------ Hyperband's budget


def _hyperband_trials(max_epochs: int, factor: int, iterations: int) -> int:
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


def hyperband_budget(max_epochs: int, factor: int, iterations: int = 1) -> int:
    """Number of trials keras-tuner's Hyperband runs for these settings.

    Args:
        max_epochs: Hyperband's largest epoch budget (an int >= 1).
        factor: Its reduction factor (an int >= 2).
        iterations: Its full iterations (an int >= 1).

    Returns:
        The number of trials.

    Raises:
        ValueError, TypeError: a setting out of range or not an int.

    Example:
        >>> hyperband_budget(9, 3), hyperband_budget(27, 3)
        (23, 70)
    """
    config = SearchConfig(algorithm="hyperband", max_epochs=max_epochs, factor=factor,
                          hyperband_iterations=iterations, caller="hyperband_budget")
    return config.budget


def unknown_setting(fn: str, name: str, accepted) -> str:
    """The message for an argument that is no setting ``fn`` accepts."""
    accepted = list(accepted)
    return (f"{fn}: unexpected argument {name!r}; accepted: {', '.join(accepted)}."
            f"{suggest(name, accepted)}")
