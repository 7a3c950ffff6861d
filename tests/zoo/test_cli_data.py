"""Your own data through the ``zoo`` command, as a user runs it: ``--data PATH`` in train,
tune, compare and generate; ``zoo predict``; one stderr line and exit 2 for bad input."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from tests.zoo.data._files import (
    digit_images,
    subset_rows,
    write_digit_folder,
    write_rows,
    write_series_csv,
    write_text,
    write_wine_csv,
)


def zoo(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "zoo.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def _main(argv):
    from zoo.cli import main

    return main([str(a) for a in argv])


def _printed(text, name):
    match = re.search(rf"^{name}: ([0-9.]+)$", text, re.M)
    assert match, text
    return float(match.group(1))


# ----------------------------------------------------------------------------- must hold


@pytest.mark.slow
def test_tune_wine_csv_with_hyperband_then_predict_the_raw_test_rows(tmp_path):
    """The issue's wine check: >= 94% test accuracy; zoo predict agrees with the report."""
    wine = write_wine_csv(tmp_path / "wine.csv")
    out = tmp_path / "run"
    proc = zoo("tune", "fnn", "--data", wine, "--target", "label", "--algorithm", "hyperband",
               "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    accuracy = report["test_metrics"]["accuracy"]
    assert accuracy >= 0.94
    assert report["dataset"] == "wine.csv"
    assert {"best_model.keras", "preprocessing.json", "features.keras"} <= {
        p.name for p in out.iterdir()}
    # The raw test rows (string labels, the categorical column as text), the training
    # file out of reach: the same split comes from the same seed.
    import zoo as zoo_package

    rows = zoo_package.data.load(wine, target="label", seed=0).meta["rows"]["test"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    test_csv = subset_rows(wine, elsewhere / "test.csv", rows)
    wine.unlink()
    proc = zoo("predict", out, "--data", test_csv, "--out", elsewhere / "predictions.csv")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _printed(proc.stdout, "accuracy") == pytest.approx(accuracy, abs=1e-6)
    predicted = (elsewhere / "predictions.csv").read_text().splitlines()
    assert len(predicted) == len(rows) + 1
    assert predicted[0].startswith("id,prediction,label,p_barbera,p_barolo,p_grignolino")
    assert predicted[1].split(",")[1] in ("barolo", "grignolino", "barbera")


@pytest.mark.slow
def test_tune_cnn_on_a_png_folder_and_generate_from_it(tmp_path):
    """The issue's image check: >= 97% test accuracy; zoo generate writes samples.

    Hyperband with a largest budget of 9 epochs (23 trials, 3-5 minutes on 2 CPU cores)
    instead of the default 27 (70 trials): it reached 99.6%; capped at 6 trials of the
    first bracket (1-epoch trials) or a 4-trial random search it read 96.7-97.0%.
    """
    folder = write_digit_folder(tmp_path / "digits", size=32)
    out = tmp_path / "tune"
    proc = zoo("tune", "cnn", "--data", folder, "--image-size", "32", "--max-epochs", "9",
               "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert report["test_metrics"]["accuracy"] >= 0.97
    saved = json.loads((out / "preprocessing.json").read_text())
    assert saved["kind"] == "images" and saved["config"]["image_size"] == [32, 32]
    gen = tmp_path / "gan"
    proc = zoo("generate", "--data", folder, "--image-size", "16", "--epochs", "2",
               "--samples", "100", "--out", gen)
    assert proc.returncode == 0, proc.stderr[-3000:]
    samples = (gen / "samples.png").read_bytes()
    assert samples[:8] == b"\x89PNG\r\n\x1a\n"
    quality = json.loads((gen / "quality.json").read_text())
    assert quality["image_shape"] == [16, 16, 1] and quality["classifier_accuracy"] > 0.8
    assert quality["data"] == str(folder)


def test_npz_text_and_series_train_end_to_end(tmp_path):
    x, y = digit_images(8)
    np.savez(tmp_path / "digits.npz", x=(x / 255.0).reshape(len(x), -1), y=y)
    proc = zoo("-q", "train", "fnn", "--data", tmp_path / "digits.npz", "--epochs", "8",
               "--out", tmp_path / "npz")
    assert proc.returncode == 0, proc.stderr[-3000:]
    history = json.loads((tmp_path / "npz" / "history.json").read_text())
    assert history["test_metrics"]["accuracy"] > 0.85
    assert history["config"]["data"] == "digits.npz"

    write_text(tmp_path / "corpus.txt")
    proc = zoo("-q", "train", "lstm", "--data", tmp_path / "corpus.txt", "--epochs", "2",
               "--param", "units=32", "--data-option", "window=32", "--out", tmp_path / "txt")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "txt" / "vocab.json").exists()
    sample = zoo("sample", tmp_path / "txt", "--length", "30", "--seed", "0",
                 "--continuation-only")
    assert sample.returncode == 0, sample.stderr[-3000:]
    assert len(sample.stdout.rstrip("\n")) == 30

    write_series_csv(tmp_path / "series.csv")
    proc = zoo("-q", "train", "gru", "--data", tmp_path / "series.csv", "--column", "value",
               "--past", "24", "--future", "6", "--epochs", "4", "--param", "units=16",
               "--out", tmp_path / "series")
    assert proc.returncode == 0, proc.stderr[-3000:]
    history = json.loads((tmp_path / "series" / "history.json").read_text())
    assert history["test_metrics"]["mae"] < history["baseline"]["mae"]
    assert history["config"]["data_options"] == {"column": "value", "past": 24, "future": 6}


def test_compare_and_tune_take_a_path_and_the_data_flags(tmp_path, capsys):
    wine = write_wine_csv(tmp_path / "wine.csv")
    code = _main(["compare", "fnn", "--data", wine, "--target-column", "label", "--vary",
                  "activation=relu,tanh", "--seeds", "1", "--epochs", "3", "--out",
                  tmp_path / "cmp"])
    text = capsys.readouterr().out
    assert code == 0 and "activation=tanh" in text
    results = json.loads((tmp_path / "cmp" / "results.json").read_text())
    assert results["title"] == "fnn on wine.csv" and len(results["combinations"]) == 2
    code = _main(["tune", "fnn", "--data", wine, "--target", "label", "--algorithm", "random",
                  "--max-trials", "1", "--max-epochs", "2", "--out", tmp_path / "t"])
    assert code == 0
    assert "test metrics of the final model: accuracy=" in capsys.readouterr().out
    assert (tmp_path / "t" / "preprocessing.json").exists()


# ----------------------------------------------------------------------------- bad input


def _bad_inputs(tmp):
    from PIL import Image

    flat = tmp / "flat"
    flat.mkdir()
    Image.fromarray(np.zeros((4, 4), "uint8")).save(flat / "a.png")
    empty_class = write_digit_folder(tmp / "ec", size=8, per_class=3, classes=(0, 1))
    (empty_class / "2").mkdir()
    garbage = tmp / "garbage"
    for name in ("a", "b"):
        (garbage / name).mkdir(parents=True)
        (garbage / name / "x.png").write_bytes(b"nope")
    np.savez(tmp / "keys.npz", features=np.zeros((4, 2)))
    np.savez(tmp / "len.npz", x=np.zeros((10, 2)), y=np.zeros(9))
    nan = np.zeros((20, 2))
    nan[0, 0] = np.nan
    np.savez(tmp / "nan.npz", x=nan, y=np.arange(20) % 2)
    (tmp / "data.xlsx").write_text("x")
    write_rows(tmp / "t.csv", ["a", "b"], [[1, 2], [3, 4]])
    write_rows(tmp / "one.csv", ["a", "label"], [[i, "spam"] for i in range(10)])
    write_rows(tmp / "holes.csv", ["a", "label"], [["" if i < 2 else i, i % 2]
                                                   for i in range(20)])
    return {
        "missing": (["train", "fnn", "--data", tmp / "absent.csv"],
                    ["absent.csv", "no such file or folder"]),
        "extension": (["tune", "fnn", "--data", tmp / "data.xlsx"],
                      ["data.xlsx", "unknown file type '.xlsx'"]),
        "target": (["train", "fnn", "--data", tmp / "t.csv", "--target", "colour"],
                   ["t.csv", "target column 'colour' not in", "a, b"]),
        "one_class": (["tune", "fnn", "--data", tmp / "one.csv"],
                      ["one.csv", "one class ('spam')"]),
        "nan": (["compare", "fnn", "--data", tmp / "holes.csv", "--vary", "activation=relu"],
                ["holes.csv", "missing values in column(s) a (2 rows)", "--impute"]),
        "no_classes": (["train", "cnn", "--data", flat], ["flat", "no class subfolders"]),
        "empty_class": (["generate", "--data", empty_class],
                        ["class '2' of image folder", "is empty"]),
        "unreadable": (["tune", "cnn", "--data", garbage], ["garbage", "none of the 2 image"]),
        "npz_keys": (["train", "fnn", "--data", tmp / "keys.npz"],
                     ["keys.npz", "holds the keys features"]),
        "length": (["train", "fnn", "--data", tmp / "len.npz"],
                   ["len.npz", "x has 10 samples but y has 9"]),
        "nan_array": (["tune", "fnn", "--data", tmp / "nan.npz"],
                      ["nan.npz", "array 'x'", "1 NaN"]),
        "predict": (["predict", tmp / "no_run", "--data", tmp / "t.csv"],
                    ["no_run", "no run directory or model file"]),
    }


CASES = ("missing", "extension", "target", "one_class", "nan", "no_classes", "empty_class",
         "unreadable", "npz_keys", "length", "nan_array", "predict")


@pytest.mark.parametrize("case", CASES)
def test_bad_data_is_one_stderr_line_and_exit_2_before_training(tmp_path, capsys, case):
    argv, fragments = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    if argv[0] != "predict":
        argv = [*argv, "--out", out]
    code = _main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("zoo: error:")]
    assert code == 2 and len(lines) == 1, captured.err
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Epoch" not in captured.out and "[trial" not in captured.out  # nothing trained
    assert not (out / "model.keras").exists() and not (out / "report.json").exists()


def test_bad_data_from_a_real_subprocess_is_one_line(tmp_path):
    proc = zoo("tune", "cnn", "--data", tmp_path / "photos", "--out", tmp_path / "o")
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.strip()
              and not line.startswith(("I0000", "E0000", "WARNING: All", "To enable"))]
    assert errors == [f"zoo: error: load('{tmp_path / 'photos'}'): no such file or folder: "
                      f"'{tmp_path / 'photos'}'"]
