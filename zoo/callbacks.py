"""Training-health callbacks: gradient norms, dead/saturated units, learning rate.

Keras ships early stopping, NaN termination and plateau-based learning-rate
reduction; what it lacks is a view *inside* the network while it trains. This
module adds:

* :class:`GradientNormMonitor`: the gradient norm of every trainable layer on a
  held batch, every ``N`` batches, with warnings (or a stop) when gradients
  vanish between the output and the input side or explode.
* :class:`ActivationMonitor`: the share of dead ReLU units and of saturated
  sigmoid/tanh activations per layer.
* :class:`LearningRateLogger`: the current (schedule-aware) learning rate in the
  ``History`` as ``learning_rate``.
* :class:`TensorBoardScalars` (:func:`tensorboard_callback`): epoch metrics in
  TensorBoard on every backend, without TensorFlow.
* :func:`default_callbacks`: the list ``zoo.training.train`` (and so ``zoo train``)
  uses: early stopping with best weights restored, ``TerminateOnNaN``, optional
  ``ReduceLROnPlateau`` and the monitors above.

Every callback here has ``get_config``/``from_config`` and is registered with
``keras.saving.register_keras_serializable(package="zoo")``.
"""

from __future__ import annotations

import csv
import logging
import math
import warnings
from collections import OrderedDict
from pathlib import Path

import keras
import numpy as np

from zoo import backend
from zoo._validate import check_bool, check_number, check_positive_int

logger = logging.getLogger("zoo.callbacks")

__all__ = [
    "ActivationMonitor",
    "GradientNormMonitor",
    "LearningRateLogger",
    "TensorBoardScalars",
    "default_callbacks",
    "gradient_norms",
    "tensorboard_callback",
]

_STOP_KINDS = ("vanishing", "exploding")
_RELU_LIKE = ("relu", "relu6")
_SIGMOID_LIKE = ("sigmoid", "hard_sigmoid")
_TANH_LIKE = ("tanh",)


# --------------------------------------------------------------------------- helpers

def _as_array(fn: str, name: str, value, *, allow_none: bool = False):
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{fn}: `{name}` must be an array of samples, received {name}=None")
    if isinstance(value, (dict, list, tuple)) and not isinstance(value, np.ndarray):
        try:
            value = np.asarray(value)
        except ValueError:
            raise TypeError(f"{fn}: `{name}` must be an array of samples (dict and ragged "
                            f"inputs are not supported), received {type(value).__name__}"
                            ) from None
    if not hasattr(value, "shape") or len(getattr(value, "shape", ())) == 0:
        raise TypeError(f"{fn}: `{name}` must be an array with a batch axis, received "
                        f"{name}={value!r}")
    if value.shape[0] == 0:
        raise ValueError(f"{fn}: `{name}` must hold at least one sample, received an empty array")
    return np.asarray(value)


def _check_stop_on(fn: str, stop_on) -> tuple:
    if stop_on is None:
        return ()
    if isinstance(stop_on, str):
        stop_on = (stop_on,)
    stop_on = tuple(stop_on)
    for kind in stop_on:
        if kind not in _STOP_KINDS:
            raise ValueError(f"{fn}: unknown stop_on={kind!r}; expected a subset of "
                             f"{', '.join(repr(k) for k in _STOP_KINDS)}")
    return stop_on


def _layer_groups(model) -> list[tuple[str, list]]:
    """Trainable variables of ``model`` grouped by top-level layer, in graph order."""
    groups, seen = [], set()
    for layer in model.layers:
        variables = []
        for var in layer.trainable_weights:
            if id(var) not in seen:
                seen.add(id(var))
                variables.append(var)
        if variables:
            groups.append((layer.name, variables))
    return groups


def _activation_name(layer) -> str | None:
    """The activation a layer applies, as a lower-case name, or None."""
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    if isinstance(act, str):
        return act.lower()
    return getattr(act, "__name__", None)


def _format_norms(norms) -> str:
    return ", ".join(f"{k}={v:.3g}" for k, v in norms.items())


# --------------------------------------------------------------------------- gradients

