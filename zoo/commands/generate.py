"""``zoo generate --data digits --epochs N --out DIR``: train a DCGAN, write grids and quality.

Writes into ``DIR``: ``grids/epoch_NNN.png`` (a fixed latent batch every
``--grid-every`` epochs), ``samples.png`` (the final grid), ``dcgan.keras`` (the
model with both optimizers, reloadable with ``keras.saving.load_model``) and
``quality.json`` (mode coverage, mean classifier confidence, Fréchet distance of
the trained and of an untrained generator, training time and throughput).
"""

from __future__ import annotations

import time

HELP = "train a DCGAN on image data; write sample grids, the model and quality numbers"

IMAGE_DATA = ("digits", "mnist", "fashion_mnist", "cifar10")


def add_arguments(parser) -> None:
    parser.add_argument("--data", default="digits", help="image data set: digits (embedded, "
                        "up-sampled to --image-size), mnist, fashion_mnist, cifar10 (cached)")
    parser.add_argument("--image-size", type=int, default=16,
                        help="side of the digits images (16 or 32; default 16)")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop training after this many seconds (checked every batch)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="batch size (default: the DCGAN's, 64)")
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=None,
                        help="generator width (default: build_dcgan's, 48; the "
                             "discriminator keeps build_dcgan's 32)")
    parser.add_argument("--ema-decay", type=_ema_decay, default="default",
                        help="decay of the generator weight average used for sampling "
                             "(default: the DCGAN's, 0.999; 'none' samples the trained weights)")
    parser.add_argument("--samples", type=int, default=1000,
                        help="generated images scored by the quality classifier")
    parser.add_argument("--grid-every", type=int, default=10, help="epochs between grids")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="output directory")


def _ema_decay(text):
    """``--ema-decay``: a float, ``none`` or ``default``."""
    if text.lower() in ("none", "default"):
        return text.lower()
    return float(text)


def _time_limit(seconds):
    import keras

    class TimeLimit(keras.callbacks.Callback):
        """Stop ``fit`` once ``seconds`` of training have passed."""

        # Only reads the clock: Keras may call it off the training thread, so the
        # training loop need not wait for each batch's logs (about 4% of a step).
        async_safe = True

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - self.start >= seconds:
                self.model.stop_training = True

    return TimeLimit()


def _progress(every_seconds, epochs):
    import keras

    class Progress(keras.callbacks.Callback):
        """One line of losses every ``every_seconds`` (and at the end), not one per epoch.

        Keras' per-epoch lines cost about 8% of a small GAN's training time and
        run to hundreds of lines.
        """

        def on_train_begin(self, logs=None):
            self.start = self.last = time.perf_counter()
            self.line = None

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            values = "  ".join(f"{k} {v:.3f}" for k, v in sorted((logs or {}).items()))
            self.line = f"epoch {epoch + 1}/{epochs}  {now - self.start:6.1f} s  {values}"
            if now - self.last >= every_seconds:
                print(self.line, flush=True)
                self.last, self.line = now, None

        def on_train_end(self, logs=None):
            if self.line:
                print(self.line, flush=True)

    return Progress()


