"""zoo.data.files through zoo.data.load(PATH): tables, arrays, text, series; and every bad
file refused before training with a message naming the file and the problem."""

import numpy as np
import pytest

import zoo
from tests.zoo.data._files import (
    WINE_NAMES,
    digit_images,
    write_rows,
    write_series_csv,
    write_text,
    write_wine_csv,
)
from zoo.data import DataFileError, MissingDataFileError


@pytest.fixture(scope="module")
def wine_csv(tmp_path_factory):
    return write_wine_csv(tmp_path_factory.mktemp("wine") / "wine.csv")


# ----------------------------------------------------------------------------- tables


def test_wine_table_is_encoded_with_training_statistics_and_label_names(wine_csv):
    ds = zoo.data.load(wine_csv, target="label", seed=0)
    assert ds.name == "wine.csv" and ds.task == "multiclass" and ds.num_classes == 3
    assert ds.meta["class_names"] == sorted(WINE_NAMES)
    assert ds.meta["features"]["alcohol_level"] == "categorical"
    assert ds.meta["features"]["alcohol"] == "numeric"
    # 13 standardised numbers + one-hot of 3 levels and the out-of-vocabulary slot.
    assert ds.input_shape == (17,) and ds.x_train.dtype == np.float32
    rows = ds.meta["rows"]
    assert len(rows["train"]) + len(rows["val"]) + len(rows["test"]) == 178
    assert not set(rows["train"]) & set(rows["test"]) and not set(rows["val"]) & set(
        rows["test"]) and not set(rows["train"]) & set(rows["val"])
    # Standardised with the training rows' statistics only: mean 0 there, not elsewhere.
    numeric = [i for i in range(17) if ds.x_train[:, i].std() > 0.9]
    np.testing.assert_allclose(ds.x_train[:, numeric].mean(axis=0), 0.0, atol=1e-5)
    from sklearn.datasets import load_wine

    raw = load_wine().data
    proline = raw[rows["train"], 12]
    expected = (raw[rows["test"], 12] - proline.mean()) / proline.std()
    assert np.isclose(ds.x_test, expected[:, None], atol=1e-4).all(axis=0).sum() == 1
    # Labels: class indices in sorted name order, stratified across the splits.
    names = np.asarray(ds.meta["class_names"])
    truth = np.asarray(WINE_NAMES)[load_wine().target]
    np.testing.assert_array_equal(names[ds.y_test], truth[rows["test"]])
    assert set(np.unique(ds.y_val)) == {0, 1, 2}


def test_table_default_target_seed_and_task_override(tmp_path, wine_csv):
    a = zoo.data.load(wine_csv, seed=3)  # the column named 'label' is the default target
    b = zoo.data.load(str(wine_csv), seed=3)
    assert a.meta["target"] == "label"
    np.testing.assert_array_equal(a.meta["rows"]["test"], b.meta["rows"]["test"])
    assert not np.array_equal(a.meta["rows"]["test"], zoo.data.load(wine_csv).meta["rows"]["test"])
    # Without a conventional name the last column is the target; floats are regression.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    path = write_rows(tmp_path / "r.tsv", ["a", "b", "price"],
                      [[f"{u:.3f}", f"{v:.3f}", f"{1e5 * (u + 2 * v) + 3e5:.1f}"]
                       for u, v in x], delimiter="\t")
    reg = zoo.data.load(path)
    assert reg.task == "regression" and reg.meta["target"] == "price"
    assert abs(reg.y_train.mean()) < 1e-5 and reg.meta["target_std"] > 1e4  # standardised
    ints = write_rows(tmp_path / "ints.csv", ["a", "grade"],
                      [[i, i % 3 + 1] for i in range(60)])
    assert zoo.data.load(ints).task == "multiclass"  # a few integers are classes
    assert zoo.data.load(ints, task="regression").task == "regression"
    assert zoo.data.load(ints).meta["class_names"] == ["1", "2", "3"]


def test_table_binary_drop_and_categorical_columns(tmp_path):
    rows = [[f"id{i}", i % 4, "yes" if i % 2 else "no", f"{i / 10:.1f}"] for i in range(80)]
    path = write_rows(tmp_path / "b.csv", ["id", "shop", "bought", "price"], rows)
    ds = zoo.data.load(path, target="bought", drop="id", categorical="shop")
    assert ds.task == "binary" and ds.meta["class_names"] == ["no", "yes"]
    assert ds.y_train.dtype == np.float32 and set(np.unique(ds.y_train)) == {0.0, 1.0}
    assert ds.meta["features"] == {"shop": "categorical", "price": "numeric"}
    assert ds.input_shape == (1 + 5,)  # price, shop one-hot (4 values + unknown)


