"""zoo.gan.augment: the translation moves each image its own way and passes gradients, on
every backend (explicit masks, not out-of-range one-hot indices, drop shifted-out pixels)."""

import keras
import numpy as np

from tests.zoo.gan._helpers import small_dcgan
from zoo.gan import augment


def _gradient_of_sum(fn, values):
    """d sum(fn(x)) / dx at ``values``, through the active backend's autodiff."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(lambda x: fn(x).sum())(values))
    if backend == "torch":
        import torch

        source = torch.tensor(values, requires_grad=True)
        fn(source).sum().backward()
        return source.grad.numpy()
    import tensorflow as tf

    source = tf.Variable(values)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(fn(source))
    return tape.gradient(total, source).numpy()


def test_translation_augment_shifts_each_image_and_passes_gradients():
    gan = small_dcgan()
    assert gan.augment == "translation" and gan.get_config()["augment"] == "translation"
    images = -np.ones((64, 16, 16, 1), "float32")
    images[:, 8, 8, 0] = 1.0  # one white pixel per black image
    shifted = keras.ops.convert_to_numpy(gan._augment(keras.ops.convert_to_tensor(images)))
    assert shifted.shape == images.shape
    offsets = np.array([np.argwhere(image[..., 0] > 0)[0] - 8 for image in shifted])
    assert np.all((shifted > 0).sum(axis=(1, 2, 3)) == 1)  # moved, not lost or blurred
    assert np.abs(offsets).max() == 2  # up to 1/8 of 16 pixels
    assert len({tuple(o) for o in offsets}) > 10  # each image its own shift
    grads = _gradient_of_sum(gan._augment, images)
    assert set(np.unique(grads)) <= {0.0, 1.0}  # each pixel lands once or is shifted out
    assert np.all(grads[:, 2:14, 2:14] == 1.0)  # the centre always stays in the image
    plain = small_dcgan(augment=None)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(plain._augment(images)), images)


def test_shifts_past_the_edge_fill_with_black_on_every_backend():
    """Offsets up to the whole image: rows and columns moved in are -1, the rest moves."""
    image = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) / 16.0  # values in [0, 1)
    batch = np.repeat(image, 5, axis=0)
    dy = np.array([[0], [1], [-2], [4], [-5]], "int32")  # the last two leave the image
    dx = np.array([[0], [-1], [3], [0], [2]], "int32")
    out = keras.ops.convert_to_numpy(augment.shift(batch, dy, dx))
    for i in range(5):
        expected = -np.ones((4, 4), "float32")
        for r in range(4):
            for c in range(4):
                if 0 <= r + dy[i, 0] < 4 and 0 <= c + dx[i, 0] < 4:
                    expected[r, c] = image[0, r + dy[i, 0], c + dx[i, 0], 0]
        np.testing.assert_allclose(out[i, ..., 0], expected, atol=1e-6)


def test_draws_come_before_use_in_one_order():
    """draw then apply gives what augment gives from the same seed."""
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    once = augment.augment(images, "translation", keras.random.SeedGenerator(3))
    params = augment.draw("translation", 8, keras.random.SeedGenerator(3), size=(16, 16))
    again = augment.apply(images, "translation", params, size=(16, 16))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(once),
                                  keras.ops.convert_to_numpy(again))
    assert augment.draw(None, 8, keras.random.SeedGenerator(3), size=(16, 16)) is None
