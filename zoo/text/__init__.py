"""Character-level language modelling: corpus, vocabulary, windows, sampling, perplexity.

The corpus needs no download: :func:`load_corpus` builds a few hundred KB of English
deterministically from the docstrings of a fixed list of Python standard-library
modules. ``zoo.data.load("text")`` splits it by position into train/validation/test text
and cuts each split into windows of character ids that a token-input
:func:`zoo.build_lstm` learns to continue.

The vocabulary travels beside a saved model as ``vocab.json`` (:data:`VOCAB_FILE`):
``zoo train lstm --data text --out DIR`` writes ``DIR/model.keras`` and
``DIR/vocab.json``, and :func:`load_model` / ``zoo sample DIR`` read both back.
The model itself stays a plain functional Keras model, so it reloads with
``keras.saving.load_model(path, safe_mode=True)`` and no custom objects.

One module a concern: :mod:`~zoo.text.vocabulary`, :mod:`~zoo.text.corpus`,
:mod:`~zoo.text.windows`, :mod:`~zoo.text.sampling`, :mod:`~zoo.text.perplexity`
(with the counting baselines) and :mod:`~zoo.text.saving`; every public name is
re-exported here. Nothing here imports :mod:`zoo.data` at import time.

Example:
    >>> import zoo
    >>> from zoo import text
    >>> ds = zoo.data.load("text", window=64, max_chars=100_000)
    >>> model = zoo.create_model("lstm", **ds.model_kwargs(), units=(64,), seed=0)
    >>> model.fit(ds.x_train, ds.y_train, epochs=1, verbose=0)  # doctest: +SKIP
    >>> vocab = ds.meta["vocab"]
    >>> text.sample(model, vocab, "Return the ", 40, temperature=0.5, seed=0)  # doctest: +SKIP
"""

from zoo.text.corpus import CORPUS_MODULES, load_corpus
from zoo.text.perplexity import bigram_perplexity, log_likelihood, perplexity, unigram_perplexity
from zoo.text.sampling import sample
from zoo.text.saving import MODEL_FILE, load_model, save_model
from zoo.text.vocabulary import VOCAB_FILE, CharVocabulary
from zoo.text.windows import TARGETS, make_dataset, make_text_windows

__all__ = ["CORPUS_MODULES", "MODEL_FILE", "TARGETS", "VOCAB_FILE", "CharVocabulary",
           "bigram_perplexity", "load_corpus", "load_model", "log_likelihood", "make_dataset",
           "make_text_windows", "perplexity", "sample", "save_model", "unigram_perplexity"]


def __getattr__(name: str):
    if name == "load_text":  # moved with the other data-set loaders
        raise AttributeError("zoo.text.load_text moved to zoo.data.builtin.load_text; load the "
                             "text data set with zoo.data.load('text', ...)")
    raise AttributeError(f"module 'zoo.text' has no attribute {name!r}")
