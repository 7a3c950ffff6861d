"""Smoke tests of the benchmark scripts at their smallest size.

They check that every script runs and reports the fields the table, the JSON and
BENCHMARKS.md need. No timing is asserted: figures from a busy test machine mean
nothing.
"""

import json
import math

import pytest

from bench import __main__ as runner


def _finite_positive(value):
    return value is not None and math.isfinite(value) and value > 0


def _check_ratio_row(row, number):
    assert row["row"] == number and row["title"] and row["results"]
    for result in row["results"]:
        assert result["name"]
        figure = result.get("ratio") or result.get("value")
        assert set(figure) >= {"median", "min", "max", "n"}
        assert figure["min"] <= figure["median"] <= figure["max"]
    json.dumps(row, default=str)  # what latest.json stores


def test_factory_overhead_reports_paired_throughputs():
    from bench import factory_overhead

    row = factory_overhead.run(smoke=True, families=("fnn",))
    _check_ratio_row(row, 1)
    (result,) = row["results"]
    assert result["name"] == "build_fnn" and result["unit"] == "samples/s"
    assert result["ratio"]["n"] == 2 and result["target"] == 0.98
    assert _finite_positive(result["a_summary"]["median"])
    assert _finite_positive(result["b_summary"]["median"])
    assert "params" in result["note"]


def test_hand_written_models_match_the_factories_parameter_for_parameter():
    from bench import factory_overhead

    for family in ("fnn", "cnn", "lstm"):
        zoo_net = factory_overhead.zoo_model(family)
        hand = factory_overhead.hand_model(family, zoo_net)
        assert zoo_net.count_params() == hand.count_params()
        assert [w.shape for w in zoo_net.weights] == [w.shape for w in hand.weights]


@pytest.mark.slow
def test_input_pipeline_compares_three_choices_per_family():
    from bench import input_pipeline

    row = input_pipeline.run(smoke=True, families=("fnn",))
    _check_ratio_row(row, 2)
    names = [r["name"] for r in row["results"]]
    assert names == ["fnn: tf.data vs numpy", "fnn: jit_compile True vs False",
                     "fnn: steps_per_execution 8 vs 1"]
    assert all("first epoch" in r["note"] for r in row["results"])


@pytest.mark.slow
def test_tuner_efficiency_reports_time_to_target_and_overhead():
    from bench import tuner_efficiency

    row = tuner_efficiency.run(smoke=True)
    _check_ratio_row(row, 4)
    names = [r["name"] for r in row["results"]]
    assert names[:3] == ["time to 97.5%: random / hyperband", "time to 99.0%: random / hyperband",
                         "time to 97.5%: bayesian / hyperband"]
    assert [r["target"] for r in row["results"][:3]] == [2.0, 2.0, None]
    assert all("seconds per seed: hyperband [" in r["note"] for r in row["results"][:3])
    for algorithm in ("hyperband", "random", "bayesian"):
        (search,) = row["details"][algorithm]
        assert set(search["time_to_target"]) == {0.975, 0.99}
        assert search["trials"] >= 1 and search["epochs"] >= 1
        assert 0 <= search["overhead_share"] <= 1 and 0 <= search["tracing_share"] <= 1
        assert 0 < search["fit_seconds"] <= search["wall_seconds"]


@pytest.mark.slow
def test_distributed_tuning_runs_one_and_two_workers():
    from bench import distributed_tuning

    row = distributed_tuning.run(smoke=True)
    _check_ratio_row(row, 5)
    result, throughput = row["results"]
    assert result["a"] == "2 workers" and result["b"] == "1 worker"
    assert _finite_positive(result["ratio"]["median"]) and result["target"] == 1.6
    assert _finite_positive(throughput["value"]["median"]) and throughput["target"] is None


@pytest.mark.slow
def test_memory_measures_both_searches_in_fresh_processes():
    from bench import memory

    row = memory.run(smoke=True)
    _check_ratio_row(row, 6)
    long, short = row["details"]["long"], row["details"]["short"]
    assert long["trials"] == 2 and short["trials"] == 1
    assert len(long["rss_after_trial_mib"]) == 2
    assert long["peak_rss_mib"] > 100 and short["peak_rss_mib"] > 100  # the backend is loaded


