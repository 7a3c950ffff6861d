"""Issue 15's eight numbered cases, each reproduced the way it was found, now refused or handled.

1. NaN in the data trained and saved a broken model (exit 0).
2. A search whose every trial failed "succeeded" (refit, best_model.keras, exit 0), and
   ``--range learning_rate=1e-4:Infinity`` made ``inf`` the best and NaN in report.json.
3. ``--factor 1`` crashed with ZeroDivisionError, ``--factor -2`` with a math domain error.
4. An unwritable ``--out`` (or a file) failed only after training, with a traceback.
5. Damaged job directories gave tracebacks or messages that did not name the file.
6. Two ``zoo tune`` on one ``--out`` corrupted the job.
7. Resuming with another model or budget was accepted.
8. ``--workers`` imported a ``pickle.py`` from the current directory and unpickled a job file.

The smaller cases of the issue are rows of tests/test_cli_errors.py; the damaged-directory
fuzz test is in tests/tuning/test_jobfiles.py.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from types import SimpleNamespace

import keras
import keras_tuner as kt
import numpy as np
import pytest

import zoo
from tests.tuning.test_jobfiles import ARGV as TINY_ARGV
from tuning import run_search
from zoo.cli import main
from zoo.errors import JobFailedError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(argv, capfd):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capfd.readouterr()
    return code, out, [line for line in err.splitlines() if line.strip()]


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if anything trains."""
    def fit(*args, **kwargs):
        raise AssertionError("a model was trained before the refusal")

    monkeypatch.setattr(keras.Model, "fit", fit)


def _digits_arrays():
    ds = zoo.data.load("digits", representation="flat", seed=0)
    return [ds.x_train.copy(), ds.y_train, ds.x_val, ds.y_val, ds.x_test, ds.y_test]


# ------------------------------------------------------------------------------ case 1

def test_case1_nan_in_the_data_is_refused_before_training(tmp_path, no_training):
    arrays = _digits_arrays()
    arrays[0][3, 5] = np.nan
    with pytest.raises(ValueError, match=r"train: `x_train` holds 1 non-finite value \(NaN or "
                                         r"infinity\), the first at index \[3, 5\]"):
        zoo.train("fnn", tuple(arrays), epochs=2, verbose=0, out_dir=tmp_path / "run")
    with pytest.raises(ValueError, match=r"run_search: `x_train` holds 1 non-finite value"):
        run_search("fnn", tuple(arrays), "random", max_trials=2, directory=tmp_path / "tune")
    assert not (tmp_path / "run").exists() and not (tmp_path / "tune").exists()


