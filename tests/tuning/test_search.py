"""run_search: real searches on the embedded digits, reports, resume, bad input, TensorBoard."""

import json
import os

import keras
import numpy as np
import pytest

import zoo
from tests.tuning._helpers import small_cnn
from tuning import hyperband_budget, run_search


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", seed=0)


@pytest.mark.parametrize("algorithm, budget", [
    ("random", {"max_trials": 3, "max_epochs": 4}),
    ("bayesian", {"max_trials": 3, "max_epochs": 4}),
    ("hyperband", {"max_epochs": 3, "max_trials": 4}),
    ("grid", {"max_trials": 3, "max_epochs": 4}),
])
def test_each_algorithm_runs_a_real_cnn_search_on_digits(tmp_path, digits, algorithm, budget):
    hm = small_cnn(digits, seed=0)
    rows = []
    result = run_search(hm, digits, algorithm, directory=tmp_path, seed=0,
                        objective="val_accuracy", progress=rows.append, **budget)
    expected = 4 if algorithm == "hyperband" else 3  # hyperband: capped by max_trials
    assert len(result.trials) == expected == len(rows)
    assert all(t["status"] == "COMPLETED" and t["seconds"] > 0 for t in result.trials)
    # The best model learnt: far above the 10% chance level on held-out digits.
    assert result.test_metrics["accuracy"] > 0.6
    assert rows[-1]["best"] == pytest.approx(max(t["score"] for t in result.trials))
    assert set(result.best_hyperparameters) >= {"filters", "learning_rate", "optimizer"}


