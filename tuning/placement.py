"""A search's in-memory data placed on the accelerator once per worker, not copied every batch.

Keras' ``fit`` on NumPy arrays slices each batch on the host and copies it to the
GPU; on JAX it even turns device arrays back into NumPy first. For the small
models people tune, those copies (and the host work around them) are a good part
of each step. A tuning worker trains many models on the same arrays, so
:func:`device_fit_inputs` places them on the device once (:func:`place`:
``keras.ops.convert_to_tensor``, i.e. ``jax.device_put`` on JAX, a CUDA tensor on
PyTorch) as a :class:`DeviceArrays` stream, and every trial draws its batches from
them on the device (:class:`DeviceBatches`: the batch's indices are the only
thing the host sends, one permutation an epoch).

It applies on JAX and PyTorch with a GPU or TPU, to the zoo's hypermodels (which
batch a stream at each trial's tuned batch size) and in-memory splits that fit in
:data:`MAX_DEVICE_SHARE` of the device. TensorFlow keeps its own input pipeline,
and on a CPU there is nothing to copy (:func:`on_accelerator` is ``False``): the
arrays stay as they are, so CPU results do not change.

Example:
    >>> train = DeviceArrays(x_train, y_train)  # on the device once
    >>> model.fit(train.batches(64, shuffle=True, seed=0), epochs=3)
"""

from __future__ import annotations

import logging

import numpy as np

from zoo.data.streams import Stream

logger = logging.getLogger("tuning.placement")

#: In-memory data larger than this share of the device's memory stays on the host.
MAX_DEVICE_SHARE = 0.25


def on_accelerator() -> bool:
    """Whether the active backend computes on a GPU or TPU and can take device arrays
    (JAX or PyTorch; TensorFlow places its own pipeline's batches)."""
    from zoo import backend

    if backend.name() not in ("jax", "torch"):
        return False
    return any(d["type"] != "CPU" for d in backend.devices())


def place(array):
    """``array`` as a backend array on the default device (no copy where it is one).

    Args:
        array: A NumPy array.

    Returns:
        A ``jax.Array`` or ``torch.Tensor`` on Keras' default device (a
        ``tf.Tensor`` on TensorFlow).
    """
    from zoo import backend

    keras = backend.import_keras()
    return keras.ops.convert_to_tensor(np.asarray(array))


def device_bytes() -> int | None:
    """Memory of the default accelerator where the backend reports it (``None`` elsewhere)."""
    from zoo import backend

    try:
        if backend.name() == "jax":
            import jax

            stats = jax.devices()[0].memory_stats() or {}
            return stats.get("bytes_limit")
        if backend.name() == "torch":
            import torch

            if torch.cuda.is_available():
                return int(torch.cuda.mem_get_info()[1])
    except (RuntimeError, AttributeError, IndexError):  # no stats on this platform
        return None
    return None


class DeviceBatches:
    """Batches of device arrays for ``fit``: a ``keras.utils.PyDataset`` built lazily.

    Use :meth:`DeviceArrays.batches`. Each epoch draws a fresh permutation (seeded),
    sends it to the device once, and gathers every batch there. ``drop_last``
    keeps every training batch full: on JAX each new batch shape compiles the
    train step again (:func:`zoo.backend.compiles_per_batch_shape`), and the samples
    left out differ from epoch to epoch.
    """

    def __new__(cls, x, y, batch_size, *, shuffle=False, seed=None, drop_last=False):
        from zoo import backend

        keras = backend.import_keras()

        class _Batches(keras.utils.PyDataset):
            def __init__(self):
                super().__init__()
                self.x, self.y, self.batch_size = x, y, int(batch_size)
                self.size = int(x.shape[0])
                self.drop_last = bool(drop_last) and self.size >= self.batch_size
                self._rng = np.random.default_rng(seed) if shuffle else None
                self._order = None
                self.on_epoch_end()

            def __len__(self):
                if self.drop_last:
                    return self.size // self.batch_size
                return -(-self.size // self.batch_size)

            def __getitem__(self, index):
                start = index * self.batch_size
                stop = min(start + self.batch_size, self.size)
                if self._order is None:  # in order: a slice, no gather
                    return self.x[start:stop], self.y[start:stop]
                take = self._order[start:stop]
                return (keras.ops.take(self.x, take, axis=0),
                        keras.ops.take(self.y, take, axis=0))

            def on_epoch_end(self):
                if self._rng is not None:
                    self._order = place(self._rng.permutation(self.size).astype("int32"))

        return _Batches()


class DeviceArrays(Stream):
    """An in-memory split held on the device: a :class:`zoo.data.streams.Stream` whose
    batches are gathered there (:class:`DeviceBatches`).

    Args:
        x, y: NumPy arrays (placed with :func:`place`).

    Attributes:
        x, y: The device arrays.
    """

    portable = False
    fixed_batches = False

    def __init__(self, x, y):
        self.x, self.y = place(x), place(y)
        self.size = int(x.shape[0])
        self.input_shape = tuple(x.shape[1:])
        self.label_shape = tuple(y.shape[1:])
        self.labels = np.asarray(y)

    def batches(self, batch_size=None, *, shuffle=False, seed=None):
        """Batches of ``batch_size`` (default 32), reshuffled each epoch with ``shuffle``;
        training batches (``shuffle``) stay full on JAX (see :class:`DeviceBatches`)."""
        from zoo import backend

        return DeviceBatches(self.x, self.y, batch_size or 32, shuffle=shuffle, seed=seed,
                             drop_last=shuffle and backend.compiles_per_batch_shape())

    def peek(self, n=4):
        from zoo import backend

        n = min(n, self.size)
        keras = backend.import_keras()
        return keras.ops.convert_to_numpy(self.x[:n]), self.labels[:n]


def device_fit_inputs(hypermodel, args, kwargs, *, force: bool = False):
    """``tuner.search``'s ``(args, kwargs)`` with in-memory arrays placed on the device.

    Applies to a zoo hypermodel's ``(x, y)`` arrays and ``validation_data=(x, y)``
    on an accelerator (:func:`on_accelerator`; ``force`` for tests on a CPU), when
    they fit in :data:`MAX_DEVICE_SHARE` of its memory. Anything else is returned
    unchanged.

    Args:
        hypermodel: The job's hypermodel.
        args, kwargs: What :func:`tuning.job.fit_inputs` returned.
        force: Place the data even without an accelerator.

    Returns:
        ``(args, kwargs)``: ``(DeviceArrays, None)`` and
        ``validation_data=DeviceArrays`` when placed.
    """
    from tuning.hypermodels import ZooHyperModel

    if not isinstance(hypermodel, ZooHyperModel) or not (force or on_accelerator()):
        return args, kwargs
    x, y = args[:2] if len(args) >= 2 else (None, None)
    validation = kwargs.get("validation_data")
    arrays = [x, y, *(validation if isinstance(validation, tuple) else ())]
    if not all(isinstance(a, np.ndarray) for a in arrays) or len(arrays) not in (2, 4):
        return args, kwargs
    total = sum(a.nbytes for a in arrays)
    limit = device_bytes()
    if limit and total > MAX_DEVICE_SHARE * limit:
        logger.info("the data (%.1f GiB) stays on the host: over %d%% of the device's memory",
                    total / 2**30, MAX_DEVICE_SHARE * 100)
        return args, kwargs
    kwargs = dict(kwargs)
    if validation is not None:
        kwargs["validation_data"] = DeviceArrays(*validation)
    logger.info("the data (%.1f MiB) is on the device for every trial", total / 2**20)
    return (DeviceArrays(x, y), None, *args[2:]), kwargs