def test_impute_fills_missing_values_from_the_training_split(tmp_path):
    rows = [[("" if i % 10 == 0 else f"{i}"), ("NA" if i % 7 == 0 else "ab"[i % 2]), i % 2]
            for i in range(100)]
    path = write_rows(tmp_path / "holes.csv", ["n", "s", "label"], rows)
    with pytest.raises(DataFileError, match=r"holes.csv' has missing values in column\(s\) "
                                            r"n \(10 rows\), s \(15 rows\).*--impute"):
        zoo.data.load(path)
    ds = zoo.data.load(path, impute="median")
    fill = ds.meta["preprocessing"].config["fill"]
    train = ds.meta["rows"]["train"]
    known = [i for i in train if i % 10]
    assert fill["n"] == pytest.approx(np.median(known))
    assert fill["s"] in ("a", "b") and np.all(np.isfinite(ds.x_train))


def test_parquet_reads_like_csv(tmp_path, wine_csv):
    try:  # an optional dependency: without it, the one clear error (no skip, for CI)
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        (tmp_path / "wine.parquet").write_bytes(b"PAR1")
        with pytest.raises(DataFileError, match=r"wine\.parquet' needs pyarrow \(pip install "
                                                r"pyarrow\), or save the table as \.csv"):
            zoo.data.load(tmp_path / "wine.parquet", seed=0)
        return

    table = zoo.data.tables.read_table(wine_csv)
    columns = {name: [float(v) if name not in ("label", "alcohol_level") else v
                      for v in values] for name, values in table.columns.items()}
    pq.write_table(pa.table(columns), tmp_path / "wine.parquet")
    a = zoo.data.load(tmp_path / "wine.parquet", seed=0)
    b = zoo.data.load(wine_csv, seed=0)
    np.testing.assert_allclose(a.x_test, b.x_test, atol=1e-5)
    np.testing.assert_array_equal(a.y_test, b.y_test)


# ----------------------------------------------------------------------------- arrays


def test_npz_layouts_and_npy_pairs(tmp_path):
    x, y = digit_images(8)
    x = (x / 255.0).astype("float32")
    np.savez(tmp_path / "d.npz", x=x, y=y)
    ds = zoo.data.load(tmp_path / "d.npz", seed=0)
    assert ds.task == "multiclass" and ds.num_classes == 10 and ds.input_shape == (8, 8)
    assert sum(ds.size(s) for s in ("train", "val", "test")) == len(x)
    np.savez(tmp_path / "s.npz", x_train=x[:1500], y_train=y[:1500], x_test=x[1500:],
             y_test=y[1500:])
    split = zoo.data.load(tmp_path / "s.npz", val_size=0.2)
    np.testing.assert_array_equal(split.x_test, x[1500:])  # the user's test split is kept
    assert split.size("val") == 300 and split.size("train") == 1200
    names = np.array([f"digit {v}" for v in y])
    np.save(tmp_path / "train_x.npy", x)
    np.save(tmp_path / "train_y.npy", names)
    pair = zoo.data.load(tmp_path / "train_x.npy")
    assert pair.meta["class_names"][:2] == ["digit 0", "digit 1"]
    np.save(tmp_path / "labels.npy", (y % 2).astype("float64"))
    binary = zoo.data.load(tmp_path / "train_x.npy", target=tmp_path / "labels.npy")
    assert binary.task == "binary"
    np.save(tmp_path / "values.npy", np.linspace(0, 1, len(x)))
    assert zoo.data.load(tmp_path / "train_x.npy", target=tmp_path / "values.npy").task == \
        "regression"


# ----------------------------------------------------------------------------- text, series


def test_text_file_and_folder_become_character_windows(tmp_path):
    write_text(tmp_path / "a.txt")
    ds = zoo.data.load(tmp_path / "a.txt", window=32)
    assert ds.name == "a.txt" and ds.input_shape == (32,)
    assert ds.model_kwargs()["vocab_size"] == ds.num_classes == ds.meta["vocab"].size
    assert ds.meta["texts"]["train"].startswith("The quick brown fox")
    folder = tmp_path / "books"
    folder.mkdir()
    write_text(folder / "1.txt", repeats=30)
    write_text(folder / "2.txt", repeats=30)
    both = zoo.data.load(folder, window=32)
    assert len("".join(both.meta["texts"].values())) > len("".join(ds.meta["texts"].values()))


def test_series_csv_uses_make_windows(tmp_path):
    path = write_series_csv(tmp_path / "s.csv")
    ds = zoo.data.load(path, column="value", past=24, future=6)
    from zoo.series import make_windows

    values = zoo.data.tables.numeric_column(zoo.data.tables.read_table(path).columns["value"])
    reference = make_windows(values, 24, 6)
    np.testing.assert_allclose(ds.x_train, reference.x_train)
    np.testing.assert_allclose(ds.y_test, reference.y_test)
    assert ds.model_kwargs()["num_outputs"] == 6 and ds.meta["columns"] == ["value"]


