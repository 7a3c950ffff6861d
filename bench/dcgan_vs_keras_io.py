"""Training throughput: zoo's DCGAN vs the keras.io "DCGAN overriding train_step" step.

Both sides use the same generator and discriminator (built by
``zoo.gan.builders``), the same batch size and the same digits images at 16x16.
The reference is a straightforward reimplementation of the keras.io example's
``train_step`` (https://keras.io/examples/generative/dcgan_overriding_train_step/):
it generates the fake batch twice per step, trains the discriminator on a
concatenated real+fake batch with noisy labels, and is fed by ``fit`` on a numpy
array.

The example calls its networks without ``training=True``. In Keras 3 a layer
called that way inside a custom ``train_step`` runs in inference mode, so the
example's dropout never fires; with these networks (batch norm in the
generator, dropout in the discriminator) that would also leave batch norm on
its initial moving statistics, a different and cheaper network than the one
being trained. The reference (``keras_io``) therefore passes ``training=True``,
as a correct reimplementation must; the example exactly as written
(``keras_io_as_written``) is timed too and its ratio printed beside it.

The zoo side uses ``build_dcgan``'s defaults, which do more per step than
the keras.io step (the translation augmentation of the discriminator's inputs
and the generator's weight average); a third side, ``zoo plain``
(``augment=None, ema_decay=None``), is the same algorithm as keras.io's. They run
alternately in one process; the ratios of images per second are printed (above
1 means the zoo is faster).

Usage:
    python bench/dcgan_vs_keras_io.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _keras_io_gan_class():
    import keras
    import tensorflow as tf
    from keras import ops

    class KerasIOGAN(keras.Model):
        """The keras.io example's GAN (labels 1 = fake); ``training=False``: as written."""

        def __init__(self, discriminator, generator, latent_dim, training=True):
            super().__init__()
            # None reproduces the example's calls, which name no training mode.
            self.training = True if training else None
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(1337)

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def call(self, inputs):
            return self.generator(inputs)

        def train_step(self, real_images):
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator)
            generated_images = self.generator(random_latent_vectors, training=self.training)
            combined_images = ops.concatenate([generated_images, real_images], axis=0)
            labels = ops.concatenate(
                [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
            labels += 0.05 * tf.random.uniform(tf.shape(labels))
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images, training=self.training)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights,
                                                 strict=True))
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator)
            misleading_labels = ops.zeros((batch_size, 1))
            with tf.GradientTape() as tape:
                predictions = self.discriminator(
                    self.generator(random_latent_vectors, training=self.training),
                    training=self.training)
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights,
                                                 strict=True))
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {"d_loss": self.d_loss_metric.result(),
                    "g_loss": self.g_loss_metric.result()}

    return KerasIOGAN


def run(quick: bool = False) -> dict:
    """Measure both trainers side by side; return images/s and the ratio.

    Args:
        quick: Fewer and shorter rounds (about 20 s instead of about 2 minutes).

    Returns:
        ``{"zoo_images_per_second", "keras_io_images_per_second", "ratio", ...}``.
    """
    import keras
    import numpy as np

    import zoo.data
    from zoo.gan.builders import build_dcgan
    from zoo.gan.model import DEFAULT_BATCH_SIZE

    data = zoo.data.load("digits", image_size=16, seed=0)
    images = np.concatenate([data.x_train, data.x_val]).astype("float32")
    batch = DEFAULT_BATCH_SIZE
    rounds, epochs = (2, 3) if quick else (4, 10)

    keras.utils.set_random_seed(0)
    ours = build_dcgan(images.shape[1:], data_range=(0, 1), seed=0)
    plain = build_dcgan(images.shape[1:], data_range=(0, 1), augment=None, ema_decay=None,
                        seed=0)

    def keras_io_gan(training):
        gan = _keras_io_gan_class()(keras.models.clone_model(ours.discriminator),
                                    keras.models.clone_model(ours.generator), ours.latent_dim,
                                    training=training)
        gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
        return gan

    theirs = keras_io_gan(training=True)
    as_written = keras_io_gan(training=False)
    scaled = images * 2.0 - 1.0  # the keras.io pipeline feeds [-1, 1]-ready data

    def zoo_fit(n):
        ours.fit(images, epochs=n, batch_size=batch, verbose=0)

    def plain_fit(n):
        plain.fit(images, epochs=n, batch_size=batch, verbose=0)

    def keras_io_fit(n):
        theirs.fit(scaled, epochs=n, batch_size=batch, verbose=0)

    def as_written_fit(n):
        as_written.fit(scaled, epochs=n, batch_size=batch, verbose=0)

    sides = (("zoo", zoo_fit), ("zoo_plain", plain_fit), ("keras_io", keras_io_fit),
             ("keras_io_as_written", as_written_fit))
    for _, fit in sides:
        fit(1)  # warm-up: tracing
    times = dict.fromkeys([name for name, _ in sides], 0.0)
    for _ in range(rounds):
        for name, fit in sides:
            start = time.perf_counter()
            fit(epochs)
            times[name] += time.perf_counter() - start
    seen = rounds * epochs * len(images)
    result = {
        "zoo_images_per_second": seen / times["zoo"],
        "zoo_plain_images_per_second": seen / times["zoo_plain"],
        "keras_io_images_per_second": seen / times["keras_io"],
        "keras_io_as_written_images_per_second": seen / times["keras_io_as_written"],
        "batch_size": batch,
        "image_shape": list(images.shape[1:]),
        "images_per_side": seen,
        "jit_compile": bool(ours.jit_compile),
    }
    result["ratio"] = result["zoo_images_per_second"] / result["keras_io_images_per_second"]
    result["plain_ratio"] = (result["zoo_plain_images_per_second"]
                             / result["keras_io_images_per_second"])
    result["as_written_ratio"] = (result["zoo_images_per_second"]
                                  / result["keras_io_as_written_images_per_second"])
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (~20 s)")
    args = parser.parse_args(argv)
    result = run(quick=args.quick)
    print(f"DCGAN training throughput, digits {tuple(result['image_shape'])}, "
          f"batch {result['batch_size']}, {result['images_per_side']} images per side")
    print(f"  zoo DCGAN.fit        {result['zoo_images_per_second']:8.0f} images/s "
          f"(jit_compile={result['jit_compile']})")
    print(f"  zoo DCGAN.fit, plain {result['zoo_plain_images_per_second']:8.0f} images/s "
          "(augment=None, ema_decay=None)")
    print(f"  keras.io train_step  {result['keras_io_images_per_second']:8.0f} images/s "
          "(training=True)")
    print(f"  keras.io as written  {result['keras_io_as_written_images_per_second']:8.0f} "
          "images/s (no training flag: dropout off, batch norm in inference mode)")
    print(f"  ratio zoo / keras.io {result['ratio']:8.2f}x (plain {result['plain_ratio']:.2f}x; "
          f"default against the example as written {result['as_written_ratio']:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