def test_report_files_and_best_model_round_trip(tmp_path, digits):
    result = run_search(small_cnn(digits, seed=1), digits, "random", max_trials=2, max_epochs=3,
                        directory=tmp_path, seed=1)
    for name in ("report.json", "trials.csv", "best_model.keras", "objective_by_trial.png",
                 "objective_vs_hparams.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["algorithm"] == "random" and report["num_trials"] == 2
    assert report["best_hyperparameters"] == result.best_hyperparameters
    backend = keras.backend.backend()
    assert {"keras", backend, "keras_tuner"} <= set(report["versions"])
    assert report["versions"]["backend"] == backend
    # TensorFlow's default strategy; one device, no keras.distribution, elsewhere.
    assert report["strategy"].startswith(
        "_DefaultDistributionStrategy" if backend == "tensorflow" else "default")
    assert all(t["seconds"] > 0 for t in report["trials"])
    lines = (tmp_path / "trials.csv").read_text().splitlines()
    assert len(lines) == 3 and "learning_rate" in lines[0]
    reloaded = keras.saving.load_model(tmp_path / "best_model.keras", safe_mode=True)
    np.testing.assert_allclose(reloaded.predict(digits.x_test[:16], verbose=0),
                               result.best_model.predict(digits.x_test[:16], verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_refit_trains_the_best_hyperparameters_on_train_plus_val(tmp_path, digits):
    kwargs = dict(directory=tmp_path, seed=0, max_trials=2, max_epochs=4)
    result = run_search(small_cnn(digits, seed=0), digits, "random", **kwargs)
    best = result.top(1)[0]
    n = len(digits.x_train) + len(digits.x_val)
    assert result.refit["mode"] == "train+val" and result.refit["samples"] == n
    assert result.refit["epochs"] == best["best_step"] + 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["refit"]["mode"] == "train+val" and report["refit"]["epochs"] >= 1
    assert result.test_metrics["accuracy"] > 0.6  # a real model, not a fresh one
    # refit=False (same job resumed: no new trial) is the best trial's own checkpoint,
    # a different model; refit="train" retrains on the training split only.
    own = run_search(small_cnn(digits, seed=0), digits, "random", refit=False,
                     write_report=False, **kwargs)
    assert own.refit["mode"] is False
    checkpoint = own.tuner.load_model(own.tuner.oracle.get_best_trials(1)[0])
    x = digits.x_test[:32]
    np.testing.assert_allclose(own.best_model.predict(x, verbose=0),
                               checkpoint.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(result.best_model.predict(x, verbose=0),
                           own.best_model.predict(x, verbose=0), atol=1e-4)
    # Same seed, same refit: reproducible on CPU.
    again = run_search(small_cnn(digits, seed=0), digits, "random", write_report=False, **kwargs)
    np.testing.assert_allclose(again.best_model.predict(x, verbose=0),
                               result.best_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    retrained = run_search(small_cnn(digits, seed=0), digits, "random", refit="train",
                           write_report=False, **kwargs)
    assert retrained.refit == {"mode": "train", "samples": len(digits.x_train),
                               "seconds": pytest.approx(retrained.refit["seconds"])}
    assert retrained.test_metrics["accuracy"] > 0.6


def test_rerun_resumes_and_overwrite_restarts(tmp_path, digits):
    kwargs = dict(directory=tmp_path, seed=0, max_epochs=2, write_report=False)
    first = run_search(small_cnn(digits, seed=0), digits, "random", max_trials=2, **kwargs)
    rows = []
    more = run_search(small_cnn(digits, seed=0), digits, "random", max_trials=3,
                      progress=rows.append, **kwargs)
    assert [r["trial_id"] for r in rows] == ["2"]  # only the new trial ran
    assert [t["hyperparameters"] for t in more.trials[:2]] == [
        t["hyperparameters"] for t in first.trials]
    again = []
    run_search(small_cnn(digits, seed=0), digits, "random", max_trials=3, progress=again.append,
               **kwargs)
    assert again == []
    fresh = []
    run_search(small_cnn(digits, seed=0), digits, "random", max_trials=1, overwrite=True,
               progress=fresh.append, **kwargs)
    assert len(fresh) == 1


@pytest.mark.parametrize("kwargs, error, match", [
    ({"model": "transformer"}, ValueError, "unknown model 'transformer'"),
    ({"model": "dcgan_like", "data": "digits"}, ValueError, "unknown model"),
    ({"algorithm": "anneal"}, ValueError, "unknown algorithm='anneal'"),
    ({"max_trials": 0}, ValueError, "`max_trials` must be an int >= 1, received max_trials=0"),
    ({"data": "digitz"}, ValueError, "unknown data set 'digitz'.*Did you mean 'digits'"),
    ({"objective": "val_auc"}, ValueError, "does not report objective 'val_auc'; it reports.*"
                                           "val_accuracy"),
    ({"fixed": {"dropout": 1.5}}, ValueError, r"the model does not accept fixed\['dropout'\]=1.5"),
    ({"role": "worker"}, ValueError, "needs oracle='HOST:PORT'"),
    ({"refit": "all"}, ValueError, "`refit` must be one of 'train\\+val', 'train' or False, "
                                   "received refit='all'"),
])
def test_bad_input_is_refused_with_a_clear_message(tmp_path, kwargs, error, match):
    args = {"model": "cnn", "data": "digits", "algorithm": "random", "max_trials": 1,
            "directory": tmp_path}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        run_search(args.pop("model"), args.pop("data"), args.pop("algorithm"), **args)
    assert not (tmp_path / "search").exists()  # refused before any trial


def test_unreachable_oracle_fails_within_seconds(tmp_path):
    import time

    start = time.time()
    with pytest.raises(ValueError, match="no tuning chief answered at 127.0.0.1:9"):
        run_search("cnn", "digits", "random", max_trials=1, role="worker",
                   oracle="127.0.0.1:9", directory=tmp_path)
    assert time.time() - start < 15


def test_plain_arrays_and_build_function(tmp_path, digits):
    def build(hp):
        model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(hp.Choice("units", [16, 32]),
                                                     activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    d = digits
    result = run_search(build, (d.x_train, d.y_train, d.x_val, d.y_val, d.x_test, d.y_test),
                        "grid", max_epochs=3, directory=tmp_path, objective="val_accuracy")
    assert sorted(t["hyperparameters"]["units"] for t in result.trials) == [16, 32]
    assert result.test_metrics["accuracy"] > 0.5


def _tensorboard_search(tmp_path, digits, trials):
    logdir = tmp_path / "tb"
    run_search(small_cnn(digits, seed=0), digits, "random", max_trials=trials, max_epochs=2,
               directory=tmp_path / "job", tensorboard=logdir, write_report=False)
    files = [os.path.join(r, f) for r, _, fs in os.walk(logdir) for f in fs]
    assert any("events" in f for f in files)
    return files, b"".join(open(f, "rb").read() for f in files)


@pytest.mark.tensorflow_only(reason="keras-tuner writes its HParams dashboard on TensorFlow only")
def test_tensorboard_logs_carry_the_hparams_dashboard(tmp_path, digits):
    _, blob = _tensorboard_search(tmp_path, digits, 1)
    assert b"hparams" in blob  # the HParams plugin's summaries


def test_tensorboard_logs_hold_each_trials_epoch_metrics(tmp_path, digits):
    files, blob = _tensorboard_search(tmp_path, digits, 2)
    assert b"epoch_loss" in blob and b"epoch_accuracy" in blob
    runs = {os.path.dirname(os.path.dirname(f)) for f in files
            if "events" in f and os.path.basename(os.path.dirname(f)) == "validation"}
    assert len(runs) == 2  # one run folder (with its validation curve) per trial


def test_hyperband_budget_matches_keras_tuner_brackets():
    # 27 epochs, factor 3: brackets of 27+9+3+1, 12+4+2, 6+2, 4 trials.
    assert hyperband_budget(27, 3) == 70
    assert hyperband_budget(3, 3) == 6 and hyperband_budget(3, 3, iterations=2) == 12
