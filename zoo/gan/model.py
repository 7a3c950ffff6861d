"""The DCGAN model: a generator and a discriminator trained against each other by ``fit``.

:class:`DCGAN` alternates one discriminator and one generator update per batch
inside ``fit``, generating each fake batch once, keeps an exponential moving
average of the generator's weights for sampling (``ema_decay``), and saves and
reloads with both optimizers' state and the average, so a reloaded GAN
continues training where it stopped. Build one with :func:`zoo.gan.build_dcgan`
(networks of Radford et al. 2016) or from any generator and discriminator.

Example:
    >>> from zoo.gan import DCGAN, build_discriminator, build_generator
    >>> gan = DCGAN(build_generator(16, (8, 8, 1), base_filters=8, seed=0),
    ...             build_discriminator((8, 8, 1), base_filters=8, seed=0), seed=0)
    >>> gan.compile()
    >>> gan.generate(4, seed=0).shape
    (4, 8, 8, 1)
"""

from __future__ import annotations

import logging

import keras
import numpy as np
from keras import ops

from zoo import backend
from zoo._validate import check_bool, check_choice, check_number, check_positive_int
from zoo.gan import augment as augmentation
from zoo.gan import layers as _layers  # noqa: F401 - registers zoo>TransposedConv2D
from zoo.gan._checks import (
    DEFAULT_EMA_DECAY,
    check_data_range,
    check_ema_decay,
    check_steps_per_execution,
)

logger = logging.getLogger("zoo.gan.model")

#: Default batch size of :meth:`DCGAN.fit` for arrays.
DEFAULT_BATCH_SIZE = 64


def _ema_copy(fn, generator):
    """A structural copy of ``generator`` holding the same weights, for the EMA."""
    try:
        copy = keras.models.clone_model(generator)
    except (TypeError, ValueError):  # a subclassed generator: rebuild it from its config
        try:
            copy = generator.__class__.from_config(generator.get_config())
            copy.build(generator.input_shape)
        except Exception as exc:  # noqa: BLE001 - reported with the fix below
            raise ValueError(
                f"{fn}: could not copy the generator for the weight average ({exc}); give the "
                "generator a get_config/from_config, or pass ema_decay=None") from None
    copy.name = f"{generator.name}_ema"
    if [tuple(w.shape) for w in copy.weights] != [tuple(w.shape) for w in generator.weights]:
        raise ValueError(f"{fn}: the copy of the generator for the weight average has other "
                         "weights than the generator; pass ema_decay=None")
    copy.trainable = False
    copy.set_weights(generator.get_weights())
    return copy


def _to_unit_interval(data_range):
    """``(scale, shift)`` mapping ``data_range`` onto [-1, 1]: ``x * scale + shift``."""
    low, high = data_range
    scale = 2.0 / (high - low)
    return scale, -1.0 - low * scale


def _infer_range(fn, low, high):
    """The named pixel range that holds values in ``[low, high]``."""
    tol = 1e-3
    if low >= -tol and high <= 1.0 + tol:
        return (0.0, 1.0)
    if low >= -1.0 - tol and high <= 1.0 + tol:
        return (-1.0, 1.0)
    if low >= -tol and high <= 255.0 + tol:
        return (0.0, 255.0)
    raise ValueError(
        f"{fn}: images must lie in [0, 1], [0, 255] or [-1, 1]; the data span "
        f"[{low:g}, {high:g}]. Rescale them, e.g. x / x.max()"
    )


