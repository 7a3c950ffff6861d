"""zoo: ready-to-fit Keras 3 models with pluggable initializers, losses and tuning.

The public names below load on first use, so ``import zoo`` is instant and the
``zoo`` command line answers ``--help`` without importing Keras or a backend.
``import zoo`` still registers every custom Keras object of the package (the
DCGAN, losses, schedules, callbacks): as soon as Keras is imported, before or
after ``zoo``, so a model saved with them reloads with
``keras.saving.load_model(path, safe_mode=True)`` after a plain ``import zoo``.
And it keeps TensorFlow's C++ start-up lines (oneDNN, CUDA probes) off the
terminal whenever TensorFlow is first imported (``ZOO_SHOW_TF_LOGS=1`` shows them).

Example:
    >>> import zoo
    >>> data = zoo.data.load("digits")
    >>> model = zoo.create_model("cnn", **data.model_kwargs(), seed=0)
    >>> history = model.fit(data.x_train, data.y_train, epochs=1, verbose=0)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.2.0"

#: Submodules reachable as ``zoo.<name>``.
_SUBMODULES = (
    "backend", "callbacks", "compare", "data", "distribute", "gan", "initializers", "io",
    "layers", "losses", "models", "optimizers", "plots", "precision", "prediction", "registry",
    "schedules", "series", "tasks", "teaching", "text", "training",
)

#: Old module names kept for user code: ``zoo.<old>`` imports the deprecation shim,
#: which warns and re-exports from the new module named here.
_DEPRECATED = {
    "fundamentals": "zoo.teaching",
    "gan_callbacks": "zoo.gan.callbacks",
    "metrics": "zoo.gan.quality",
}

#: Public functions and classes: name -> the module that defines it.
_ATTRIBUTES = {
    "DCGAN": "zoo.gan.model",
    "GANSampleGrid": "zoo.gan.callbacks",
    "build_bilstm": "zoo.models.rnn",
    "build_cnn": "zoo.models.cnn",
    "build_dcgan": "zoo.gan.builders",
    "build_discriminator": "zoo.gan.builders",
    "build_fnn": "zoo.models.fnn",
    "build_generator": "zoo.gan.builders",
    "build_gru": "zoo.models.rnn",
    "build_lstm": "zoo.models.rnn",
    "build_optimizer": "zoo.optimizers",
    "build_training_state": "zoo.models.training_state",
    "create_model": "zoo.registry",
    "default_callbacks": "zoo.callbacks",
    "generate": "zoo.gan.job",
    "get_schedule": "zoo.schedules",
    "get_spec": "zoo.registry",
    "list_models": "zoo.registry",
    "predict": "zoo.prediction",
    "register_model": "zoo.registry",
    "train": "zoo.training",
}

#: Modules defining Keras-serializable classes (``package="zoo"``).
_SERIALIZABLE = ("zoo.losses", "zoo.schedules", "zoo.callbacks", "zoo.gan.model",
                 "zoo.gan.callbacks")

__all__ = sorted((*_SUBMODULES, *_ATTRIBUTES, "__version__"))

# Modules that need no Keras: importing them never imports a backend.
_LIGHT = frozenset({"backend", "compare", "data", "gan", "initializers", "io", "layers", "models",
                    "precision", "prediction", "registry", "series", "tasks", "teaching", "text", "training"})


#: Modules of public names that import no Keras until a function is called (the
#: registry, the factories, the jobs): the command line uses them before any backend.
_LIGHT_ATTRIBUTE_MODULES = frozenset({"zoo.registry", "zoo.models.fnn", "zoo.models.cnn",
                                      "zoo.models.rnn", "zoo.gan.builders", "zoo.gan.job",
                                      "zoo.prediction", "zoo.training"})


def __getattr__(name: str):
    if name in _ATTRIBUTES:
        if _ATTRIBUTES[name] not in _LIGHT_ATTRIBUTE_MODULES:
            _keras_ready()
        value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
    elif name in _SUBMODULES or name in _DEPRECATED:
        if name not in _LIGHT:
            _keras_ready()
        value = importlib.import_module(f"zoo.{name}")
    else:
        raise AttributeError(f"module 'zoo' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _keras_ready() -> None:
    """Import Keras quietly (see :mod:`zoo.backend`); the hook below then registers."""
    from zoo.backend import import_keras

    import_keras()


def _register_serializables(_keras=None) -> None:
    """Import the modules whose classes Keras must find by their registered names."""
    for module in _SERIALIZABLE:
        importlib.import_module(module)


def _register_when_keras_loads() -> None:
    # Run now if Keras is already imported, else right after its import finishes.
    import wrapt

    wrapt.register_post_import_hook(_register_serializables, "keras")


_register_when_keras_loads()


def _quiet_tensorflow_import() -> None:
    # Whoever imports TensorFlow first in this process (Keras, keras-tuner, the user),
    # its C++ start-up lines stay off the terminal (zoo.backend.tensorflow).
    from zoo.backend.tensorflow import quiet_first_import

    quiet_first_import()


_quiet_tensorflow_import()

if TYPE_CHECKING:  # what static tools and IDEs see
    from zoo import (  # noqa: F401
        backend,
        callbacks,
        compare,
        data,
        distribute,
        gan,
        initializers,
        io,
        layers,
        losses,
        models,
        optimizers,
        plots,
        precision,
        prediction,
        registry,
        schedules,
        series,
        tasks,
        teaching,
        text,
        training,
    )
    from zoo.callbacks import default_callbacks  # noqa: F401
    from zoo.gan.builders import build_dcgan, build_discriminator, build_generator  # noqa: F401
    from zoo.gan.callbacks import GANSampleGrid  # noqa: F401
    from zoo.gan.job import generate  # noqa: F401
    from zoo.gan.model import DCGAN  # noqa: F401
    from zoo.models.cnn import build_cnn  # noqa: F401
    from zoo.models.fnn import build_fnn  # noqa: F401
    from zoo.models.rnn import build_bilstm, build_gru, build_lstm  # noqa: F401
    from zoo.models.training_state import build_training_state  # noqa: F401
    from zoo.optimizers import build_optimizer  # noqa: F401
    from zoo.prediction import predict  # noqa: F401
    from zoo.registry import create_model, get_spec, list_models, register_model  # noqa: F401
    from zoo.schedules import get_schedule  # noqa: F401
    from zoo.training import train  # noqa: F401
