"""ASHA: rungs and promotion on hand-made scores, and the oracle driven trial by trial."""

import keras
import pytest

from tuning import make_tuner
from tuning.oracles.asha import promotion, rung_epochs


def test_rungs_grow_by_the_reduction_factor_up_to_max_epochs():
    assert rung_epochs(1, 27, 3) == [1, 3, 9, 27]
    assert rung_epochs(1, 10, 3) == [1, 3, 9, 10]
    assert rung_epochs(2, 16, 2) == [2, 4, 8, 16]
    assert rung_epochs(5, 5, 3) == [5]


def test_promotion_takes_the_top_fraction_of_a_rung_highest_rung_first():
    rung0 = [("a", 0.5), ("b", 0.1), ("c", 0.3), ("d", 0.2), ("e", 0.9), ("f", 0.4)]
    # eta=3: the top 6 // 3 = 2 of rung 0 (b, d) are promotable, best first.
    assert promotion([rung0, [], []], set(), 3) == (0, "b")
    assert promotion([rung0, [], []], {"b"}, 3) == (0, "d")
    assert promotion([rung0, [], []], {"b", "d"}, 3) is None  # c is not in the top third
    assert promotion([rung0[:2], [], []], set(), 3) is None  # 2 // 3 = 0 promotable
    # A promotable trial of a higher rung goes first.
    rung1 = [("b2", 0.05), ("d2", 0.2), ("x", 0.3)]
    assert promotion([rung0, rung1, []], {"b", "d"}, 3) == (1, "b2")
    # The top rung is never promoted from.
    assert promotion([[], [("z", 0.0)] * 3], set(), 3) is None
    # Ties: the lower id.
    assert promotion([[("q", 0.1), ("p", 0.1), ("r", 0.2), ("s", 0.3)]], set(), 2) is None
    assert promotion([[("q", 0.1), ("p", 0.1), ("r", 0.2), ("s", 0.3)], []], set(), 2) == (0, "p")


def _build(hp):
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(hp.Int("units", 1, 1000))])
    model.compile("adam", "mse")
    return model


def _tuner(directory, overwrite=True, objective="val_loss"):
    return make_tuner("asha", _build, objective=objective, max_trials=12, max_epochs=4,
                      min_epochs=1, reduction_factor=2, directory=directory, seed=0,
                      overwrite=overwrite)


def _end(oracle, trial, value, name="val_loss"):
    oracle.update_trial(trial.trial_id, {name: value})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)


def _budget(trial):
    values = trial.hyperparameters.values
    return (values.get("tuner/trial_id"), values["tuner/initial_epoch"], values["tuner/epochs"])


def test_the_oracle_promotes_asynchronously_and_resumes_from_its_trials(tmp_path):
    tuner = _tuner(tmp_path)
    oracle = tuner.oracle
    assert oracle.rungs == [1, 2, 4]
    t0 = oracle.create_trial("w0")
    assert _budget(t0) == (None, 0, 1)
    _end(oracle, t0, 0.5)
    t1 = oracle.create_trial("w0")  # rung 0 has one trial: 1 // 2 = 0 promotable
    assert _budget(t1) == (None, 0, 1)
    _end(oracle, t1, 0.3)
    t2 = oracle.create_trial("w0")  # t1 is in the top half of rung 0
    assert _budget(t2) == (t1.trial_id, 1, 2)
    assert t2.hyperparameters.values["units"] == t1.hyperparameters.values["units"]
    t3 = oracle.create_trial("w1")  # t2 still running: no waiting, a new configuration
    assert _budget(t3) == (None, 0, 1)
    _end(oracle, t3, 0.1)
    t4 = oracle.create_trial("w1")  # rung 0: t3 (0.1) tops it now
    assert _budget(t4) == (t3.trial_id, 1, 2)
    _end(oracle, t2, 0.2)
    _end(oracle, t4, 0.05)
    t5 = oracle.create_trial("w0")  # rung 1 [t4 0.05, t2 0.2]: t4 goes to the top rung
    assert _budget(t5) == (t4.trial_id, 2, 4)
    _end(oracle, t5, 0.01)
    assert oracle.promoted() == {t1.trial_id, t3.trial_id, t4.trial_id}

    # A resumed job rebuilds the rungs from its finished trials: nothing is promoted twice.
    tuner.save()  # as the tuner does after each trial
    resumed = _tuner(tmp_path, overwrite=False).oracle
    assert sorted(resumed.trials) == sorted(oracle.trials)
    assert resumed.promoted() == oracle.promoted()
    t6 = resumed.create_trial("w0")
    assert _budget(t6) == (None, 0, 1)  # rung 0's top 4 // 2 = 2 (t3, t1) are promoted
    _end(resumed, t6, 0.0)
    t7 = resumed.create_trial("w0")  # t6 now tops rung 0
    assert _budget(t7) == (t6.trial_id, 1, 2)


def test_a_maximised_objective_promotes_the_highest_score(tmp_path):
    oracle = _tuner(tmp_path, objective="val_accuracy").oracle
    first, second = oracle.create_trial("w0"), oracle.create_trial("w1")
    _end(oracle, first, 0.9, "val_accuracy")
    _end(oracle, second, 0.2, "val_accuracy")
    assert _budget(oracle.create_trial("w0")) == (first.trial_id, 1, 2)


def test_the_search_stops_at_max_trials(tmp_path):
    oracle = _tuner(tmp_path).oracle
    for i in range(12):
        trial = oracle.create_trial("w0")
        _end(oracle, trial, 1.0 / (i + 1))
    assert len(oracle.trials) == 12
    assert str(oracle.create_trial("w0").status) == "STOPPED"


def test_asha_ranks_a_rung_by_the_objectives_ranks(tmp_path):
    oracle = make_tuner("asha", _build, objectives=["val_accuracy:max", "params:min"],
                        max_trials=12, max_epochs=4, min_epochs=1, reduction_factor=2,
                        directory=tmp_path, seed=0).oracle
    a, b = oracle.create_trial("w0"), oracle.create_trial("w1")
    for trial, (acc, params) in ((a, (0.9, 900.0)), (b, (0.9, 100.0))):
        oracle.update_trial(trial.trial_id, {"val_accuracy": acc, "params": params})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    assert oracle.trials[b.trial_id].score < oracle.trials[a.trial_id].score
    assert _budget(oracle.create_trial("w0")) == (b.trial_id, 1, 2)  # as accurate, smaller


@pytest.mark.parametrize("bad, match", [
    ({"min_epochs": 0}, "min_epochs"), ({"min_epochs": 9}, "at most max_epochs"),
    ({"reduction_factor": 1}, "reduction_factor"), ({"factor": 3}, "does not apply")])
def test_bad_asha_settings_are_refused(tmp_path, bad, match):
    settings = {"max_epochs": 4, **bad}
    with pytest.raises((ValueError, TypeError), match=match):
        make_tuner("asha", _build, directory=tmp_path, **settings)
