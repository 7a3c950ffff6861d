"""Differentiable augmentation of the images a GAN's discriminator sees.

``augment="translation"`` shifts every image, real and fake alike, by a random
whole-pixel offset of up to :data:`TRANSLATION_FRACTION` of its size, inside the
training step and differentiably, so the generator learns through it
(DiffAugment, Zhao et al. 2020, "Differentiable augmentation for data-efficient
GAN training"). It keeps the discriminator from memorising a small data set.

The random offsets are drawn (:func:`draw`) apart from their use (:func:`apply`),
so a training step can draw every random number before it differentiates
anything: JAX's stateless train step needs that, and the draws keep one order on
every backend.

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


def _check_kind(kind):
    if kind is not None and kind not in AUGMENTATIONS:
        raise ValueError(f"augment: unknown kind={kind!r}; expected None or one of "
                         f"{', '.join(AUGMENTATIONS)}")


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
    from keras import ops

    _check_kind(kind)
    if kind is None:
        return images
    size = _size(images, size)
    return apply(images, kind, draw(kind, ops.shape(images)[0], seed_generator, size=size),
                 size=size)


def draw(kind, n, seed_generator, *, size):
    """Draw the random parameters of augmentation ``kind`` for ``n`` images.

    Args:
        kind: ``None`` or one of :data:`AUGMENTATIONS`.
        n: Number of images (an int or a scalar tensor).
        seed_generator: The ``keras.random.SeedGenerator`` to draw from.
        size: ``(height, width)`` of the images.

    Returns:
        What :func:`apply` takes: ``None`` for ``kind=None``; for ``"translation"``
        the ``(dy, dx)`` pair of ``(n, 1)`` int32 offsets (rows drawn first).

    Raises:
        ValueError: an unknown ``kind``.
    """
    _check_kind(kind)
    if kind is None:
        return None
    return translation_offsets(n, seed_generator, size=size)


def apply(images, kind, params, *, size=None):
    """Apply augmentation ``kind`` with parameters from :func:`draw` (differentiable).

    Raises:
        ValueError: an unknown ``kind``.
    """
    _check_kind(kind)
    if kind is None:
        return images
    return shift(images, *params, size=size)


def translation_offsets(n, seed_generator, *, size, fraction=TRANSLATION_FRACTION):
    """Random whole-pixel offsets ``(dy, dx)``, each ``(n, 1)``, up to ``fraction`` of the size.

    At least one pixel; rows are drawn before columns.
    """
    import keras

    h, w = (int(d) for d in size)
    sh, sw = (max(1, round(side * fraction)) for side in (h, w))
    dy = keras.random.randint((n, 1), -sh, sh + 1, seed=seed_generator)
    dx = keras.random.randint((n, 1), -sw, sw + 1, seed=seed_generator)
    return dy, dx


def translate(images, seed_generator, *, size=None, fraction=TRANSLATION_FRACTION):
    """Shift each image by its own random whole-pixel offset; pixels moved in are -1.

    The offset is drawn per image, up to ``fraction`` of the height and of the
    width (at least one pixel); -1 is black in the generator's range. See
    :func:`shift` for how.

    Args:
        images: A ``(n, height, width, channels)`` tensor.
        seed_generator: The ``keras.random.SeedGenerator`` the shifts come from
            (rows first, then columns).
        size: ``(height, width)`` of the images; default their static shape.
        fraction: Largest shift as a fraction of the height and width.

    Returns:
        The shifted batch.
    """
    from keras import ops

    size = _size(images, size)
    dy, dx = translation_offsets(ops.shape(images)[0], seed_generator, size=size,
                                 fraction=fraction)
    return shift(images, dy, dx, size=size)


def shift(images, dy, dx, *, size=None):
    """Shift image ``i`` by ``(dy[i], dx[i])`` whole pixels; pixels moved in are -1.

    Output pixel ``(r, c)`` is input pixel ``(r + dy, c + dx)``. The shift is two
    batched products with 0/1 selection matrices (``rows @ image @ cols``), so
    gradients reach the images exactly. A source index outside the image selects
    nothing: its row of the matrix is masked to zeros explicitly (``one_hot`` of an
    out-of-range index is not zeros on every backend), and shifting ``images + 1``
    then subtracting 1 fills those pixels with -1.

    Args:
        images: A ``(n, height, width, channels)`` tensor.
        dy, dx: ``(n, 1)`` integer offsets.
        size: ``(height, width)`` of the images; default their static shape.

    Returns:
        The shifted batch, same shape and dtype.
    """
    from keras import ops

    h, w = _size(images, size)

    def selection(offsets, side):
        source = ops.arange(side, dtype="int32")[None, :] + ops.cast(offsets, "int32")  # (n, side)
        inside = ops.logical_and(source >= 0, source < side)
        onehot = ops.one_hot(ops.clip(source, 0, side - 1), side, dtype=images.dtype)
        return onehot * ops.cast(inside, images.dtype)[..., None]  # (n, side, side)

    shifted = ops.einsum("nij,njwc->niwc", selection(dy, h), images + 1.0)
    return ops.einsum("nkw,niwc->nikc", selection(dx, w), shifted) - 1.0


def _size(images, size):
    return tuple(int(d) for d in (size if size is not None else images.shape[1:3]))
