"""Argument checks and finishing steps shared by every model family."""

from __future__ import annotations

from zoo import initializers
from zoo._validate import check_bool, check_fraction, check_number, check_positive_int
from zoo.layers import check_activation
from zoo.models.compile import check_compile_args, compile_model


def check_common(fn: str, *, activation, kernel_initializer, dropout, batch_norm, l2, seed,
                 optimizer, learning_rate, compile, loss=None) -> str:
    """Validate the arguments every factory shares; return the normalised activation."""
    activation = check_activation(fn, activation)
    initializers.validate(kernel_initializer, fn=fn)
    check_fraction(fn, "dropout", dropout)
    check_bool(fn, "batch_norm", batch_norm)
    check_number(fn, "l2", l2, low=0.0)
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    check_bool(fn, "compile", compile)
    check_compile_args(fn, optimizer, learning_rate, loss)
    return activation


def dense_head(x, dense_units, *, task, out_units, activation, kernel_initializer, batch_norm,
               dropout, l2, seed, first_index=0):
    """Dense blocks ``dense_0, dense_1, ...`` then the task's float32 output layer.

    Layer ``i`` of the head is seeded with ``layer_seed(seed, first_index + i)``, so
    the blocks built before the head (convolutions, recurrent layers) keep theirs.
    """
    from zoo import tasks
    from zoo.layers import dense_block, layer_seed, output_layer

    for i, units in enumerate(dense_units):
        x = dense_block(x, units, activation=activation, kernel_initializer=kernel_initializer,
                        batch_norm=batch_norm, dropout=dropout, l2=l2,
                        seed=layer_seed(seed, first_index + i), name=f"dense_{i}")
    return output_layer(x, out_units, tasks.output_activation(task),
                        seed=layer_seed(seed, first_index + len(dense_units)))


def finish(inputs, outputs, *, name, compile, task, optimizer, learning_rate, loss, metrics,
           compile_kwargs):
    """Wrap tensors into a functional ``keras.Model`` and compile it if asked."""
    import keras

    model = keras.Model(inputs, outputs, name=name)
    if compile:
        compile_model(model, task=task, optimizer=optimizer, learning_rate=learning_rate,
                      loss=loss, metrics=metrics, **(compile_kwargs or {}))
    return model
