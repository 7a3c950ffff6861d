"""Build a compiled model's training state before ``fit``, so its step is traced once.

On the TensorFlow backend without a distribution strategy, Keras 3 creates the
compiled metrics (and the optimizer's slots) while it traces the first train
step. Creating variables inside a ``tf.function`` makes TensorFlow trace the step
a second time, so the first ``fit`` of every fresh model pays for two traces.
:func:`build_training_state` builds that state beforehand, from symbolic tensors
shaped like the data (what Keras itself does under a strategy), which leaves one
trace; training numbers are unchanged (the state starts at the same values).

On every backend, ``fit`` otherwise draws the first batch of the data to read
its shapes, which with shuffled NumPy data takes a permutation from the global
random state (JAX, PyTorch); building the state from the shapes keeps that
state for the training, so a model built here and one continued (a Hyperband
parent, :mod:`tuning.reuse`) shuffle alike. The Keras internals it needs are
reached through :mod:`zoo.backend.keras_internals`.
"""

from __future__ import annotations

from zoo import backend


def build_training_state(model, x, y=None, sample_weight=None) -> bool:
    """Create a compiled model's metric, loss and optimizer state from the data's shapes.

    See the module docstring for why: one trace of the train step instead of two
    on TensorFlow, the same training numbers, the random state left to training.

    Args:
        model: A compiled ``keras.Model``.
        x: The inputs ``fit`` will get: arrays (or a dict/list of them) or a
            ``tf.data.Dataset`` yielding ``(x, y)`` or ``(x, y, sample_weight)``.
        y: Targets, when ``x`` holds only inputs.
        sample_weight: Per-sample weights, if ``fit`` gets them.

    Returns:
        ``True`` when the state was built here; ``False`` when there was nothing to
        do (not compiled, already built, or a strategy that makes Keras build it)
        or the data's shapes could not be read (``fit`` then builds it, as usual).

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.

    Example:
        >>> data = zoo.data.load("digits", representation="image")
        >>> model = zoo.build_cnn(**data.model_kwargs())
        >>> zoo.build_training_state(model, data.x_train, data.y_train)
        True
        >>> history = model.fit(data.x_train, data.y_train, epochs=1)  # one trace
    """
    keras = backend.import_keras()

    if not isinstance(model, keras.Model):
        raise TypeError(f"build_training_state: `model` must be a keras.Model, received "
                        f"model={model!r}")
    if not getattr(model, "compiled", False):
        return False
    return backend.build_compiled_state(model, x, y, sample_weight)


__all__ = ["build_training_state"]
