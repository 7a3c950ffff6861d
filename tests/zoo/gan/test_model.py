"""The DCGAN model: bad input, data ranges, training signal, weight average, save/reload in
a fresh process."""

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import zoo
from tests.zoo.gan._helpers import small_dcgan
from zoo.gan import DCGAN, build_dcgan, build_discriminator, build_generator


def test_bad_training_data_is_refused(digits16):
    gan = small_dcgan()
    with pytest.raises(ValueError, match="3 channels but the model was built for channels=1"):
        gan.fit(np.zeros((8, 16, 16, 3), "float32"), verbose=0)
    bad = digits16[:8].copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        gan.fit(bad, verbose=0)
    with pytest.raises(ValueError, match="12x12"):
        gan.fit(np.zeros((8, 12, 12, 1)), verbose=0)
    with pytest.raises(ValueError, match="must be None"):
        gan.fit(digits16[:8], np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\], \[0, 255\] or \[-1, 1\]"):
        gan.fit(np.full((8, 16, 16, 1), 300.0), verbose=0)


@pytest.mark.parametrize("scale,expected", [(255.0, (0.0, 255.0)), (1.0, (0.0, 1.0)),
                                            ("sym", (-1.0, 1.0))])
def test_data_range_is_inferred_and_generate_uses_it(digits16, scale, expected):
    x = digits16[:64] * 2 - 1 if scale == "sym" else digits16[:64] * scale
    gan = small_dcgan()
    gan.fit(x[..., 0], epochs=1, batch_size=32, verbose=0)  # rank-3 grayscale is accepted
    assert gan.data_range == expected
    images = gan.generate(10, seed=0)
    assert images.shape == (10, 16, 16, 1)
    assert images.min() >= expected[0] and images.max() <= expected[1]
    raw = keras.ops.convert_to_numpy(gan(gan.sample_latent(10, seed=0)))  # the EMA generator's [-1, 1]
    low, high = expected
    np.testing.assert_allclose(images, (raw + 1) / 2 * (high - low) + low, rtol=1e-5, atol=1e-4)


@pytest.mark.needs_tensorflow(reason="a tf.data input (on any backend where TensorFlow is "
                                      "installed)")
def test_tf_data_input_unbatched_and_batched(digits16):
    import tensorflow as tf

    gan = small_dcgan()
    unbatched = tf.data.Dataset.from_tensor_slices((digits16[:64, ..., 0] * 255, np.zeros(64)))
    history = gan.fit(unbatched, epochs=1, batch_size=32, verbose=0)
    assert gan.data_range == (0.0, 255.0)
    assert int(gan.d_optimizer.iterations.numpy()) == 2
    gan.fit(unbatched.batch(16), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations.numpy()) == 6
    assert set(history.history) == {"d_loss", "g_loss", "d_acc_real", "d_acc_fake"}


def test_py_dataset_input_and_the_numpy_pipeline_off_tensorflow(digits16):
    from zoo.gan.model import ImageBatches

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return digits16[32 * i:32 * (i + 1)] * 255, np.zeros(32)  # labels are ignored

    gan = small_dcgan()
    gan.fit(Batches(), epochs=2, verbose=0)
    assert gan.data_range == (0.0, 255.0) and int(gan.g_optimizer.iterations.numpy()) == 4
    with pytest.raises(ValueError, match="PyDataset must yield batches of shape"):
        gan.fit(ImageBatches(digits16[:8, ..., 0], 4), verbose=0)

    batches = ImageBatches(digits16[:10], 4, seed=0)
    assert len(batches) == 3 and batches[2].shape == (2, 16, 16, 1)
    first = np.concatenate([batches[i] for i in range(3)])
    batches.on_epoch_end()
    second = np.concatenate([batches[i] for i in range(3)])
    assert sorted(map(bytes, first)) == sorted(map(bytes, digits16[:10]))  # each image once
    assert not np.array_equal(first, second)  # reshuffled every epoch
    full = ImageBatches(digits16[:10], 4, seed=0, drop_remainder=True)
    assert len(full) == 2 and all(full[i].shape[0] == 4 for i in range(2))
    with pytest.raises(IndexError):
        full[2]


