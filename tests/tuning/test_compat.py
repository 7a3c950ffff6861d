"""keras-tuner's private parts the zoo uses (tuning/_compat.py) are still what it expects.

Each test names the internal and the keras-tuner version the zoo was written
against, so an upgrade that breaks one says where to look.
"""

import ast
import hashlib
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import keras
import keras_tuner as kt
import pytest

from tuning import _compat, make_tuner

ROOT = Path(__file__).resolve().parents[2]


def _broken(internal, problem):
    return (f"keras-tuner {kt.__version__}: {internal} {problem}; tuning/_compat.py was written "
            f"against keras-tuner {_compat.KERAS_TUNER_VERSION}: update it and its users")


def _resolve(path):
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name, None)
            if obj is None:
                pytest.fail(_broken(path, "no longer exists"))
        return obj
    pytest.fail(_broken(path, "cannot be imported"))


def test_the_pinned_version_is_the_one_setup_cfg_installs():
    pins = re.findall(r"keras-tuner==([\w.]+)", (ROOT / "setup.cfg").read_text())
    assert pins == [_compat.KERAS_TUNER_VERSION], (
        "setup.cfg pins another keras-tuner than tuning/_compat.py was checked against")


@pytest.mark.parametrize("internal", [k for k, v in _compat.INTERNALS.items() if v])
def test_each_private_function_exists_with_its_signature(internal):
    found = str(inspect.signature(_resolve(internal)))
    assert found == _compat.INTERNALS[internal], _broken(
        internal, f"has signature {found}, expected {_compat.INTERNALS[internal]}")


@pytest.mark.parametrize("internal", list(_compat.COPIED))
def test_the_copied_code_still_matches_keras_tuners(internal):
    source = textwrap.dedent(inspect.getsource(_resolve(internal)))
    digest = hashlib.sha256(ast.dump(ast.parse(source)).encode()).hexdigest()[:16]
    assert digest == _compat.COPIED[internal], _broken(
        internal, "changed; tuning._compat.TunerInternals holds a copy of it: compare the two")


@pytest.fixture
def tuner(tmp_path):
    def build(hp):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Choice("units", [2, 3]))])
        model.compile("adam", "mse")
        return model

    return make_tuner("random", build, max_trials=3, directory=tmp_path, seed=0)


def test_the_oracle_attributes_used_are_there(tuner):
    oracle = tuner.oracle
    for name, kind in (("ongoing_trials", dict), ("tuner_ids", set), ("end_order", list),
                       ("_retry_queue", list)):
        assert isinstance(getattr(oracle, name, None), kind), _broken(
            f"Oracle.{name}", f"is not a {kind.__name__}")
    assert oracle.max_trials == 3, _broken("Oracle.max_trials", "is not the trial cap")
    _compat.cap_trials(oracle, 2)
    assert not _compat.nothing_left(oracle) and _compat.trials_ended(oracle) == 0


def test_a_dead_workers_trial_goes_back_in_the_queue(tuner):
    oracle = tuner.oracle
    trial = oracle.create_trial("tuner1")
    assert oracle.ongoing_trials["tuner1"] is trial
    assert _compat.requeue_trial_of(oracle, "tuner1") is trial
    assert "tuner1" not in oracle.tuner_ids and not oracle.ongoing_trials
    again = oracle.create_trial("tuner2")
    assert again.trial_id == trial.trial_id, _broken(
        "Oracle._retry_queue", "no longer hands a requeued trial out again")
    assert _compat.requeue_trial_of(oracle, "tuner9") is None


def test_builds_go_through_the_copied_try_build(tuner, tmp_path):
    model = _compat.build_model(tuner, kt.HyperParameters())
    assert isinstance(model, keras.Model)
    fresh = _compat.build_fresh_model(tuner, kt.HyperParameters())
    assert isinstance(fresh, keras.Model) and fresh is not model
    not_a_model = make_tuner("random", lambda hp: "no model", directory=tmp_path / "bad",
                             seed=0)
    with pytest.raises(kt.errors.FatalTypeError, match="valid Keras Model"):
        _compat.build_model(not_a_model, kt.HyperParameters())
    tuner.max_model_size = 1
    with pytest.raises(kt.errors.FailedTrialError, match="Oversized model"):
        _compat.build_model(tuner, kt.HyperParameters())


def test_checkpoints_are_keras_weight_files_in_the_trial_directory(tuner):
    path = _compat.checkpoint_path(tuner, "00")
    assert path.startswith(tuner.get_trial_dir("00")) and path.endswith(".weights.h5"), _broken(
        "Tuner._get_checkpoint_fname", f"gives {path}")