@keras.saving.register_keras_serializable(package="zoo")
class DCGAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    Each ``fit`` step draws a latent batch, generates fakes once, updates the
    discriminator on real and fake images (one-sided label smoothing optional),
    then updates the generator to make the updated discriminator call its fakes
    real. ``fit`` reports ``d_loss``, ``g_loss``, ``d_acc_real`` and ``d_acc_fake``
    (the share of real/fake images the discriminator gets right).

    ``fit`` takes images as a numpy array (``(N, H, W, C)``, or ``(N, H, W)`` for
    one channel) or a ``tf.data.Dataset`` of such images (batched or not; labels in
    ``(image, label)`` pairs are ignored), in [0, 255], [0, 1] or [-1, 1]. The
    generator always works in [-1, 1]; ``data_range`` says how to map the data on
    to it and back: ``"auto"`` infers it from the first data ``fit`` sees.

    Args:
        generator: A ``keras.Model`` from latent vectors to images in [-1, 1]
            (see :func:`zoo.gan.build_generator`).
        discriminator: A ``keras.Model`` from images to one logit
            (see :func:`zoo.gan.build_discriminator`).
        data_range: ``"auto"``, ``(0, 1)``, ``(0, 255)`` or ``(-1, 1)``.
        ema_decay: Decay of an exponential moving average (EMA) of the
            generator's weights, kept in ``gan.ema_generator`` and used for
            sampling (``generate``, ``call`` outside training); ``None`` keeps no
            average. After each generator update every weight ``w`` (batch-norm
            statistics included) moves its average ``a`` by
            ``a <- d * a + (1 - d) * w`` with the warm-up
            ``d = min(ema_decay, (1 + t) / (10 + t))`` at generator step ``t``, so
            the early average is not stuck at the initial weights. Averaging
            smooths the oscillation of adversarial training (Yazıcı et al. 2019,
            "The unusual effectiveness of averaging in GAN training"; the
            ``G_ema`` of Karras et al.'s ProGAN/StyleGAN).
        augment: ``None`` or ``"translation"``: shift every image the
            discriminator sees, real and fake alike, by a random whole-pixel
            offset of up to 1/8 of its size, inside the training step and
            differentiably, so the generator learns through it
            (:mod:`zoo.gan.augment`, DiffAugment). It keeps the discriminator from
            memorising a small data set; generated images are not shifted.
        seed: Int seed of the latent vectors drawn during training.
        name: Model name.

    Example:
        >>> from zoo.gan import build_discriminator, build_generator
        >>> g = build_generator(16, (8, 8, 1), base_filters=8, seed=0)
        >>> d = build_discriminator((8, 8, 1), base_filters=8, seed=0)
        >>> gan = DCGAN(g, d, seed=0)
        >>> gan.compile()
        >>> gan.fit(np.random.rand(64, 8, 8, 1), epochs=1, verbose=0).history.keys()
        dict_keys(['d_acc_fake', 'd_acc_real', 'd_loss', 'g_loss'])
    """

    def __init__(self, generator, discriminator, *, data_range="auto", ema_decay=DEFAULT_EMA_DECAY,
                 augment=None, seed=None, name="dcgan", **kwargs):
        fn = "DCGAN"
        for label, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.Model):
                raise TypeError(f"{fn}: `{label}` must be a keras.Model, received "
                                f"{label}={net!r} of type {type(net).__name__}")
        if len(generator.input_shape) != 2:
            raise ValueError(f"{fn}: the generator must take latent vectors (batch, latent_dim), "
                             f"its input shape is {generator.input_shape}")
        if tuple(generator.output_shape[1:]) != tuple(discriminator.input_shape[1:]):
            raise ValueError(
                f"{fn}: the generator makes images of shape {generator.output_shape[1:]} but the "
                f"discriminator takes {discriminator.input_shape[1:]}")
        data_range = check_data_range(fn, data_range)
        ema_decay = check_ema_decay(fn, ema_decay)
        augment = check_choice(fn, "augment", augment, augmentation.AUGMENTATIONS, allow_none=True)
        if seed is not None:
            check_positive_int(fn, "seed", seed, allow_zero=True)
        super().__init__(name=name, **kwargs)
        self.augment = augment
        self.generator = generator
        self.discriminator = discriminator
        self.ema_decay = ema_decay
        self.ema_generator = None if ema_decay is None else _ema_copy(fn, generator)
        self.latent_dim = int(generator.input_shape[-1])
        self.image_shape = tuple(int(d) for d in generator.output_shape[1:])
        self._data_range = data_range
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_acc_real_tracker = keras.metrics.Mean(name="d_acc_real")
        self.d_acc_fake_tracker = keras.metrics.Mean(name="d_acc_fake")
        self.d_optimizer = None
        self.g_optimizer = None
        self.loss_fn = None
        self.label_smoothing = 0.0
        self._compile_request = {}
        self.built = True

    # -- properties ------------------------------------------------------------------

    @property
    def data_range(self):
        """``(low, high)`` of the training data, or ``"auto"`` until ``fit`` sees data."""
        return self._data_range

    @property
    def metrics(self):
        return [self.d_acc_fake_tracker, self.d_acc_real_tracker, self.d_loss_tracker,
                self.g_loss_tracker]

    # -- compile ---------------------------------------------------------------------

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, *, label_smoothing=0.0,
                jit_compile="auto", steps_per_execution="auto", run_eagerly=False):
        """Configure the two optimizers and the adversarial loss.

        Args:
            d_optimizer: Discriminator optimizer (instance, name or config);
                default ``Adam(2e-4, beta_1=0.5)``.
            g_optimizer: Generator optimizer; same default.
            loss: A loss ``f(y_true, logits)``; default binary cross-entropy on
                logits.
            label_smoothing: One-sided label smoothing: the discriminator's target
                for real images is ``1 - label_smoothing`` (fakes stay at 0).
            jit_compile: Compile the train step with XLA; ``"auto"`` uses it only
                with a GPU or TPU (XLA convolutions are slow on CPU).
            steps_per_execution: Batches per compiled call; ``"auto"``: 8 on
                TensorFlow, 1 on JAX and PyTorch
                (:func:`zoo.backend.default_steps_per_execution`; PyTorch takes only 1).
            run_eagerly: Debug mode: run the train step eagerly.

        Raises:
            ValueError, TypeError: bad arguments.
        """
        fn = "DCGAN.compile"
        label_smoothing = check_number(fn, "label_smoothing", label_smoothing, low=0.0, high=1.0,
                                       high_inclusive=False)
        if not isinstance(jit_compile, bool) and jit_compile != "auto":
            raise TypeError(f"{fn}: `jit_compile` must be True, False or 'auto', received "
                            f"jit_compile={jit_compile!r}")
        check_bool(fn, "run_eagerly", run_eagerly)
        # Saved as given, so "auto" resolves again for the backend that reloads the model.
        self._compile_request = {"jit_compile": jit_compile,
                                 "steps_per_execution": steps_per_execution}
        steps_per_execution = check_steps_per_execution(fn, steps_per_execution)

        def optimizer(spec, label):
            if spec is None:
                return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5, name=label)
            try:
                return keras.optimizers.get(spec)
            except ValueError as exc:
                raise ValueError(f"{fn}: could not interpret {label}={spec!r} ({exc})") from None

        self.d_optimizer = optimizer(d_optimizer, "d_optimizer")
        self.g_optimizer = optimizer(g_optimizer, "g_optimizer")
        if self.d_optimizer is self.g_optimizer:
            raise ValueError(f"{fn}: `d_optimizer` and `g_optimizer` must be two optimizer "
                             "objects; one instance cannot hold the state of both networks")
        self.loss_fn = (keras.losses.BinaryCrossentropy(from_logits=True) if loss is None
                        else keras.losses.get(loss))
        self.label_smoothing = label_smoothing
        super().compile(optimizer=None, jit_compile=jit_compile,
                        steps_per_execution=steps_per_execution, run_eagerly=run_eagerly)
        # Create the optimizer slots now, so a reload can restore them before training.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        backend.gan_compiled(self)

    def get_compile_config(self):
        if self.d_optimizer is None:
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss": keras.saving.serialize_keras_object(self.loss_fn),
            "label_smoothing": self.label_smoothing,
            **self._compile_request,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer", "loss"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        steps = config.get("steps_per_execution", "auto")
        if backend.name() == "torch" and steps != "auto" and steps > 1:
            # Saved on TensorFlow or JAX; Keras' PyTorch trainer runs one step a call.
            logger.info("DCGAN: saved with steps_per_execution=%s; PyTorch runs 1", steps)
            config["steps_per_execution"] = 1
        self.compile(**config)

    # -- serialization ---------------------------------------------------------------

    def get_config(self):
        return {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "data_range": (self._data_range if isinstance(self._data_range, str)
                           else list(self._data_range)),
            "ema_decay": self.ema_decay,
            "augment": self.augment,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.setdefault("ema_decay", None)  # saved before the weight average existed
        config.setdefault("augment", None)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(config.pop("discriminator"))
        return cls(generator, discriminator, **config)

    def get_build_config(self):
        return None  # built in __init__: the two networks are functional models

    # -- forward ---------------------------------------------------------------------

    def call(self, inputs, training=False):
        """Latent vectors -> images in [-1, 1] (the generator's own range).

        Outside training the weight-averaged generator answers when there is one
        (as in :meth:`generate`); with ``training=True`` the trained generator.
        """
        if training:
            return self.generator(inputs, training=True)
        return self.sampling_generator(inputs, training=False)

    @property
    def sampling_generator(self):
        """The generator used for sampling: ``ema_generator`` if kept, else ``generator``."""
        return self.generator if self.ema_generator is None else self.ema_generator

    def reset_ema(self):
        """Copy the generator's current weights into the weight average.

        Call it after setting the generator's weights by hand (e.g. loading
        pre-trained ones), so sampling starts from them.

        Raises:
            ValueError: the model keeps no average (``ema_decay=None``).
        """
        if self.ema_generator is None:
            raise ValueError("DCGAN.reset_ema: this DCGAN keeps no weight average "
                             "(ema_decay=None)")
        for average, weight in zip(self.ema_generator.weights, self.generator.weights,
                                   strict=True):
            average.assign(weight)

    def update_ema(self):
        """``a <- d a + (1 - d) w`` for every generator weight, with warm-up of ``d``."""
        rate = self.ema_rate(self.g_optimizer.iterations)
        for average, weight in zip(self.ema_generator.weights, self.generator.weights,
                                   strict=True):
            average.assign_sub(rate * (average - weight))

    def sample_latent(self, n, seed=None):
        """Draw ``n`` standard-normal latent vectors with numpy; same seed, same vectors.

        Returns:
            A float32 array ``(n, latent_dim)``.
        """
        n = check_positive_int("DCGAN.sample_latent", "n", n)
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def generate(self, n=None, seed=None, *, latent=None, batch_size=256, use_ema=True):
        """Generate images in the training data's range.

        Args:
            n: Number of images (with ``seed``); ignored when ``latent`` is given.
            seed: Seed of the latent vectors; the same seed gives the same images.
            latent: Explicit latent vectors ``(n, latent_dim)`` instead of ``n``/``seed``.
            batch_size: Images generated per generator call.
            use_ema: Sample from the weight-averaged generator (``ema_generator``)
                when the model keeps one; ``False`` samples from the trained
                generator's current weights.

        Returns:
            A float32 numpy array ``(n, H, W, C)`` in ``data_range`` (in [-1, 1]
            while ``data_range`` is still ``"auto"``, i.e. before the first ``fit``).

        Raises:
            ValueError: neither ``n`` nor ``latent`` given, or ``latent`` of the
                wrong shape.

        Example:
            >>> images = gan.generate(64, seed=0)
        """
        fn = "DCGAN.generate"
        if latent is None:
            if n is None:
                raise ValueError(f"{fn}: give the number of images `n` or `latent` vectors")
            latent = self.sample_latent(check_positive_int(fn, "n", n), seed)
        latent = np.asarray(latent, dtype="float32")
        if latent.ndim != 2 or latent.shape[1] != self.latent_dim:
            raise ValueError(f"{fn}: `latent` must have shape (n, {self.latent_dim}), "
                             f"received shape {latent.shape}")
        batch_size = check_positive_int(fn, "batch_size", batch_size)
        check_bool(fn, "use_ema", use_ema)
        generator = self.sampling_generator if use_ema else self.generator
        parts = [ops.convert_to_numpy(generator(latent[i:i + batch_size], training=False))
                 for i in range(0, len(latent), batch_size)]
        images = np.concatenate(parts, axis=0) if parts else np.zeros((0, *self.image_shape))
        return self.from_generator_range(images)

    def from_generator_range(self, images):
        """Map images from [-1, 1] to ``data_range`` (unchanged while it is ``"auto"``)."""
        if isinstance(self._data_range, str):
            return images.astype("float32")
        scale, shift = _to_unit_interval(self._data_range)
        low, high = self._data_range
        return np.clip((images - shift) / scale, low, high).astype("float32")

    # -- training --------------------------------------------------------------------
    #
    # One step: draw the latent batch and the augmentations, generate fakes once,
    # update the discriminator on real and (detached) fake images, then update the
    # generator through the updated discriminator, then the weight average. The
    # gradients and updates are backend-specific (zoo.backend.gan_train_step: a
    # GradientTape on TensorFlow, jax.grad of stateless calls on JAX, backward() on
    # PyTorch); the pieces below are shared by all three.

    def train_step(self, *args):
        """One discriminator and one generator update (see :func:`zoo.backend.gan_train_step`)."""
        return backend.gan_train_step(self, *args)

    def step_inputs(self, data):
        """``(real, latent, d_view, g_view)`` of one step: real images in [-1, 1] and the draws.

        Every random number of the step is drawn here, before any gradient, in
        one order: the latent batch, the augmentation of the discriminator's
        batch (real and fake), then that of the generator's.
        """
        real = data[0] if isinstance(data, (tuple, list)) else data
        scale, shift = _to_unit_interval(self._data_range)
        real = ops.cast(real, "float32") * scale + shift
        batch = ops.shape(real)[0]
        latent = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        size = self.image_shape[:2]
        d_view = augmentation.draw(self.augment, 2 * batch, self.seed_generator, size=size)
        g_view = augmentation.draw(self.augment, batch, self.seed_generator, size=size)
        return real, latent, d_view, g_view

    def discriminator_view(self, images, view):
        """The discriminator's input: ``images`` augmented with draws from :meth:`step_inputs`."""
        return augmentation.apply(images, self.augment, view, size=self.image_shape[:2])

    def discriminator_loss(self, logits, batch):
        """``(loss, real_logits, fake_logits)`` from the logits of ``[real; fake]``."""
        real_logits, fake_logits = logits[:batch], logits[batch:]
        loss = (self.loss_fn(ops.full_like(real_logits, 1.0 - self.label_smoothing), real_logits)
                + self.loss_fn(ops.zeros_like(fake_logits), fake_logits))
        return loss, real_logits, fake_logits

    def generator_loss(self, logits):
        """The generator's loss: the discriminator should call its fakes real."""
        return self.loss_fn(ops.ones_like(logits), logits)

    def ema_rate(self, step):
        """``1 - d`` of the weight average after generator step ``step`` (warm-up included)."""
        step = ops.cast(step, "float32")
        return 1.0 - ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))

    def record(self, d_loss, g_loss, real_logits, fake_logits):
        """Update the four trackers with one step's numbers; return the logs."""
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_acc_real_tracker.update_state(ops.mean(ops.cast(real_logits > 0, "float32")))
        self.d_acc_fake_tracker.update_state(ops.mean(ops.cast(fake_logits < 0, "float32")))
        return {m.name: m.result() for m in self.metrics}

    def _augment(self, images):
        """The discriminator's view of ``images``: augmented as ``self.augment`` says."""
        return augmentation.augment(images, self.augment, self.seed_generator,
                                    size=self.image_shape[:2])

    def test_step(self, data):
        raise NotImplementedError("DCGAN has no evaluate(): measure samples with "
                                  "zoo.gan.quality.gan_quality instead")

    def _check_images(self, fn, batch):
        """Validate a numpy batch; return it float32 with a channel axis."""
        batch = np.asarray(batch)
        if not np.issubdtype(batch.dtype, np.number):
            raise TypeError(f"{fn}: images must be numbers, received dtype {batch.dtype}")
        h, w, c = self.image_shape
        if batch.ndim == 3 and c == 1 and batch.shape[1:] == (h, w):
            batch = batch[..., None]  # grayscale without a channel axis
        if batch.ndim != 4:
            raise ValueError(f"{fn}: images must have shape (N, {h}, {w}, {c}) (or (N, {h}, {w}) "
                             f"for one channel), received shape {batch.shape}")
        if batch.shape[1:3] != (h, w):
            raise ValueError(f"{fn}: images are {batch.shape[1]}x{batch.shape[2]} but the model "
                             f"makes {h}x{w} images (image_shape={self.image_shape})")
        if batch.shape[3] != c:
            raise ValueError(f"{fn}: images have {batch.shape[3]} channels but the model was "
                             f"built for channels={c} (image_shape={self.image_shape}); build it "
                             f"with image_shape=({h}, {w}, {batch.shape[3]})")
        batch = batch.astype("float32", copy=False)
        if not np.all(np.isfinite(batch)):
            bad = int(np.size(batch) - np.count_nonzero(np.isfinite(batch)))
            raise ValueError(f"{fn}: images contain {bad} NaN or infinite values; clean or drop "
                             "them before training")
        return batch

    def _settle_range(self, fn, low, high):
        seen = _infer_range(fn, low, high)
        if self._data_range == "auto":
            self._data_range = seen
            logger.info("%s: data_range inferred as %s", fn, seen)
        else:
            dlow, dhigh = self._data_range
            tol = 1e-3 * (dhigh - dlow)
            if low < dlow - tol or high > dhigh + tol:
                raise ValueError(f"{fn}: the data span [{low:g}, {high:g}] but data_range="
                                 f"{self._data_range}; rescale the data or rebuild the model "
                                 "with the matching data_range")

    def fit(self, x=None, y=None, batch_size=None, epochs=1, *, shuffle=True, **kwargs):
        """Train on images; see the class docstring for what ``x`` may be.

        Args:
            x: numpy images, a ``keras.utils.PyDataset`` of image batches (every
                backend) or a ``tf.data.Dataset`` of images (with TensorFlow
                installed).
            y: Must be ``None``: a GAN learns from the images alone.
            batch_size: Batch size for numpy input (default 64) or an unbatched
                dataset; a batched dataset keeps its own.
            epochs: Passes over the data.
            shuffle: Reshuffle numpy input each epoch (seeded by the model's seed).
            **kwargs: Passed to ``keras.Model.fit`` (``callbacks``, ``verbose``,
                ``initial_epoch``, ``steps_per_epoch``...).

        Returns:
            The ``History`` (``d_loss``, ``g_loss``, ``d_acc_real``, ``d_acc_fake``).

        Raises:
            ValueError: ``y`` given, images of the wrong shape or channels, NaNs,
                values outside the supported ranges.
            RuntimeError: ``compile`` was not called.
        """
        fn = "DCGAN.fit"
        if y is not None:
            raise ValueError(f"{fn}: `y` must be None; a GAN learns from the images `x` alone")
        if self.d_optimizer is None:
            raise RuntimeError(f"{fn}: call compile() first (build_dcgan compiles by default)")
        if kwargs.get("validation_data") is not None or kwargs.get("validation_split"):
            raise ValueError(f"{fn}: validation is not supported; measure samples with "
                             "zoo.gan.quality.gan_quality")
        if batch_size is not None:
            batch_size = check_positive_int(fn, "batch_size", batch_size)
        if backend.is_tf_dataset(x):
            dataset = self._prepare_dataset(fn, x, batch_size or DEFAULT_BATCH_SIZE)
        elif isinstance(x, keras.utils.PyDataset):
            dataset = self._check_py_dataset(fn, x)
        elif x is None:
            raise ValueError(f"{fn}: `x` (the training images) is required")
        else:
            images = self._check_images(fn, x)
            if len(images) == 0:
                raise ValueError(f"{fn}: `x` holds no images")
            self._settle_range(fn, float(images.min()), float(images.max()))
            dataset = self._image_batches(images, batch_size or DEFAULT_BATCH_SIZE, shuffle)
        with backend.gan_fit_context():
            return super().fit(dataset, epochs=epochs, shuffle=False, **kwargs)

    def _image_batches(self, images, batch_size, shuffle):
        """The input pipeline of numpy images: ``tf.data`` on TensorFlow, else a PyDataset."""
        if not backend.supports_tf_data():
            # On JAX a partial last batch would compile the whole step a second time.
            full = backend.compiles_per_batch_shape() and len(images) > batch_size
            return ImageBatches(images, batch_size, shuffle=shuffle, seed=self.seed,
                                drop_remainder=full)
        import tensorflow as tf

        dataset = tf.data.Dataset.from_tensor_slices(images)
        if shuffle:
            dataset = dataset.shuffle(len(images), seed=self.seed, reshuffle_each_iteration=True)
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

    def _check_py_dataset(self, fn, dataset):
        """Check the first batch of a ``keras.utils.PyDataset`` of images (or image, label)."""
        if len(dataset) == 0:
            raise ValueError(f"{fn}: the dataset is empty")
        first = dataset[0]
        first = first[0] if isinstance(first, (tuple, list)) else first
        first = ops.convert_to_numpy(first)
        if first.ndim != 4:
            raise ValueError(f"{fn}: a PyDataset must yield batches of shape (batch, "
                             f"{', '.join(map(str, self.image_shape))}), its first batch has "
                             f"shape {first.shape}")
        first = self._check_images(fn, first)
        self._settle_range(fn, float(first.min()), float(first.max()))
        logger.debug("%s: checked the first batch only for NaNs and range", fn)
        return dataset

    def _prepare_dataset(self, fn, dataset, batch_size):
        """Check the first batch of a ``tf.data.Dataset``; batch it and add a channel axis."""
        import tensorflow as tf

        spec = dataset.element_spec
        if isinstance(spec, (tuple, list)):
            dataset = dataset.map(lambda *item: item[0])
            spec = spec[0]
        shape = tuple(spec.shape)
        h, w, c = self.image_shape
        if len(shape) == 3 and shape[-1] != c and tuple(shape[1:]) == (h, w) and c == 1:
            dataset = dataset.map(lambda images: images[..., None])  # batched grayscale
        elif len(shape) in (2, 3):
            if len(shape) == 2:
                dataset = dataset.map(lambda image: image[..., None])
            dataset = dataset.batch(batch_size)  # single images
        first = next(iter(dataset.take(1)), None)
        if first is None:
            raise ValueError(f"{fn}: the dataset is empty")
        first = self._check_images(fn, ops.convert_to_numpy(first))
        self._settle_range(fn, float(first.min()), float(first.max()))
        logger.debug("%s: checked the first batch only for NaNs and range", fn)
        return dataset.prefetch(tf.data.AUTOTUNE)


