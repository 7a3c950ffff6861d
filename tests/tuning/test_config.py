"""SearchConfig: every setting checked and defaulted once, before any data or model work."""

import ast
import inspect
import pickle
import textwrap
from dataclasses import fields, replace

import pytest

from tuning import config as config_module
from tuning.config import (
    ALGORITHM_SETTINGS,
    ALGORITHMS,
    EPOCHS_PER_TRIAL,
    SearchConfig,
    hyperband_budget,
)


def test_algorithm_dependent_defaults_are_resolved_in_the_config():
    hyperband = SearchConfig(algorithm="hyperband")
    assert (hyperband.max_epochs, hyperband.factor, hyperband.hyperband_iterations,
            hyperband.max_trials, hyperband.reuse_models) == (27, 3, 1, None, True)
    assert hyperband.budget == 70  # keras-tuner's brackets for 27 epochs, factor 3
    for algorithm in ("random", "bayesian"):
        config = SearchConfig(algorithm=algorithm)
        assert (config.max_trials, config.max_epochs, config.factor) == (10, EPOCHS_PER_TRIAL,
                                                                         None)
        assert config.budget == 10
    grid = SearchConfig(algorithm="grid")
    assert (grid.max_trials, grid.max_epochs, grid.budget) == (None, 10, None)
    bayes = SearchConfig(algorithm="bayesian")
    assert (bayes.num_initial_points, bayes.alpha, bayes.beta) == (None, 1e-4, 2.6)
    assert SearchConfig(algorithm="hyperband", max_epochs=9, max_trials=5).budget == 5
    assert SearchConfig(algorithm="hyperband", max_epochs=3, hyperband_iterations=2).budget == 12


def test_the_bayesian_and_hyperband_defaults_are_keras_tuners_own():
    import keras_tuner as kt

    for cls, algorithm in ((kt.BayesianOptimization, "bayesian"), (kt.Hyperband, "hyperband")):
        signature = inspect.signature(cls.__init__).parameters
        for name, value in ALGORITHM_SETTINGS[algorithm].items():
            if name in signature and name != "max_epochs":  # ours: 27, keras-tuner's: 100
                assert signature[name].default == value, (cls.__name__, name)


