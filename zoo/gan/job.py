"""One GAN training job: image data -> DCGAN -> fit -> sample grids, quality, files on disk.

:func:`generate` is what ``zoo generate`` runs (``zoo.generate`` from Python), as
:func:`zoo.train` is what ``zoo train`` runs. It writes into ``out``:
``grids/epoch_NNN.png`` (a fixed latent batch every ``grid_every`` epochs),
``samples.png`` (the final grid), ``dcgan.keras`` (the model with both
optimizers, reloadable with ``keras.saving.load_model``) and ``quality.json``
(mode coverage, mean classifier confidence, Fréchet distance of the trained and
of an untrained generator, training time and throughput).

Example:
    >>> import zoo
    >>> report = zoo.generate("digits", out="runs/gan", epochs=5)  # doctest: +SKIP
    >>> report["classes_covered"], report["files"]["model"]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from zoo import _quick as quick
from zoo import data as data_module
from zoo._validate import check_choice, check_number, check_output_dir, check_positive_int
from zoo.gan import quality
from zoo.gan.builders import build_dcgan
from zoo.io import show_progress, write_json
from zoo.models.checks import check_finite_weights, check_model_fits

logger = logging.getLogger("zoo.gan.job")

#: Seconds between two progress lines of :func:`generate` with ``verbose``.
PROGRESS_SECONDS = 5.0
#: The quality numbers kept for the untrained generator and the raw (non-averaged) weights.
_QUALITY_KEYS = ("classes_covered", "class_shares", "mean_confidence", "frechet_distance")


def _time_limit(seconds):
    """A callback that stops ``fit`` once ``seconds`` of training have passed."""
    import keras

    class TimeLimit(keras.callbacks.Callback):
        """Stop ``fit`` once ``seconds`` of training have passed (checked every batch)."""

        # Only reads the clock: on TensorFlow Keras may call it off the training thread,
        # so the loop need not wait for each batch's logs. Not on JAX: a stop set off the
        # thread races Keras' JAX trainer, which then reads donated metric buffers
        # ("Buffer has been deleted or donated", Keras 3.15).
        async_safe = keras.backend.backend() == "tensorflow"

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - self.start >= seconds:
                self.model.stop_training = True

    return TimeLimit()


def _progress(every_seconds, epochs):
    """A callback showing one line of losses every ``every_seconds`` (and at the end)."""
    import keras

    class Progress(keras.callbacks.Callback):
        """One progress line of losses every ``every_seconds``, not one per epoch
        (:func:`zoo.io.show_progress`: stdout, or the log without interactive logging).

        Keras' per-epoch lines slow a small GAN down and run to hundreds of lines.
        """

        def on_train_begin(self, logs=None):
            self.start = self.last = time.perf_counter()
            self.line = None

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            values = "  ".join(f"{k} {v:.3f}" for k, v in sorted((logs or {}).items()))
            self.line = f"epoch {epoch + 1}/{epochs}  {now - self.start:6.1f} s  {values}"
            if now - self.last >= every_seconds:
                show_progress(self.line, logger)
                self.last, self.line = now, None

        def on_train_end(self, logs=None):
            if self.line:
                show_progress(self.line, logger)

    return Progress()


def generate(data="digits", *, out, epochs=100, image_size=16, color_mode=None,
             max_seconds=None, batch_size=None, latent_dim=100, base_filters=None,
             ema_decay="default", samples=1000, grid_every=10, seed=0, verbose=1) -> dict:
    """Train a DCGAN on an image data set, measure its samples and save everything.

    Args:
        data: An image data set name: ``"digits"``, ``"mnist"``, ``"fashion_mnist"``
            or ``"cifar10"`` (``zoo.data.IMAGE_SETS``), or the path of a folder of
            images with one subfolder per class (read batch by batch, never whole;
            its classes train the quality classifier).
        out: Output directory.
        epochs: Maximum training epochs.
        image_size: Side of the up-sampled digits, or of a folder's images (ignored
            for the other data sets).
        color_mode: A folder's channels: ``"grayscale"``, ``"rgb"`` or ``"rgba"``
            (default: grayscale when every image is, else rgb).
        max_seconds: Optional wall-clock limit on training (checked every batch).
        batch_size: Batch size (``None``: the DCGAN's default, 64).
        latent_dim: Latent vector size.
        base_filters: Generator width (``None``: ``build_dcgan``'s default, 48).
        ema_decay: Decay of the generator weight average the samples come from
            (``"default"``: ``build_dcgan``'s; ``None`` or ``"none"``: no average).
        samples: Number of generated images scored.
        grid_every: Epochs between sample grids.
        seed: Seed of data split, weights, training and samples.
        verbose: ``1`` (default): the start of training, and a line of losses every
            5 seconds, shown like Keras' progress bars (:func:`zoo.io.show_progress`);
            ``0``: silent (the start is logged at INFO).

    Returns:
        The quality report written to ``quality.json`` (see
        :func:`zoo.gan.quality.gan_quality`) of samples from the weight-averaged
        generator (if kept), with ``untrained``, ``without_ema`` (the same numbers
        for the trained generator's own weights), ``fid_improvement``,
        ``classifier_accuracy``, ``ema_decay``, ``epochs``, ``train_seconds``,
        ``images_per_second`` and ``files`` added.

    Raises:
        ValueError: a non-image data set, a folder that cannot be used (naming it and
            the problem), bad numbers or data, an output directory that cannot be
            written: all before any training.
        zoo.data.DataUnavailableError: a download-only data set is not cached offline.
        zoo.errors.JobFailedError: the training diverged (NaN weights): no model saved.

    Example:
        >>> report = generate("digits", out="runs/gan", epochs=20, max_seconds=60)
        >>> report["classes_covered"]  # doctest: +SKIP
        10
    """
    fn = "generate"
    from zoo.data.files import looks_like_path

    folder = not (isinstance(data, str) and data in data_module.IMAGE_SETS) and \
        looks_like_path(data)
    if not folder:
        data = check_choice(fn, "data", data, data_module.IMAGE_SETS)
    elif Path(data).exists() and not Path(data).is_dir():
        raise ValueError(f"{fn}: `data` must be an image data set name or a folder of images "
                         f"in class subfolders, received the file '{data}'")
    if color_mode is not None and not folder:
        raise ValueError(f"{fn}: `color_mode` applies to an image folder, not to {data!r}")
    epochs = quick.cap(fn, "epochs", check_positive_int(fn, "epochs", epochs), quick.MAX_EPOCHS)
    samples = check_positive_int(fn, "samples", samples)
    grid_every = check_positive_int(fn, "grid_every", grid_every)
    seed = check_positive_int(fn, "seed", seed, allow_zero=True)
    if max_seconds is not None:
        check_number(fn, "max_seconds", max_seconds, low=0.0, low_inclusive=False)
    if batch_size is not None:
        batch_size = check_positive_int(fn, "batch_size", batch_size)
    options = {}
    if data == "digits" or folder:
        options["image_size"] = check_positive_int(fn, "image_size", image_size)
    if color_mode is not None:
        options["color_mode"] = color_mode
    kwargs = {"latent_dim": latent_dim, "seed": seed}
    if base_filters is not None:
        kwargs["base_filters"] = base_filters
    if ema_decay == "none":
        ema_decay = None
    if ema_decay != "default":
        kwargs["ema_decay"] = ema_decay
    out = check_output_dir(fn, "out", out)
    dataset = data_module.resolve(data, fn=fn, input_kind="image", seed=seed, options=options)
    # Every argument of the DCGAN checked, and its size, before the classifier trains.
    check_model_fits(fn, build_dcgan, {"image_shape": dataset.input_shape, "data_range": (0, 1),
                                       **kwargs})
    out.mkdir(parents=True, exist_ok=True)

    import keras

    from zoo.gan.callbacks import GANSampleGrid, save_image_grid
    from zoo.gan.model import DEFAULT_BATCH_SIZE

    classifier, accuracy = quality.fit_reference_classifier(dataset, epochs=15, seed=seed)
    # Streamed (an image folder): the images are read batch by batch, never held.
    images, _ = dataset.merged("train", "val")
    real = images.batches(256) if dataset.streamed else images
    real_features = quality.feature_extractor(classifier).predict(real, verbose=0)

    keras.utils.set_random_seed(seed)
    gan = build_dcgan(dataset.input_shape, data_range=(0, 1), **kwargs)
    untrained = quality.gan_quality(classifier, gan.generate(samples, seed=seed + 1),
                                    real_features=real_features)
    callbacks = [GANSampleGrid(out / "grids", num_images=64, every=grid_every, seed=seed)]
    if max_seconds is not None:
        callbacks.append(_time_limit(max_seconds))
    if verbose:
        callbacks.append(_progress(PROGRESS_SECONDS, epochs))
    if verbose:
        show_progress(f"training a DCGAN on {dataset.summary()}", logger)
    else:
        logger.info("training a DCGAN on %s", dataset.summary())
    start = time.perf_counter()
    if dataset.streamed:
        images = images.batches(batch_size or DEFAULT_BATCH_SIZE, shuffle=True, seed=seed)
    history = gan.fit(images, epochs=epochs, batch_size=batch_size, callbacks=callbacks,
                      verbose=0)
    seconds = time.perf_counter() - start
    # Before any sample or file: a diverged DCGAN is neither judged nor saved.
    check_finite_weights(fn, gan, what="the DCGAN")
    done = len(history.history.get("d_loss", []))
    steps = int(gan.g_optimizer.iterations.numpy())
    used_batch = batch_size or DEFAULT_BATCH_SIZE

    generated = gan.generate(samples, seed=seed + 1)
    report = quality.gan_quality(classifier, generated, real_features=real_features)
    raw = report
    if gan.ema_generator is not None:
        raw = quality.gan_quality(classifier, gan.generate(samples, seed=seed + 1, use_ema=False),
                                  real_features=real_features)
    report.update({
        "data": str(data),
        "image_shape": list(dataset.input_shape),
        "classifier_accuracy": accuracy,
        "untrained": {k: untrained[k] for k in _QUALITY_KEYS},
        "without_ema": {k: raw[k] for k in _QUALITY_KEYS},
        "ema_decay": gan.ema_decay,
        "fid_improvement": untrained["frechet_distance"] / max(report["frechet_distance"], 1e-9),
        "epochs": done,
        "steps": steps,
        "train_seconds": seconds,
        "images_per_second": steps * used_batch / seconds if seconds else None,
        "final_logs": {k: float(v[-1]) for k, v in history.history.items()},
    })
    files = {
        "samples": save_image_grid(generated[:100], out / "samples.png", columns=10),
        "model": out / "dcgan.keras",
        "grids": out / "grids",
        "report": out / "quality.json",
    }
    gan.save(files["model"])
    report["files"] = {k: str(v) for k, v in files.items()}
    write_json(files["report"], report)
    return report


__all__ = ["generate"]
