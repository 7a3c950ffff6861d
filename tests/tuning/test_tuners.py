"""make_tuner: argument checks, the seed=0 pitfall, TPU directory/save options."""

import keras
import keras_tuner
import pytest

from tuning import HyperFNN, make_tuner, oracle_seed
from tuning import tuners as tuners_module


@pytest.fixture(scope="module")
def digits_flat():
    import zoo

    return zoo.data.load("digits", representation="flat", seed=0)


def _hm(data, seed=0):
    return HyperFNN(data.input_shape, data.num_classes, seed=seed, train_size=len(data.x_train),
                    fixed={"hidden_layers": 1, "units": 32, "batch_size": 128})


@pytest.mark.parametrize("algorithm, kwargs, match", [
    ("genetic", {}, "unknown algorithm='genetic'; expected one of 'random', 'bayesian', "
                    "'hyperband', 'grid'"),
    ("random", {"factor": 3}, "`factor` does not apply to algorithm='random'; random accepts "
                              "max_trials"),
    ("hyperband", {"alpha": 0.1}, "`alpha` does not apply.*hyperband accepts max_epochs, factor"),
    ("random", {"max_trials": 0}, "`max_trials` must be an int >= 1, received max_trials=0"),
    ("hyperband", {"factor": 1}, "`factor` must be an int >= 2"),
])
def test_bad_arguments_are_refused_before_any_work(tmp_path, algorithm, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_tuner(algorithm, lambda hp: None, directory=tmp_path, **kwargs)


def test_unknown_keyword_names_the_accepted_ones(tmp_path):
    with pytest.raises(TypeError, match="unexpected argument 'max_trial'.*Did you mean"):
        make_tuner("random", lambda hp: None, directory=tmp_path, max_trial=3)


def test_each_algorithm_builds_with_its_settings(tmp_path, digits_flat):
    hm = _hm(digits_flat)
    random = make_tuner("random", hm, max_trials=3, directory=tmp_path, project_name="r")
    assert random.oracle.max_trials == 3 and type(random).__name__ == "ZooRandomSearch"
    bayes = make_tuner("bayesian", hm, max_trials=4, num_initial_points=2, directory=tmp_path,
                       project_name="b")
    assert bayes.oracle.num_initial_points == 2
    band = make_tuner("hyperband", hm, max_epochs=9, factor=3, max_trials=5, directory=tmp_path,
                      project_name="h")
    assert (band.oracle.max_epochs, band.oracle.factor, band.oracle.max_trials) == (9, 3, 5)
    grid = make_tuner("grid", hm, directory=tmp_path, project_name="g")
    assert type(grid).__name__ == "ZooGridSearch"


def test_seed_zero_is_not_treated_as_no_seed():
    assert oracle_seed(0) == tuners_module.ZERO_SEED != 0
    assert oracle_seed(5) == 5 and oracle_seed(None) is None


def _search_values(tmp_path, data, name, seed):
    tuner = make_tuner("random", _hm(data, seed), max_trials=3, seed=seed, directory=tmp_path,
                       project_name=name, objective="val_accuracy")
    tuner.search(data.x_train[:200], data.y_train[:200],
                 validation_data=(data.x_val[:100], data.y_val[:100]), epochs=1, verbose=0)
    return [tuner.oracle.trials[t].hyperparameters.values for t in sorted(tuner.oracle.trials)]


def test_two_seed_zero_searches_pick_identical_hyperparameters(tmp_path, digits_flat):
    first = _search_values(tmp_path, digits_flat, "a", 0)
    second = _search_values(tmp_path, digits_flat, "b", 0)
    other = _search_values(tmp_path, digits_flat, "c", 1)
    assert len(first) == 3 and first == second
    assert first != other


def test_plain_build_function_is_accepted(tmp_path, digits_flat):
    def build(hp):
        model = keras.Sequential([keras.Input((64,)),
                                  keras.layers.Dense(hp.Choice("units", [8, 16]),
                                                     activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    tuner = make_tuner("grid", build, directory=tmp_path, objective="val_accuracy", seed=0)
    data = digits_flat
    tuner.search(data.x_train[:200], data.y_train[:200],
                 validation_data=(data.x_val[:100], data.y_val[:100]), epochs=1, verbose=0)
    assert sorted(t.hyperparameters.values["units"] for t in tuner.oracle.trials.values()) == [
        8, 16]


def test_a_search_keeps_only_the_last_trials_custom_gradients_registered(tmp_path, digits_flat):
    from zoo.backend.tensorflow import custom_gradient_names

    def build(hp):
        model = keras.Sequential([keras.Input((64,)),
                                  keras.layers.Dense(hp.Int("units", 4, 32), activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    data = digits_flat
    fit_data = dict(x=data.x_train[:200], y=data.y_train[:200],
                    validation_data=(data.x_val[:100], data.y_val[:100]), epochs=1, verbose=0)
    before = custom_gradient_names()
    build(keras_tuner.HyperParameters()).fit(**fit_data)
    per_model = len(custom_gradient_names() - before)
    assert per_model >= 1  # what TensorFlow's registry keeps for each trained model

    before = custom_gradient_names()
    tuner = make_tuner("random", build, max_trials=4, seed=1, directory=tmp_path,
                       objective="val_accuracy")
    tuner.search(**fit_data)
    assert len(tuner.oracle.trials) == 4
    # Earlier trials' entries (and the graphs they hold) were dropped before each trial.
    assert 1 <= len(custom_gradient_names() - before) <= per_model


class _Resolver:
    def __init__(self, master):
        self._master = master

    def master(self):
        return self._master


def _tpu_strategy(master):
    cls = type("TPUStrategy", (), {"num_replicas_in_sync": 8})
    strategy = cls()
    strategy.cluster_resolver = _Resolver(master)
    return strategy


def test_remote_tpu_needs_a_gcs_directory():
    remote = _tpu_strategy("grpc://10.240.1.2:8470")
    with pytest.raises(ValueError, match="remote TPU.*gs://"):
        tuners_module.check_directory("/tmp/runs", remote)
    tuners_module.check_directory("gs://bucket/runs", remote)  # accepted
    tuners_module.check_directory("/tmp/runs", _tpu_strategy(""))  # a TPU VM: local is fine


def test_tpu_save_options_route_writes_through_the_host():
    options = tuners_module.tpu_save_options(_tpu_strategy(""))
    assert options.experimental_io_device == "/job:localhost"
    import tensorflow as tf

    assert tuners_module.tpu_save_options(tf.distribute.get_strategy()) is None


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
    snapshot = tuners_module.optimizer_state
    monkeypatch.setattr(tuners_module, "optimizer_state",
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

    cache = tuners_module.ParentModelCache(max_params=100)
    a, b, c = tiny(10), tiny(10), tiny(2)  # 50, 50 and 10 parameters
    for trial_id, model in (("a", a), ("b", b), ("c", c)):
        cache.put(trial_id, model, [])
    assert len(cache) == 2 and cache.take("a") is None
    assert cache.take("b")[0] is b and cache.take("c")[0] is c
    assert (cache.hits, cache.misses) == (2, 1)
    with pytest.raises(ValueError, match="max_params"):
        tuners_module.ParentModelCache(max_params=0)
    with pytest.raises(TypeError, match="`reuse_models` must be True or False"):
        make_tuner("hyperband", lambda hp: None, reuse_models="yes")
    with pytest.raises(ValueError, match="`reuse_models` does not apply to algorithm='random'"):
        make_tuner("random", lambda hp: None, reuse_models=True)


def test_restore_state_gives_a_trained_model_the_optimizer_of_a_fresh_build():
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5, seed=1),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    state = tuners_module.fresh_state(model)
    assert model.optimizer.built
    zeros = [value for _, value in state if value.strides == (0,) * value.ndim and value.ndim]
    assert zeros, "constant slots are kept as broadcast views, not full copies"
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    model.fit(x, x[:, :3], epochs=2, verbose=0)
    model.optimizer.learning_rate.assign(0.001)  # what ReduceLROnPlateau does
    assert int(model.optimizer.iterations.numpy()) > 0
    tuners_module.restore_state(model, state)
    assert int(model.optimizer.iterations.numpy()) == 0
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    slots = [v for v in model.optimizer.variables if "momentum" in v.path or "velocity" in v.path]
    assert slots and all(not np.any(v.numpy()) for v in slots)
