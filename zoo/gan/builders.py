"""DCGAN factories: the generator, the discriminator and the registered ``dcgan`` model.

The architecture follows Radford et al. (2016), "Unsupervised representation
learning with deep convolutional generative adversarial networks":

* generator: ``Dense -> reshape -> [Conv2DTranspose(stride 2) -> BN -> ReLU] x (n-1)
  -> Conv2DTranspose(stride 2, tanh)``, so an image of ``H x W`` starts as a
  ``H/2**n x W/2**n`` feature map;
* discriminator: ``[Conv2D(stride 2) -> [BN] -> LeakyReLU(0.2) -> [Dropout]] x n
  -> Flatten -> Dense(1)`` (one logit);
* weights drawn from ``N(0, 0.02)``, Adam(2e-4, beta_1=0.5), binary cross-entropy
  on logits.

Importing this module imports no Keras (each factory imports it when called), so
the registry lists ``dcgan`` without a backend.

Example:
    >>> import zoo
    >>> data = zoo.data.load("digits", image_size=16)
    >>> gan = zoo.build_dcgan(data.input_shape, latent_dim=32, seed=0)
    >>> history = gan.fit(data.x_train, epochs=1, verbose=0)
    >>> gan.generate(16, seed=0).shape
    (16, 16, 16, 1)
"""

from __future__ import annotations

from zoo import initializers
from zoo._validate import check_bool, check_choice, check_fraction, check_number, check_positive_int
from zoo.gan._checks import (
    DEFAULT_EMA_DECAY,
    check_data_range,
    check_ema_decay,
    check_image_shape,
    check_initializer,
    check_steps,
    check_steps_per_execution,
)
from zoo.gan.augment import AUGMENTATIONS
from zoo.layers import check_activation, layer_seed
from zoo.registry import register_model


def _initializer(spec, activation, seed):
    """``N(0, 0.02)`` (the DCGAN paper's) when ``spec`` is None, else ``resolve(spec)``."""
    if spec is None:
        import keras

        return keras.initializers.RandomNormal(mean=0.0, stddev=0.02, seed=seed)
    return initializers.resolve(spec, activation, seed=seed)


