"""Hypermodels: one readable search space, reshaped with fixed / ranges / drop."""

import keras
import keras_tuner as kt
import pytest

from tuning import HyperCNN, HyperFNN, HyperLSTM, get_hypermodel, make_schedule


def _build(hm, **values):
    hp = kt.HyperParameters()
    hp.values.update(values)
    return hm.build(hp), hp


def test_cnn_space_covers_the_issue_list_and_builds_a_compiled_model():
    hm = HyperCNN((8, 8, 1), 10, train_size=1000, epochs=5)
    model, hp = _build(hm)
    names = set(hp.values)
    assert {"conv_blocks", "filters", "dense_units", "activation", "kernel_initializer",
            "dropout", "batch_norm", "l2", "optimizer", "learning_rate", "schedule",
            "batch_size"} <= names
    assert "momentum" not in hp.values  # adam by default: momentum inactive
    assert model.output_shape == (None, 10)
    conv_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.filters for layer in conv_layers] == [32, 64]  # 2 blocks, doubling


def test_momentum_is_conditional_on_sgd():
    hm = HyperFNN((64,), 10)
    model, hp = _build(hm, optimizer="sgd", momentum=0.8)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.momentum) == pytest.approx(0.8)
    assert hp.is_active("momentum")
    _, hp = _build(hm, optimizer="adam")
    assert not hp.is_active("momentum")


def test_fixed_ranges_and_drop_reshape_the_space_without_subclassing():
    hm = HyperCNN((8, 8, 1), 10, fixed={"activation": "elu", "conv_blocks": 1},
                  ranges={"learning_rate": (1e-4, 1e-3), "filters": [8]}, drop=("schedule",))
    model, hp = _build(hm)
    assert hp.values["activation"] == "elu" and hp.values["filters"] == 8
    assert "schedule" not in hp.values  # dropped: default constant, not tuned
    space = {p.name: p for p in hp.space}
    assert type(space["activation"]).__name__ == "Fixed"
    assert (space["learning_rate"].min_value, space["learning_rate"].max_value) == (1e-4, 1e-3)
    assert "schedule" not in hm.tuned_names() and "activation" not in hm.tuned_names()
    assert [layer.filters for layer in model.layers
            if isinstance(layer, keras.layers.Conv2D)] == [8]


@pytest.mark.parametrize("kwargs, match", [
    ({"fixed": {"learning_rate": -0.5}}, r"`fixed\['learning_rate'\]` must be a number in "
                                         r"\(0.0, inf\), received"),
    ({"fixed": {"activation": "swoosh"}}, r"does not accept fixed\['activation'\]='swoosh' "
                                          r"\('activation' searches one of 'relu', 'elu', "
                                          r"'gelu'\): build_cnn: unknown activation='swoosh'"),
    ({"fixed": {"dropout": 1.5}}, r"does not accept fixed\['dropout'\]=1.5.*build_cnn: "
                                  r"`dropout` must be a number in \[0.0, 1.0\)"),
    ({"fixed": {"filters": (8, 16)}}, r"a fixed value must be one number, string or bool"),
    ({"fixed": {"activaton": "relu"}}, "unknown hyperparameter 'activaton'.*'activation'"),
    ({"ranges": {"learning_rate": (0.0, 1e-2)}}, r"ranges\['learning_rate'\].*low > 0"),
    ({"ranges": {"filters": []}}, "non-empty list"),
    ({"drop": ["depth"]}, "unknown hyperparameter 'depth' in `drop`"),
    ({"bn_momentum": 1.0}, r"`bn_momentum` must be a number in \[0, 1\) or None, received "
                           "bn_momentum=1.0"),
])
def test_bad_reshaping_is_refused_naming_the_hyperparameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        HyperCNN((8, 8, 1), 10, **kwargs)


