"""Mid-trial checkpoints (tuning.checkpoint): a killed trial continues where it stopped."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from tuning.checkpoint import EpochCheckpoint, EpochOrder, read_state

ROOT = Path(__file__).resolve().parents[2]


def test_epoch_order_depends_on_seed_and_epoch_only():
    x = np.arange(50, dtype="float32").reshape(25, 2)
    y = np.arange(25)
    first = EpochOrder(x, y, batch_size=8, seed=3, epoch=0)
    batches = [first[i] for i in range(len(first))]
    assert len(first) == 4 and [len(b[1]) for b in batches] == [8, 8, 8, 1]
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(25))  # each once
    first.on_epoch_end()
    later = EpochOrder(x, y, batch_size=8, seed=3, epoch=1)  # a fresh process at epoch 1
    np.testing.assert_array_equal(first.order(), later.order())
    assert not np.array_equal(first.order(), EpochOrder(x, y, batch_size=8, seed=3).order())
    np.testing.assert_array_equal(later[0][0], x[later.order()[:8]])  # x and y stay paired
    np.testing.assert_array_equal(later[0][1], y[later.order()[:8]])


def _model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.3, seed=2), keras.layers.Dense(1)])
    schedule = keras.optimizers.schedules.CosineDecay(0.05, decay_steps=40)
    model.compile(keras.optimizers.Adam(schedule), "mse")
    return model


def _callbacks():
    return [keras.callbacks.EarlyStopping("val_loss", patience=50, min_delta=10.0),
            keras.callbacks.ReduceLROnPlateau("loss", patience=50, min_delta=10.0)]


def test_checkpoint_restores_weights_optimizer_seeds_and_callbacks(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")

    def fit(model, callbacks, initial_epoch, epochs):
        return model.fit(EpochOrder(x, y, batch_size=16, seed=0, epoch=initial_epoch),
                         validation_data=(x, y), epochs=epochs, initial_epoch=initial_epoch,
                         callbacks=callbacks, shuffle=False, verbose=0)

    whole, whole_cbs = _model(), _callbacks()
    fit(whole, whole_cbs, 0, 6)

    first_cbs = _callbacks()
    fit(_model(), [*first_cbs, EpochCheckpoint(tmp_path, first_cbs)], 0, 3)
    saved = read_state(tmp_path)
    assert saved["epoch"] == 2 and len(saved["history"]) == 3
    assert sorted(os.listdir(tmp_path)) == ["epoch_0002.npz", "epoch_0002.weights.h5",
                                           "state.json"]  # earlier epochs' files removed
    assert saved["callbacks"]["0"]["state"]["wait"] == 2  # EarlyStopping's wait, not reset

    model, cbs = _model(), _callbacks()  # a fresh process: new model, callbacks reset
    fit(model, [*cbs, EpochCheckpoint(tmp_path, cbs, saved)], 3, 6)
    assert int(model.optimizer.iterations) == int(whole.optimizer.iterations) == 18
    for a, b in zip(model.weights, whole.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    for a, b in zip(cbs, whole_cbs, strict=True):
        assert (a.wait, a.best) == (b.wait, b.best) and a.wait == 5


def _run(directory, algorithm, *kill):
    cmd = [sys.executable, str(ROOT / "tests" / "tuning" / "_resume_job.py"), str(directory),
           algorithm, *kill]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _result(proc):
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["random", "hyperband"])
def test_a_job_killed_after_epoch_6_trains_epochs_7_to_10_only(tmp_path, algorithm):
    whole = _result(_run(tmp_path / "whole", algorithm))
    killed = _run(tmp_path / "killed", algorithm, "6")
    assert killed.returncode == -9  # SIGKILL, after the 6th epoch of the 10-epoch trial
    log = (tmp_path / "killed" / "epochs.log").read_text().split("\n")
    trial = log[-2].split()[0]
    resumed = _result(_run(tmp_path / "killed", algorithm, "6"))
    epochs = [int(e) for t, _, e in (line.split() for line in
              (tmp_path / "killed" / "epochs.log").read_text().splitlines()) if t == trial]
    first = 2 if algorithm == "hyperband" else 1  # Hyperband continues a 1-epoch trial
    assert epochs == list(range(first, 7)) + [7, 8, 9, 10]  # 7-10 once: none repeated
    assert resumed["scores"].keys() == whole["scores"].keys()
    for tid, score in whole["scores"].items():
        assert resumed["scores"][tid] == pytest.approx(score, abs=1e-6), tid
    for name, value in whole["test"].items():
        assert resumed["test"][name] == pytest.approx(value, abs=1e-6), name
    assert not (tmp_path / "killed" / "search" / f"trial_{trial}" / "resume").exists()


@pytest.mark.slow
@pytest.mark.tensorflow_only(reason="worker processes on the default backend")
def test_a_worker_taking_over_a_dead_workers_trial_continues_it(tmp_path):
    import zoo
    from tests.tuning._helpers import EpochDyingFNN
    from tests.tuning._resume_job import FIXED, RANGES
    from tuning import HyperFNN, run_search

    data = zoo.data.load("digits", seed=0)
    settings = dict(max_trials=2, max_epochs=10, patience=10, seed=0, verbose=0,
                    write_report=False)
    whole = run_search(HyperFNN(data.input_shape, data.num_classes, fixed=FIXED,
                                ranges=RANGES, seed=0), data, "random",
                       directory=tmp_path / "whole", **settings)
    log = tmp_path / "epochs.log"
    hm = EpochDyingFNN(data.input_shape, data.num_classes, fixed=FIXED, ranges=RANGES, seed=0,
                       log=str(log), marker=str(tmp_path / "died"))
    result = run_search(hm, data, "random", directory=tmp_path / "workers", workers=2,
                        **settings)
    assert (tmp_path / "died").exists()
    lines = [line.split() for line in log.read_text().splitlines()]
    died = [t for t, w, e in lines if w == "tuner1" and e == "6"][0]
    epochs = [(w, int(e)) for t, w, e in lines if t == died]
    # tuner1 trained epochs 1-6 and died; tuner0 took the trial over at epoch 7.
    assert epochs == [("tuner1", e) for e in range(1, 7)] + [("tuner0", e) for e in range(7, 11)]
    scores = {t["trial_id"]: t["score"] for t in whole.trials}
    assert {t["trial_id"]: pytest.approx(t["score"], abs=1e-6) for t in result.trials} == scores


@pytest.mark.slow
def test_a_cv_trial_killed_in_its_second_fold_keeps_the_first_and_continues(tmp_path):
    whole = _result(_run(tmp_path / "whole", "random", "0", "3", "1"))  # kills at no epoch
    assert _run(tmp_path / "killed", "random", "6", "3", "1").returncode == -9
    resumed = _result(_run(tmp_path / "killed", "random", "6", "3", "1"))
    log = [line.split() for line in (tmp_path / "killed" / "epochs.log").read_text().splitlines()]
    per_fold = {f: [int(e) for _, g, e in log if g == f] for f in ("fold0", "fold1", "fold2")}
    assert per_fold == {"fold0": list(range(1, 11)),  # finished before the kill: not again
                        "fold1": list(range(1, 11)),  # 1-6, killed, then 7-10
                        "fold2": list(range(1, 11))}
    killed_at = log.index(["0", "fold1", "6"])
    assert log[killed_at + 1] == ["0", "fold1", "7"]  # the resumed job's first epoch
    assert resumed["scores"]["0"] == pytest.approx(whole["scores"]["0"], abs=1e-6)
    assert resumed["test"]["accuracy"] == pytest.approx(whole["test"]["accuracy"], abs=1e-6)
