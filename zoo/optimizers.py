"""Build Keras optimizers by name, refusing contradictory settings up front.

`build_optimizer("nesterov", 0.05, clipnorm=1.0)` gives a
`keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True,
clipnorm=1.0)`. Every argument is checked in plain Python before Keras is
called, so a setting the chosen optimizer would ignore or misread (momentum
for Adam, two kinds of gradient clipping at once, a negative learning rate)
fails with a message naming the parameter instead of training quietly with
something else. Importing this module imports no Keras (the names in
:data:`OPTIMIZERS` are checked before any backend loads); building does.
"""

from __future__ import annotations

import inspect
import logging

from zoo._validate import (
    _is_number,
    check_bool,
    check_choice,
    check_fraction,
    check_number,
    suggest,
)

logger = logging.getLogger("zoo.optimizers")

__all__ = ["OPTIMIZERS", "DEFAULT_LEARNING_RATES", "build_optimizer"]

#: name -> the class's name in `keras.optimizers` (looked up when building).
_CLASS_NAMES: dict[str, str] = {
    "sgd": "SGD",
    "momentum": "SGD",
    "nesterov": "SGD",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "nadam": "Nadam",
}

#: Names `build_optimizer` accepts (case-insensitive).
OPTIMIZERS: tuple[str, ...] = tuple(_CLASS_NAMES)

#: Learning rate used when `learning_rate=None`. Keras' defaults, except
#: Adagrad (0.01, as in PyTorch and the original paper's experiments) and
#: Adadelta (1.0, as in Zeiler 2012: it is meant to need no tuning, and Keras'
#: 0.001 makes it barely move).
DEFAULT_LEARNING_RATES: dict[str, float] = {
    "sgd": 0.01,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adam": 1e-3,
    "adamw": 1e-3,
    "rmsprop": 1e-3,
    "adagrad": 0.01,
    "adadelta": 1.0,
    "nadam": 1e-3,
}

_DEFAULT_MOMENTUM = 0.9
_SGD_NAMES = ("sgd", "momentum", "nesterov")
_MOMENTUM_NAMES = (*_SGD_NAMES, "rmsprop")
# Arguments build_optimizer handles itself; everything else in **kwargs goes to the class.
_HANDLED = (
    "learning_rate",
    "momentum",
    "nesterov",
    "weight_decay",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
)


def _allowed_kwargs(cls: type) -> list[str]:
    params = inspect.signature(cls.__init__).parameters
    return [
        p
        for p, spec in params.items()
        if p not in ("self", "name", *_HANDLED)
        and spec.kind not in (spec.VAR_KEYWORD, spec.VAR_POSITIONAL)
    ]


