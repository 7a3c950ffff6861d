"""Objectives measured on the model: ``params``, ``flops``, ``latency_ms``.

:class:`ModelMetrics` computes the ones a search asks for once per trial, when
the trial's ``fit`` starts, and adds them to the logs of every epoch, so
keras-tuner records them with the trial's other metrics and the oracle sees
them like ``val_accuracy``.

* ``params``: ``model.count_params()`` (trainable and not).
* ``flops``: floating-point operations of one sample's forward pass, counted
  from the layers' input and output shapes (:func:`count_flops`): a multiply-add
  is 2 FLOPs, in ``Dense`` (bias and activation not
  counted), convolutions (``Conv1D/2D/3D``, transposed, depthwise, separable)
  and recurrent layers (``SimpleRNN``, ``GRU``, ``LSTM``: per time step, the
  gates' input and recurrent products; ``Bidirectional`` twice). Embedding
  lookups, pooling, normalisation, activations and dropout count 0: they are
  small next to the products on the zoo's models.
* ``latency_ms``: the median of :data:`LATENCY_RUNS` timed ``predict_on_batch``
  calls on one validation batch of up to :data:`LATENCY_BATCH` samples, after a
  first call that traces the function (wall clock, this process's device).
"""

from __future__ import annotations

import math
import statistics
import time

from tuning.config import DERIVED_OBJECTIVES
from zoo.backend import import_keras

keras = import_keras()

LATENCY_RUNS = 5
LATENCY_BATCH = 32


def _shape(tensor_or_shape):
    shape = getattr(tensor_or_shape, "shape", tensor_or_shape)
    return tuple(1 if d is None else int(d) for d in shape)


def _elements(shape) -> int:
    """Elements of one sample of ``shape`` (the batch dimension left out)."""
    return math.prod(shape[1:])


def _recurrent_flops(cell_layer, input_shape) -> int:
    gates = {"LSTM": 4, "GRU": 3}.get(type(cell_layer).__name__, 1)
    steps, features = input_shape[1], input_shape[-1]
    units = cell_layer.units
    return 2 * steps * gates * (features + units) * units


def layer_flops(layer, input_shape, output_shape) -> int:
    """FLOPs of one sample through ``layer`` (see the module docstring for what counts).

    Args:
        layer: A Keras layer.
        input_shape, output_shape: Its shapes, batch dimension first.

    Returns:
        An int (0 for the layers not counted).
    """
    layers = keras.layers
    out = _elements(output_shape)
    if isinstance(layer, layers.Dense):
        return 2 * out * input_shape[-1]
    if isinstance(layer, layers.SeparableConv1D | layers.SeparableConv2D):
        kernel = math.prod(layer.kernel_size)
        spatial = math.prod(output_shape[1:-1])
        channels_in = input_shape[-1] * layer.depth_multiplier
        return 2 * spatial * (kernel * channels_in + channels_in * layer.filters)
    if isinstance(layer, layers.DepthwiseConv1D | layers.DepthwiseConv2D):
        return 2 * out * math.prod(layer.kernel_size)
    conv = (layers.Conv1D, layers.Conv2D, layers.Conv3D, layers.Conv1DTranspose,
            layers.Conv2DTranspose, layers.Conv3DTranspose)
    if isinstance(layer, conv):
        channels_in = input_shape[-1] if layer.data_format == "channels_last" else input_shape[1]
        groups = getattr(layer, "groups", 1) or 1
        products = out * math.prod(layer.kernel_size) * channels_in // groups
        if "Transpose" in type(layer).__name__:  # every input element meets the kernel
            products = (_elements(input_shape) * math.prod(layer.kernel_size) * layer.filters)
        return 2 * products
    if isinstance(layer, layers.Bidirectional):
        return (_recurrent_flops(layer.forward_layer, input_shape)
                + _recurrent_flops(layer.backward_layer, input_shape))
    if isinstance(layer, layers.SimpleRNN | layers.GRU | layers.LSTM):
        return _recurrent_flops(layer, input_shape)
    return 0


def count_flops(model) -> int:
    """FLOPs of one sample's forward pass through a built ``model`` (nested models too).

    Counts each layer from the shapes it was called with (see the module
    docstring); a layer whose input or output shape is unknown (called on
    several inputs) counts 0.

    Example:
        >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
        >>> count_flops(model)
        64
    """
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += count_flops(layer)
            continue
        try:
            input_shape, output_shape = _shape(layer.input), _shape(layer.output)
        except (AttributeError, ValueError, TypeError):
            continue
        total += layer_flops(layer, input_shape, output_shape)
    return int(total)


def measure_latency(model, x, *, runs: int = LATENCY_RUNS) -> float:
    """Median milliseconds of ``model.predict_on_batch(x)`` over ``runs`` calls.

    The first call (which traces the predict function) is not timed.
    """
    model.predict_on_batch(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        model.predict_on_batch(x)
        times.append((time.perf_counter() - start) * 1000.0)
    return float(statistics.median(times))


def measure(model, names, sample=None) -> dict:
    """``{name: value}`` of the derived objectives ``names`` for ``model``.

    Args:
        model: A built model.
        names: Names out of :data:`tuning.config.DERIVED_OBJECTIVES`.
        sample: One input batch (needed for ``latency_ms``).
    """
    values = {}
    if "params" in names:
        values["params"] = float(model.count_params())
    if "flops" in names:
        values["flops"] = float(count_flops(model))
    if "latency_ms" in names:
        values["latency_ms"] = measure_latency(model, sample)
    return values


class ModelMetrics(keras.callbacks.Callback):
    """Adds derived objectives to every epoch's logs, measured once per trial.

    Args:
        names: The derived objectives to add (out of ``params``, ``flops``, ``latency_ms``).
        sample: One input batch for ``latency_ms``.

    Example:
        >>> callback = ModelMetrics(["params"])
        >>> model.fit(x, y, callbacks=[callback])  # history has "params" every epoch
    """

    def __init__(self, names, sample=None):
        super().__init__()
        unknown = sorted(set(names) - set(DERIVED_OBJECTIVES))
        if unknown:
            raise ValueError(f"ModelMetrics: unknown derived objectives {unknown}; known: "
                             f"{', '.join(DERIVED_OBJECTIVES)}")
        self.names = tuple(names)
        self.sample = sample
        self.values = {}

    def on_train_begin(self, logs=None):
        self.values = measure(self.model, self.names, self.sample)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs.update(self.values)


def callbacks_for(config, dataset) -> list:
    """The :class:`ModelMetrics` callback a search's objectives need (an empty list if none)."""
    names = [name for name, _ in config.objectives if name in DERIVED_OBJECTIVES]
    if not names:
        return []
    sample = dataset.peek("val", LATENCY_BATCH)[0] if "latency_ms" in names else None
    return [ModelMetrics(names, sample)]
