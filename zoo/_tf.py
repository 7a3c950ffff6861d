"""Import TensorFlow and Keras once, without TensorFlow's C++ start-up chatter.

TensorFlow writes INFO lines (oneDNN notice, "could not find cuda drivers", CPU
instruction notes, a cuInit error on machines without CUDA) straight to file
descriptor 2 from absl, before any log-level setting applies. They bury a CLI's
one-line error and every script's first screen, so the package's first import of
TensorFlow points fd 2 at /dev/null for its duration. An import that fails is
retried with stderr intact, so a broken installation still shows its real error.
Set ``ZOO_SHOW_TF_LOGS=1`` to keep the chatter.
"""

from __future__ import annotations

import contextlib
import os
import sys


def import_tensorflow_quietly() -> None:
    """Import ``tensorflow`` and ``keras`` with fd 2 silenced (once per process)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules or os.environ.get("ZOO_SHOW_TF_LOGS") == "1":
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2 (embedded interpreters)
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                import keras  # noqa: F401
                import tensorflow

                # The first device query logs a cuInit error on machines without CUDA.
                tensorflow.config.list_physical_devices()
            except Exception:  # noqa: BLE001 - the import below shows the error
                pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def eager_kernels_kept():
    """Within the block, TensorFlow does not flush its eager kernel cache.

    ``tf.random.set_seed`` (so ``keras.utils.set_random_seed``) and
    ``keras.backend.clear_session`` flush the cache of instantiated eager op
    kernels, to reset stateful random kernels and free memory. After a flush,
    every eager op instantiates its kernel again: creating a variable then costs
    about 0.7 ms instead of 0.13 ms, which makes building a small model a third
    slower. A tuning loop that seeds and clears before every trial, and uses only
    stateless random ops (every Keras 3 layer and initializer does), loses
    nothing by keeping the cache; the tuners flush it with their budgeted
    garbage collections, which bounds its memory.

    Example:
        >>> with eager_kernels_kept():
        ...     keras.utils.set_random_seed(0)
    """
    from tensorflow.python.eager import context

    module = context.pywrap_tfe
    flush = module.TFE_ContextClearCaches
    module.TFE_ContextClearCaches = _keep_kernels
    try:
        yield
    finally:
        module.TFE_ContextClearCaches = flush


def _keep_kernels(handle):
    """Stand-in for ``TFE_ContextClearCaches`` inside :func:`eager_kernels_kept`."""


def flush_eager_kernels() -> None:
    """Free TensorFlow's cache of eager op kernels (what :func:`eager_kernels_kept` keeps)."""
    from tensorflow.python.eager import context

    context.context().clear_kernel_cache()
