"""Pick a distribution of training for the backend and the hardware actually present.

On TensorFlow, a ``tf.distribute`` strategy: ``resolve_strategy("auto")`` connects
to a TPU when a ``TPUClusterResolver`` finds one, uses ``MirroredStrategy`` over
several visible GPUs, and the default strategy on one GPU or on the CPU.

On JAX, Keras' own ``keras.distribution``: ``"auto"`` gives a ``DataParallel``
over several TPU cores or GPUs (the batch split across them, the weights
replicated), and ``None`` (one device) otherwise; ``"tpu"`` and ``"mirrored"``
ask for the TPUs and the GPUs.

On PyTorch Keras has no multi-device training: ``"auto"`` and ``"gpu"`` train on
one device (several GPUs serve the workers of a distributed search, one each),
and the multi-device names are refused with the reason.

Explicit names (``"cpu"``, ``"gpu"``, ``"mirrored"``, ``"tpu"``, ``"multiworker"``)
fail with a clear message when the hardware (or the backend) cannot give them,
instead of silently falling back. ``"multiworker"`` is TensorFlow's alone.

The hardware probes, :func:`_find_tpu`, :func:`_list_gpus` and :func:`_list_tpus`,
are module-level functions so that tests can substitute them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os

from zoo import backend
from zoo._validate import check_choice

logger = logging.getLogger("zoo.distribute")

STRATEGIES = ("auto", "cpu", "gpu", "mirrored", "tpu", "multiworker")


def _find_tpu():
    """Return a connected-able ``TPUClusterResolver`` or ``None`` when no TPU is found."""
    import tensorflow as tf

    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        # Raises ValueError (or returns no TPU workers) when there is no TPU.
        if not resolver.cluster_spec().as_dict() and not resolver.master():
            return None
        return resolver
    except (ValueError, RuntimeError, KeyError, ImportError, NotImplementedError):
        return None
    except Exception as exc:  # noqa: BLE001 - metadata server errors, grpc errors...
        logger.debug("TPUClusterResolver failed: %s", exc)
        return None


def _list_gpus() -> list[str]:
    """Names of the visible GPUs: ``["/gpu:0", ...]`` on TensorFlow, ``["gpu:0", ...]``
    (``keras.distribution``'s names) on JAX and PyTorch."""
    if backend.name() == "tensorflow":
        import tensorflow as tf

        return [f"/gpu:{i}" for i, _ in enumerate(tf.config.list_physical_devices("GPU"))]
    return _device_names("GPU")


def _list_tpus() -> list[str]:
    """The TPU cores JAX computes on (``["tpu:0", ...]``; none on other backends)."""
    return _device_names("TPU") if backend.name() == "jax" else []


def _device_names(kind):
    found = [d for d in backend.devices() if d["type"] == kind]
    return [f"{kind.lower()}:{i}" for i in range(len(found))]


def _connect_tpu(resolver):
    import tensorflow as tf

    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def describe(strategy) -> str:
    """A short human-readable name for ``strategy``, e.g. ``"MirroredStrategy(2 replicas)"``.

    ``None`` (one device, no distribution) is ``"default"``; a JAX
    ``keras.distribution.DataParallel`` over two GPUs ``"DataParallel(2 devices)"``.
    """
    if strategy is None:
        return "default"
    mesh = getattr(strategy, "device_mesh", None)
    if mesh is not None:
        count = math.prod(mesh.shape)
        return f"{type(strategy).__name__}({count} device{'s' if count != 1 else ''})"
    replicas = getattr(strategy, "num_replicas_in_sync", 1)
    return f"{type(strategy).__name__}({replicas} replica{'s' if replicas != 1 else ''})"


def tuner_strategy(strategy):
    """What keras-tuner's ``distribution_strategy`` gets for a resolved ``strategy``.

    A ``tf.distribute`` strategy other than TensorFlow's default (keras-tuner builds
    each trial's model in its scope); ``None`` otherwise: the default strategy
    needs no scope, and keras-tuner knows no ``keras.distribution`` (a JAX search
    runs inside :func:`search_scope` instead).
    """
    if strategy is None or not hasattr(strategy, "num_replicas_in_sync"):
        return None
    import tensorflow as tf

    return None if strategy is tf.distribute.get_strategy() else strategy


@contextlib.contextmanager
def search_scope(strategy):
    """Run a block (a whole search) under a JAX ``keras.distribution``; nothing otherwise.

    A ``tf.distribute`` strategy is entered by keras-tuner and by Keras where they
    need it, so it is left alone here.

    Example:
        >>> with search_scope(resolve_strategy("auto")):
        ...     tuner.search(x, y)  # doctest: +SKIP
    """
    if strategy is None or hasattr(strategy, "num_replicas_in_sync"):
        yield
        return
    with strategy.scope():
        yield


def is_tpu_strategy(strategy) -> bool:
    """Whether ``strategy`` runs on TPUs (``TPUStrategy`` or a subclass)."""
    return strategy is not None and "TPUStrategy" in type(strategy).__name__


def resolve_strategy(spec="auto"):
    """Return the distribution of training for ``spec``, the backend and the hardware present.

    On TensorFlow (a ``tf.distribute.Strategy``):

    * ``"auto"``: a TPU when a ``TPUClusterResolver`` finds one (connect, initialize
      the TPU system, ``TPUStrategy``); ``MirroredStrategy`` when two or more GPUs are
      visible; otherwise the default strategy (one GPU or the CPU).
    * ``"cpu"``: the default strategy pinned to ``/cpu:0`` (``OneDeviceStrategy``).
    * ``"gpu"``: ``OneDeviceStrategy("/gpu:0")``; fails without a GPU.
    * ``"mirrored"``: ``MirroredStrategy`` over all visible GPUs; fails without one.
    * ``"tpu"``: ``TPUStrategy``; fails when no TPU is found.
    * ``"multiworker"``: ``MultiWorkerMirroredStrategy``; needs ``TF_CONFIG``.

    On JAX (a ``keras.distribution.DataParallel``, or ``None`` for one device):
    ``"auto"`` spreads the batch over several TPU cores, else over several GPUs;
    ``"tpu"`` and ``"mirrored"`` over the TPU cores and the GPUs (failing without
    them); ``"gpu"`` one GPU; ``"cpu"`` the CPU when JAX has no accelerator (JAX
    picks its devices when it starts: ``JAX_PLATFORMS=cpu`` keeps it off a GPU).

    On PyTorch (always ``None``, one device): ``"auto"``, ``"gpu"`` (failing
    without a GPU) and ``"cpu"`` (with no GPU visible; ``CUDA_VISIBLE_DEVICES=``
    hides them); the multi-device names are refused.

    A strategy or distribution instance is returned unchanged. The choice is
    logged on the ``zoo.distribute`` logger.

    Args:
        spec: One of ``STRATEGIES`` or a strategy instance.

    Returns:
        A ``tf.distribute.Strategy`` (TensorFlow), a ``keras.distribution.Distribution``
        or ``None`` (JAX, PyTorch).

    Raises:
        ValueError: unknown name, or the requested hardware is not present, or the
            backend has no such distribution.

    Example:
        >>> strategy = resolve_strategy("cpu")
        >>> describe(strategy)  # TensorFlow
        'OneDeviceStrategy(1 replica)'
    """
    fn = "resolve_strategy"
    if not isinstance(spec, str):
        if hasattr(spec, "scope") and (hasattr(spec, "num_replicas_in_sync")
                                       or hasattr(spec, "device_mesh")):
            return spec
        raise TypeError(f"{fn}: `spec` must be one of {', '.join(STRATEGIES)}, a "
                        "tf.distribute.Strategy (TensorFlow) or a keras.distribution."
                        f"Distribution (JAX), received spec={spec!r}")
    spec = check_choice(fn, "spec", spec, STRATEGIES)
    active = backend.name()
    if active != "tensorflow":
        strategy = (_resolve_jax if active == "jax" else _resolve_torch)(fn, spec)
        logger.info("resolve_strategy(%r) on %s: using %s", spec, active, describe(strategy))
        return strategy
    return _resolve_tensorflow(fn, spec)


def _resolve_jax(fn, spec):
    if spec == "multiworker":
        raise ValueError(f"{fn}: spec='multiworker' is TensorFlow's MultiWorkerMirroredStrategy; "
                         "on JAX use 'auto' (all the devices of this host) or a distributed "
                         "search's workers")
    tpus, gpus = _list_tpus(), _list_gpus()
    if spec == "tpu" and not tpus:
        raise ValueError(f"{fn}: spec='tpu' but JAX sees no TPU; run on a TPU VM, or use 'auto'")
    if spec in ("gpu", "mirrored") and not gpus:
        raise ValueError(f"{fn}: spec={spec!r} but JAX sees no GPU (install jax[cuda] and "
                         "check CUDA_VISIBLE_DEVICES), or use 'cpu'")
    if spec == "cpu":
        if tpus or gpus:
            raise ValueError(f"{fn}: spec='cpu' but JAX runs on {'TPU' if tpus else 'GPU'}; "
                             "JAX picks its devices when it starts: set JAX_PLATFORMS=cpu")
        return None
    if spec == "gpu":
        return None  # JAX's default device is the first GPU
    devices = {"tpu": tpus, "mirrored": gpus}.get(spec, tpus or gpus)
    return _data_parallel(devices) if len(devices) > 1 else None


def _data_parallel(devices):
    import keras

    return keras.distribution.DataParallel(devices=list(devices))


def _resolve_torch(fn, spec):
    if spec in ("mirrored", "tpu", "multiworker"):
        raise ValueError(f"{fn}: spec={spec!r} needs a multi-device distribution, which Keras "
                         "offers on TensorFlow and JAX only; on PyTorch one process trains on "
                         "one device: use 'auto' or 'gpu', and workers for several GPUs")
    gpus = _list_gpus()
    if spec == "gpu" and not gpus:
        raise ValueError(f"{fn}: spec='gpu' but PyTorch sees no GPU (torch.cuda.is_available() "
                         "is False), or use 'cpu'")
    if spec == "cpu" and gpus:
        raise ValueError(f"{fn}: spec='cpu' but Keras' PyTorch backend trains on the visible "
                         "GPU; hide it with CUDA_VISIBLE_DEVICES= (empty)")
    return None


def _resolve_tensorflow(fn, spec):
    import tensorflow as tf

    if spec in ("auto", "tpu"):
        resolver = _find_tpu()
        if resolver is not None:
            strategy = _connect_tpu(resolver)
            logger.info("resolve_strategy(%r): TPU found, using %s", spec, describe(strategy))
            return strategy
        if spec == "tpu":
            raise ValueError(f"{fn}: spec='tpu' but no TPU was found by TPUClusterResolver; "
                             "run on a TPU host (or set TPU_NAME), or use 'auto'")
    gpus = _list_gpus()
    if spec == "auto":
        if len(gpus) > 1:
            strategy = tf.distribute.MirroredStrategy(gpus)
        else:
            strategy = tf.distribute.get_strategy()
        logger.info("resolve_strategy('auto'): %d GPU(s), no TPU: using %s", len(gpus),
                    describe(strategy))
        return strategy
    if spec == "cpu":
        strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    elif spec == "gpu":
        if not gpus:
            raise ValueError(f"{fn}: spec='gpu' but TensorFlow sees no GPU "
                             "(check the CUDA install and CUDA_VISIBLE_DEVICES), or use 'cpu'")
        strategy = tf.distribute.OneDeviceStrategy(gpus[0])
    elif spec == "mirrored":
        if not gpus:
            raise ValueError(f"{fn}: spec='mirrored' needs at least one visible GPU, found none; "
                             "use 'cpu' or 'auto'")
        strategy = tf.distribute.MirroredStrategy(gpus)
    else:  # multiworker
        config = os.environ.get("TF_CONFIG")
        try:
            cluster = json.loads(config).get("cluster") if config else None
        except ValueError:
            cluster = None
        if not cluster:
            raise ValueError(f"{fn}: spec='multiworker' needs a TF_CONFIG environment variable "
                             "describing the cluster (see tf.distribute.MultiWorkerMirroredStrategy)")
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    logger.info("resolve_strategy(%r): using %s", spec, describe(strategy))
    return strategy