def build_optimizer(
    name,
    learning_rate=None,
    *,
    momentum=None,
    nesterov=None,
    weight_decay=None,
    clipnorm=None,
    clipvalue=None,
    global_clipnorm=None,
    **kwargs,
):
    """Build a Keras optimizer from a name and validated hyperparameters.

    | name         | class                | notes                                   |
    |--------------|----------------------|-----------------------------------------|
    | `"sgd"`      | `SGD`                | momentum 0 unless given                 |
    | `"momentum"` | `SGD`                | momentum 0.9 unless given               |
    | `"nesterov"` | `SGD`                | momentum 0.9 unless given, nesterov=True |
    | `"adam"`, `"adamw"`, `"nadam"`, `"adagrad"`, `"adadelta"` | Keras class of that name | |
    | `"rmsprop"`  | `RMSprop`            | takes `momentum` (not `nesterov`)       |

    With `learning_rate=None` the per-optimizer default in
    `DEFAULT_LEARNING_RATES` is used. `weight_decay` is the decoupled decay
    every Keras 3 optimizer applies (`AdamW` keeps its own default of 0.004
    when it is not given). At most one of `clipnorm` (per-variable gradient
    norm), `clipvalue` (per-element) and `global_clipnorm` (norm over all
    gradients) may be set.

    Args:
        name: One of `OPTIMIZERS` (case-insensitive), or a ready-made
            `keras.optimizers.Optimizer`, returned as-is (no other argument
            may then be given).
        learning_rate: Positive number or a
            `keras.optimizers.schedules.LearningRateSchedule` (see
            `zoo.schedules`). Defaults to the optimizer's entry in
            `DEFAULT_LEARNING_RATES`.
        momentum: Number in [0, 1); only for the SGD family and `"rmsprop"`.
        nesterov: Bool; only for the SGD family, and needs momentum > 0.
        weight_decay: Number >= 0.
        clipnorm: Positive number.
        clipvalue: Positive number.
        global_clipnorm: Positive number.
        **kwargs: Further constructor arguments of the Keras class, such as
            `beta_1`, `epsilon`, `amsgrad`, `rho`, `centered`, `use_ema`.

    Returns:
        A new `keras.optimizers.Optimizer` (or the instance given).

    Raises:
        ValueError: for an unknown name (listing the known names, with the
            closest match), a setting the optimizer does not use (momentum
            for Adam, nesterov for RMSprop or without momentum), more than
            one clipping option, values out of range, or extra arguments
            next to an optimizer instance.
        TypeError: for arguments of the wrong type, or keyword arguments
            the Keras class does not take.

    Example:

    >>> opt = build_optimizer("nesterov", 0.05, clipnorm=1.0)
    >>> type(opt).__name__, opt.nesterov, opt.momentum, opt.clipnorm
    ('SGD', True, 0.9, 1.0)
    >>> float(build_optimizer("adadelta").learning_rate)
    1.0
    """
    import keras

    fn = "build_optimizer"
    given = {
        "learning_rate": learning_rate,
        "momentum": momentum,
        "nesterov": nesterov,
        "weight_decay": weight_decay,
        "clipnorm": clipnorm,
        "clipvalue": clipvalue,
        "global_clipnorm": global_clipnorm,
    }
    given = {k: v for k, v in given.items() if v is not None}

    if isinstance(name, keras.optimizers.Optimizer):
        extra = sorted(given) + sorted(kwargs)
        if extra:
            raise ValueError(
                f"{fn}: received a ready-made {type(name).__name__} together with "
                f"{', '.join(extra)}; set those on the optimizer itself, or pass its name "
                f"(one of {', '.join(OPTIMIZERS)}) instead"
            )
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"{fn}: `name` must be one of {', '.join(repr(n) for n in OPTIMIZERS)} or a "
            f"keras.optimizers.Optimizer, received name={name!r} of type {type(name).__name__}"
        )
    key = check_choice(fn, "name", name.strip(), OPTIMIZERS)
    cls = getattr(keras.optimizers, _CLASS_NAMES[key])

    # --- learning rate
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[key]
    elif not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        if not _is_number(learning_rate):
            raise TypeError(
                f"{fn}: `learning_rate` must be a positive number or a "
                f"keras.optimizers.schedules.LearningRateSchedule, received "
                f"learning_rate={learning_rate!r} of type {type(learning_rate).__name__}"
            )
        learning_rate = check_number(
            fn, "learning_rate", learning_rate, low=0.0, low_inclusive=False
        )

    # --- momentum / nesterov
    if momentum is not None:
        if key not in _MOMENTUM_NAMES:
            raise ValueError(
                f"{fn}: `momentum` is not used by {name!r} ({cls.__name__}); only "
                f"{', '.join(repr(n) for n in _MOMENTUM_NAMES)} take it, received "
                f"momentum={momentum!r}"
            )
        momentum = check_fraction(fn, "momentum", momentum)
    if nesterov is not None:
        check_bool(fn, "nesterov", nesterov)
        if key not in _SGD_NAMES:
            raise ValueError(
                f"{fn}: `nesterov` is only for the SGD family "
                f"({', '.join(repr(n) for n in _SGD_NAMES)}), not {name!r}; received "
                f"nesterov={nesterov!r}"
            )
    sgd_args = {}
    if key in _SGD_NAMES:
        default_momentum = 0.0 if key == "sgd" else _DEFAULT_MOMENTUM
        momentum = default_momentum if momentum is None else momentum
        nesterov = (key == "nesterov") if nesterov is None else nesterov
        if key == "nesterov" and not nesterov:
            raise ValueError(
                f"{fn}: name='nesterov' contradicts nesterov=False; use name='momentum' for "
                f"classical momentum"
            )
        if key == "momentum" and momentum == 0.0:
            raise ValueError(
                f"{fn}: name='momentum' contradicts momentum=0.0; use name='sgd' for plain SGD"
            )
        if nesterov and momentum == 0.0:
            raise ValueError(
                f"{fn}: nesterov=True needs momentum > 0, received momentum={momentum!r}; "
                f"pass momentum=0.9 or use name='nesterov'"
            )
        sgd_args = {"momentum": momentum, "nesterov": nesterov}
    elif momentum is not None:  # rmsprop
        sgd_args = {"momentum": momentum}

    # --- weight decay and clipping
    extra_args = {}
    if weight_decay is not None:
        extra_args["weight_decay"] = check_number(fn, "weight_decay", weight_decay, low=0.0)
    clips = {k: given[k] for k in ("clipnorm", "clipvalue", "global_clipnorm") if k in given}
    if len(clips) > 1:
        received = ", ".join(f"{k}={v!r}" for k, v in clips.items())
        raise ValueError(
            f"{fn}: set at most one of `clipnorm`, `clipvalue` and `global_clipnorm`, "
            f"received {received}"
        )
    for k, v in clips.items():
        extra_args[k] = check_number(fn, k, v, low=0.0, low_inclusive=False)

    # --- pass-through kwargs
    allowed = _allowed_kwargs(cls)
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        hint = suggest(unknown[0], allowed)
        raise TypeError(
            f"{fn}: {name!r} ({cls.__name__}) does not take {', '.join(unknown)}; it takes "
            f"{', '.join(allowed)}.{hint}"
        )

    optimizer = cls(learning_rate=learning_rate, **sgd_args, **extra_args, **kwargs)
    logger.debug(
        "%s(%r) -> %s(learning_rate=%r, %s)",
        fn,
        name,
        cls.__name__,
        learning_rate,
        {**sgd_args, **extra_args, **kwargs},
    )
    return optimizer
