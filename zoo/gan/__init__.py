"""Generative adversarial networks: the DCGAN, its factories, sample quality and the job.

* :mod:`zoo.gan.builders`: :func:`build_generator`, :func:`build_discriminator` and
  :func:`build_dcgan` (registered as ``"dcgan"``); no Keras at import.
* :mod:`zoo.gan.model`: the :class:`DCGAN` ``keras.Model`` (both networks trained by
  ``fit``, weight average, save and reload).
* :mod:`zoo.gan.augment`: the differentiable translation of the discriminator's input.
* :mod:`zoo.gan.quality`: mode coverage, classifier confidence, Fréchet distance.
* :mod:`zoo.gan.callbacks`: sample grids as PNG files (:class:`GANSampleGrid`).
* :mod:`zoo.gan.job`: :func:`generate`, the job ``zoo generate`` runs.

The names below load on first use (Keras imported quietly first), so
``import zoo.gan`` and ``import zoo.gan.builders`` (what the model registry's
listing imports) import no Keras.

Example:
    >>> from zoo import gan
    >>> model = gan.build_dcgan((16, 16, 1), latent_dim=32, seed=0)
    >>> isinstance(model, gan.DCGAN)
    True
"""

from __future__ import annotations

from zoo._lazy import lazy_attributes
from zoo.backend import import_keras

#: Public names: name -> the submodule that defines it.
_ATTRIBUTES = {
    "DCGAN": "zoo.gan.model",
    "GANSampleGrid": "zoo.gan.callbacks",
    "build_dcgan": "zoo.gan.builders",
    "build_discriminator": "zoo.gan.builders",
    "build_generator": "zoo.gan.builders",
    "feature_extractor": "zoo.gan.quality",
    "fit_reference_classifier": "zoo.gan.quality",
    "frechet_distance": "zoo.gan.quality",
    "gan_quality": "zoo.gan.quality",
    "generate": "zoo.gan.job",
    "image_grid": "zoo.gan.callbacks",
    "save_image_grid": "zoo.gan.callbacks",
}

__all__ = sorted(_ATTRIBUTES)

# Keras is imported quietly before the first name is (``zoo.gan.builders`` itself needs none).
__getattr__, __dir__ = lazy_attributes(__name__, _ATTRIBUTES, before=import_keras)
