"""keras-tuner hypermodels for the zoo's model families.

Each hypermodel declares its whole search space in one place, the ``SPACE``
tuple of :class:`Param` entries, and builds models by calling the zoo factories
(``zoo.create_model``). Callers reshape the space without subclassing:

* ``fixed={"activation": "tanh"}``: pin a hyperparameter, not tuned (recorded as
  keras-tuner's ``hp.Fixed``). Any value the model accepts will do, inside the
  search range or not: a value outside it is checked by building the model once
  with it (the factory's own validation), so nonsense is refused at once.
* ``ranges={"learning_rate": (1e-4, 1e-2), "filters": [16, 32]}``: narrow (or
  change) a numeric interval ``(low, high)`` or the list of choices.
* ``drop=("schedule",)``: stop tuning a hyperparameter and use its default.

The optimizer's ``momentum`` is a conditional hyperparameter, active only when the
optimizer is SGD. The learning-rate ``schedule`` (``"constant"``, ``"cosine"``,
``"exponential"``) is built into a Keras schedule from the number of steps per
epoch, and ``batch_size`` is tuned through :meth:`ZooHyperModel.fit`.

Example:
    >>> hm = HyperCNN((8, 8, 1), 10, fixed={"activation": "relu"},
    ...               ranges={"learning_rate": (1e-4, 1e-2)})
    >>> import keras_tuner
    >>> model = hm.build(keras_tuner.HyperParameters())
"""

from __future__ import annotations

import logging
import math
import numbers
from dataclasses import dataclass

import keras_tuner

from tuning.config import EPOCHS_PER_TRIAL
from zoo import tasks
from zoo._validate import check_choice, check_number, check_shape, suggest
from zoo.backend import kernels_kept, replicas
from zoo.data.streams import is_tf_dataset

logger = logging.getLogger("tuning.hypermodels")

SCHEDULES = ("constant", "cosine", "exponential")
#: What the hypermodels' schedules change in zoo.schedules.size_schedule's sizing:
#: their exponential decay ends 10x lower, not 100x.
_SCHEDULE_ARGS = {"cosine": {}, "exponential": {"decay_rate": 0.1}}
BATCH_SIZE_SCOPES = ("per_replica", "global")


@dataclass(frozen=True)
class Param:
    """One hyperparameter of a search space.

    Attributes:
        name: Hyperparameter name (``hp`` name and key for ``fixed``/``ranges``/``drop``).
        kind: ``"int"``, ``"float"``, ``"choice"`` or ``"bool"``.
        default: Value used when the hyperparameter is dropped, and keras-tuner's default.
        low, high: Bounds for ``"int"``/``"float"``.
        values: Options for ``"choice"``.
        step: Step for ``"int"``/``"float"`` (``None``: continuous float).
        sampling: ``"linear"`` or ``"log"``.
        parent: ``(name, values)``: active only when hyperparameter ``name`` is one of ``values``.
        help: One line of documentation.
    """

    name: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    step: float | None = None
    sampling: str = "linear"
    parent: tuple | None = None
    help: str = ""

    def describe(self) -> str:
        if self.kind in ("int", "float"):
            return f"[{self.low}, {self.high}]" + (" (log scale)" if self.sampling == "log" else "")
        if self.kind == "bool":
            return "True or False"
        return "one of " + ", ".join(repr(v) for v in self.values)

    def contains(self, value) -> bool:
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "choice":
            return value in self.values
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return False
        if self.kind == "int" and int(value) != value:
            return False
        return self.low <= value <= self.high

    def declare(self, hp):
        """Register this hyperparameter on ``hp`` and return its current value."""
        if self.kind == "int":
            return hp.Int(self.name, int(self.low), int(self.high), step=int(self.step or 1),
                          sampling=self.sampling, default=self.default)
        if self.kind == "float":
            return hp.Float(self.name, float(self.low), float(self.high), step=self.step,
                            sampling=self.sampling, default=self.default)
        if self.kind == "bool":
            return hp.Boolean(self.name, default=self.default)
        return hp.Choice(self.name, list(self.values), default=self.default)


def _optimizer_params(*, momentum_low=0.5, learning_rate=(1e-3, 3e-4, 1e-2),
                      schedule="constant", schedules=SCHEDULES, batch_size=64):
    """The optimizer, momentum, learning rate, schedule and batch size parameters.

    Args:
        momentum_low: Lower bound of SGD's momentum (upper bound 0.99).
        learning_rate: ``(default, low, high)`` of the log-scale learning rate.
        schedule: Default schedule; ``schedules`` its choices (in this order).
        batch_size: Default batch size (choices 32, 64, 128).
    """
    default_lr, low_lr, high_lr = learning_rate
    return (
        Param("optimizer", "choice", "adam", values=("adam", "adamw", "rmsprop", "sgd"),
              help="Optimizer (built with zoo.optimizers.build_optimizer)."),
        Param("momentum", "float", 0.9, low=momentum_low, high=0.99,
              parent=("optimizer", ("sgd",)),
              help="SGD momentum; only active when optimizer='sgd'."),
        Param("learning_rate", "float", default_lr, low=low_lr, high=high_lr, sampling="log",
              help="Initial learning rate (log scale)."),
        Param("schedule", "choice", schedule, values=schedules,
              help="Learning-rate schedule over the trial's epochs."),
        Param("batch_size", "choice", batch_size, values=(32, 64, 128),
              help="Batch size per replica (see batch_size_scope)."),
    )


