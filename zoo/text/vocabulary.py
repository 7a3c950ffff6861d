"""The character vocabulary: characters <-> integer ids, saved as ``vocab.json``.

Example:
    >>> vocab = CharVocabulary.fit("hello world")
    >>> vocab.decode(vocab.encode("hello"))
    'hello'
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from zoo._validate import check_positive_int
from zoo.text._checks import check_text

#: File name of the vocabulary saved beside a character model.
VOCAB_FILE = "vocab.json"


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
        check_text(fn, "text", text, min_length=1)
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


def check_vocab(fn: str, vocab) -> None:
    """Raise ``TypeError`` unless ``vocab`` is a :class:`CharVocabulary`."""
    if not isinstance(vocab, CharVocabulary):
        raise TypeError(f"{fn}: `vocab` must be a CharVocabulary, received "
                        f"{type(vocab).__name__}")


__all__ = ["VOCAB_FILE", "CharVocabulary"]
