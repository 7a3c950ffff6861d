"""Keeping an accelerator busy during a search: compiled work reused, GPUs shared, data placed.

A GPU helps a tuning job only when the trials keep it busy; for the small and
medium models people tune, each trial otherwise pays compilation and the GPU
idles while the host works. This module holds the three remedies that need no
change to the trials themselves:

* **The JAX persistent compilation cache** in the job directory
  (``<directory>/jax_cache``, :func:`cache_dir`): a trial whose model, shapes and
  dtypes match an earlier one loads the compiled train step instead of compiling
  it again, across trials, worker processes and a resumed job. It is outside
  keras-tuner's project folder so that ``overwrite=True`` keeps it (an entry is
  keyed by the computation, the JAX version and the device, so it is never stale).
  The chief sets it with ``jax.config`` (:func:`enable_compilation_cache`), the
  worker processes through their environment (:func:`cache_environment`).
* **Several workers per GPU** (``workers=N`` on a machine with fewer GPUs than
  workers): each worker gets :func:`memory_share` of its GPU's memory
  (:func:`share_environment`: ``XLA_PYTHON_CLIENT_MEM_FRACTION`` on JAX, applied by
  :func:`apply_memory_limit` at the worker's start on PyTorch and TensorFlow), and
  ``workers="auto"`` picks N (:func:`auto_workers`).
* **Data on the device** (:mod:`tuning.placement`).

The hardware probe :func:`gpu_memory` asks ``nvidia-smi``, not a backend: a chief
that initialised JAX on the GPU to read its memory would claim most of it.

Example:
    >>> round(memory_share(4), 3)
    0.225
    >>> auto_workers(trial_bytes=2**30, gpus=[], cpu_count=16)
    4
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess

logger = logging.getLogger("tuning.accelerator")

#: The compilation cache's folder inside the job directory.
CACHE_FOLDER = "jax_cache"
#: Share of a GPU's memory kept free when workers share it (fragmentation, other users).
HEADROOM = 0.1
#: Device memory a process uses outside its allocator's share (CUDA context, cuDNN/cuBLAS
#: workspaces): about 0.5 GiB on an H100 with CUDA 12; rounded up.
CONTEXT_BYTES = 640 * 2**20
#: At most this many ``workers="auto"`` workers share one GPU: beyond it the processes
#: mostly wait on each other's kernels and the host's cores.
MAX_WORKERS_PER_GPU = 8
#: ``workers="auto"`` without a GPU: one worker per two cores, at most this many.
MAX_CPU_WORKERS = 4
#: The estimate of a trial's device memory is multiplied by this: the model at the
#: default hyperparameters stands for larger ones of the space, and XLA keeps
#: temporaries the estimate does not count.
ESTIMATE_SAFETY = 2.0
#: Environment variables a worker of a shared GPU reads at start-up (apply_memory_limit).
FRACTION_ENV = "ZOO_GPU_MEMORY_FRACTION"
LIMIT_MB_ENV = "ZOO_GPU_MEMORY_LIMIT_MB"


# -------------------------------------------------------------- the compilation cache


def cache_dir(directory) -> str:
    """The JAX compilation cache of the job in ``directory``: ``<directory>/jax_cache``."""
    return os.path.join(os.fspath(directory), CACHE_FOLDER)


def cache_environment(path) -> dict:
    """Environment variables that make a new JAX process use the cache in ``path``.

    JAX reads them when it is imported. The thresholds are lowered so that the
    small models of a search are cached too (JAX's defaults skip computations
    that compile in under a second).

    Example:
        >>> cache_environment("/runs/tune/jax_cache")["JAX_COMPILATION_CACHE_DIR"]
        '/runs/tune/jax_cache'
    """
    return {"JAX_COMPILATION_CACHE_DIR": os.fspath(path),
            "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
            "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "-1"}


def enable_compilation_cache(path, *, backend_name: str | None = None) -> bool:
    """Use the persistent compilation cache in ``path`` in this process (JAX only).

    JAX settles its cache when it first compiles; a different folder is taken up
    through JAX's public ``reset_cache``, so a process that compiled before (or ran
    another job) moves to this job's cache. A cache set by the user
    (``JAX_COMPILATION_CACHE_DIR``) is replaced with a warning.

    Args:
        path: The cache folder (created).
        backend_name: The Keras backend (default: the active one); only ``"jax"``
            has such a cache.

    Returns:
        ``True`` when the cache is in use, ``False`` on other backends.

    Example:
        >>> enable_compilation_cache("/runs/tune/jax_cache")  # doctest: +SKIP
        True
    """
    from zoo import backend

    if (backend_name or backend.name()) != "jax":
        return False
    import jax

    path = os.path.abspath(os.fspath(path))
    os.makedirs(path, exist_ok=True)
    from jax.experimental.compilation_cache import compilation_cache

    current = jax.config.jax_compilation_cache_dir
    if current and os.path.abspath(current) != path:
        logger.warning("the JAX compilation cache moves from %s to the job's %s", current, path)
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    if not current or os.path.abspath(current) != path:
        compilation_cache.reset_cache()  # taken up at the next compilation
    logger.info("JAX compilation cache: %s", path)
    return True


# ------------------------------------------------------------ several workers per GPU


def memory_share(workers_per_gpu: int, total_bytes: int | None = None) -> float:
    """The fraction of a GPU's memory each of ``workers_per_gpu`` processes may use.

    ``(1 - reserve) / workers_per_gpu``, where the reserve is :data:`HEADROOM`, or
    more when the workers' CUDA contexts (:data:`CONTEXT_BYTES` each, outside the
    share) need more of ``total_bytes``.

    Raises:
        ValueError: ``workers_per_gpu`` < 1, or so many that nothing is left.

    Example:
        >>> round(memory_share(2), 2), round(memory_share(8, total_bytes=8 * 2**30), 3)
        (0.45, 0.109)
    """
    if workers_per_gpu < 1:
        raise ValueError(f"memory_share: workers_per_gpu must be >= 1, received "
                         f"{workers_per_gpu!r}")
    reserve = HEADROOM
    if total_bytes:
        reserve = max(reserve, workers_per_gpu * CONTEXT_BYTES / total_bytes)
    if reserve >= 1:
        raise ValueError(f"memory_share: {workers_per_gpu} workers do not fit on a GPU of "
                         f"{total_bytes / 2**30:.1f} GiB (each needs about "
                         f"{CONTEXT_BYTES / 2**30:.1f} GiB for itself)")
    return (1 - reserve) / workers_per_gpu


def workers_per_gpu(workers: int, gpus: int) -> int:
    """How many of ``workers`` share the busiest GPU (worker i runs on GPU i mod ``gpus``)."""
    return math.ceil(workers / gpus) if gpus else 0


def share_environment(workers: int, gpus, *, total_bytes: int | None = None) -> dict:
    """Environment of a worker when ``workers`` workers run on the GPUs ``gpus``.

    Empty when every worker has a GPU of its own. Otherwise each worker may use
    :func:`memory_share` of its GPU: ``XLA_PYTHON_CLIENT_MEM_FRACTION`` caps JAX's
    allocator (which then grows on demand, ``XLA_PYTHON_CLIENT_PREALLOCATE=false``,
    so that workers starting late find memory), and :data:`FRACTION_ENV` (with
    :data:`LIMIT_MB_ENV` when ``total_bytes`` is known) is what
    :func:`apply_memory_limit` hands PyTorch and TensorFlow at the worker's start.

    Args:
        workers: Local workers of the search.
        gpus: The GPU IDs the workers are spread over.
        total_bytes: Memory of the smallest of these GPUs (``None``: unknown).

    Returns:
        ``{name: value}`` to add to each worker's environment.

    Example:
        >>> share_environment(4, ["0"])["XLA_PYTHON_CLIENT_MEM_FRACTION"]
        '0.225'
    """
    sharing = workers_per_gpu(workers, len(gpus))
    if sharing <= 1:
        return {}
    share = memory_share(sharing, total_bytes)
    env = {"XLA_PYTHON_CLIENT_MEM_FRACTION": f"{share:.3f}",
           "XLA_PYTHON_CLIENT_PREALLOCATE": "false", FRACTION_ENV: f"{share:.3f}"}
    if total_bytes:
        env[LIMIT_MB_ENV] = str(int(share * total_bytes / 2**20))
    return env


def apply_memory_limit(environ=None, *, backend_name: str | None = None) -> str | None:
    """At a worker's start, limit its GPU memory to the share its environment names.

    JAX took its limit from ``XLA_PYTHON_CLIENT_MEM_FRACTION`` when it started;
    PyTorch gets ``torch.cuda.set_per_process_memory_fraction`` (where CUDA is
    available), TensorFlow a logical GPU with ``memory_limit`` (in MiB, from
    :data:`LIMIT_MB_ENV`), set before TensorFlow touches the GPU.

    Args:
        environ: The environment to read (default ``os.environ``).
        backend_name: The Keras backend (default: the active one).

    Returns:
        What was limited, e.g. ``"torch: 0.225 of cuda:0"``, or ``None``.
    """
    environ = os.environ if environ is None else environ
    fraction = environ.get(FRACTION_ENV)
    if not fraction:
        return None
    from zoo import backend

    active = backend_name or backend.name()
    if active == "torch":
        import torch

        if not torch.cuda.is_available():
            return None
        torch.cuda.set_per_process_memory_fraction(float(fraction), 0)
        return f"torch: {float(fraction):.3f} of cuda:0"
    if active == "tensorflow" and environ.get(LIMIT_MB_ENV):
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if not gpus:
            return None
        limit = int(environ[LIMIT_MB_ENV])
        tf.config.set_logical_device_configuration(
            gpus[0], [tf.config.LogicalDeviceConfiguration(memory_limit=limit)])
        return f"tensorflow: {limit} MiB of {gpus[0].name}"
    if active == "jax":
        return f"jax: {environ.get('XLA_PYTHON_CLIENT_MEM_FRACTION')} (XLA_PYTHON_CLIENT_MEM_FRACTION)"
    return None


def gpu_memory(*, run=subprocess.run, visible=None) -> list[dict]:
    """The visible NVIDIA GPUs' memory, ``[{"id", "total", "free"}]`` in bytes, from ``nvidia-smi``.

    No backend is asked: initialising one on the GPU in the chief would take
    memory the workers need. ``CUDA_VISIBLE_DEVICES`` (or ``visible``) narrows the
    list. Empty without ``nvidia-smi`` or when it fails.

    Args:
        run: ``subprocess.run`` (tests substitute it).
        visible: The GPU IDs to keep (default: ``CUDA_VISIBLE_DEVICES``, else all).
    """
    if run is subprocess.run and shutil.which("nvidia-smi") is None:
        return []
    try:
        done = run(["nvidia-smi", "--query-gpu=index,memory.total,memory.free",
                    "--format=csv,noheader,nounits"], capture_output=True, text=True,
                   timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    found = []
    for line in done.stdout.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            found.append({"id": parts[0], "total": int(parts[1]) * 2**20,
                          "free": int(parts[2]) * 2**20})
    if visible is None:
        listed = os.environ.get("CUDA_VISIBLE_DEVICES")
        visible = None if listed is None else [g.strip() for g in listed.split(",") if g.strip()]
    if visible is not None and all(v.isdigit() for v in visible):
        by_id = {g["id"]: g for g in found}
        found = [by_id[v] for v in visible if v in by_id]
    return found


def auto_workers(*, trial_bytes: int | None, gpus, cpu_count: int) -> int:
    """``workers="auto"``: how many local workers to run.

    * With GPUs: as many per GPU as fit in its free memory, less :data:`HEADROOM`,
      at ``trial_bytes`` + :data:`CONTEXT_BYTES` each, at most
      :data:`MAX_WORKERS_PER_GPU`, at least one; all GPUs alike (the smallest
      decides); then at most one worker per CPU core (each runs its host loop).
    * Without: one worker per two cores, at most :data:`MAX_CPU_WORKERS`, and 0
      (one process, no gRPC) when that is fewer than 2. On a CPU the backends
      already use every core for one trial; two threads a trial is where small
      models stop gaining from more, and past 4 workers the chief's bookkeeping
      and the processes' start-up eat the gain; one worker process only adds the
      chief's overhead to the in-process search.

    Args:
        trial_bytes: A trial's device memory (:func:`estimate_trial_bytes`);
            ``None``: unknown, one worker per GPU.
        gpus: :func:`gpu_memory`'s list (``[]``: none).
        cpu_count: The CPU cores.

    Returns:
        The number of workers (0: run in this process).

    Example:
        >>> gpus = [{"id": "0", "total": 80 * 2**30, "free": 79 * 2**30}]
        >>> auto_workers(trial_bytes=6 * 2**30, gpus=gpus, cpu_count=16)
        8
        >>> auto_workers(trial_bytes=30 * 2**30, gpus=gpus, cpu_count=16)
        2
        >>> auto_workers(trial_bytes=None, gpus=[], cpu_count=2)
        0
    """
    cpu_count = max(1, int(cpu_count))
    if not gpus:
        workers = min(cpu_count // 2, MAX_CPU_WORKERS)
        return workers if workers >= 2 else 0
    if trial_bytes is None:
        per_gpu = 1
    else:
        free = min(g["free"] for g in gpus)
        per_gpu = int(free * (1 - HEADROOM) // (int(trial_bytes) + CONTEXT_BYTES))
        per_gpu = max(1, min(per_gpu, MAX_WORKERS_PER_GPU))
    return max(1, min(per_gpu * len(gpus), cpu_count))


def estimate_trial_bytes(hypermodel, dataset) -> int | None:
    """An estimate of one trial's device memory, from one model built at the default
    hyperparameters and the largest batch size of the search space.

    Weights, their gradients and two optimizer slots (4 copies of the parameters),
    the activations of every layer kept for the backward pass and their gradients
    (2 copies, at the largest batch size), the worker's copy of the training and
    validation data (:mod:`tuning.placement`), times :data:`ESTIMATE_SAFETY`. The
    model is built on the CPU (``keras.device``), so the chief claims no GPU memory.

    Returns:
        Bytes, or ``None`` when the hypermodel cannot be built here (a
        ``build(hp)`` function that needs more than default values).
    """
    import keras
    import keras_tuner
    import numpy as np

    space = getattr(hypermodel, "space", {}) or {}
    batch = space.get("batch_size")
    largest = max(batch.values) if batch is not None and batch.values else 128
    hp = keras_tuner.HyperParameters()
    try:
        with keras.device("cpu"):
            build = hypermodel.build if hasattr(hypermodel, "build") else hypermodel
            model = build(hp)
    except Exception as exc:  # the caller's build function: any error means "unknown"
        logger.info("workers='auto': no memory estimate (%s: %s)", type(exc).__name__, exc)
        return None
    itemsize = 4
    params = model.count_params() * itemsize * 4
    activations = 0
    for layer in model.layers:
        shapes = getattr(layer, "output", None)
        for tensor in (shapes if isinstance(shapes, (list, tuple)) else [shapes]):
            shape = getattr(tensor, "shape", None)
            if shape is not None:
                activations += int(np.prod([d or 1 for d in shape[1:]]))
    activations *= largest * itemsize * 2
    data = sum(getattr(getattr(dataset, name, None), "nbytes", 0)
               for name in ("x_train", "y_train", "x_val", "y_val"))
    del model
    keras.backend.clear_session()
    return int((params + activations + data) * ESTIMATE_SAFETY)


def resolve_workers(config, hypermodel, dataset, *, gpus=None, cpu_count=None):
    """The configuration with ``workers="auto"`` replaced by :func:`auto_workers`'s answer.

    Args:
        config: A :class:`tuning.config.SearchConfig`.
        hypermodel, dataset: The job's (for the memory estimate, with GPUs only).
        gpus: :func:`gpu_memory`'s list (queried when ``None``).
        cpu_count: CPU cores (default ``os.cpu_count()``).

    Returns:
        ``config`` unchanged, or a copy with an int ``workers``.
    """
    import dataclasses

    from tuning.config import AUTO_WORKERS

    if config.workers != AUTO_WORKERS:
        return config
    gpus = gpu_memory() if gpus is None else gpus
    cpu_count = cpu_count or os.cpu_count() or 1
    trial_bytes = estimate_trial_bytes(hypermodel, dataset) if gpus else None
    workers = auto_workers(trial_bytes=trial_bytes, gpus=gpus, cpu_count=cpu_count)
    logger.info("workers='auto': %d (%s, %d CPU cores%s)", workers,
                f"{len(gpus)} GPU(s), {min(g['free'] for g in gpus) / 2**30:.1f} GiB free"
                if gpus else "no GPU", cpu_count,
                f", about {trial_bytes / 2**30:.2f} GiB a trial" if trial_bytes else "")
    return dataclasses.replace(config, workers=workers, caller="workers='auto'")


def prepare_chief(config) -> None:
    """Before the chief's first use of the GPU: keep JAX from claiming most of it when
    local workers (or ``"auto"``) may share it; the chief builds models too (the memory
    estimate, the objective check, the refit). Set in ``os.environ``, which JAX
    (``XLA_PYTHON_CLIENT_PREALLOCATE``) and TensorFlow (``TF_FORCE_GPU_ALLOW_GROWTH``)
    read when they first initialise the GPU; a value set by the user is kept."""
    if config.workers:
        os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
        os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
