"""Sample-quality measurement for generative models, using a classifier of the real data.

Given a classifier trained on the real images (:func:`fit_reference_classifier`
trains a small zoo CNN in seconds), :func:`gan_quality` reports for a set of
generated images:

* **mode coverage**: the share of samples the classifier puts in each class, and
  how many classes hold at least ``min_share`` of them (a collapsed GAN covers few);
* **mean confidence**: the mean top-class probability (blurry or nonsense samples
  score low);
* **Fréchet distance** between real and generated features from the classifier's
  penultimate layer: ``|mu_r - mu_g|^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))``, the
  FID of Heusel et al. (2017) with a small task-specific network in place of
  Inception (numbers are comparable only between runs with the same classifier).

Example:
    >>> import zoo
    >>> from zoo.gan import quality
    >>> data = zoo.data.load("digits", image_size=16)
    >>> classifier, accuracy = quality.fit_reference_classifier(data, seed=0)
    >>> report = quality.gan_quality(classifier, data.x_test, real=data.x_train)
    >>> report["classes_covered"]
    10
"""

from __future__ import annotations

import logging
import warnings
import weakref

import numpy as np

from zoo._validate import check_number, check_positive_int

logger = logging.getLogger("zoo.gan.quality")


def _as_images(fn, name, images):
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"{fn}: `{name}` must be a non-empty batch of images (N, H, W, C), "
                         f"received shape {images.shape}")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{fn}: `{name}` contains NaN or infinite values")
    return images


#: classifier -> {layer: its feature extractor}: one extractor per classifier, so repeated
#: gan_quality calls reuse its traced predict function instead of tracing a new one each
#: time (TensorFlow warns about "excessive retracing" after five).
_EXTRACTORS = weakref.WeakKeyDictionary()


def feature_extractor(classifier, layer=None):
    """A model mapping images to the classifier's penultimate (or named) layer.

    The same classifier and layer give the same model (built once).

    Args:
        classifier: A built functional or sequential ``keras.Model``.
        layer: Layer name; default the layer before the output layer.

    Returns:
        A ``keras.Model`` sharing the classifier's weights.

    Raises:
        ValueError: unknown layer name or a classifier with a single layer.
    """
    built = _EXTRACTORS.setdefault(classifier, {})
    if layer not in built:
        built[layer] = _feature_extractor(classifier, layer)
    return built[layer]


