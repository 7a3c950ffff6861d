"""Checks on a model as a whole: its size before it is built, its weights before it is saved.

:func:`count_params_unbuilt` calls a factory inside ``keras.StatelessScope(
initialize_variables=False)``, where Keras records each variable's shape and
initializer but allocates nothing; the count costs milliseconds, however large the
model. :func:`check_model_fits` refuses a model whose training would need more
memory than the machine has, before the first allocation, instead of an
out-of-memory crash (``--param hidden_units=100000000`` is 7.5 billion parameters
on the digits). The dry build runs in its own thread: Keras keeps its graph state
(the name counters, the list of unallocated variables) per thread, so the caller's
state is untouched and the unallocated variables go with the thread.

The dry build also runs the factory's own argument checks, so a bad activation
or width is refused by it too.

:func:`check_finite_weights` stands before every save (``zoo.train``,
``zoo.generate``, a search's best model): a model whose weights hold NaN or
infinity (a diverged training) is never written, the job fails with
:class:`zoo.errors.JobFailedError` naming the first bad weight.
"""

from __future__ import annotations

import inspect
import math
import os
import threading

import numpy as np

from zoo.errors import JobFailedError

#: Bytes a parameter needs while training: float32 weights, gradients and two
#: optimizer slots (Adam's moments).
TRAIN_BYTES_PER_PARAM = 16


def count_params_unbuilt(factory, /, **kwargs) -> int | None:
    """The number of parameters ``factory(**kwargs)`` builds, none of them allocated.

    Args:
        factory: A function returning a ``keras.Model`` (a registered factory,
            called with ``compile=False`` where it takes it: an optimizer cannot be
            built without allocating).
        **kwargs: Its arguments.

    Returns:
        The parameter count (trainable and not), or ``None`` for a factory that
        cannot build without allocating (one that sets weights while it builds).

    Raises:
        Whatever the factory raises for bad arguments (``ValueError``, ``TypeError``).

    Example:
        >>> import zoo
        >>> count_params_unbuilt(zoo.build_fnn, input_shape=(64,), task="multiclass",
        ...                      num_classes=10, hidden_units=(10**8,), compile=False)
        7500000010
    """
    from zoo.backend import import_keras

    keras = import_keras()
    outcome = {}
    if "compile" in kwargs and not _takes(factory, "compile"):
        kwargs = {k: v for k, v in kwargs.items() if k != "compile"}

    def build():
        try:
            with keras.StatelessScope(initialize_variables=False):
                model = factory(**kwargs)
                outcome["params"] = sum(math.prod(v.shape) for v in model.weights)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=build, name="zoo-dry-build")
    thread.start()
    thread.join()
    error = outcome.get("error")
    if error is not None:
        if "stateless scope" in str(error):
            return None  # a factory that must allocate while it builds: no dry count
        raise error
    return int(outcome["params"])


def _takes(function, name) -> bool:
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return True
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), or ``None``."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gigabytes(size: float) -> str:
    return f"{size / 1e9:.3g} GB"


def check_model_fits(fn: str, factory, kwargs: dict, *, hint: str = "") -> int | None:
    """Refuse a model too large to train in this machine's memory; return its size.

    Args:
        fn: The caller's name, for messages.
        factory: The model's factory.
        kwargs: Its arguments (``compile`` is set to ``False`` for the count).
        hint: What the user set that makes the model large, for the message
            (``"hidden_units=100000000"``).

    Returns:
        The parameter count (``None`` where it cannot be counted unbuilt).

    Raises:
        ValueError: training needs more than the available memory (at
            :data:`TRAIN_BYTES_PER_PARAM` bytes a parameter); or the factory's own
            error for a bad argument.

    Example:
        >>> import zoo
        >>> check_model_fits("train", zoo.build_fnn, {"input_shape": (64,),
        ...                  "task": "binary"})
        12545
    """
    params = count_params_unbuilt(factory, **{**kwargs, "compile": False})
    if params is None:
        return None
    need, have = params * TRAIN_BYTES_PER_PARAM, available_memory()
    if have is not None and need > have:
        raise ValueError(
            f"{fn}: the model would have {params:,} parameters, about {_gigabytes(need)} to "
            f"train (weights, gradients and optimizer state), more than the "
            f"{_gigabytes(have)} of memory available; make it smaller"
            + (f" ({hint})" if hint else ""))
    return params


def check_finite_weights(fn: str, model, *, what: str = "the model") -> None:
    """Refuse to go on with a model whose weights hold NaN or infinity.

    Args:
        fn: The caller's name, for messages.
        model: A ``keras.Model``.
        what: What the model is, for the message (``"the best model"``...).

    Raises:
        JobFailedError: a weight is not finite (the message names the first
            variable, how many of its values are bad, and what to try).

    Example:
        >>> check_finite_weights("train", zoo.build_fnn((4,), task="binary"))
    """
    for variable in model.weights:
        values = np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable)
        if values.dtype.kind != "f":
            continue
        bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
        if bad:
            raise JobFailedError(
                f"{fn}: training diverged: {what}'s weights hold {bad} NaN or infinite "
                f"value{'s' if bad > 1 else ''} (in {variable.path}), so it was not saved; "
                "lower the learning rate, check the data's scale, or add clipnorm")


__all__ = ["TRAIN_BYTES_PER_PARAM", "available_memory", "check_finite_weights",
           "check_model_fits", "count_params_unbuilt"]