@pytest.mark.slow
def test_image_folder_memory_searches_two_generated_folders_in_fresh_processes(tmp_path):
    from bench import image_folder_memory

    row = image_folder_memory.run(smoke=True, keep=str(tmp_path))
    _check_ratio_row(row, 8)
    large, small = row["details"]["large"], row["details"]["small"]
    assert (large["images"], small["images"]) == (200, 100) and large["trials"] == 1
    assert large["folder_bytes"] > small["folder_bytes"] > 0
    assert len(list((tmp_path / "images_200").glob("class_*/*.png"))) == 200
    assert large["peak_rss_mib"] > 100  # the backend is loaded


@pytest.mark.slow
def test_asha_vs_hyperband_times_both_to_the_target():
    from bench import asha_vs_hyperband

    row = asha_vs_hyperband.run(smoke=True)
    (result,) = row["results"]
    assert row["row"] == 9 and result["name"].startswith("1 worker: time to 99%")
    details = result["details"]
    assert len(details["asha_seconds"]) == len(details["hyperband_seconds"]) == 1
    for key in ("asha_total_seconds", "hyperband_total_seconds"):
        assert 0 < details[key][0] < 600
    for key in ("asha_seconds", "hyperband_seconds"):  # reached within the search, or never
        got = details[key][0]
        assert got is None or 0 < got <= details[key.replace("_seconds", "_total_seconds")][0]


@pytest.mark.slow
def test_cv_selection_compares_cv_and_one_split_over_seeds():
    from bench import cv_selection

    row = cv_selection.run(smoke=True)
    _check_ratio_row(row, 10)
    assert len(row["results"]) == 2
    for kind in ("cv", "split"):
        assert len(row["details"][kind]) == 2  # two search seeds each
        for run in row["details"][kind]:
            assert 0.0 <= run["chosen_accuracy"] <= 1.0 and 0.0 <= run["test_accuracy"] <= 1.0
    # One trial: both searches choose the same configuration, whatever cv does.
    assert [r["chosen"] for r in row["details"]["cv"]] == [
        r["chosen"] for r in row["details"]["split"]]


def test_accelerator_names_its_device(capsys):
    from bench import accelerator

    row = accelerator.run(smoke=True, workloads=("cnn",))
    assert row["device"] and row["policy"] == "float32"  # this CI machine has no GPU
    assert "running on" in capsys.readouterr().out
    _check_ratio_row(dict(row, row=0), 0)


@pytest.mark.slow
def test_accelerator_tuning_row_times_plain_keras_tuner_and_the_zoo_workers():
    from bench import accelerator

    row = accelerator.run(smoke=True, workloads=("tuning",))
    _check_ratio_row(dict(row, row=0), 0)
    names = [r["name"] for r in row["results"]]
    assert names == ["tuning: zoo with one process / plain keras-tuner, trials/min",
                     "tuning: zoo with 1 worker / plain keras-tuner, trials/min",
                     "tuning: zoo with 2 workers / plain keras-tuner, trials/min",
                     "tuning: 2 workers / 1 worker on one device, trials/min"]
    assert all(r["target"] == 3.0 and r["unit"] == "trials/min" for r in row["results"])
    assert set(row["tuning"]) == {"plain", "0", "1", "2"}
    for figures in row["tuning"].values():  # 2 trials a search
        seconds = figures["seconds"]["median"]
        assert _finite_positive(seconds)
        assert figures["per_trial_s"]["median"] == pytest.approx(seconds / 2)
        assert figures["trials_per_min"]["median"] == pytest.approx(120 / seconds)


def test_accelerator_refuses_unknown_workloads():
    from bench import accelerator

    with pytest.raises(ValueError, match="unknown workloads \\['tunning'\\]"):
        accelerator.run(smoke=True, workloads=("tunning",))


