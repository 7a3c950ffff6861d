"""Cross-validated trials (tuning.cv, run_search(cv=K), zoo tune --cv K)."""

import csv

import numpy as np
import pytest

import zoo
from tests.tuning._resume_job import FIXED, RANGES
from tuning import HyperFNN, run_search
from tuning.config import SearchConfig
from tuning.cv import fold_indices


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"cv": 1}, ValueError, r"`cv` must be an int >= 2, received cv=1"),
    ({"cv": "5"}, TypeError, r"`cv` must be an int >= 2, received cv='5'"),
    ({"cv": 3, "refit": "train"}, ValueError, r"`cv` needs refit='train\+val'.*refit='train'"),
    ({"cv": 3, "refit": False}, ValueError, r"`cv` needs refit='train\+val'"),
])
def test_bad_cv_is_refused_by_the_config(kwargs, error, match):
    with pytest.raises(error, match=match):
        SearchConfig(algorithm="random", **kwargs)


def test_cv_defaults_to_one_split_and_keeps_k():
    assert SearchConfig().cv is None
    assert SearchConfig(algorithm="random", cv=5).cv == 5


def test_classification_folds_are_stratified_and_cover_every_sample_once():
    y = np.array([0] * 30 + [1] * 10 + [2] * 20)
    folds = fold_indices(y, 5, seed=0, task="multiclass")
    assert len(folds) == 5
    held_out = np.concatenate([val for _, val in folds])
    assert sorted(held_out) == list(range(60))
    for train, val in folds:
        assert set(train).isdisjoint(val) and len(train) + len(val) == 60
        assert np.bincount(y[val]).tolist() == [6, 2, 4]  # the class proportions kept
    same = fold_indices(y, 5, seed=0, task="multiclass")
    assert all((a[1] == b[1]).all() for a, b in zip(folds, same, strict=True))
    onehot = np.eye(3)[y]
    assert all((a[1] == b[1]).all() for a, b in zip(
        folds, fold_indices(onehot, 5, seed=0, task="multiclass"), strict=True))
    regression = fold_indices(np.linspace(0, 1, 12), 3, seed=0, task="regression")
    assert sorted(np.concatenate([v for _, v in regression])) == list(range(12))
    with pytest.raises(ValueError, match="5 folds need at least 5 samples"):
        fold_indices(np.arange(3), 5, seed=0, task="regression")


class RecordingFNN(HyperFNN):
    """Records (samples, validation samples, initial_epoch, epochs) of every fit."""

    calls: list = []

    def fit(self, hp, model, *args, **kwargs):
        val = kwargs.get("validation_data")
        type(self).calls.append((len(args[0]), None if val is None else len(val[0]),
                                 kwargs.get("initial_epoch", 0), kwargs.get("epochs")))
        return super().fit(hp, model, *args, **kwargs)


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", seed=0)


@pytest.mark.parametrize("algorithm", ["random", "hyperband"])
def test_cv_trials_report_the_fold_mean_and_spread(tmp_path, digits, algorithm):
    RecordingFNN.calls = []
    hm = RecordingFNN(digits.input_shape, digits.num_classes, fixed=FIXED, ranges=RANGES, seed=0)
    kwargs = ({"max_trials": 2} if algorithm == "random"
              else {"factor": 3, "max_trials": 4})
    result = run_search(hm, digits, algorithm, cv=3, max_epochs=3, patience=5,
                        directory=tmp_path, verbose=0, **kwargs)
    merged = len(digits.x_train) + len(digits.x_val)
    for trial in result.trials:
        assert len(trial["cv_scores"]) == 3
        assert trial["score"] == pytest.approx(np.mean(trial["cv_scores"]), abs=1e-6)
        assert trial["cv_std"] == pytest.approx(np.std(trial["cv_scores"]), abs=1e-9)
        assert trial["cv_std"] > 0  # three different folds, three different scores
    fold_fits, refit = RecordingFNN.calls[:-1], RecordingFNN.calls[-1]
    assert len(fold_fits) == 3 * len(result.trials)
    assert {n + v for n, v, _, _ in fold_fits} == {merged}  # folds of train+val
    budgets = [t["hyperparameters"].get("tuner/epochs", 3) for t in result.trials]
    # Every fold from scratch for the trial's whole budget (Hyperband's continuations too).
    assert [(i, e) for _, _, i, e in fold_fits] == [(0, b) for b in budgets for _ in range(3)]
    if algorithm == "hyperband":
        assert any(t["hyperparameters"].get("tuner/initial_epoch") for t in result.trials)
    assert refit[:2] == (merged, None) and result.refit["samples"] == merged
    with open(tmp_path / "trials.csv") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["cv_std"]) for r in rows] == pytest.approx(
        [t["cv_std"] for t in result.trials])
    assert result.report["cv"] == 3 and "cv_std" in result.report["trials"][0]


@pytest.mark.tensorflow_only(reason="streamed splits built with tf.data")
def test_cv_refuses_streamed_data(tmp_path, digits):
    import tensorflow as tf

    splits = [tf.data.Dataset.from_tensor_slices((x, y)).batch(32) for x, y in (
        (digits.x_train, digits.y_train), (digits.x_val, digits.y_val))]
    with pytest.raises(ValueError, match=r"cv=3 needs the data in memory.*streamed"):
        run_search("cnn", tuple(splits), "random", cv=3, max_trials=1, directory=tmp_path,
                   data_options={"task": "multiclass", "num_classes": 10})