def test_fixed_takes_any_value_the_model_accepts_not_only_the_search_range():
    """fixed= is keras-tuner's hp.Fixed: not tuned, any value the factory accepts."""
    hm = HyperCNN((8, 8, 1), 10, fixed={"activation": "tanh", "dropout": 0.6,
                                         "schedule": "one_cycle", "batch_size": 16})
    model, hp = _build(hm)
    space = {p.name: p for p in hp.space}
    assert type(space["activation"]).__name__ == "Fixed" and hp.values["activation"] == "tanh"
    assert {layer.activation.__name__ for layer in model.layers
            if isinstance(layer, keras.layers.Activation)} == {"tanh"}
    assert [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)] \
        == [0.6]
    assert "activation" not in hm.tuned_names() and hp.values["batch_size"] == 16
    fnn = HyperFNN((64,), 10, fixed={"units": 512, "hidden_layers": 4})
    model, _ = _build(fnn)
    assert [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)
            ][:-1] == [512] * 4


def test_batch_norm_momentum_suits_short_trials_and_survives_saving(tmp_path):
    def momenta(model):
        return [layer.momentum for layer in model._flatten_layers(include_self=False)
                if isinstance(layer, keras.layers.BatchNormalization)]

    model, _ = _build(HyperCNN((8, 8, 1), 10), batch_norm=True)
    assert momenta(model) and set(momenta(model)) == {0.9}
    model.save(tmp_path / "m.keras")
    assert set(momenta(keras.saving.load_model(tmp_path / "m.keras", safe_mode=True))) == {0.9}
    untouched, _ = _build(HyperCNN((8, 8, 1), 10, bn_momentum=None), batch_norm=True)
    assert set(momenta(untouched)) == {0.99}  # Keras' default, as the factory builds it


def test_cnn_depth_is_capped_by_the_input_size():
    hm = HyperCNN((4, 4, 1), 10)
    assert hm.space["conv_blocks"].high == 2
    with pytest.raises(ValueError, match="at most 2 blocks fit"):
        HyperCNN((4, 4, 1), 10, fixed={"conv_blocks": 3})


def test_schedule_hyperparameter_builds_a_keras_schedule_over_the_trial():
    hm = HyperFNN((64,), 10, train_size=640, epochs=4, fixed={"batch_size": 64})
    model, _ = _build(hm, schedule="cosine", learning_rate=1e-2)
    schedule = model.optimizer.learning_rate_schedule if hasattr(
        model.optimizer, "learning_rate_schedule") else model.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule)
    # 10 steps per epoch x 4 epochs: decays to ~0 at step 40.
    assert float(schedule(0)) == pytest.approx(1e-2)
    assert float(schedule(40)) == pytest.approx(0.0, abs=1e-6)
    assert float(make_schedule("exponential", 1.0, 10)(10)) == pytest.approx(0.1, rel=1e-5)
    assert make_schedule("constant", 0.3, 10) == 0.3


def test_batch_size_is_per_replica_unless_global(monkeypatch):
    from tuning import hypermodels

    hp = kt.HyperParameters()
    hp.values["batch_size"] = 32
    per_replica = HyperFNN((64,), 10)
    global_ = HyperFNN((64,), 10, batch_size_scope="global")
    assert per_replica._global_batch_size(hp) == 32  # one replica here
    monkeypatch.setattr(hypermodels, "replicas", lambda: 4)  # zoo.backend.replicas
    assert per_replica._global_batch_size(hp) == 128
    assert global_._global_batch_size(hp) == 32


def test_lstm_and_registry_lookup():
    import zoo

    data = zoo.data.load("digits", representation="sequence")
    hm = get_hypermodel("gru", data, seed=0)
    assert isinstance(hm, HyperLSTM) and hm.fixed["cell"] == "gru"
    model, _ = _build(hm)
    assert any(isinstance(layer, keras.layers.GRU) for layer in model.layers)
    assert isinstance(get_hypermodel("bilstm", data), HyperLSTM)
    with pytest.raises(ValueError, match="no hypermodel for model 'cnnn'.*Did you mean 'cnn'"):
        get_hypermodel("cnnn", data)


def test_same_seed_builds_the_same_weights():
    hm = HyperCNN((8, 8, 1), 10, seed=3)
    a, _ = _build(hm)
    w = [v.copy() for v in a.get_weights()]
    keras.backend.clear_session()
    b, _ = _build(hm)
    assert all((x == y).all() for x, y in zip(w, b.get_weights(), strict=True))


