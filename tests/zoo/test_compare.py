"""zoo.compare: grids of training runs, summaries and the files they write."""

import csv
import json

import pytest

from zoo.compare import allowed_keys, compare, format_summary, parse_vary


def test_two_by_one_by_two_grid_writes_json_csv_and_png(tmp_path):
    from zoo.backend import custom_gradient_names  # TensorFlow's registry; empty elsewhere

    registered = custom_gradient_names()
    seen = []
    rows = compare("fnn", "digits", {"activation": ["relu", "tanh"], "hidden_units": [(16,)]},
                   epochs=3, seeds=2, target=0.5, out_dir=tmp_path, batch_size=64,
                   learning_rate=0.01, progress=lambda run, i, n: seen.append((i, n)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert custom_gradient_names() == registered  # the runs' graphs are not kept
    assert [r["label"] for r in rows] == ["activation=relu hidden_units=16",
                                          "activation=tanh hidden_units=16"]
    for row in rows:
        assert row["metric"] == "val_accuracy" and row["seeds"] == 2
        assert [run["seed"] for run in row["runs"]] == [0, 1]
        finals = [run["history"]["val_accuracy"][-1] for run in row["runs"]]
        assert row["final_mean"] == pytest.approx(sum(finals) / 2)
        assert row["final_mean"] > 0.5  # it learns: 10 classes, chance is 0.1
        assert row["best_mean"] >= row["final_mean"] - 1e-9
        assert len(row["curve"]) == 3 and row["epochs_run_mean"] == 3
        assert row["reached"] == 2 and 1 <= row["epochs_to_target_mean"] <= 3
        assert row["wall_time_mean"] > 0
    # The runs really differ by activation and seed.
    assert rows[0]["runs"][0]["history"] != rows[1]["runs"][0]["history"]
    assert rows[0]["runs"][0]["history"] != rows[0]["runs"][1]["history"]

    report = json.loads((tmp_path / "results.json").read_text())
    assert len(report["combinations"]) == 2
    assert report["combinations"][1]["params"] == {"activation": "tanh", "hidden_units": [16]}
    with (tmp_path / "results.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert [(r["activation"], r["hidden_units"]) for r in table] == [("relu", "16"),
                                                                     ("tanh", "16")]
    assert float(table[0]["final_mean"]) == pytest.approx(rows[0]["final_mean"])
    png = (tmp_path / "learning_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    text = format_summary(rows)
    assert "activation=tanh hidden_units=16" in text and "±" in text and "epochs to target" in text


def test_training_keys_and_data_options_reach_train():
    rows = compare("fnn", "regression", {"learning_rate": [0.001, 0.03],
                                         "data.n_samples": [300]},
                   epochs=2, seeds=1, model_kwargs={"hidden_units": (8,)})
    assert [r["metric"] for r in rows] == ["val_mae", "val_mae"]
    histories = [r["runs"][0]["history"] for r in rows]
    assert histories[0]["learning_rate"][0] == pytest.approx(0.001)
    assert histories[1]["learning_rate"][0] == pytest.approx(0.03)
    # MAE: lower is better, so "best" is the minimum of the curve.
    assert rows[1]["best_mean"] <= rows[1]["final_mean"] + 1e-9


@pytest.mark.parametrize("vary,match", [
    ({"activaton": ["relu"]}, r"cannot vary 'activaton'.*allowed keys: activation.*Did you mean"),
    ({"seed": [1, 2]}, "cannot vary 'seed'"),
    ({"activation": []}, "at least one value"),
])
def test_bad_vary_is_refused_before_training(vary, match):
    with pytest.raises(ValueError, match=match):
        compare("fnn", "digits", vary, epochs=1, seeds=1)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="vary"):
        compare("fnn", "digits", {}, epochs=1)
    with pytest.raises(TypeError, match="list of values"):
        compare("fnn", "digits", {"activation": "relu"}, epochs=1)
    with pytest.raises(ValueError, match="both varied and fixed"):
        compare("fnn", "digits", {"batch_size": [16]}, batch_size=32)
    with pytest.raises(ValueError, match="seeds"):
        compare("fnn", "digits", {"activation": ["relu"]}, seeds=0)
    with pytest.raises(ValueError, match="unknown model"):
        compare("resnet", "digits", {"activation": ["relu"]})


def test_allowed_keys_cover_factory_and_training_arguments():
    keys = allowed_keys("fnn")
    for key in ("activation", "kernel_initializer", "hidden_units", "batch_norm", "dropout",
                "optimizer", "learning_rate", "loss", "schedule", "batch_size"):
        assert key in keys
    assert "seed" not in keys and "input_shape" not in keys
    assert "filters" in allowed_keys("cnn")


@pytest.mark.parametrize("text,expected", [
    ("activation=relu,tanh", ("activation", ["relu", "tanh"])),
    ("learning_rate=1e-3,0.01", ("learning_rate", [0.001, 0.01])),
    ("batch_norm=true,false", ("batch_norm", [True, False])),
    ("hidden_units=64,32|128", ("hidden_units", [(64, 32), 128])),
    ("hidden_units=64x32,128", ("hidden_units", [(64, 32), 128])),
    ("hidden_units=64x32|128x64x32", ("hidden_units", [(64, 32), (128, 64, 32)])),
    ("schedule=none,one_cycle", ("schedule", [None, "one_cycle"])),
])
def test_parse_vary(text, expected):
    assert parse_vary(text) == expected


@pytest.mark.parametrize("text", ["activation", "=relu", "activation="])
def test_parse_vary_refuses_malformed_options(text):
    with pytest.raises(ValueError, match="--vary"):
        parse_vary(text)


@pytest.mark.parametrize("vary, match", [
    ({"activation": ["relu", "relux"]}, "activation='relux'"),
    ({"hidden_units": [(16,), (100_000_000,)]}, "7,500,000,010 parameters"),
    ({"data.val_size": [0.1, 0.9]}, "val_size=0.9"),
    ({"optimizer": ["adam", "adamx"]}, "optimizer='adamx'"),
    ({"learning_rate": [1e-3, float("nan")]}, "finite number"),
])
def test_every_combination_is_checked_before_the_first_trains(vary, match, monkeypatch,
                                                              tmp_path):
    import keras

    def fit(*args, **kwargs):
        raise AssertionError("a combination trained before the bad one was refused")

    monkeypatch.setattr(keras.Model, "fit", fit)
    with pytest.raises(ValueError, match=match):
        compare("fnn", "digits", vary, epochs=1, seeds=1, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