def _regularization_params(activations, initializers, dropout_high=0.5):
    return (
        Param("activation", "choice", activations[0], values=tuple(activations),
              help="Hidden activation."),
        Param("kernel_initializer", "choice", initializers[0], values=tuple(initializers),
              help="Kernel initializer (He, Glorot, LeCun)."),
        Param("dropout", "float", 0.2, low=0.0, high=dropout_high, step=0.1,
              help="Dropout rate after each dense block."),
        Param("batch_norm", "bool", False, help="Batch normalization in each block."),
        Param("l2", "choice", 0.0, values=(0.0, 1e-5, 1e-4, 1e-3), help="L2 penalty on kernels."),
    )


_INITS = ("he_normal", "glorot_uniform", "lecun_normal")


class ZooHyperModel(keras_tuner.HyperModel):
    """Base class: a search space (``SPACE``) over the arguments of a zoo factory.

    Subclasses set ``MODEL`` (the registry name) and ``SPACE`` and implement
    :meth:`architecture` (hyperparameter values -> factory keyword arguments).

    Args:
        input_shape: Shape of one sample, batch axis excluded.
        num_classes: Classes for ``task="multiclass"``/``"multilabel"``.
        task: ``"multiclass"`` (default), ``"binary"``, ``"multilabel"`` or ``"regression"``.
        num_outputs: Regression targets.
        fixed: ``{name: value}`` hyperparameters pinned to one value: any value the
            factory (and the optimizer, schedule, batch size) accepts; one outside the
            search range is checked by building the model once.
        ranges: ``{name: (low, high)}`` for numbers or ``{name: [choices]}`` for choices.
        drop: Names not tuned at all (their default is used).
        seed: Seed for weight initialization and data shuffling in every trial.
        train_size: Training samples; with the batch size it gives the steps per
            epoch that the learning-rate schedules need (set by ``run_search``).
        steps_per_epoch: The steps per epoch when the data keep their own batches (a
            caller's ``tf.data``/``PyDataset``); then ``train_size`` is not used.
        epochs: Epochs a trial trains for (the schedules' horizon; set by ``run_search``;
            default :data:`tuning.config.EPOCHS_PER_TRIAL`).
        batch_size_scope: ``"per_replica"`` (default): the tuned batch size is per
            replica and the global batch is it times the strategy's replicas;
            ``"global"``: the tuned value is the global batch size.
        model_kwargs: Extra, untuned factory arguments (``{"padding": "valid"}``).
        bn_momentum: Momentum of the moving statistics of every ``BatchNormalization``
            layer (default 0.9; Keras' own default, 0.99, needs a few hundred steps to
            settle, so on a small data set a batch-norm model evaluated after 1-3
            epochs of a short trial looks far worse than it is and the search
            discards it). ``None`` keeps the factory's layers unchanged.
        name: Hypermodel name.

    Raises:
        ValueError: unknown hyperparameter name, a fixed value the model does not
            accept, a bad range, or a bad task.
    """

    MODEL = ""
    SPACE: tuple = ()

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        # The constructor's arguments, for get_config (a subclass's own ones included).
        self._zoo_init_args = (args, dict(kwargs))
        return self

    def get_config(self) -> dict:
        """The arguments that rebuild this hypermodel: ``type(hm).from_config(hm.get_config())``.

        The arguments it was constructed with (a subclass's too), with ``train_size``,
        ``epochs`` and ``steps_per_epoch`` as ``run_search`` set them. The worker processes of a
        distributed search rebuild their hypermodel from it (it travels as JSON).

        Returns:
            ``{"args": [...], "kwargs": {...}}``.

        Example:
            >>> hm = HyperFNN((64,), 10, fixed={"activation": "relu"})
            >>> type(hm).from_config(hm.get_config()).fixed
            {'activation': 'relu'}
        """
        args, kwargs = getattr(self, "_zoo_init_args", ((), {}))
        return {"args": list(args),
                "kwargs": {**kwargs, "train_size": self.train_size, "epochs": self.epochs,
                           "steps_per_epoch": self.steps_per_epoch}}

    @classmethod
    def from_config(cls, config: dict):
        """The hypermodel of :meth:`get_config`'s ``config``."""
        return cls(*config.get("args", ()), **config.get("kwargs", {}))

    def __init__(self, input_shape, num_classes=None, *, task="multiclass", num_outputs=1,
                 fixed=None, ranges=None, drop=(), seed=0, train_size=None, epochs=None,
                 batch_size_scope="per_replica", model_kwargs=None, bn_momentum=0.9,
                 name=None, steps_per_epoch=None):
        fn = type(self).__name__
        self.input_shape = check_shape(fn, "input_shape", input_shape, ranks=(1, 2, 3, 4),
                                       allow_none_dims=True)
        self.task, _ = tasks.check_task(fn, task, num_classes, num_outputs)
        self.num_classes = num_classes
        self.num_outputs = num_outputs
        self.batch_size_scope = check_choice(fn, "batch_size_scope", batch_size_scope,
                                             BATCH_SIZE_SCOPES)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
            raise ValueError(f"{fn}: `seed` must be an int >= 0 or None, received seed={seed!r}")
        self.seed = seed
        self.train_size = train_size
        self.steps_per_epoch = steps_per_epoch
        self.epochs = epochs
        self.model_kwargs = dict(model_kwargs or {})
        if bn_momentum is not None and (not isinstance(bn_momentum, numbers.Real)
                                        or isinstance(bn_momentum, bool)
                                        or not 0.0 <= bn_momentum < 1.0):
            raise ValueError(f"{fn}: `bn_momentum` must be a number in [0, 1) or None, "
                             f"received bn_momentum={bn_momentum!r}")
        self.bn_momentum = bn_momentum
        self.space, self.fixed, self.drop = self.check_space(fn, fixed, ranges, drop)
        outside = {k: v for k, v in self.fixed.items() if not self.space[k].contains(v)}
        if outside:  # accepted when the model builds with them (the factory checks)
            self._probe_fixed(fn, self.fixed, outside)
        super().__init__(name=name or fn, tunable=True)

    # -- the search space -------------------------------------------------------------

    @classmethod
    def check_space(cls, fn: str, fixed=None, ranges=None, drop=()):
        """Check ``fixed``/``ranges``/``drop`` against the class's ``SPACE``, before any data.

        ``run_search`` calls it for a registry model before the data load, so a bad
        value is refused at once (an instance checks again against the space its
        data shaped, e.g. HyperCNN's depth cap).

        Returns:
            ``(space, fixed, drop)``: the reshaped ``{name: Param}``, the fixed values,
            the dropped names.

        Raises:
            ValueError: an unknown name, a range that is not a finite ``(low, high)``
                with ``low <= high`` or a non-empty list of finite choices, a fixed
                value that is not one finite number, string or bool. (A fixed value
                outside its range is checked by the instance, which builds the model.)

        Example:
            >>> HyperFNN.check_space("zoo tune", fixed={"dropout": float("nan")})
            Traceback (most recent call last):
            ...
            ValueError: zoo tune: fixed['dropout']=nan: a fixed value must be one number, ...
        """
        space = _apply_ranges(fn, {p.name: p for p in cls.SPACE}, ranges or {})
        return (space, _check_fixed(fn, space, fixed or {}),
                _check_names(fn, space, "drop", list(drop or ())))

    def _probe_fixed(self, fn, fixed, outside):
        """Build the model once with the fixed values: the factory validates them."""
        import keras

        self.fixed = fixed
        hp = keras_tuner.HyperParameters()
        try:
            model = self.build(hp)
        except (ValueError, TypeError, KeyError) as exc:
            values = ", ".join(f"fixed[{k!r}]={v!r}" for k, v in outside.items())
            ranges = "; ".join(f"{k!r} searches {self.space[k].describe()}" for k in outside)
            raise ValueError(f"{fn}: the model does not accept {values} ({ranges}): "
                             f"{exc}") from None
        del model
        keras.backend.clear_session(free_memory=False)
        logger.info("%s: fixed %s outside the search range, accepted by the model", fn,
                    ", ".join(f"{k}={v!r}" for k, v in outside.items()))

    def value(self, hp, name):
        """Declare hyperparameter ``name`` on ``hp`` (honouring fixed/drop) and return its value.

        Returns ``None`` when the hyperparameter is conditional and inactive.
        """
        param = self.space[name]
        if param.parent is not None:
            parent, allowed = param.parent
            parent_value = self.value(hp, parent)
            if parent not in self.drop and parent not in self.fixed and parent in hp:
                with hp.conditional_scope(parent, list(allowed)):
                    return self._declare(hp, param)
            return self._declare(hp, param) if parent_value in allowed else None
        return self._declare(hp, param)

    def _declare(self, hp, param):
        if param.name in self.drop:
            return param.default
        if param.name in self.fixed:
            return hp.Fixed(param.name, self.fixed[param.name])
        return param.declare(hp)

    def tuned_names(self) -> list[str]:
        """Names of the hyperparameters that are actually searched (not fixed or dropped)."""
        return [n for n in self.space if n not in self.fixed and n not in self.drop]

    # -- building -------------------------------------------------------------------------

    def architecture(self, hp) -> dict:
        """Factory keyword arguments for the architecture hyperparameters (subclasses)."""
        raise NotImplementedError

    def _global_batch_size(self, hp):
        batch = self.value(hp, "batch_size")
        if self.batch_size_scope == "per_replica":
            batch *= replicas()
        return int(batch)

    def _learning_rate(self, hp, batch_size):
        lr = float(self.value(hp, "learning_rate"))
        schedule = self.value(hp, "schedule")
        if schedule == "constant":
            return lr
        from zoo.schedules import size_schedule

        steps_per_epoch = self.steps_per_epoch or math.ceil((self.train_size or 1000)
                                                            / batch_size)
        return size_schedule(schedule, learning_rate=lr,
                             epochs=int(self.epochs or EPOCHS_PER_TRIAL),
                             steps_per_epoch=steps_per_epoch, **_SCHEDULE_ARGS.get(schedule, {}))

    def _optimizer(self, hp, learning_rate):
        name = self.value(hp, "optimizer")
        momentum = self.value(hp, "momentum")
        return make_optimizer(name, learning_rate, momentum=momentum)

    def build(self, hp):
        """Build and compile one model for the hyperparameter values in ``hp``.

        Args:
            hp: A ``keras_tuner.HyperParameters``.

        Returns:
            A compiled ``keras.Model`` built by the zoo factory ``MODEL``.
        """
        import keras

        import zoo

        if self.seed is not None:
            with kernels_kept():  # seeding would flush TensorFlow's kernel cache
                keras.utils.set_random_seed(self.seed)
        kwargs = self.architecture(hp)
        batch_size = self._global_batch_size(hp)
        optimizer = self._optimizer(hp, self._learning_rate(hp, batch_size))
        shape_kwargs = {"input_shape": self.input_shape, "task": self.task}
        if self.task in ("multiclass", "multilabel"):
            shape_kwargs["num_classes"] = self.num_classes
        elif self.task == "regression":
            shape_kwargs["num_outputs"] = self.num_outputs
        kwargs.update(self.model_kwargs)
        model = zoo.create_model(self.MODEL, **shape_kwargs, seed=self.seed, optimizer=optimizer,
                                 **kwargs)
        if self.bn_momentum is not None:
            for layer in _all_layers(model):
                if isinstance(layer, keras.layers.BatchNormalization):
                    layer.momentum = float(self.bn_momentum)  # saved by get_config
        return model

    def fit(self, hp, model, *args, **kwargs):
        """Train ``model`` with the tuned (global) batch size; other arguments go to ``fit``.

        Streamed splits (:class:`zoo.data.streams.Stream`, what ``run_search`` passes
        for an image folder or a caller's ``tf.data``) become their batches here: an
        image folder's at the tuned batch size, reshuffled each epoch.
        """
        streamed = _has_stream(args, kwargs)
        if streamed:
            args, kwargs = _stream_batches(args, kwargs, self._global_batch_size(hp), self.seed)
        elif "batch_size" not in kwargs:
            kwargs["batch_size"] = self._global_batch_size(hp)
        if self.seed is not None and "shuffle" not in kwargs:
            import keras

            with kernels_kept():
                keras.utils.set_random_seed(self.seed)
        if streamed and is_tf_dataset(args[0] if args else kwargs.get("x")):
            kwargs.setdefault("shuffle", False)  # the pipeline shuffles; fit would warn
        # One trace of the train step instead of two (see zoo.build_training_state).
        from zoo.models import build_training_state

        data = dict(zip(("x", "y"), args[:2], strict=False))
        data.update({k: kwargs[k] for k in ("x", "y", "sample_weight") if k in kwargs})
        if "x" in data:
            build_training_state(model, data["x"], data.get("y"), data.get("sample_weight"))
        if not streamed and self.seed is not None:
            args, kwargs = epoch_ordered(args, kwargs, self.seed)
        return model.fit(*args, **kwargs)


