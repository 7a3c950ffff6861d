"""Asynchronous successive halving (ASHA; Li et al., MLSys 2020) as a keras-tuner oracle.

Hyperband runs brackets: a round of a bracket starts only when the previous
round has finished, so workers wait for the slowest trial. ASHA has no rounds
to wait for. Its *rungs* train ``min_epochs * eta**k`` epochs (``eta`` the
reduction factor; the last rung trains ``max_epochs``), and whenever a worker
asks for a trial (:meth:`ASHAOracle.populate_space`):

1. from the top rung down, the first configuration that ranks in the top
   ``1/eta`` of the completed trials of its rung and has not been promoted yet
   is promoted: it continues from its checkpoint up to the next rung's epochs
   (:func:`promotion`);
2. otherwise a new random configuration starts at the bottom rung.

A promoted trial is a new keras-tuner trial with Hyperband's hyperparameters
(``tuner/trial_id`` the parent, ``tuner/initial_epoch``, ``tuner/epochs``,
``tuner/round`` the rung), so the zoo's Hyperband machinery continues the
parent's model (:mod:`tuning.reuse`), the refit counts its epochs, and the
state lives in the trials themselves: a resumed job rebuilds the rungs from the
finished trials, and a distributed chief serves this oracle unchanged. The
search ends after ``max_trials`` trials (promotions included).

With several objectives a rung is ranked by
:func:`tuning.oracles.multiobjective.rank_scores` over its trials.
"""

from __future__ import annotations

from keras_tuner.oracles import HyperbandOracle

from tuning import _compat
from tuning.oracles.multiobjective import ParetoScoring, objective_vector, rank_scores


def rung_epochs(min_epochs: int, max_epochs: int, reduction_factor: int) -> list[int]:
    """The epochs each rung trains to: ``min_epochs * eta**k`` below ``max_epochs``, then it.

    Example:
        >>> rung_epochs(1, 27, 3), rung_epochs(2, 10, 2)
        ([1, 3, 9, 27], [2, 4, 8, 10])
    """
    rungs, epochs = [], min_epochs
    while epochs < max_epochs:
        rungs.append(epochs)
        epochs *= reduction_factor
    return rungs + [max_epochs]


def promotion(rungs, promoted, reduction_factor: int):
    """The configuration ASHA promotes next, or ``None``: a new one starts at the bottom.

    Args:
        rungs: Per rung, bottom first, the completed trials as ``(trial_id, score)``
            pairs, a lower score being better.
        promoted: The ids of trials already promoted (or being promoted).
        reduction_factor: eta: the top ``len(rung) // eta`` trials of a rung are promotable.

    Returns:
        ``(rung, trial_id)``: promote ``trial_id`` from rung ``rung`` to ``rung + 1``.
        The top rung is never promoted from; higher rungs go first; within a rung
        the best score (then the lower id).

    Example:
        >>> promotion([[("a", 0.3), ("b", 0.1), ("c", 0.2)], []], set(), 3)
        (0, 'b')
        >>> promotion([[("a", 0.3), ("b", 0.1), ("c", 0.2)], [("b", 0.1)]], {"b"}, 3) is None
        True
    """
    for rung in reversed(range(len(rungs) - 1)):
        ranked = sorted(rungs[rung], key=lambda item: (item[1], item[0]))
        for trial_id, _ in ranked[:len(ranked) // reduction_factor]:
            if trial_id not in promoted:
                return rung, trial_id
    return None


class ASHAOracle(ParetoScoring, HyperbandOracle):
    """keras-tuner oracle of asynchronous successive halving (see the module docstring).

    It builds on keras-tuner's ``HyperbandOracle`` for the trial hyperparameters
    its tuner reads and for its hash of a configuration, which ignores the epoch
    budget; the brackets of Hyperband are not used.

    Args:
        objective: keras-tuner objective (a name, ``Objective`` or a list).
        max_trials: Trials in all (promotions included).
        min_epochs, max_epochs: The bottom and top rungs' epochs.
        reduction_factor: eta (an int >= 2).
        seed, hyperparameters, allow_new_entries, tune_new_entries,
            max_retries_per_trial, max_consecutive_failed_trials: as keras-tuner's oracles.

    Example:
        >>> oracle = ASHAOracle(objective="val_loss", max_trials=20, max_epochs=9)
        >>> oracle.rungs
        [1, 3, 9]
    """

    def __init__(self, objective=None, max_trials=50, min_epochs=1, max_epochs=27,
                 reduction_factor=3, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_epochs=max_epochs, factor=reduction_factor,
                         hyperband_iterations=1, seed=seed, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self.max_trials = max_trials
        self.min_epochs = min_epochs

    @property
    def rungs(self) -> list[int]:
        """The epochs of each rung (:func:`rung_epochs`)."""
        return rung_epochs(self.min_epochs, self.max_epochs, self.factor)

    def rung_scores(self) -> list[list]:
        """Per rung, the completed trials as ``(trial_id, score)``, lower being better."""
        members = [[] for _ in self.rungs]
        for trial in self.trials.values():
            if str(trial.status) == "COMPLETED" and trial.score is not None:
                rung = min(int(trial.hyperparameters.values.get("tuner/round", 0)),
                           len(members) - 1)
                members[rung].append(trial)
        return [self._ranked(trials) for trials in members]

    def _ranked(self, trials) -> list:
        if len(self.zoo_objectives) > 1:
            vectors = [objective_vector(t, self.zoo_objectives) for t in trials]
            kept = [(t, v) for t, v in zip(trials, vectors, strict=True) if v is not None]
            scores = rank_scores([v for _, v in kept], [d for _, d in self.zoo_objectives])
            return [(t.trial_id, s) for (t, _), s in zip(kept, scores, strict=True)]
        sign = -1.0 if self.objective.direction == "max" else 1.0
        return [(t.trial_id, sign * float(t.score)) for t in trials]

    def promoted(self) -> set:
        """The ids of the trials promoted so far (a child trial names them as parent)."""
        return {t.hyperparameters.values[_compat.PARENT_TRIAL] for t in self.trials.values()
                if _compat.PARENT_TRIAL in t.hyperparameters.values}

    def populate_space(self, trial_id):
        if len(self.zoo_objectives) > 1:
            self.zoo_rescore()
        rungs = self.rungs
        chosen = promotion(self.rung_scores(), self.promoted(), self.factor)
        if chosen is not None:
            rung, parent = chosen
            values = {name: value for name, value in
                      self.trials[parent].hyperparameters.values.items()
                      if not name.startswith("tuner/")}
            values.update({_compat.PARENT_TRIAL: parent, _compat.INITIAL_EPOCH: rungs[rung],
                           _compat.TRIAL_EPOCHS: rungs[rung + 1], "tuner/bracket": 0,
                           "tuner/round": rung + 1})
            return {"status": "RUNNING", "values": values}
        values = _compat.random_values(self)
        if values is None:  # the space is exhausted: only promotions are left
            running = any(str(t.status) == "RUNNING" for t in self.trials.values())
            return {"status": "IDLE" if running else "STOPPED", "values": None}
        values.update({_compat.INITIAL_EPOCH: 0, _compat.TRIAL_EPOCHS: rungs[0],
                       "tuner/bracket": 0, "tuner/round": 0})
        return {"status": "RUNNING", "values": values}
