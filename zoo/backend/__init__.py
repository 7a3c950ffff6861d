"""The Keras backend in use, and the few things that differ between backends.

Keras 3 runs on TensorFlow (the default), JAX or PyTorch, chosen by the
``KERAS_BACKEND`` environment variable or ``~/.keras/keras.json``. The zoo's
models, losses, schedules, callbacks and tuners use Keras APIs and ``keras.ops``
only; what must differ per backend lives in this package, one module a backend
(``tensorflow.py``, ``jax.py``, ``torch.py``), behind the functions below, which
the rest of the package calls:

* :func:`devices`: the accelerators (mixed precision and strategies pick from it);
* :func:`loss_gradients`, :func:`gan_train_step`: gradients outside Keras' own
  ``train_step`` (gradient norms, the DCGAN's two networks);
* :func:`build_compiled_state`: a compiled model's state before ``fit``
  (:mod:`zoo.backend.keras_internals`, Keras' private parts used on every backend);
* :func:`supports_tf_data`, :func:`is_tf_dataset`: input pipelines;
* :func:`kernels_kept`, :func:`flush_caches`, :func:`drop_custom_gradients`:
  memory between a search's trials;
* :func:`replicas`, :func:`limit_threads`, :func:`process_environment`,
  :func:`versions`, :func:`scalar_writer`.

Only the active backend's module is imported: under JAX or PyTorch nothing
imports TensorFlow. Private internals of TensorFlow and Keras appear only in
these modules, each access guarded by a test (``tests/zoo/backend/``).

:func:`name` tells the backend without importing Keras, so the command line
can answer ``--help`` and refuse bad arguments before any heavy import.
:func:`import_keras` is the package's one way to import Keras: on TensorFlow it
keeps TensorFlow's C++ start-up lines (oneDNN, CUDA probes) off the terminal.

Example:
    >>> from zoo import backend
    >>> backend.name() in backend.BACKENDS
    True
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

#: The Keras backends the zoo supports.
BACKENDS = ("tensorflow", "jax", "torch")


def _configured() -> str:
    """The backend Keras will pick when imported, read the way Keras reads it."""
    env = os.environ.get("KERAS_BACKEND")
    if env:
        return env
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(os.path.expanduser(home), "keras.json")) as f:
            return json.load(f).get("backend") or "tensorflow"
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def name() -> str:
    """The Keras backend in use (``"tensorflow"``, ``"jax"`` or ``"torch"``).

    Read from Keras once it is imported, else from ``KERAS_BACKEND`` or Keras'
    configuration file, without importing anything heavy.

    Returns:
        The backend's name, as ``keras.backend.backend()`` gives it.

    Example:
        >>> name()
        'tensorflow'
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return _configured()


def import_keras():
    """Import Keras and its backend once, quietly; return the ``keras`` module.

    On TensorFlow, its C++ start-up lines are kept off stderr (see
    :func:`zoo.backend.tensorflow.import_tensorflow_quietly`); set
    ``ZOO_SHOW_TF_LOGS=1`` to see them. On PyTorch, imported here first,
    ``OMP_WAIT_POLICY`` defaults to ``PASSIVE`` (see the comment in the code).

    Returns:
        The ``keras`` module.

    Example:
        >>> keras = import_keras()
    """
    if "keras" not in sys.modules:
        active = name()
        if active == "tensorflow":
            from zoo.backend.tensorflow import import_tensorflow_quietly

            import_tensorflow_quietly()
        # Elsewhere Keras still imports an installed TensorFlow: `import zoo` made that
        # import quiet (zoo.backend.tensorflow.quiet_first_import).
        if active == "torch" and "torch" not in sys.modules:
            # PyTorch's OpenMP threads spin while they wait for work; with more busy threads
            # than cores (tuning workers, other jobs) a DCGAN step took 10-25x longer. Read
            # once, when PyTorch loads its OpenMP runtime; set it yourself to override.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import keras

    return keras


# -- the interface: what differs per backend ------------------------------------------


