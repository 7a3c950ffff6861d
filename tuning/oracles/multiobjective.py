"""Several objectives: the Pareto front, the rank scalarisation the oracles use, the choice.

A search with ``objectives=[("val_accuracy", "max"), ("params", "min")]`` has no
single best trial: a trial is *dominated* when another is at least as good in
every objective and better in one, and the *Pareto front* is the trials no
other trial dominates (:func:`pareto_front`; two trials with equal values do not
dominate each other, so both stay on the front).

The oracles still need one number per trial (random search to name a best
trial, Bayesian optimisation for its Gaussian process, ASHA to rank a rung).
:func:`rank_scores` gives it: the mean over the objectives of the trial's
normalised rank among the trials compared (0: the best value of that
objective, 1: the worst; ties share their mean rank), lower being better. Ranks
need no weights and no guess of each objective's scale (accuracy in [0, 1],
parameters in the millions). :class:`ParetoScoring` re-scores every completed
trial this way as each trial ends and before each new trial is proposed, so
Bayesian optimisation fits its model to scores of the same scale throughout.

The final model follows :func:`choose`: among the Pareto trials whose primary
(first) objective is within ``tolerance`` of the best primary value, the best
in the second objective, then the third...; ties go to the better primary value,
then to the earlier trial. With ``val_accuracy:max``, ``params:min`` and
``tolerance=0.01``: the smallest model within one point of the best accuracy.
"""

from __future__ import annotations

import math

#: Directions of the objectives (the strings keras-tuner uses).
MIN, MAX = "min", "max"


def _better_or_equal(a, b, direction) -> bool:
    return a <= b if direction == MIN else a >= b


def dominates(a, b, directions) -> bool:
    """Whether objective vector ``a`` dominates ``b``: no worse in all, better in one.

    Example:
        >>> dominates((0.9, 10), (0.8, 10), ("max", "min")), dominates((1, 1), (1, 1), ("min",) * 2)
        (True, False)
    """
    return all(_better_or_equal(x, y, d) for x, y, d in zip(a, b, directions, strict=True)) and \
        any(x != y for x, y in zip(a, b, strict=True))


def pareto_front(points, directions) -> list[int]:
    """The indices of the non-dominated ``points`` (objective vectors), in their order.

    A point with a missing or non-finite value (a failed trial) is neither on the
    front nor dominates anything. Equal points do not dominate each other: all
    copies of a non-dominated point are on the front.

    Args:
        points: A sequence of equal-length sequences of numbers (or ``None``).
        directions: ``"min"`` or ``"max"`` per objective.

    Returns:
        The indices of the front, ascending.

    Example:
        >>> pareto_front([(0.9, 100), (0.8, 50), (0.8, 60), (0.9, 100)], ("max", "min"))
        [0, 1, 3]
    """
    valid = [i for i, p in enumerate(points) if _finite(p)]
    return [i for i in valid
            if not any(dominates(points[j], points[i], directions) for j in valid if j != i)]


def _finite(point) -> bool:
    return point is not None and all(
        v is not None and math.isfinite(float(v)) for v in point)


def _ranks(values, direction) -> list[float]:
    """Normalised ranks in [0, 1] (0 the best), ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=direction == MAX)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2
        start = end + 1
    top = max(len(values) - 1, 1)
    return [r / top for r in ranks]


def rank_scores(points, directions) -> list[float]:
    """One score per point: the mean of its normalised ranks over the objectives (lower is better).

    Args:
        points: Finite objective vectors.
        directions: ``"min"`` or ``"max"`` per objective.

    Returns:
        A list of floats in [0, 1].

    Example:
        >>> rank_scores([(0.9, 100), (0.8, 50), (0.7, 50)], ("max", "min"))
        [0.5, 0.375, 0.625]
    """
    if not points:
        return []
    columns = [_ranks([p[k] for p in points], d) for k, d in enumerate(directions)]
    return [sum(col[i] for col in columns) / len(columns) for i in range(len(points))]


def choose(points, directions, tolerance: float) -> int | None:
    """The index of the chosen point: the selection rule of a Pareto search.

    Among the Pareto points whose first objective is within ``tolerance`` of the
    best first-objective value, the best in the second objective, then the third...;
    ties go to the better first objective, then the lower index.

    Args:
        points: Objective vectors (``None`` or non-finite ones are skipped).
        directions: ``"min"`` or ``"max"`` per objective.
        tolerance: A number >= 0, in the first objective's units.

    Returns:
        The index, or ``None`` when no point is finite.

    Example:
        >>> choose([(0.95, 900), (0.945, 100), (0.90, 10)], ("max", "min"), 0.01)
        1
    """
    front = pareto_front(points, directions)
    if not front:
        return None
    sign = [1 if d == MIN else -1 for d in directions]
    primary = [points[i][0] for i in front]
    best = min(primary) if directions[0] == MIN else max(primary)
    # 1e-9: 0.95 - 0.945 is 0.0050000000000000044 in floats, and is within 0.005.
    near = [i for i in front if abs(points[i][0] - best) <= tolerance + 1e-9]
    return min(near, key=lambda i: (
        *(s * v for s, v in zip(sign[1:], points[i][1:], strict=True)), sign[0] * points[i][0], i))


# ------------------------------------------------------------------- keras-tuner side


def objective_vector(trial, objectives):
    """A trial's values of ``objectives`` (``((name, direction), ...)``), or ``None``.

    keras-tuner records, per execution, the metrics of the trial's best epoch;
    the vector holds those (one epoch's values, not each metric's own best).
    """
    metrics = trial.metrics
    values = []
    for name, _ in objectives:
        if not metrics.exists(name):
            return None
        value = metrics.get_last_value(name)
        if value is None:
            return None
        values.append(float(value))
    return tuple(values) if _finite(values) else None


def completed(oracle) -> list:
    """The oracle's completed trials, in trial-id order."""
    return [t for _, t in sorted(oracle.trials.items()) if str(t.status) == "COMPLETED"]