def test_same_seed_same_training(digits16):
    results = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        gan = small_dcgan()
        history = gan.fit(digits16[:128], epochs=2, batch_size=32, verbose=0)
        results.append((history.history["g_loss"], gan.generate(4, seed=1)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], atol=1e-5)


def test_training_moves_generated_images_towards_the_data(digits16):
    """After a few epochs the samples' mean pixel and ink distribution approach the data's."""
    keras.utils.set_random_seed(0)
    gan = build_dcgan((16, 16, 1), latent_dim=32, base_filters=16, seed=0)
    before = gan.generate(256, seed=0)  # in [-1, 1] before any data is seen
    before = before * 0.5 + 0.5
    history = gan.fit(digits16, epochs=12, verbose=0)
    after = gan.generate(256, seed=0)
    real_mean_image = digits16.mean(axis=0)
    err_before = np.abs(before.mean(axis=0) - real_mean_image).mean()
    err_after = np.abs(after.mean(axis=0) - real_mean_image).mean()
    assert err_after < 0.5 * err_before
    assert np.all(np.isfinite(history.history["d_loss"]))
    assert 0.0 <= history.history["d_acc_real"][-1] <= 1.0


def test_save_reload_fresh_process_identical_and_training_continues(tmp_path, digits16):
    gan = small_dcgan()
    gan.fit(digits16[:128], epochs=2, batch_size=32, verbose=0)
    iterations = int(gan.d_optimizer.iterations.numpy())
    assert iterations == 8 and int(gan.g_optimizer.iterations.numpy()) == 8
    path = tmp_path / "gan.keras"
    gan.save(path)
    # Both optimizers' state (iterations, Adam's moments) as saved.
    saved_state = [[float(np.abs(v.numpy()).sum()) for v in opt.variables]
                   for opt in (gan.d_optimizer, gan.g_optimizer)]
    latent = gan.sample_latent(6, seed=3)
    np.save(tmp_path / "latent.npy", latent)
    np.save(tmp_path / "x.npy", digits16[:64])
    expected = gan.generate(latent=latent)
    expected_raw = gan.generate(latent=latent, use_ema=False)
    assert np.abs(expected - expected_raw).max() > 1e-4  # the average is not the generator
    script = textwrap.dedent(f"""
        import json, os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        import keras, numpy as np
        import zoo.models  # registers zoo>DCGAN
        gan = keras.saving.load_model({str(path)!r}, safe_mode=True)
        latent = np.load({str(tmp_path / "latent.npy")!r})
        np.save({str(tmp_path / "reloaded.npy")!r}, gan.generate(latent=latent))
        np.save({str(tmp_path / "reloaded_raw.npy")!r}, gan.generate(latent=latent, use_ema=False))
        ema_before = [w.numpy().copy() for w in gan.ema_generator.weights]
        before = [int(gan.d_optimizer.iterations.numpy()), int(gan.g_optimizer.iterations.numpy())]
        m = [[float(np.abs(v.numpy()).sum()) for v in opt.variables]
             for opt in (gan.d_optimizer, gan.g_optimizer)]
        gan.fit(np.load({str(tmp_path / "x.npy")!r}), epochs=1, batch_size=32, verbose=0)
        after = [int(gan.d_optimizer.iterations.numpy()), int(gan.g_optimizer.iterations.numpy())]
        ema_moved = any(not np.array_equal(a, w.numpy())
                        for a, w in zip(ema_before, gan.ema_generator.weights))
        print(json.dumps({{"type": type(gan).__name__, "range": list(gan.data_range),
                          "ema_decay": gan.ema_decay, "ema_moved": ema_moved,
                          "before": before, "after": after, "moments": m,
                          "lr": float(gan.g_optimizer.learning_rate.numpy()),
                          "smoothing": gan.label_smoothing}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    np.testing.assert_array_equal(np.load(tmp_path / "reloaded.npy"), expected)
    np.testing.assert_array_equal(np.load(tmp_path / "reloaded_raw.npy"), expected_raw)
    assert info["ema_decay"] == pytest.approx(0.999) and info["ema_moved"]
    assert info["type"] == "DCGAN" and info["range"] == [0.0, 1.0]
    assert info["before"] == [8, 8] and info["after"] == [10, 10]
    for reloaded, saved in zip(info["moments"], saved_state, strict=True):  # both, as saved
        np.testing.assert_allclose(reloaded, saved, rtol=1e-6)
    assert all(m > 0 for m in info["moments"][1][2:4])  # Adam moments, not fresh zeros
    assert info["lr"] == pytest.approx(4e-4) and info["smoothing"] == gan.label_smoothing


def test_registry_and_custom_compile(digits16):
    assert "dcgan" in zoo.list_models()
    gan = zoo.create_model("dcgan", image_shape=(8, 8, 1), latent_dim=4, base_filters=4, seed=0)
    assert isinstance(gan, DCGAN) and gan.generator.output_shape == (None, 8, 8, 1)
    custom = DCGAN(build_generator(4, (8, 8, 1), base_filters=4, seed=0),
                   build_discriminator((8, 8, 1), base_filters=4, seed=0), seed=0)
    custom.compile(d_optimizer=keras.optimizers.SGD(0.01), g_optimizer="rmsprop",
                   label_smoothing=0.2)
    assert isinstance(custom.g_optimizer, keras.optimizers.RMSprop)
    history = custom.fit(np.random.default_rng(0).random((32, 8, 8, 1)), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    with pytest.raises(ValueError, match="two optimizer objects"):
        shared = keras.optimizers.Adam()
        custom.compile(d_optimizer=shared, g_optimizer=shared)
    with pytest.raises(ValueError, match="generator makes images of shape"):
        DCGAN(build_generator(4, (8, 8, 1)), build_discriminator((16, 16, 1)))


def test_ema_update_follows_the_formula_with_warm_up(digits16):
    """After each generator step t: a <- d a + (1 - d) w, d = min(ema_decay, (1 + t) / (10 + t))."""
    gan = small_dcgan(ema_decay=0.2, steps_per_execution=1)
    assert gan.ema_generator is not None and gan.ema_generator is not gan.generator
    assert len(gan.ema_generator.weights) == len(gan.generator.weights)  # BN statistics too
    snapshots = [[w.numpy().copy() for w in gan.generator.weights]]

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            snapshots.append([w.numpy().copy() for w in self.model.generator.weights])

    gan.fit(digits16[:96], epochs=1, batch_size=32, shuffle=False, verbose=0,
            callbacks=[Record()])
    assert len(snapshots) == 4
    expected = snapshots[0]  # the average starts at the initial weights
    for t, weights in enumerate(snapshots[1:], start=1):
        decay = min(0.2, (1 + t) / (10 + t))  # 2/11 and then 0.2: both branches
        expected = [decay * a + (1 - decay) * w for a, w in zip(expected, weights, strict=True)]
    for average, value in zip(gan.ema_generator.weights, expected, strict=True):
        np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-6)
    moved = np.abs(snapshots[-1][0] - snapshots[0][0]).max()
    assert np.abs(gan.ema_generator.weights[0].numpy() - snapshots[-1][0]).max() < moved


def test_generate_uses_the_average_and_ema_can_be_disabled(digits16):
    gan = small_dcgan()
    gan.fit(digits16[:128], epochs=2, batch_size=32, verbose=0)
    latent = gan.sample_latent(8, seed=2)
    ema = gan.generate(latent=latent)
    raw = gan.generate(latent=latent, use_ema=False)
    for images, net in ((ema, gan.ema_generator), (raw, gan.generator)):  # data in [0, 1]
        np.testing.assert_allclose(images, keras.ops.convert_to_numpy(net(latent, training=False)) * 0.5 + 0.5,
                                   atol=1e-6)
    assert np.abs(ema - raw).max() > 1e-4
    gan.reset_ema()
    np.testing.assert_allclose(gan.generate(latent=latent), raw, atol=1e-6)
    with pytest.raises(TypeError, match="use_ema"):
        gan.generate(2, use_ema="yes")

    plain = small_dcgan(ema_decay=None)
    assert plain.ema_generator is None and plain.get_config()["ema_decay"] is None
    plain.fit(digits16[:64], epochs=1, batch_size=32, verbose=0)
    np.testing.assert_array_equal(plain.generate(latent=latent),
                                  plain.generate(latent=latent, use_ema=False))
    with pytest.raises(ValueError, match="ema_decay=None"):
        plain.reset_ema()