def gradient_norms(model, x, y, *, sample_weight=None, training: bool = True) -> OrderedDict:
    """Gradient norm of the compiled loss with respect to each trainable layer.

    The loss is the model's compiled loss (plus regularization losses) on the batch
    ``(x, y)``; each layer's norm is the L2 norm of the gradients of all its trainable
    weights taken together. With ``training=True`` (the default) layers behave as in
    ``fit`` (batch statistics for batch norm); batch-norm moving statistics are
    left as they were, so measuring never changes the model. The gradients come
    from the backend's own autodiff (:func:`zoo.backend.loss_gradients`:
    ``tf.GradientTape``, ``jax.grad``, ``torch.autograd``).

    Args:
        model: A compiled ``keras.Model`` (functional or sequential).
        x: Input batch.
        y: Targets for ``x``.
        sample_weight: Optional per-sample weights.
        training: Call the model in training mode.

    Returns:
        An ``OrderedDict`` ``{layer_name: norm}`` from the input-side to the
        output-side layer.

    Raises:
        ValueError: the model is not compiled with a loss.

    Example:
        >>> model = zoo.build_fnn((4,), task="binary", hidden_units=(8,), seed=0)
        >>> norms = gradient_norms(model, np.ones((2, 4)), np.ones((2,)))
        >>> list(norms)
        ['dense_0', 'output']
    """
    if not getattr(model, "compiled", False) or getattr(model, "loss", None) is None:
        raise ValueError("gradient_norms: the model must be compiled with a loss first "
                         "(call model.compile(loss=...))")
    groups = _layer_groups(model)
    variables = [v for _, vs in groups for v in vs]
    grads = backend.loss_gradients(model, x, y, variables, sample_weight=sample_weight,
                                   training=training)
    norms, i = OrderedDict(), 0
    for name, vs in groups:
        total = 0.0
        for g in grads[i:i + len(vs)]:
            if g is not None:
                total += float(np.sum(g * g))
        i += len(vs)
        norms[name] = math.sqrt(total) if math.isfinite(total) else float("nan")
    return norms


