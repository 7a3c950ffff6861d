"""The job (JSON for workers, its tuner from the config), its lock and manifest, the trial clock."""

import json
import math
import os
from types import SimpleNamespace

import keras
import numpy as np
import pytest

import zoo
from tuning.config import SearchConfig
from tuning.hypermodels import HyperFNN
from tuning.job import (
    CLOCK_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    WORKER_DATA_FILE,
    Job,
    JobLock,
    JobLockedError,
    TrialClock,
    check_manifest,
    check_unlocked,
    config_from_spec,
    config_spec,
    data_spec,
    fingerprint,
    job_manifest,
    model_spec,
    trial_row,
)


def build(hp):
    """A tiny model over the flat digits (module level: a worker imports it by path)."""
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


def test_a_damaged_clock_file_starts_afresh_and_says_so(tmp_path, digits_flat):
    tuner = _job(tmp_path, digits_flat).make_tuner()
    (tmp_path / "search" / CLOCK_FILE).write_text('{"0": {"attem')
    clock = TrialClock(tuner.oracle, tuner.project_dir)
    assert clock.records == {}
    assert len(clock.warnings) == 1 and "is not valid JSON" in clock.warnings[0]
    assert (tmp_path / "search" / (CLOCK_FILE + ".damaged")).read_text() == '{"0": {"attem'
    (tmp_path / "search" / CLOCK_FILE).write_text('[1, 2]')  # JSON, but no records
    assert "does not hold trial records" in TrialClock(tuner.oracle,
                                                       tuner.project_dir).warnings[0]


def test_a_job_travels_to_workers_as_plain_json(tmp_path, digits_flat):
    import keras_tuner as kt

    job = _job(tmp_path, digits_flat, workers=2, objective=kt.Objective("val_accuracy", "max"),
               data_options={"representation": "flat"})
    job.data_spec = data_spec("digits", digits_flat, job.config, "flat")
    spec = json.loads(json.dumps(job.to_spec(str(tmp_path))))  # nothing but JSON
    assert spec["model"] == {"function": "tests.tuning.test_job:build"}
    assert spec["data"] == {"name": "digits", "options": {"representation": "flat"}, "seed": 0,
                            "input_kind": "flat"}
    again = Job.from_spec(spec)
    assert again.hypermodel is build and again.config == job.config
    np.testing.assert_array_equal(again.dataset.x_train, job.dataset.x_train)
    assert not list(tmp_path.glob("*.npz"))  # a named data set is loaded by name


def test_arrays_travel_as_an_npz_file_and_a_hypermodel_by_its_arguments(tmp_path, digits_flat):
    from tests.tuning._helpers import small_cnn

    digits = zoo.data.load("digits", seed=0)
    hm = small_cnn(digits, seed=3)
    job = Job(hm, digits, SearchConfig(algorithm="random", workers=2, directory=str(tmp_path)),
              data_spec=data_spec(digits, digits, SearchConfig(), "image"))
    spec = json.loads(json.dumps(job.to_spec(str(tmp_path))))
    assert spec["model"]["class"] == "tuning.hypermodels:HyperCNN"
    assert spec["data"]["file"] == str(tmp_path / WORKER_DATA_FILE)
    with np.load(spec["data"]["file"], allow_pickle=False) as arrays:  # no pickle needed
        np.testing.assert_array_equal(arrays["y_test"], digits.y_test)
    again = Job.from_spec(spec)
    assert type(again.hypermodel) is type(hm) and again.hypermodel.seed == 3
    assert again.hypermodel.fixed == hm.fixed and again.hypermodel.space == hm.space
    assert again.hypermodel.train_size == hm.train_size
    assert again.dataset.task == "multiclass" and again.dataset.num_classes == 10
    np.testing.assert_array_equal(again.dataset.x_val, digits.x_val)


