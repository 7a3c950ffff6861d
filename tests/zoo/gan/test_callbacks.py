"""zoo.gan.callbacks: image grids and the sample-grid callback."""


import numpy as np
import pytest

from zoo.gan.callbacks import GANSampleGrid, image_grid, save_image_grid


def test_image_grid_layout_and_png(tmp_path):
    images = np.zeros((5, 4, 4, 1), "float32")
    images[2] = 255.0
    grid = image_grid(images, value_range=(0, 255), columns=3)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1)
    assert grid[1:5, 11:15].min() == 1.0 and grid[1:5, 1:5].max() == 0.0
    path = save_image_grid(np.random.default_rng(0).random((4, 4, 4, 3)), tmp_path / "g.png")
    assert path.stat().st_size > 0
    with pytest.raises(ValueError, match="C = 1"):
        image_grid(np.zeros((2, 4, 4, 2)))


def test_sample_grid_callback_writes_every_n_epochs(tmp_path):
    from zoo.gan import build_dcgan

    gan = build_dcgan((8, 8, 1), latent_dim=4, base_filters=4, seed=0, steps_per_execution=1)
    callback = GANSampleGrid(tmp_path / "grids", num_images=9, every=2, seed=0)
    gan.fit(np.random.default_rng(0).random((32, 8, 8, 1)), epochs=5, verbose=0,
            callbacks=[callback])
    assert [p.name for p in callback.paths] == ["epoch_002.png", "epoch_004.png", "epoch_005.png"]
    assert all(p.exists() for p in callback.paths)
    with pytest.raises(ValueError, match="epoch"):
        GANSampleGrid(tmp_path, filename="same.png")
