"""zoo.text.saving end to end: a char LSTM trained by `zoo train` beats the baselines and
reloads with `zoo sample` in a fresh process; `zoo sample` user errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import zoo
from zoo import text


@pytest.mark.slow
def test_char_lstm_beats_ngram_baselines_and_reloads_in_a_fresh_process(tmp_path, capsys):
    from zoo.cli import main

    out = tmp_path / "char"
    options = {"window": 64, "max_chars": 200_000}
    code = main(["-q", "train", "lstm", "--data", "text", "--epochs", "4", "--batch-size", "64",
                 "--learning-rate", "0.005", "--param", "units=256", "--seed", "0",
                 *[f"--data-option={k}={v}" for k, v in options.items()], "--out", str(out)])
    assert code == 0
    assert (out / "model.keras").is_file() and (out / "vocab.json").is_file()
    capsys.readouterr()

    model, vocab = text.load_model(out)
    ds = zoo.data.load("text", **options)
    assert vocab == ds.meta["vocab"]
    t = ds.meta["texts"]
    ppl = text.perplexity(model, vocab, t["test"])
    uni = text.unigram_perplexity(vocab, t["train"], t["test"])
    bi = text.bigram_perplexity(vocab, t["train"], t["test"], val_text=t["val"])
    print(f"\nheld-out perplexity: lstm {ppl:.2f}, unigram {uni:.2f}, bigram {bi:.2f}")
    assert ppl <= 0.65 * uni
    assert ppl < bi

    first = text.sample(model, vocab, "Return the ", 60, temperature=0.5, seed=7)
    assert first == text.sample(model, vocab, "Return the ", 60, temperature=0.5, seed=7)
    assert first != text.sample(model, vocab, "Return the ", 60, temperature=0.5, seed=8)

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run(
        [sys.executable, "-m", "zoo.cli", "sample", str(out), "--seed-text", "Return the ",
         "--length", "60", "--temperature", "0.5", "--seed", "7"],
        capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Return the " + first + "\n"


def test_sample_command_reports_user_errors(tmp_path, capsys):
    from zoo.cli import main

    assert main(["sample", str(tmp_path), "--temperature", "0"]) == 2
    assert "--temperature" in capsys.readouterr().err
    assert main(["sample", str(tmp_path), "--length", "5"]) == 2
    assert "no saved model" in capsys.readouterr().err
    assert main(["sample", str(tmp_path), "--seed-text", ""]) == 2
    assert "--seed-text" in capsys.readouterr().err