class ImageBatches(keras.utils.PyDataset):
    """Batches of a numpy image array, reshuffled each epoch with a seeded generator.

    What :meth:`DCGAN.fit` trains on outside TensorFlow (where it builds a
    ``tf.data`` pipeline instead): every backend reads a ``PyDataset``, and the
    shuffle is the model's own (``seed``), not the global random state.

    Args:
        images: ``(N, H, W, C)`` float32 images.
        batch_size: Images per batch (the last batch may be smaller).
        shuffle: Reshuffle the order every epoch.
        seed: Seed of the shuffles.
        drop_remainder: Leave out a last partial batch (with ``shuffle``, other
            images each epoch), so every batch has ``batch_size`` images.

    Example:
        >>> batches = ImageBatches(np.zeros((10, 8, 8, 1), "float32"), 4, seed=0)
        >>> len(batches), batches[2].shape
        (3, (2, 8, 8, 1))
    """

    def __init__(self, images, batch_size, *, shuffle=True, seed=None, drop_remainder=False):
        super().__init__()
        self.images = images
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_remainder = bool(drop_remainder) and len(images) >= self.batch_size
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(images)) if self.shuffle else None

    def __len__(self):
        if self.drop_remainder:
            return len(self.images) // self.batch_size
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"ImageBatches: batch {index} of {len(self)}")
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self._order is None:
            return self.images[part]
        return self.images[np.sort(self._order[part])]

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self._rng.permutation(len(self.images))


__all__ = ["DEFAULT_BATCH_SIZE", "DCGAN", "ImageBatches"]
