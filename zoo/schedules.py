"""Learning-rate schedules, serializable and built from `keras.ops`.

Each schedule is a `keras.optimizers.schedules.LearningRateSchedule`: pass it as
an optimizer's `learning_rate` and it is evaluated on the optimizer's step
counter inside the compiled train step. All are registered with
`keras.saving.register_keras_serializable(package="zoo")`, so a compiled model
saves to `.keras` and reloads with `safe_mode=True` with its schedule intact.

* `StepDecay`: multiply by `drop` every `step_size` steps.
* `CyclicalLearningRate`: Smith's triangular / triangular2 / exp_range cycles.
* `OneCycle`: the 1cycle policy of PyTorch's `OneCycleLR` (fastai's `fit_one_cycle`).
* `WarmupCosine`: linear warm-up, then cosine decay.
* `get_schedule(name, **kwargs)`: these and the Keras built-ins by name.

Steps count optimizer updates (batches), not epochs.
"""

from __future__ import annotations

import logging
import math

import keras
from keras import ops

from zoo._validate import check_choice, check_number, check_positive_int, suggest

logger = logging.getLogger("zoo.schedules")

__all__ = [
    "StepDecay",
    "CyclicalLearningRate",
    "OneCycle",
    "WarmupCosine",
    "get_schedule",
    "list_schedules",
    "SCHEDULES",
]

_Schedule = keras.optimizers.schedules.LearningRateSchedule


def _float_step(step):
    return ops.cast(step, "float32")


