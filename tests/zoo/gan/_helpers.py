"""Shared pieces of the zoo.gan tests."""

import numpy as np

import zoo
from zoo.gan import build_dcgan


def digits16_images():
    """The digits at 16x16, training and validation images together."""
    data = zoo.data.load("digits", image_size=16, seed=0)
    return np.concatenate([data.x_train, data.x_val])


def small_dcgan(shape=(16, 16, 1), **kw):
    """A small seeded DCGAN (latent 16, 8 filters) for fast tests."""
    kw = {"latent_dim": 16, "base_filters": 8, "seed": 0, **kw}
    return build_dcgan(shape, **kw)
