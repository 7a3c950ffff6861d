"""Feed-forward (fully connected) networks."""

from __future__ import annotations

from zoo import tasks
from zoo._validate import build_starts, check_int_sequence, check_shape
from zoo.models._common import check_common, dense_head, finish
from zoo.precision import precision_aware
from zoo.registry import register_model


@register_model("fnn", input_kind="flat",
                description="Feed-forward network: Dense blocks with pluggable init, BN, dropout, L2")
@precision_aware
def build_fnn(input_shape, *, task, num_classes=None, num_outputs=1, hidden_units=(64, 32),
              activation="relu", kernel_initializer="auto", dropout=0.0, batch_norm=False,
              l2=0.0, seed=None, optimizer="adam", learning_rate=None, loss=None, metrics=None,
              compile=True, compile_kwargs=None, name="fnn"):
    """Build a feed-forward network ``Input -> [Flatten] -> Dense blocks -> task head``.

    Each hidden block is ``Dense -> [BatchNorm] -> Activation -> [Dropout]``. Inputs
    of rank above 1 (images) are flattened first.

    Args:
        input_shape: Shape of one sample, batch axis excluded, e.g. ``(64,)`` or ``(8, 8, 1)``.
        task: ``"binary"``, ``"multiclass"``, ``"multilabel"`` or ``"regression"``;
            picks the output layer, the default loss and metrics (see ``zoo.tasks``).
        num_classes: Classes (multiclass) or labels (multilabel).
        num_outputs: Regression targets.
        hidden_units: Width of each hidden layer; ``()`` gives a linear/logistic model.
        activation: Hidden activation (any name in ``zoo.layers.ACTIVATIONS`` or a callable).
        kernel_initializer: ``"auto"`` (from the activation), a Keras name, an alias
            (``"he"``, ``"xavier"``, ``"lecun"``...) or an Initializer.
        dropout: Dropout rate in [0, 1) after each hidden block.
        batch_norm: Batch normalization before each hidden activation.
        l2: L2 penalty on hidden kernels.
        seed: Int seed: the same seed builds the same initial weights.
        optimizer: Optimizer name or instance used when compiling.
        learning_rate: Number or schedule; ``None`` keeps the optimizer's default.
        loss: Loss name or object; ``None`` for the task default.
        metrics: Metrics list; ``None`` for the task defaults.
        compile: ``False`` returns the model uncompiled.
        compile_kwargs: Extra ``model.compile`` arguments (``jit_compile``...).
        mixed_precision: ``None`` (keep Keras' global policy), ``"auto"`` (mixed_float16
            on GPUs with compute capability >= 7.0, mixed_bfloat16 on TPU, float32 on
            CPU), ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``; the
            output layer always computes in float32 (see ``zoo.precision``).
        name: Model name.

    Returns:
        A built (and by default compiled) functional ``keras.Model``.

    Raises:
        ValueError, TypeError: on any bad argument, before TensorFlow builds anything.

    Example:
        >>> model = build_fnn((64,), task="multiclass", num_classes=10, seed=0)
        >>> model.output_shape
        (None, 10)
    """
    fn = "build_fnn"
    input_shape = check_shape(fn, "input_shape", input_shape, ranks=(1, 2, 3, 4))
    task, out_units = tasks.check_task(fn, task, num_classes, num_outputs)
    hidden_units = check_int_sequence(fn, "hidden_units", hidden_units, allow_empty=True)
    activation = check_common(fn, activation=activation, kernel_initializer=kernel_initializer,
                              dropout=dropout, batch_norm=batch_norm, l2=l2, seed=seed,
                              optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                              loss=loss)
    build_starts()  # the checks are done (zoo._validate.check_arguments)
    import keras

    inputs = keras.Input(input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    outputs = dense_head(x, hidden_units, task=task, out_units=out_units, activation=activation,
                         kernel_initializer=kernel_initializer, batch_norm=batch_norm,
                         dropout=dropout, l2=l2, seed=seed)
    return finish(inputs, outputs, name=name, compile=compile, task=task, optimizer=optimizer,
                  learning_rate=learning_rate, loss=loss, metrics=metrics,
                  compile_kwargs=compile_kwargs)
