"""Differentiable augmentation of the images a GAN's discriminator sees.

``augment="translation"`` shifts every image, real and fake alike, by a random
whole-pixel offset of up to :data:`TRANSLATION_FRACTION` of its size, inside the
training step and differentiably, so the generator learns through it
(DiffAugment, Zhao et al. 2020, "Differentiable augmentation for data-efficient
GAN training"). It keeps the discriminator from memorising a small data set.

Example:
    >>> import keras
    >>> images = keras.ops.zeros((4, 8, 8, 1)) - 1.0
    >>> augment(images, "translation", keras.random.SeedGenerator(0)).shape
    (4, 8, 8, 1)
"""

from __future__ import annotations

#: Augmentations of the discriminator's input, besides ``None``.
AUGMENTATIONS = ("translation",)
#: Largest shift of ``augment="translation"``, as a fraction of height and width.
TRANSLATION_FRACTION = 0.125


def augment(images, kind, seed_generator, *, size=None):
    """Apply augmentation ``kind`` (one of :data:`AUGMENTATIONS`, or ``None``) to a batch.

    Args:
        images: A ``(n, height, width, channels)`` tensor in [-1, 1].
        kind: ``None`` (images returned as they are) or ``"translation"``.
        seed_generator: The ``keras.random.SeedGenerator`` the shifts are drawn from.
        size: ``(height, width)`` of the images; default their static shape.

    Returns:
        The augmented batch, same shape and dtype.

    Raises:
        ValueError: an unknown ``kind``.
    """
    if kind is None:
        return images
    if kind == "translation":
        return translate(images, seed_generator, size=size)
    raise ValueError(f"augment: unknown kind={kind!r}; expected None or one of "
                     f"{', '.join(AUGMENTATIONS)}")


def translate(images, seed_generator, *, size=None, fraction=TRANSLATION_FRACTION):
    """Shift each image by its own random whole-pixel offset; pixels moved in are -1.

    The offset is drawn per image, up to ``fraction`` of the height and of the
    width (at least one pixel); -1 is black in the generator's range. The shift is
    two batched products with one-hot shift matrices (``rows @ image @ cols``), so
    gradients reach the generator exactly.

    Args:
        images: A ``(n, height, width, channels)`` tensor.
        seed_generator: The ``keras.random.SeedGenerator`` the shifts come from
            (rows first, then columns).
        size: ``(height, width)`` of the images; default their static shape.
        fraction: Largest shift as a fraction of the height and width.

    Returns:
        The shifted batch.
    """
    import keras
    from keras import ops

    n = ops.shape(images)[0]
    h, w = (int(d) for d in (size if size is not None else images.shape[1:3]))
    sh, sw = (max(1, round(side * fraction)) for side in (h, w))
    dy = keras.random.randint((n, 1), -sh, sh + 1, seed=seed_generator)
    dx = keras.random.randint((n, 1), -sw, sw + 1, seed=seed_generator)
    # Output row i is input row i + dy; one_hot of an index outside [0, h) is all
    # zeros, so shifting ``images + 1`` and subtracting 1 fills with -1.
    rows = ops.one_hot(ops.arange(h)[None, :] + dy, h, dtype=images.dtype)  # (n, h, h)
    cols = ops.one_hot(ops.arange(w)[None, :] + dx, w, dtype=images.dtype)  # (n, w, w)
    shifted = ops.einsum("nij,njwc->niwc", rows, images + 1.0)
    return ops.einsum("nkw,niwc->nikc", cols, shifted) - 1.0