def _impl():
    """The module of the active backend (``zoo.backend.tensorflow``, ``.jax`` or ``.torch``)."""
    import importlib

    active = name()
    if active not in BACKENDS:
        raise ValueError(f"zoo.backend: Keras backend {active!r} is not supported; set "
                         f"KERAS_BACKEND to one of {', '.join(BACKENDS)}")
    return importlib.import_module(f"zoo.backend.{active}")


def devices() -> list[dict]:
    """The devices the active backend computes on, accelerators first, the CPU last.

    Each is a dict ``{"type": "GPU" | "TPU" | "CPU", "name": str,
    "compute_capability": (major, minor) or None}`` (the capability of NVIDIA
    GPUs only). TensorFlow lists its physical GPUs and the TPUs it is connected
    to; JAX ``jax.devices()``; PyTorch ``torch.cuda``. No other backend is imported.

    Returns:
        A list of device dicts, never empty.

    Example:
        >>> devices()[-1]["type"]
        'CPU'
    """
    return _impl().devices()


def loss_gradients(model, x, y, variables, *, sample_weight=None, training=True) -> list:
    """Gradients of a compiled model's loss on one batch, through the backend's autodiff.

    The loss is what ``fit`` minimises: the compiled loss plus the model's
    regularisation losses. TensorFlow differentiates with ``tf.GradientTape``,
    JAX with ``jax.grad`` of a stateless call, PyTorch with ``torch.autograd.grad``.
    The model is left as it was: moving statistics (batch norm), seed states and
    metrics are not changed by the measurement.

    Args:
        model: A compiled ``keras.Model``.
        x, y: One batch of inputs and targets (arrays).
        variables: The trainable variables to differentiate with respect to
            (e.g. ``model.trainable_variables``).
        sample_weight: Optional per-sample weights.
        training: Call the model in training mode (dropout, batch statistics).

    Returns:
        One float64 numpy array per variable, or ``None`` where the loss does not
        depend on it.

    Example:
        >>> grads = loss_gradients(model, x[:32], y[:32], model.trainable_variables)
    """
    return _impl().loss_gradients(model, x, y, list(variables), sample_weight=sample_weight,
                                  training=training)


def build_compiled_state(model, x, y=None, sample_weight=None) -> bool:
    """Build a compiled model's training state from the data's shapes (see
    :func:`zoo.models.build_training_state`); ``False`` where ``fit`` must do it.

    Same on every backend (:mod:`zoo.backend.keras_internals`).
    """
    from zoo.backend.keras_internals import build_compiled_state as build

    return build(model, x, y, sample_weight)


def gan_train_step(gan, *args):
    """One training step of :class:`zoo.gan.DCGAN` with the backend's autodiff.

    ``DCGAN.train_step`` calls it with what Keras' trainer hands it: ``(data,)`` on
    TensorFlow and PyTorch, ``(state, data)`` on JAX (whose trainer is stateless).
    The backend-neutral parts (random draws, losses, weight average, metrics) are
    the DCGAN's own methods.

    Returns:
        The step's logs (and, on JAX, the new state).
    """
    return _impl().gan_train_step(gan, *args)


def gan_compiled(gan) -> None:
    """Prepare a just-compiled DCGAN for the backend's trainer (JAX: one optimizer state)."""
    hook = getattr(_impl(), "gan_compiled", None)
    if hook is not None:
        hook(gan)


def gan_fit_context():
    """The context ``DCGAN.fit`` trains in: on TensorFlow, Grappler's remapper off
    (:func:`zoo.backend.tensorflow.remapper_off`); nothing on the other backends.

    Example:
        >>> with gan_fit_context():
        ...     keras.Model.fit(gan, images)
    """
    context = getattr(_impl(), "remapper_off", None)
    return contextlib.nullcontext() if context is None else context()


