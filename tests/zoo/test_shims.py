"""Old import paths keep working: each shim warns, naming the new place, and re-exports it."""

import importlib
import sys

import pytest

import zoo

# old module -> (new module named in the warning, {name: module that defines it})
SHIMS = {
    "zoo.models.dcgan": ("zoo.gan", {
        "DCGAN": "zoo.gan.model", "build_dcgan": "zoo.gan.builders",
        "build_generator": "zoo.gan.builders", "build_discriminator": "zoo.gan.builders",
        "DEFAULT_BATCH_SIZE": "zoo.gan.model", "DEFAULT_EMA_DECAY": "zoo.gan._checks",
        "DATA_RANGES": "zoo.gan._checks", "MAX_AUTO_STEPS": "zoo.gan._checks",
        "AUGMENTATIONS": "zoo.gan.augment", "TRANSLATION_FRACTION": "zoo.gan.augment"}),
    "zoo.metrics": ("zoo.gan.quality", {
        "gan_quality": "zoo.gan.quality", "frechet_distance": "zoo.gan.quality",
        "feature_extractor": "zoo.gan.quality",
        "fit_reference_classifier": "zoo.gan.quality"}),
    "zoo.gan_callbacks": ("zoo.gan.callbacks", {
        "GANSampleGrid": "zoo.gan.callbacks", "image_grid": "zoo.gan.callbacks",
        "save_image_grid": "zoo.gan.callbacks"}),
    "zoo.fundamentals": ("zoo.teaching", {
        "Perceptron": "zoo.teaching.perceptron", "TwoLayerNet": "zoo.teaching.two_layer",
        "softmax": "zoo.teaching.two_layer", "HIDDEN_ACTIVATIONS": "zoo.teaching.two_layer"}),
}


@pytest.mark.parametrize("old", sorted(SHIMS))
def test_shim_warns_with_the_new_place_and_re_exports_the_same_objects(old, monkeypatch):
    new, names = SHIMS[old]
    monkeypatch.delitem(sys.modules, old, raising=False)  # import it afresh, so it warns
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        module = importlib.import_module(old)
    assert sorted(module.__all__) == sorted(names)
    for name, home in names.items():
        assert getattr(module, name) is getattr(importlib.import_module(home), name), name


@pytest.mark.parametrize("old, new", [("metrics", "zoo.gan.quality"),
                                      ("gan_callbacks", "zoo.gan.callbacks"),
                                      ("fundamentals", "zoo.teaching")])
def test_old_names_stay_reachable_as_zoo_attributes(old, new):
    module = getattr(zoo, old)
    assert module.__name__ == f"zoo.{old}"
    assert all(getattr(module, name) is getattr(importlib.import_module(new), name)
               for name in module.__all__)
    assert old not in zoo.__all__  # kept for user code, not advertised


def test_new_public_names_and_the_old_package_attributes():
    from zoo.gan.job import generate
    from zoo.gan.model import DCGAN
    from zoo.models import DCGAN as from_models
    from zoo.models.training_state import build_training_state

    assert zoo.generate is generate and zoo.DCGAN is DCGAN and from_models is DCGAN
    assert zoo.build_training_state is build_training_state
    assert {"gan", "teaching", "generate"} <= set(zoo.__all__)


@pytest.mark.parametrize("module, name, hint", [
    ("zoo.text", "load_text", r"zoo\.data\.load\('text'"),
    ("zoo.series", "load_series", r"zoo\.data\.load\('series'"),
])
def test_moved_loaders_say_where_they_went(module, name, hint):
    with pytest.raises(AttributeError, match=hint):
        getattr(importlib.import_module(module), name)
