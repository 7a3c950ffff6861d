"""Real searches: ASHA in one process, resumed and with two workers; a Pareto search end to end."""

import csv
import json

import pytest

import zoo
from tests.tuning._helpers import small_cnn
from tuning import cli, run_search
from tuning.hypermodels import HyperCNN
from tuning.oracles.multiobjective import choose, pareto_front


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", seed=0)


class CountingCNN(HyperCNN):
    """Records the epochs each fit trains (initial_epoch, epochs)."""

    fits: list = []

    def fit(self, hp, model, *args, **kwargs):
        type(self).fits.append((kwargs.get("initial_epoch", 0), kwargs["epochs"]))
        return super().fit(hp, model, *args, **kwargs)


def _asha(digits, directory, max_trials, **kwargs):
    from tests.tuning._helpers import SMALL, SMALL_RANGES

    hm = CountingCNN(digits.input_shape, digits.num_classes, seed=0, fixed=dict(SMALL),
                     ranges=dict(SMALL_RANGES), train_size=len(digits.x_train))
    return run_search(hm, digits, "asha", max_trials=max_trials, max_epochs=4,
                      directory=directory, seed=0, verbose=0,
                      tuner_kwargs={"min_epochs": 1, "reduction_factor": 2}, **kwargs)


def test_asha_promotes_and_promoted_trials_train_only_their_new_epochs(tmp_path, digits):
    CountingCNN.fits = []
    result = _asha(digits, tmp_path, 8)
    rows = {t["trial_id"]: t for t in result.trials}
    assert len(rows) == 8 and all(t["status"] == "COMPLETED" for t in rows.values())
    budgets = [(t["hyperparameters"].get("tuner/trial_id"),
                t["hyperparameters"]["tuner/initial_epoch"], t["hyperparameters"]["tuner/epochs"])
               for t in result.trials]
    promoted = [b for b in budgets if b[0] is not None]
    assert promoted, budgets
    for parent, start, end in promoted:
        assert (start, end) in ((1, 2), (2, 4))
        assert rows[parent]["hyperparameters"]["tuner/epochs"] == start
    # Each trial trained from its parent's epoch on (the final refit is the last fit).
    assert CountingCNN.fits[:-1] == [(b[1], b[2]) for b in budgets]
    assert result.report["algorithm"] == "asha" and result.test_metrics["accuracy"] > 0.5
    best = result.tuner.oracle.get_best_trials(1)[0]
    assert result.refit["epochs"] == best.hyperparameters.values["tuner/initial_epoch"] + \
        best.best_step + 1

    # Resumed with a larger budget: the finished trials are kept as they were.
    CountingCNN.fits = []
    again = _asha(digits, tmp_path, 10)
    assert len(again.trials) == 10 and len(CountingCNN.fits) == 2 + 1
    for before in result.trials:
        kept = next(t for t in again.trials if t["trial_id"] == before["trial_id"])
        assert kept["score"] == before["score"]
        assert kept["hyperparameters"] == before["hyperparameters"]


def test_pareto_search_writes_the_front_and_refits_the_chosen_trial(tmp_path, digits):
    hm = small_cnn(digits, seed=0, ranges={"filters": [4, 16], "dense_units": [8, 64],
                                           "learning_rate": (3e-3, 1e-2)})
    result = run_search(hm, digits, "random", max_trials=4, max_epochs=2, directory=tmp_path,
                        seed=0, verbose=0, objectives=["val_accuracy:max", "params:min"],
                        tolerance=0.05)
    report = json.loads((tmp_path / "report.json").read_text())
    trials = report["pareto"]["trials"]
    points = [(t["val_accuracy"], t["params"]) for t in trials]
    front = pareto_front(points, ("max", "min"))
    with open(tmp_path / "pareto.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["trial_id"] for r in rows] == [trials[i]["trial_id"] for i in front]
    chosen = trials[choose(points, ("max", "min"), 0.05)]
    assert report["pareto"]["chosen"] == chosen["trial_id"]
    assert [r["trial_id"] for r in rows if r["chosen"] == "1"] == [chosen["trial_id"]]
    # Every trial has its model's real parameter count; the refit model is the chosen one's.
    assert result.best_model.count_params() == chosen["params"]
    assert {t["params"] for t in trials} == {
        float(n) for n in (trial_params(result, t["trial_id"]) for t in trials)}
    assert (tmp_path / "pareto.png").stat().st_size > 5000
    assert report["objective"] == {"name": "multi_objective", "direction": "min"}


def trial_params(result, trial_id):
    from tuning import _compat

    tuner = result.tuner
    return _compat.build_model(tuner, tuner.oracle.trials[trial_id].hyperparameters).count_params()


def test_zoo_tune_reads_repeated_objectives_and_refuses_a_bad_direction(capsys):
    parser = __import__("argparse").ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(["cnn", "--algorithm", "asha", "--objective", "val_accuracy:max",
                              "--objective", "params:min", "--tolerance", "0.02",
                              "--min-epochs", "2", "--reduction-factor", "4"])
    settings = cli.search_arguments(args)
    assert settings["objectives"] == ["val_accuracy:max", "params:min"]
    assert "objective" not in settings and settings["tolerance"] == 0.02
    assert settings["tuner_kwargs"] == {"min_epochs": 2, "reduction_factor": 4}
    assert "min_epochs" not in settings
    single = cli.settings(parser.parse_args(["cnn", "--objective", "val_accuracy"]))
    assert single["objective"] == "val_accuracy" and "objectives" not in single
    from zoo.cli import main

    code = main(["tune", "cnn", "--algorithm", "random", "--objective", "val_accuracy:up",
                 "--objective", "params:min"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["zoo: error: run_search: each objective must be NAME:DIR with DIR min or max "
                   "(e.g. 'val_accuracy:max', 'params:min'), received 'val_accuracy:up'"]


@pytest.mark.slow
def test_asha_with_two_workers_splits_trials_and_promotes(tmp_path, digits):
    result = run_search(small_cnn(digits, seed=0), digits, "asha", max_trials=8, max_epochs=4,
                        directory=tmp_path, seed=0, workers=2, verbose=0,
                        tuner_kwargs={"min_epochs": 1, "reduction_factor": 2})
    assert len(result.trials) == 8 and all(t["status"] == "COMPLETED" for t in result.trials)
    assert set(result.report["trials_per_worker"]) == {"tuner0", "tuner1"}
    assert any(t["hyperparameters"].get("tuner/trial_id") for t in result.trials)
    assert result.test_metrics["accuracy"] > 0.5
