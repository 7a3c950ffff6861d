"""Pick a ``tf.distribute`` strategy for the hardware that is actually present.

``resolve_strategy("auto")`` connects to a TPU when a ``TPUClusterResolver`` finds
one, uses ``MirroredStrategy`` over several visible GPUs, and the default strategy
on one GPU or on the CPU. Explicit names (``"cpu"``, ``"gpu"``, ``"mirrored"``,
``"tpu"``, ``"multiworker"``) fail with a clear message when the hardware is absent
instead of silently falling back.

The two hardware probes, :func:`_find_tpu` and :func:`_list_gpus`, are module-level
functions so that tests can substitute them.
"""

from __future__ import annotations

import json
import logging
import os

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
    """Names of the visible GPUs (``["/gpu:0", ...]``)."""
    import tensorflow as tf

    return [f"/gpu:{i}" for i, _ in enumerate(tf.config.list_physical_devices("GPU"))]


def _connect_tpu(resolver):
    import tensorflow as tf

    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def describe(strategy) -> str:
    """A short human-readable name for ``strategy``, e.g. ``"MirroredStrategy(2 replicas)"``."""
    if strategy is None:
        return "default"
    replicas = getattr(strategy, "num_replicas_in_sync", 1)
    return f"{type(strategy).__name__}({replicas} replica{'s' if replicas != 1 else ''})"


def is_tpu_strategy(strategy) -> bool:
    """Whether ``strategy`` runs on TPUs (``TPUStrategy`` or a subclass)."""
    return strategy is not None and "TPUStrategy" in type(strategy).__name__


def resolve_strategy(spec="auto"):
    """Return a ``tf.distribute.Strategy`` for ``spec`` and the hardware present.

    * ``"auto"``: a TPU when a ``TPUClusterResolver`` finds one (connect, initialize
      the TPU system, ``TPUStrategy``); ``MirroredStrategy`` when two or more GPUs are
      visible; otherwise the default strategy (one GPU or the CPU).
    * ``"cpu"``: the default strategy pinned to ``/cpu:0`` (``OneDeviceStrategy``).
    * ``"gpu"``: ``OneDeviceStrategy("/gpu:0")``; fails without a GPU.
    * ``"mirrored"``: ``MirroredStrategy`` over all visible GPUs; fails without one.
    * ``"tpu"``: ``TPUStrategy``; fails when no TPU is found.
    * ``"multiworker"``: ``MultiWorkerMirroredStrategy``; needs ``TF_CONFIG``.

    A ``tf.distribute.Strategy`` instance is returned unchanged. The choice is logged
    on the ``zoo.distribute`` logger.

    Args:
        spec: One of ``STRATEGIES`` or a strategy instance.

    Returns:
        A ``tf.distribute.Strategy``.

    Raises:
        ValueError: unknown name, or the requested hardware is not present.

    Example:
        >>> strategy = resolve_strategy("cpu")
        >>> strategy.num_replicas_in_sync
        1
    """
    fn = "resolve_strategy"
    if not isinstance(spec, str):
        if hasattr(spec, "scope") and hasattr(spec, "num_replicas_in_sync"):
            return spec
        raise TypeError(f"{fn}: `spec` must be one of {', '.join(STRATEGIES)} or a "
                        f"tf.distribute.Strategy, received spec={spec!r}")
    spec = check_choice(fn, "spec", spec, STRATEGIES)
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