def build_generator(latent_dim, image_shape, *, base_filters=64, kernel_size=4, upsamples="auto",
                    batch_norm=True, activation="relu", kernel_initializer=None, seed=None,
                    name="generator"):
    """Build a DCGAN generator: latent vector -> image in [-1, 1].

    ``Dense -> [BN] -> act -> Reshape`` to a ``H/2**n x W/2**n`` map with
    ``base_filters * 2**(n-1)`` channels, then ``n - 1`` blocks of
    ``Conv2DTranspose(stride 2) -> [BN] -> act`` that halve the channels, and a last
    stride-2 ``Conv2DTranspose`` to the image's channels with ``tanh``. The transposed
    convolutions are :class:`zoo.gan.layers.TransposedConv2D`: Keras' layer, with a
    matrix-product path where that is faster (JAX on a CPU).

    Args:
        latent_dim: Size of the latent vector (int >= 1).
        image_shape: ``(height, width, channels)`` of the images; any channel count.
        base_filters: Channels of the last hidden block (doubled per block towards
            the start).
        kernel_size: Transposed-convolution window (4 avoids checkerboard artefacts
            with stride 2).
        upsamples: Number of 2x up-sampling steps ``n``, or ``"auto"`` (the most
            steps, up to 4, that keep the starting map at least 4x4). Height and
            width must be divisible by ``2**n``.
        batch_norm: Batch normalisation after the dense and hidden blocks.
        activation: Hidden activation (``"relu"`` in the paper).
        kernel_initializer: ``None`` for the paper's ``N(0, 0.02)``, or any spec
            ``zoo.initializers.resolve`` accepts.
        seed: Int seed for the initial weights.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(batch, latent_dim)`` to
        ``(batch, *image_shape)``.

    Raises:
        ValueError: ``latent_dim < 1``, a non-image shape, or height/width not
            divisible by the up-sampling factor.
        TypeError: arguments of the wrong type.

    Example:
        >>> g = build_generator(16, (16, 16, 1), base_filters=8, seed=0)
        >>> g.output_shape
        (None, 16, 16, 1)
    """
    fn = "build_generator"
    latent_dim = check_positive_int(fn, "latent_dim", latent_dim)
    image_shape = check_image_shape(fn, image_shape)
    base_filters = check_positive_int(fn, "base_filters", base_filters)
    kernel_size = check_positive_int(fn, "kernel_size", kernel_size)
    steps = check_steps(fn, image_shape, upsamples, "upsamples")
    check_bool(fn, "batch_norm", batch_norm)
    activation = check_activation(fn, activation)
    check_initializer(fn, kernel_initializer)
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)

    import keras

    from zoo.gan.layers import TransposedConv2D

    h, w, channels = image_shape
    start_h, start_w = h // 2**steps, w // 2**steps
    width = base_filters * 2 ** (steps - 1)
    inputs = keras.Input((latent_dim,), name="latent")
    x = keras.layers.Dense(start_h * start_w * width, use_bias=not batch_norm,
                           kernel_initializer=_initializer(kernel_initializer, activation,
                                                           layer_seed(seed, 0)),
                           name="project")(inputs)
    if batch_norm:
        x = keras.layers.BatchNormalization(momentum=0.9, name="project_bn")(x)
    x = keras.layers.Activation(activation, name="project_act")(x)
    x = keras.layers.Reshape((start_h, start_w, width), name="reshape")(x)
    for i in range(steps - 1):
        width //= 2
        x = TransposedConv2D(
            max(width, 1), kernel_size, strides=2, padding="same", use_bias=not batch_norm,
            kernel_initializer=_initializer(kernel_initializer, activation, layer_seed(seed, i + 1)),
            name=f"up_{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(momentum=0.9, name=f"up_{i}_bn")(x)
        x = keras.layers.Activation(activation, name=f"up_{i}_act")(x)
    outputs = TransposedConv2D(
        channels, kernel_size, strides=2, padding="same", activation="tanh", dtype="float32",
        kernel_initializer=_initializer(kernel_initializer, "tanh", layer_seed(seed, steps)),
        name="image")(x)
    return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape, *, base_filters=64, kernel_size=4, downsamples="auto",
                        dropout=0.3, batch_norm=False, leaky_relu_slope=0.2,
                        kernel_initializer=None, seed=None, name="discriminator"):
    """Build a DCGAN discriminator: image in [-1, 1] -> one real/fake logit.

    ``n`` blocks of ``Conv2D(stride 2) -> [BN] -> LeakyReLU -> [Dropout]`` with
    ``base_filters * 2**i`` channels (no batch norm on the first block, as in the
    paper), then ``Flatten -> Dense(1)`` without activation.

    Args:
        image_shape: ``(height, width, channels)``.
        base_filters: Channels of the first block, doubled per block.
        kernel_size: Convolution window.
        downsamples: Number of stride-2 blocks ``n``, or ``"auto"`` (as the
            generator's ``upsamples``).
        dropout: Dropout rate after each block (regularises the discriminator on
            small data sets).
        batch_norm: Batch normalisation in every block but the first.
        leaky_relu_slope: Negative slope of the LeakyReLU (0.2 in the paper).
        kernel_initializer: ``None`` for ``N(0, 0.02)``, or any ``resolve`` spec.
        seed: Int seed for the initial weights and dropout.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(batch, *image_shape)`` to ``(batch, 1)``
        logits.

    Raises:
        ValueError, TypeError: bad arguments, before anything is built.

    Example:
        >>> d = build_discriminator((16, 16, 1), base_filters=8, seed=0)
        >>> d.output_shape
        (None, 1)
    """
    fn = "build_discriminator"
    image_shape = check_image_shape(fn, image_shape)
    base_filters = check_positive_int(fn, "base_filters", base_filters)
    kernel_size = check_positive_int(fn, "kernel_size", kernel_size)
    steps = check_steps(fn, image_shape, downsamples, "downsamples")
    check_fraction(fn, "dropout", dropout)
    check_bool(fn, "batch_norm", batch_norm)
    slope = check_number(fn, "leaky_relu_slope", leaky_relu_slope, low=0.0, high=1.0)
    check_initializer(fn, kernel_initializer)
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)

    import keras

    inputs = keras.Input(image_shape, name="image")
    x = inputs
    for i in range(steps):
        use_bn = batch_norm and i > 0
        x = keras.layers.Conv2D(
            base_filters * 2**i, kernel_size, strides=2, padding="same", use_bias=not use_bn,
            kernel_initializer=_initializer(kernel_initializer, "leaky_relu", layer_seed(seed, i)),
            name=f"down_{i}")(x)
        if use_bn:
            x = keras.layers.BatchNormalization(name=f"down_{i}_bn")(x)
        x = keras.layers.LeakyReLU(negative_slope=slope, name=f"down_{i}_act")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, seed=layer_seed(seed, 100 + i),
                                     name=f"down_{i}_dropout")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(1, dtype="float32", name="logit",
                                 kernel_initializer=_initializer(kernel_initializer, "linear",
                                                                 layer_seed(seed, steps)))(x)
    return keras.Model(inputs, outputs, name=name)


