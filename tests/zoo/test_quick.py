"""ZOO_QUICK=1: every zoo job trains at most 2 epochs and a search runs at most 2 trials."""

import logging

import pytest

from zoo import _quick as quick


def test_the_cap_applies_only_when_the_variable_is_set(monkeypatch, caplog):
    monkeypatch.delenv("ZOO_QUICK", raising=False)
    assert not quick.enabled() and quick.cap("train", "epochs", 30, 2) == 30
    for off in ("", "0"):
        monkeypatch.setenv("ZOO_QUICK", off)
        assert not quick.enabled()
    monkeypatch.setenv("ZOO_QUICK", "1")
    with caplog.at_level(logging.WARNING, logger="zoo"):
        assert quick.cap("train", "epochs", 30, 2) == 2
        assert quick.cap("train", "epochs", 1, 2) == 1  # already below: unchanged, no warning
        assert quick.cap("run_search", "max_trials", None, 2) == 2  # "no limit" is capped
    assert [r.getMessage() for r in caplog.records] == [
        "train: ZOO_QUICK=1 caps epochs at 2 (asked: 30)",
        "run_search: ZOO_QUICK=1 caps max_trials at 2 (asked: no limit)"]


def test_train_and_compare_run_at_most_two_epochs(monkeypatch):
    import zoo
    from zoo.compare import compare

    monkeypatch.setenv("ZOO_QUICK", "1")
    result = zoo.train("fnn", "digits", epochs=30, patience=None, verbose=0)
    assert len(result.history["loss"]) == 2 and result.config["epochs"] == 2
    rows = compare("fnn", "digits", {"activation": ["relu"]}, epochs=10, seeds=1, verbose=0)
    assert rows[0]["epochs_run_mean"] == 2


@pytest.mark.slow
def test_a_search_runs_at_most_two_trials_of_two_epochs(monkeypatch, tmp_path):
    from tuning import run_search

    monkeypatch.setenv("ZOO_QUICK", "1")
    result = run_search("fnn", "digits", "random", max_trials=10, max_epochs=10,
                        directory=str(tmp_path), verbose=0)
    assert len(result.trials) == 2
    assert result.report["num_trials"] == 2
    assert all(len(t.metrics.get_history("loss")) <= 2
               for t in result.tuner.oracle.trials.values())
