"""Damaged job directories: every file a resume reads is restored, or refused by name.

The fuzz test at the end feeds 200 random mutations (files deleted, truncated,
overwritten with garbage; trial folders deleted) of a finished job to ``zoo tune``
(in-process, the real command line): each run either resumes without running a
finished trial again, or exits 2 with one line naming a file. Never a traceback.
"""

import gc
import json
import random
import re
import shutil

import numpy as np
import pytest

import zoo
from tuning.job import CLOCK_FILE, MANIFEST_FILE
from tuning.jobfiles import JobFileError, check_job_files
from zoo.cli import main

TINY = "zoo_test_jobfiles_tiny"


def _tiny(seed=0, **_):
    """A tiny three-class data set: a trial takes a fraction of a second."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6)).astype("float32")
    y = (x[:, 0] > 0.4).astype("int32") + (x[:, 1] > 0.4).astype("int32")
    return zoo.data.Dataset(TINY, x[:72], y[:72], x[72:96], y[72:96], x[96:], y[96:],
                            task="multiclass", num_classes=3)


if TINY not in zoo.data.list_datasets():
    zoo.data.register_dataset(TINY, _tiny)

# A small space (fewer report panels to draw), with the conditional 'momentum' kept.
ARGV = ["tune", "fnn", "--data", TINY, "--algorithm", "random", "--max-trials", "3",
        "--max-epochs", "1", "--fixed", "hidden_layers=1", "--range", "units=32",
        "--range", "optimizer=adam,sgd", "--refit", "none",
        *(arg for name in ("activation", "kernel_initializer", "dropout", "batch_norm", "l2",
                           "schedule", "batch_size") for arg in ("--drop", name))]


def _tune(out, capfd):
    code = main([*ARGV, "--out", str(out)])
    captured = capfd.readouterr()
    return code, captured.out, captured.err


def _ran(stdout) -> set:
    """Trial ids the progress lines show as run in this call."""
    return set(re.findall(r"\[trial \d+/\d+\] id=(\d+)", stdout))


@pytest.fixture(scope="module")
def finished_job(tmp_path_factory):
    out = tmp_path_factory.mktemp("jobfiles") / "job"
    code = main([*ARGV, "--out", str(out)])
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "completed" and report["num_trials"] == 3
    return out


def _copy(finished_job, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(finished_job, job)
    return job


def test_a_resumed_finished_job_runs_no_trial_again(finished_job, tmp_path, capfd):
    job = _copy(finished_job, tmp_path)
    code, out, err = _tune(job, capfd)
    assert code == 0, err
    assert _ran(out) == set()
    assert json.loads((job / "report.json").read_text())["warnings"] == []


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_a_lost_trial_file_is_restored_from_the_clock(finished_job, tmp_path, capfd, damage):
    job = _copy(finished_job, tmp_path)
    path = job / "search" / "trial_1" / "trial.json"
    original = json.loads(path.read_text())
    if damage == "delete":
        shutil.rmtree(path.parent)  # the whole folder, checkpoint included
    elif damage == "truncate":
        path.write_text(path.read_text()[:40])
    else:
        path.write_bytes(b"\x00\xff garbage")
    code, out, err = _tune(job, capfd)
    assert code == 0, err
    assert _ran(out) == set()  # trial 1 finished: restored, not run again
    restored = json.loads(path.read_text())
    assert restored["score"] == original["score"]
    assert restored["hyperparameters"]["values"] == original["hyperparameters"]["values"]
    warnings = json.loads((job / "report.json").read_text())["warnings"]
    assert any("trial_1" in w and "restored from zoo_trials.json" in w for w in warnings)


def test_a_trial_file_without_a_copy_is_refused_naming_it(finished_job, tmp_path, capfd):
    job = _copy(finished_job, tmp_path)
    (job / "search" / "trial_2" / "trial.json").write_text("{")
    (job / "search" / CLOCK_FILE).unlink()
    code, out, err = _tune(job, capfd)
    assert code == 2
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("zoo: error: ") and str(job / "search" / "trial_2" / "trial.json") in err
    assert "--overwrite" in err and "Traceback" not in err


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_lost_search_state_is_refused_naming_it(finished_job, tmp_path, capfd, damage):
    job = _copy(finished_job, tmp_path)
    path = job / "search" / "oracle.json"
    if damage == "delete":
        path.unlink()
    else:
        path.write_text(path.read_text()[:1361])
    code, out, err = _tune(job, capfd)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert str(path) in err and "--overwrite" in err


def test_a_garbage_clock_is_reported_and_moved_aside(finished_job, tmp_path, capfd):
    job = _copy(finished_job, tmp_path)
    clock = job / "search" / CLOCK_FILE
    clock.write_text("[1, 2")
    code, out, err = _tune(job, capfd)
    assert code == 0, err
    assert _ran(out) == set()
    assert (job / "search" / (CLOCK_FILE + ".damaged")).read_text() == "[1, 2"
    report = json.loads((job / "report.json").read_text())
    assert any(CLOCK_FILE in w and "times and workers" in w for w in report["warnings"])
    assert len(report["trials"]) == 3  # the results are kept; the times are lost
    assert all(t["seconds"] is None for t in report["trials"])


def test_a_deleted_tuner_file_does_not_restart_the_search(finished_job, tmp_path, capfd):
    job = _copy(finished_job, tmp_path)
    (job / "search" / "tuner0.json").unlink()  # keras-tuner alone would start over
    code, out, err = _tune(job, capfd)
    assert code == 0, err
    assert _ran(out) == set()


def test_an_unreadable_best_checkpoint_is_retrained(finished_job, tmp_path, capfd, caplog):
    job = _copy(finished_job, tmp_path)
    best = json.loads((job / "report.json").read_text())["best_hyperparameters"]
    trials = json.loads((job / "report.json").read_text())["trials"]
    best_id = next(t["trial_id"] for t in trials if t["hyperparameters"] == best)
    checkpoint = job / "search" / f"trial_{best_id}" / "checkpoint.weights.h5"
    checkpoint.write_bytes(checkpoint.read_bytes()[:100])
    code, out, err = _tune(job, capfd)
    assert code == 0, err
    assert "best-epoch checkpoint" in out
    assert any("cannot be read" in r.getMessage() and "retraining" in r.getMessage()
               for r in caplog.records)


def test_a_garbage_manifest_is_refused_naming_it(finished_job, tmp_path, capfd):
    job = _copy(finished_job, tmp_path)
    (job / "search" / MANIFEST_FILE).write_text("not json")
    code, out, err = _tune(job, capfd)
    assert code == 2 and str(job / "search" / MANIFEST_FILE) in err


def test_check_job_files_on_a_fresh_directory_finds_nothing(tmp_path):
    assert check_job_files(tmp_path / "nothing") == []
    (tmp_path / "p").mkdir()
    assert check_job_files(tmp_path / "p") == []
    (tmp_path / "p" / "trial_0").mkdir()
    with pytest.raises(JobFileError, match="oracle.json does not exist, but the job holds 1"):
        check_job_files(tmp_path / "p")


# ------------------------------------------------------------------------------ fuzz

def _mutate(job, rng):
    """One random mutation of a file (or trial folder) of the job; returns what it did."""
    files = sorted(p for p in job.rglob("*") if p.is_file())
    folders = sorted(p for p in (job / "search").glob("trial_*") if p.is_dir())
    kind = rng.choice(["delete", "truncate", "garbage", "json", "folder"])
    if kind == "folder" and folders:
        target = rng.choice(folders)
        shutil.rmtree(target)
        return f"rmtree {target.relative_to(job)}"
    if not files:
        return "nothing"
    target = rng.choice(files)
    data = target.read_bytes()
    if kind == "delete":
        target.unlink()
    elif kind == "truncate":
        target.write_bytes(data[:rng.randrange(len(data) + 1)])
    elif kind == "garbage":
        target.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
    else:  # well-formed JSON of the wrong shape
        target.write_text(rng.choice(['{}', '[]', '{"trial_id": "9"}', 'null', '"x"', '1e999']))
    return f"{kind} {target.relative_to(job)}"


def _placeholder_plot(*args):
    """Stands in for a report plot (half of a resume's time, and no job file it reads)."""
    with open(args[-1], "wb") as handle:
        handle.write(b"\x89PNG placeholder")


@pytest.mark.slow
def test_fuzz_200_damaged_copies_resume_or_name_a_file(finished_job, tmp_path, capfd, request,
                                                       monkeypatch):
    import tuning.cleanup
    import tuning.report

    # What a resume reads is fuzzed, not what it draws or how it collects garbage: the
    # plots and the full collection before the checkpoint's model is built are skipped
    # (together two thirds of a resume's time).
    for name in ("plot_objective_by_trial", "plot_objective_vs_hparams"):
        monkeypatch.setattr(tuning.report, name, lambda *args, **kwargs: _placeholder_plot(*args))
    monkeypatch.setattr(tuning.cleanup.TrialCleanup, "_zoo_collect_garbage", lambda self: None)
    rng = random.Random(15)
    finished = {t["trial_id"] for t in
                json.loads((finished_job / "report.json").read_text())["trials"]}
    outcomes = {"resumed": 0, "refused": 0}
    # The test process holds every earlier test's objects: keep the collections each
    # trial build runs (tuning.cleanup) from scanning them 200 times over.
    gc.freeze()
    request.addfinalizer(gc.unfreeze)
    for run in range(200):
        job = tmp_path / f"run{run}"
        shutil.copytree(finished_job, job)
        done = [_mutate(job, rng) for _ in range(rng.randint(1, 3))]
        code, out, err = _tune(job, capfd)
        where = f"run {run} after {done}: exit {code}\n{err}"
        assert "Traceback" not in out + err, where
        if code == 0:
            assert not _ran(out) & finished, where  # no finished trial ran again
            report = json.loads((job / "report.json").read_text())
            assert report["status"] == "completed" and report["num_trials"] == 3, where
            outcomes["resumed"] += 1
        else:
            lines = err.strip().splitlines()
            assert code == 2 and len(lines) == 1 and lines[0].startswith("zoo: error: "), where
            assert str(job) in lines[0], where  # names the damaged file
            outcomes["refused"] += 1
        shutil.rmtree(job)
    assert outcomes["resumed"] > 50 and outcomes["refused"] > 10, outcomes