def _example_kwargs(dataset):
    return {"image_shape": dataset.input_shape, "latent_dim": 16, "base_filters": 8}


@register_model("dcgan", input_kind="image", tags=("gan", "unsupervised"),
                example_kwargs=_example_kwargs,
                description="DCGAN: Conv2DTranspose generator + strided-conv discriminator, "
                            "trained together by fit(images)")
def build_dcgan(image_shape, latent_dim=100, *, base_filters=48, discriminator_filters=32,
                kernel_size=4, upsamples="auto", batch_norm=True, activation="relu",
                dropout=0.3, discriminator_batch_norm=False, kernel_initializer=None,
                data_range="auto", learning_rate=2e-4, generator_learning_rate="auto",
                beta_1=0.5, label_smoothing=0.0,
                ema_decay=DEFAULT_EMA_DECAY, augment="translation", jit_compile="auto",
                steps_per_execution="auto", compile=True, seed=None, name="dcgan"):
    """Build a compiled :class:`zoo.gan.DCGAN` for images of ``image_shape``.

    Args:
        image_shape: ``(height, width, channels)``; height and width divisible by
            ``2**upsamples``.
        latent_dim: Size of the latent vector (int >= 1).
        base_filters: Width of the generator's last hidden block (doubled per
            block towards the start).
        discriminator_filters: Width of the discriminator's first block;
            ``None``: ``base_filters``. The defaults (48 and 32) give the
            generator the wider network (why: BENCHMARKS.md, "Defaults chosen
            from these measurements").
        kernel_size: Window of every (transposed) convolution.
        upsamples: 2x steps in the generator (and down-sampling blocks in the
            discriminator), or ``"auto"``.
        batch_norm: Batch norm in the generator.
        activation: Generator hidden activation.
        dropout: Discriminator dropout rate.
        discriminator_batch_norm: Batch norm in the discriminator.
        kernel_initializer: ``None`` (``N(0, 0.02)``) or a ``zoo.initializers`` spec.
        data_range: ``"auto"``, ``(0, 1)``, ``(0, 255)`` or ``(-1, 1)``.
        learning_rate: Adam learning rate of the discriminator.
        generator_learning_rate: Adam learning rate of the generator; ``"auto"``:
            twice ``learning_rate`` (4e-4 by default), which with the translation
            augmentation lets the generator keep up with the discriminator on small
            data sets.
        beta_1: Adam ``beta_1`` (0.5 in the DCGAN paper).
        label_smoothing: One-sided label smoothing of the real targets.
        ema_decay: Decay of the generator's weight average used for sampling
            (see :class:`zoo.gan.DCGAN`); ``None`` samples from the trained weights.
        augment: ``"translation"`` (random shifts of the discriminator's real and
            fake inputs, see :mod:`zoo.gan.augment`) or ``None``.
        jit_compile: XLA-compile the train step (``"auto"``: only with a GPU/TPU,
            since XLA convolutions are slow on CPU).
        steps_per_execution: Train steps per compiled call; ``"auto"``: 8 on
            TensorFlow (it cuts the per-step Python overhead of these small
            networks; ``fit`` callbacks then see batches in groups of 8), 1 on JAX
            and PyTorch (whose trainer takes only 1).
        compile: ``False`` leaves compiling to the caller.
        seed: Int seed for weights, dropout and training latents.
        name: Model name.

    Returns:
        A :class:`zoo.gan.DCGAN` (compiled unless ``compile=False``).

    Raises:
        ValueError, TypeError: bad arguments, raised before anything is built.

    Example:
        >>> gan = build_dcgan((16, 16, 1), latent_dim=32, seed=0)
        >>> gan.generator.output_shape, gan.discriminator.output_shape
        ((None, 16, 16, 1), (None, 1))
    """
    fn = "build_dcgan"
    latent_dim = check_positive_int(fn, "latent_dim", latent_dim)
    image_shape = check_image_shape(fn, image_shape)
    base_filters = check_positive_int(fn, "base_filters", base_filters)
    if discriminator_filters is not None:
        check_positive_int(fn, "discriminator_filters", discriminator_filters)
    steps = check_steps(fn, image_shape, upsamples, "upsamples")
    check_number(fn, "learning_rate", learning_rate, low=0.0, low_inclusive=False)
    if generator_learning_rate == "auto":
        generator_learning_rate = 2.0 * learning_rate
    check_number(fn, "generator_learning_rate", generator_learning_rate, low=0.0,
                 low_inclusive=False)
    check_number(fn, "beta_1", beta_1, low=0.0, high=1.0, high_inclusive=False)
    check_number(fn, "label_smoothing", label_smoothing, low=0.0, high=1.0, high_inclusive=False)
    check_bool(fn, "compile", compile)
    steps_per_execution = check_steps_per_execution(fn, steps_per_execution)
    data_range = check_data_range(fn, data_range)
    ema_decay = check_ema_decay(fn, ema_decay)
    augment = check_choice(fn, "augment", augment, AUGMENTATIONS, allow_none=True)
    if seed is not None:
        check_positive_int(fn, "seed", seed, allow_zero=True)
    generator = build_generator(latent_dim, image_shape, base_filters=base_filters,
                                kernel_size=kernel_size, upsamples=steps, batch_norm=batch_norm,
                                activation=activation, kernel_initializer=kernel_initializer,
                                seed=seed, name=f"{name}_generator")
    discriminator = build_discriminator(
        image_shape, base_filters=discriminator_filters or base_filters, kernel_size=kernel_size,
        downsamples=steps, dropout=dropout, batch_norm=discriminator_batch_norm,
        kernel_initializer=kernel_initializer,
        seed=None if seed is None else seed + 1, name=f"{name}_discriminator")
    import keras

    from zoo.gan.model import DCGAN

    gan = DCGAN(generator, discriminator, data_range=data_range, ema_decay=ema_decay,
                augment=augment, seed=seed, name=name)
    if compile:
        gan.compile(
            d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1, name="d_optimizer"),
            g_optimizer=keras.optimizers.Adam(generator_learning_rate, beta_1=beta_1,
                                              name="g_optimizer"),
            label_smoothing=label_smoothing, jit_compile=jit_compile,
            steps_per_execution=steps_per_execution)
    return gan


__all__ = ["build_dcgan", "build_discriminator", "build_generator"]