def test_every_setting_is_checked_and_defaulted_on_exactly_one_line():
    source = textwrap.dedent(inspect.getsource(SearchConfig.__post_init__))
    resolved = [node.args[0].value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "_set"]
    settings = [f.name for f in fields(SearchConfig)]
    assert sorted(resolved) == sorted(settings)  # each one once, none forgotten
    assert all(f.metadata.get("help") for f in fields(SearchConfig) if f.init)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"algorithm": "anneal"}, ValueError, "unknown algorithm='anneal'; expected one of 'random', "
                                          "'bayesian', 'hyperband', 'grid'"),
    ({"algorithm": 3}, TypeError, "`algorithm` must be one of random, bayesian"),
    ({"algorithm": "hyperband", "factor": 1}, ValueError,
     "`factor` must be an int >= 2, received factor=1"),
    ({"algorithm": "hyperband", "factor": -2}, ValueError,
     "`factor` must be an int >= 2, received factor=-2"),
    ({"algorithm": "hyperband", "factor": 2.5}, TypeError, "`factor` must be an int >= 2"),
    ({"algorithm": "random", "factor": 3}, ValueError,
     "`factor` does not apply to algorithm='random'; random accepts max_trials "
     r"\(`factor` is a setting of hyperband\)"),
    ({"algorithm": "hyperband", "alpha": 0.1}, ValueError,
     "`alpha` does not apply to algorithm='hyperband'; hyperband accepts max_epochs, factor"),
    ({"algorithm": "random", "reuse_models": False}, ValueError,
     "`reuse_models` does not apply to algorithm='random'"),
    ({"algorithm": "bayesian", "alpha": -1.0}, ValueError, r"`alpha` must be a number in \(0"),
    ({"max_trials": 0}, ValueError, "`max_trials` must be an int >= 1, received max_trials=0"),
    ({"max_epochs": 1.5}, TypeError, "`max_epochs` must be an int >= 1"),
    ({"seed": -1}, ValueError, "`seed` must be an int >= 0, received seed=-1"),
    ({"objective": ""}, ValueError, "`objective` must be a metric name"),
    ({"objective": 3}, TypeError, "`objective` must be a metric name"),
    ({"strategy": "tpux"}, ValueError, "unknown strategy='tpux'.*Did you mean 'tpu'"),
    ({"project_name": "a/b"}, ValueError, "`project_name` must be a non-empty name"),
    ({"overwrite": "yes"}, TypeError, "`overwrite` must be True or False"),
    ({"drop": "schedule"}, TypeError, "`drop` must be a list of hyperparameter names"),
    ({"fixed": [("a", 1)]}, TypeError, "`fixed` must be a dict"),
    ({"refit": "all"}, ValueError, "`refit` must be one of 'train\\+val', 'train' or False"),
    ({"role": "boss"}, ValueError, "unknown role='boss'"),
    ({"role": "worker"}, ValueError, "role='worker' needs oracle='HOST:PORT'"),
    ({"role": "chief", "workers": 2}, ValueError, "give either workers=N"),
    ({"role": "chief", "trials_per_process": 5}, ValueError,
     "`trials_per_process` applies to local workers, not to role='chief'"),
    ({"workers": 2, "strategy": object()}, TypeError, "`strategy` must be one of"),
    ({"oracle": "host:port"}, ValueError, "oracle address 'host:port': the port must be an int"),
    ({"hyperparameters": {"units": 8}}, TypeError, "`hyperparameters` must be a keras_tuner"),
    ({"objectives": "val_accuracy:max"}, TypeError, "`objectives` must be a list of 'NAME:DIR'"),
    ({"objectives": ["val_accuracy:up"]}, ValueError,
     "each objective must be NAME:DIR with DIR min or max .*received 'val_accuracy:up'"),
    ({"objectives": ["val_accuracy"]}, ValueError, "each objective must be NAME:DIR"),
    ({"objectives": [("val_loss", "min", 1)]}, ValueError, "each objective must be NAME:DIR"),
    ({"objectives": ["val_accuracy:max", "params:max"]}, ValueError,
     "'params' is measured on the model and can only be minimised"),
    ({"objectives": ["flops:min", "val_accuracy:max"]}, ValueError,
     "the first objective .* must be a metric the model reports"),
    ({"objectives": ["val_loss:min", "val_loss:min"]}, ValueError, "each objective once"),
    ({"algorithm": "hyperband", "objectives": ["val_loss:min", "params:min"]}, ValueError,
     "several objectives apply to algorithm random | bayesian | asha"),
    ({"objective": "val_accuracy", "objectives": ["val_loss:min"]}, ValueError,
     "give either `objective` or `objectives`"),
    ({"tolerance": 0.1}, ValueError, "`tolerance` applies to a search with several"),
    ({"algorithm": "random", "objectives": ["val_loss:min", "params:min"], "tolerance": -1},
     ValueError, r"`tolerance` must be a number in \[0.0, inf\]"),
    ({"algorithm": "asha", "min_epochs": 0}, ValueError, "`min_epochs` must be"),
    ({"algorithm": "asha", "max_epochs": 3, "min_epochs": 4}, ValueError,
     "`min_epochs` must be at most max_epochs=3, received min_epochs=4"),
    ({"algorithm": "asha", "reduction_factor": 1}, ValueError,
     "`reduction_factor` must be an int >= 2, received reduction_factor=1"),
    ({"algorithm": "hyperband", "min_epochs": 2}, ValueError,
     "`min_epochs` does not apply to algorithm='hyperband'.*a setting of asha"),
])
def test_bad_settings_are_refused_naming_the_setting(kwargs, error, match):
    with pytest.raises(error, match=match):
        SearchConfig(**kwargs)


def test_the_chief_address_and_local_workers_are_resolved_once():
    assert SearchConfig().address is None and SearchConfig().workers == 0
    assert SearchConfig(role="chief").address == ("127.0.0.1", 8000)
    assert SearchConfig(workers=2).address == ("127.0.0.1", 0)  # a free port
    assert SearchConfig(role="worker", oracle="10.0.0.1:9000").address == ("10.0.0.1", 9000)
    recycled = SearchConfig(trials_per_process=10)
    assert (recycled.workers, recycled.distributed) == (1, True)


def test_a_config_pickles_without_being_checked_again(monkeypatch):
    config = SearchConfig(algorithm="random", fixed={"units": 8}, seed=3)
    calls = []
    monkeypatch.setattr(SearchConfig, "__post_init__", lambda self, caller: calls.append(1))
    assert pickle.loads(pickle.dumps(config)) == config and calls == []
    assert replace(config, seed=4).seed == 4 and calls == [1]


def _refused_before_any_work(monkeypatch):
    """Make data loading, model lookup and tuner building fail the test if reached."""
    import zoo

    def reached(*args, **kwargs):
        raise AssertionError("work started before the settings were checked")

    monkeypatch.setattr(zoo.data, "resolve", reached)
    monkeypatch.setattr(zoo, "get_spec", reached)
    from tuning import tuners

    monkeypatch.setattr(tuners, "tuner_from_config", reached)


