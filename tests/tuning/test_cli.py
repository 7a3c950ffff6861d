"""`zoo tune`: progress per trial, final table, test metrics, files; one-line user errors."""

import json

import pytest

from tuning import cli


def _zoo_main(argv):
    try:
        from zoo.cli import main
    except ImportError:  # the lead's CLI not there yet: the module's own entry point
        main = cli.main
    return main(argv)


def test_zoo_tune_short_hyperband_prints_progress_table_and_metrics(tmp_path, capsys):
    out = tmp_path / "run"
    code = _zoo_main(["tune", "cnn", "--data", "digits", "--algorithm", "hyperband",
                      "--max-epochs", "2", "--fixed", "conv_blocks=1", "--range",
                      "filters=[32]", "--drop", "schedule", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "[trial 1/2]" in text and "[trial 2/2]" in text and "best=" in text
    assert "top 5 trials" in text and "test metrics of the best model: accuracy=" in text
    report = json.loads((out / "report.json").read_text())
    assert report["num_trials"] == 2
    assert report["best_hyperparameters"]["conv_blocks"] == 1
    assert report["best_hyperparameters"]["filters"] == 32
    assert (out / "best_model.keras").exists() and (out / "trials.csv").exists()
    assert "best model: best hyperparameters refit on train+val (1527 samples" in text
    assert report["refit"]["mode"] == "train+val"
    # Same job again with --refit none: no new trial, the best trial's own checkpoint.
    assert _zoo_main(["tune", "cnn", "--data", "digits", "--algorithm", "hyperband",
                      "--max-epochs", "2", "--fixed", "conv_blocks=1", "--range",
                      "filters=[32]", "--drop", "schedule", "--refit", "none",
                      "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "[trial" not in text and "best model: best trial's checkpoint" in text
    assert json.loads((out / "report.json").read_text())["refit"]["mode"] is False


@pytest.mark.parametrize("argv, message", [
    (["tune", "cnn", "--algorithm", "simulated"], "unknown algorithm='simulated'"),
    (["tune", "resnet"], "unknown model 'resnet'"),
    (["tune", "cnn", "--max-trials", "0", "--algorithm", "random"], "--max-trials must be >= 1"),
    (["tune", "cnn", "--fixed", "dropout=0.95"], "fixed['dropout']=0.95 is outside the range"),
    (["tune", "cnn", "--objective", "val_f1"], "does not report objective 'val_f1'"),
    (["tune", "cnn", "--role", "worker", "--oracle", "127.0.0.1:9"],
     "no tuning chief answered at 127.0.0.1:9"),
])
def test_user_errors_are_one_line_with_exit_code_2(tmp_path, capsys, argv, message):
    code = _zoo_main(argv + ["--out", str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("zoo: error: ") and message in err[-1]
