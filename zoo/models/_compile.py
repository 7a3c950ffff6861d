"""Compile a freshly built model with the optimizer, loss and metrics its task needs."""

from __future__ import annotations

from zoo import tasks
from zoo._validate import check_number, suggest


def check_compile_args(fn: str, optimizer, learning_rate, loss=None) -> None:
    """Validate compile arguments in plain Python, before any layer is built.

    Raises:
        ValueError: unknown optimizer or loss name, non-positive learning rate, or a
            learning rate given together with a ready-made optimizer.
        TypeError: an optimizer that is neither a name nor an optimizer.
    """
    from zoo.optimizers import OPTIMIZERS

    if learning_rate is not None and not hasattr(learning_rate, "get_config"):
        check_number(fn, "learning_rate", learning_rate, low=0.0, low_inclusive=False)
    if isinstance(optimizer, str):
        if optimizer.lower() not in OPTIMIZERS:
            raise ValueError(f"{fn}: unknown optimizer={optimizer!r}; expected one of "
                             f"{', '.join(OPTIMIZERS)} or a keras.optimizers.Optimizer."
                             f"{suggest(optimizer.lower(), OPTIMIZERS)}")
    elif not hasattr(optimizer, "apply_gradients"):
        raise TypeError(
            f"{fn}: `optimizer` must be a name such as 'adam' or a keras.optimizers.Optimizer, "
            f"received optimizer={optimizer!r}")
    elif learning_rate is not None:
        raise ValueError(f"{fn}: `learning_rate` cannot be combined with an optimizer instance "
                         f"({type(optimizer).__name__}); set it on the optimizer instead")
    if isinstance(loss, str):
        from zoo.losses import list_losses

        known = list_losses()
        if loss.lower().replace("-", "_") not in known:
            raise ValueError(f"{fn}: unknown loss={loss!r}; see zoo.losses.list_losses() for "
                             f"the {len(known)} known names.{suggest(loss.lower(), known)}")


def resolve_optimizer(optimizer, learning_rate):
    """Return an optimizer instance from a name (with learning rate) or an instance."""
    from zoo.optimizers import build_optimizer

    if not isinstance(optimizer, str):
        return optimizer
    return build_optimizer(optimizer, learning_rate)


def resolve_loss(loss, task: str):
    """Return the loss for ``task``: the task default when ``loss`` is None."""
    from zoo import losses

    return losses.get(tasks.default_loss(task) if loss is None else loss)


def compile_model(model, *, task: str, optimizer="adam", learning_rate=None, loss=None,
                  metrics=None, **compile_kwargs):
    """Compile ``model`` in place for ``task`` and return it.

    Args:
        model: A built ``keras.Model``.
        task: One of ``zoo.tasks.TASKS``.
        optimizer: Optimizer name (see ``zoo.optimizers.OPTIMIZERS``) or instance.
        learning_rate: Number or schedule; ``None`` keeps the optimizer's default.
        loss: Loss name (see ``zoo.losses.list_losses()``) or object; ``None`` picks
            the task's default.
        metrics: List of metrics; ``None`` picks the task's defaults.
        **compile_kwargs: Passed to ``model.compile`` (``jit_compile``, ``steps_per_execution``...).

    Returns:
        The same model, compiled.

    Example:
        >>> model = compile_model(build_fnn((4,), task="binary", compile=False), task="binary")
    """
    model.compile(
        optimizer=resolve_optimizer(optimizer, learning_rate),
        loss=resolve_loss(loss, task),
        metrics=tasks.default_metrics(task) if metrics is None else metrics,
        **compile_kwargs,
    )
    return model


def build_training_state(model, x, y=None, sample_weight=None) -> bool:
    """Create a compiled model's metric, loss and optimizer state from the data's shapes.

    On the TensorFlow backend without a distribution strategy, Keras 3 creates the
    compiled metrics (and the optimizer's slots) while it traces the first train
    step. Creating variables inside a ``tf.function`` makes TensorFlow trace the
    step a second time, so the first ``fit`` of every fresh model pays for two
    traces. Building that state beforehand, from symbolic tensors shaped like the
    data (what Keras itself does under a strategy), leaves one trace: about a
    third off the first epoch of a small model, which is most of a short tuning
    trial. Training numbers are unchanged (the state starts at the same values).

    Args:
        model: A compiled ``keras.Model``.
        x: The inputs ``fit`` will get: arrays (or a dict/list of them) or a
            ``tf.data.Dataset`` yielding ``(x, y)`` or ``(x, y, sample_weight)``.
        y: Targets, when ``x`` holds only inputs.
        sample_weight: Per-sample weights, if ``fit`` gets them.

    Returns:
        ``True`` when the state was built here; ``False`` when there was nothing to
        do (not compiled, already built, another backend, or a strategy that makes
        Keras build it) or the data's shapes could not be read (``fit`` then builds
        it while tracing, as usual).

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.

    Example:
        >>> data = zoo.data.load("digits", representation="image")
        >>> model = zoo.build_cnn(**data.model_kwargs())
        >>> zoo.build_training_state(model, data.x_train, data.y_train)
        True
        >>> history = model.fit(data.x_train, data.y_train, epochs=1)  # one trace
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"build_training_state: `model` must be a keras.Model, received "
                        f"model={model!r}")
    if keras.backend.backend() != "tensorflow" or not getattr(model, "compiled", False):
        return False
    if getattr(model, "_distribute_strategy", None) is not None:
        return False  # Keras builds the state itself (Trainer._maybe_symbolic_build)
    parts = (getattr(model, "_compile_metrics", None), getattr(model, "_compile_loss", None),
             getattr(model, "optimizer", None))
    if all(part is None or part.built for part in parts):
        return False
    batch = _symbolic_batch(x, y, sample_weight)
    if batch is None or not hasattr(model, "_symbolic_build"):
        return False
    try:
        model._symbolic_build(data_batch=batch)
    except Exception as error:  # noqa: BLE001 - fit builds the state itself then
        import logging

        logging.getLogger("zoo.models").debug("training state left to fit: %s", error)
        return False
    return True


def _symbolic_batch(x, y, sample_weight):
    """``(x, y[, sample_weight])`` as ``keras.KerasTensor`` with an unknown batch size."""
    import keras
    from keras import tree

    def symbolic(value):
        if value is None:
            return None
        shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
        if shape is None or dtype is None or len(shape) == 0:
            raise TypeError(type(value).__name__)
        dtype = getattr(dtype, "name", dtype)  # tf.DType -> its name
        return keras.KerasTensor((None, *tuple(shape)[1:]), dtype=str(dtype))

    if y is None and sample_weight is None and hasattr(x, "element_spec"):
        import tensorflow as tf

        spec = x.element_spec
        if not all(isinstance(s, tf.TensorSpec) for s in tree.flatten(spec)):
            return None
        data = tuple(spec) if isinstance(spec, tuple) else (spec,)
    else:
        data = (x,) if y is None and sample_weight is None else (
            (x, y) if sample_weight is None else (x, y, sample_weight))
    try:
        return tree.map_structure(symbolic, data)
    except (TypeError, ValueError):
        return None
