"""Next-character training pairs: windows of ids as arrays or as a streamed pipeline.

The pipeline (:func:`make_dataset`) is a ``tf.data.Dataset`` on TensorFlow and a
``keras.utils.PyDataset`` on JAX and PyTorch; both cut the
windows as batches are read, so a long text is never held as overlapping windows.

Example:
    >>> x, y = make_text_windows(np.arange(10), 4)
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2, 3], [4, 5, 6, 7]], [[1, 2, 3, 4], [5, 6, 7, 8]])
"""

from __future__ import annotations

import numpy as np

from zoo._validate import check_choice, check_positive_int
from zoo.text._checks import check_seed, check_text
from zoo.text.vocabulary import CharVocabulary, check_vocab

#: What a window predicts: the next character at every position, or after the last only.
TARGETS = ("sequence", "last")


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
    """A pipeline of (window, next-character) batches from ``text``, for ``fit``.

    On TensorFlow a ``tf.data`` pipeline: the windows are cut inside it
    (``Dataset.window`` + ``flat_map``); on JAX and PyTorch a
    ``keras.utils.PyDataset`` that cuts each batch's windows when it is read. Either way a long text is never materialised as overlapping windows in
    memory; pairs are those of :func:`make_text_windows`.

    Args:
        text: A string (encoded with ``vocab``) or a 1-D array of ids.
        vocab: The :class:`CharVocabulary`.
        window, stride, target: As in :func:`make_text_windows`.
        batch_size: Batch size.
        shuffle: Shuffle the windows (seeded) on each pass.
        seed: Shuffle seed.
        repeat: Repeat forever (pass ``steps_per_epoch`` to ``fit``).

    Returns:
        A ``tf.data.Dataset`` (TensorFlow) or a ``keras.utils.PyDataset`` (JAX,
        PyTorch) of ``(x, y)`` ``int32`` batches.

    Raises:
        ValueError: text too short for ``window``; bad arguments.

    Example:
        >>> vocab = CharVocabulary.fit("abcabcabc")
        >>> ds = make_dataset("abcabcabc", vocab, 4, batch_size=2, shuffle=False)
        >>> [x.shape for x, _ in ds]  # doctest: +SKIP
        [TensorShape([2, 4])]
    """
    fn = "make_dataset"
    check_vocab(fn, vocab)
    window = check_positive_int(fn, "window", window)
    target = check_choice(fn, "target", target, TARGETS)
    stride = check_positive_int(fn, "stride", stride if stride is not None else
                                (window if target == "sequence" else 1))
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    check_seed(fn, seed)
    ids = vocab.encode(check_text(fn, "text", text)) if isinstance(text, str) else \
        np.asarray(text, dtype=np.int32).reshape(-1)
    if len(ids) < window + 1:
        raise ValueError(f"{fn}: the text has {len(ids)} characters, too short for "
                         f"window={window} (it needs at least window + 1 = {window + 1})")
    from zoo import backend

    if not backend.supports_tf_data():
        return _window_batches(ids, window, stride=stride, target=target,
                               batch_size=batch_size, shuffle=shuffle, seed=seed, repeat=repeat)
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


__all__ = ["TARGETS", "make_dataset", "make_text_windows"]



def _window_batches(ids, window, *, stride, target, batch_size, shuffle, seed, repeat):
    """:func:`make_dataset` off TensorFlow: a ``keras.utils.PyDataset`` of window batches.

    Window ``k`` starts at ``k * stride`` and is cut when its batch is read; with
    ``shuffle`` the windows' order is redrawn each epoch from ``seed``; with
    ``repeat`` the batches never end (``fit`` then needs ``steps_per_epoch``).
    """
    from zoo.backend import import_keras

    keras = import_keras()

    class WindowBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.starts = np.arange(0, len(ids) - window, stride)
            self._rng = np.random.default_rng(seed)
            self._order = self._rng.permutation(len(self.starts)) if shuffle else None

        def __len__(self):
            return -(-len(self.starts) // batch_size)

        @property
        def num_batches(self):
            return None if repeat else len(self)

        def __getitem__(self, index):
            if not repeat and index >= len(self):
                raise IndexError(f"WindowBatches: batch {index} of {len(self)}")
            picked = slice((index % len(self)) * batch_size, (index % len(self) + 1) * batch_size)
            starts = self.starts[picked] if self._order is None else \
                self.starts[self._order[picked]]
            x = ids[starts[:, None] + np.arange(window)]
            if target == "sequence":
                return x, ids[starts[:, None] + np.arange(1, window + 1)]
            return x, ids[starts + window]

        def on_epoch_end(self):
            if shuffle:
                self._order = self._rng.permutation(len(self.starts))

    return WindowBatches()
