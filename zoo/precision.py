"""Mixed-precision policies: ``mixed_precision="auto"`` picks the fast one for the hardware.

``"auto"`` resolves to

* on JAX and PyTorch: ``"mixed_bfloat16"`` on a GPU with compute capability 8.0 or
  above (Ampere, Ada, Hopper...: bfloat16 tensor cores as fast as float16, and no
  loss scaling: bfloat16 has float32's range), ``"mixed_float16"`` (with loss
  scaling) on a 7.x GPU (Volta, Turing: float16 tensor cores only);
* on TensorFlow: ``"mixed_float16"`` on a GPU with compute capability 7.0 or above;
* ``"mixed_bfloat16"`` on a TPU;
* ``"float32"`` everywhere else (CPU, older GPUs), where reduced precision brings
  no speed and costs accuracy.

Explicit names (``"float32"``, ``"mixed_float16"``, ``"mixed_bfloat16"``) are used as
given (a warning is logged when they are likely to be slow on the hardware
present); ``None`` leaves Keras' global policy alone. Under a mixed policy the
layers compute in float16/bfloat16 and keep float32 weights; the zoo's task heads
(:func:`zoo.layers.output_layer`) always compute in float32, so losses stay
stable, and ``model.compile`` wraps the optimizer in a ``LossScaleOptimizer`` for
``mixed_float16`` (on every backend).

The hardware probe :func:`list_devices` asks the active backend (TensorFlow, JAX
or PyTorch: :func:`zoo.backend.devices`); it is a module-level function, and every
resolver takes ``devices=`` (and ``backend_name=``), so tests can substitute them.

Example:
    >>> resolve_policy("auto", devices=[{"type": "GPU", "compute_capability": (8, 0)}],
    ...                backend_name="jax")
    'mixed_bfloat16'
    >>> resolve_policy("auto", devices=[{"type": "GPU", "compute_capability": (8, 0)}],
    ...                backend_name="tensorflow")
    'mixed_float16'
    >>> resolve_policy("auto", devices=[{"type": "CPU"}])
    'float32'
"""

from __future__ import annotations

import contextlib
import logging

from zoo._validate import checking_only, suggest

logger = logging.getLogger("zoo.precision")

#: Accepted values of ``mixed_precision`` (``None`` too: leave the global policy alone).
POLICIES = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
#: Minimum GPU compute capability for ``"auto"`` to choose ``mixed_float16``.
MIN_FLOAT16_CAPABILITY = (7, 0)
#: Minimum GPU compute capability for ``"auto"`` to choose ``mixed_bfloat16`` on JAX and
#: PyTorch (Ampere's bfloat16 tensor cores).
MIN_BFLOAT16_CAPABILITY = (8, 0)
#: The backends on which ``"auto"`` prefers bfloat16 on a GPU that has it.
BFLOAT16_BACKENDS = ("jax", "torch")


def check_policy(fn: str, mixed_precision, *, name: str = "mixed_precision"):
    """Validate a ``mixed_precision`` value in plain Python (no backend import).

    Args:
        fn: Name of the calling function, for the message.
        mixed_precision: ``None`` or one of :data:`POLICIES` (case-insensitive).
        name: Parameter name, for the message.

    Returns:
        The normalised value (lower case) or ``None``.

    Raises:
        TypeError: neither ``None`` nor a string.
        ValueError: an unknown policy name.

    Example:
        >>> check_policy("build_cnn", "AUTO")
        'auto'
    """
    if mixed_precision is None:
        return None
    if not isinstance(mixed_precision, str):
        raise TypeError(
            f"{fn}: `{name}` must be None or one of {', '.join(POLICIES)}, received "
            f"{name}={mixed_precision!r} of type {type(mixed_precision).__name__}")
    value = mixed_precision.strip().lower().replace("-", "_")
    aliases = {"fp32": "float32", "fp16": "mixed_float16", "float16": "mixed_float16",
               "bf16": "mixed_bfloat16", "bfloat16": "mixed_bfloat16"}
    if value in aliases:
        raise ValueError(
            f"{fn}: unknown {name}={mixed_precision!r}; did you mean {aliases[value]!r}? "
            f"Expected None or one of {', '.join(POLICIES)}")
    if value not in POLICIES:
        raise ValueError(
            f"{fn}: unknown {name}={mixed_precision!r}; expected None or one of "
            f"{', '.join(POLICIES)}.{suggest(value, POLICIES)}")
    return value


def list_devices() -> list[dict]:
    """The accelerators the active backend sees, as ``{"type", "name", "compute_capability"}`` dicts.

    Asked of the backend in use (:func:`zoo.backend.devices`): TensorFlow's
    physical GPUs and the TPUs it is connected to (after
    ``zoo.distribute.resolve_strategy`` connected to one), ``jax.devices()``, or
    ``torch.cuda``; no other backend is imported. GPUs carry their
    ``compute_capability`` as a ``(major, minor)`` tuple (``None`` when not
    reported). The CPU is always listed last.

    Returns:
        A list of device dicts.
    """
    from zoo import backend

    return backend.devices()


def _check_devices(fn, devices):
    if not isinstance(devices, (list, tuple)):
        raise TypeError(f"{fn}: `devices` must be a list of device dicts, received {devices!r}")
    for device in devices:
        if not isinstance(device, dict) or str(device.get("type", "")).upper() not in (
                "CPU", "GPU", "TPU"):
            raise ValueError(f"{fn}: each device must be a dict with type 'CPU', 'GPU' or "
                             f"'TPU', received {device!r}")
    return [dict(d, type=str(d["type"]).upper()) for d in devices]