@keras.saving.register_keras_serializable(package="zoo")
class GradientNormMonitor(keras.callbacks.Callback):
    """Record per-layer gradient norms on a held batch and flag vanishing/exploding.

    Every ``every`` training batches (and once before training when
    ``measure_at_start``) the monitor computes :func:`gradient_norms` on the held
    batch ``(x, y)``. With the first (input-side) and last (output-side) layer norms
    ``g_first`` and ``g_last`` it raises an alert when

    * ``g_first / g_last < vanishing_ratio`` (gradients vanish towards the input), or
    * any norm exceeds ``explode_threshold`` or is not finite (gradients explode).

    An alert is logged and issued as a ``UserWarning`` once per kind (``warn=True``);
    if its kind is in ``stop_on``, training stops (``model.stop_training = True``)
    and :attr:`stopped_reason` says why.

    What is recorded:

    * :meth:`latest_norms` - the last measurement, input side first;
    * :attr:`records` - every measurement as ``{"step", "epoch", layer: norm...}``;
    * the ``History`` (epoch logs): ``grad_norm_first``, ``grad_norm_last`` and
      ``grad_norm_ratio`` (first / last) of the epoch's last measurement;
    * optionally a CSV file (one row per measurement) and TensorBoard scalars
      ``grad_norm/<layer>`` in ``log_dir``.

    Args:
        x: Held input batch (at most ``max_samples`` samples are used).
        y: Targets for ``x``.
        every: Measure every this many training batches.
        vanishing_ratio: Alert when first/last layer norm ratio falls below it.
        explode_threshold: Alert when any layer norm exceeds it.
        stop_on: Alert kinds that stop training: a subset of
            ``("vanishing", "exploding")``; ``()`` only warns.
        warn: Log and warn on alerts.
        csv_path: Optional CSV file written during training.
        log_dir: Optional TensorBoard log directory.
        measure_at_start: Also measure before the first batch (step 0).
        training: Call the model in training mode for the measurement.
        max_samples: Cap on the held batch size.

    Raises:
        ValueError, TypeError: bad arguments (checked when constructed).

    Example:
        >>> monitor = GradientNormMonitor(x_val[:256], y_val[:256], every=10)
        >>> model.fit(x, y, epochs=3, callbacks=[monitor])
        >>> list(monitor.latest_norms())  # input side first
        ['dense_0', 'dense_1', 'output']
        >>> model.history.history["grad_norm_ratio"]  # first / last, per epoch
    """

    def __init__(self, x, y, every: int = 50, *, vanishing_ratio: float = 1e-3,
                 explode_threshold: float = 1e3, stop_on=(), warn: bool = True,
                 csv_path=None, log_dir=None, measure_at_start: bool = True,
                 training: bool = True, max_samples: int = 256):
        super().__init__()
        fn = "GradientNormMonitor"
        self.every = check_positive_int(fn, "every", every)
        self.vanishing_ratio = check_number(fn, "vanishing_ratio", vanishing_ratio, low=0.0,
                                            low_inclusive=False)
        self.explode_threshold = check_number(fn, "explode_threshold", explode_threshold,
                                              low=0.0, low_inclusive=False)
        self.stop_on = _check_stop_on(fn, stop_on)
        self.warn = check_bool(fn, "warn", warn)
        self.measure_at_start = check_bool(fn, "measure_at_start", measure_at_start)
        self.training = check_bool(fn, "training", training)
        self.max_samples = check_positive_int(fn, "max_samples", max_samples)
        x = _as_array(fn, "x", x)
        y = _as_array(fn, "y", y)
        if len(x) != len(y):
            raise ValueError(f"{fn}: `x` and `y` must hold the same number of samples, "
                             f"received {len(x)} and {len(y)}")
        self.x, self.y = x[:self.max_samples], y[:self.max_samples]
        self.csv_path = None if csv_path is None else str(csv_path)
        self.log_dir = None if log_dir is None else str(log_dir)
        self.records: list[dict] = []
        self.alerts: list[dict] = []
        self.stopped_reason: str | None = None
        self._step = 0
        self._epoch = 0
        self._warned: set = set()
        self._csv_file = None
        self._csv_writer = None
        self._tb_writer = None

    # -- public API ------------------------------------------------------------------
    def latest_norms(self) -> OrderedDict:
        """The last measurement ``{layer: norm}`` (input side first); empty before any."""
        if not self.records:
            return OrderedDict()
        row = self.records[-1]
        return OrderedDict((k, v) for k, v in row.items() if k not in ("step", "epoch"))

    def series(self, layer: str) -> list[float]:
        """Every recorded norm of ``layer``, in measurement order."""
        return [row[layer] for row in self.records if layer in row]

    def measure(self) -> OrderedDict:
        """Measure now on the held batch, record it and check for alerts."""
        norms = gradient_norms(self.model, self.x, self.y, training=self.training)
        row = {"step": self._step, "epoch": self._epoch, **norms}
        self.records.append(row)
        self._write(row, norms)
        self._check(norms)
        return norms

    # -- Keras hooks ---------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self.records, self.alerts, self.stopped_reason = [], [], None
        self._step, self._epoch, self._warned = 0, 0, set()
        if self.measure_at_start:
            self.measure()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step % self.every == 0:
            self.measure()

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or not self.records:
            return
        norms = self.latest_norms()
        values = list(norms.values())
        if values:
            first, last = values[0], values[-1]
            logs["grad_norm_first"] = first
            logs["grad_norm_last"] = last
            logs["grad_norm_ratio"] = first / last if last > 0 else float("nan")

    def on_train_end(self, logs=None):
        if self._csv_file is not None:
            self._csv_file.close()
            self._csv_file, self._csv_writer = None, None
        if self._tb_writer is not None:
            self._tb_writer.close()
            self._tb_writer = None

    # -- internals -----------------------------------------------------------------
    def _write(self, row, norms):
        if self.csv_path is not None:
            if self._csv_writer is None:
                path = Path(self.csv_path)
                path.parent.mkdir(parents=True, exist_ok=True)
                self._csv_file = path.open("w", newline="")
                self._csv_writer = csv.DictWriter(self._csv_file, fieldnames=list(row))
                self._csv_writer.writeheader()
            self._csv_writer.writerow(row)
            self._csv_file.flush()
        if self.log_dir is not None:
            if self._tb_writer is None:
                self._tb_writer = backend.scalar_writer(self.log_dir)
            for name, value in norms.items():
                self._tb_writer.scalar(f"grad_norm/{name}", value, step=row["step"])

    def _check(self, norms):
        values = list(norms.values())
        if not values:
            return
        worst = max(values, key=lambda v: v if math.isfinite(v) else math.inf)
        if not all(math.isfinite(v) for v in values):
            self._alert("exploding", f"non-finite gradient norm at step {self._step}: "
                                     f"{_format_norms(norms)}")
        elif worst > self.explode_threshold:
            self._alert("exploding", f"gradient norm {worst:.3g} exceeds explode_threshold="
                                     f"{self.explode_threshold:g} at step {self._step}")
        first, last = values[0], values[-1]
        if len(values) > 1 and last > 0 and math.isfinite(first) and math.isfinite(last):
            ratio = first / last
            if ratio < self.vanishing_ratio:
                self._alert("vanishing", f"first/last layer gradient norm ratio {ratio:.3g} "
                                         f"is below vanishing_ratio={self.vanishing_ratio:g} "
                                         f"at step {self._step} ({first:.3g} vs {last:.3g})")

    def _alert(self, kind, message):
        self.alerts.append({"step": self._step, "epoch": self._epoch, "kind": kind,
                            "message": message})
        if self.warn and kind not in self._warned:
            self._warned.add(kind)
            logger.warning("%s gradients: %s", kind, message)
            warnings.warn(f"GradientNormMonitor: {kind} gradients: {message}", stacklevel=2)
        if kind in self.stop_on and self.model is not None:
            if self.stopped_reason is None:
                self.stopped_reason = f"{kind}: {message}"
                logger.warning("stopping training: %s gradients", kind)
            self.model.stop_training = True

    def get_config(self) -> dict:
        return {"x": self.x.tolist(), "y": self.y.tolist(), "x_dtype": str(self.x.dtype),
                "y_dtype": str(self.y.dtype), "every": self.every,
                "vanishing_ratio": self.vanishing_ratio,
                "explode_threshold": self.explode_threshold, "stop_on": list(self.stop_on),
                "warn": self.warn, "csv_path": self.csv_path, "log_dir": self.log_dir,
                "measure_at_start": self.measure_at_start, "training": self.training,
                "max_samples": self.max_samples}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        x = np.asarray(config.pop("x"), dtype=config.pop("x_dtype", "float32"))
        y = np.asarray(config.pop("y"), dtype=config.pop("y_dtype", "float32"))
        return cls(x, y, **config)