# ----------------------------------------------------------------------------- bad input


@pytest.fixture
def bad(tmp_path):
    """Writes the bad files of the table below."""
    def make(kind):
        if kind == "missing":
            return tmp_path / "absent.csv", {}
        if kind == "extension":
            (tmp_path / "data.xlsx").write_text("x")
            return tmp_path / "data.xlsx", {}
        if kind == "target":
            return write_rows(tmp_path / "t.csv", ["a", "b"], [[1, 2], [3, 4]]), {
                "target": "colour"}
        if kind == "one_class":
            return write_rows(tmp_path / "one.csv", ["a", "label"],
                              [[i, "spam"] for i in range(20)]), {}
        if kind == "nan":
            return write_rows(tmp_path / "nan.csv", ["a", "b", "label"],
                              [[i, "nan" if i < 3 else i, i % 2] for i in range(30)]), {}
        if kind == "inf":
            return write_rows(tmp_path / "inf.csv", ["a", "label"],
                              [["inf" if i == 4 else i, i % 2] for i in range(30)]), {}
        if kind == "npz_keys":
            np.savez(tmp_path / "k.npz", features=np.zeros((4, 2)), labels=np.zeros(4))
            return tmp_path / "k.npz", {}
        if kind == "length":
            np.savez(tmp_path / "len.npz", x=np.zeros((10, 2)), y=np.zeros(9, int))
            return tmp_path / "len.npz", {}
        if kind == "npz_nan":
            x = np.zeros((40, 2))
            x[:3, 0] = np.nan
            x[5, 1] = np.inf
            np.savez(tmp_path / "n.npz", x=x, y=np.arange(40) % 2)
            return tmp_path / "n.npz", {}
        if kind == "npy_labels":
            np.save(tmp_path / "feat_x.npy", np.zeros((10, 2)))
            return tmp_path / "feat_x.npy", {}
        if kind == "ragged":
            (tmp_path / "rag.csv").write_text("a,b,label\n1,2,x\n3,y\n")
            return tmp_path / "rag.csv", {}
        if kind == "empty":
            (tmp_path / "empty.csv").write_text("")
            return tmp_path / "empty.csv", {}
        if kind == "option":
            return write_rows(tmp_path / "o.csv", ["a", "label"], [[1, 2]]), {"image_size": 32}
        if kind == "series_column":
            return write_series_csv(tmp_path / "s.csv"), {"column": "temp"}
        if kind == "text_short":
            (tmp_path / "short.txt").write_text("tiny")
            return tmp_path / "short.txt", {}
        raise AssertionError(kind)

    return make


@pytest.mark.parametrize("kind, error, fragments", [
    ("missing", MissingDataFileError, ["absent.csv", "no such file or folder"]),
    ("extension", DataFileError, ["data.xlsx", "unknown file type '.xlsx'", ".csv, .tsv"]),
    ("target", DataFileError, ["t.csv", "target column 'colour' not in", "columns are: a, b"]),
    ("one_class", DataFileError, ["one.csv", "has one class ('spam')"]),
    ("nan", DataFileError, ["nan.csv", "missing values in column(s) b (3 rows)"]),
    ("inf", DataFileError, ["inf.csv", "column 'a'", "1 infinite value(s)"]),
    ("npz_keys", DataFileError, ["k.npz", "holds the keys features, labels", "expected x, y"]),
    ("length", DataFileError, ["len.npz", "x has 10 samples but y has 9"]),
    ("npz_nan", DataFileError, ["n.npz", "array 'x'", "3 NaN and 1 infinite value(s)"]),
    ("npy_labels", MissingDataFileError, ["feat_x.npy", "no labels file", "feat_y.npy"]),
    ("ragged", DataFileError, ["rag.csv", "line 3 has 2 field(s), the header 3"]),
    ("empty", DataFileError, ["empty.csv", "is empty"]),
    ("option", DataFileError, ["o.csv", "image_size do not apply to a table", "it takes target"]),
    ("series_column", DataFileError, ["s.csv", "column 'temp' not in", "time, value"]),
    ("text_short", DataFileError, ["short.txt", "too short for window=64"]),
])
def test_bad_files_are_refused_naming_the_file_and_the_problem(bad, kind, error, fragments):
    path, options = bad(kind)
    with pytest.raises(error) as info:
        zoo.data.load(path, **options)
    assert isinstance(info.value, ValueError)  # Python callers catch one error type
    for fragment in fragments:
        assert fragment in str(info.value)


def test_a_name_is_not_taken_for_a_path_and_vice_versa(tmp_path):
    with pytest.raises(ValueError, match="unknown data set 'digitz'.*or a path to your data"):
        zoo.data.load("digitz")
    assert isinstance(MissingDataFileError("x"), FileNotFoundError)
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        zoo.data.load("./digits")
