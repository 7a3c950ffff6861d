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
    captured = capsys.readouterr()
    text = captured.out
    assert code == 0
    # One line per trial, once: on stdout, never again in the log on stderr.
    trial_lines = [line for line in text.splitlines() if line.startswith("[trial ")]
    assert [line.split("]")[0] for line in trial_lines] == ["[trial 1/2", "[trial 2/2"]
    assert all(" val_loss=" in line and " best=" in line for line in trial_lines)
    assert "[trial" not in captured.err
    assert text.splitlines()[0].startswith("hyperband search of cnn on digits")
    assert "top 5 trials" in text and "test metrics of the final model: accuracy=" in text
    assert text.count("test metrics of the") == 1
    report = json.loads((out / "report.json").read_text())
    assert report["num_trials"] == 2
    assert report["best_hyperparameters"]["conv_blocks"] == 1
    assert report["best_hyperparameters"]["filters"] == 32
    assert (out / "best_model.keras").exists() and (out / "trials.csv").exists()
    assert "hyperparameters trained on train+val (1527 samples)" in text
    assert f"report.json, trials.csv, best_model.keras and plots in {out}" in text
    assert report["refit"]["mode"] == "train+val"
    # Same job again, quiet, with --refit none: no new trial, the best trial's own
    # checkpoint; no progress, only the results.
    assert _zoo_main(["-q", "tune", "cnn", "--data", "digits", "--algorithm", "hyperband",
                      "--max-epochs", "2", "--fixed", "conv_blocks=1", "--range",
                      "filters=[32]", "--drop", "schedule", "--refit", "none",
                      "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "[trial" not in text and "search of cnn" not in text
    assert "best model: best trial's checkpoint" in text
    assert "test metrics of the best model: accuracy=" in text
    assert json.loads((out / "report.json").read_text())["refit"]["mode"] is False


@pytest.mark.parametrize("argv, message", [
    (["tune", "cnn", "--algorithm", "simulated"], "unknown algorithm='simulated'"),
    (["tune", "resnet"], "unknown model 'resnet'"),
    (["tune", "cnn", "--max-trials", "0", "--algorithm", "random"],
     "`max_trials` must be an int >= 1, received max_trials=0"),
    (["tune", "cnn", "--factor", "1"], "`factor` must be an int >= 2, received factor=1"),
    (["tune", "cnn", "--algorithm", "random", "--factor", "3"],
     "`factor` does not apply to algorithm='random'"),
    (["tune", "cnn", "--fixed", "dropout=1.5"], "the model does not accept fixed['dropout']=1.5"),
    (["tune", "cnn", "--fixed", "activation=swoosh"], "unknown activation='swoosh'"),
    (["tune", "cnn", "--objective", "val_f1"], "does not report objective 'val_f1'"),
    (["tune", "cnn", "--cv", "1"], "`cv` must be an int >= 2, received cv=1"),
    (["tune", "cnn", "--cv", "5", "--refit", "train"], "`cv` needs refit='train+val'"),
    (["tune", "cnn", "--role", "worker", "--oracle", "127.0.0.1:9"],
     "no tuning chief answered at 127.0.0.1:9"),
    (["tune", "cnn", "--workers", "-1"],
     "`workers` must be an int >= 0 or 'auto', received workers='-1'"),
    (["tune", "cnn", "--workers", "auto", "--role", "chief"],
     "workers='auto' runs local workers"),
])
def test_user_errors_are_one_line_with_exit_code_2(tmp_path, capsys, argv, message):
    code = _zoo_main(argv + ["--out", str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("zoo: error: ") and message in err[-1]


def _tune_parser():
    import argparse

    parser = argparse.ArgumentParser(prog="zoo tune")
    cli.add_arguments(parser)
    return parser


def _default_shown(help_text, flag):
    """The text of ``(default: ...)`` in the help of ``flag``, or None."""
    options = help_text.split(" options: ", 1)[1]
    flags = ["--data", *[f for f, _, _ in cli.OPTIONS], "--top"]
    start = options.index(f" {flag} ")
    later = flags[flags.index(flag) + 1:]
    end = options.index(f" {later[0]} ", start) if later else len(options)
    entry = options[start:end]
    if "(default: " not in entry:
        return None
    return entry.split("(default: ", 1)[1].rsplit(")", 1)[0]


def test_help_shows_the_defaults_the_code_uses():
    from dataclasses import fields

    from tuning.config import ALGORITHM_ONLY, ALGORITHM_SETTINGS, ALGORITHMS, SearchConfig

    parser = _tune_parser()
    text = " ".join(parser.format_help().split())
    declared = {f.name: f.default for f in fields(SearchConfig)}
    checked = 0
    for flag, name, kwargs in cli.OPTIONS:
        default, shown = parser.get_default(name), _default_shown(text, flag)
        if kwargs.get("action") in ("append", "store_true"):
            assert not default and not declared[name], name  # nothing given: the config's
            # --objective (repeatable) shows the objective's default: one metric, val_loss.
            assert shown == (declared["objective"] if name == "objectives" else None), name
            continue
        assert default == ("none" if declared[name] is False else declared[name]), name
        assert shown, f"{flag} shows no default"
        for algorithm in ALGORITHMS:
            if name in ALGORITHM_ONLY and name not in ALGORITHM_SETTINGS[algorithm]:
                continue
            used = getattr(SearchConfig(algorithm=algorithm) if name != "algorithm"
                           else SearchConfig(), name)
            if used is not None:
                assert ("none" if used is False else str(used)) in shown, (flag, algorithm)
                checked += 1
    assert checked >= 25
    assert _default_shown(text, "--max-epochs") == (
        "10 for random, bayesian, grid; 27 for hyperband, asha")
    assert _default_shown(text, "--data") == "digits"


def test_no_option_given_is_the_configs_defaults():
    from tuning.config import SearchConfig

    args = _tune_parser().parse_args(["cnn"])
    assert SearchConfig(**cli.settings(args)) == SearchConfig()
    args = _tune_parser().parse_args(["cnn", "--fixed", "units=64", "--range", "filters=16,32",
                                      "--drop", "schedule", "--refit", "none", "--factor", "4"])
    config = SearchConfig(**cli.settings(args))
    assert (config.fixed, config.ranges, config.drop, config.refit, config.factor) == (
        {"units": 64}, {"filters": [16, 32]}, ("schedule",), False, 4)
    for given, workers in (("3", 3), ("auto", "auto"), ("Auto", "auto")):
        args = _tune_parser().parse_args(["cnn", "--workers", given])
        assert SearchConfig(**cli.settings(args)).workers == workers


def test_the_tune_command_line_loads_without_keras():
    import subprocess
    import sys

    code = ("import sys, argparse; import tuning.cli as c; c.add_arguments(argparse.ArgumentParser())"
            "; import tuning; tuning.SearchConfig(algorithm='random')"
            "; heavy = [m for m in ('keras', 'tensorflow', 'keras_tuner') if m in sys.modules]"
            "; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    assert out.strip() == "[]"


def _zoo(*args, cwd=None, timeout=600):
    import subprocess
    import sys

    from tests.zoo.test_cli import user_env

    return subprocess.run([sys.executable, "-m", "zoo.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=user_env())


@pytest.mark.parametrize("module", ["tuning", "tuning.cli"])
def test_python_m_tuning_is_zoo_tune(tmp_path, module):
    """``python -m tuning.cli`` used to crash on ``args.quiet``; both are ``zoo tune`` now."""
    import subprocess
    import sys

    from tests.zoo.test_cli import user_env

    proc = subprocess.run([sys.executable, "-m", module, "fnn", "--data", "nosuch",
                           "--out", str(tmp_path / "t")], capture_output=True, text=True,
                          timeout=120, env=user_env())
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("zoo: error:") and "'nosuch'" in proc.stderr
    assert not (tmp_path / "t").exists()


@pytest.mark.slow
def test_a_two_worker_search_prints_no_chatter_and_one_line_per_trial(tmp_path):
    from tests.zoo.test_cli import chatter

    proc = _zoo("tune", "fnn", "--algorithm", "random", "--max-trials", "3", "--max-epochs",
                "1", "--workers", "2", "--out", str(tmp_path / "w2"))
    assert proc.returncode == 0, proc.stderr
    assert chatter(proc.stderr) == [], proc.stderr
    trial_lines = [line for line in proc.stdout.splitlines() if line.startswith("[trial ")]
    assert sorted(line.split("]")[0] for line in trial_lines) == [
        "[trial 1/3", "[trial 2/3", "[trial 3/3"]
    assert {line.split()[3] for line in trial_lines} <= {"tuner0", "tuner1"}
    assert "[trial" not in proc.stderr
    report = json.loads((tmp_path / "w2" / "report.json").read_text())
    assert report["num_trials"] == 3


@pytest.mark.slow
def test_tune_lstm_on_text_then_sample_from_its_best_model(tmp_path):
    from tests.zoo.test_cli import chatter

    job = tmp_path / "tune_text"
    proc = _zoo("tune", "lstm", "--data", "text", "--max-trials", "2", "--out", str(job))
    assert proc.returncode == 0, proc.stderr
    assert chatter(proc.stderr) == [], proc.stderr
    assert "vocab.json" in proc.stdout
    report = json.loads((job / "report.json").read_text())
    assert report["num_trials"] == 2 and (job / "vocab.json").exists()
    samples = [_zoo("sample", str(job), "--seed-text", "Return the ", "--length", "60",
                    "--seed", "3") for _ in range(2)]
    for sample in samples:
        assert sample.returncode == 0, sample.stderr
        assert sample.stdout.startswith("Return the ") and len(sample.stdout.strip()) >= 60
    assert samples[0].stdout == samples[1].stdout  # seeded
    again = _zoo("sample", str(job / "best_model.keras"), "--length", "20", "--seed", "3")
    assert again.returncode == 0, again.stderr
