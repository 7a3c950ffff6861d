"""zoo: ready-to-fit Keras 3 models with pluggable initializers, losses and tuning.

Example:
    >>> import zoo
    >>> data = zoo.data.load("digits")
    >>> model = zoo.create_model("cnn", **data.model_kwargs(), seed=0)
    >>> history = model.fit(data.x_train, data.y_train, epochs=1, verbose=0)
"""

from zoo import data, initializers, layers, tasks
from zoo.models import build_bilstm, build_cnn, build_fnn, build_gru, build_lstm
from zoo.registry import create_model, get_spec, list_models, register_model

__version__ = "0.1.0"

__all__ = [
    "build_bilstm",
    "build_cnn",
    "build_fnn",
    "build_gru",
    "build_lstm",
    "create_model",
    "data",
    "get_spec",
    "initializers",
    "layers",
    "list_models",
    "register_model",
    "tasks",
]
