"""Deprecated: the GAN sample-quality measures moved to :mod:`zoo.gan.quality`.

This module re-exports them from there and warns once on import.
"""

import warnings

from zoo.gan.quality import (
    feature_extractor,
    fit_reference_classifier,
    frechet_distance,
    gan_quality,
)

warnings.warn("zoo.metrics is deprecated: import the GAN quality measures from "
              "zoo.gan.quality", DeprecationWarning, stacklevel=2)

__all__ = ["feature_extractor", "fit_reference_classifier", "frechet_distance", "gan_quality"]
