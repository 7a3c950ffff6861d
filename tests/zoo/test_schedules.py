"""Tests for zoo.schedules: values against the published formulas (written out
again here in NumPy / plain Python), config round-trip, save/reload inside a
compiled model, use inside a compiled train step, validation and get_schedule."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from zoo.schedules import (
    SCHEDULES,
    CyclicalLearningRate,
    OneCycle,
    StepDecay,
    WarmupCosine,
    get_schedule,
    list_schedules,
)


def _values(schedule, steps):
    return np.array([float(keras.ops.convert_to_numpy(schedule(s))) for s in steps])


# --------------------------------------------------------------------------- references


def ref_step(step, lr, drop, step_size):
    return lr * drop ** np.floor(step / step_size)


def ref_clr(step, base_lr, max_lr, step_size, mode, gamma=1.0):
    """Smith (2017), Sec. 3.1, with tensorflow-addons' scale functions."""
    cycle = np.floor(1 + step / (2 * step_size))
    x = np.abs(step / step_size - 2 * cycle + 1)
    scale = {
        "triangular": np.ones_like(cycle),
        "triangular2": 1 / 2.0 ** (cycle - 1),
        "exp_range": gamma**step,
    }[mode]
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x) * scale


def ref_one_cycle(step, max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal):
    """PyTorch's OneCycleLR.get_lr (two phases), transcribed step by step."""
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    phases = [
        (float(pct_start * total_steps) - 1, initial_lr, max_lr),
        (total_steps - 1, max_lr, min_lr),
    ]

    def cos(start, end, pct):
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def linear(start, end, pct):
        return (end - start) * pct + start

    fn = cos if anneal == "cos" else linear
    start_step = 0.0
    for i, (end_step, start_lr, end_lr) in enumerate(phases):
        if step <= end_step or i == len(phases) - 1:
            return fn(start_lr, end_lr, (step - start_step) / (end_step - start_step))
        start_step = end_step
    raise AssertionError("unreachable")


def ref_warmup_cosine(step, peak_lr, total_steps, warmup_steps, initial_lr, final_lr):
    if step < warmup_steps:
        return initial_lr + (peak_lr - initial_lr) * step / warmup_steps
    t = min(1.0, (step - warmup_steps) / max(total_steps - warmup_steps, 1))
    return final_lr + (peak_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * t))


# --------------------------------------------------------------------------- values

STEPS = np.arange(0, 60)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(initial_learning_rate=0.1, drop=0.5, step_size=10),
        dict(initial_learning_rate=3e-3, drop=0.9, step_size=1),
    ],
)
def test_step_decay_matches_formula(kwargs):
    expected = ref_step(STEPS, kwargs["initial_learning_rate"], kwargs["drop"], kwargs["step_size"])
    np.testing.assert_allclose(_values(StepDecay(**kwargs), STEPS), expected, rtol=1e-5)


def test_step_decay_known_points():
    schedule = StepDecay(0.1, drop=0.5, step_size=10)
    np.testing.assert_allclose(
        _values(schedule, [0, 9, 10, 19, 20, 35]), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], rtol=1e-6
    )


@pytest.mark.parametrize(
    "mode, gamma", [("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.97)]
)
def test_cyclical_matches_formula(mode, gamma):
    schedule = CyclicalLearningRate(1e-3, 6e-3, step_size=5, mode=mode, gamma=gamma)
    expected = ref_clr(STEPS.astype(float), 1e-3, 6e-3, 5, mode, gamma)
    np.testing.assert_allclose(_values(schedule, STEPS), expected, rtol=1e-5, atol=1e-9)


def test_cyclical_known_points():
    tri = CyclicalLearningRate(0.0, 1.0, step_size=10)
    np.testing.assert_allclose(_values(tri, [0, 5, 10, 15, 20, 30]), [0, 0.5, 1, 0.5, 0, 1])
    tri2 = CyclicalLearningRate(0.0, 1.0, step_size=10, mode="triangular2")
    np.testing.assert_allclose(_values(tri2, [10, 30, 50]), [1.0, 0.5, 0.25])


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(max_lr=0.1, total_steps=50),
        dict(max_lr=1.0, total_steps=37, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
        dict(max_lr=0.01, total_steps=40, pct_start=0.5, anneal="linear"),
    ],
)
def test_one_cycle_matches_pytorch_formula(kwargs):
    full = dict(pct_start=0.3, div_factor=25.0, final_div_factor=1e4, anneal="cos") | kwargs
    steps = np.arange(kwargs["total_steps"])
    expected = [ref_one_cycle(float(s), **full) for s in steps]
    np.testing.assert_allclose(_values(OneCycle(**kwargs), steps), expected, rtol=2e-5, atol=1e-9)


def test_one_cycle_known_points():
    schedule = OneCycle(max_lr=0.5, total_steps=100, pct_start=0.3)
    start, peak, end, after = _values(schedule, [0, 29, 99, 500])
    assert start == pytest.approx(0.5 / 25)
    assert peak == pytest.approx(0.5)
    assert end == pytest.approx(0.5 / 25 / 1e4, rel=1e-4)
    assert after == pytest.approx(end)  # clamped past the end
    assert schedule.initial_lr == pytest.approx(0.02)
    assert schedule.min_lr == pytest.approx(2e-6)


def test_one_cycle_linear_ends_exactly_in_float32():
    """Issue 17: linear annealing ended at 4.0047e-08 instead of min_lr 4e-08."""
    schedule = OneCycle(max_lr=0.01, total_steps=100, pct_start=0.3, anneal="linear")
    first, last = _values(schedule, [0, 99])
    assert first == np.float32(schedule.initial_lr)  # 4e-4
    assert last == np.float32(schedule.min_lr)  # 4e-8, exactly


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(peak_lr=0.1, total_steps=50, warmup_steps=10),
        dict(peak_lr=1.0, total_steps=40, warmup_steps=0, final_lr=0.1),
        dict(peak_lr=0.5, total_steps=30, warmup_steps=30, initial_lr=0.05),
        dict(peak_lr=2e-3, total_steps=45, warmup_steps=7, initial_lr=1e-4, final_lr=1e-5),
    ],
)
def test_warmup_cosine_matches_formula(kwargs):
    full = dict(initial_lr=0.0, final_lr=0.0) | kwargs
    expected = [ref_warmup_cosine(float(s), **full) for s in STEPS]
    np.testing.assert_allclose(
        _values(WarmupCosine(**kwargs), STEPS), expected, rtol=1e-5, atol=1e-8
    )


