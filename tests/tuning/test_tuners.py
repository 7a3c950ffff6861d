"""make_tuner: argument checks, the seed=0 pitfall, the TPU directory check."""

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


@pytest.mark.tensorflow_only(reason="TensorFlow's gradient registry (zoo.backend.tensorflow)")
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


def test_a_tuner_used_on_its_own_refuses_bad_arrays_before_any_trial(tmp_path):
    import numpy as np

    tuner = make_tuner("random", HyperFNN((4,), 3, seed=0), max_trials=1, directory=tmp_path,
                       objective="val_loss")
    x, y = np.zeros((10, 4), "float32"), np.arange(10) % 3
    bad = x.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"search: `x` holds 1 non-finite value.*\[2, 1\]"):
        tuner.search(bad, y, validation_data=(x, y), epochs=1)
    with pytest.raises(ValueError, match=r"search: `y_val` holds labels outside \[0, 3\): 7"):
        tuner.search(x, y, validation_data=(x, np.full(10, 7)), epochs=1)
    with pytest.raises(ValueError, match=r"`x` has 10 samples and `y` has 9"):
        tuner.search(x, y[:9], epochs=1)
    assert len(tuner.oracle.trials) == 0