def default_steps_per_execution() -> int:
    """Train steps per compiled call that suit the backend (PyTorch allows only 1).

    TensorFlow runs 8 steps in one ``tf.function`` call, which cuts the Python
    overhead of small networks; JAX's trainer loops in Python anyway, and
    PyTorch's refuses anything but 1.
    """
    return 8 if name() == "tensorflow" else 1


def conv_transpose_by_matmul() -> bool:
    """Whether strided transposed convolutions should be computed as a matrix product.

    True for JAX on a CPU, where XLA computes their kernel gradient with a slow
    generic loop (:mod:`zoo.gan.layers`); cuDNN, oneDNN and PyTorch's kernels are
    fast, so False everywhere else.
    """
    if name() != "jax":
        return False
    from zoo.backend.jax import runs_on_cpu

    return runs_on_cpu()


def compiles_per_batch_shape() -> bool:
    """Whether each new batch shape compiles the train step again (JAX: XLA, per shape).

    Where it does, an input pipeline that keeps every batch full (dropping a last
    partial batch, reshuffled the next epoch) compiles once instead of twice.
    """
    return name() == "jax"


def is_tf_dataset(value) -> bool:
    """Whether ``value`` is a ``tf.data.Dataset``, without importing TensorFlow.

    A dataset can only exist once TensorFlow is imported, so where it is not the
    answer is ``False`` at no cost (JAX and PyTorch runs without TensorFlow).
    """
    tf = sys.modules.get("tensorflow")
    data = getattr(tf, "data", None)
    return data is not None and isinstance(value, data.Dataset)


def supports_tf_data() -> bool:
    """Whether ``tf.data`` pipelines are the package's input pipelines (TensorFlow only).

    Elsewhere the package hands NumPy arrays or a ``keras.utils.PyDataset`` to
    ``fit``, which every backend reads natively.
    """
    return name() == "tensorflow"


def tensorflow_only(feature: str) -> None:
    """Refuse a TensorFlow-only ``feature`` on another backend, with one sentence.

    Raises:
        ValueError: the active backend is not TensorFlow.

    Example:
        >>> tensorflow_only("strategy='tpu'")  # fine on TensorFlow
    """
    if name() != "tensorflow":
        raise ValueError(f"{feature} needs the TensorFlow backend (tf.distribute); the Keras "
                         f"backend is {name()!r}: run with KERAS_BACKEND=tensorflow")


@contextlib.contextmanager
def kernels_kept():
    """Within the block, seeding and ``clear_session`` keep the backend's compiled kernels.

    TensorFlow flushes its eager kernel cache on ``keras.utils.set_random_seed``
    and ``keras.backend.clear_session``; the block keeps it (see
    :func:`zoo.backend.tensorflow.eager_kernels_kept`). JAX and PyTorch flush
    nothing there, so the block changes nothing for them.

    Example:
        >>> with kernels_kept():
        ...     keras.utils.set_random_seed(0)
    """
    keep = getattr(_impl(), "kernels_kept", None)
    if keep is None:
        yield
        return
    with keep():
        yield


def flush_caches() -> None:
    """Free what the backend caches between models, after a garbage collection.

    TensorFlow: its eager kernel cache. JAX: nothing (its compiled-function cache
    is keyed by the live functions, and a Hyperband search still continues cached
    models). PyTorch: the CUDA allocator's unused blocks, where CUDA is in use.
    """
    _impl().flush_caches()


def custom_gradient_names() -> frozenset:
    """Names in TensorFlow's gradient registry that train steps leave behind.

    Only TensorFlow keeps such a registry (:func:`zoo.backend.tensorflow.drop_custom_gradients`);
    on JAX and PyTorch the answer is empty.
    """
    names = getattr(_impl(), "custom_gradient_names", None)
    return frozenset() if names is None else names()


def drop_custom_gradients(keep=frozenset()) -> int:
    """Free the traced graphs that TensorFlow's gradient registry keeps (0 elsewhere).

    See :func:`zoo.backend.tensorflow.drop_custom_gradients`.

    Returns:
        How many registry entries were dropped.
    """
    drop = getattr(_impl(), "drop_custom_gradients", None)
    return 0 if drop is None else drop(keep=keep)


