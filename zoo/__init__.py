"""zoo: ready-to-fit Keras 3 models with pluggable initializers, losses and tuning.

The public API is listed in ``__all__`` and loaded on first use (PEP 562), so that
``import zoo`` and the ``zoo`` command start without importing TensorFlow until a
model, loss or data set is actually needed.

Example:
    >>> import zoo
    >>> data = zoo.data.load("digits")
    >>> model = zoo.create_model("cnn", **data.model_kwargs(), seed=0)
    >>> history = model.fit(data.x_train, data.y_train, epochs=1, verbose=0)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "build_fnn": "zoo.models",
    "build_cnn": "zoo.models",
    "build_lstm": "zoo.models",
    "build_gru": "zoo.models",
    "build_bilstm": "zoo.models",
    "build_dcgan": "zoo.models",
    "DCGAN": "zoo.models",
    "create_model": "zoo.registry",
    "get_spec": "zoo.registry",
    "list_models": "zoo.registry",
    "register_model": "zoo.registry",
    "train": "zoo.training",
    "build_optimizer": "zoo.optimizers",
    "get_schedule": "zoo.schedules",
    "default_callbacks": "zoo.callbacks",
}
# submodules reachable as attributes (``zoo.data.load``)
_SUBMODULES = (
    "callbacks", "data", "fundamentals", "initializers", "layers", "losses", "metrics", "models",
    "optimizers", "plots", "registry", "schedules", "series", "tasks", "text", "training", "compare",
)

__all__ = sorted(_EXPORTS) + list(_SUBMODULES)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"zoo.{name}")
    else:
        raise AttributeError(f"module 'zoo' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
