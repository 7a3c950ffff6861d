"""zoo.data.preprocess: the encoding saved beside a model encodes new raw rows exactly as the
training rows were, and decodes outputs back to label names."""

import json

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import write_rows, write_wine_csv
from zoo.data import DataFileError, Preprocessing
from zoo.data.tables import Table, read_table


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    path = write_wine_csv(tmp_path_factory.mktemp("wine") / "wine.csv")
    return path, zoo.data.load(path, seed=0)


def test_saved_preprocessing_reencodes_the_same_rows_identically(tmp_path, wine):
    path, ds = wine
    files = ds.meta["preprocessing"].save(tmp_path)
    assert set(files) == {"preprocessing", "features"}
    saved = json.loads((tmp_path / "preprocessing.json").read_text())
    assert saved["kind"] == "table" and saved["class_names"] == ["barbera", "barolo", "grignolino"]
    assert saved["config"]["target"] == "label"
    loaded = Preprocessing.load(tmp_path)
    x, y = loaded.encode_table(read_table(path), ds.meta["rows"]["test"])
    np.testing.assert_array_equal(x, ds.x_test)  # bit for bit
    np.testing.assert_array_equal(y, ds.y_test)
    assert Preprocessing.load(tmp_path / "elsewhere") is None


def test_new_rows_with_an_unseen_category_and_without_labels(wine):
    path, ds = wine
    prep = ds.meta["preprocessing"]
    table = read_table(path)
    row = {name: [values[0]] for name, values in table.columns.items() if name != "label"}
    row["alcohol_level"] = ["unheard of"]  # to the out-of-vocabulary slot, not an error
    x, y = prep.encode_table(Table(path, {k: np.asarray(v, dtype=object)
                                          for k, v in row.items()}))
    assert y is None and x.shape == (1, ds.input_shape[0]) and np.all(np.isfinite(x))
    outputs = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1]])
    labels, probabilities = prep.decode(outputs)
    assert labels.tolist() == ["barolo", "barbera"] and probabilities.shape == (2, 3)


def test_bad_new_rows_name_the_column_or_label(tmp_path, wine):
    path, ds = wine
    prep = ds.meta["preprocessing"]
    table = read_table(path)
    missing = Table(path, {k: v for k, v in table.columns.items() if k != "proline"})
    with pytest.raises(DataFileError, match="feature column\\(s\\) 'proline' not in"):
        prep.encode_table(missing)
    words = dict(table.columns)
    words["hue"] = np.asarray(["pale"] * len(table), dtype=object)
    with pytest.raises(DataFileError, match="column 'hue' .* holds numbers, but row 1 has 'pale'"):
        prep.encode_table(Table(path, words))
    labels = dict(table.columns)
    labels["label"] = np.asarray(["merlot"] * len(table), dtype=object)
    with pytest.raises(DataFileError, match="label\\(s\\) the model was not trained on: merlot"):
        prep.encode_table(Table(path, labels))


def test_regression_targets_travel_in_their_own_units(tmp_path):
    rng = np.random.default_rng(0)
    rows = [[f"{a:.4f}", f"{1000 * a + 5000:.4f}"] for a in rng.normal(size=80)]
    path = write_rows(tmp_path / "r.csv", ["a", "price"], rows)
    ds = zoo.data.load(path)
    prep = ds.meta["preprocessing"]
    values, probabilities = prep.decode(ds.y_test[:, None])
    truth = np.asarray([float(rows[i][1]) for i in ds.meta["rows"]["test"]])
    np.testing.assert_allclose(values, truth, rtol=1e-5)
    assert probabilities is None
