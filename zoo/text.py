"""Character-level language modelling: corpus, vocabulary, windows, sampling, perplexity.

The corpus needs no download: :func:`load_corpus` builds a few hundred KB of English
deterministically from the docstrings of a fixed list of Python standard-library
modules. :func:`load_text` (also ``zoo.data.load("text")``) splits it by position
into train/validation/test text and cuts each split into windows of character ids
that a token-input :func:`zoo.build_lstm` learns to continue.

The vocabulary travels beside a saved model as ``vocab.json`` (:data:`VOCAB_FILE`):
``zoo train lstm --data text --out DIR`` writes ``DIR/model.keras`` and
``DIR/vocab.json``, and :func:`load_model` / ``zoo sample DIR`` read both back.
The model itself stays a plain functional Keras model, so it reloads with
``keras.saving.load_model(path, safe_mode=True)`` and no custom objects.

Example:
    >>> import zoo
    >>> from zoo import text
    >>> ds = zoo.data.load("text", window=64, max_chars=100_000)
    >>> model = zoo.create_model("lstm", **ds.model_kwargs(), units=(64,), seed=0)
    >>> model.fit(ds.x_train, ds.y_train, epochs=1, verbose=0)  # doctest: +SKIP
    >>> vocab = ds.meta["vocab"]
    >>> text.sample(model, vocab, "Return the ", 40, temperature=0.5, seed=0)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import logging
import math
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

from zoo._validate import check_choice, check_number, check_positive_int

logger = logging.getLogger("zoo.text")

#: File name of the vocabulary saved beside a character model.
VOCAB_FILE = "vocab.json"
#: File name of the model inside a model directory (as written by ``zoo train``).
MODEL_FILE = "model.keras"
#: What a window predicts: the next character at every position, or after the last only.
TARGETS = ("sequence", "last")

# A fixed list, so that the corpus is the same wherever the same Python runs. GUI and
# platform-specific modules are left out; a module that fails to import is skipped.
CORPUS_MODULES = (
    "abc", "argparse", "ast", "asyncio", "base64", "bisect", "calendar", "collections",
    "configparser", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal",
    "difflib", "email.message", "enum", "fractions", "ftplib", "functools", "gettext", "glob",
    "gzip", "hashlib", "heapq", "hmac", "html.parser", "http.client", "imaplib", "inspect",
    "io", "ipaddress", "itertools", "json", "logging", "mailbox", "math", "multiprocessing",
    "netrc", "numbers", "operator", "optparse", "os", "pathlib", "pickle", "pkgutil",
    "platform", "poplib", "pprint", "queue", "random", "re", "sched", "secrets", "selectors",
    "shelve", "shlex", "shutil", "smtplib", "socket", "socketserver", "sqlite3", "statistics",
    "string", "struct", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "time",
    "timeit", "tokenize", "traceback", "types", "typing", "unittest", "urllib.parse",
    "urllib.request", "uuid", "warnings", "weakref", "wave", "zipfile", "zoneinfo",
)


# ----------------------------------------------------------------------------- vocabulary


class CharVocabulary:
    """A character <-> integer id mapping with a reserved unknown id.

    Id 0 stands for any character not seen when the vocabulary was fitted (it decodes
    to ``unknown``); the known characters get ids ``1..size-1`` in sorted order, so
    the same text always gives the same vocabulary. The vocabulary is plain data:
    :meth:`get_config` / :meth:`from_config` and :meth:`save` / :meth:`load` (JSON)
    round-trip it, which is how it travels beside a saved model.

    Args:
        chars: The known characters (an iterable of distinct one-character strings,
            or one string of distinct characters); id ``i + 1`` is ``chars[i]``.
        unknown: The character that id 0 decodes to (default U+FFFD, the
            Unicode replacement character). It must not be one of ``chars``.

    Raises:
        ValueError: empty or repeated characters, items longer than one character.
        TypeError: ``chars`` is not a string or iterable of strings.

    Example:
        >>> vocab = CharVocabulary.fit("hello world")
        >>> vocab.size
        9
        >>> vocab.encode("hold!").tolist()
        [4, 6, 5, 2, 0]
        >>> vocab.decode(vocab.encode("hello"))
        'hello'
    """

    def __init__(self, chars, *, unknown: str = "\ufffd"):
        fn = "CharVocabulary"
        if isinstance(chars, (bytes, bytearray)) or not hasattr(chars, "__iter__"):
            raise TypeError(f"{fn}: `chars` must be a string or an iterable of one-character "
                            f"strings, received chars={chars!r}")
        chars = list(chars)
        if not chars:
            raise ValueError(f"{fn}: `chars` must hold at least one character, received "
                             "chars=[]")
        for c in chars:
            if not isinstance(c, str) or len(c) != 1:
                raise ValueError(f"{fn}: every item of `chars` must be a one-character string, "
                                 f"received {c!r}")
        if len(set(chars)) != len(chars):
            raise ValueError(f"{fn}: `chars` must not repeat characters, received "
                             f"{''.join(chars)!r}")
        if not isinstance(unknown, str) or len(unknown) != 1 or unknown in chars:
            raise ValueError(f"{fn}: `unknown` must be one character not in `chars`, received "
                             f"unknown={unknown!r}")
        self.chars = tuple(chars)
        self.unknown = unknown
        self._index = {c: i + 1 for i, c in enumerate(self.chars)}
        self._table = np.array([unknown, *self.chars])

    @classmethod
    def fit(cls, text: str, *, min_count: int = 1, unknown: str = "\ufffd") -> CharVocabulary:
        """Build the vocabulary of the characters in ``text`` (sorted).

        Args:
            text: Non-empty training text.
            min_count: Characters seen fewer times become unknown.
            unknown: See the class.

        Returns:
            A :class:`CharVocabulary`.

        Raises:
            ValueError: ``text`` is empty, or no character reaches ``min_count``.
            TypeError: ``text`` is not a string.

        Example:
            >>> CharVocabulary.fit("abba").chars
            ('a', 'b')
        """
        fn = "CharVocabulary.fit"
        _check_text(fn, "text", text, min_length=1)
        min_count = check_positive_int(fn, "min_count", min_count)
        counts = Counter(text)
        kept = sorted(c for c, n in counts.items() if n >= min_count and c != unknown)
        if not kept:
            raise ValueError(f"{fn}: no character occurs min_count={min_count} times in `text`")
        return cls(kept, unknown=unknown)

    @property
    def size(self) -> int:
        """Number of ids, the unknown id included (what ``vocab_size`` / ``num_classes`` get)."""
        return len(self.chars) + 1

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other) -> bool:
        return (isinstance(other, CharVocabulary) and self.chars == other.chars
                and self.unknown == other.unknown)

    def __hash__(self) -> int:
        return hash((self.chars, self.unknown))

    def __repr__(self) -> str:
        return f"CharVocabulary(size={self.size})"

    def encode(self, text: str) -> np.ndarray:
        """Map ``text`` to an ``int32`` array of ids (unknown characters become 0).

        Raises:
            TypeError: ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"CharVocabulary.encode: `text` must be a string, received "
                            f"{type(text).__name__}")
        index = self._index
        return np.fromiter((index.get(c, 0) for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids) -> str:
        """Map a sequence of ids back to text (id 0 becomes ``unknown``).

        Raises:
            ValueError: an id outside ``[0, size)``.
        """
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            bad = ids[(ids < 0) | (ids >= self.size)][0]
            raise ValueError(f"CharVocabulary.decode: ids must lie in [0, {self.size}), "
                             f"received id {int(bad)}")
        return "".join(self._table[ids].tolist())

    def get_config(self) -> dict:
        """JSON-ready description; :meth:`from_config` rebuilds an equal vocabulary."""
        return {"chars": "".join(self.chars), "unknown": self.unknown}

    @classmethod
    def from_config(cls, config: dict) -> CharVocabulary:
        """Rebuild a vocabulary from :meth:`get_config` output."""
        return cls(config["chars"], unknown=config.get("unknown", "\ufffd"))

    def save(self, path) -> Path:
        """Write the vocabulary as JSON to ``path`` (a file, or a directory for ``vocab.json``).

        Returns:
            The file written.
        """
        path = Path(path)
        if path.is_dir():
            path = path / VOCAB_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": "zoo.CharVocabulary", "version": 1, **self.get_config()}
        path.write_text(json.dumps(payload, ensure_ascii=True, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path) -> CharVocabulary:
        """Read a vocabulary written by :meth:`save` (a file, or a directory holding one).

        Raises:
            FileNotFoundError: no such file.
            ValueError: the file is not a saved vocabulary.
        """
        path = Path(path)
        if path.is_dir():
            path = path / VOCAB_FILE
        if not path.is_file():
            raise FileNotFoundError(f"CharVocabulary.load: no vocabulary file at {str(path)!r}")
        try:
            payload = json.loads(path.read_text())
            if payload.get("format") != "zoo.CharVocabulary":
                raise KeyError("format")
            return cls.from_config(payload)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"CharVocabulary.load: {str(path)!r} is not a saved "
                             f"CharVocabulary ({exc})") from None


# ----------------------------------------------------------------------------- checks


def _check_text(fn: str, name: str, text, *, min_length: int = 1) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{fn}: `{name}` must be a string, received {type(text).__name__}")
    if len(text) < min_length:
        if not text:
            raise ValueError(f"{fn}: `{name}` is empty; it needs at least {min_length} "
                             "character(s)")
        raise ValueError(f"{fn}: `{name}` has {len(text)} characters, too short: at least "
                         f"{min_length} are needed")
    return text


def _check_vocab(fn: str, vocab) -> None:
    if not isinstance(vocab, CharVocabulary):
        raise TypeError(f"{fn}: `vocab` must be a CharVocabulary, received "
                        f"{type(vocab).__name__}")


def _check_seed(fn: str, seed):
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    return seed


# ----------------------------------------------------------------------------- corpus


def _normalize(text: str) -> str:
    """ASCII letters, digits, punctuation, spaces and newlines only."""
    text = unicodedata.normalize("NFKD", text).replace("\t", "    ").replace("\r", "")
    return "".join(c for c in text if c == "\n" or 32 <= ord(c) < 127)


def _module_docstrings(name: str) -> list[str]:
    try:
        module = importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a module this Python lacks is simply left out
        logger.debug("corpus: module %s is not importable; skipped", name)
        return []
    objects = [module]
    for attr, obj in sorted(vars(module).items()):
        if attr.startswith("_"):
            continue
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and \
                getattr(obj, "__module__", None) == module.__name__:
            objects.append(obj)
            if inspect.isclass(obj):
                objects.extend(member for member_name, member in sorted(vars(obj).items())
                               if not member_name.startswith("_") and inspect.isfunction(member))
    docs = []
    for obj in objects:
        doc = inspect.getdoc(obj)
        if doc:
            docs.append(_normalize(doc).strip())
    return [d for d in docs if d]


def load_corpus(*, modules=CORPUS_MODULES, seed: int = 0) -> str:
    """The embedded English corpus: standard-library docstrings, in a seeded order.

    The docstrings of each module in ``modules`` (the module's, then its public
    classes', methods' and functions', by name) are normalised to printable ASCII,
    de-duplicated, shuffled as whole documents with ``seed`` and joined by blank
    lines. The same Python installation and seed always give the same text (about
    475,000 characters on CPython 3.11).

    Args:
        modules: Names of the modules to read.
        seed: Seed of the document order.

    Returns:
        The corpus as one string.

    Raises:
        zoo.data.DataUnavailableError: no docstrings were found (Python run with ``-OO``).

    Example:
        >>> len(load_corpus()) > 200_000
        True
    """
    _check_seed("load_corpus", seed)
    seen, docs = set(), []
    for name in modules:
        for doc in _module_docstrings(name):
            if doc not in seen:
                seen.add(doc)
                docs.append(doc)
    if not docs:
        from zoo.data import DataUnavailableError

        raise DataUnavailableError("the 'text' corpus is built from standard-library "
                                   "docstrings, and this Python has none (was it run with -OO?)")
    order = np.random.default_rng(seed).permutation(len(docs))
    return "\n\n".join(docs[i] for i in order) + "\n"


# ----------------------------------------------------------------------------- windows


def make_text_windows(ids, window: int, *, stride: int | None = None,
                      target: str = "sequence") -> tuple[np.ndarray, np.ndarray]:
    """Cut a sequence of ids into (input window, next-character target) pairs.

    With ``target="sequence"`` every input ``ids[i:i+window]`` is paired with the same
    window shifted by one, ``ids[i+1:i+window+1]`` (one target per position, for a
    model built with ``return_sequences=True``); with ``target="last"`` only with the
    character after it, ``ids[i+window]``. Windows start every ``stride`` ids.

    Args:
        ids: 1-D integer ids (:meth:`CharVocabulary.encode` output).
        window: Input length.
        stride: Distance between window starts (default ``window`` for
            ``"sequence"``, so each character is a target once, and 1 for ``"last"``).
        target: ``"sequence"`` or ``"last"``.

    Returns:
        ``(x, y)``: ``int32`` arrays of shapes ``(n, window)`` and ``(n, window)``
        or ``(n,)``.

    Raises:
        ValueError: ``ids`` shorter than ``window + 1``; bad ``window``/``stride``/``target``.

    Example:
        >>> x, y = make_text_windows(np.arange(10), 4)
        >>> x.tolist(), y.tolist()
        ([[0, 1, 2, 3], [4, 5, 6, 7]], [[1, 2, 3, 4], [5, 6, 7, 8]])
    """
    fn = "make_text_windows"
    window = check_positive_int(fn, "window", window)
    target = check_choice(fn, "target", target, TARGETS)
    stride = check_positive_int(fn, "stride", stride if stride is not None else
                                (window if target == "sequence" else 1))
    ids = np.asarray(ids, dtype=np.int32).reshape(-1)
    if len(ids) < window + 1:
        raise ValueError(f"{fn}: the text has {len(ids)} characters, too short for "
                         f"window={window} (it needs at least window + 1 = {window + 1})")
    starts = np.arange(0, len(ids) - window, stride)
    x = ids[starts[:, None] + np.arange(window)]
    y = ids[starts[:, None] + np.arange(1, window + 1)] if target == "sequence" \
        else ids[starts + window]
    return x, y


def make_dataset(text, vocab: CharVocabulary, window: int, *, stride: int | None = None,
                 target: str = "sequence", batch_size: int = 64, shuffle: bool = True,
                 seed: int | None = 0, repeat: bool = False):
    """A ``tf.data`` pipeline of (window, next-character) batches from ``text``.

    The windows are cut inside the pipeline (``Dataset.window`` + ``flat_map``), so a
    long text is never materialised as overlapping windows in memory; pairs are those
    of :func:`make_text_windows`.

    Args:
        text: A string (encoded with ``vocab``) or a 1-D array of ids.
        vocab: The :class:`CharVocabulary`.
        window, stride, target: As in :func:`make_text_windows`.
        batch_size: Batch size.
        shuffle: Shuffle the windows (seeded) on each pass.
        seed: Shuffle seed.
        repeat: Repeat forever (pass ``steps_per_epoch`` to ``fit``).

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` ``int32`` batches, prefetched.

    Raises:
        ValueError: text too short for ``window``; bad arguments.

    Example:
        >>> vocab = CharVocabulary.fit("abcabcabc")
        >>> ds = make_dataset("abcabcabc", vocab, 4, batch_size=2, shuffle=False)
        >>> [x.shape for x, _ in ds]  # doctest: +SKIP
        [TensorShape([2, 4])]
    """
    fn = "make_dataset"
    _check_vocab(fn, vocab)
    window = check_positive_int(fn, "window", window)
    target = check_choice(fn, "target", target, TARGETS)
    stride = check_positive_int(fn, "stride", stride if stride is not None else
                                (window if target == "sequence" else 1))
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    _check_seed(fn, seed)
    ids = vocab.encode(_check_text(fn, "text", text)) if isinstance(text, str) else \
        np.asarray(text, dtype=np.int32).reshape(-1)
    if len(ids) < window + 1:
        raise ValueError(f"{fn}: the text has {len(ids)} characters, too short for "
                         f"window={window} (it needs at least window + 1 = {window + 1})")
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(ids)
    ds = ds.window(window + 1, shift=stride, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window + 1, drop_remainder=True))
    if target == "sequence":
        ds = ds.map(lambda w: (w[:-1], w[1:]), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(lambda w: (w[:-1], w[-1]), num_parallel_calls=tf.data.AUTOTUNE)
    n = (len(ids) - window - 1) // stride + 1
    # flat_map hides the length; stating it lets Keras count steps from the first epoch.
    ds = ds.apply(tf.data.experimental.assert_cardinality(n))
    if shuffle:
        ds = ds.shuffle(min(n, 10_000), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


# ----------------------------------------------------------------------------- data set


def load_text(*, window: int = 64, stride: int | None = None, target: str = "sequence",
              max_chars: int | None = None, lowercase: bool = False, val_size: float = 0.1,
              test_size: float = 0.1, seed: int = 0):
    """The embedded text corpus as next-character windows (``zoo.data.load("text")``).

    The corpus (:func:`load_corpus`, documents shuffled with ``seed``) is cut by
    position: the first ``1 - val_size - test_size`` of the characters train, the next
    ``val_size`` validate, the last ``test_size`` test. The vocabulary is fitted on
    the training text only (characters first seen later map to the unknown id 0).

    Args:
        window: Characters per input window.
        stride: Distance between window starts (see :func:`make_text_windows`).
        target: ``"sequence"`` (``y`` is the window shifted by one; the model is built
            with ``return_sequences=True``) or ``"last"`` (``y`` is the next character).
        max_chars: Keep only the first ``max_chars`` characters of the corpus (faster
            experiments); ``None`` keeps all.
        lowercase: Lower-case the corpus (a smaller vocabulary).
        val_size, test_size: Fractions of the characters for validation and test.
        seed: Seed of the document order.

    Returns:
        A :class:`zoo.data.Dataset` named ``"text"``: ``x_*`` ``int32`` id windows
        ``(n, window)``, ``y_*`` next-character ids (``(n, window)`` or ``(n,)``),
        ``task="multiclass"``, ``num_classes=vocab.size``. ``meta`` holds ``vocab``
        (the :class:`CharVocabulary`), ``texts`` (``{"train", "val", "test"}`` raw
        split texts), ``window``, ``stride``, ``target``, ``model_kwargs`` (the
        ``vocab_size`` and ``return_sequences`` that ``model_kwargs()`` adds for
        :func:`zoo.build_lstm`) and ``on_save`` (writes ``vocab.json`` beside a saved
        model; :func:`zoo.training.train` calls it).

    Raises:
        ValueError: a split too short for ``window``; bad arguments.

    Example:
        >>> ds = load_text(window=32, max_chars=50_000)
        >>> ds.x_train.shape[1], ds.model_kwargs()["vocab_size"] == ds.num_classes
        (32, True)
    """
    from zoo.data import Dataset

    fn = "load('text')"
    window = check_positive_int(fn, "window", window)
    target = check_choice(fn, "target", target, TARGETS)
    if stride is not None:
        stride = check_positive_int(fn, "stride", stride)
    if max_chars is not None:
        max_chars = check_positive_int(fn, "max_chars", max_chars)
    if not isinstance(lowercase, bool):
        raise TypeError(f"{fn}: `lowercase` must be True or False, received {lowercase!r}")
    val_size = check_number(fn, "val_size", val_size, low=0.0, high=0.5, low_inclusive=False)
    test_size = check_number(fn, "test_size", test_size, low=0.0, high=0.5, low_inclusive=False)
    _check_seed(fn, seed)

    corpus = load_corpus(seed=seed)
    if lowercase:
        corpus = corpus.lower()
    if max_chars is not None:
        corpus = corpus[:max_chars]
    n = len(corpus)
    n_test, n_val = int(round(n * test_size)), int(round(n * val_size))
    n_train = n - n_val - n_test
    texts = {"train": corpus[:n_train], "val": corpus[n_train:n_train + n_val],
             "test": corpus[n_train + n_val:]}
    for split, part in texts.items():
        if len(part) < window + 1:
            raise ValueError(f"{fn}: the {split} text has {len(part)} characters, too short "
                             f"for window={window} (it needs at least {window + 1}); raise "
                             f"`max_chars` or lower `window`")
    vocab = CharVocabulary.fit(texts["train"])
    arrays = {}
    for split, part in texts.items():
        arrays[split] = make_text_windows(vocab.encode(part), window, stride=stride, target=target)
    stride = stride if stride is not None else (window if target == "sequence" else 1)
    logger.info("text corpus: %d characters, vocabulary of %d, %d training windows",
                n, vocab.size, len(arrays["train"][0]))

    meta = {"vocab": vocab, "texts": texts, "window": window, "stride": stride,
            "target": target, "on_save": functools.partial(_write_vocab, vocab),
            "model_kwargs": {"vocab_size": vocab.size,
                             "return_sequences": target == "sequence"}}
    return Dataset("text", *arrays["train"], *arrays["val"], *arrays["test"],
                   task="multiclass", num_classes=vocab.size, meta=meta)


def _write_vocab(vocab: CharVocabulary, out_dir) -> dict:
    """``Dataset.meta["on_save"]`` of the text data: ``vocab.json`` beside the model."""
    return {"vocab": vocab.save(Path(out_dir) / VOCAB_FILE)}


# ----------------------------------------------------------------------------- model helpers


def _model_geometry(fn: str, model, vocab: CharVocabulary):
    """(window or None, whether the model predicts at every step) of a character model."""
    in_shape = tuple(model.input_shape)
    out_shape = tuple(model.output_shape)
    if len(in_shape) != 2:
        raise ValueError(f"{fn}: `model` must take token ids of shape (batch, window), its "
                         f"input_shape is {in_shape}")
    if len(out_shape) not in (2, 3) or out_shape[-1] != vocab.size:
        raise ValueError(f"{fn}: `model` must output {vocab.size} probabilities (the "
                         f"vocabulary size) per step, its output_shape is {out_shape}; was it "
                         "trained with this vocabulary?")
    return in_shape[1], len(out_shape) == 3


def _draw(probs: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One id from ``probs`` rescaled by ``temperature`` (unknown id 0 never drawn)."""
    logits = np.log(np.maximum(probs.astype(np.float64), 1e-30)) / temperature
    logits[0] = -np.inf
    logits -= logits.max()
    weights = np.exp(logits)
    cdf = np.cumsum(weights / weights.sum())
    return int(min(np.searchsorted(cdf, rng.random(), side="right"), len(cdf) - 1))


def sample(model, vocab: CharVocabulary, seed_text: str, length: int,
           temperature: float = 1.0, *, seed: int | None = None,
           context: int = 128) -> str:
    """Generate ``length`` characters that continue ``seed_text``.

    At each step the model reads the last ``window`` characters (the model's input
    length; ``context`` characters for a variable-length model) and gives next-
    character probabilities ``p``; the next character is drawn from
    ``softmax(log(p) / temperature)``. Low temperatures approach the most likely
    character (conservative text); 1.0 samples the model's own distribution; higher
    ones flatten it. The unknown id is never drawn. Draws come from
    ``numpy.random.default_rng(seed)``, so the same model, vocabulary, seed text and
    seed give the same text (on CPU, also after a reload in another process).

    For a model that predicts at every position (``return_sequences=True``) a seed
    shorter than the window is right-padded and the prediction at its last real
    character is used (the model is causal, so padding after it changes nothing); a
    model that predicts after the window only gets the seed left-padded with id 0.

    Args:
        model: A trained character model (token ids in, softmax over ``vocab`` out).
        vocab: Its :class:`CharVocabulary`.
        seed_text: Non-empty text to continue.
        length: Number of characters to generate.
        temperature: Positive sampling temperature.
        seed: Seed of the draws; ``None`` is non-deterministic.
        context: Characters of context for a model whose window is ``None``.

    Returns:
        The generated characters (without ``seed_text``).

    Raises:
        ValueError: empty ``seed_text``, ``length`` < 1, ``temperature`` <= 0, a model
            that does not match the vocabulary.

    Example:
        >>> sample(model, vocab, "The ", 20, temperature=0.5, seed=1)  # doctest: +SKIP
        'file is not a string'
    """
    fn = "sample"
    _check_vocab(fn, vocab)
    _check_text(fn, "seed_text", seed_text, min_length=1)
    length = check_positive_int(fn, "length", length)
    temperature = check_number(fn, "temperature", temperature, low=0.0, low_inclusive=False)
    _check_seed(fn, seed)
    context = check_positive_int(fn, "context", context)
    window, per_step = _model_geometry(fn, model, vocab)
    width = window or context
    rng = np.random.default_rng(seed)
    ids = vocab.encode(seed_text).tolist()
    out = []
    x = np.zeros((1, width), dtype=np.int32)
    for _ in range(length):
        recent = ids[-width:]
        x[:] = 0
        if per_step:
            x[0, :len(recent)] = recent
            probs = np.asarray(model.predict_on_batch(x))[0, len(recent) - 1]
        else:
            x[0, width - len(recent):] = recent
            probs = np.asarray(model.predict_on_batch(x))[0]
        nxt = _draw(probs, temperature, rng)
        ids.append(nxt)
        out.append(nxt)
    return vocab.decode(out)


def _scored_windows(n_targets: int, window: int):
    """Window starts and the first scored position in each, covering every target once.

    Windows overlap by half so that, after the first, every scored character has at
    least ``window // 2`` characters of context.
    """
    if n_targets <= window:
        return [(0, 0)]
    step = max(1, window // 2)
    starts = list(range(0, n_targets - window + 1, step))
    if starts[-1] != n_targets - window:
        starts.append(n_targets - window)
    plan, covered = [], 0
    for start in starts:
        plan.append((start, covered - start))
        covered = start + window
    return plan


def log_likelihood(model, vocab: CharVocabulary, text: str, *, batch_size: int = 256,
                   context: int = 128) -> tuple[float, int]:
    """Total natural-log likelihood of the characters of ``text`` after the first.

    Returns:
        ``(sum of log p(next character), number of characters scored)``. See
        :func:`perplexity`.
    """
    fn = "perplexity"
    _check_vocab(fn, vocab)
    _check_text(fn, "text", text, min_length=2)
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    window, per_step = _model_geometry(fn, model, vocab)
    ids = vocab.encode(text)
    inputs, targets = ids[:-1], ids[1:]
    m = len(targets)
    if per_step:
        width = window or min(context, m)
        plan = _scored_windows(m, width)
        x = np.zeros((len(plan), width), dtype=np.int32)
        for row, (start, _) in enumerate(plan):
            chunk = inputs[start:start + width]
            x[row, :len(chunk)] = chunk
        probs = model.predict(x, batch_size=batch_size, verbose=0)
        total, count = 0.0, 0
        for row, (start, first) in enumerate(plan):
            stop = min(width, m - start)
            t = targets[start + first:start + stop]
            p = probs[row, np.arange(first, stop), t]
            total += float(np.sum(np.log(np.maximum(p.astype(np.float64), 1e-30))))
            count += len(t)
        return total, count
    width = window or context
    if len(text) < width + 1:
        raise ValueError(f"{fn}: `text` has {len(text)} characters, too short for the "
                         f"model's window of {width} (it needs at least {width + 1})")
    x, y = make_text_windows(ids, width, stride=1, target="last")
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    p = probs[np.arange(len(y)), y].astype(np.float64)
    return float(np.sum(np.log(np.maximum(p, 1e-30)))), len(y)


def perplexity(model, vocab: CharVocabulary, text: str, *, batch_size: int = 256,
               context: int = 128) -> float:
    """Per-character perplexity of ``model`` on ``text``: ``exp(-mean log p(next char))``.

    A model that predicts at every position scores every character after the first,
    reading the text in windows that overlap by half so that all but the first
    ``window // 2`` characters are predicted from at least that much context. A model
    that predicts after its window only scores the characters that have a full window
    before them. Lower is better; a uniform guess over the vocabulary scores
    ``vocab.size``.

    Args:
        model: A trained character model.
        vocab: Its :class:`CharVocabulary`.
        text: Held-out text (at least 2 characters, or ``window + 1`` for a
            last-step model).
        batch_size: Prediction batch size.
        context: Window for a variable-length model.

    Returns:
        The perplexity (a float >= 1).

    Raises:
        ValueError: ``text`` empty or too short, a model that does not match ``vocab``.

    Example:
        >>> perplexity(model, vocab, ds.meta["texts"]["test"])  # doctest: +SKIP
        4.87
    """
    total, count = log_likelihood(model, vocab, text, batch_size=batch_size, context=context)
    return float(math.exp(-total / count))


# ----------------------------------------------------------------------------- baselines


def _unigram_probs(train_ids: np.ndarray, size: int) -> np.ndarray:
    counts = np.bincount(train_ids, minlength=size).astype(np.float64) + 1.0  # add-one
    return counts / counts.sum()


def unigram_perplexity(vocab: CharVocabulary, train_text: str, text: str) -> float:
    """Perplexity of the character-frequency model of ``train_text`` on ``text``.

    ``p(c) = (count(c) + 1) / (N + V)`` (add-one smoothing over the vocabulary),
    scored on every character of ``text`` after the first (as :func:`perplexity`).

    Example:
        >>> v = CharVocabulary.fit("abab")
        >>> round(unigram_perplexity(v, "abab", "ab"), 3)
        2.333
    """
    fn = "unigram_perplexity"
    _check_text(fn, "train_text", train_text, min_length=1)
    _check_text(fn, "text", text, min_length=2)
    probs = _unigram_probs(vocab.encode(train_text), vocab.size)
    targets = vocab.encode(text)[1:]
    return float(math.exp(-np.mean(np.log(probs[targets]))))


def _bigram_tables(train_ids: np.ndarray, size: int):
    pairs = np.zeros((size, size), dtype=np.float64)
    np.add.at(pairs, (train_ids[:-1], train_ids[1:]), 1.0)
    rows = pairs.sum(axis=1, keepdims=True)
    conditional = np.divide(pairs, rows, out=np.zeros_like(pairs), where=rows > 0)
    return conditional, rows[:, 0] > 0


def _bigram_nll(conditional, seen, unigram, ids, weight) -> float:
    prev, nxt = ids[:-1], ids[1:]
    lam = np.where(seen[prev], weight, 0.0)
    p = lam * conditional[prev, nxt] + (1.0 - lam) * unigram[nxt]
    return float(-np.mean(np.log(p)))


def bigram_perplexity(vocab: CharVocabulary, train_text: str, text: str, *,
                      weight: float | None = None, val_text: str | None = None) -> float:
    """Perplexity of an interpolated character-bigram model of ``train_text`` on ``text``.

    ``p(b | a) = w * count(a, b) / count(a) + (1 - w) * p_unigram(b)`` (Jelinek-Mercer
    interpolation with the add-one unigram of :func:`unigram_perplexity`). With
    ``weight=None`` the weight is picked from a grid (0.5 .. 0.99) on ``val_text``
    (or 0.9 without it), which makes this a fair, tuned baseline.

    Args:
        vocab: The :class:`CharVocabulary`.
        train_text: Text the counts come from.
        text: Held-out text to score.
        weight: Interpolation weight in [0, 1], or ``None`` to tune it.
        val_text: Validation text for tuning ``weight``.

    Returns:
        The perplexity.

    Example:
        >>> v = CharVocabulary.fit("abab")
        >>> bigram_perplexity(v, "abababab", "abab", weight=0.9) < 1.5
        True
    """
    fn = "bigram_perplexity"
    _check_text(fn, "train_text", train_text, min_length=2)
    _check_text(fn, "text", text, min_length=2)
    train_ids = vocab.encode(train_text)
    unigram = _unigram_probs(train_ids, vocab.size)
    conditional, seen = _bigram_tables(train_ids, vocab.size)
    if weight is None:
        if val_text is None:
            weight = 0.9
        else:
            val_ids = vocab.encode(_check_text(fn, "val_text", val_text, min_length=2))
            grid = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
            weight = min(grid, key=lambda w: _bigram_nll(conditional, seen, unigram, val_ids, w))
    else:
        weight = check_number(fn, "weight", weight, low=0.0, high=1.0)
    return float(math.exp(_bigram_nll(conditional, seen, unigram, vocab.encode(text), weight)))


# ----------------------------------------------------------------------------- save / load


def save_model(model, vocab: CharVocabulary, directory) -> dict:
    """Save a character model and its vocabulary as ``DIR/model.keras`` + ``DIR/vocab.json``.

    Returns:
        ``{"model": path, "vocab": path}``.

    Example:
        >>> save_model(model, vocab, "runs/char")  # doctest: +SKIP
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory / MODEL_FILE)
    return {"model": directory / MODEL_FILE, "vocab": vocab.save(directory / VOCAB_FILE)}


def load_model(path):
    """Load a character model and its vocabulary (``safe_mode=True``, no custom objects).

    Args:
        path: A directory holding ``model.keras`` and ``vocab.json`` (what
            ``zoo train lstm --data text --out DIR`` or :func:`save_model` writes), or
            a ``.keras`` file with ``vocab.json`` beside it.

    Returns:
        ``(model, vocab)``.

    Raises:
        FileNotFoundError: the model or the vocabulary file is missing.

    Example:
        >>> model, vocab = load_model("runs/char")  # doctest: +SKIP
    """
    path = Path(path)
    model_path = path / MODEL_FILE if path.is_dir() else path
    if not model_path.is_file():
        raise FileNotFoundError(f"load_model: no saved model at {str(model_path)!r} (expected "
                                f"a directory holding {MODEL_FILE} or a .keras file)")
    vocab_path = model_path.parent / VOCAB_FILE
    if not vocab_path.is_file():
        raise FileNotFoundError(f"load_model: no {VOCAB_FILE} beside {str(model_path)!r}; was "
                                "the model trained on character text (--data text)?")
    vocab = CharVocabulary.load(vocab_path)
    import keras

    model = keras.saving.load_model(model_path, safe_mode=True)
    return model, vocab
