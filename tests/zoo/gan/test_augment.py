"""zoo.gan.augment: the translation moves each image its own way and passes gradients."""


import numpy as np

from tests.zoo.gan._helpers import small_dcgan


def test_translation_augment_shifts_each_image_and_passes_gradients():
    import keras
    import tensorflow as tf

    gan = small_dcgan()
    assert gan.augment == "translation" and gan.get_config()["augment"] == "translation"
    images = -np.ones((64, 16, 16, 1), "float32")
    images[:, 8, 8, 0] = 1.0  # one white pixel per black image
    shifted = np.asarray(gan._augment(keras.ops.convert_to_tensor(images)))
    assert shifted.shape == images.shape
    offsets = np.array([np.argwhere(image[..., 0] > 0)[0] - 8 for image in shifted])
    assert np.all((shifted > 0).sum(axis=(1, 2, 3)) == 1)  # moved, not lost or blurred
    assert np.abs(offsets).max() == 2  # up to 1/8 of 16 pixels
    assert len({tuple(o) for o in offsets}) > 10  # each image its own shift
    source = tf.Variable(images)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(gan._augment(source))
    grads = tape.gradient(total, source).numpy()
    assert set(np.unique(grads)) <= {0.0, 1.0}  # each pixel lands once or is shifted out
    assert np.all(grads[:, 2:14, 2:14] == 1.0)  # the centre always stays in the image
    plain = small_dcgan(augment=None)
    np.testing.assert_array_equal(np.asarray(plain._augment(images)), images)
