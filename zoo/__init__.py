"""zoo: ready-to-fit Keras 3 models with pluggable initializers, losses and tuning.

``import zoo`` registers every custom Keras object of the package (the DCGAN
model, losses, schedules, callbacks), so a model saved with them reloads with
``keras.saving.load_model(path, safe_mode=True)`` after a plain ``import zoo``.

Example:
    >>> import zoo
    >>> data = zoo.data.load("digits")
    >>> model = zoo.create_model("cnn", **data.model_kwargs(), seed=0)
    >>> history = model.fit(data.x_train, data.y_train, epochs=1, verbose=0)
"""

from zoo._tf import import_tensorflow_quietly as _import_tensorflow_quietly

_import_tensorflow_quietly()

# Importing these modules registers their Keras-serializable classes.
from zoo import (  # noqa: E402
    callbacks,
    compare,
    data,
    distribute,
    fundamentals,
    gan_callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    plots,
    precision,
    registry,
    schedules,
    series,
    tasks,
    text,
    training,
)
from zoo.callbacks import default_callbacks  # noqa: E402
from zoo.gan_callbacks import GANSampleGrid  # noqa: E402
from zoo.models import (  # noqa: E402
    DCGAN,
    build_bilstm,
    build_cnn,
    build_dcgan,
    build_fnn,
    build_gru,
    build_lstm,
    build_training_state,
)
from zoo.models.dcgan import build_discriminator, build_generator  # noqa: E402
from zoo.optimizers import build_optimizer  # noqa: E402
from zoo.registry import create_model, get_spec, list_models, register_model  # noqa: E402
from zoo.schedules import get_schedule  # noqa: E402
from zoo.training import train  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "DCGAN",
    "GANSampleGrid",
    "build_bilstm",
    "build_cnn",
    "build_dcgan",
    "build_discriminator",
    "build_fnn",
    "build_generator",
    "build_gru",
    "build_lstm",
    "build_optimizer",
    "build_training_state",
    "callbacks",
    "compare",
    "create_model",
    "data",
    "default_callbacks",
    "distribute",
    "fundamentals",
    "gan_callbacks",
    "get_schedule",
    "get_spec",
    "initializers",
    "layers",
    "list_models",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "plots",
    "precision",
    "register_model",
    "registry",
    "schedules",
    "series",
    "tasks",
    "text",
    "train",
    "training",
]
