"""Streamed splits: data read batch by batch, never held whole in memory.

A :class:`Stream` stands in a :class:`zoo.data.Dataset` where a split is not a
numpy array (``x_<split>`` holds the stream, ``y_<split>`` is ``None``). Two kinds:

* :class:`zoo.data.images.ImageFiles`: an image folder's files, decoded batch by
  batch in a ``tf.data`` pipeline; it batches at whatever size the job asks for
  (the tuned ``batch_size`` of a trial), and it can be rebuilt in another process.
* :class:`KerasStream`: a ``tf.data.Dataset`` or ``keras.utils.PyDataset`` the
  caller passed, already batched, as ``model.fit`` takes them; it keeps its own
  batches and its own shuffling.

:func:`from_splits` turns the caller's splits (``(train, val)``, ``(train, val,
test)`` or ``{"train": ..., "val": ..., "test": ...}``) into a :class:`Dataset`,
reading the task, the number of classes and the input shape from the data where
they are not given.

Example:
    >>> train, val = keras.utils.image_dataset_from_directory(
    ...     "photos", validation_split=0.2, subset="both", seed=0, image_size=(32, 32))
    >>> ds = from_splits({"train": train, "val": val})
    >>> ds.task, ds.num_classes, ds.input_shape  # doctest: +SKIP
    ('multiclass', 10, (32, 32, 3))
"""

from __future__ import annotations

import logging

import numpy as np

from zoo._validate import check_choice, check_positive_int
from zoo.data.dataset import Dataset, is_stream

logger = logging.getLogger("zoo.data")

#: Options a caller may give with streamed splits (``data_options``).
STREAM_OPTIONS = ("task", "num_classes", "name")
_SPLIT_NAMES = {"train": "train", "val": "val", "validation": "val", "test": "test"}