def run_job(data="digits", *, out, epochs=100, image_size=16, max_seconds=None, batch_size=None,
            latent_dim=100, base_filters=None, ema_decay="default", samples=1000, grid_every=10,
            seed=0, verbose=0) -> dict:
    """Train a DCGAN on an image data set and measure it; what ``zoo generate`` runs.

    Args:
        data: ``"digits"``, ``"mnist"``, ``"fashion_mnist"`` or ``"cifar10"``.
        out: Output directory.
        epochs: Maximum training epochs.
        image_size: Side of the up-sampled digits (ignored for other data).
        max_seconds: Optional wall-clock limit on training.
        batch_size: Batch size (``None``: the DCGAN's default).
        latent_dim: Latent vector size.
        base_filters: Generator width (``None``: ``build_dcgan``'s default, 48).
        ema_decay: Decay of the generator weight average the samples come from
            (``"default"``: ``build_dcgan``'s; ``None`` or ``"none"``: no average).
        samples: Number of generated images scored.
        grid_every: Epochs between sample grids.
        seed: Seed of data split, weights, training and samples.
        verbose: ``0``: silent training; otherwise a line of losses every 5 seconds.

    Returns:
        The quality report written to ``quality.json`` (see :func:`zoo.metrics.gan_quality`)
        of samples from the weight-averaged generator (if kept), with ``untrained``,
        ``without_ema`` (the same numbers for the trained generator's own weights),
        ``fid_improvement``, ``classifier_accuracy``, ``ema_decay``, ``epochs``,
        ``train_seconds``, ``images_per_second`` and ``files`` added.

    Raises:
        ValueError: a non-image data set or bad numbers.
        zoo.data.DataUnavailableError: a download-only data set is not cached offline.
    """
    from pathlib import Path

    import keras
    import numpy as np

    from zoo import data as data_module
    from zoo import metrics
    from zoo._validate import check_choice, check_number, check_positive_int
    from zoo.gan_callbacks import GANSampleGrid, save_image_grid
    from zoo.io import write_json
    from zoo.models.dcgan import build_dcgan

    fn = "zoo generate"
    data = check_choice(fn, "data", data, IMAGE_DATA)
    epochs = check_positive_int(fn, "epochs", epochs)
    samples = check_positive_int(fn, "samples", samples)
    grid_every = check_positive_int(fn, "grid_every", grid_every)
    if max_seconds is not None:
        check_number(fn, "max_seconds", max_seconds, low=0.0, low_inclusive=False)
    options = {"seed": seed}
    if data == "digits":
        options["image_size"] = check_positive_int(fn, "image_size", image_size)
    dataset = data_module.load(data, **options)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    classifier, accuracy = metrics.fit_reference_classifier(dataset, epochs=15, seed=seed)
    images = np.concatenate([dataset.x_train, dataset.x_val])
    real_features = metrics.feature_extractor(classifier).predict(images, verbose=0)

    keras.utils.set_random_seed(seed)
    kwargs = {"latent_dim": latent_dim, "seed": seed}
    if base_filters is not None:
        kwargs["base_filters"] = base_filters
    if ema_decay == "none":
        ema_decay = None
    if ema_decay != "default":
        kwargs["ema_decay"] = ema_decay
    gan = build_dcgan(dataset.input_shape, data_range=(0, 1), **kwargs)
    untrained = metrics.gan_quality(classifier, gan.generate(samples, seed=seed + 1),
                                    real_features=real_features)
    callbacks = [GANSampleGrid(out / "grids", num_images=64, every=grid_every, seed=seed)]
    if max_seconds is not None:
        callbacks.append(_time_limit(max_seconds))
    if verbose:
        callbacks.append(_progress(5.0, epochs))
    start = time.perf_counter()
    history = gan.fit(images, epochs=epochs, batch_size=batch_size, callbacks=callbacks,
                      verbose=0)
    seconds = time.perf_counter() - start
    done = len(history.history.get("d_loss", []))
    steps = int(gan.g_optimizer.iterations.numpy())
    used_batch = batch_size or 64

    generated = gan.generate(samples, seed=seed + 1)
    report = metrics.gan_quality(classifier, generated, real_features=real_features)
    raw = report
    if gan.ema_generator is not None:
        raw = metrics.gan_quality(classifier, gan.generate(samples, seed=seed + 1, use_ema=False),
                                  real_features=real_features)
    keys = ("classes_covered", "class_shares", "mean_confidence", "frechet_distance")
    report.update({
        "data": data,
        "image_shape": list(dataset.input_shape),
        "classifier_accuracy": accuracy,
        "untrained": {k: untrained[k] for k in keys},
        "without_ema": {k: raw[k] for k in keys},
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


def run(args) -> int:
    report = run_job(args.data, out=args.out, epochs=args.epochs, image_size=args.image_size,
                     max_seconds=args.max_seconds, batch_size=args.batch_size,
                     latent_dim=args.latent_dim, base_filters=args.base_filters,
                     ema_decay=args.ema_decay, samples=args.samples, grid_every=args.grid_every, seed=args.seed,
                     verbose=0 if args.quiet else 1)
    shares = " ".join(f"{s:.3f}" for s in report["class_shares"])
    print()
    print(f"DCGAN on {report['data']} {tuple(report['image_shape'])}: {report['epochs']} epochs "
          f"in {report['train_seconds']:.1f} s ({report['images_per_second']:.0f} images/s)")
    print(f"quality classifier test accuracy: {report['classifier_accuracy']:.4f}")
    print(f"classes covered (>= {report['min_share']:.0%} of {report['num_samples']} samples): "
          f"{report['classes_covered']} / {len(report['class_shares'])}")
    print(f"class shares: {shares}")
    print(f"mean confidence: {report['mean_confidence']:.3f} "
          f"(untrained {report['untrained']['mean_confidence']:.3f})")
    print(f"Frechet distance: {report['frechet_distance']:.2f} "
          f"(untrained {report['untrained']['frechet_distance']:.2f}, "
          f"{report['fid_improvement']:.1f}x lower)")
    if report["ema_decay"] is not None:
        raw = report["without_ema"]
        print(f"(samples from the generator's weight average, ema_decay={report['ema_decay']}; "
              f"its own weights: {raw['classes_covered']} classes, confidence "
              f"{raw['mean_confidence']:.3f}, Frechet distance {raw['frechet_distance']:.2f})")
    for role, path in report["files"].items():
        print(f"{role:>8}: {path}")
    return 0