def test_lstm_hypermodel_tunes_the_character_model_of_the_text_data():
    import numpy as np

    import zoo

    text = zoo.data.load("text", window=16, max_chars=20_000)
    vocab = text.num_classes
    hm = get_hypermodel("lstm", text, fixed={"units": 32, "recurrent_layers": 1})
    assert hm.model_kwargs == {"vocab_size": vocab, "return_sequences": True}
    model = hm.build(kt.HyperParameters())
    assert model.input_shape == (None, 16) and model.output_shape == (None, 16, vocab)
    assert model.layers[1].__class__.__name__ == "Embedding"
    history = hm.fit(kt.HyperParameters(), model, text.x_train, text.y_train, epochs=1,
                     validation_data=(text.x_val, text.y_val), verbose=0)
    assert np.isfinite(history.history["val_loss"][0])
    # The bidirectional alias keeps the data's factory arguments; the caller's own win.
    bi = get_hypermodel("bilstm", text, model_kwargs={"embedding_dim": 8})
    assert bi.model_kwargs == {"vocab_size": vocab, "return_sequences": True,
                               "embedding_dim": 8, "bidirectional": True}
    # Built directly: the same arguments as build_lstm's.
    direct = HyperLSTM((16,), vocab, vocab_size=vocab, embedding_dim=8, return_sequences=True)
    assert direct.build(kt.HyperParameters()).output_shape == (None, 16, vocab)
    with pytest.raises(ValueError, match=r"token ids \(timesteps,\) need vocab_size="):
        HyperLSTM((16,), vocab)
    with pytest.raises(ValueError, match="`vocab_size` takes token ids"):
        HyperLSTM((16, 3), vocab, vocab_size=vocab)


def test_the_tunable_models_named_without_keras_tuner_are_the_hypermodels():
    from tuning.config import TUNABLE_MODELS
    from tuning.hypermodels import HYPERMODELS

    assert TUNABLE_MODELS == tuple(HYPERMODELS)


@pytest.mark.parametrize("name", ["fnn", "cnn", "lstm", "gru", "bilstm"])
def test_a_hypermodel_is_rebuilt_from_its_json_config(name):
    import json

    import zoo
    from tuning.hypermodels import get_hypermodel

    data = zoo.data.load("digits", representation=zoo.data.representation_for(
        zoo.get_spec(name).input_kind), seed=0)
    hm = get_hypermodel(name, data, ranges={"learning_rate": (1e-3, 5e-3)}, drop=("schedule",),
                        seed=4)
    hm.epochs = 7
    again = type(hm).from_config(json.loads(json.dumps(hm.get_config())))
    assert (again.space, again.fixed, again.drop, again.seed) == (hm.space, hm.fixed, hm.drop, 4)
    assert (again.input_shape, again.train_size, again.epochs) == (
        hm.input_shape, hm.train_size, 7)
    assert again.model_kwargs == hm.model_kwargs


def test_the_space_is_checked_before_any_data_and_refuses_non_finite_values():
    from tuning.hypermodels import HyperCNN, HyperFNN

    # Outside the range but finite: left to the instance, which builds the model with it.
    assert HyperFNN.check_space("zoo tune", fixed={"dropout": 0.95})[1] == {"dropout": 0.95}
    with pytest.raises(ValueError, match=r"fixed\['dropout'\]=nan: a fixed value must be one"):
        HyperFNN.check_space("zoo tune", fixed={"dropout": float("nan")})
    with pytest.raises(ValueError, match=r"fixed\['learning_rate'\]=inf"):
        HyperFNN.check_space("zoo tune", fixed={"learning_rate": float("inf")})
    with pytest.raises(ValueError, match="pair of finite numbers"):
        HyperFNN.check_space("zoo tune", ranges={"learning_rate": (1e-4, float("inf"))})
    with pytest.raises(ValueError, match="choices \\(finite numbers\\)"):
        HyperFNN.check_space("zoo tune", ranges={"l2": [0.0, float("nan")]})
    space, fixed, drop = HyperCNN.check_space("t", fixed={"filters": 32}, drop=["schedule"])
    assert fixed == {"filters": 32} and drop == ["schedule"] and "conv_blocks" in space
