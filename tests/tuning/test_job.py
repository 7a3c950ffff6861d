"""The job (picklable, its tuner from the config) and the trial clock (times, resume, rows)."""

import json
import math
import pickle
from types import SimpleNamespace

import keras
import numpy as np
import pytest

import zoo
from tuning.config import SearchConfig
from tuning.job import CLOCK_FILE, Job, TrialClock, trial_row


def build(hp):
    """A tiny model over the flat digits (module level: a pickled job refers to it)."""
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(hp.Choice("units", [4, 8])),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def digits_flat():
    return zoo.data.load("digits", representation="flat", seed=0)


def _job(tmp_path, data, **settings):
    settings = {"algorithm": "random", "max_trials": 2, "max_epochs": 1, "seed": 0,
                "directory": str(tmp_path), "objective": "val_accuracy", **settings}
    return Job(build, data, SearchConfig(**settings))


def test_the_clock_times_every_trial_and_a_resumed_search_keeps_the_times(tmp_path, digits_flat):
    job = _job(tmp_path, digits_flat)
    tuner = job.make_tuner()
    rows = []
    clock = TrialClock(tuner.oracle, tuner.project_dir, progress=rows.append,
                       budget=job.config.budget)
    job.search(tuner)
    assert [r["done"] for r in rows] == [1, 2] and {r["budget"] for r in rows} == {2}
    assert rows[-1]["best"] == max(r["score"] for r in rows)
    records = json.loads((tmp_path / "search" / CLOCK_FILE).read_text())
    assert set(records) == {"0", "1"} == set(clock.records)
    assert all(r["attempts"] == 1 and r["seconds"] > 0 and r["worker"] == "tuner0"
               for r in records.values())
    # The same job again (not overwritten): the clock reads the earlier records back.
    again = job.make_tuner(overwrite=False)
    assert len(again.oracle.trials) == 2
    assert TrialClock(again.oracle, again.project_dir).records == records


def test_a_half_written_clock_file_starts_afresh(tmp_path, digits_flat):
    tuner = _job(tmp_path, digits_flat).make_tuner()
    (tmp_path / "search" / CLOCK_FILE).write_text('{"0": {"attem')
    assert TrialClock(tuner.oracle, tuner.project_dir).records == {}


def test_a_job_pickles_for_the_worker_processes(tmp_path, digits_flat):
    job = _job(tmp_path, digits_flat, workers=2)
    again = pickle.loads(pickle.dumps(job))
    assert again.config == job.config and again.hypermodel is build
    np.testing.assert_array_equal(again.dataset.x_train, job.dataset.x_train)


def test_a_job_tuner_follows_the_config(tmp_path, digits_flat):
    tuner = _job(tmp_path, digits_flat, algorithm="hyperband", max_trials=None, max_epochs=4,
                 factor=2, reuse_models=False).make_tuner()
    assert type(tuner).__name__ == "ZooHyperband" and tuner.zoo_reuse_models is False
    assert (tuner.oracle.max_epochs, tuner.oracle.factor) == (4, 2)


def _trial(score, values, best_step=None):
    return SimpleNamespace(trial_id="07", status="COMPLETED", score=score, best_step=best_step,
                           hyperparameters=SimpleNamespace(values=values))


def test_trial_rows_are_strict_json():
    values = {"units": np.int64(8), "learning_rate": np.float32(0.5), "optimizer": "adam",
              "batch_norm": True}
    row = trial_row(_trial(np.float32(0.25), values, best_step=np.int64(3)),
                    {"seconds": 1.5, "worker": "tuner0", "attempts": 1})
    assert row == {"trial_id": "07", "status": "COMPLETED", "score": 0.25, "best_step": 3,
                   "seconds": 1.5, "worker": "tuner0", "attempts": 1,
                   "hyperparameters": {"units": 8, "learning_rate": 0.5, "optimizer": "adam",
                                       "batch_norm": True}}
    assert json.loads(json.dumps(row, allow_nan=False)) == row
    for bad in (float("nan"), float("inf"), None):
        assert trial_row(_trial(bad, {}))["score"] is None
    assert not math.isnan(trial_row(_trial(0.0, {}))["score"])


def test_fit_inputs_train_on_train_validate_on_val_and_refit_on_both(tmp_path):
    """The trials train on the training split only; the refit on train + validation."""
    import zoo
    from tests.zoo.data._files import write_digit_folder
    from tuning.hypermodels import HyperCNN
    from tuning.job import fit_inputs

    digits = zoo.data.load("digits", seed=0)
    hm = HyperCNN(digits.input_shape, 10)
    (x, y), kwargs = fit_inputs(hm, digits, "train")
    assert x is digits.x_train and y is digits.y_train
    assert kwargs["validation_data"][0] is digits.x_val
    (x, y), kwargs = fit_inputs(hm, digits, "train", "val", validation=None)
    assert len(x) == len(y) == len(digits.x_train) + len(digits.x_val) and kwargs == {}
    folder = zoo.data.load(write_digit_folder(tmp_path / "d", size=8, per_class=10))
    (stream, labels), kwargs = fit_inputs(hm, folder, "train")
    assert stream is folder.x_train and labels is None  # the zoo's hypermodel batches it
    assert kwargs["validation_data"] is folder.x_val
    (batches,), kwargs = fit_inputs(lambda hp: None, folder, "train", "val", validation=None)
    assert sum(len(b[1]) for b in batches) == folder.size("train") + folder.size("val")
    assert kwargs == {"shuffle": False}  # a tf.data pipeline that shuffles itself
