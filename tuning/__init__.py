"""tuning: keras-tuner searches over the zoo's models, on one machine or several.

The public names load on first use, so ``import tuning`` is instant and the
``zoo tune`` command line answers ``--help`` and refuses bad arguments before
keras-tuner, Keras or a backend is imported.

Example:
    >>> from tuning import run_search
    >>> result = run_search("cnn", "digits", "hyperband", max_epochs=3,
    ...                     directory="/tmp/tune_demo", overwrite=True)
    >>> sorted(result.test_metrics)
    ['accuracy', 'loss']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Light (lazy) as well; it registers the zoo's Keras classes and keeps TensorFlow's
# C++ start-up lines off the terminal, whoever imports TensorFlow first.
import zoo  # noqa: F401

#: Public names: name -> the module that defines it.
_ATTRIBUTES = {
    "ALGORITHMS": "tuning.config",
    "HyperCNN": "tuning.hypermodels",
    "HyperFNN": "tuning.hypermodels",
    "HyperLSTM": "tuning.hypermodels",
    "Param": "tuning.hypermodels",
    "SearchConfig": "tuning.config",
    "SearchResult": "tuning.search",
    "ZooHyperModel": "tuning.hypermodels",
    "get_hypermodel": "tuning.hypermodels",
    "hyperband_budget": "tuning.config",
    "make_optimizer": "tuning.hypermodels",
    "make_schedule": "tuning.hypermodels",
    "make_tuner": "tuning.tuners",
    "oracle_seed": "tuning.tuners",
    "run_search": "tuning.search",
}

#: Modules that import neither Keras nor keras-tuner.
_LIGHT = {"tuning.config"}

__all__ = sorted(_ATTRIBUTES)


def __getattr__(name: str):
    if name not in _ATTRIBUTES:
        raise AttributeError(f"module 'tuning' has no attribute {name!r}")
    if _ATTRIBUTES[name] not in _LIGHT:
        from zoo.backend import import_keras

        import_keras()  # quietly, before keras-tuner imports it
    value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from tuning.config import ALGORITHMS, SearchConfig, hyperband_budget  # noqa: F401
    from tuning.hypermodels import (  # noqa: F401
        HyperCNN,
        HyperFNN,
        HyperLSTM,
        Param,
        ZooHyperModel,
        get_hypermodel,
        make_optimizer,
        make_schedule,
    )
    from tuning.search import SearchResult, run_search  # noqa: F401
    from tuning.tuners import make_tuner, oracle_seed  # noqa: F401