def _capability(device):
    cap = device.get("compute_capability")
    if cap is None:
        return None
    if isinstance(cap, str):  # "8.0"
        major, _, minor = cap.partition(".")
        return int(major), int(minor or 0)
    return tuple(int(c) for c in cap)


def resolve_policy(mixed_precision="auto", *, devices=None, backend_name: str | None = None,
                   fn: str = "resolve_policy"):
    """Return the Keras dtype policy name for ``mixed_precision`` on ``devices``.

    Args:
        mixed_precision: ``"auto"``, ``"float32"``, ``"mixed_float16"``,
            ``"mixed_bfloat16"`` or ``None`` (returns ``None``: keep the global policy).
        devices: Device dicts as returned by :func:`list_devices` (queried when
            ``None``). Only ``"auto"`` and the slow-path warnings look at them.
        backend_name: The Keras backend ``"auto"`` resolves for (default: the active
            one, :func:`zoo.backend.name`).
        fn: Name of the calling function, for error messages.

    Returns:
        A policy name, or ``None``.

    Raises:
        TypeError, ValueError: a bad ``mixed_precision`` or device list.

    Example:
        >>> resolve_policy("auto", devices=[{"type": "TPU"}, {"type": "CPU"}])
        'mixed_bfloat16'
        >>> resolve_policy("auto", devices=[{"type": "GPU", "compute_capability": (6, 1)}])
        'float32'
    """
    value = check_policy(fn, mixed_precision)
    if value is None or (value == "float32" and devices is None):
        return value
    devices = _check_devices(fn, list_devices() if devices is None else devices)
    tpus = [d for d in devices if d["type"] == "TPU"]
    gpus = [d for d in devices if d["type"] == "GPU"]
    fast_gpus = [d for d in gpus
                 if (_capability(d) or (0, 0)) >= MIN_FLOAT16_CAPABILITY]
    bf16_gpus = [d for d in gpus
                 if (_capability(d) or (0, 0)) >= MIN_BFLOAT16_CAPABILITY]
    if value == "auto":
        if backend_name is None:
            from zoo import backend

            backend_name = backend.name()
        if tpus:
            policy = "mixed_bfloat16"
        elif (gpus and len(bf16_gpus) == len(gpus)
              and backend_name in BFLOAT16_BACKENDS):
            policy = "mixed_bfloat16"
        elif gpus and len(fast_gpus) == len(gpus):
            policy = "mixed_float16"
        else:
            policy = "float32"
        logger.info("mixed_precision='auto': %s on %s", policy,
                    ", ".join(describe_device(d) for d in (tpus or gpus or devices)))
        return policy
    if value == "mixed_float16" and len(fast_gpus) < len(gpus or [None]):
        logger.warning("%s: mixed_float16 requested but %s; it will likely be slower than "
                       "float32 (use mixed_precision='auto')", fn,
                       "there is no GPU" if not gpus else
                       "a GPU has compute capability below 7.0")
    if value == "mixed_bfloat16" and not tpus and not fast_gpus:
        logger.warning("%s: mixed_bfloat16 requested without a TPU or a recent GPU; it will "
                       "likely be slower than float32", fn)
    return value


def describe_device(device: dict) -> str:
    """A one-line description such as ``"GPU NVIDIA A100 (compute capability 8.0)"``."""
    cap = _capability(device)
    name = device.get("name") or device["type"]
    text = name if name.upper().startswith(device["type"]) else f"{device['type']} {name}"
    return text + (f" (compute capability {cap[0]}.{cap[1]})" if cap else "")


@contextlib.contextmanager
def policy_scope(mixed_precision, *, devices=None, backend_name: str | None = None,
                 fn: str = "policy_scope"):
    """Build layers under the resolved policy; restore Keras' global policy afterwards.

    Layers take the global dtype policy when they are created, so a model built
    inside the scope computes in the chosen precision, and the models built after
    it are unaffected. ``None`` changes nothing.

    Args:
        mixed_precision: As in :func:`resolve_policy`.
        devices, backend_name: As in :func:`resolve_policy`.
        fn: Caller name for error messages.

    Yields:
        The policy name in force (``None`` when unchanged).

    Example:
        >>> import keras
        >>> with policy_scope("mixed_bfloat16"):
        ...     layer = keras.layers.Dense(4)
        >>> layer.compute_dtype, keras.config.dtype_policy().name
        ('bfloat16', 'float32')
    """
    policy = resolve_policy(mixed_precision, devices=devices, backend_name=backend_name, fn=fn)
    if policy is None:
        yield None
        return
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield policy
    finally:
        keras.config.set_dtype_policy(previous)


def precision_aware(factory):
    """Give a model factory a ``mixed_precision=None`` keyword argument.

    The value is validated in plain Python first; the factory then runs inside
    :func:`policy_scope`, so every layer it creates uses the resolved policy (the
    zoo's output layers stay float32). ``None`` runs the factory unchanged.

    Args:
        factory: A function returning a ``keras.Model``.

    Returns:
        The wrapped factory; its signature shows ``mixed_precision``.
    """
    import functools
    import inspect

    fn = factory.__name__

    @functools.wraps(factory)
    def wrapper(*args, mixed_precision=None, **kwargs):
        value = check_policy(fn, mixed_precision)
        if value is None or checking_only():  # checking only: no policy, no Keras
            return factory(*args, **kwargs)
        with policy_scope(value, fn=fn):
            return factory(*args, **kwargs)

    signature = inspect.signature(factory)
    params = list(signature.parameters.values())
    if "mixed_precision" not in signature.parameters:
        extra = inspect.Parameter("mixed_precision", inspect.Parameter.KEYWORD_ONLY,
                                  default=None)
        at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
        params.insert(at, extra)
    wrapper.__signature__ = signature.replace(parameters=params)
    return wrapper