@keras.saving.register_keras_serializable(package="zoo")
class StepDecay(_Schedule):
    """Step decay: the learning rate is multiplied by `drop` every `step_size` steps.

    `lr(step) = initial_learning_rate * drop ** floor(step / step_size)`

    Args:
        initial_learning_rate: Positive number, the rate for steps
            `0 .. step_size - 1`.
        drop: Factor in (0, 1] applied at every boundary. Defaults to `0.5`.
        step_size: Positive int (keyword-only, required), the number of steps
            between drops.
        name: Optional name of the schedule.

    Raises:
        ValueError: if `initial_learning_rate <= 0`, `drop` is outside (0, 1]
            or `step_size < 1`.
        TypeError: if an argument has the wrong type.

    Example:

    >>> schedule = StepDecay(0.1, drop=0.5, step_size=10)
    >>> [round(float(schedule(s)), 4) for s in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(self, initial_learning_rate, drop=0.5, *, step_size, name=None):
        super().__init__()
        fn = type(self).__name__
        self.initial_learning_rate = check_number(
            fn, "initial_learning_rate", initial_learning_rate, low=0.0, low_inclusive=False
        )
        self.drop = check_number(fn, "drop", drop, low=0.0, high=1.0, low_inclusive=False)
        self.step_size = check_positive_int(fn, "step_size", step_size)
        self.name = name

    def __call__(self, step):
        with keras.name_scope(self.name or "StepDecay"):
            step = _float_step(step)
            exponent = ops.floor(step / float(self.step_size))
            return self.initial_learning_rate * ops.power(
                ops.convert_to_tensor(self.drop, "float32"), exponent
            )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "drop": self.drop,
            "step_size": self.step_size,
            "name": self.name,
        }


_CLR_MODES = ("triangular", "triangular2", "exp_range")


@keras.saving.register_keras_serializable(package="zoo")
class CyclicalLearningRate(_Schedule):
    """Cyclical learning rate (Smith, 2017), as in `tfa.optimizers.CyclicalLearningRate`.

    The rate moves linearly from `base_lr` up to `max_lr` over `step_size`
    steps and back down over the next `step_size` (one cycle is
    `2 * step_size` steps):

    ```
    cycle = floor(1 + step / (2 * step_size))
    x = abs(step / step_size - 2 * cycle + 1)
    lr = base_lr + (max_lr - base_lr) * max(0, 1 - x) * scale
    ```

    with `scale = 1` (`"triangular"`), `1 / 2 ** (cycle - 1)` (`"triangular2"`,
    the amplitude halves every cycle) or `gamma ** step` (`"exp_range"`).
    Smith suggests `step_size` of 2-10 epochs' worth of steps.

    Args:
        base_lr: Number >= 0, the lower bound of each cycle.
        max_lr: Number >= `base_lr`, the upper bound (reached only in the
            first cycle for the decaying modes).
        step_size: Positive int, half a cycle in steps.
        mode: `"triangular"`, `"triangular2"` or `"exp_range"`.
        gamma: Number in (0, 1], the per-step decay of `"exp_range"`.
            Defaults to `1.0`.
        name: Optional name of the schedule.

    Raises:
        ValueError: if `max_lr < base_lr`, `step_size < 1`, `mode` is unknown or
            `gamma` is outside (0, 1].
        TypeError: if an argument has the wrong type.

    Example:

    >>> clr = CyclicalLearningRate(0.001, 0.006, step_size=4)
    >>> [round(float(clr(s)), 5) for s in (0, 2, 4, 6, 8)]
    [0.001, 0.0035, 0.006, 0.0035, 0.001]
    """

    def __init__(self, base_lr, max_lr, step_size, mode="triangular", gamma=1.0, name=None):
        super().__init__()
        fn = type(self).__name__
        self.base_lr = check_number(fn, "base_lr", base_lr, low=0.0)
        self.max_lr = check_number(fn, "max_lr", max_lr, low=0.0, low_inclusive=False)
        if self.max_lr < self.base_lr:
            raise ValueError(
                f"{fn}: `max_lr` must be >= `base_lr`, received max_lr={max_lr!r} "
                f"below base_lr={base_lr!r}"
            )
        self.step_size = check_positive_int(fn, "step_size", step_size)
        self.mode = check_choice(fn, "mode", mode, _CLR_MODES)
        self.gamma = check_number(fn, "gamma", gamma, low=0.0, high=1.0, low_inclusive=False)
        self.name = name

    def __call__(self, step):
        with keras.name_scope(self.name or "CyclicalLearningRate"):
            step = _float_step(step)
            step_size = float(self.step_size)
            cycle = ops.floor(1.0 + step / (2.0 * step_size))
            x = ops.abs(step / step_size - 2.0 * cycle + 1.0)
            amplitude = (self.max_lr - self.base_lr) * ops.maximum(0.0, 1.0 - x)
            if self.mode == "triangular":
                scale = 1.0
            elif self.mode == "triangular2":
                scale = 1.0 / ops.power(2.0, cycle - 1.0)
            else:
                scale = ops.power(ops.convert_to_tensor(self.gamma, "float32"), step)
            return self.base_lr + amplitude * scale

    def get_config(self):
        return {
            "base_lr": self.base_lr,
            "max_lr": self.max_lr,
            "step_size": self.step_size,
            "mode": self.mode,
            "gamma": self.gamma,
            "name": self.name,
        }


def _anneal(kind, start, end, pct):
    if kind == "cos":
        return end + (start - end) / 2.0 * (ops.cos(math.pi * pct) + 1.0)
    # Not `start + (end - start) * pct`: in float32 that misses `end` at pct=1 (cancellation,
    # 4.0047e-08 for 4e-08); this form is exact at both ends.
    return start * (1.0 - pct) + end * pct


@keras.saving.register_keras_serializable(package="zoo")
class OneCycle(_Schedule):
    """The 1cycle policy (Smith & Topin, 2018), as PyTorch's `OneCycleLR` computes it.

    The rate starts at `initial_lr = max_lr / div_factor`, rises to `max_lr`
    over the first `pct_start` of `total_steps`, then falls to
    `min_lr = initial_lr / final_div_factor` at step `total_steps - 1`. With
    `e = pct_start * total_steps - 1` (the last warm-up step):

    ```
    step <= e:  lr = anneal(initial_lr, max_lr, step / e)
    otherwise:  lr = anneal(max_lr, min_lr, (step - e) / (total_steps - 1 - e))
    ```

    where `anneal(a, b, t)` is `b + (a - b) / 2 * (1 + cos(pi * t))` for
    `"cos"` or `a * (1 - t) + b * t` for `"linear"` (exact at both ends in
    float32, where PyTorch's `a + (b - a) * t` misses `b`). Steps past the end
    stay at `min_lr` (PyTorch raises there). Momentum cycling is left to the caller.

    Args:
        max_lr: Positive number, the peak rate.
        total_steps: Int >= 2, the length of the cycle (epochs * steps per epoch).
        pct_start: Fraction in (0, 1) of the cycle spent rising. Defaults to `0.3`.
        div_factor: Number >= 1; `initial_lr = max_lr / div_factor`. Defaults to `25`.
        final_div_factor: Number >= 1; `min_lr = initial_lr / final_div_factor`.
            Defaults to `1e4`.
        anneal: `"cos"` or `"linear"`. Defaults to `"cos"`.
        name: Optional name of the schedule.

    Raises:
        ValueError: if `pct_start` is outside (0, 1), `total_steps < 2`, a
            factor is below 1, `max_lr <= 0` or `anneal` is unknown.
        TypeError: if an argument has the wrong type.

    Example:

    >>> one = OneCycle(max_lr=0.1, total_steps=100)
    >>> [round(float(one(s)), 6) for s in (0, 29, 99)]
    [0.004, 0.1, 0.0]
    """

    def __init__(
        self,
        max_lr,
        total_steps,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal="cos",
        name=None,
    ):
        super().__init__()
        fn = type(self).__name__
        self.max_lr = check_number(fn, "max_lr", max_lr, low=0.0, low_inclusive=False)
        self.total_steps = check_positive_int(fn, "total_steps", total_steps)
        if self.total_steps < 2:
            raise ValueError(
                f"{fn}: `total_steps` must be >= 2, received total_steps={total_steps}"
            )
        self.pct_start = check_number(
            fn, "pct_start", pct_start, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
        self.div_factor = check_number(fn, "div_factor", div_factor, low=1.0)
        self.final_div_factor = check_number(fn, "final_div_factor", final_div_factor, low=1.0)
        self.anneal = check_choice(fn, "anneal", anneal, ("cos", "linear"))
        self.name = name

    @property
    def initial_lr(self) -> float:
        return self.max_lr / self.div_factor

    @property
    def min_lr(self) -> float:
        return self.initial_lr / self.final_div_factor

    def __call__(self, step):
        with keras.name_scope(self.name or "OneCycle"):
            last = float(self.total_steps - 1)
            step = ops.minimum(_float_step(step), last)
            end_up = self.pct_start * self.total_steps - 1.0
            rising = step <= end_up
            # max(.., tiny) only guards the 0/0 PyTorch would hit when end_up == 0.
            pct_up = step / max(end_up, 1e-12)
            pct_down = (step - end_up) / (last - end_up)
            up = _anneal(self.anneal, self.initial_lr, self.max_lr, pct_up)
            down = _anneal(self.anneal, self.max_lr, self.min_lr, pct_down)
            return ops.where(rising, up, down)

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "anneal": self.anneal,
            "name": self.name,
        }


@keras.saving.register_keras_serializable(package="zoo")
class WarmupCosine(_Schedule):
    """Linear warm-up to `peak_lr`, then cosine decay to `final_lr`.

    ```
    step < warmup_steps:  lr = initial_lr + (peak_lr - initial_lr) * step / warmup_steps
    otherwise:            t = min(1, (step - warmup_steps) / (total_steps - warmup_steps))
                          lr = final_lr + (peak_lr - final_lr) * (1 + cos(pi * t)) / 2
    ```

    The rate reaches `peak_lr` at step `warmup_steps` and `final_lr` at
    `total_steps`, and stays there afterwards. (Keras' `CosineDecay` with
    `warmup_target` does the same with other argument names.)

    Args:
        peak_lr: Positive number, the rate at the end of the warm-up.
        total_steps: Positive int, the step where the decay ends.
        warmup_steps: Int in [0, total_steps], the warm-up length.
        initial_lr: Number in [0, peak_lr], the rate at step 0. Defaults to `0.0`.
        final_lr: Number in [0, peak_lr], the rate from `total_steps` on.
            Defaults to `0.0`.
        name: Optional name of the schedule.

    Raises:
        ValueError: if `warmup_steps > total_steps`, `peak_lr <= 0`, or
            `initial_lr` / `final_lr` lie outside [0, peak_lr].
        TypeError: if an argument has the wrong type.

    Example:

    >>> schedule = WarmupCosine(peak_lr=1.0, total_steps=110, warmup_steps=10)
    >>> [round(float(schedule(s)), 4) for s in (0, 5, 10, 60, 110)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, peak_lr, total_steps, warmup_steps, initial_lr=0.0, final_lr=0.0, name=None):
        super().__init__()
        fn = type(self).__name__
        self.peak_lr = check_number(fn, "peak_lr", peak_lr, low=0.0, low_inclusive=False)
        self.total_steps = check_positive_int(fn, "total_steps", total_steps)
        self.warmup_steps = check_positive_int(fn, "warmup_steps", warmup_steps, allow_zero=True)
        if self.warmup_steps > self.total_steps:
            raise ValueError(
                f"{fn}: `warmup_steps` must be <= `total_steps`, received "
                f"warmup_steps={warmup_steps} with total_steps={total_steps}"
            )
        self.initial_lr = check_number(fn, "initial_lr", initial_lr, low=0.0, high=self.peak_lr)
        self.final_lr = check_number(fn, "final_lr", final_lr, low=0.0, high=self.peak_lr)
        self.name = name

    def __call__(self, step):
        with keras.name_scope(self.name or "WarmupCosine"):
            step = _float_step(step)
            warmup = float(self.warmup_steps)
            warm = self.initial_lr + (self.peak_lr - self.initial_lr) * step / max(warmup, 1.0)
            decay_steps = float(max(self.total_steps - self.warmup_steps, 1))
            t = ops.clip((step - warmup) / decay_steps, 0.0, 1.0)
            cosine = self.final_lr + (self.peak_lr - self.final_lr) * 0.5 * (
                1.0 + ops.cos(math.pi * t)
            )
            return ops.where(step < warmup, warm, cosine)

    def get_config(self):
        return {
            "peak_lr": self.peak_lr,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "initial_lr": self.initial_lr,
            "final_lr": self.final_lr,
            "name": self.name,
        }


_KS = keras.optimizers.schedules
_SCHEDULES: dict[str, type] = {
    "step": StepDecay,
    "step_decay": StepDecay,
    "cyclical": CyclicalLearningRate,
    "clr": CyclicalLearningRate,
    "one_cycle": OneCycle,
    "onecycle": OneCycle,
    "warmup_cosine": WarmupCosine,
    "exponential": _KS.ExponentialDecay,
    "piecewise": _KS.PiecewiseConstantDecay,
    "cosine": _KS.CosineDecay,
    "cosine_restarts": _KS.CosineDecayRestarts,
    "inverse_time": _KS.InverseTimeDecay,
    "polynomial": _KS.PolynomialDecay,
}

#: Every name `get_schedule` accepts.
SCHEDULES: tuple[str, ...] = tuple(_SCHEDULES)


def list_schedules() -> list[str]:
    """Return the sorted schedule names `get_schedule` accepts."""
    return sorted(_SCHEDULES)


def get_schedule(name, **kwargs):
    """Build a learning-rate schedule by name, or pass one through.

    Names (case-insensitive, `-` read as `_`): `"step"` (`StepDecay`),
    `"cyclical"`/`"clr"` (`CyclicalLearningRate`), `"one_cycle"` (`OneCycle`),
    `"warmup_cosine"` (`WarmupCosine`) and the Keras built-ins `"exponential"`
    (`ExponentialDecay`), `"piecewise"` (`PiecewiseConstantDecay`), `"cosine"`
    (`CosineDecay`), `"cosine_restarts"` (`CosineDecayRestarts`),
    `"inverse_time"` (`InverseTimeDecay`) and `"polynomial"` (`PolynomialDecay`).

    Args:
        name: A schedule name, a `LearningRateSchedule` instance (returned
            as-is) or `None` (returned as `None`: a constant learning rate).
        **kwargs: Constructor arguments of the named schedule.

    Returns:
        A `keras.optimizers.schedules.LearningRateSchedule`, or `None`.

    Raises:
        ValueError: for an unknown name (with the known names and the closest
            match), `kwargs` given with `None` or a schedule instance, or
            invalid constructor values.
        TypeError: for a `name` of the wrong type or missing/unknown arguments.

    Example:

    >>> type(get_schedule("clr", base_lr=1e-3, max_lr=1e-2, step_size=100)).__name__
    'CyclicalLearningRate'
    >>> get_schedule(None) is None
    True
    """
    fn = "get_schedule"
    if name is None or isinstance(name, _Schedule):
        if kwargs:
            raise ValueError(
                f"{fn}: keyword arguments {sorted(kwargs)} can only be used with a schedule "
                f"name, received name={name!r}"
            )
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"{fn}: `name` must be a schedule name, a LearningRateSchedule or None, "
            f"received name={name!r} of type {type(name).__name__}"
        )
    key = name.strip().lower().replace("-", "_")
    cls = _SCHEDULES.get(key)
    if cls is None:
        known = ", ".join(repr(n) for n in SCHEDULES)
        raise ValueError(
            f"{fn}: unknown schedule name={name!r}; expected one of {known}.{suggest(key, SCHEDULES)}"
        )
    try:
        schedule = cls(**kwargs)
    except TypeError as err:
        raise TypeError(
            f"{fn}: schedule {name!r} ({cls.__name__}) rejected arguments {sorted(kwargs)}: {err}"
        ) from err
    logger.debug("%s(%r) -> %s", fn, name, schedule.get_config())
    return schedule