def test_hyperband_still_loads_the_parents_checkpoint_in_its_own_build():
    source = inspect.getsource(kt.Hyperband._build_hypermodel)
    assert _compat.PARENT_TRIAL in source and "load_weights" in source, _broken(
        "Hyperband._build_hypermodel", "no longer loads the parent trial's checkpoint")
    oracle = inspect.getsource(importlib.import_module("keras_tuner.src.tuners.hyperband"))
    for name in (_compat.PARENT_TRIAL, _compat.INITIAL_EPOCH, _compat.TRIAL_EPOCHS):
        assert f'"{name}"' in oracle, _broken("HyperbandOracle", f"no longer sets {name!r}")


def test_the_tuner_discovers_its_space_in_populate_initial_space():
    source = inspect.getsource(kt.engine.base_tuner.BaseTuner.__init__)
    assert "self._populate_initial_space()" in source, _broken(
        "BaseTuner._populate_initial_space", "is no longer what the constructor calls")


def test_the_oracle_service_starts_and_stops(tuner):
    server, servicer, port = _compat.start_oracle_server(tuner.oracle, "127.0.0.1", 0)
    try:
        assert port > 0
        assert servicer.stop_triggered is False, _broken("OracleServicer.stop_triggered",
                                                         "is not False on a new service")
        assert not _compat.search_over(tuner.oracle, servicer)
        _compat.stop_serving(servicer)
        assert _compat.search_over(tuner.oracle, servicer)  # no trial running, no worker
        tuner.oracle.create_trial("tuner1")
        assert not _compat.search_over(tuner.oracle, servicer)
        _compat.forget_tuner(tuner.oracle, "tuner1")
        assert "tuner1" not in tuner.oracle.tuner_ids
    finally:
        server.stop(grace=None)


def test_random_values_are_new_and_hyperbands_hash_ignores_the_epoch_budget(tmp_path):
    from keras_tuner.oracles import HyperbandOracle

    oracle = HyperbandOracle(objective="val_loss", max_epochs=9, seed=1)
    oracle.hyperparameters.Choice("units", [2, 3])
    values = _compat.random_values(oracle)
    assert values is not None and values["units"] in (2, 3), _broken(
        "Oracle._random_values", f"returned {values!r}")
    budget = {"tuner/epochs": 3, "tuner/initial_epoch": 1, "tuner/bracket": 0, "tuner/round": 1}
    assert oracle._compute_values_hash({**values, **budget}) == oracle._compute_values_hash(
        values), _broken("HyperbandOracle._compute_values_hash", "now counts the epoch budget")
    oracle._tried_so_far.update(oracle._compute_values_hash({"units": u}) for u in (2, 3))
    assert _compat.random_values(oracle) is None, _broken(
        "Oracle._random_values", "no longer returns None once the space is exhausted")


def test_no_other_module_touches_keras_tuner_internals():
    private = re.compile(r"keras_tuner\.src|\._try_build|\._build_hypermodel|_get_checkpoint_fname|"
                         r"_populate_initial_space|_is_worker|_retry_queue|ongoing_trials|"
                         r"tuner_ids|end_order|stop_triggered|exit_chief|OracleServicer|"
                         r"maybe_compute_model_size|_flatten_layers|_random_values|"
                         r"_compute_values_hash")
    for path in sorted((ROOT / "tuning").rglob("*.py")):
        if path.name == "_compat.py":
            continue
        found = sorted(set(private.findall(path.read_text())))
        assert not found, f"{path.relative_to(ROOT)} reaches into {found}: go through tuning/_compat.py"


@pytest.mark.parametrize("algorithm", ["random", "bayesian", "hyperband", "grid", "asha"])
def test_the_saved_oracle_state_holds_the_keys_read_back(tmp_path, algorithm):
    import json

    def build(hp):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Choice("units", [2, 3]))])
        model.compile("adam", "mse")
        return model

    settings = {"max_epochs": 2} if algorithm in ("hyperband", "asha") else {"max_trials": 2}
    tuner = make_tuner(algorithm, build, directory=tmp_path, seed=0, **settings)
    trial = tuner.oracle.create_trial("tuner0")
    tuner.oracle.save()
    state = json.loads((tmp_path / "search" / "oracle.json").read_text())
    assert _compat.oracle_state_problem(state) is None, _broken(
        "oracle.json", f"no longer holds {sorted(_compat.ORACLE_STATE_KEYS)}")
    assert _compat.trials_in_oracle_state(state) == ({trial.trial_id}, set())
    assert "not a search state" in _compat.oracle_state_problem({"end_order": {}})