class Stream:
    """One split read batch by batch (see the module docstring).

    Attributes:
        input_shape: Shape of one sample, batch axis excluded.
        label_shape: Shape of one sample's label (``()`` for a class index).
        size: Samples, or ``None`` when unknown without reading the data.
        labels: Every label as an array when known without reading the data, else ``None``.
        fixed_batches: ``True`` when the stream keeps its own batches (the caller's);
            ``False`` when it batches at the size asked.
        portable: Whether the stream can be rebuilt in another process (picklable).
    """

    zoo_stream = True
    fixed_batches = False
    portable = False
    labels = None
    size = None
    input_shape: tuple = ()
    label_shape: tuple = ()

    def batches(self, batch_size: int | None = None, *, shuffle: bool = False,
                seed: int | None = None):
        """What ``model.fit``/``evaluate``/``predict`` take: batched ``(x, y)``."""
        raise NotImplementedError

    def steps(self, batch_size: int) -> int | None:
        """Batches per pass at ``batch_size`` (``None`` when unknown)."""
        if self.size is None:
            return None
        return max(1, -(-self.size // batch_size))

    def peek(self, n: int = 4) -> tuple:
        """The first ``n`` samples (at most one batch) as numpy ``(x, y)``."""
        raise NotImplementedError

    def concatenate(self, other: Stream) -> Stream:
        """This stream followed by ``other`` (the refit on train+validation)."""
        raise NotImplementedError


class KerasStream(Stream):
    """A caller's batched ``tf.data.Dataset`` or ``keras.utils.PyDataset`` of ``(x, y)``.

    Batches, shuffling and the order of the data are the caller's, as in
    ``model.fit``. Labels given one-hot (``label_mode="categorical"`` of
    ``image_dataset_from_directory``) are turned into class indices for the zoo's
    sparse losses.

    Its ``size`` is known for the datasets of ``image_dataset_from_directory`` (their
    ``file_paths``), else ``None``; ``steps`` comes from the dataset's cardinality.

    Args:
        source: A batched ``tf.data.Dataset`` yielding ``(x, y)`` or ``(x, y, weight)``,
            or a ``keras.utils.PyDataset`` whose items are such batches.
        where: Names the split in messages (``"run_search: the train split"``).

    Raises:
        ValueError: a stream without labels, with dict inputs, or an empty one.
    """

    fixed_batches = True

    def __init__(self, source, *, where: str):
        self.source = source
        self.where = where
        self.kind = "tf.data" if is_tf_dataset(source) else "PyDataset"
        self.class_names = list(getattr(source, "class_names", None) or []) or None
        # image_dataset_from_directory's datasets list their files: their sample count.
        paths = getattr(source, "file_paths", None)
        self.size = len(paths) if isinstance(paths, (list, tuple)) else None
        x_spec, y_spec = self._specs()
        self.input_shape = tuple(x_spec[0][1:])
        self.label_shape = tuple(y_spec[0][1:])
        self.label_dtype = y_spec[1]

    def _specs(self):
        """``((x shape, x dtype), (y shape, y dtype))`` of one batch, batch axis included."""
        if self.kind == "tf.data":
            spec = self.source.element_spec
            if not isinstance(spec, tuple) or len(spec) not in (2, 3):
                raise ValueError(f"{self.where} must yield (inputs, labels) batches, as "
                                 f"model.fit takes them; it yields {spec}")
            shapes = []
            for part, role in zip(spec[:2], ("inputs", "labels"), strict=True):
                if not hasattr(part, "shape"):
                    raise ValueError(f"{self.where}: its {role} must be one tensor, "
                                     f"received {part}")
                shapes.append((tuple(part.shape), part.dtype.name))
            if len(shapes[0][0]) < 2:
                raise ValueError(f"{self.where} must be batched (as model.fit takes a "
                                 f"tf.data.Dataset): its inputs have shape {shapes[0][0]}; "
                                 "call .batch(32) on it")
            return tuple(shapes)
        if len(self.source) == 0:
            raise ValueError(f"{self.where} is empty (len() == 0)")
        batch = self.source[0]
        if not isinstance(batch, tuple) or len(batch) not in (2, 3):
            raise ValueError(f"{self.where}: a PyDataset's items must be (inputs, labels) "
                             f"batches, item 0 is a {type(batch).__name__}")
        x, y = (np.asarray(part) for part in batch[:2])
        return (x.shape, x.dtype.name), (y.shape, y.dtype.name)

    def batches(self, batch_size=None, *, shuffle=False, seed=None):
        return self.source

    def steps(self, batch_size):
        if self.kind == "PyDataset":
            return len(self.source)
        cardinality = int(self.source.cardinality())
        return cardinality if cardinality >= 0 else None

    def peek(self, n=4):
        if self.kind == "PyDataset":
            batch = self.source[0]
        else:
            batch = next(iter(self.source.take(1)), None)
            if batch is None:
                raise ValueError(f"{self.where} is empty")
        x, y = (np.asarray(part) for part in batch[:2])
        return x[:n], y[:n]

    def concatenate(self, other):
        if not isinstance(other, KerasStream) or other.kind != self.kind:
            raise ValueError(f"{self.where} and {other.where} must be of one kind (both "
                             "tf.data.Dataset or both PyDataset) to be joined")
        if self.kind == "tf.data":
            joined = self.source.concatenate(other.source)
        else:
            from zoo.data._chained import ChainedPyDataset

            joined = ChainedPyDataset(self.source, other.source)
        stream = KerasStream.__new__(KerasStream)
        size = None if self.size is None or other.size is None else self.size + other.size
        stream.__dict__.update(self.__dict__, source=joined, size=size,
                               where=f"{self.where} + {other.where}")
        return stream

    def map_labels(self, function) -> None:
        """Apply ``function`` to every label batch (tf.data only): one-hot -> index."""
        self.source = self.source.map(
            lambda *item: (item[0], function(item[1]), *item[2:]))
        self.label_shape = ()
        self.label_dtype = "int32"

    def label_values(self) -> np.ndarray:
        """Every label, read by one pass over the stream (its inputs are read too)."""
        if self.kind == "PyDataset":
            parts = [np.asarray(self.source[i][1]) for i in range(len(self.source))]
        else:
            parts = [np.asarray(item[1]) for item in self.source.as_numpy_iterator()]
        return np.concatenate([p.reshape(len(p), -1) for p in parts]) if parts else np.empty(0)


def is_tf_dataset(value) -> bool:
    """Whether ``value`` is a ``tf.data.Dataset`` (:func:`zoo.backend.is_tf_dataset`)."""
    from zoo import backend

    return backend.is_tf_dataset(value)


def is_keras_stream(value) -> bool:
    """Whether ``value`` is a ``tf.data.Dataset`` or a ``keras.utils.PyDataset``."""
    if is_tf_dataset(value):
        return True
    import sys

    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.utils.PyDataset)


def stream_splits(data) -> dict | None:
    """``{"train", "val"[, "test"]: source}`` when ``data`` holds streamed splits, else ``None``.

    Accepts ``(train, val)``, ``(train, val, test)`` and dicts with the keys
    ``train``, ``val`` (or ``validation``) and optionally ``test``.
    """
    if isinstance(data, dict):
        if not any(is_keras_stream(v) for v in data.values()):
            return None
        unknown = [k for k in data if k not in _SPLIT_NAMES]
        if unknown:
            raise ValueError(f"streamed splits: unknown key(s) {', '.join(map(repr, unknown))}; "
                             "expected 'train', 'val' (or 'validation') and optionally 'test'")
        return {_SPLIT_NAMES[k]: v for k, v in data.items()}
    if isinstance(data, (tuple, list)) and len(data) in (2, 3) and any(
            is_keras_stream(v) for v in data):
        return dict(zip(("train", "val", "test"), data, strict=False))
    return None


def from_splits(splits: dict, *, fn: str = "resolve", task: str | None = None,
                num_classes: int | None = None, name: str | None = None) -> Dataset:
    """A streamed :class:`Dataset` from a caller's ``tf.data`` / ``PyDataset`` splits.

    The input shape comes from the training split's first batch (or its element
    spec); the task from its labels: integer class indices are ``"binary"`` for
    two classes, else ``"multiclass"``; one-hot labels with ``class_names`` (as
    ``image_dataset_from_directory(label_mode="categorical")`` gives) are
    turned into indices; other float labels are ``"regression"``. The number of
    classes comes from ``num_classes``, else the datasets' ``class_names``, else
    one pass over the training labels.

    Args:
        splits: ``{"train": ..., "val": ...}`` and optionally ``"test"`` (see
            :func:`stream_splits`).
        fn: The caller's name, for messages.
        task: Force the task (``zoo.tasks.TASKS``).
        num_classes: The number of classes (saves the pass over the labels).
        name: The data set's name (default ``"stream"``).

    Returns:
        A :class:`Dataset` whose splits are :class:`KerasStream` objects (no ``x_test``
        without a test split).

    Raises:
        ValueError: a missing training or validation split, splits of mixed kinds or
            input shapes, unlabelled or unbatched streams, one class.

    Example:
        >>> ds = from_splits({"train": train_ds, "val": val_ds}, num_classes=10)
    """
    from zoo.tasks import TASKS

    for required in ("train", "val"):
        if splits.get(required) is None:
            raise ValueError(f"{fn}: streamed data needs a {required!r} split as well; give "
                             "(train, val) or (train, val, test)")
    for split, source in splits.items():
        if source is not None and not is_keras_stream(source):
            raise TypeError(f"{fn}: the {split} split must be a tf.data.Dataset or a "
                            f"keras.utils.PyDataset like the others, received "
                            f"{type(source).__name__}")
    if task is not None:
        task = check_choice(fn, "task", task, TASKS)
    if num_classes is not None:
        num_classes = check_positive_int(fn, "num_classes", num_classes)
    streams = {split: KerasStream(source, where=f"{fn}: the {split} split")
               for split, source in splits.items() if source is not None}
    train = streams["train"]
    for split, stream in streams.items():
        if stream.kind != train.kind:
            raise ValueError(f"{fn}: the splits must be of one kind (all tf.data.Dataset or "
                             f"all PyDataset); train is a {train.kind}, {split} a {stream.kind}")
        if stream.input_shape != train.input_shape:
            raise ValueError(f"{fn}: the {split} split's inputs have shape "
                             f"{stream.input_shape}, the train split's {train.input_shape}")
    class_names = train.class_names
    task, num_classes = _infer_task(fn, train, task, num_classes, class_names)
    if task in ("binary", "multiclass") and train.label_shape not in ((), (1,)):
        if train.kind != "tf.data":
            raise ValueError(f"{fn}: one-hot labels of shape {train.label_shape} in a "
                             "PyDataset; give class indices (0 .. num_classes - 1)")
        import tensorflow as tf

        for stream in streams.values():  # one-hot -> the sparse losses' class index
            stream.map_labels(lambda y: tf.argmax(y, axis=-1, output_type=tf.int32))
    meta = {"class_names": class_names, "streams": train.kind}
    return Dataset(name or "stream", streams["train"], None, streams["val"], None,
                   streams.get("test"), None, task=task, num_classes=num_classes, meta=meta)


def _infer_task(fn, train, task, num_classes, class_names):
    """``(task, num_classes)`` from what was given, the class names and the labels."""
    integer = np.issubdtype(np.dtype(train.label_dtype), np.integer) or train.label_dtype == "bool"
    one_hot = (not integer and len(train.label_shape) == 1 and train.label_shape[0] > 1
               and (task in ("binary", "multiclass")
                    or (class_names and len(class_names) == train.label_shape[0])))
    if task is None:
        binary_float = (class_names is not None and len(class_names) == 2
                        and train.label_shape in ((), (1,)))
        if integer or one_hot:
            task = "classes"
        elif binary_float:  # image_dataset_from_directory(label_mode="binary")
            task, num_classes = "binary", 2
        else:
            task = "regression"
    if task == "regression" or task == "multilabel":
        if task == "multilabel" and num_classes is None:
            num_classes = int(train.label_shape[-1]) if train.label_shape else 1
        return task, num_classes if task == "multilabel" else None
    if num_classes is None:
        if one_hot:
            num_classes = int(train.label_shape[0])
        elif class_names:
            num_classes = len(class_names)
        else:
            logger.info("%s: counting the classes in one pass over the training stream "
                        "(give num_classes to skip it)", fn)
            labels = train.label_values()
            num_classes = int(labels.max()) + 1 if labels.size else 0
    if num_classes < 2:
        raise ValueError(f"{fn}: the training labels hold {num_classes} class(es); a "
                         "classifier needs at least 2")
    if task == "classes":
        task = "binary" if num_classes == 2 else "multiclass"
    return task, num_classes


__all__ = ["STREAM_OPTIONS", "KerasStream", "Stream", "from_splits", "is_keras_stream",
           "is_stream", "is_tf_dataset", "stream_splits"]
