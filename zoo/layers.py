"""Shared building blocks: ``layer -> batch norm -> activation -> dropout``.

The factories in ``zoo.models`` assemble these blocks; keeping them here means
every family treats initializers, normalisation, regularisation and seeds the
same way.
"""

from __future__ import annotations

from zoo import initializers
from zoo._validate import suggest

#: Activation names accepted everywhere (all resolve through ``keras.activations``).
ACTIVATIONS = (
    "relu", "leaky_relu", "elu", "selu", "gelu", "swish", "silu", "relu6", "mish", "celu",
    "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign", "linear", "exponential",
    "hard_silu", "hard_swish", "softmax", "log_softmax",
)


def check_activation(fn: str, activation, *, name: str = "activation"):
    """Return ``activation`` if Keras knows it (a name or a callable).

    Raises:
        ValueError: unknown activation name.
        TypeError: neither a string nor a callable.
    """
    if callable(activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(
            f"{fn}: `{name}` must be an activation name or a callable, received "
            f"{name}={activation!r} of type {type(activation).__name__}"
        )
    if activation.lower() not in ACTIVATIONS:
        raise ValueError(
            f"{fn}: unknown {name}={activation!r}; expected one of {', '.join(ACTIVATIONS)}."
            f"{suggest(activation.lower(), ACTIVATIONS)}"
        )
    return activation.lower()


def layer_seed(seed: int | None, index: int) -> int | None:
    """A distinct, reproducible seed per layer derived from the model seed."""
    return None if seed is None else seed * 1000 + index


def regularizer(l2: float):
    import keras

    return keras.regularizers.L2(l2) if l2 else None


def _finish_block(x, *, activation, batch_norm, dropout, seed, name):
    """Batch norm -> activation -> dropout, shared by dense and conv blocks."""
    import keras

    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation(activation, name=f"{name}_act")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, seed=seed, name=f"{name}_dropout")(x)
    return x


def dense_block(x, units: int, *, activation="relu", kernel_initializer="auto", batch_norm=False,
                dropout=0.0, l2=0.0, seed=None, name="dense"):
    """Apply ``Dense -> [BatchNorm] -> Activation -> [Dropout]`` to tensor ``x``.

    Args:
        x: A Keras tensor.
        units: Output width.
        activation: Activation name or callable; also steers ``"auto"`` initialization.
        kernel_initializer: Any spec ``zoo.initializers.resolve`` accepts.
        batch_norm: Insert ``BatchNormalization`` before the activation (the Dense
            then has no bias, which batch norm would cancel).
        dropout: Dropout rate in [0, 1).
        l2: L2 penalty on the kernel (0 disables it).
        seed: Seed for the initializer and dropout.
        name: Prefix for the layer names.

    Returns:
        The output tensor.

    Example:
        >>> import keras
        >>> y = dense_block(keras.Input((4,)), 8, activation="tanh", seed=0)
        >>> tuple(y.shape)
        (None, 8)
    """
    import keras

    x = keras.layers.Dense(
        units,
        use_bias=not batch_norm,
        kernel_initializer=initializers.resolve(kernel_initializer, activation, seed=seed),
        kernel_regularizer=regularizer(l2),
        name=name,
    )(x)
    return _finish_block(x, activation=activation, batch_norm=batch_norm, dropout=dropout,
                         seed=seed, name=name)


def conv_block(x, filters: int, *, rank=2, kernel_size=3, padding="same", pooling="max",
               activation="relu", kernel_initializer="auto", batch_norm=False, dropout=0.0,
               l2=0.0, seed=None, name="conv"):
    """Apply ``Conv -> [BatchNorm] -> Activation -> [Pool] -> [Dropout]`` to ``x``.

    Args:
        x: A Keras tensor of rank ``rank + 2`` (batch, spatial..., channels).
        filters: Number of output channels.
        rank: 2 for images ``(H, W, C)``, 1 for sequences ``(L, C)``.
        kernel_size: Convolution window size.
        padding: ``"same"`` or ``"valid"``.
        pooling: ``"max"``, ``"avg"`` or ``None``: 2x down-sampling after the activation.
        activation, kernel_initializer, batch_norm, dropout, l2, seed, name: As in
            :func:`dense_block`.

    Returns:
        The output tensor.
    """
    import keras

    conv = keras.layers.Conv2D if rank == 2 else keras.layers.Conv1D
    x = conv(
        filters,
        kernel_size,
        padding=padding,
        use_bias=not batch_norm,
        kernel_initializer=initializers.resolve(kernel_initializer, activation, seed=seed),
        kernel_regularizer=regularizer(l2),
        name=name,
    )(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation(activation, name=f"{name}_act")(x)
    if pooling:
        pool = {
            ("max", 2): keras.layers.MaxPooling2D, ("avg", 2): keras.layers.AveragePooling2D,
            ("max", 1): keras.layers.MaxPooling1D, ("avg", 1): keras.layers.AveragePooling1D,
        }[(pooling, rank)]
        x = pool(2, name=f"{name}_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, seed=seed, name=f"{name}_dropout")(x)
    return x


def output_layer(x, units: int, activation: str, *, seed=None, name="output"):
    """The task head: a Dense layer whose output is always float32.

    float32 output keeps losses stable under a mixed-precision policy.
    """
    import keras

    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=initializers.resolve("glorot_uniform", seed=seed),
        dtype="float32",
        name=name,
    )(x)
