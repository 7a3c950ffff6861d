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
    # Libraries patch the standard library when imported (PyTorch replaces functions of
    # inspect; a Keras import changed the docstrings inspect.getdoc inherits), so the
    # corpus, and every vocabulary built on it, differed between processes.
    import hashlib
    import importlib.util
    import subprocess
    import sys

    code = ("import sys, hashlib\n"
            "for name in sys.argv[1:]:\n    __import__(name)\n"
            "from zoo.text.corpus import load_corpus\n"
            "print(hashlib.sha256(load_corpus().encode()).hexdigest())\n")
    imports = [[], ["keras", "tensorflow"]] + [
        [name] for name in ("torch", "jax") if importlib.util.find_spec(name) is not None]
    digests = {subprocess.run([sys.executable, "-c", code, *names], capture_output=True,
                              text=True, check=True).stdout.strip() for names in imports}
    assert digests == {hashlib.sha256(text.load_corpus().encode()).hexdigest()}