def test_warmup_cosine_agrees_with_keras_cosine_decay_with_warmup():
    ours = WarmupCosine(peak_lr=0.1, total_steps=60, warmup_steps=10, initial_lr=0.01)
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.01, decay_steps=50, warmup_target=0.1, warmup_steps=10
    )
    np.testing.assert_allclose(_values(ours, STEPS), _values(keras_schedule, STEPS), atol=1e-6)


def test_schedule_runs_inside_compiled_train_step():
    """The optimizer evaluates the schedule on its int64 step counter inside tf.function."""
    schedule = StepDecay(0.1, drop=0.5, step_size=3)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse", jit_compile=False)
    x = np.ones((8, 2), "float32")
    model.fit(x, np.zeros((8, 1), "float32"), batch_size=2, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == 8
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** (8 // 3))


# --------------------------------------------------------------------------- serialization

ZOO_SCHEDULES = [
    StepDecay(0.1, drop=0.7, step_size=4, name="steps"),
    CyclicalLearningRate(1e-4, 1e-2, step_size=8, mode="exp_range", gamma=0.99),
    OneCycle(max_lr=0.3, total_steps=120, pct_start=0.2, anneal="linear"),
    WarmupCosine(peak_lr=0.01, total_steps=100, warmup_steps=5, final_lr=1e-4),
]
KERAS_SCHEDULES = [
    ("exponential", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)),
    ("piecewise", dict(boundaries=[10, 20], values=[0.1, 0.01, 0.001])),
    ("cosine", dict(initial_learning_rate=0.1, decay_steps=100)),
    ("cosine_restarts", dict(initial_learning_rate=0.1, first_decay_steps=20)),
    ("inverse_time", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    ("polynomial", dict(initial_learning_rate=0.1, decay_steps=100)),
]
ALL_SCHEDULES = ZOO_SCHEDULES + [get_schedule(n, **kw) for n, kw in KERAS_SCHEDULES]
ALL_IDS = [type(s).__name__ for s in ALL_SCHEDULES]


@pytest.mark.parametrize("schedule", ZOO_SCHEDULES, ids=[type(s).__name__ for s in ZOO_SCHEDULES])
def test_config_round_trip(schedule):
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(schedule), safe_mode=True
    )
    assert type(restored) is type(schedule)
    assert restored.get_config() == config
    steps = [0, 1, 7, 33, 99, 150]
    np.testing.assert_array_equal(_values(restored, steps), _values(schedule, steps))


# An untrained model's optimizer has no variables yet; Keras warns when it skips loading them.
@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
@pytest.mark.parametrize("schedule", ALL_SCHEDULES, ids=ALL_IDS)
def test_compiled_model_saves_and_reloads_schedule(schedule, tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse")
    path = tmp_path / "x.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    before = model.optimizer.get_config()["learning_rate"]
    after = reloaded.optimizer.get_config()["learning_rate"]
    assert after == before
    assert after["config"] == schedule.get_config()


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: StepDecay(0.1, step_size=0), r"StepDecay: `step_size`.*step_size=0"),
        (lambda: StepDecay(-0.1, step_size=5), r"`initial_learning_rate`.*=-0.1"),
        (lambda: StepDecay(0.1, drop=0.0, step_size=5), r"`drop`.*drop=0"),
        (lambda: StepDecay(0.1, drop=1.5, step_size=5), r"`drop`.*drop=1.5"),
        (lambda: CyclicalLearningRate(0.01, 0.001, 10), r"`max_lr`.*max_lr=0.001.*base_lr=0.01"),
        (lambda: CyclicalLearningRate(0.001, 0.01, 0), r"`step_size`.*step_size=0"),
        (lambda: CyclicalLearningRate(0.001, 0.01, 5, mode="triangle"), r"mode='triangle'"),
        (lambda: CyclicalLearningRate(0.001, 0.01, 5, gamma=0.0), r"`gamma`.*gamma=0"),
        (lambda: OneCycle(0.1, 100, pct_start=0.0), r"`pct_start`.*pct_start=0"),
        (lambda: OneCycle(0.1, 100, pct_start=1.0), r"`pct_start`.*pct_start=1"),
        (lambda: OneCycle(0.1, 1), r"`total_steps`.*total_steps=1"),
        (lambda: OneCycle(0.1, 100, div_factor=0.5), r"`div_factor`.*div_factor=0.5"),
        (lambda: OneCycle(0.1, 100, anneal="cosine"), r"anneal='cosine'.*Did you mean 'cos'"),
        (lambda: OneCycle(-1.0, 100), r"`max_lr`.*max_lr=-1"),
        (lambda: WarmupCosine(0.1, 10, 20), r"`warmup_steps`.*warmup_steps=20.*total_steps=10"),
        (lambda: WarmupCosine(0.1, 10, -1), r"`warmup_steps`.*warmup_steps=-1"),
        (lambda: WarmupCosine(0.0, 10, 2), r"`peak_lr`.*peak_lr=0"),
        (lambda: WarmupCosine(0.1, 10, 2, initial_lr=0.5), r"`initial_lr`.*initial_lr=0.5"),
        (lambda: WarmupCosine(0.1, 10, 2, final_lr=-0.1), r"`final_lr`.*final_lr=-0.1"),
    ],
)
def test_bad_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_argument_types_raise_type_error():
    with pytest.raises(TypeError, match="step_size"):
        StepDecay(0.1, step_size=2.5)
    with pytest.raises(TypeError, match="max_lr"):
        OneCycle("0.1", 100)
    with pytest.raises(TypeError):
        StepDecay(0.1, 0.5, 10)  # step_size is keyword-only