# --------------------------------------------------------------------------- TensorBoard

@keras.saving.register_keras_serializable(package="zoo")
class TensorBoardScalars(keras.callbacks.Callback):
    """Epoch metrics as TensorBoard scalars, on every backend, without TensorFlow.

    Keras' ``TensorBoard`` callback writes through ``tf.summary``, so it needs
    TensorFlow installed; this one writes with the ``tensorboard`` package's own
    writer (:func:`zoo.backend.scalar_writer`). Each ``fit`` gets the next free run
    folder ``<log_dir>/fit_NNNN`` (one per trial in a search) with Keras' layout:
    ``train/`` holds ``epoch_<metric>``, ``validation/`` the ``val_`` metrics
    under the same tags, so TensorBoard overlays them.

    Args:
        log_dir: Directory of the runs.

    Example:
        >>> model.fit(x, y, epochs=3, callbacks=[TensorBoardScalars("runs/tb")])
    """

    def __init__(self, log_dir):
        super().__init__()
        if not isinstance(log_dir, (str, Path)) or not str(log_dir):
            raise TypeError(f"TensorBoardScalars: `log_dir` must be a path, received "
                            f"log_dir={log_dir!r}")
        self.log_dir = str(log_dir)
        self._writers = None
        self.run_dir = None

    def on_train_begin(self, logs=None):
        # The next free run folder: copies of this callback (keras-tuner makes one per
        # trial) and other processes each take their own.
        root = Path(self.log_dir)
        root.mkdir(parents=True, exist_ok=True)
        index = 1
        while True:
            run = root / f"fit_{index:04d}"
            try:
                run.mkdir()
                break
            except FileExistsError:
                index += 1
        self.run_dir = str(run)
        self._writers = {"train": backend.scalar_writer(run / "train"),
                         "validation": backend.scalar_writer(run / "validation")}

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            part = "validation" if key.startswith("val_") else "train"
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            self._writers[part].scalar(f"epoch_{key.removeprefix('val_')}", value, epoch)

    def on_train_end(self, logs=None):
        for writer in (self._writers or {}).values():
            writer.close()
        self._writers = None

    def get_config(self):
        return {"log_dir": self.log_dir}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def tensorboard_callback(log_dir):
    """The TensorBoard callback for the backend: Keras' own on TensorFlow, else
    :class:`TensorBoardScalars` (Keras' needs TensorFlow; keras-tuner adds its
    HParams dashboard on TensorFlow only).

    Example:
        >>> callbacks = [tensorboard_callback("runs/tb")]
    """
    if backend.name() == "tensorflow":
        return keras.callbacks.TensorBoard(str(log_dir))
    return TensorBoardScalars(log_dir)


