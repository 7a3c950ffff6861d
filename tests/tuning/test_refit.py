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


def test_hyperband_refits_afresh_and_loads_checkpoints_without_a_warning(tmp_path, digits_flat,
                                                                         monkeypatch):
    import warnings

    from tuning import HyperFNN, make_tuner

    data = digits_flat
    hm = HyperFNN(data.input_shape, data.num_classes, seed=0, train_size=len(data.x_train),
                  fixed={"hidden_layers": 1, "units": 32, "batch_size": 128, "dropout": 0.3,
                         "optimizer": "adam", "schedule": "cosine"})
    config = SearchConfig(algorithm="hyperband", max_epochs=4, factor=2, max_trials=7, seed=0,
                          objective="val_accuracy", directory=str(tmp_path))
    job = Job(hm, data, config)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for reuse_models in (True, False):  # the zoo's continuation, keras-tuner's rebuild
            tuner = make_tuner("hyperband", hm, objective="val_accuracy", max_epochs=4,
                               factor=2, max_trials=7, reuse_models=reuse_models, seed=0,
                               directory=tmp_path, project_name=f"hb_{reuse_models}")
            tuner.search(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                         epochs=4, verbose=0)
        # A trial that continued a parent: its refit must not start from the parent.
        best = next(t for t in tuner.oracle.trials.values()
                    if _compat.PARENT_TRIAL in t.hyperparameters.values)
        parent = _compat.build_fresh_model(tuner, best.hyperparameters)
        _compat.load_checkpoint(tuner, parent, best.hyperparameters.values[
            _compat.PARENT_TRIAL], optimizer=False)
        fresh = _compat.build_fresh_model(tuner, best.hyperparameters)
        starts = []
        fit = hm.fit
        monkeypatch.setattr(hm, "fit", lambda hp, model, *a, **k: starts.append(
            [w.numpy() for w in model.weights]) or fit(hp, model, *a, **k))
        _, info = final_model(tuner, best, job)
        assert info["mode"] == "train+val" and len(starts) == 1
        for start, new in zip(starts[0], fresh.weights, strict=True):
            np.testing.assert_array_equal(start, new.numpy())  # a fresh, seeded build
        assert any(not np.array_equal(s, p.numpy()) for s, p in zip(starts[0], parent.weights,
                                                                   strict=True))
        import dataclasses

        checkpoint, _ = final_model(tuner, best, dataclasses.replace(
            job, config=dataclasses.replace(config, refit=False)))
        assert checkpoint.optimizer.iterations.numpy() > 0  # its optimizer state came back too
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert not messages, messages
