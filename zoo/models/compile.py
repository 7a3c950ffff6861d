"""Compile a freshly built model with the optimizer, loss and metrics its task needs.

:func:`check_compile_args` validates the compile arguments before any layer is
built; :func:`compile_model` resolves them (:func:`resolve_optimizer`,
:func:`resolve_loss`) and compiles.
"""

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
        from zoo._names import LOSS_NAMES  # zoo.losses' names, without importing Keras

        known = LOSS_NAMES
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


__all__ = ["check_compile_args", "compile_model", "resolve_loss", "resolve_optimizer"]