# --------------------------------------------------------------------------- get_schedule


@pytest.mark.parametrize(
    "name, kwargs, cls",
    [
        ("step", dict(initial_learning_rate=0.1, step_size=5), StepDecay),
        ("cyclical", dict(base_lr=1e-3, max_lr=1e-2, step_size=5), CyclicalLearningRate),
        ("CLR", dict(base_lr=1e-3, max_lr=1e-2, step_size=5), CyclicalLearningRate),
        ("one_cycle", dict(max_lr=0.1, total_steps=10), OneCycle),
        ("one-cycle", dict(max_lr=0.1, total_steps=10), OneCycle),
        ("warmup_cosine", dict(peak_lr=0.1, total_steps=10, warmup_steps=2), WarmupCosine),
    ]
    + [(n, kw, None) for n, kw in KERAS_SCHEDULES],
)
def test_get_schedule_resolves_names(name, kwargs, cls):
    schedule = get_schedule(name, **kwargs)
    keras_classes = {
        "exponential": "ExponentialDecay",
        "piecewise": "PiecewiseConstantDecay",
        "cosine": "CosineDecay",
        "cosine_restarts": "CosineDecayRestarts",
        "inverse_time": "InverseTimeDecay",
        "polynomial": "PolynomialDecay",
    }
    if cls is None:
        cls = getattr(keras.optimizers.schedules, keras_classes[name])
    assert type(schedule) is cls
    assert isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule)


def test_get_schedule_passes_through_none_and_instances():
    assert get_schedule(None) is None
    schedule = OneCycle(0.1, 10)
    assert get_schedule(schedule) is schedule
    with pytest.raises(ValueError, match="only be used with a schedule name"):
        get_schedule(schedule, max_lr=0.2)
    with pytest.raises(ValueError, match="only be used with a schedule name"):
        get_schedule(None, max_lr=0.2)


def test_get_schedule_errors():
    with pytest.raises(ValueError, match=r"unknown schedule name='cosin'.*Did you mean 'cosine'"):
        get_schedule("cosin")
    with pytest.raises(ValueError, match=r"expected one of 'step', .*'polynomial'"):
        get_schedule("nope")
    with pytest.raises(TypeError, match="`name` must be"):
        get_schedule(0.01)
    with pytest.raises(TypeError, match=r"'exponential' \(ExponentialDecay\) rejected"):
        get_schedule("exponential", initial_learning_rate=0.1)
    with pytest.raises(ValueError, match="`warmup_steps`"):
        get_schedule("warmup_cosine", peak_lr=0.1, total_steps=5, warmup_steps=6)
    assert set(list_schedules()) == set(SCHEDULES)
