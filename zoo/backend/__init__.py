"""The Keras backend in use, and the few things that differ between backends.

Keras 3 runs on TensorFlow (the default), JAX or PyTorch, chosen by the
``KERAS_BACKEND`` environment variable or ``~/.keras/keras.json``. The zoo's
models, losses, schedules, callbacks and tuners use Keras APIs and ``keras.ops``
only; what must differ per backend lives in this package, one module a backend
(``tensorflow.py``...), and nowhere else. Private internals of TensorFlow and
Keras appear only in these modules, each access guarded by a test.

:func:`name` tells the backend without importing Keras, so the command line
can answer ``--help`` and refuse bad arguments before any heavy import.
:func:`import_keras` is the package's one way to import Keras: on TensorFlow it
keeps TensorFlow's C++ start-up lines (oneDNN, CUDA probes) off the terminal.

Example:
    >>> from zoo import backend
    >>> backend.name() in backend.BACKENDS
    True
"""

from __future__ import annotations

import json
import os
import sys

#: The Keras backends the zoo supports.
BACKENDS = ("tensorflow", "jax", "torch")


def _configured() -> str:
    """The backend Keras will pick when imported, read the way Keras reads it."""
    env = os.environ.get("KERAS_BACKEND")
    if env:
        return env
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(os.path.expanduser(home), "keras.json")) as f:
            return json.load(f).get("backend") or "tensorflow"
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def name() -> str:
    """The Keras backend in use (``"tensorflow"``, ``"jax"`` or ``"torch"``).

    Read from Keras once it is imported, else from ``KERAS_BACKEND`` or Keras'
    configuration file, without importing anything heavy.

    Returns:
        The backend's name, as ``keras.backend.backend()`` gives it.

    Example:
        >>> name()
        'tensorflow'
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return _configured()


def import_keras():
    """Import Keras and its backend once, quietly; return the ``keras`` module.

    On TensorFlow, its C++ start-up lines are kept off stderr (see
    :func:`zoo.backend.tensorflow.import_tensorflow_quietly`); set
    ``ZOO_SHOW_TF_LOGS=1`` to see them.

    Returns:
        The ``keras`` module.

    Example:
        >>> keras = import_keras()
    """
    if "keras" not in sys.modules and name() == "tensorflow":
        from zoo.backend.tensorflow import import_tensorflow_quietly

        import_tensorflow_quietly()
    import keras

    return keras