# --------------------------------------------------------------------------- activations

@keras.saving.register_keras_serializable(package="zoo")
class ActivationMonitor(keras.callbacks.Callback):
    """Share of dead ReLU units and saturated sigmoid/tanh activations per layer.

    At the end of every ``every_epoch``-th epoch (and before training when
    ``measure_at_start``) the monitor runs the held inputs ``x`` through the model
    and reads the output of every layer that applies an activation: the
    ``*_act`` ``Activation`` layers of ``zoo.layers`` blocks, any ``Activation``
    or ``ReLU`` layer, and ``Dense``/``Conv`` layers built with an activation. The
    model's output layers are skipped unless ``include_output``.

    * ReLU (``relu``, ``relu6``): a unit (a feature, or a channel of a
      convolution) is *dead* when it outputs 0 for every held sample; the layer's
      score is the share of dead units.
    * Sigmoid (``sigmoid``, ``hard_sigmoid``) and ``tanh``: an activation is
      *saturated* when ``|a| >= saturation`` (tanh) or ``a <= 1 - saturation``
      or ``a >= saturation`` (sigmoid); the layer's score is the share of
      saturated values over samples and units.

    Scores go to the epoch logs (so to ``History``) as ``<layer>_dead`` and
    ``<layer>_saturated``, and every measurement to :attr:`records`.

    Args:
        x: Held inputs (at most ``max_samples`` are used).
        every_epoch: Measure every this many epochs.
        saturation: Threshold in (0.5, 1) defining saturation.
        include_output: Also score the output layers.
        measure_at_start: Also measure before training (epoch 0).
        max_samples: Cap on the held batch size.

    Example:
        >>> monitor = ActivationMonitor(x_val, every_epoch=1)
        >>> model.fit(x, y, epochs=3, callbacks=[monitor])
        >>> monitor.latest()["dense_0_act"]  # e.g. {'kind': 'relu', 'dead': 0.03}
    """

    def __init__(self, x, every_epoch: int = 1, *, saturation: float = 0.99,
                 include_output: bool = False, measure_at_start: bool = True,
                 max_samples: int = 512):
        super().__init__()
        fn = "ActivationMonitor"
        self.every_epoch = check_positive_int(fn, "every_epoch", every_epoch)
        self.saturation = check_number(fn, "saturation", saturation, low=0.5, high=1.0,
                                       low_inclusive=False, high_inclusive=False)
        self.include_output = check_bool(fn, "include_output", include_output)
        self.measure_at_start = check_bool(fn, "measure_at_start", measure_at_start)
        self.max_samples = check_positive_int(fn, "max_samples", max_samples)
        self.x = _as_array(fn, "x", x)[:self.max_samples]
        self.records: list[dict] = []
        self._probe = None
        self._probe_model = None
        self._layers: list[tuple[str, str]] = []

    def _build_probe(self):
        if self._probe_model is self.model:
            return
        outputs = {id(t) for t in self.model.outputs}
        chosen, tensors = [], []
        for layer in self.model.layers:
            kind = _activation_name(layer)
            if kind not in _RELU_LIKE + _SIGMOID_LIKE + _TANH_LIKE:
                continue
            try:
                tensor = layer.output
            except (AttributeError, ValueError):
                continue  # a layer called several times has no single output
            if id(tensor) in outputs and not self.include_output:
                continue
            chosen.append((layer.name, kind))
            tensors.append(tensor)
        self._layers = chosen
        self._probe = keras.Model(self.model.inputs, tensors) if tensors else None
        self._probe_model = self.model
        if not chosen:
            logger.warning("ActivationMonitor: model %r has no ReLU, sigmoid or tanh layers to "
                           "monitor", self.model.name)

    def measure(self) -> OrderedDict:
        """Score the layers now; returns ``{layer: {"kind", "dead" or "saturated"}}``."""
        self._build_probe()
        scores = OrderedDict()
        if self._probe is None:
            return scores
        acts = self._probe.predict(self.x, batch_size=256, verbose=0)
        if not isinstance(acts, (list, tuple)):
            acts = [acts]
        for (name, kind), a in zip(self._layers, acts, strict=True):
            a = np.asarray(a, dtype="float64")
            if kind in _RELU_LIKE:
                per_unit = a.reshape(-1, a.shape[-1]).max(axis=0)
                scores[name] = {"kind": kind, "dead": float(np.mean(per_unit <= 0.0))}
            elif kind in _TANH_LIKE:
                scores[name] = {"kind": kind,
                                "saturated": float(np.mean(np.abs(a) >= self.saturation))}
            else:
                low, high = 1.0 - self.saturation, self.saturation
                scores[name] = {"kind": kind,
                                "saturated": float(np.mean((a <= low) | (a >= high)))}
        return scores

    def latest(self) -> OrderedDict:
        """The last measurement (see :meth:`measure`); empty before any."""
        if not self.records:
            return OrderedDict()
        return OrderedDict((k, v) for k, v in self.records[-1].items() if k != "epoch")

    def on_train_begin(self, logs=None):
        self.records = []
        if self.measure_at_start:
            self.records.append({"epoch": 0, **self.measure()})

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epoch:
            return
        scores = self.measure()
        self.records.append({"epoch": epoch + 1, **scores})
        if logs is not None:
            for name, score in scores.items():
                for key in ("dead", "saturated"):
                    if key in score:
                        logs[f"{name}_{key}"] = score[key]

    def get_config(self) -> dict:
        return {"x": self.x.tolist(), "x_dtype": str(self.x.dtype),
                "every_epoch": self.every_epoch, "saturation": self.saturation,
                "include_output": self.include_output,
                "measure_at_start": self.measure_at_start, "max_samples": self.max_samples}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        x = np.asarray(config.pop("x"), dtype=config.pop("x_dtype", "float32"))
        return cls(x, **config)


