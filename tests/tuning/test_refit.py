"""The final model: refit on train+val, retrain on train, the best checkpoint, the best epochs."""

import os
from types import SimpleNamespace

import numpy as np
import pytest

import zoo
from tests.tuning.test_job import build
from tuning import _compat
from tuning.config import SearchConfig
from tuning.job import Job
from tuning.refit import best_epochs, final_model


@pytest.fixture(scope="module")
def digits_flat():
    return zoo.data.load("digits", representation="flat", seed=0)


@pytest.fixture(scope="module")
def searched(tmp_path_factory, digits_flat):
    """A finished 2-trial random search and its best trial."""
    config = SearchConfig(algorithm="random", max_trials=2, max_epochs=3, seed=0,
                          objective="val_accuracy",
                          directory=str(tmp_path_factory.mktemp("refit")))
    job = Job(build, digits_flat, config)
    tuner = job.make_tuner()
    job.search(tuner)
    return job, tuner, tuner.oracle.get_best_trials(1)[0]


def _best(values, best_step):
    return SimpleNamespace(hyperparameters=SimpleNamespace(values=values), best_step=best_step)


def test_best_epochs_count_a_continued_trials_inherited_epochs():
    job = SimpleNamespace(config=SearchConfig(algorithm="random", max_epochs=7))
    assert best_epochs(_best({}, 2), job) == 3  # best_step counts from 0
    assert best_epochs(_best({"tuner/initial_epoch": 4, "tuner/epochs": 9}, 2), job) == 7
    assert best_epochs(_best({"tuner/epochs": 9}, None), job) == 9
    assert best_epochs(_best({}, None), job) == 7  # the search's epochs per trial


def test_refit_trains_on_train_and_val_for_the_best_epochs(searched):
    job, tuner, best = searched
    model, info = final_model(tuner, best, job)
    data = job.dataset
    assert info["mode"] == "train+val" and info["epochs"] == best.best_step + 1
    assert info["samples"] == len(data.x_train) + len(data.x_val) and info["seconds"] > 0
    assert model.optimizer.iterations.numpy() > 0
    assert model.evaluate(data.x_test, data.y_test, verbose=0, return_dict=True)[
        "accuracy"] > 0.3  # trained: far above chance (0.1)


def test_no_refit_is_the_best_checkpoint_and_retrains_when_it_is_missing(searched, caplog):
    import dataclasses

    job, tuner, best = searched
    job = dataclasses.replace(job, config=dataclasses.replace(job.config, refit=False))
    model, info = final_model(tuner, best, job)
    assert info["mode"] is False
    x = job.dataset.x_test[:16]
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               tuner.load_model(best).predict(x, verbose=0), rtol=1e-5)
    checkpoint = _compat.checkpoint_path(tuner, best.trial_id)
    os.rename(checkpoint, checkpoint + ".away")  # as on a chief whose worker trained it
    try:
        with caplog.at_level("INFO", logger="tuning.refit"):
            retrained, _ = final_model(tuner, best, job)
    finally:
        os.rename(checkpoint + ".away", checkpoint)
    assert "not on this machine: retraining it" in caplog.text
    assert retrained is not model and retrained.optimizer.iterations.numpy() > 0


def test_retrain_on_train_stops_early_on_validation(searched):
    import dataclasses

    job, tuner, best = searched
    job = dataclasses.replace(job, config=dataclasses.replace(job.config, refit="train"))
    model, info = final_model(tuner, best, job)
    assert info["mode"] == "train" and info["samples"] == len(job.dataset.x_train)
    assert model.optimizer.iterations.numpy() > 0
