"""Resume after SIGKILL mid-trial, and flat memory across trials."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import zoo
from tests.tuning._helpers import small_cnn
from tuning import run_search

ROOT = Path(__file__).resolve().parents[2]


def _started_unfinished(clock, trial_id):
    try:
        records = json.loads(clock.read_text())
    except (OSError, ValueError):
        return False
    return trial_id in records and "end" not in records[trial_id]


@pytest.mark.slow
def test_search_killed_mid_trial_resumes_without_repeating_trials(tmp_path):
    cmd = [sys.executable, str(ROOT / "tests" / "tuning" / "_search_job.py"), str(tmp_path)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    clock = tmp_path / "search" / "zoo_trials.json"
    deadline = time.time() + 120
    while time.time() < deadline and not _started_unfinished(clock, "2"):
        assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
        time.sleep(0.05)
    time.sleep(1.0)  # well inside trial 2's training
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert (tmp_path / "done.log").read_text().split() == ["0", "1"]

    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    assert "TRIALS 4" in rerun.stdout
    # Every trial finished exactly once; only the killed one ran twice.
    assert (tmp_path / "done.log").read_text().split() == ["0", "1", "2", "3"]
    records = json.loads(clock.read_text())
    assert {k: v["attempts"] for k, v in records.items()} == {"0": 1, "1": 1, "2": 2, "3": 1}


def _rss_mib(pid="self"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # the process just exited
        pass
    return 0.0


def _tree_rss_mib():
    """Resident memory of this process plus its children (the worker processes)."""
    children = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as f:
            children += f.read().split()
    return _rss_mib() + sum(_rss_mib(pid) for pid in children)


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc")
def test_memory_stays_flat_across_thirty_trials(tmp_path):
    # TensorFlow keeps ~6 MiB per trained model even after clear_session (a known
    # TensorFlow leak), so a 30-trial in-process search grows ~15%. trials_per_process
    # trains in a worker process that is replaced every 10 trials.
    data = zoo.data.load("digits", seed=0)
    rss = {}

    def progress(row):
        if row["done"] in (5, 30):
            rss[row["done"]] = _tree_rss_mib()

    result = run_search(small_cnn(data, seed=0), data, "random", max_trials=30, max_epochs=1,
                        directory=tmp_path, seed=0, progress=progress, write_report=False,
                        trials_per_process=10)
    assert len(result.trials) == 30 and all(t["status"] == "COMPLETED" for t in result.trials)
    print(f"RSS (chief + worker) after trial 5: {rss[5]:.0f} MiB, after trial 30: "
          f"{rss[30]:.0f} MiB")
    assert rss[30] <= 1.10 * rss[5]