# --------------------------------------------------------------------------- learning rate

def _current_lr(optimizer) -> float:
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


@keras.saving.register_keras_serializable(package="zoo")
class LearningRateLogger(keras.callbacks.Callback):
    """Put the optimizer's current learning rate into the logs as ``learning_rate``.

    Schedule-aware: with a ``LearningRateSchedule`` the value is the schedule at the
    optimizer's current iteration (the rate the next step will use), so it shows up
    in ``History.history["learning_rate"]`` next to the loss.

    Args:
        per_batch: Also record the rate after every batch in :attr:`batch_rates`.

    Example:
        >>> history = model.fit(x, y, epochs=3, callbacks=[LearningRateLogger()])
        >>> history.history["learning_rate"]
        [0.001, 0.001, 0.001]
    """

    def __init__(self, per_batch: bool = False):
        super().__init__()
        self.per_batch = check_bool("LearningRateLogger", "per_batch", per_batch)
        self.batch_rates: list[float] = []

    def on_train_begin(self, logs=None):
        self.batch_rates = []

    def on_train_batch_end(self, batch, logs=None):
        if self.per_batch:
            self.batch_rates.append(_current_lr(self.model.optimizer))

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):  # keras' multi-optimizer wrappers
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = _current_lr(opt)
        else:
            logs["learning_rate"] = _current_lr(optimizer)

    def get_config(self) -> dict:
        return {"per_batch": self.per_batch}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# --------------------------------------------------------------------------- defaults