def epoch_ordered(args, kwargs, seed):
    """``fit`` arguments with in-memory training arrays as an :class:`tuning.checkpoint.EpochOrder`.

    Each epoch's order then depends on ``(seed, epoch)`` only, not on how many
    random ops ran before, so a trial continued from a mid-trial checkpoint
    (``initial_epoch``) sees the same batches as an uninterrupted one. Left
    unchanged: no arrays, ``shuffle=False``, sample weights or ``validation_split``.
    """
    import keras
    import numpy as np

    from tuning.checkpoint import EpochOrder

    if len(args) > 2 or "x" in kwargs or "y" in kwargs:
        return args, kwargs
    x, y = (*args, None, None)[:2]
    leaves = keras.tree.flatten(x) + keras.tree.flatten(y)
    if (not kwargs.get("shuffle", True) or not leaves
            or not all(isinstance(a, np.ndarray) for a in leaves)
            or {"sample_weight", "validation_split", "steps_per_epoch"} & set(kwargs)):
        return args, kwargs
    kwargs = dict(kwargs)
    ordered = EpochOrder(x, y, batch_size=kwargs.pop("batch_size", 32), seed=seed,
                         epoch=kwargs.get("initial_epoch", 0))
    kwargs["shuffle"] = False  # the order is EpochOrder's; Keras would shuffle the batches
    return (ordered,), kwargs