def test_case1_a_diverged_model_is_never_saved(tmp_path):
    with pytest.raises(JobFailedError, match=r"training diverged: the model's weights hold "
                                             r"\d+ NaN or infinite values .* not saved") as info:
        zoo.train("fnn", "regression", epochs=3, optimizer="sgd", learning_rate=1e12,
                  patience=None, verbose=0, out_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()
    assert not np.isfinite(info.value.result.history["loss"][-1])  # what happened, kept


def test_case1_from_the_command_line_a_diverged_training_exits_1(tmp_path, capfd):
    code, out, err = _cli(["-q", "train", "fnn", "--data", "regression", "--optimizer", "sgd",
                           "--learning-rate", "1e12", "--epochs", "2", "--patience", "0",
                           "--out", str(tmp_path / "run")], capfd)
    assert code == 1 and len(err) == 1 and err[0].startswith("zoo: error: train: training "
                                                             "diverged")
    assert not (tmp_path / "run" / "model.keras").exists()


def _poison(model):
    """Set the first float weight of ``model`` to NaN (a training that diverged)."""
    variable = next(v for v in model.weights if "float" in str(v.dtype))
    variable.assign(np.full(variable.shape, np.nan, dtype="float32"))


def test_case1_a_search_whose_final_model_diverged_saves_no_model(tmp_path, monkeypatch):
    import tuning.refit

    final_model = tuning.refit.final_model

    def diverged(tuner, best, job):
        model, info = final_model(tuner, best, job)
        _poison(model)
        return model, info

    monkeypatch.setattr(tuning.refit, "final_model", diverged)
    with pytest.raises(JobFailedError, match=r"run_search: training diverged: the best model's "
                                             r"weights hold \d+ NaN") as info:
        run_search("fnn", "digits", "random", max_trials=1, max_epochs=1, directory=tmp_path,
                   fixed={"hidden_layers": 1, "units": 32}, data_options={
                       "representation": "flat"})
    assert not (tmp_path / "best_model.keras").exists()
    report = json.loads((tmp_path / "report.json").read_text())  # strict JSON
    assert report["status"] == "failed" and "diverged" in report["error"]
    assert info.value.result.best_model is None


def test_case1_a_diverged_dcgan_is_neither_judged_nor_saved(tmp_path, monkeypatch):
    import zoo.gan.job

    build = zoo.gan.job.build_dcgan

    def diverging(*args, **kwargs):
        gan = build(*args, **kwargs)
        fit = gan.fit

        def fit_then_diverge(*a, **k):
            history = fit(*a, **k)
            _poison(gan.generator)
            return history

        gan.fit = fit_then_diverge
        return gan

    monkeypatch.setattr(zoo.gan.job, "build_dcgan", diverging)
    with pytest.raises(JobFailedError, match=r"generate: training diverged: the DCGAN's weights"):
        zoo.generate("digits", out=tmp_path / "gan", epochs=1, max_seconds=5, samples=16,
                     verbose=0)
    assert not (tmp_path / "gan" / "dcgan.keras").exists()
    assert not (tmp_path / "gan" / "quality.json").exists()


# ------------------------------------------------------------------------------ case 2

def test_case2_a_search_whose_every_trial_failed_exits_1_and_says_so(tmp_path, capfd):
    out = tmp_path / "tune"
    (out).mkdir()
    (out / "best_model.keras").write_text("an earlier run's model")  # must not survive
    code, stdout, err = _cli(["tune", "fnn", "--algorithm", "random", "--max-trials", "2",
                              "--max-epochs", "2", "--fixed", "optimizer=sgd", "--range",
                              "learning_rate=1e6:1e7", "--drop", "schedule",
                              "--out", str(out)], capfd)
    assert code == 1, err
    # TensorFlow's NaN check fails both trials; on JAX/PyTorch a trial may end with a NaN
    # score instead ("1 failed and 1 scored no finite val_loss"): either way none counts.
    assert re.match(r"zoo: error: run_search: no trial completed with a finite score "
                    r"\((2 failed|1 failed and 1 scored no finite val_loss|2 scored no finite "
                    r"val_loss)\)", err[-1]), err[-1]
    assert "best hyperparameters" not in stdout and "test metrics" not in stdout
    report = json.loads((out / "report.json").read_text())  # strict JSON
    assert report["status"] == "failed" and "no trial completed" in report["error"]
    assert report["best_hyperparameters"] is None and report["test_metrics"] == {}
    assert len(report["trials"]) == 2 and all(
        t["status"] == "FAILED" or t.get("score") is None for t in report["trials"])
    assert not (out / "best_model.keras").exists()


class FailingFit(kt.HyperModel):
    """Builds a small model, then fails in every trial's fit."""

    def build(self, hp):
        model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(hp.Choice("units", [4, 8, 16, 32])),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        return model

    def fit(self, hp, model, *args, **kwargs):
        raise ValueError("this model cannot be trained")


def test_case2_keras_tuners_stop_after_consecutive_failures_is_a_failed_search(tmp_path):
    with pytest.raises(JobFailedError, match="the search stopped: Number of consecutive "
                                             "failures .* this model cannot be trained") as info:
        run_search(FailingFit(), "digits", "random", max_trials=5, directory=tmp_path,
                   tuner_kwargs={"max_consecutive_failed_trials": 3})
    assert json.loads((tmp_path / "report.json").read_text())["status"] == "failed"
    assert info.value.result.best_model is None


def test_case2_infinite_ranges_are_refused_and_never_the_best(tmp_path, capfd, no_training):
    code, _, err = _cli(["tune", "fnn", "--range", "learning_rate=1e-4:Infinity",
                         "--out", str(tmp_path / "t")], capfd)
    assert code == 2 and "LOW:HIGH must be two finite numbers" in err[-1]
    with pytest.raises(ValueError, match=r"every value of `ranges` must be finite, received "
                                         r"ranges\['learning_rate'\]=\(0.0001, inf\)"):
        run_search("fnn", "digits", ranges={"learning_rate": (1e-4, float("inf"))},
                   directory=tmp_path / "t")
    from tuning.job import best_trial

    def trial(score, status="COMPLETED"):
        return SimpleNamespace(score=score, status=status)

    oracle = SimpleNamespace(objective=SimpleNamespace(direction="min"), trials={
        "0": trial(float("nan")), "1": trial(float("-inf")), "2": trial(0.7),
        "3": trial(0.5), "4": trial(0.1, "FAILED")})
    assert best_trial(oracle).score == 0.5
    oracle.trials = {"0": trial(float("nan")), "1": trial(None, "FAILED")}
    assert best_trial(oracle) is None


# ------------------------------------------------------------------------------ case 3

@pytest.mark.parametrize("factor", ["1", "-2"])
def test_case3_a_bad_hyperband_factor_is_one_line(factor, tmp_path, capfd, no_training):
    code, _, err = _cli(["tune", "cnn", "--factor", factor, "--out", str(tmp_path / "t")], capfd)
    assert code == 2 and len(err) == 1
    assert err[0] == f"zoo: error: run_search: `factor` must be an int >= 2, received factor={factor}"
    from tuning import hyperband_budget

    with pytest.raises(ValueError, match="`factor` must be an int >= 2"):
        hyperband_budget(27, int(factor))


# ------------------------------------------------------------------------------ case 4

@pytest.mark.parametrize("command", [
    ["train", "fnn"], ["tune", "fnn", "--max-trials", "1"], ["generate", "--epochs", "1"],
    ["compare", "fnn", "--vary", "activation=relu"]])
@pytest.mark.parametrize("where", ["read-only", "a file"])
def test_case4_an_unwritable_out_is_refused_before_training(command, where, tmp_path, capfd,
                                                            no_training):
    if where == "read-only":
        if not sys.platform.startswith("linux"):
            pytest.skip("needs a read-only /sys")
        out = "/sys/zoo_test_out"
    else:
        out = tmp_path / "model.keras"
        out.write_text("not a directory")
        out = str(out)
    code, _, err = _cli([*command, "--out", out], capfd)
    assert code == 2 and len(err) == 1
    assert ("not a writable directory" in err[0]) if where == "read-only" else (
        "is a file, not a directory" in err[0])
    assert repr(out) in err[0]


# ------------------------------------------------------------------------------ case 5

@pytest.fixture(scope="module")
def tiny_job(tmp_path_factory):
    out = tmp_path_factory.mktemp("case5") / "job"
    assert main([*TINY_ARGV, "--out", str(out)]) == 0
    return out


def _resume(job, capfd):
    return _cli([*TINY_ARGV, "--out", str(job)], capfd)


def test_case5_damaged_job_directories_are_explained_or_repaired(tiny_job, tmp_path, capfd):
    def fresh():
        job = tmp_path / f"job{len(list(tmp_path.iterdir()))}"
        shutil.copytree(tiny_job, job)
        return job, job / "search"

    job, project = fresh()  # oracle.json deleted: was NotFoundError
    (project / "oracle.json").unlink()
    code, _, err = _resume(job, capfd)
    assert code == 2 and len(err) == 1 and str(project / "oracle.json") in err[0]
    assert "--overwrite" in err[0]

    job, project = fresh()  # one trial folder deleted: was KeyError: '2'
    shutil.rmtree(project / "trial_2")
    code, out, err = _resume(job, capfd)
    assert code == 0 and "[trial" not in out
    assert (project / "trial_2" / "trial.json").exists()

    job, project = fresh()  # a truncated best checkpoint with --refit none: was an h5py OSError
    for checkpoint in project.glob("trial_*/checkpoint.weights.h5"):
        checkpoint.write_bytes(checkpoint.read_bytes()[:64])
    code, out, err = _resume(job, capfd)
    assert code == 0 and (job / "best_model.keras").exists()

    for name in ("trial_1/trial.json", "oracle.json"):  # truncated: the message names the file
        job, project = fresh()
        text = (project / name).read_text()
        (project / name).write_text(text[:len(text) // 2])
        (project / "zoo_trials.json").unlink()  # no copy to restore the trial from
        code, _, err = _resume(job, capfd)
        assert code == 2 and len(err) == 1 and str(project / name) in err[0], err

    job, project = fresh()  # garbage zoo_trials.json: was silently ignored
    (project / "zoo_trials.json").write_text("garbage")
    code, _, err = _resume(job, capfd)
    assert code == 0
    warnings = json.loads((job / "report.json").read_text())["warnings"]
    assert any("zoo_trials.json" in w and "not valid JSON" in w for w in warnings)


# ------------------------------------------------------------------------------ case 6

def _env():
    return {**os.environ, "PYTHONPATH": ROOT}


@pytest.mark.slow
def test_case6_a_second_tune_on_a_busy_directory_exits_2_at_once(tmp_path):
    from tuning.job import JobLockedError, check_unlocked

    out = tmp_path / "job"
    argv = [sys.executable, "-m", "zoo.cli", "tune", "cnn", "--data", "digits", "--algorithm",
            "random", "--max-trials", "4", "--max-epochs", "2", "--fixed", "conv_blocks=1",
            "--range", "filters=8", "--drop", "batch_size", "--out", str(out)]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_env(), cwd=tmp_path)
    deadline = time.time() + 120
    while True:  # until the first process holds the job directory
        assert first.poll() is None, first.communicate()
        try:
            check_unlocked(out)
        except JobLockedError:
            break
        assert time.time() < deadline, "the first process never locked the directory"
        time.sleep(0.1)
    start = time.time()
    second = subprocess.run(argv, capture_output=True, text=True, env=_env(), cwd=tmp_path,
                            timeout=60)
    took = time.time() - start
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert second.returncode == 2 and len(lines) == 1, second.stderr
    assert f"is in use by process {first.pid}" in lines[0]
    assert took < 2.0, f"the second process took {took:.2f} s"
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "completed" and report["num_trials"] == 4
    assert sorted(p.name for p in (out / "search").glob("trial_*")) == [
        f"trial_{i}" for i in range(4)]
    for row in report["trials"]:  # the report holds the trials on disk
        saved = json.loads((out / "search" / f"trial_{row['trial_id']}" / "trial.json").read_text())
        assert saved["score"] == pytest.approx(row["score"])
    printed = stdout.split("test metrics of the final model: accuracy=")[1].split(",")[0]
    assert float(printed) == pytest.approx(report["test_metrics"]["accuracy"], abs=1e-4)
    # The lock went with the process: the job resumes at once (nothing left to run).
    again = subprocess.run(argv, capture_output=True, text=True, env=_env(), cwd=tmp_path,
                           timeout=300)
    assert again.returncode == 0 and "[trial" not in again.stdout, again.stderr


def test_case6_the_lock_names_its_holder_and_goes_with_its_process(tmp_path):
    from tuning.job import JobLock, JobLockedError, check_unlocked

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
         "from tuning.job import JobLock; JobLock(sys.argv[2]).acquire(); print('held', "
         "flush=True); time.sleep(60)", ROOT, str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(JobLockedError, match=f"in use by process {holder.pid}"):
        JobLock(tmp_path).acquire()
    with pytest.raises(JobLockedError, match=f"in use by process {holder.pid}"):
        check_unlocked(tmp_path)
    holder.kill()  # SIGKILL: the OS drops the lock
    holder.wait()
    with JobLock(tmp_path):
        assert (tmp_path / "job.lock").read_text().strip() == str(os.getpid())
    check_unlocked(tmp_path)


# ------------------------------------------------------------------------------ case 7

def test_case7_resuming_with_another_model_or_budget_is_refused(tmp_path, capfd):
    out = str(tmp_path / "job")
    base = ["-q", "tune", "fnn", "--data", "digits", "--algorithm", "random", "--max-trials",
            "2", "--max-epochs", "1", "--out", out]
    assert _cli(base, capfd)[0] == 0
    before = (tmp_path / "job" / "report.json").read_text()
    code, _, err = _cli([*base[:2], "cnn", *base[3:]], capfd)
    assert code == 2 and len(err) == 1
    assert "holds another job (model 'fnn' (now 'cnn')" in err[0] and "--overwrite" in err[0]
    code, _, err = _cli([*base[:-2], "--max-epochs", "3", "--out", out], capfd)
    assert code == 2 and "max_epochs 1 (now 3)" in err[0]
    code, _, err = _cli([*base[:-2], "--fixed", "dropout=0.3", "--out", out], capfd)
    assert code == 2 and "fixed.dropout None (now 0.3)" in err[0]
    assert (tmp_path / "job" / "report.json").read_text() == before  # the job is untouched
    code, out_text, err = _cli([*base[:2], "cnn", "--data", "digits", "--algorithm", "random",
                                "--max-trials", "1", "--max-epochs", "1", "--fixed",
                                "conv_blocks=1", "--overwrite", "--out", out], capfd)
    assert code == 0, err
    report = json.loads((tmp_path / "job" / "report.json").read_text())
    assert report["model"] == "cnn" and report["num_trials"] == 1
    assert "conv_blocks" in report["best_hyperparameters"]


# ------------------------------------------------------------------------------ case 8

MARKER_MODULE = '''import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "EXECUTED_" + __name__), "w").close()
'''

USER_MODELS = '''import keras


def build(hp):
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(hp.Choice("units", [4, 8])),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''


@pytest.mark.slow
def test_case8_workers_never_import_from_the_current_directory(tmp_path):
    cwd = tmp_path / "project"
    cwd.mkdir()
    for name in ("pickle", "copyreg", "json", "keras_tuner"):  # shadows of what workers import
        (cwd / f"{name}.py").write_text(MARKER_MODULE)
    (cwd / "mymodels.py").write_text(USER_MODELS)
    out = cwd / "runs" / "job"
    (out / "search").mkdir(parents=True)
    import pickle

    class Exploit:
        def __reduce__(self):
            return (open, (str(cwd / "EXECUTED_job_pkl"), "w"))

    (out / "search" / "job.pkl").write_bytes(pickle.dumps(Exploit()))
    # The zoo console script (no current directory on the path), run from the project.
    script = ("import sys; sys.path.append(sys.argv[1]); import mymodels, zoo; "
              "from tuning import run_search; "
              "r = run_search(mymodels.build, 'digits', 'random', max_trials=2, max_epochs=1, "
              "objective='val_accuracy', workers=2, directory=sys.argv[2], seed=0, "
              "data_options={'representation': 'flat'}); "
              "print('TRIALS', len(r.trials), sorted(r.report['trials_per_worker']))")
    proc = subprocess.run([sys.executable, "-P", "-c", script, str(cwd), str(out)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "TRIALS 2" in proc.stdout
    assert sorted(p.name for p in cwd.glob("EXECUTED_*")) == []  # nothing of ours imported
    spec = json.loads((out / "search" / "worker_job.json").read_text())  # plain JSON
    assert spec["model"] == {"function": "mymodels:build"}
    assert spec["module_paths"] == [str(cwd)]
    assert spec["data"]["name"] == "digits" and spec["config"]["workers"] == 2
    # The zoo command line, too: a pickle.py in the directory it runs from stays unread.
    proc = subprocess.run(
        [sys.executable, "-P", "-c", "import sys; from zoo.cli import main; sys.exit(main())",
         "tune", "fnn", "--algorithm", "random", "--max-trials", "2", "--max-epochs", "1",
         "--fixed", "hidden_layers=1", "--workers", "2", "--out", str(cwd / "runs" / "cli")],
        cwd=cwd, capture_output=True, text=True, timeout=600, env=_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[trial 2/2]" in proc.stdout
    assert sorted(p.name for p in cwd.glob("EXECUTED_*")) == []


def test_case8_a_build_function_workers_cannot_import_is_refused_before_starting(tmp_path):
    def build(hp):  # defined inside a function: no import path
        raise AssertionError("never built")

    with pytest.raises(ValueError, match="worker processes import the model by its import "
                                         "path, and 'build' is defined inside a function"):
        run_search(build, "digits", "random", max_trials=1, workers=2, directory=tmp_path)
    build.__qualname__, build.__module__ = "build", "__main__"
    with pytest.raises(ValueError, match="defined in the script run as __main__"):
        run_search(build, "digits", "random", max_trials=1, workers=2, directory=tmp_path)
    assert not (tmp_path / "search").exists()


def test_case8_workers_start_isolated_with_our_package_on_their_path():
    from tuning import distributed
    from tuning.job import package_root, worker_sys_path

    cmd = distributed.worker_command("/x/job.json", "127.0.0.1:1", 3)
    assert cmd[:3] == [sys.executable, "-I", "-c"] and cmd[4] == package_root() == ROOT
    assert cmd[-3:] == ["/x/job.json", "127.0.0.1:1", "3"]
    path = worker_sys_path()
    assert ROOT in path and os.getcwd() not in path[:path.index(ROOT)]
    stdlib = os.path.dirname(os.__file__)
    assert path.index(stdlib) < path.index(ROOT)  # a pickle.py in our root cannot shadow
    boot = subprocess.run([*distributed.worker_command("", "")[:4], package_root(), "-c"],
                          capture_output=True, text=True, timeout=120)
    assert "usage: worker JOB.json" in boot.stderr  # the boot code found our package
