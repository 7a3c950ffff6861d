"""zoo.losses.get / list_losses: names, aliases, classes, objects."""

from __future__ import annotations

import keras
import pytest

from tests.zoo.losses._reference import (
    CW3,
)
from zoo import losses
from zoo.losses import (
    Huber,
    QuantileLoss,
    TukeyBiweight,
    WeightedBinaryCrossentropy,
)

# --------------------------------------------------------------------------- get()


@pytest.mark.parametrize(
    "name, cls",
    [
        ("huber", Huber),
        ("Huber", Huber),
        ("log_cosh", keras.losses.LogCosh),
        ("logcosh", keras.losses.LogCosh),
        ("pinball", QuantileLoss),
        ("quantile", QuantileLoss),
        ("tukey", TukeyBiweight),
        ("weighted_bce", WeightedBinaryCrossentropy),
        ("weighted_binary_crossentropy", WeightedBinaryCrossentropy),
        ("focal", keras.losses.BinaryFocalCrossentropy),
        ("binary_focal", keras.losses.BinaryFocalCrossentropy),
        ("categorical_focal", keras.losses.CategoricalFocalCrossentropy),
        ("mse", keras.losses.MeanSquaredError),
        ("MAE", keras.losses.MeanAbsoluteError),
        ("binary_crossentropy", keras.losses.BinaryCrossentropy),
        ("sparse_categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy),
        ("categorical-crossentropy", keras.losses.CategoricalCrossentropy),
        ("kl_divergence", keras.losses.KLDivergence),
    ],
)
def test_get_resolves_names(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls


def test_get_passes_kwargs_and_validates_them():
    assert losses.get("huber", delta=2.0).delta == 2.0
    assert losses.get("pinball", quantile=[0.1, 0.9]).quantile == [0.1, 0.9]
    assert losses.get("weighted_cce", class_weights=CW3).class_weights == CW3
    assert losses.get("weighted_sparse_cce", class_weights=CW3, from_logits=True).from_logits
    assert losses.get("binary_crossentropy", from_logits=True).get_config()["from_logits"]
    assert losses.get(QuantileLoss, quantile=0.3).quantile == 0.3
    with pytest.raises(ValueError, match=r"`delta`.*delta=-1"):
        losses.get("huber", delta=-1.0)
    with pytest.raises(TypeError, match="huber"):
        losses.get("huber", dleta=1.0)


def test_get_returns_objects_and_callables_as_is():
    loss = Huber(delta=3.0)
    assert losses.get(loss) is loss

    def my_loss(y_true, y_pred):
        return keras.ops.mean(y_pred - y_true)

    assert losses.get(my_loss) is my_loss
    assert losses.get(None) is None
    config = keras.saving.serialize_keras_object(QuantileLoss(0.25))
    assert losses.get(config).quantile == 0.25
    with pytest.raises(ValueError, match="ready-made"):
        losses.get(loss, delta=1.0)


def test_get_unknown_name_lists_names_and_suggests():
    with pytest.raises(ValueError, match=r"unknown loss 'hubber'.*'huber'.*Did you mean 'huber'"):
        losses.get("hubber")
    with pytest.raises(ValueError, match=r"known names are .*'weighted_bce'"):
        losses.get("no_such_loss")


@pytest.mark.parametrize("bad", [3, 1.5, ["mse"], int])
def test_get_wrong_type_raises_type_error(bad):
    with pytest.raises(TypeError):
        losses.get(bad)