@pytest.mark.parametrize("algorithm, bad", [
    ("hyperband", {"factor": 1}),
    ("hyperband", {"factor": -2}),
    ("random", {"factor": 3}),
    ("random", {"max_trials": 0}),
    ("bayesian", {"alpha": 0.0}),
    ("hyperband", {"hyperband_iterations": 0}),
    ("random", {"seed": -1}),
    ("random", {"objective": ""}),
    ("random", {"executions_per_trial": 0}),
    ("random", {"overwrite": "no"}),
    ("random", {"strategy": "gpus"}),
    ("genetic", {}),
])
def test_run_search_and_make_tuner_refuse_a_bad_setting_with_the_same_message(
        tmp_path, monkeypatch, algorithm, bad):
    from tuning import make_tuner, run_search

    _refused_before_any_work(monkeypatch)
    tuner_kwargs = {k: v for k, v in bad.items() if k in ("alpha", "hyperband_iterations")}
    own = {k: v for k, v in bad.items() if k not in tuner_kwargs}
    with pytest.raises((ValueError, TypeError)) as from_run_search:
        run_search("cnn", "digits", algorithm, directory=tmp_path / "job",
                   tuner_kwargs=tuner_kwargs, **own)
    with pytest.raises((ValueError, TypeError)) as from_make_tuner:
        make_tuner(algorithm, lambda hp: None, directory=tmp_path / "job", **bad)
    first, second = str(from_run_search.value), str(from_make_tuner.value)
    assert first.startswith("run_search: ") and second.startswith("make_tuner: ")
    assert first.removeprefix("run_search: ") == second.removeprefix("make_tuner: ")
    assert type(from_run_search.value) is type(from_make_tuner.value)
    assert not (tmp_path / "job").exists()


def test_factor_one_is_refused_not_divided_by():
    with pytest.raises(ValueError, match="hyperband_budget: `factor` must be an int >= 2"):
        hyperband_budget(27, 1)
    assert hyperband_budget(27, 3) == 70


def test_a_search_builds_its_config_once(tmp_path, monkeypatch):
    """Nothing downstream of run_search checks or defaults a setting again."""
    import keras

    import zoo
    from tuning import run_search

    built = []
    original = SearchConfig.__post_init__
    monkeypatch.setattr(SearchConfig, "__post_init__",
                        lambda self, caller: built.append(caller) or original(self, caller))

    def build(hp):
        model = keras.Sequential([keras.Input((64,)),
                                  keras.layers.Dense(hp.Choice("units", [4, 8])),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    data = zoo.data.load("digits", representation="flat", seed=0)
    result = run_search(build, data, "random", max_trials=1, max_epochs=1, directory=tmp_path,
                        write_report=False, refit=False)
    assert len(result.trials) == 1 and built == ["run_search"]


def test_run_search_defaults_are_the_configs():
    from tuning.search import run_search

    settings = {f.name: f.default for f in fields(SearchConfig) if f.init}
    parameters = inspect.signature(run_search).parameters
    shared = [name for name in parameters if name in settings]
    assert len(shared) >= 20
    for name in shared:
        assert parameters[name].default == settings[name], name
    assert parameters["data"].default == config_module.DEFAULT_DATA


def test_tuner_kwargs_hold_only_the_other_tuner_settings(tmp_path):
    from tuning import run_search

    with pytest.raises(TypeError, match="give `max_trials` as run_search's own argument"):
        run_search("cnn", "digits", "random", directory=tmp_path,
                   tuner_kwargs={"max_trials": 3})
    with pytest.raises(TypeError, match="unexpected argument 'alpah'.*Did you mean 'alpha'"):
        run_search("cnn", "digits", "bayesian", directory=tmp_path, tuner_kwargs={"alpah": 1})


def test_asha_and_pareto_settings_are_resolved_in_the_config():
    config = SearchConfig(algorithm="asha")
    assert (config.min_epochs, config.max_epochs, config.reduction_factor) == (1, 27, 3)
    assert config.max_trials == config.budget == 50 and config.objectives == ()
    pareto = SearchConfig(algorithm="bayesian", objectives=["val_accuracy:max",
                                                            ("latency_ms", "min")])
    assert pareto.objectives == (("val_accuracy", "max"), ("latency_ms", "min"))
    assert pareto.objective == pareto.objective_name == "val_accuracy"
    assert pareto.pareto and pareto.tolerance == config_module.DEFAULT_TOLERANCE
    one = SearchConfig(objectives=["val_accuracy:max"])  # one objective, its direction given
    assert not one.pareto and one.tolerance is None and one.objective == "val_accuracy"


def test_every_algorithm_has_a_tuner_class():
    from tuning.tuners import TUNERS

    assert tuple(TUNERS) == ALGORITHMS


@pytest.mark.parametrize("name, value", [
    ("fixed", {"learning_rate": float("inf")}),
    ("ranges", {"learning_rate": (1e-4, float("inf"))}),
    ("ranges", {"l2": [0.0, float("nan")]}),
])
def test_every_value_of_fixed_and_ranges_must_be_finite(name, value):
    with pytest.raises(ValueError, match=f"every value of `{name}` must be finite"):
        SearchConfig(**{name: value})
