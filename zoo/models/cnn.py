"""Convolutional networks for images ``(H, W, C)`` and 1-D signals ``(L, C)``."""

from __future__ import annotations

from zoo import tasks
from zoo._validate import (
    build_starts,
    check_choice,
    check_fraction,
    check_int_sequence,
    check_positive_int,
    check_shape,
)
from zoo.layers import conv_block, layer_seed
from zoo.models._common import check_common, dense_head, finish
from zoo.precision import precision_aware
from zoo.registry import register_model

PADDINGS = ("same", "valid")
POOLINGS = ("max", "avg")
GLOBAL_POOLINGS = ("flatten", "avg", "max")


def _check_spatial(fn, input_shape, filters, kernel_size, padding, pooling):
    """Walk the spatial size through every block; refuse a block that would empty it."""
    sizes = list(input_shape[:-1])
    for block in range(len(filters)):
        if padding == "valid":
            if any(s < kernel_size for s in sizes):
                raise ValueError(
                    f"{fn}: kernel_size={kernel_size} is larger than the feature map "
                    f"{tuple(sizes)} at conv block {block} with padding='valid' "
                    f"(input_shape={tuple(input_shape)}); use padding='same', a smaller "
                    "kernel_size or fewer filters"
                )
            sizes = [s - kernel_size + 1 for s in sizes]
        if pooling:
            if any(s < 2 for s in sizes):
                raise ValueError(
                    f"{fn}: conv block {block} cannot pool a feature map of size {tuple(sizes)} "
                    f"(input_shape={tuple(input_shape)}, {len(filters)} blocks with "
                    f"pooling={pooling!r}); use fewer filters entries or pooling=None"
                )
            sizes = [s // 2 for s in sizes]


@register_model("cnn", input_kind="image",
                description="Convolutional network: conv blocks + pooling + dense head "
                            "(Conv2D for (H, W, C), Conv1D for (L, C))")
@precision_aware
def build_cnn(input_shape, *, task, num_classes=None, num_outputs=1, filters=(32, 64),
              kernel_size=3, padding="same", pooling="max", global_pooling="flatten",
              dense_units=(128,), activation="relu", kernel_initializer="auto",
              batch_norm=False, dropout=0.0, conv_dropout=0.0, l2=0.0, seed=None,
              optimizer="adam", learning_rate=None, loss=None, metrics=None, compile=True,
              compile_kwargs=None, name="cnn"):
    """Build ``conv blocks -> flatten/global pool -> dense blocks -> task head``.

    Each conv block is ``Conv -> [BatchNorm] -> Activation -> [Pool 2x] -> [Dropout]``.
    A rank-3 ``input_shape`` ``(H, W, C)`` builds ``Conv2D`` blocks; a rank-2
    ``(L, C)`` builds the same network with ``Conv1D``/1-D pooling, for sequences
    and signals. Give grayscale images a channel axis: ``(28, 28, 1)``.

    Args:
        input_shape: ``(H, W, C)`` or ``(L, C)``, batch axis excluded.
        task, num_classes, num_outputs: As in :func:`zoo.build_fnn`.
        filters: Output channels of each conv block, e.g. ``(32, 64)``.
        kernel_size: Convolution window (int).
        padding: ``"same"`` or ``"valid"``; with ``"valid"`` the kernel must fit the
            feature map at every block.
        pooling: ``"max"``, ``"avg"`` or ``None``: 2x down-sampling in each block.
        global_pooling: How the last feature map becomes a vector: ``"flatten"``,
            ``"avg"`` or ``"max"`` (global pooling).
        dense_units: Widths of the dense blocks after the convolutions.
        activation, kernel_initializer, batch_norm, l2, seed: As in :func:`zoo.build_fnn`.
        dropout: Dropout rate after each dense block.
        conv_dropout: Dropout rate after each conv block.
        optimizer, learning_rate, loss, metrics, compile, compile_kwargs, name: As in
            :func:`zoo.build_fnn`.
        mixed_precision: As in :func:`zoo.build_fnn`.

    Returns:
        A built (and by default compiled) functional ``keras.Model``.

    Raises:
        ValueError, TypeError: on any bad argument, before TensorFlow builds anything.

    Example:
        >>> model = build_cnn((8, 8, 1), task="multiclass", num_classes=10, seed=0)
        >>> model.output_shape
        (None, 10)
    """
    fn = "build_cnn"
    input_shape = check_shape(fn, "input_shape", input_shape, ranks=(2, 3))
    task, out_units = tasks.check_task(fn, task, num_classes, num_outputs)
    filters = check_int_sequence(fn, "filters", filters)
    kernel_size = check_positive_int(fn, "kernel_size", kernel_size)
    padding = check_choice(fn, "padding", padding, PADDINGS)
    pooling = check_choice(fn, "pooling", pooling, POOLINGS, allow_none=True)
    global_pooling = check_choice(fn, "global_pooling", global_pooling, GLOBAL_POOLINGS)
    dense_units = check_int_sequence(fn, "dense_units", dense_units, allow_empty=True)
    check_fraction(fn, "conv_dropout", conv_dropout)
    activation = check_common(fn, activation=activation, kernel_initializer=kernel_initializer,
                              dropout=dropout, batch_norm=batch_norm, l2=l2, seed=seed,
                              optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                              loss=loss)
    _check_spatial(fn, input_shape, filters, kernel_size, padding, pooling)
    build_starts()  # the checks are done (zoo._validate.check_arguments)
    import keras

    rank = len(input_shape) - 1
    inputs = keras.Input(input_shape, name="inputs")
    x = inputs
    for i, n in enumerate(filters):
        x = conv_block(x, n, rank=rank, kernel_size=kernel_size, padding=padding, pooling=pooling,
                       activation=activation, kernel_initializer=kernel_initializer,
                       batch_norm=batch_norm, dropout=conv_dropout, l2=l2,
                       seed=layer_seed(seed, i), name=f"conv_{i}")
    if global_pooling == "flatten":
        x = keras.layers.Flatten(name="flatten")(x)
    else:
        pool = {
            ("avg", 2): keras.layers.GlobalAveragePooling2D,
            ("max", 2): keras.layers.GlobalMaxPooling2D,
            ("avg", 1): keras.layers.GlobalAveragePooling1D,
            ("max", 1): keras.layers.GlobalMaxPooling1D,
        }[(global_pooling, rank)]
        x = pool(name="global_pool")(x)
    outputs = dense_head(x, dense_units, task=task, out_units=out_units, activation=activation,
                         kernel_initializer=kernel_initializer, batch_norm=batch_norm,
                         dropout=dropout, l2=l2, seed=seed, first_index=len(filters))
    return finish(inputs, outputs, name=name, compile=compile, task=task, optimizer=optimizer,
                  learning_rate=learning_rate, loss=loss, metrics=metrics,
                  compile_kwargs=compile_kwargs)