def size_schedule(name, *, learning_rate=None, epochs: int, steps_per_epoch: int, **kwargs):
    """A learning-rate schedule sized for a run of ``epochs * steps_per_epoch`` steps.

    The one place that sizes a schedule for a run: ``zoo.train`` and the tuning
    hypermodels both call it. Resolves ``name`` with :func:`get_schedule`, filling
    the arguments the schedule needs from the run (``kwargs`` override them). ``learning_rate``
    (default ``1e-3``; ``train`` passes the optimizer's default rate) is the *peak*
    rate of the warm-up and cyclical schedules
    (``one_cycle`` ``max_lr``, ``warmup_cosine`` ``peak_lr``, ``cyclical`` ``max_lr``
    with ``base_lr = learning_rate / 10``) and the *initial* rate of the decays
    (``step``, ``exponential``, ``cosine``, ``cosine_restarts``, ``inverse_time``,
    ``polynomial``, ``piecewise``), which end about 100x lower (``step``: halved
    every third of the run; ``cosine_restarts``: restarts every quarter).

    Args:
        name: A name from :func:`list_schedules` or a schedule instance (returned as
            is).
        learning_rate: Reference rate.
        epochs: Epochs of the run.
        steps_per_epoch: Optimizer steps per epoch.
        **kwargs: Schedule arguments overriding the defaults.

    Returns:
        A ``keras.optimizers.schedules.LearningRateSchedule``.

    Example:
        >>> size_schedule("one_cycle", learning_rate=0.01, epochs=10, steps_per_epoch=20)
        <zoo.schedules.OneCycle object at ...>
    """
    import inspect

    if not isinstance(name, str):
        return get_schedule(name, **kwargs)
    cls = _SCHEDULES.get(name.strip().lower().replace("-", "_"))
    if cls is None:
        return get_schedule(name, **kwargs)  # raises the unknown-name error
    lr = 1e-3 if learning_rate is None else float(learning_rate)
    total = max(2, epochs * steps_per_epoch)
    defaults = {
        "initial_learning_rate": lr, "decay_steps": total, "decay_rate": 0.01,
        "first_decay_steps": max(1, total // 4), "end_learning_rate": lr / 100,
        "step_size": max(1, total // 3), "total_steps": total, "max_lr": lr,
        "peak_lr": lr, "warmup_steps": min(total, max(1, total // 10)),
        "boundaries": [total // 2, (3 * total) // 4], "values": [lr, lr / 10, lr / 100],
    }
    if cls is CyclicalLearningRate:
        defaults.update(base_lr=lr / 10, step_size=max(1, min(2 * steps_per_epoch, total // 2)))
    if cls.__name__ == "InverseTimeDecay":
        defaults["decay_rate"] = 99.0  # lr / (1 + 99 t): 100x lower at the end
    params = inspect.signature(cls.__init__).parameters
    if "warmup_target" in params:  # Keras' CosineDecay warms up only towards a target
        del defaults["warmup_steps"]
    options = {k: v for k, v in defaults.items() if k in params}
    options.update(kwargs)
    return get_schedule(name, **options)