def replicas() -> int:
    """How many replicas a global batch is split over in the current distribution.

    TensorFlow: the replicas of the ``tf.distribute`` strategy in scope. JAX: the
    data-parallel devices of the ``keras.distribution`` in force. PyTorch: 1.
    """
    return int(_impl().replicas())


def limit_threads(intra_op: int, inter_op: int = 1) -> None:
    """Limit the backend's CPU threads in this process (a worker of a distributed search).

    TensorFlow: its intra- and inter-op thread pools. PyTorch: ``torch.set_num_threads``.
    JAX reads its thread settings from ``XLA_FLAGS`` when it starts, which
    :func:`process_environment` sets for a new process.
    """
    _impl().limit_threads(int(intra_op), int(inter_op))


def process_environment(threads: int, *, shared_accelerator: bool = False, base_env=None) -> dict:
    """Environment variables for a new process that limit its CPU threads on every backend.

    TensorFlow reads ``TF_NUM_INTRAOP_THREADS``/``TF_NUM_INTEROP_THREADS`` (applied by
    :func:`limit_threads`), PyTorch and NumPy ``OMP_NUM_THREADS`` (and
    ``OMP_WAIT_POLICY=PASSIVE``, so workers' idle threads do not spin), JAX (XLA)
    ``XLA_FLAGS``. With ``shared_accelerator`` (several processes on one GPU), JAX
    is told not to claim most of the GPU's memory at start-up
    (``XLA_PYTHON_CLIENT_PREALLOCATE=false``), so the processes fit side by side.

    Args:
        threads: Intra-op threads of the process (at least 1).
        shared_accelerator: Other processes use the same GPU.
        base_env: The environment the new one extends (``XLA_FLAGS`` is added to);
            default ``os.environ``.

    Returns:
        ``{name: value}`` to add to the new process's environment.

    Example:
        >>> process_environment(4)["OMP_NUM_THREADS"]
        '4'
    """
    threads = max(1, int(threads))
    base = os.environ if base_env is None else base_env
    flags = base.get("XLA_FLAGS", "")
    if "xla_cpu_multi_thread_eigen" not in flags:
        flags = " ".join(filter(None, (flags, "--xla_cpu_multi_thread_eigen=false",
                                       f"intra_op_parallelism_threads={threads}")))
    env = {"TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": "1",
           "OMP_NUM_THREADS": str(threads), "XLA_FLAGS": flags,
           "OMP_WAIT_POLICY": base.get("OMP_WAIT_POLICY", "PASSIVE")}
    if shared_accelerator:
        env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    return env


def versions() -> dict:
    """The versions of Keras' backend library in use, for reports: ``{"backend", name: version}``."""
    return {"backend": name(), **_impl().versions()}


class _ScalarWriter:
    """TensorBoard scalars written with ``tensorboard``'s own writer (no TensorFlow)."""

    def __init__(self, log_dir):
        from tensorboard.summary import Writer

        self._writer = Writer(str(log_dir))

    def scalar(self, tag, value, step):
        self._writer.add_scalar(tag, float(value), int(step))

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()


def scalar_writer(log_dir):
    """A TensorBoard event-file writer of scalars that works on every backend.

    It uses the ``tensorboard`` package's framework-free writer, so no TensorFlow
    is imported on JAX or PyTorch.

    Args:
        log_dir: Directory of the event file (created if needed).

    Returns:
        An object with ``scalar(tag, value, step)``, ``flush()`` and ``close()``.

    Raises:
        ValueError: the ``tensorboard`` package is not installed.

    Example:
        >>> writer = scalar_writer("runs/tb")
        >>> writer.scalar("grad_norm/dense", 0.5, step=10)
        >>> writer.close()
    """
    try:
        return _ScalarWriter(log_dir)
    except ImportError:
        raise ValueError(f"TensorBoard logs in {str(log_dir)!r} need the tensorboard package "
                         "(pip install tensorboard)") from None
