"""zoo.gan.quality: Fréchet distance, coverage and confidence of real, collapsed and noise images."""


import numpy as np
import pytest

import zoo.data
from zoo.gan import quality


@pytest.fixture(scope="module")
def digits_and_classifier():
    import keras

    keras.utils.set_random_seed(0)
    data = zoo.data.load("digits", image_size=16, seed=0)
    classifier, accuracy = quality.fit_reference_classifier(data, epochs=15, seed=0)
    return data, classifier, accuracy


def test_frechet_distance_matches_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    b = rng.normal(size=(4000, 3)) * 2.0 + 1.0
    # N(0, I) vs N(1, 4I): |mu|^2 = 3, trace term 3 * (1 + 4 - 2 * 2) = 3.
    assert quality.frechet_distance(a, b) == pytest.approx(6.0, rel=0.05)
    assert quality.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="same d"):
        quality.frechet_distance(a, b[:, :2])


def test_quality_of_real_images_and_of_a_collapsed_generator(digits_and_classifier):
    data, classifier, accuracy = digits_and_classifier
    assert accuracy >= 0.97
    real = quality.gan_quality(classifier, data.x_test, real=data.x_train)
    assert real["classes_covered"] == 10 and real["mean_confidence"] > 0.9
    assert len(real["class_shares"]) == 10 and sum(real["class_shares"]) == pytest.approx(1, 1e-3)
    sevens = data.x_test[data.y_test == 7]
    collapsed = quality.gan_quality(classifier, np.repeat(sevens[:5], 40, axis=0),
                                    real=data.x_train)
    assert collapsed["classes_covered"] <= 2
    noise = np.random.default_rng(0).random((200, 16, 16, 1)).astype("float32")
    noisy = quality.gan_quality(classifier, noise, real=data.x_train)
    assert noisy["frechet_distance"] > 5 * real["frechet_distance"]
    assert collapsed["frechet_distance"] > 2 * real["frechet_distance"]
    with pytest.raises(ValueError, match="min_share"):
        quality.gan_quality(classifier, noise, min_share=2)
    with pytest.raises(ValueError, match="NaN"):
        quality.gan_quality(classifier, noise * np.nan)
