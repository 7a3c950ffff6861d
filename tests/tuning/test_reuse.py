"""Hyperband's model reuse: the same numbers as keras-tuner's rebuild, the cache, the state."""

import keras
import pytest

from tuning import HyperFNN, make_tuner
from tuning import reuse as reuse_module


@pytest.fixture(scope="module")
def digits_flat():
    import zoo

    return zoo.data.load("digits", representation="flat", seed=0)


def _hyperband_trials(tmp_path, data, reuse_models):
    """A 7-trial Hyperband bracket (4 x 1 epoch, 2 x 2, 1 x 4); trial scores and builds."""
    hm = HyperFNN(data.input_shape, data.num_classes, seed=0, train_size=len(data.x_train),
                  fixed={"hidden_layers": 1, "units": 32, "batch_size": 128, "dropout": 0.3,
                         "optimizer": "adam", "schedule": "cosine"})
    builds = []
    build = hm.build
    hm.build = lambda hp: builds.append(hp.values.get("tuner/trial_id")) or build(hp)
    tuner = make_tuner("hyperband", hm, objective="val_accuracy", max_epochs=4, factor=2,
                       max_trials=7, reuse_models=reuse_models, directory=tmp_path,
                       project_name=f"reuse_{reuse_models}", seed=0)
    tuner.search(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                 verbose=0)
    trials = sorted(tuner.oracle.trials.values(), key=lambda t: t.trial_id)
    return [(t.hyperparameters.values, t.score) for t in trials], builds, tuner


def test_hyperband_continues_parent_models_with_the_same_numbers_as_a_rebuild(
        tmp_path, digits_flat, monkeypatch):
    rebuilt, rebuilt_builds, _ = _hyperband_trials(tmp_path, digits_flat, reuse_models=False)
    snapshots = []
    snapshot = reuse_module.optimizer_state
    monkeypatch.setattr(reuse_module, "optimizer_state",
                        lambda model: snapshots.append(model) or snapshot(model))
    reused, reused_builds, tuner = _hyperband_trials(tmp_path, digits_flat, reuse_models=True)
    # The optimizer of each new model is recorded as fit starts, not rebuilt later.
    assert len(snapshots) == 4
    assert len(reused) == len(rebuilt) == 7
    # One build populates the search space. Then keras-tuner rebuilds all 7 models;
    # the zoo builds the 4 first-round ones and continues them (dropout, a cosine
    # schedule and Adam slots included) in the 3 later rounds, with the same
    # hyperparameters and the same scores.
    assert len(rebuilt_builds) == 8 and sum(p is not None for p in rebuilt_builds) == 3
    assert reused_builds == [None] * 5
    assert tuner.zoo_model_cache.hits == 3 and len(tuner.zoo_model_cache) == 0
    assert [values for values, _ in reused] == [values for values, _ in rebuilt]
    assert [score for _, score in reused] == pytest.approx([s for _, s in rebuilt], abs=1e-6)
    assert reused[-1][1] > 0.9  # the 4-epoch trial: real training, not a fresh model


def test_parent_model_cache_drops_the_oldest_models_over_its_parameter_bound():
    def tiny(units):
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units)])

    cache = reuse_module.ParentModelCache(max_params=100)
    a, b, c = tiny(10), tiny(10), tiny(2)  # 50, 50 and 10 parameters
    for trial_id, model in (("a", a), ("b", b), ("c", c)):
        cache.put(trial_id, model, [])
    assert len(cache) == 2 and cache.take("a") is None
    assert cache.take("b")[0] is b and cache.take("c")[0] is c
    assert (cache.hits, cache.misses) == (2, 1)
    with pytest.raises(ValueError, match="max_params"):
        reuse_module.ParentModelCache(max_params=0)
    with pytest.raises(TypeError, match="`reuse_models` must be True or False"):
        make_tuner("hyperband", lambda hp: None, reuse_models="yes")
    with pytest.raises(ValueError, match="`reuse_models` does not apply to algorithm='random'"):
        make_tuner("random", lambda hp: None, reuse_models=True)


def test_restore_state_gives_a_trained_model_the_optimizer_of_a_fresh_build():
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5, seed=1),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    state = reuse_module.fresh_state(model)
    assert model.optimizer.built
    zeros = [value for _, value in state if value.strides == (0,) * value.ndim and value.ndim]
    assert zeros, "constant slots are kept as broadcast views, not full copies"
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    model.fit(x, x[:, :3], epochs=2, verbose=0)
    model.optimizer.learning_rate.assign(0.001)  # what ReduceLROnPlateau does
    assert int(model.optimizer.iterations.numpy()) > 0
    reuse_module.restore_state(model, state)
    assert int(model.optimizer.iterations.numpy()) == 0
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    slots = [v for v in model.optimizer.variables if "momentum" in v.path or "velocity" in v.path]
    assert slots and all(not np.any(v.numpy()) for v in slots)
