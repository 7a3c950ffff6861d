"""Deprecated: the sample-grid callback and image helpers moved to :mod:`zoo.gan.callbacks`.

This module re-exports them from there and warns once on import.
"""

import warnings

from zoo.gan.callbacks import GANSampleGrid, image_grid, save_image_grid

warnings.warn("zoo.gan_callbacks is deprecated: import GANSampleGrid, image_grid and "
              "save_image_grid from zoo.gan.callbacks", DeprecationWarning, stacklevel=2)

__all__ = ["GANSampleGrid", "image_grid", "save_image_grid"]
