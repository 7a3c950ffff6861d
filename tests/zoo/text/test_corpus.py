"""zoo.text.corpus: the embedded corpus is deterministic English."""

from __future__ import annotations

from zoo import text


def test_corpus_is_deterministic_english_of_a_few_hundred_kb():
    corpus = text.load_corpus()
    assert corpus == text.load_corpus()
    assert 200_000 < len(corpus) < 2_000_000
    assert set(corpus) <= {chr(c) for c in range(32, 127)} | {"\n"}
    assert corpus.count(" the ") > 1000
    assert text.load_corpus(seed=1) != corpus and sorted(text.load_corpus(seed=1)) == sorted(corpus)


def test_corpus_does_not_depend_on_what_the_process_imported_before():
    # A Keras import used to change the docstrings inherited by weakref's and collections'
    # classes, so the corpus (and every vocabulary built on it) differed between processes.
    import hashlib
    import subprocess
    import sys

    code = ("import sys, hashlib\n"
            "if sys.argv[1] == 'keras':\n    import keras, tensorflow\n"
            "from zoo.text.corpus import load_corpus\n"
            "print(hashlib.sha256(load_corpus().encode()).hexdigest())\n")
    digests = {subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True,
                              check=True).stdout.strip() for arg in ("plain", "keras")}
    assert digests == {hashlib.sha256(text.load_corpus().encode()).hexdigest()}
