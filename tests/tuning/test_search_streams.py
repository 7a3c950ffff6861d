"""run_search on streamed data: an image folder by path (batched at each trial's tuned batch
size), and the tf.data datasets of keras.utils.image_dataset_from_directory: the same kind of
result and report as with arrays."""

import json

import keras
import numpy as np
import pytest

import zoo
from tests.tuning._helpers import SMALL
from tests.zoo.data._files import write_digit_folder
from tuning import run_search
from tuning.search import SearchResult

#: A one-epoch, one-trial search: these tests check the plumbing, not the accuracy.
BUDGET = {"algorithm": "random", "max_trials": 1, "max_epochs": 1, "seed": 0,
          "fixed": {**SMALL, "filters": 8, "batch_size": 32}}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_digit_folder(tmp_path_factory.mktemp("img") / "digits", size=8, per_class=30)


def _keras_splits(folder):
    train, rest = keras.utils.image_dataset_from_directory(
        folder, validation_split=0.3, subset="both", seed=0, image_size=(8, 8),
        color_mode="grayscale", batch_size=32, verbose=False)
    return train, rest.take(2), rest.skip(2)


def test_image_dataset_from_directory_splits_give_the_result_and_report_of_arrays(tmp_path,
                                                                                 folder):
    train, val, test = _keras_splits(folder)
    streamed = run_search("cnn", (train, val, test), directory=tmp_path / "s", **BUDGET)
    x = np.concatenate([np.asarray(b[0]) for b in train])
    y = np.concatenate([np.asarray(b[1]) for b in train])
    xv = np.concatenate([np.asarray(b[0]) for b in val])
    yv = np.concatenate([np.asarray(b[1]) for b in val])
    xt = np.concatenate([np.asarray(b[0]) for b in test])
    yt = np.concatenate([np.asarray(b[1]) for b in test])
    arrays = run_search("cnn", (x, y, xv, yv, xt, yt), directory=tmp_path / "a", **BUDGET)
    assert type(streamed) is type(arrays) is SearchResult
    assert streamed.test_metrics.keys() == arrays.test_metrics.keys() == {"accuracy", "loss"}
    assert 0.0 <= streamed.test_metrics["accuracy"] <= 1.0
    assert len(streamed.trials) == 1 and streamed.trials[0]["status"] == "COMPLETED"
    assert streamed.refit["mode"] == "train+val" and isinstance(streamed.best_model,
                                                                 keras.Model)
    reports = [json.loads((tmp_path / d / "report.json").read_text()) for d in ("s", "a")]
    assert reports[0].keys() == reports[1].keys()
    assert reports[0]["dataset"] == "stream" and reports[0]["test_metrics"] == \
        streamed.test_metrics
    # The caller's batches are kept: batch_size is not a searched hyperparameter then.
    assert "batch_size" not in reports[0]["tuned_hyperparameters"]
    assert (tmp_path / "s" / "best_model.keras").exists()


def test_image_folder_path_is_streamed_at_the_tuned_batch_size(tmp_path, folder):
    budget = dict(BUDGET, fixed={k: v for k, v in BUDGET["fixed"].items() if k != "batch_size"},
                  ranges={"batch_size": [16]})
    result = run_search("cnn", folder, directory=tmp_path, **budget)
    data = zoo.data.load(folder, seed=0)
    assert result.best_hyperparameters["batch_size"] == 16
    assert result.refit["samples"] == data.size("train") + data.size("val")
    assert result.report["dataset"] == "digits"
    saved = json.loads((tmp_path / "preprocessing.json").read_text())
    assert saved["kind"] == "images" and saved["class_names"] == [str(i) for i in range(10)]
    out = zoo.predict(tmp_path, folder / "3")
    assert len(out.ids) == 30 and set(out.predictions) <= {str(i) for i in range(10)}


def test_own_build_function_and_retrain_on_a_folder(tmp_path, folder):
    def build(hp):
        model = zoo.build_cnn((8, 8, 1), task="multiclass", num_classes=10,
                              filters=(hp.Choice("filters", [4, 8]),), dense_units=(16,))
        return model

    result = run_search(build, folder, "random", max_trials=1, max_epochs=1, refit="train",
                        directory=tmp_path)
    assert result.refit["mode"] == "train" and "accuracy" in result.test_metrics


def test_streams_without_a_test_split_and_refused_with_workers(tmp_path, folder):
    train, val, _ = _keras_splits(folder)
    result = run_search("cnn", {"train": train, "val": val}, directory=tmp_path / "a",
                        **BUDGET)
    assert result.test_metrics == {}
    with pytest.raises(ValueError, match="needs data every process can read"):
        run_search("cnn", (train, val), directory=tmp_path / "b", workers=1, **BUDGET)
    assert not (tmp_path / "b" / "search").exists()


def test_pydataset_splits_are_searched_and_refit_joined(tmp_path):
    digits = zoo.data.load("digits", seed=0)

    class Batches(keras.utils.PyDataset):
        def __init__(self, x, y):
            super().__init__()
            self.x, self.y = x, y

        def __len__(self):
            return len(self.x) // 64

        def __getitem__(self, i):
            return self.x[64 * i: 64 * (i + 1)], self.y[64 * i: 64 * (i + 1)]

    splits = tuple(Batches(getattr(digits, f"x_{s}"), getattr(digits, f"y_{s}"))
                   for s in ("train", "val", "test"))
    result = run_search("cnn", splits, directory=tmp_path, data_options={"num_classes": 10},
                        **BUDGET)
    assert result.report["dataset"] == "stream" and 0.0 <= result.test_metrics["accuracy"] <= 1
    assert result.refit == {**result.refit, "mode": "train+val", "samples": None}


@pytest.mark.slow
def test_an_image_folder_path_goes_to_isolated_workers_as_json(tmp_path, folder):
    """Workers get the folder's path in worker_job.json and read the images themselves."""
    result = run_search("cnn", folder, directory=tmp_path, workers=1, **BUDGET)
    spec = json.loads((tmp_path / "search" / "worker_job.json").read_text())
    assert spec["data"]["name"] == str(folder) and spec["data"]["input_kind"] == "image"
    assert not (tmp_path / "search" / "worker_data.npz").exists()  # no arrays copied
    assert len(result.trials) == 1 and result.trials[0]["status"] == "COMPLETED"
    assert 0.0 <= result.test_metrics["accuracy"] <= 1.0
    assert result.report["trials_per_worker"] == {"tuner0": 1}  # the one worker ran it