def _monitor_kwargs(fn: str, name: str, value, positional: tuple) -> dict:
    """Read ``(x, y)`` / ``x`` / a kwargs dict into constructor keyword arguments."""
    if isinstance(value, dict):
        return dict(value)
    if len(positional) == 2:
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise TypeError(f"{fn}: `{name}` must be an (x, y) pair or a dict of "
                            f"GradientNormMonitor arguments, received {type(value).__name__}")
        return {"x": value[0], "y": value[1]}
    return {"x": value}


def default_callbacks(patience: int | None = 5, monitor: str = "val_loss", *,
                      reduce_lr=False, grad_monitor_data=None, activation_monitor_data=None,
                      terminate_on_nan: bool = True, lr_logger: bool = True,
                      min_delta: float = 0.0) -> list:
    """The callbacks a zoo training run uses by default.

    In order: the optional :class:`GradientNormMonitor` and :class:`ActivationMonitor`
    (so their values are in the logs the others see), :class:`LearningRateLogger`,
    ``TerminateOnNaN``, the optional ``ReduceLROnPlateau`` and ``EarlyStopping`` with
    the best weights restored.

    Args:
        patience: Early-stopping patience in epochs; ``None`` leaves early stopping out.
        monitor: Quantity watched by early stopping and plateau reduction.
        reduce_lr: ``True`` adds ``ReduceLROnPlateau(factor=0.5, patience=max(1,
            patience // 2))``; a dict gives its arguments; ``False`` leaves it out.
            Incompatible with a learning-rate schedule.
        grad_monitor_data: ``(x, y)`` held batch, or a dict of
            :class:`GradientNormMonitor` arguments, to add the gradient monitor.
        activation_monitor_data: Held inputs ``x``, or a dict of
            :class:`ActivationMonitor` arguments, to add the activation monitor.
        terminate_on_nan: Add ``keras.callbacks.TerminateOnNaN``.
        lr_logger: Add :class:`LearningRateLogger`.
        min_delta: Minimum improvement for early stopping.

    Returns:
        A list of ``keras.callbacks.Callback``.

    Raises:
        ValueError, TypeError: bad arguments.

    Example:
        >>> [type(c).__name__ for c in default_callbacks(patience=3)]
        ['LearningRateLogger', 'TerminateOnNaN', 'EarlyStopping']
    """
    fn = "default_callbacks"
    if patience is not None:
        patience = check_positive_int(fn, "patience", patience)
    if not isinstance(monitor, str) or not monitor:
        raise TypeError(f"{fn}: `monitor` must be a metric name such as 'val_loss', "
                        f"received monitor={monitor!r}")
    if not isinstance(reduce_lr, (bool, dict)):
        raise TypeError(f"{fn}: `reduce_lr` must be True, False or a dict of "
                        f"ReduceLROnPlateau arguments, received reduce_lr={reduce_lr!r}")
    check_bool(fn, "terminate_on_nan", terminate_on_nan)
    check_bool(fn, "lr_logger", lr_logger)
    check_number(fn, "min_delta", min_delta, low=0.0)
    callbacks = []
    if grad_monitor_data is not None:
        kwargs = _monitor_kwargs(fn, "grad_monitor_data", grad_monitor_data, ("x", "y"))
        callbacks.append(GradientNormMonitor(**kwargs))
    if activation_monitor_data is not None:
        kwargs = _monitor_kwargs(fn, "activation_monitor_data", activation_monitor_data, ("x",))
        callbacks.append(ActivationMonitor(**kwargs))
    if lr_logger:
        callbacks.append(LearningRateLogger())
    if terminate_on_nan:
        callbacks.append(keras.callbacks.TerminateOnNaN())
    if reduce_lr is not False:
        options = {"monitor": monitor, "factor": 0.5,
                   "patience": max(1, (patience or 4) // 2), "min_lr": 1e-6}
        if isinstance(reduce_lr, dict):
            options.update(reduce_lr)
        callbacks.append(keras.callbacks.ReduceLROnPlateau(**options))
    if patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor=monitor, patience=patience, min_delta=min_delta,
            restore_best_weights=True))
    return callbacks