def _feature_extractor(classifier, layer):
    import keras

    if layer is None:
        if len(classifier.layers) < 2:
            raise ValueError("feature_extractor: the classifier needs a layer before its output")
        target = classifier.layers[-2]
    else:
        names = [lay.name for lay in classifier.layers]
        if layer not in names:
            raise ValueError(f"feature_extractor: unknown layer={layer!r}; the classifier has "
                             f"{', '.join(names)}")
        target = classifier.get_layer(layer)
    return keras.Model(classifier.inputs, keras.ops.reshape(
        target.output, (-1, int(np.prod(target.output.shape[1:])))), name="features")


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    ``|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))``.

    Args:
        features_a, features_b: Arrays ``(n, d)`` and ``(m, d)``, ``n, m >= 2``.

    Returns:
        A float >= 0 (0 for identical distributions).

    Raises:
        ValueError: mismatched or too few features.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> round(frechet_distance(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)) + 1), 1)
        4.0
    """
    from scipy import linalg

    a = np.asarray(features_a, dtype="float64")
    b = np.asarray(features_b, dtype="float64")
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(f"frechet_distance: expected two (n, d) feature arrays with the same d "
                         f"and n >= 2, received shapes {a.shape} and {b.shape}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    with warnings.catch_warnings():  # singular products are handled just below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean, _ = linalg.sqrtm(cov_a @ cov_b, disp=False)
    if not np.all(np.isfinite(covmean)):  # near-singular product: regularise slightly
        eps = np.eye(len(cov_a)) * 1e-6
        covmean = linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    covmean = np.real(covmean)
    value = float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b)
                  - 2.0 * np.trace(covmean))
    return max(value, 0.0)


def _probabilities(outputs):
    """Softmax the outputs unless they already are probabilities."""
    outputs = np.asarray(outputs, dtype="float64")
    if outputs.ndim != 2 or outputs.shape[1] < 2:
        raise ValueError("gan_quality: the classifier must output one score per class "
                         f"(batch, num_classes >= 2), its output has shape {outputs.shape}")
    if outputs.min() >= 0 and np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3):
        return outputs
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def gan_quality(classifier, generated, real=None, *, min_share=0.02, batch_size=256,
                real_features=None) -> dict:
    """Mode coverage, mean confidence and Fréchet distance of generated images.

    Args:
        classifier: A ``keras.Model`` trained on real images of the same shape and
            scale as ``generated``, outputting class probabilities or logits.
        generated: Generated images ``(n, H, W, C)`` (``(n, H, W)`` for one channel).
        real: Real images for the Fréchet distance; ``None`` skips it unless
            ``real_features`` is given.
        min_share: A class counts as covered if it holds at least this share of
            the samples.
        batch_size: Batch size for the classifier.
        real_features: Precomputed penultimate features of the real images (saves
            recomputing them for several generators).

    Returns:
        A dict: ``num_samples``, ``class_shares`` (list, one per class),
        ``classes_covered`` (int), ``min_share``, ``mean_confidence``,
        ``frechet_distance`` (``None`` without real data).

    Raises:
        ValueError: empty or non-finite images, a bad ``min_share``.

    Example:
        >>> report = gan_quality(classifier, gan.generate(1000, seed=0), real=x_train)
        >>> report["classes_covered"], report["mean_confidence"]
    """
    fn = "gan_quality"
    min_share = check_number(fn, "min_share", min_share, low=0.0, high=1.0)
    batch_size = check_positive_int(fn, "batch_size", batch_size)
    generated = _as_images(fn, "generated", generated)
    probs = _probabilities(classifier.predict(generated, batch_size=batch_size, verbose=0))
    num_classes = probs.shape[1]
    counts = np.bincount(probs.argmax(axis=1), minlength=num_classes)
    shares = counts / len(generated)
    report = {
        "num_samples": int(len(generated)),
        "class_shares": [round(float(s), 4) for s in shares],
        "classes_covered": int(np.sum(shares >= min_share)),
        "min_share": min_share,
        "mean_confidence": float(probs.max(axis=1).mean()),
        "frechet_distance": None,
    }
    if real is not None or real_features is not None:
        extractor = feature_extractor(classifier)
        if real_features is None:
            real_features = extractor.predict(_as_images(fn, "real", real),
                                              batch_size=batch_size, verbose=0)
        fake_features = extractor.predict(generated, batch_size=batch_size, verbose=0)
        report["frechet_distance"] = frechet_distance(real_features, fake_features)
    return report


def fit_reference_classifier(dataset, *, epochs=8, batch_size=64, seed=0, verbose=0):
    """Train a small zoo CNN on an image :class:`zoo.data.Dataset` to judge samples.

    Args:
        dataset: An image data set (``representation="image"``) with class labels,
            in arrays or streamed (an image folder).
        epochs: Training epochs.
        batch_size: Batch size.
        seed: Seed of the weights and the shuffling.
        verbose: Keras verbosity.

    Returns:
        ``(classifier, test_accuracy)``.

    Raises:
        ValueError: the data set is not an image classification set.
    """
    import keras

    from zoo.models.cnn import build_cnn

    if dataset.task not in ("binary", "multiclass") or len(dataset.input_shape) != 3:
        raise ValueError("fit_reference_classifier: expected an image classification data "
                         f"set (H, W, C), received task={dataset.task!r} with input_shape="
                         f"{dataset.input_shape}")
    keras.utils.set_random_seed(seed)
    # Two classes too get one softmax score each: gan_quality reads class shares.
    classifier = build_cnn(dataset.input_shape, task="multiclass",
                           num_classes=max(2, dataset.num_classes), filters=(32, 64),
                           dense_units=(128,), dropout=0.3, seed=seed,
                           name="reference_classifier")
    classifier.fit(**dataset.train_inputs(batch_size=batch_size, seed=seed), epochs=epochs,
                   verbose=verbose)
    accuracy = float(classifier.evaluate(**dataset.fit_inputs("test", batch_size=32),
                                         verbose=0)[1])
    logger.info("reference classifier: test accuracy %.4f", accuracy)
    return classifier, accuracy


__all__ = ["feature_extractor", "fit_reference_classifier", "frechet_distance", "gan_quality"]
