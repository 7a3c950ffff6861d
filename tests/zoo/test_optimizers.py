"""Tests for zoo.optimizers.build_optimizer: each name builds the right class with
the right hyperparameters, every contradictory setting is refused with a message
naming the parameter, and a schedule works as the learning rate in a fit."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from zoo.optimizers import DEFAULT_LEARNING_RATES, OPTIMIZERS, build_optimizer
from zoo.schedules import StepDecay, WarmupCosine


def _lr(optimizer):
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


EXPECTED = {
    "sgd": (keras.optimizers.SGD, 0.01, dict(momentum=0.0, nesterov=False)),
    "momentum": (keras.optimizers.SGD, 0.01, dict(momentum=0.9, nesterov=False)),
    "nesterov": (keras.optimizers.SGD, 0.01, dict(momentum=0.9, nesterov=True)),
    "adam": (keras.optimizers.Adam, 1e-3, dict(beta_1=0.9, amsgrad=False)),
    "adamw": (keras.optimizers.AdamW, 1e-3, dict(weight_decay=0.004)),
    "rmsprop": (keras.optimizers.RMSprop, 1e-3, dict(momentum=0.0, rho=0.9)),
    "adagrad": (keras.optimizers.Adagrad, 0.01, dict()),
    "adadelta": (keras.optimizers.Adadelta, 1.0, dict(rho=0.95)),
    "nadam": (keras.optimizers.Nadam, 1e-3, dict(beta_1=0.9)),
}


def test_optimizers_tuple_lists_every_name():
    assert OPTIMIZERS == tuple(EXPECTED)
    assert set(DEFAULT_LEARNING_RATES) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_name_builds_right_class_with_defaults(name):
    cls, lr, attrs = EXPECTED[name]
    optimizer = build_optimizer(name)
    # PyTorch's Keras substitutes its own subclass of each optimizer (torch_sgd.SGD...).
    assert isinstance(optimizer, cls) and type(optimizer).__name__ == cls.__name__
    assert _lr(optimizer) == pytest.approx(lr)
    config = optimizer.get_config()
    for key, value in attrs.items():
        assert config[key] == pytest.approx(value), key
    assert config["clipnorm"] is None and config["clipvalue"] is None
    assert config["global_clipnorm"] is None


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_name_takes_learning_rate_weight_decay_and_clipping(name):
    optimizer = build_optimizer(name, 0.123, weight_decay=1e-4, global_clipnorm=2.0)
    config = optimizer.get_config()
    assert _lr(optimizer) == pytest.approx(0.123)
    assert config["weight_decay"] == pytest.approx(1e-4)
    assert config["global_clipnorm"] == 2.0
    assert config["clipnorm"] is None and config["clipvalue"] is None


def test_explicit_hyperparameters_reach_the_optimizer():
    sgd = build_optimizer("sgd", 0.2, momentum=0.5, nesterov=True, clipnorm=1.0)
    assert (sgd.momentum, sgd.nesterov, sgd.clipnorm) == (0.5, True, 1.0)
    momentum = build_optimizer("MOMENTUM", momentum=0.8, nesterov=True, clipvalue=0.5)
    assert (momentum.momentum, momentum.nesterov, momentum.clipvalue) == (0.8, True, 0.5)
    assert build_optimizer("nesterov", momentum=0.99).momentum == 0.99
    rms = build_optimizer("rmsprop", momentum=0.9, rho=0.8, centered=True)
    assert (rms.momentum, rms.rho, rms.centered) == (0.9, 0.8, True)
    adam = build_optimizer("adam", 3e-4, beta_1=0.8, amsgrad=True, epsilon=1e-6)
    assert (adam.beta_1, adam.amsgrad, adam.epsilon) == (0.8, True, 1e-6)
    assert build_optimizer("adamw", weight_decay=0.0).weight_decay == 0.0
    assert _lr(build_optimizer("adam", np.float32(0.01))) == pytest.approx(0.01)
    assert _lr(build_optimizer("sgd", 1)) == 1.0


def test_schedule_is_accepted_as_learning_rate():
    schedule = StepDecay(0.1, drop=0.5, step_size=10)
    optimizer = build_optimizer("momentum", schedule)
    assert optimizer.get_config()["learning_rate"]["class_name"] == "StepDecay"
    keras_schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    assert build_optimizer("adam", keras_schedule).get_config()["learning_rate"]["config"] == (
        keras_schedule.get_config()
    )


def test_optimizer_instance_is_returned_as_is():
    optimizer = keras.optimizers.Adam(0.5)
    assert build_optimizer(optimizer) is optimizer


def test_schedule_as_learning_rate_works_in_fit(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
    schedule = WarmupCosine(peak_lr=0.1, total_steps=40, warmup_steps=8)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=build_optimizer("nesterov", schedule, clipnorm=5.0),
        loss="mse",
        jit_compile=False,
    )
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    step = int(model.optimizer.iterations)
    assert step == 32
    expected = float(keras.ops.convert_to_numpy(schedule(step)))
    assert _lr(model.optimizer) == pytest.approx(expected)

    path = tmp_path / "x.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    assert reloaded.optimizer.get_config() == model.optimizer.get_config()
    assert int(reloaded.optimizer.iterations) == step


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("adam",), dict(momentum=0.9), r"`momentum` is not used by 'adam'.*momentum=0.9"),
        (("adagrad",), dict(momentum=0.5), r"`momentum` is not used by 'adagrad'"),
        (("adam",), dict(nesterov=True), r"`nesterov` is only for the SGD family.*'adam'"),
        (("rmsprop",), dict(nesterov=True), r"`nesterov` is only for the SGD family.*'rmsprop'"),
        (("sgd",), dict(nesterov=True), r"nesterov=True needs momentum > 0.*momentum=0.0"),
        (("nesterov",), dict(nesterov=False), r"contradicts nesterov=False"),
        (("nesterov",), dict(momentum=0.0), r"nesterov=True needs momentum > 0"),
        (("momentum",), dict(momentum=0.0), r"name='momentum' contradicts momentum=0.0"),
        (("sgd",), dict(momentum=1.0), r"`momentum`.*\[0.0, 1.0\).*momentum=1.0"),
        (("rmsprop",), dict(momentum=-0.1), r"`momentum`.*momentum=-0.1"),
        (("adam", -0.01), dict(), r"`learning_rate`.*learning_rate=-0.01"),
        (("adam", 0.0), dict(), r"`learning_rate`.*learning_rate=0"),
        (("adam",), dict(weight_decay=-1e-4), r"`weight_decay`.*weight_decay=-0.0001"),
        (("sgd",), dict(clipnorm=1.0, clipvalue=0.5), r"at most one of.*clipnorm=1.0, clipvalue"),
        (
            ("adam",),
            dict(clipnorm=1.0, global_clipnorm=1.0),
            r"at most one of.*clipnorm=1.0, global_clipnorm=1.0",
        ),
        (("adam",), dict(clipnorm=0.0), r"`clipnorm`.*clipnorm=0"),
        (("adam",), dict(clipvalue=-1.0), r"`clipvalue`.*clipvalue=-1"),
        (("adamm",), dict(), r"unknown name='adamm'; expected one of 'sgd'.*Did you mean 'adam'"),
        (("lbfgs",), dict(), r"expected one of 'sgd', 'momentum', 'nesterov', 'adam'"),
    ],
)
def test_bad_combinations_raise_value_error(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_optimizer(*args, **kwargs)


def test_instance_with_extra_arguments_is_refused():
    optimizer = keras.optimizers.SGD()
    with pytest.raises(ValueError, match=r"ready-made SGD together with learning_rate"):
        build_optimizer(optimizer, 0.1)
    with pytest.raises(ValueError, match=r"ready-made SGD together with .*clipnorm"):
        build_optimizer(optimizer, clipnorm=1.0)
    with pytest.raises(ValueError, match=r"ready-made SGD together with beta_1"):
        build_optimizer(optimizer, beta_1=0.5)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((3,), dict(), r"`name` must be one of"),
        ((keras.optimizers.Adam,), dict(), r"`name` must be one of"),
        (("adam", "0.1"), dict(), r"`learning_rate` must be a positive number or a"),
        (("sgd",), dict(nesterov="yes"), r"`nesterov` must be True or False"),
        (("sgd",), dict(momentum="0.9"), r"`momentum`"),
        (("adam",), dict(beta1=0.5), r"'adam' \(Adam\) does not take beta1.*Did you mean 'beta_1'"),
        (("sgd",), dict(rho=0.9), r"'sgd' \(SGD\) does not take rho"),
    ],
)
def test_wrong_types_and_unknown_arguments_raise_type_error(args, kwargs, match):
    with pytest.raises(TypeError, match=match):
        build_optimizer(*args, **kwargs)
