"""Deprecated: the DCGAN moved to :mod:`zoo.gan` (``zoo.gan.builders``, ``zoo.gan.model``).

This module re-exports the old names from their new place and warns once on import.
"""

import warnings

from zoo.gan._checks import DATA_RANGES, DEFAULT_EMA_DECAY, MAX_AUTO_STEPS
from zoo.gan.augment import AUGMENTATIONS, TRANSLATION_FRACTION
from zoo.gan.builders import build_dcgan, build_discriminator, build_generator
from zoo.gan.model import DCGAN, DEFAULT_BATCH_SIZE

warnings.warn("zoo.models.dcgan is deprecated: import the DCGAN from zoo.gan "
              "(zoo.gan.builders, zoo.gan.model)", DeprecationWarning, stacklevel=2)

__all__ = ["AUGMENTATIONS", "DATA_RANGES", "DCGAN", "DEFAULT_BATCH_SIZE", "DEFAULT_EMA_DECAY",
           "MAX_AUTO_STEPS", "TRANSLATION_FRACTION", "build_dcgan", "build_discriminator",
           "build_generator"]
