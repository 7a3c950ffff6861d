"""zoo.predict on raw new data with a run's saved preprocessing: tables (string categories and
labels), image folders, arrays, series; and the errors of runs and data that do not fit."""

import csv

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import (
    subset_rows,
    write_digit_folder,
    write_rows,
    write_series_csv,
    write_text,
    write_wine_csv,
)
from zoo.data import DataFileError


@pytest.fixture(scope="module")
def wine_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("wine")
    path = write_wine_csv(root / "wine.csv")
    result = zoo.train("fnn", path, epochs=40, verbose=0, patience=None, out_dir=root / "run",
                       data_options={"target": "label"})
    return path, result, root / "run"


def test_table_run_predicts_raw_rows_with_label_names(tmp_path, wine_run):
    path, result, run = wine_run
    assert {"preprocessing", "features"} <= set(result.files)
    test_rows = result.dataset.meta["rows"]["test"]
    new = subset_rows(path, tmp_path / "new.csv", test_rows)
    out = zoo.predict(run, new)
    assert set(out.predictions) <= {"barolo", "grignolino", "barbera"}
    assert out.class_names == ["barbera", "barolo", "grignolino"]
    # The same raw rows give the job's own test accuracy, without the training file.
    assert out.metrics["accuracy"] == pytest.approx(result.test_metrics["accuracy"], abs=1e-6)
    assert out.probabilities.shape == (len(test_rows), 3)
    np.testing.assert_allclose(out.probabilities.sum(axis=1), 1.0, atol=1e-5)
    written = list(csv.DictReader(out.write_csv(tmp_path / "p.csv").open()))
    assert written[0].keys() >= {"id", "prediction", "label", "p_barolo"}
    # Without the target column: predictions only; a dict of columns works as a file does.
    columns = {k: v for k, v in zoo.data.tables.read_table(new).columns.items() if k != "label"}
    bare = zoo.predict(run / "model.keras", columns)
    assert bare.labels is None and bare.metrics == {}
    assert bare.predictions.tolist() == out.predictions.tolist()


def test_image_run_predicts_a_folder_and_single_files(tmp_path):
    folder = write_digit_folder(tmp_path / "d", size=8, per_class=30)
    result = zoo.train("cnn", folder, epochs=8, verbose=0, patience=None, out_dir=tmp_path / "r")
    test = tmp_path / "test"
    for path in result.dataset.meta["files"]["test"]:
        target = test / path.split("/")[-2]
        target.mkdir(parents=True, exist_ok=True)
        (target / path.split("/")[-1]).write_bytes(open(path, "rb").read())
    out = zoo.predict(tmp_path / "r", test)
    assert len(out.ids) == result.dataset.size("test")
    assert out.metrics["accuracy"] == pytest.approx(result.test_metrics["accuracy"], abs=1e-6)
    one = zoo.predict(tmp_path / "r", out.ids[0])
    assert one.ids == [out.ids[0]] and one.predictions[0] == out.predictions[0]
    assert one.labels is None


def test_array_and_builtin_runs_predict_arrays(tmp_path):
    x = np.random.default_rng(0).normal(size=(120, 4)).astype("float32")
    y = np.where(x[:, 0] > 0, "up", "down")
    np.savez(tmp_path / "a.npz", x=x, y=y)
    zoo.train("fnn", tmp_path / "a.npz", epochs=30, verbose=0, out_dir=tmp_path / "r")
    out = zoo.predict(tmp_path / "r", tmp_path / "a.npz")
    assert set(out.predictions) <= {"up", "down"} and out.metrics["accuracy"] > 0.8
    np.save(tmp_path / "x.npy", x[:5])
    assert len(zoo.predict(tmp_path / "r", tmp_path / "x.npy").predictions) == 5
    digits = zoo.train("fnn", "digits", epochs=2, verbose=0, out_dir=tmp_path / "b")
    data = digits.dataset
    plain = zoo.predict(tmp_path / "b", data.x_test)  # no preprocessing: class indices
    assert plain.task == "multiclass" and plain.probabilities.shape == (len(data.x_test), 10)
    with pytest.raises(DataFileError, match=r"takes samples of shape \(64,\), the data have "
                                            r"\(4,\)"):
        zoo.predict(tmp_path / "b", tmp_path / "x.npy")


def test_series_run_forecasts_after_the_last_step(tmp_path):
    path = write_series_csv(tmp_path / "s.csv")
    zoo.train("lstm", path, epochs=2, verbose=0, out_dir=tmp_path / "r",
              data_options={"column": "value", "past": 24, "future": 6},
              model_kwargs={"units": (16,)})
    out = zoo.predict(tmp_path / "r", path)
    assert out.ids == [f"t+{i}" for i in range(1, 7)] and out.predictions.shape == (6, 1)
    assert 0 < float(np.mean(out.predictions)) < 30  # in the series' own units (about 10-16)


def test_runs_and_data_that_do_not_fit_are_refused(tmp_path, wine_run):
    path, _, run = wine_run
    with pytest.raises(FileNotFoundError, match="no run directory or model file"):
        zoo.predict(tmp_path / "nothing", path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no model.keras or best_model.keras"):
        zoo.predict(tmp_path / "empty", path)
    with pytest.raises(ValueError, match="no such file or folder: '.*absent.csv'"):
        zoo.predict(run, tmp_path / "absent.csv")
    short = write_rows(tmp_path / "short.csv", ["alcohol", "label"], [[13.0, "barolo"]])
    with pytest.raises(DataFileError, match="short.csv'; its columns are: alcohol, label"):
        zoo.predict(run, short)
    write_text(tmp_path / "c.txt")
    zoo.train("lstm", tmp_path / "c.txt", epochs=1, verbose=0, out_dir=tmp_path / "char",
              data_options={"window": 16}, model_kwargs={"units": (8,)})
    with pytest.raises(DataFileError, match="is a character model; continue text with "
                                            "`zoo sample"):
        zoo.predict(tmp_path / "char", path)