def _has_stream(args, kwargs) -> bool:
    from zoo.data.dataset import is_stream

    return any(is_stream(v) for v in (*args[:1], kwargs.get("x"), kwargs.get("validation_data")))


def _stream_batches(args, kwargs, batch_size, seed):
    """``fit`` arguments with streams turned into their batches (no ``y``, no ``batch_size``)."""
    from zoo.data.dataset import is_stream

    kwargs = dict(kwargs)
    kwargs.pop("batch_size", None)
    args = list(args)
    x = args.pop(0) if args else kwargs.pop("x")
    if args and args[0] is None:
        args.pop(0)  # the stream's labels travel with it
    kwargs.pop("y", None)
    if is_stream(x):
        x = x.batches(batch_size, shuffle=True, seed=seed)
    validation = kwargs.get("validation_data")
    if is_stream(validation):
        kwargs["validation_data"] = validation.batches(batch_size)
    return (x, *args), kwargs


def stream_fit_inputs(x, validation=None, *, batch_size=32, seed=None):
    """``(args, kwargs)`` of ``model.fit`` for streams, for hypermodels that are not the zoo's.

    A ``build(hp)`` function or a keras-tuner ``HyperModel`` of the caller's gets
    ``fit``'s inputs as Keras takes them: the streams' batches at ``batch_size``.
    """
    kwargs = {}
    if validation is not None:
        kwargs["validation_data"] = validation
    args, kwargs = _stream_batches((x, None), kwargs, batch_size, seed)
    if is_tf_dataset(args[0]):
        kwargs["shuffle"] = False  # the pipeline shuffles; fit would warn
    return args, kwargs


