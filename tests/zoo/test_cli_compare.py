"""`zoo compare` end to end as a subprocess, on a tiny budget."""

import csv
import json
import subprocess
import sys


def zoo(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "zoo.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_compare_prints_progress_and_table_and_writes_files(tmp_path):
    out = tmp_path / "cmp"
    proc = zoo("compare", "fnn", "--data", "digits", "--vary", "activation=relu,sigmoid",
               "--vary", "hidden_units=16x16", "--epochs", "2", "--seeds", "2",
               "--batch-size", "64", "--learning-rate", "0.01", "--target", "0.3",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 4 and progress[0].startswith("[1/4] activation=relu")
    assert "[1/4]" not in proc.stderr  # one line a run: not logged as well
    assert "seed=1" in progress[-1] and "val_accuracy=" in progress[-1]
    assert any(line.startswith("combination") and "epochs to target" in line for line in lines)
    assert any(line.startswith("activation=sigmoid hidden_units=16x16") for line in lines)
    assert any(line.startswith("best val_accuracy: ") for line in lines)
    report = json.loads((out / "results.json").read_text())
    assert [c["params"]["activation"] for c in report["combinations"]] == ["relu", "sigmoid"]
    assert all(len(c["runs"]) == 2 for c in report["combinations"])
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert [r["hidden_units"] for r in rows] == ["16x16", "16x16"]
    assert (out / "learning_curves.png").stat().st_size > 10_000


def _one_line_error(proc, *fragments):
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("zoo: error:") and "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_vary_key_is_one_line_error(tmp_path):
    _one_line_error(zoo("compare", "fnn", "--vary", "activaton=relu,tanh", "--out",
                        str(tmp_path)), "cannot vary 'activaton'", "allowed keys:", "activation")


def test_malformed_vary_is_one_line_error(tmp_path):
    _one_line_error(zoo("compare", "fnn", "--vary", "activation", "--out", str(tmp_path)),
                    "--vary expects KEY=V1,V2")
