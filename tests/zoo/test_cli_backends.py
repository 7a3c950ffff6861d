"""`zoo predict` and `zoo sample` after a short `zoo train`, in process, on the active backend.

The other commands run on every backend in their own files: `zoo list` and `zoo train`
(tests/zoo/test_cli.py), `zoo compare` (test_cli_compare.py), `zoo tune`
(tests/tuning/test_cli.py), `zoo generate` (tests/zoo/gan/test_job.py).
"""

import numpy as np

from zoo.cli import main


def test_predict_command_reads_a_trained_run_and_scores_new_data(tmp_path, capsys):
    x = np.random.default_rng(0).normal(size=(160, 4)).astype("float32")
    y = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "up", "down")
    np.savez(tmp_path / "a.npz", x=x, y=y)
    assert main(["-q", "train", "fnn", "--data", str(tmp_path / "a.npz"), "--epochs", "30",
                 "--seed", "0", "--out", str(tmp_path / "run")]) == 0
    capsys.readouterr()
    csv = tmp_path / "pred.csv"
    assert main(["predict", str(tmp_path / "run"), "--data", str(tmp_path / "a.npz"),
                 "--out", str(csv)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("160 predictions from ")
    accuracy = float(out.split("accuracy: ")[1].split()[0])
    assert accuracy > 0.85  # a linear rule; chance is about 0.5
    rows = csv.read_text().splitlines()
    assert len(rows) == 161 and {r.split(",")[1] for r in rows[1:]} <= {"up", "down"}


def test_sample_command_continues_text_with_a_trained_char_model(tmp_path, capsys):
    out = tmp_path / "char"
    assert main(["-q", "train", "lstm", "--data", "text", "--epochs", "1", "--batch-size",
                 "64", "--param", "units=32", "--seed", "0", "--data-option=window=32",
                 "--data-option=max_chars=20000", "--out", str(out)]) == 0
    assert (out / "model.keras").is_file() and (out / "vocab.json").is_file()
    capsys.readouterr()
    argv = ["sample", str(out), "--seed-text", "The ", "--length", "40", "--seed", "3"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert first.startswith("The ") and len(first) == len("The ") + 40 + 1  # and the newline
    assert main(argv) == 0
    assert capsys.readouterr().out == first  # seeded: the same text again
