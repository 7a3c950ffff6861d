"""Compile a freshly built model with the optimizer, loss and metrics its task needs."""

from __future__ import annotations

from zoo import tasks


def check_compile_args(fn: str, optimizer, learning_rate) -> None:
    """Validate compile arguments in plain Python, before any layer is built."""
    from zoo._validate import check_number

    if learning_rate is not None and not hasattr(learning_rate, "get_config"):
        check_number(fn, "learning_rate", learning_rate, low=0.0, low_inclusive=False)
    if not isinstance(optimizer, str) and not hasattr(optimizer, "apply_gradients"):
        raise TypeError(
            f"{fn}: `optimizer` must be a name such as 'adam' or a keras.optimizers.Optimizer, "
            f"received optimizer={optimizer!r}"
        )


def resolve_optimizer(optimizer, learning_rate):
    """Return an optimizer instance from a name (with learning rate) or an instance."""
    import keras

    if not isinstance(optimizer, str):
        return optimizer
    try:
        from zoo.optimizers import build_optimizer
    except ImportError:  # pragma: no cover - the toolkit module is optional at build time
        build_optimizer = None
    if build_optimizer is not None:
        return build_optimizer(optimizer, learning_rate)
    opt = keras.optimizers.get(optimizer)
    if learning_rate is not None:
        opt.learning_rate = learning_rate
    return opt


def resolve_loss(loss, task: str):
    """Return the loss for ``task``: the task default when ``loss`` is None."""
    if loss is None:
        return tasks.default_loss(task)
    try:
        from zoo import losses
    except ImportError:  # pragma: no cover
        return loss
    return losses.get(loss)


def compile_model(model, *, task: str, optimizer="adam", learning_rate=None, loss=None,
                  metrics=None, **compile_kwargs):
    """Compile ``model`` in place for ``task`` and return it.

    Args:
        model: A built ``keras.Model``.
        task: One of ``zoo.tasks.TASKS``.
        optimizer: Optimizer name or instance.
        learning_rate: Number or schedule; ``None`` keeps the optimizer's default.
        loss: Loss name or object; ``None`` picks the task's default.
        metrics: List of metrics; ``None`` picks the task's defaults.
        **compile_kwargs: Passed to ``model.compile`` (``jit_compile``, ``steps_per_execution``...).

    Returns:
        The same model, compiled.
    """
    model.compile(
        optimizer=resolve_optimizer(optimizer, learning_rate),
        loss=resolve_loss(loss, task),
        metrics=tasks.default_metrics(task) if metrics is None else metrics,
        **compile_kwargs,
    )
    return model