def _all_layers(model):
    """Every layer inside ``model``, nested models' layers included (public Keras API)."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _finite(value) -> bool:
    """Whether ``value`` is no NaN or infinity (anything not a float is)."""
    return not isinstance(value, float) or math.isfinite(value)


def _check_names(fn, space, what, names):
    for key in names:
        if key not in space:
            known = ", ".join(space)
            raise ValueError(f"{fn}: unknown hyperparameter {key!r} in `{what}`; this "
                             f"hypermodel tunes: {known}.{suggest(key, space)}")
    return names


def _apply_ranges(fn, space, ranges):
    _check_names(fn, space, "ranges", list(ranges))
    for key, new in ranges.items():
        param = space[key]
        if param.kind in ("int", "float"):
            ok = (isinstance(new, (tuple, list)) and len(new) == 2
                  and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                          and math.isfinite(v) for v in new)
                  and new[0] <= new[1])
            if ok and param.sampling == "log":
                ok = new[0] > 0
            if ok and param.kind == "int":
                ok = all(int(v) == v for v in new)
            if not ok:
                raise ValueError(f"{fn}: ranges[{key!r}] must be a (low, high) pair of finite "
                                 f"{'ints' if param.kind == 'int' else 'numbers'} with "
                                 f"low <= high{' and low > 0' if param.sampling == 'log' else ''}"
                                 f", received {new!r}")
            low, high = new
            default = min(max(param.default, low), high)
            space[key] = Param(param.name, param.kind, default, low=low, high=high,
                               step=param.step, sampling=param.sampling, parent=param.parent,
                               help=param.help)
        else:
            if param.kind == "bool":
                raise ValueError(f"{fn}: ranges[{key!r}]: {key!r} is True/False; use "
                                 f"fixed={{{key!r}: True}} to pin it")
            if isinstance(new, (str, bytes)) or not isinstance(new, (tuple, list)) or not new \
                    or not all(_finite(v) for v in new):
                raise ValueError(f"{fn}: ranges[{key!r}] must be a non-empty list of "
                                 f"choices (finite numbers), received {new!r}")
            values = tuple(new)
            default = param.default if param.default in values else values[0]
            space[key] = Param(param.name, "choice", default, values=values,
                               parent=param.parent, help=param.help)
    return space


def _check_fixed(fn, space, fixed):
    """``fixed`` checked without a model: known names, one finite value each.

    A value inside the search range is known to work; one outside it must be a
    finite number, a string or a bool here, and is then accepted when the model
    builds with it (:meth:`ZooHyperModel._probe_fixed`, once the data gave the shapes).
    """
    _check_names(fn, space, "fixed", list(fixed))
    for key, value in fixed.items():
        if space[key].contains(value):
            continue
        if isinstance(value, (list, tuple, dict)) or value is None or not _finite(value):
            raise ValueError(f"{fn}: fixed[{key!r}]={value!r}: a fixed value must be one "
                             "number, string or bool (keras-tuner's hp.Fixed; a finite number), inside "
                             f"{key!r}'s search range ({space[key].describe()}) or "
                             "any other value the model accepts")
        if key == "batch_size" and (not isinstance(value, int) or isinstance(value, bool)
                                    or value < 1):
            raise ValueError(f"{fn}: fixed['batch_size']={value!r} must be an int >= 1")
        if key in ("learning_rate", "momentum"):  # the optimizer's, whatever the schedule
            check_number(fn, f"fixed[{key!r}]", value, low=0.0, high=1.0 if key ==
                         "momentum" else None, low_inclusive=key == "momentum",
                         high_inclusive=False)
    return dict(fixed)


class HyperFNN(ZooHyperModel):
    """Search space over :func:`zoo.build_fnn`: depth, width, activation, init, regularization.

    Hyperparameters: ``hidden_layers`` (1-3), ``units`` (width of every hidden layer),
    ``activation``, ``kernel_initializer``, ``dropout``, ``batch_norm``, ``l2``,
    ``optimizer`` (+ ``momentum`` for SGD), ``learning_rate``, ``schedule``, ``batch_size``.
    Arguments as in :class:`ZooHyperModel`.

    Example:
        >>> hm = HyperFNN((64,), 10, fixed={"hidden_layers": 2})
    """

    MODEL = "fnn"
    SPACE = (
        Param("hidden_layers", "int", 2, low=1, high=3, help="Number of hidden Dense blocks."),
        Param("units", "choice", 128, values=(32, 64, 128, 256), help="Width of each block."),
        *_regularization_params(("relu", "elu", "gelu", "selu", "tanh"), _INITS),
        *_optimizer_params(),
    )

    def architecture(self, hp):
        depth = self.value(hp, "hidden_layers")
        units = self.value(hp, "units")
        return {"hidden_units": (units,) * depth, "activation": self.value(hp, "activation"),
                "kernel_initializer": self.value(hp, "kernel_initializer"),
                "dropout": self.value(hp, "dropout"), "batch_norm": self.value(hp, "batch_norm"),
                "l2": self.value(hp, "l2")}


class HyperCNN(ZooHyperModel):
    """Search space over :func:`zoo.build_cnn`.

    Hyperparameters: ``conv_blocks`` (1-3; each block halves the feature map, so the
    upper bound is lowered to what the input size allows), ``filters`` (channels
    of the first block, doubled at each further block), ``dense_units``,
    ``activation``, ``kernel_initializer``, ``dropout``, ``batch_norm``, ``l2``,
    ``optimizer`` (+ ``momentum`` for SGD), ``learning_rate``, ``schedule``, ``batch_size``.
    Arguments as in :class:`ZooHyperModel`.

    Example:
        >>> hm = HyperCNN((8, 8, 1), 10, fixed={"activation": "relu"},
        ...               ranges={"learning_rate": (1e-4, 1e-2)})
    """

    MODEL = "cnn"
    # Tuned on small images (the embedded 8x8 digits, MNIST): the ranges leave out
    # what never wins there (tiny widths, learning rates below 1e-3, no dropout), and
    # the defaults (Hyperband's first configurations) are a strong known recipe:
    # two blocks of 32/64 filters with batch norm, ReLU + He, dropout 0.3, Adam 2e-3
    # with a cosine decay, batches of 32.
    SPACE = (
        Param("conv_blocks", "int", 2, low=1, high=3, help="Conv blocks (conv, act, pool)."),
        Param("filters", "choice", 32, values=(32, 64),
              help="Filters of the first block; doubled at every further block."),
        Param("dense_units", "choice", 128, values=(128, 256), help="Dense head width."),
        Param("activation", "choice", "relu", values=("relu", "elu", "gelu"),
              help="Hidden activation."),
        Param("kernel_initializer", "choice", "he_normal", values=_INITS,
              help="Kernel initializer (He, Glorot, LeCun)."),
        Param("dropout", "float", 0.3, low=0.1, high=0.5, step=0.1,
              help="Dropout rate after each dense block."),
        Param("batch_norm", "bool", True, help="Batch normalization in each block."),
        Param("l2", "choice", 0.0, values=(0.0, 1e-5, 1e-4), help="L2 penalty on kernels."),
        *_optimizer_params(momentum_low=0.8, learning_rate=(2e-3, 1e-3, 1e-2),
                           schedule="cosine", schedules=("cosine", "constant", "exponential"),
                           batch_size=32),
    )

    def __init__(self, input_shape, num_classes=None, **kwargs):
        super().__init__(input_shape, num_classes, **kwargs)
        # Each pooled block halves the spatial size: cap the depth so it never empties.
        smallest = min(d for d in self.input_shape[:-1] if d is not None) if len(
            self.input_shape) > 1 else 1
        max_blocks = max(1, int(math.log2(max(smallest, 1))))
        blocks = self.space["conv_blocks"]
        if blocks.high > max_blocks:
            self.space["conv_blocks"] = Param(
                blocks.name, "int", min(blocks.default, max_blocks), low=min(blocks.low,
                                                                              max_blocks),
                high=max_blocks, help=blocks.help)
            if "conv_blocks" in self.fixed and self.fixed["conv_blocks"] > max_blocks:
                raise ValueError(f"HyperCNN: fixed['conv_blocks']={self.fixed['conv_blocks']} "
                                 f"pools an input of {self.input_shape} below one pixel; at most "
                                 f"{max_blocks} blocks fit")

    def architecture(self, hp):
        blocks = self.value(hp, "conv_blocks")
        filters = self.value(hp, "filters")
        return {"filters": tuple(filters * 2 ** i for i in range(blocks)),
                "dense_units": (self.value(hp, "dense_units"),),
                "activation": self.value(hp, "activation"),
                "kernel_initializer": self.value(hp, "kernel_initializer"),
                "dropout": self.value(hp, "dropout"), "batch_norm": self.value(hp, "batch_norm"),
                "l2": self.value(hp, "l2")}


class HyperLSTM(ZooHyperModel):
    """Search space over :func:`zoo.build_lstm` (LSTM or GRU cells).

    Hyperparameters: ``recurrent_layers`` (1-2), ``units``, ``cell`` (``"lstm"``,
    ``"gru"``), ``dense_units`` (0 = no dense block before the head; batch norm
    applies to it), ``activation`` (of the dense block), ``kernel_initializer``,
    ``dropout``, ``batch_norm``, ``l2``, ``optimizer`` (+ ``momentum``),
    ``learning_rate``, ``schedule``, ``batch_size``. Arguments as in
    :class:`ZooHyperModel`, plus the untuned token-model arguments of
    :func:`zoo.build_lstm`:

    Args:
        vocab_size: Token vocabulary size: the input is ``(timesteps,)`` token ids
            through an ``Embedding`` (the character text: ``zoo.data.load("text")``
            gives it in ``model_kwargs()``).
        embedding_dim: The embedding's width (``build_lstm``'s default, 32).
        return_sequences: Predict at every timestep (the text's next-character
            targets ``(timesteps,)`` per window).

    Raises:
        ValueError: a token input ``(timesteps,)`` without ``vocab_size``, or
            ``vocab_size`` with a ``(timesteps, features)`` input.

    Example:
        >>> hm = HyperLSTM((8, 8), 10, fixed={"cell": "gru"})
        >>> text = HyperLSTM((64,), 90, vocab_size=90, return_sequences=True)
    """

    def __init__(self, input_shape, num_classes=None, *, vocab_size=None, embedding_dim=None,
                 return_sequences=False, **kwargs):
        super().__init__(input_shape, num_classes, **kwargs)
        fn = type(self).__name__
        extra = {"vocab_size": vocab_size, "embedding_dim": embedding_dim,
                 "return_sequences": return_sequences or None}
        for key, value in extra.items():
            if value is not None:
                self.model_kwargs.setdefault(key, value)
        tokens = self.model_kwargs.get("vocab_size") is not None
        if tokens and len(self.input_shape) != 1:
            raise ValueError(f"{fn}: `vocab_size` takes token ids of shape (timesteps,), "
                             f"received input_shape={self.input_shape}")
        if not tokens and len(self.input_shape) != 2:
            raise ValueError(f"{fn}: input_shape={self.input_shape} is not (timesteps, "
                             "features); token ids (timesteps,) need vocab_size= (a text "
                             "Dataset's model_kwargs() has it)")

    def get_config(self) -> dict:
        return {**super().get_config(), "model_kwargs": dict(self.model_kwargs)}

    MODEL = "lstm"
    SPACE = (
        Param("recurrent_layers", "int", 1, low=1, high=2, help="Stacked recurrent layers."),
        Param("units", "choice", 64, values=(32, 64, 128), help="Width of each recurrent layer."),
        Param("cell", "choice", "lstm", values=("lstm", "gru"), help="Recurrent cell."),
        Param("dense_units", "choice", 0, values=(0, 64), help="Dense block before the head."),
        *_regularization_params(("relu", "elu", "gelu", "tanh"), _INITS, dropout_high=0.3),
        *_optimizer_params(),
    )

    def architecture(self, hp):
        dense = self.value(hp, "dense_units")
        return {"units": (self.value(hp, "units"),) * self.value(hp, "recurrent_layers"),
                "cell": self.value(hp, "cell"), "dense_units": (dense,) if dense else (),
                "dense_activation": self.value(hp, "activation"),
                "kernel_initializer": self.value(hp, "kernel_initializer"),
                "dropout": self.value(hp, "dropout"), "batch_norm": self.value(hp, "batch_norm"),
                "l2": self.value(hp, "l2")}


#: Registry model name -> (hypermodel class, fixed values implied by the name).
HYPERMODELS = {
    "fnn": (HyperFNN, {}),
    "cnn": (HyperCNN, {}),
    "lstm": (HyperLSTM, {}),
    "gru": (HyperLSTM, {"cell": "gru"}),
    "bilstm": (HyperLSTM, {}),
}


def get_hypermodel(name: str, dataset=None, **kwargs) -> ZooHyperModel:
    """Return the hypermodel for registry model ``name``, shaped for ``dataset``.

    Args:
        name: ``"fnn"``, ``"cnn"``, ``"lstm"``, ``"gru"`` or ``"bilstm"``.
        dataset: A :class:`zoo.data.Dataset`; gives ``input_shape``, ``task`` and
            ``num_classes`` unless those are in ``kwargs``.
        **kwargs: :class:`ZooHyperModel` arguments (``fixed``, ``ranges``, ``drop``, ``seed``...).

    Returns:
        A :class:`ZooHyperModel`.

    Raises:
        ValueError: no hypermodel for ``name``.

    Example:
        >>> import zoo
        >>> hm = get_hypermodel("cnn", zoo.data.load("digits"))
    """
    if not isinstance(name, str) or name not in HYPERMODELS:
        raise ValueError(f"get_hypermodel: no hypermodel for model {name!r}; tunable models: "
                         f"{', '.join(HYPERMODELS)}.{suggest(name, HYPERMODELS)}")
    cls, implied = HYPERMODELS[name]
    if dataset is not None:
        base = dataset.model_kwargs()
        shape_keys = ("input_shape", "task", "num_classes", "num_outputs")
        for key in shape_keys:
            if key in base:
                kwargs.setdefault(key, base[key])
        # What else the data set asks of the factory (the text's vocab_size and
        # return_sequences) is an untuned factory argument; the caller's own win.
        factory = {k: v for k, v in base.items() if k not in shape_keys}
        if factory:
            kwargs["model_kwargs"] = {**factory, **(kwargs.get("model_kwargs") or {})}
        kwargs.setdefault("train_size", dataset.size("train"))
        if dataset.streamed and dataset.x_train.fixed_batches:
            # A caller's tf.data/PyDataset keeps its batches: batch_size is not tuned.
            kwargs.setdefault("steps_per_epoch", dataset.steps_per_epoch(0))
            fixed = kwargs.get("fixed") or {}
            if "batch_size" not in fixed:
                kwargs["drop"] = tuple(dict.fromkeys((*(kwargs.get("drop") or ()),
                                                      "batch_size")))
                logger.info("get_hypermodel(%r): the data keep their own batches; "
                            "batch_size is not tuned", name)
    if implied:
        fixed = dict(implied)
        fixed.update(kwargs.get("fixed") or {})
        kwargs["fixed"] = fixed
    if name == "bilstm":
        extra = dict(kwargs.get("model_kwargs") or {})
        extra.setdefault("bidirectional", True)
        kwargs["model_kwargs"] = extra
    input_shape = kwargs.pop("input_shape", None)
    if input_shape is None:
        raise ValueError(f"get_hypermodel({name!r}): give a dataset or input_shape=")
    num_classes = kwargs.pop("num_classes", None)
    return cls(input_shape, num_classes, **kwargs)


def make_schedule(name: str, learning_rate: float, total_steps: int):
    """Build the learning-rate schedule ``name`` decaying over ``total_steps`` steps.

    ``"constant"`` returns ``learning_rate``; ``"cosine"`` decays to 0 along half a
    cosine; ``"exponential"`` decays by 10x over ``total_steps``. The schedules come
    from :func:`zoo.schedules.get_schedule`.

    Args:
        name: ``"constant"``, ``"cosine"`` or ``"exponential"``.
        learning_rate: Initial learning rate.
        total_steps: Steps over which the schedule decays.

    Returns:
        A float (constant) or a ``keras.optimizers.schedules.LearningRateSchedule``.

    Raises:
        ValueError: unknown ``name``.

    Example:
        >>> schedule = make_schedule("cosine", 1e-3, 100)
    """
    name = check_choice("make_schedule", "schedule", name, SCHEDULES)
    if name == "constant":
        return learning_rate
    from zoo.schedules import size_schedule

    return size_schedule(name, learning_rate=learning_rate, epochs=1,
                         steps_per_epoch=total_steps, **_SCHEDULE_ARGS[name])


def make_optimizer(name: str, learning_rate, *, momentum=None):
    """Build optimizer ``name`` with ``learning_rate`` (number or schedule).

    A thin wrapper of :func:`zoo.optimizers.build_optimizer`; ``momentum`` is passed
    for SGD only (the hypermodels' conditional hyperparameter).

    Args:
        name: An optimizer name of ``zoo.optimizers.build_optimizer`` (``"adam"``,
            ``"adamw"``, ``"rmsprop"``, ``"sgd"``...).
        learning_rate: A number or a learning-rate schedule.
        momentum: SGD momentum (ignored for other optimizers).

    Returns:
        A ``keras.optimizers.Optimizer``.

    Raises:
        ValueError: unknown optimizer name.

    Example:
        >>> opt = make_optimizer("sgd", 0.01, momentum=0.9)
    """
    from zoo.optimizers import build_optimizer

    kwargs = {"momentum": momentum} if name == "sgd" and momentum is not None else {}
    return build_optimizer(name, learning_rate, **kwargs)
