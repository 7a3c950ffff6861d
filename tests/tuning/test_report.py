"""report.json is strict JSON (no NaN or Infinity anywhere) and equals the report in memory."""

import json

import numpy as np

from tuning.report import build_report, write_report
from tuning.search import SearchResult


def test_a_diverged_search_still_writes_strict_json(tmp_path):
    trial = {"trial_id": "0", "status": "COMPLETED", "score": 0.5, "best_step": 1,
             "seconds": 1.0, "worker": "tuner0", "attempts": 1,
             "hyperparameters": {"learning_rate": 0.1, "units": 8}}
    result = SearchResult(
        best_hyperparameters={"learning_rate": np.float32(0.1), "units": np.int64(8)},
        best_model=None, test_metrics={"loss": float("nan"), "accuracy": 0.5}, trials=[trial],
        objective="val_loss", direction="min", directory=str(tmp_path),
        refit={"mode": False, "seconds": 0.25})
    result.report = build_report(result, algorithm="random", strategy=None,
                                 search_seconds=float("inf"), dataset="digits", tuned=["units"])
    report = result.report
    assert report["test_metrics"] == {"loss": None, "accuracy": 0.5}
    assert report["search_seconds"] is None
    assert report["non_finite_values"] == ["$.test_metrics.loss", "$.search_seconds"]
    assert report["best_hyperparameters"] == {"learning_rate": np.float32(0.1).item(), "units": 8}
    assert type(report["best_hyperparameters"]["units"]) is int
    json.dumps(report, allow_nan=False)  # strict: raises on NaN or Infinity
    paths = write_report(result, tmp_path, tuned=["units"])
    text = (tmp_path / "report.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == report
    assert set(paths) == {"report", "trials", "model", "by_trial", "vs_hparams"}
    assert (tmp_path / "trials.csv").read_text().splitlines()[1].startswith("0,COMPLETED,0.5,1")
