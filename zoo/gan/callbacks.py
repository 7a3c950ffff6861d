"""Callbacks and image helpers for generative models: sample grids as PNG files.

Example:
    >>> import zoo
    >>> from zoo.gan.callbacks import GANSampleGrid
    >>> data = zoo.data.load("digits", image_size=16)
    >>> gan = zoo.build_dcgan(data.input_shape, seed=0)
    >>> grid = GANSampleGrid("out/grids", num_images=64, every=5, seed=0)
    >>> history = gan.fit(data.x_train, epochs=10, callbacks=[grid], verbose=0)
    >>> [p.name for p in grid.paths]
    ['epoch_005.png', 'epoch_010.png']
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import keras
import numpy as np

from zoo._validate import check_positive_int

logger = logging.getLogger("zoo.gan.callbacks")


def image_grid(images, *, value_range=(0.0, 1.0), columns=None, padding=1):
    """Tile a batch of images into one array with values in [0, 1].

    Args:
        images: ``(n, H, W, C)`` (C = 1 or 3) or ``(n, H, W)``.
        value_range: ``(low, high)`` of the images' values.
        columns: Images per row; default ``ceil(sqrt(n))``.
        padding: Pixels of background between images.

    Returns:
        A float array ``(rows * (H + p) + p, columns * (W + p) + p)`` for one
        channel, with a trailing channel axis of 3 for colour images.

    Raises:
        ValueError: an empty batch or images with neither 1 nor 3 channels.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or len(images) == 0 or images.shape[-1] not in (1, 3):
        raise ValueError("image_grid: `images` must be a non-empty batch (n, H, W, C) with C = 1 "
                         f"or 3, received shape {images.shape}")
    low, high = value_range
    images = np.clip((images - low) / (high - low), 0.0, 1.0)
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.ones((rows * (h + padding) + padding, columns * (w + padding) + padding, c),
                   dtype="float32")
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top:top + h, left:left + w] = image
    return grid[..., 0] if c == 1 else grid


def save_image_grid(images, path, *, value_range=(0.0, 1.0), columns=None, scale=4):
    """Write a batch of images as one PNG grid (matplotlib, no display needed).

    Args:
        images: ``(n, H, W, C)`` or ``(n, H, W)``.
        path: Output ``.png`` path; parent folders are created.
        value_range: ``(low, high)`` of the images' values.
        columns: Images per row.
        scale: Integer up-scaling of every pixel, so small images stay visible.

    Returns:
        The ``Path`` written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.image

    grid = image_grid(images, value_range=value_range, columns=columns)
    scale = check_positive_int("save_image_grid", "scale", scale)
    grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if grid.ndim == 2:
        matplotlib.image.imsave(path, grid, cmap="gray", vmin=0.0, vmax=1.0)
    else:
        matplotlib.image.imsave(path, grid)
    return path


@keras.saving.register_keras_serializable(package="zoo")
class GANSampleGrid(keras.callbacks.Callback):
    """Render a fixed latent batch as one PNG grid every ``every`` epochs.

    The same latent vectors are used at every epoch, so the grids show how each
    sample evolves. Works with any model that has ``generate(latent=...)`` and a
    ``latent_dim`` (such as :class:`zoo.DCGAN`).

    Args:
        directory: Folder for the PNG files (created on first write).
        num_images: Images per grid.
        every: Write a grid every this many epochs (and after the last epoch).
        seed: Seed of the fixed latent batch.
        columns: Images per row; default a square-ish grid.
        filename: Pattern with ``{epoch}`` (1-based), e.g. ``"epoch_{epoch:03d}.png"``.

    Attributes:
        paths: The ``Path`` of every grid written, in order.

    Example:
        >>> grid = GANSampleGrid("out/grids", num_images=36, every=10, seed=0)
        >>> gan.fit(x, epochs=20, callbacks=[grid])
    """

    def __init__(self, directory, num_images=64, every=1, seed=0, columns=None,
                 filename="epoch_{epoch:03d}.png"):
        super().__init__()
        fn = "GANSampleGrid"
        self.num_images = check_positive_int(fn, "num_images", num_images)
        self.every = check_positive_int(fn, "every", every)
        self.seed = check_positive_int(fn, "seed", seed, allow_zero=True)
        if columns is not None:
            check_positive_int(fn, "columns", columns)
        if "{epoch" not in str(filename):
            raise ValueError(f"{fn}: `filename` must contain '{{epoch}}' so grids do not "
                             f"overwrite each other, received filename={filename!r}")
        self.directory = str(directory)
        self.columns = columns
        self.filename = filename
        self.paths: list[Path] = []
        self._latent = None
        self._last_written = None

    def get_config(self):
        return {"directory": self.directory, "num_images": self.num_images, "every": self.every,
                "seed": self.seed, "columns": self.columns, "filename": self.filename}

    def _write(self, epoch):
        model = self.model
        if not hasattr(model, "generate"):
            raise TypeError("GANSampleGrid: the model has no generate(); use it with zoo.DCGAN")
        if self._latent is None:
            rng = np.random.default_rng(self.seed)
            self._latent = rng.standard_normal((self.num_images, model.latent_dim)).astype(
                "float32")
        images = model.generate(latent=self._latent)
        value_range = model.data_range if not isinstance(model.data_range, str) else (-1.0, 1.0)
        path = save_image_grid(images, Path(self.directory) / self.filename.format(epoch=epoch),
                               value_range=value_range, columns=self.columns)
        self.paths.append(path)
        self._last_written = epoch
        logger.debug("GANSampleGrid: wrote %s", path)  # one a grid: the job lists the folder

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._write(epoch + 1)
        self._last_epoch = epoch + 1

    def on_train_end(self, logs=None):
        last = getattr(self, "_last_epoch", None)
        if last is not None and self._last_written != last:
            self._write(last)


__all__ = ["GANSampleGrid", "image_grid", "save_image_grid"]
