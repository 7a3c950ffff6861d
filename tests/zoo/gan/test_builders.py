"""zoo.gan.builders: network shapes and the arguments refused before anything is built."""


import keras
import numpy as np
import pytest

from zoo.gan import DCGAN, build_dcgan, build_discriminator, build_generator


@pytest.mark.parametrize("shape,start", [((8, 8, 1), (4, 4)), ((16, 16, 3), (4, 4)),
                                         ((28, 28, 1), (7, 7)), ((32, 16, 2), (8, 4)),
                                         ((6, 10, 1), (3, 5))])
def test_generator_and_discriminator_shapes(shape, start):
    g = build_generator(8, shape, base_filters=4, seed=0)
    d = build_discriminator(shape, base_filters=4, seed=0)
    assert g.output_shape == (None, *shape)
    assert d.output_shape == (None, 1)
    assert tuple(g.get_layer("reshape").output.shape[1:3]) == start
    out = keras.ops.convert_to_numpy(
        g(np.random.default_rng(0).normal(size=(3, 8)).astype("float32")))
    assert out.min() >= -1.0 and out.max() <= 1.0


@pytest.mark.parametrize("call,match", [
    (lambda: build_generator(16, (14, 14, 1), upsamples=2), r"divisible by.*2\*\*upsamples=4"),
    (lambda: build_generator(16, (7, 7, 1)), "divisible by the up-sampling factor"),
    (lambda: build_dcgan((12, 12, 1), upsamples=3), "divisible"),
    (lambda: build_generator(0, (8, 8, 1)), "latent_dim"),
    (lambda: build_dcgan((8, 8, 1), latent_dim=0), "build_dcgan: `latent_dim`"),
    (lambda: build_dcgan((8, 8)), r"channel axis.*\(8, 8, 1\)"),
    (lambda: build_dcgan((8, 8, 1), data_range=(0, 2)), "data_range"),
    (lambda: build_dcgan((8, 8, 1), label_smoothing=1.0), "label_smoothing"),
    (lambda: build_discriminator((8, 8, 1), dropout=1.5), "dropout"),
    (lambda: build_dcgan((8, 8, 1), ema_decay=1.0), "build_dcgan: `ema_decay`"),
    (lambda: build_dcgan((8, 8, 1), augment="flip"), "augment"),
    (lambda: DCGAN(build_generator(4, (8, 8, 1)), build_discriminator((8, 8, 1)),
                   ema_decay=-0.5), "DCGAN: `ema_decay`"),
])
def test_bad_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