def test_a_model_workers_cannot_import_is_refused(tmp_path):
    import keras_tuner as kt

    class Local(kt.HyperModel):
        def build(self, hp):
            raise AssertionError

    with pytest.raises(ValueError, match="inside a function"):
        model_spec(lambda hp: None)
    with pytest.raises(ValueError, match="has no get_config"):
        model_spec(kt.HyperModel())
    with pytest.raises(ValueError, match="not plain JSON values"):
        model_spec(HyperFNN((64,), 10, model_kwargs={"kernel_regularizer": object()}))
    assert model_spec(build) == ({"function": "tests.tuning.test_job:build"}, [])


def test_settings_travel_as_json_and_back(tmp_path):
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Fixed("units", 8)
    config = SearchConfig(algorithm="bayesian", objective=[kt.Objective("val_loss", "min"),
                                                           "val_accuracy"],
                          hyperparameters=hp, fixed={"dropout": 0.1}, drop=("schedule",),
                          ranges={"learning_rate": (1e-4, 1e-2)}, directory=str(tmp_path))
    again = config_from_spec(json.loads(json.dumps(config_spec(config))))
    assert again.objective[0].name == "val_loss" and again.objective[1] == "val_accuracy"
    assert again.hyperparameters.values == {"units": 8}
    assert (again.fixed, again.drop, again.ranges) == (
        {"dropout": 0.1}, ("schedule",), {"learning_rate": [1e-4, 1e-2]})


def test_the_lock_is_exclusive_and_says_who_holds_it(tmp_path):
    with JobLock(tmp_path / "job"):
        assert (tmp_path / "job" / LOCK_FILE).read_text().strip() == str(os.getpid())
        with pytest.raises(JobLockedError, match=f"in use by process {os.getpid()}"):
            JobLock(tmp_path / "job").acquire()  # another open file: flock refuses it
        with pytest.raises(JobLockedError, match="wait for it to finish, or give another --out"):
            check_unlocked(tmp_path / "job")
    check_unlocked(tmp_path / "job")  # released
    check_unlocked(tmp_path / "never_used")
    JobLock(tmp_path / "job").acquire().release()


def test_the_manifest_refuses_another_job_and_lets_more_trials_extend_it(tmp_path, digits_flat):
    project = tmp_path / "search"
    project.mkdir()
    job = _job(tmp_path, digits_flat)
    job.data_spec = data_spec("digits", digits_flat, job.config, "flat")
    manifest = job_manifest(job, build)
    assert check_manifest(project, manifest) == []
    assert json.loads((project / MANIFEST_FILE).read_text())["model"] == (
        "tests.tuning.test_job:build")
    assert check_manifest(project, manifest) == []  # the same job: resumed
    more = job_manifest(_job(tmp_path, digits_flat, max_trials=5), build) | {
        "data": manifest["data"]}
    assert check_manifest(project, more) == []
    assert json.loads((project / MANIFEST_FILE).read_text())["max_trials"] == 5
    other = job_manifest(_job(tmp_path, digits_flat, max_epochs=3, seed=1), build) | {
        "data": manifest["data"]}
    with pytest.raises(ValueError, match=r"holds another job \(seed 0 \(now 1\), max_epochs 1 "
                                         r"\(now 3\)\); .* --overwrite"):
        check_manifest(project, other)
    arrays = dict(more, data=data_spec(digits_flat, digits_flat, job.config, None))
    with pytest.raises(ValueError, match=r"holds another job \(data.fingerprint None \(now '"):
        check_manifest(project, arrays)


def test_a_damaged_manifest_is_named(tmp_path, digits_flat):
    (tmp_path / MANIFEST_FILE).write_text("{")
    with pytest.raises(ValueError, match=f"job manifest {tmp_path / MANIFEST_FILE} is not valid "
                                         "JSON.*--overwrite"):
        check_manifest(tmp_path, job_manifest(_job(tmp_path, digits_flat), build))


def test_the_fingerprint_tells_the_arrays_apart(digits_flat):
    same = zoo.data.load("digits", representation="flat", seed=0)
    other = zoo.data.load("digits", representation="flat", seed=1)
    assert fingerprint(same) == fingerprint(digits_flat) != fingerprint(other)


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