def test_runner_writes_json_and_markdown(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "ROWS", {1: ("tests.bench._fake_row", "Fake row"),
                                         2: ("bench.no_such_row", "Missing row")})
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "latest.json")
    monkeypatch.setattr(runner, "MARKDOWN", tmp_path / "BENCHMARKS.md")
    monkeypatch.setattr(runner, "QUICK_RESULTS", tmp_path / "quick.json")
    # A quick run writes its own, untracked file and leaves the tracked ones alone.
    assert runner.main(["--quick"]) == 0
    quick = json.loads((tmp_path / "quick.json").read_text())
    assert quick["mode"] == "quick" and quick["rows"]["1"]["results"][0]["note"] == "quick"
    assert not (tmp_path / "latest.json").exists() and not (tmp_path / "BENCHMARKS.md").exists()
    assert "quick.json" in capsys.readouterr().out
    assert runner.main([]) == 0
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert doc["mode"] == "full" and doc["machine"]["cpu_count"] >= 1
    backend = doc["versions"]["backend"]
    assert doc["versions"][backend] and doc["devices"]  # the Keras backend and its version
    fake = doc["rows"]["1"]
    assert fake["status"] == "ok" and fake["results"][0]["ratio"]["median"] == 1.5
    assert fake["results"][0]["ratio"]["min"] == 1.4 and fake["results"][0]["met"] is True
    assert doc["rows"]["2"]["status"].startswith("not available")
    markdown = (tmp_path / "BENCHMARKS.md").read_text()
    assert "| 1 | Fake row | 1.5x | 1.4-1.6 | 3 | >= 1.3 | yes | - |" in markdown
    assert "not available" in markdown and "not been run on an accelerator" in markdown
    out = capsys.readouterr().out
    assert "Fake row" in out and "1.5x" in out

    # Running one row keeps the others from the previous latest.json.
    assert runner.main(["--rows", "1"]) == 0
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert set(doc["rows"]) == {"1", "2"} and doc["rows"]["1"]["mode"] == "full"


def test_markdown_carries_the_hand_written_notes(tmp_path, monkeypatch):
    notes = {"decisions": [
        {"default": "a default", "where": "zoo/x.py", "row": 1, "results": ["fake: a / b"],
         "why": "it measured better"},
        {"default": "an unmeasured default", "where": "zoo/y.py", "row": None, "results": [],
         "why": "a reason"}],
        "interpretation": ["- Row 1 reads like this."]}
    (tmp_path / "notes.json").write_text(json.dumps(notes))
    monkeypatch.setattr(runner, "NOTES", tmp_path / "notes.json")
    monkeypatch.setattr(runner, "ROWS", {1: ("tests.bench._fake_row", "Fake row")})
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "latest.json")
    monkeypatch.setattr(runner, "MARKDOWN", tmp_path / "BENCHMARKS.md")
    assert runner.main([]) == 0
    markdown = (tmp_path / "BENCHMARKS.md").read_text()
    assert "- Row 1 reads like this." in markdown
    assert "- a default (zoo/x.py): it measured better. Measured (row 1): " in markdown
    assert "- an unmeasured default (zoo/y.py): a reason." in markdown
    # The real notes file holds every decision BENCHMARKS.md prints; none is left in code.
    real = runner.load_notes(runner.ROOT / "bench" / "results" / "notes.json")
    assert real["decisions"] and real["interpretation"]
    assert not hasattr(runner, "DECISIONS") and not hasattr(runner, "INTERPRETATION")


def test_runner_refuses_unknown_rows():
    with pytest.raises(SystemExit, match="no row 99"):
        runner.parse_rows("1,99")
    assert runner.parse_rows(None) == sorted(runner.ROWS)


@pytest.mark.slow
def test_dcgan_row_wraps_the_dcgan_script():
    pytest.importorskip("bench.dcgan_vs_keras_io")
    from bench import dcgan_row

    row = dcgan_row.run(smoke=True)
    _check_ratio_row(row, 3)
    # The default zoo DCGAN and the plain one (no augmentation, no weight average)
    # against the reference (training=True), and the default against the example as
    # written (no target: it trains a different network).
    default, plain, as_written = row["results"]
    assert "plain" in plain["name"] and plain["b_summary"] == default["b_summary"]
    for result in (default, plain):
        assert result["target"] == 1.3 and result["ratio"]["n"] == 1
        assert _finite_positive(result["a_summary"]["median"])
    assert "as written" in as_written["name"] and "target" not in as_written
    assert as_written["a_summary"] == default["a_summary"]
    assert _finite_positive(as_written["b_summary"]["median"])


def test_quick_results_are_not_tracked_by_git():
    import subprocess

    path = runner.QUICK_RESULTS.relative_to(runner.ROOT)
    ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=runner.ROOT)
    assert ignored.returncode == 0, f"{path} is not ignored by git"


def test_cli_startup_times_each_command_against_half_a_second():
    from bench import cli_startup

    row = cli_startup.run(smoke=True)
    _check_ratio_row(row, 7)
    names = [r["name"] for r in row["results"]]
    assert names[:2] == ["zoo --help", "zoo list"] and names[-1].endswith("(reference)")
    for result in row["results"]:
        assert _finite_positive(result["value"]["median"]) and result["unit"] == "s"
        if result["target"] is not None:
            assert result["target"] == 0.5
            assert result["met"] is (result["value"]["median"] <= 0.5)
