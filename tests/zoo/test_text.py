"""Character-level text: vocabulary, corpus, windows, baselines, sampling and a real model."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import zoo
from zoo import text
from zoo.text import CharVocabulary

# ----------------------------------------------------------------------------- vocabulary


def test_vocabulary_encodes_decodes_and_handles_unknown_characters():
    vocab = CharVocabulary.fit("hello world")
    assert vocab.size == len(set("hello world")) + 1
    assert vocab.chars == tuple(sorted(set("hello world")))
    ids = vocab.encode("hello")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "hello"
    assert vocab.encode("hex!").tolist()[-2:] == [0, 0]
    assert vocab.decode(vocab.encode("hex!")) == "he\ufffd\ufffd"
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 9\)"):
        vocab.decode([9])


def test_vocabulary_round_trips_through_config_and_json(tmp_path):
    vocab = CharVocabulary.fit("The quick brown fox.\nJumps!")
    assert CharVocabulary.from_config(vocab.get_config()) == vocab
    path = vocab.save(tmp_path)
    assert path.name == text.VOCAB_FILE
    assert json.loads(path.read_text())["format"] == "zoo.CharVocabulary"
    assert CharVocabulary.load(tmp_path) == vocab
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="not a saved CharVocabulary"):
        CharVocabulary.load(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError):
        CharVocabulary.load(tmp_path / "missing.json")


def test_vocabulary_bad_input():
    with pytest.raises(ValueError, match="`text` is empty"):
        CharVocabulary.fit("")
    with pytest.raises(TypeError, match="`text` must be a string"):
        CharVocabulary.fit(b"bytes")
    with pytest.raises(ValueError, match="must not repeat"):
        CharVocabulary("aa")
    with pytest.raises(ValueError, match="min_count=5"):
        CharVocabulary.fit("abc", min_count=5)


# ----------------------------------------------------------------------------- corpus / data


def test_corpus_is_deterministic_english_of_a_few_hundred_kb():
    corpus = text.load_corpus()
    assert corpus == text.load_corpus()
    assert 200_000 < len(corpus) < 2_000_000
    assert set(corpus) <= {chr(c) for c in range(32, 127)} | {"\n"}
    assert corpus.count(" the ") > 1000
    assert text.load_corpus(seed=1) != corpus and sorted(text.load_corpus(seed=1)) == sorted(corpus)


def test_load_text_splits_by_position_and_carries_model_arguments():
    ds = zoo.data.load("text", window=32, max_chars=60_000)
    texts, vocab = ds.meta["texts"], ds.meta["vocab"]
    assert texts["train"] + texts["val"] + texts["test"] == text.load_corpus()[:60_000]
    assert len(texts["test"]) == 6000 and len(texts["val"]) == 6000
    assert vocab == CharVocabulary.fit(texts["train"])
    assert ds.x_train.shape == (len(range(0, len(texts["train"]) - 32, 32)), 32)
    np.testing.assert_array_equal(ds.x_train[:, 1:], ds.y_train[:, :-1])
    assert vocab.decode(ds.x_train[0]) == texts["train"][:32]
    assert ds.task == "multiclass" and ds.num_classes == vocab.size
    assert ds.model_kwargs() == {"input_shape": (32,), "task": "multiclass",
                                 "num_classes": vocab.size, "vocab_size": vocab.size,
                                 "return_sequences": True}
    last = zoo.data.load("text", window=16, max_chars=20_000, target="last")
    assert last.y_train.shape == (len(last.meta["texts"]["train"]) - 16,)
    assert last.model_kwargs()["return_sequences"] is False


def test_tf_data_pipeline_gives_the_same_windows():
    vocab = CharVocabulary.fit("abcdefghij")
    ids = vocab.encode("abcdefghij" * 5)
    for target, stride in (("sequence", None), ("last", 3)):
        x, y = text.make_text_windows(ids, 8, stride=stride, target=target)
        batches = list(text.make_dataset(ids, vocab, 8, stride=stride, target=target,
                                         batch_size=4, shuffle=False))
        np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
        np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), y)
    shuffled = [b[0].numpy() for b in text.make_dataset(ids, vocab, 4, batch_size=64, seed=1)]
    again = [b[0].numpy() for b in text.make_dataset(ids, vocab, 4, batch_size=64, seed=1)]
    np.testing.assert_array_equal(shuffled[0], again[0])


@pytest.mark.parametrize("call, match", [
    (lambda: text.make_text_windows(np.arange(5), 8), "5 characters, too short for window=8"),
    (lambda: text.make_dataset("", CharVocabulary("ab"), 4), "`text` is empty"),
    (lambda: zoo.data.load("text", window=5000, max_chars=20_000),
     "too short for window=5000"),
    (lambda: zoo.data.load("text", window=0), "`window`"),
    (lambda: zoo.data.load("text", target="every"), "target"),
])
def test_too_short_text_and_bad_options(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------------------- baselines


def test_ngram_baselines_against_hand_computed_values():
    vocab = CharVocabulary.fit("ab")
    # add-one unigram: counts a=3, b=1, unknown=0 -> (4, 2, 1) / 7
    assert text.unigram_perplexity(vocab, "aaab", "ab") == pytest.approx(7 / 2)
    # bigram with weight 1 on a seen context: p(b | a) = count(ab) / count(a.) = 1 / 3
    assert text.bigram_perplexity(vocab, "aaab", "ab", weight=1.0) == pytest.approx(3.0)
    ds = zoo.data.load("text", window=32, max_chars=100_000)
    t, v = ds.meta["texts"], ds.meta["vocab"]
    uni = text.unigram_perplexity(v, t["train"], t["test"])
    bi = text.bigram_perplexity(v, t["train"], t["test"], val_text=t["val"])
    assert 15 < uni < 40 and 8 < bi < 0.7 * uni


def _uniform_model(vocab, window):
    import keras

    inputs = keras.Input((window,), dtype="int32")
    x = keras.layers.Embedding(vocab.size, 4)(inputs)
    outputs = keras.layers.Dense(vocab.size, activation="softmax", kernel_initializer="zeros")(x)
    return keras.Model(inputs, outputs)


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    vocab = CharVocabulary.fit("abcdefgh")
    model = _uniform_model(vocab, 8)
    value = text.perplexity(model, vocab, "abcdefgh" * 7 + "abc")
    assert value == pytest.approx(vocab.size, rel=1e-5)
    total, count = text.log_likelihood(model, vocab, "abcdefgh" * 7 + "abc")
    assert count == 58  # every character after the first, scored exactly once
    assert text.perplexity(model, vocab, "ab") == pytest.approx(vocab.size, rel=1e-5)


def test_last_step_and_variable_length_models():
    import keras

    vocab = CharVocabulary.fit("abcdefgh")
    inputs = keras.Input((8,), dtype="int32")
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(vocab.size, 4)(inputs))
    last = keras.Model(inputs, keras.layers.Dense(vocab.size, activation="softmax",
                                                  kernel_initializer="zeros")(x))
    total, count = text.log_likelihood(last, vocab, "abcdefgh" * 3)
    assert count == 24 - 8 and math.exp(-total / count) == pytest.approx(vocab.size, rel=1e-5)
    with pytest.raises(ValueError, match="too short for the model's window of 8"):
        text.perplexity(last, vocab, "abc")
    assert len(text.sample(last, vocab, "abc", 5, seed=0)) == 5
    free = _uniform_model(vocab, None)
    assert text.perplexity(free, vocab, "abcdefgh" * 40, context=16) == pytest.approx(
        vocab.size, rel=1e-5)
    assert len(text.sample(free, vocab, "abc", 5, seed=0, context=16)) == 5


def test_dataset_on_save_writes_the_vocabulary(tmp_path):
    import pickle

    ds = zoo.data.load("text", window=16, max_chars=20_000)
    files = ds.meta["on_save"](tmp_path)
    assert CharVocabulary.load(files["vocab"]) == ds.meta["vocab"]
    pickle.dumps(ds.meta["on_save"])  # picklable, e.g. for multiprocessing tuners


def test_sampling_arguments_are_checked():
    vocab = CharVocabulary.fit("abcdefgh")
    model = _uniform_model(vocab, 8)
    with pytest.raises(ValueError, match="`temperature`"):
        text.sample(model, vocab, "ab", 5, temperature=0.0)
    with pytest.raises(ValueError, match="`temperature`"):
        text.sample(model, vocab, "ab", 5, temperature=-1.0)
    with pytest.raises(ValueError, match="`seed_text` is empty"):
        text.sample(model, vocab, "", 5)
    with pytest.raises(ValueError, match="`length`"):
        text.sample(model, vocab, "ab", 0)
    with pytest.raises(ValueError, match="output 4 probabilities"):
        text.sample(model, CharVocabulary("abc"), "ab", 3)
    out = text.sample(model, vocab, "ab", 30, temperature=1.0, seed=3)
    assert len(out) == 30 and "\ufffd" not in out
    assert out == text.sample(model, vocab, "ab", 30, temperature=1.0, seed=3)
    assert out != text.sample(model, vocab, "ab", 30, temperature=1.0, seed=4)


def test_low_temperature_picks_the_most_likely_character():
    probs = np.array([0.0, 0.1, 0.6, 0.3])
    rng = np.random.default_rng(0)
    assert {text._draw(probs, 0.01, rng) for _ in range(50)} == {2}
    draws = [text._draw(probs, 1.0, rng) for _ in range(4000)]
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 4000, probs, atol=0.03)


# ----------------------------------------------------------------------------- end to end


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
