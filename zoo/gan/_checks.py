"""Argument checks shared by the DCGAN builders and the :class:`~zoo.gan.model.DCGAN` class.

Plain Python and NumPy: importing this module imports no Keras.
"""

from __future__ import annotations

import numpy as np

from zoo import initializers
from zoo._validate import _is_int, check_choice, check_number, check_positive_int, check_shape

#: The pixel ranges a DCGAN accepts, besides ``"auto"``.
DATA_RANGES = ((0.0, 1.0), (0.0, 255.0), (-1.0, 1.0))
#: The most up-sampling steps ``"auto"`` picks (a 4x4 start for 64x64 images).
MAX_AUTO_STEPS = 4
#: Default decay of the generator's weight average used for sampling.
DEFAULT_EMA_DECAY = 0.999


def check_image_shape(fn, image_shape):
    """``image_shape`` as a ``(height, width, channels)`` tuple of positive ints."""
    if _is_int(image_shape) or (isinstance(image_shape, (tuple, list)) and len(image_shape) == 2):
        raise ValueError(
            f"{fn}: `image_shape` must be (height, width, channels), received "
            f"image_shape={image_shape!r}; give grayscale images a channel axis, e.g. "
            f"image_shape=({', '.join(str(d) for d in np.atleast_1d(image_shape))}, 1)"
        )
    return check_shape(fn, "image_shape", image_shape, ranks=(3,))


def check_steps(fn, image_shape, steps, name):
    """Return the number of 2x resampling steps for ``image_shape``.

    ``"auto"`` takes the most steps (up to 4) that keep the starting map at least
    4x4; an int is checked against the image size.
    """
    h, w = image_shape[:2]
    if steps == "auto":
        candidates = [n for n in range(MAX_AUTO_STEPS, 0, -1)
                      if h % 2**n == 0 and w % 2**n == 0]
        if not candidates:
            raise ValueError(
                f"{fn}: image height and width must be divisible by the up-sampling factor "
                f"2 (one stride-2 step at least), received image_shape={tuple(image_shape)}; "
                "pad or resize the images to an even size such as 16x16 or 32x32"
            )
        big = [n for n in candidates if min(h, w) // 2**n >= 4]
        return big[0] if big else candidates[-1]
    steps = check_positive_int(fn, name, steps)
    factor = 2**steps
    if h % factor or w % factor:
        raise ValueError(
            f"{fn}: image height and width must be divisible by the up-sampling factor "
            f"2**{name}={factor}, received image_shape={tuple(image_shape)} with {name}={steps}; "
            f"use fewer steps or {name}='auto'"
        )
    return steps


def check_initializer(fn, spec):
    """``None`` (the DCGAN paper's ``N(0, 0.02)``) or a ``zoo.initializers`` spec."""
    if spec is not None:
        initializers.validate(spec, fn=fn)


def check_data_range(fn, data_range):
    """``"auto"`` or one of :data:`DATA_RANGES`, as a pair of floats."""
    if isinstance(data_range, str):
        return check_choice(fn, "data_range", data_range, ("auto",))
    if isinstance(data_range, (tuple, list)) and len(data_range) == 2:
        try:
            pair = (float(data_range[0]), float(data_range[1]))
        except (TypeError, ValueError):
            pair = None
        if pair in DATA_RANGES:
            return pair
    raise ValueError(
        f"{fn}: unknown data_range={data_range!r}; expected 'auto', (0, 1), (0, 255) or (-1, 1)"
    )


def check_ema_decay(fn, ema_decay):
    """``None`` or a decay in ``[0, 1)``."""
    if ema_decay is None:
        return None
    return check_number(fn, "ema_decay", ema_decay, low=0.0, high=1.0, high_inclusive=False)


def check_steps_per_execution(fn, value):
    """``"auto"`` or a positive int, resolved for the active backend.

    ``"auto"`` is :func:`zoo.backend.default_steps_per_execution` (8 on TensorFlow,
    1 on JAX and PyTorch); Keras' PyTorch trainer refuses more than 1.
    """
    from zoo import backend

    if value == "auto":
        return backend.default_steps_per_execution()
    value = check_positive_int(fn, "steps_per_execution", value)
    if value > 1 and backend.name() == "torch":
        raise ValueError(f"{fn}: steps_per_execution={value} is not supported by Keras' "
                         "PyTorch trainer; use 1 or 'auto'")
    return value