class ParetoScoring:
    """Oracle mixin: several objectives scored by :func:`rank_scores` (lower is better).

    Put it before the keras-tuner oracle class. With fewer than two
    ``zoo_objectives`` it changes nothing. The oracle's own objective is
    keras-tuner's ``MultiObjective`` of the same objectives (it tracks each
    metric with its direction and picks each execution's best epoch); only the
    trial scores are replaced.

    Attributes:
        zoo_objectives: ``((name, direction), ...)`` (set by :func:`use_objectives`).
    """

    zoo_objectives = ()

    def score_trial(self, trial):
        if len(self.zoo_objectives) < 2 or trial.metrics.exists(self.objective.name):
            super().score_trial(trial)  # the best step (keras-tuner's sum of the objectives)
        if len(self.zoo_objectives) > 1:
            trial.score = 1.0  # until the rescore below places it among the others
            self.zoo_rescore()

    def populate_space(self, trial_id):
        if len(self.zoo_objectives) > 1:
            self.zoo_rescore()
        return super().populate_space(trial_id)

    def zoo_rescore(self) -> None:
        """Give every completed trial its rank score among all completed trials."""
        trials = [t for t in completed(self) if objective_vector(t, self.zoo_objectives)]
        points = [objective_vector(t, self.zoo_objectives) for t in trials]
        directions = [d for _, d in self.zoo_objectives]
        for trial, score in zip(trials, rank_scores(points, directions), strict=True):
            trial.score = score


_PARETO_CLASSES: dict = {}


def use_objectives(oracle, objectives) -> None:
    """Make ``oracle`` score trials by :class:`ParetoScoring` over ``objectives``.

    keras-tuner's tuners build their own oracle, so the oracle's class is swapped
    for a subclass with :class:`ParetoScoring` in front (the same object, state
    and all; one class per oracle class).

    Args:
        oracle: A keras-tuner ``Oracle`` in this process (not a worker's client).
        objectives: ``((name, direction), ...)``.
    """
    cls = type(oracle)
    if not issubclass(cls, ParetoScoring):
        if cls not in _PARETO_CLASSES:
            _PARETO_CLASSES[cls] = type(f"Pareto{cls.__name__}", (ParetoScoring, cls), {})
        oracle.__class__ = _PARETO_CLASSES[cls]
    oracle.zoo_objectives = tuple(objectives)


def keras_tuner_objective(objectives):
    """keras-tuner's objective for ``((name, direction), ...)``: one ``Objective`` or a
    ``MultiObjective`` list."""
    import keras_tuner as kt

    made = [kt.Objective(name, direction) for name, direction in objectives]
    return made[0] if len(made) == 1 else made


def front_rows(oracle, objectives, tolerance):
    """The Pareto front of a finished search, and the chosen trial.

    Returns:
        ``(rows, chosen_id)``: ``rows`` one dict per completed trial with its
        ``trial_id``, objective values and ``pareto`` (bool), in trial order;
        ``chosen_id`` the trial :func:`choose` picks (``None`` if none completed).
    """
    trials = completed(oracle)
    points = [objective_vector(t, objectives) for t in trials]
    directions = [d for _, d in objectives]
    front = set(pareto_front(points, directions))
    pick = choose(points, directions, tolerance)
    rows = [{"trial_id": t.trial_id, **dict(zip([n for n, _ in objectives], p or
                                                 (None,) * len(objectives), strict=True)),
             "pareto": i in front} for i, (t, p) in enumerate(zip(trials, points, strict=True))]
    return rows, None if pick is None else trials[pick].trial_id
