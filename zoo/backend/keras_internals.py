"""Keras' private trainer parts the package uses on every backend, guarded by tests.

``Trainer._symbolic_build`` builds a compiled model's state (metrics, loss,
optimizer) from symbolic tensors. ``fit`` calls it itself, but from a real
batch: it draws the first batch of the data to read its shapes, and with
shuffled NumPy data that draw takes a permutation from the global random state
(NumPy's on JAX, PyTorch's on PyTorch), so a model whose state was built
before ``fit`` would see other batches than a fresh one. Building from the
shapes alone leaves the random state to the training, and on TensorFlow saves
a second trace of the train step (BENCHMARKS.md, row 4).
``tests/zoo/backend/test_keras_internals.py`` checks each private name.
"""

from __future__ import annotations

#: The Keras release these private accesses were written and checked against.
KERAS_VERSION = "3.15.1"

#: The private Keras names used here -> the signature relied on (``None``: an attribute of
#: a compiled model). ``tests/zoo/backend/test_keras_internals.py`` checks each.
INTERNALS = {
    "keras.src.trainers.trainer.Trainer._symbolic_build": "(self, iterator=None, data_batch=None)",
    "Trainer._compile_metrics": None,
    "Trainer._compile_loss": None,
    "Trainer._distribute_strategy": None,  # TensorFlow's trainer only
}


def build_compiled_state(model, x, y=None, sample_weight=None) -> bool:
    """Build a compiled model's metrics, loss and optimizer state from symbolic data.

    What :func:`zoo.models.training_state.build_training_state` does: Keras'
    private ``Trainer._symbolic_build`` (what ``fit`` calls under a distribution
    strategy) on ``keras.KerasTensor`` shaped like the data. Reads the private
    ``_distribute_strategy``, ``_compile_metrics`` and ``_compile_loss`` of the
    model to know whether there is anything to build.

    Args:
        model: A compiled ``keras.Model``.
        x, y, sample_weight: What ``fit`` will get (see ``build_training_state``).

    Returns:
        ``True`` when the state was built; ``False`` when Keras builds it itself (a
        strategy), it is built already, the data's shapes cannot be read, or this
        Keras has no ``_symbolic_build``.

    Example:
        >>> build_compiled_state(model, x_train, y_train)
        True
    """
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

        logging.getLogger("zoo.backend").debug("training state left to fit: %s", error)
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
        import tensorflow as tf  # a tf.data.Dataset: TensorFlow is imported already

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
