"""The TensorFlow backend: quiet import, devices, gradients, the DCGAN's train step,
eager kernel cache, gradient registry.

Every access to TensorFlow's private modules in the package is in this file, each
checked by ``tests/zoo/backend/test_tensorflow.py``.

Import. TensorFlow writes INFO lines (oneDNN notice, "could not find cuda drivers", CPU
instruction notes, a cuInit error on machines without CUDA) straight to file
descriptor 2 from absl, before any log-level setting applies. They bury a CLI's
one-line error and every script's first screen, so the package's first import of
TensorFlow points fd 2 at /dev/null for its duration. An import that fails is
retried with stderr intact, so a broken installation still shows its real error.
Set ``ZOO_SHOW_TF_LOGS=1`` to keep the chatter. ``import zoo`` installs
:func:`quiet_first_import`, so the first import of TensorFlow in the process is
silenced whoever makes it (Keras, keras-tuner, a worker unpickling its job, the
user's own ``import tensorflow``).
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys

#: The TensorFlow release these private accesses were written and checked against.
TENSORFLOW_VERSION = "2.21"

#: TensorFlow's private names used here (``tests/zoo/backend/test_tensorflow.py`` checks each).
INTERNALS = (
    "tensorflow.python.eager.context.pywrap_tfe.TFE_ContextClearCaches",
    "tensorflow.python.eager.context.context().clear_kernel_cache",
    "tensorflow.python.framework.ops._gradient_registry._registry",
)


def _show_logs() -> bool:
    return os.environ.get("ZOO_SHOW_TF_LOGS") == "1"


@contextlib.contextmanager
def _fd2_silenced():
    """Point file descriptor 2 at /dev/null for the block (nothing when it cannot)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2 (embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow_quietly() -> None:
    """Import ``tensorflow`` and ``keras`` with fd 2 silenced (once per process).

    Called by :func:`zoo.backend.import_keras` on the TensorFlow backend only.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules or _show_logs():
        return
    with _fd2_silenced():
        try:
            import keras  # noqa: F401
            import tensorflow

            # The first device query logs a cuInit error on machines without CUDA.
            tensorflow.config.list_physical_devices()
        except Exception:  # noqa: BLE001 - the caller's own import shows the error
            pass


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """A ``sys.meta_path`` entry that runs the first ``import tensorflow`` with fd 2 silenced.

    It finds nothing itself: it asks the finders after it for TensorFlow's spec and
    wraps the loader's ``exec_module``, which takes it out of ``sys.meta_path`` when
    the import runs. A look-up alone (``importlib.util.find_spec("tensorflow")``, as
    PyTorch and Keras make without importing) leaves it in place for the import.
    The first device query (a cuInit error on machines without CUDA) runs inside it.
    """

    def __init__(self):
        self._looking = False

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or self._looking:
            return None
        self._looking = True  # the look-up below asks sys.meta_path again
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._looking = False
        if spec is None or spec.loader is None or _show_logs():
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            _remove_finder()
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            with _fd2_silenced():
                execute(module)
                try:
                    module.config.list_physical_devices()
                except Exception:  # noqa: BLE001 - a later device query reports it
                    pass

        spec.loader.exec_module = exec_module
        return spec


def _remove_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorFlowFinder)]


def quiet_first_import() -> None:
    """Silence TensorFlow's C++ start-up lines whenever this process first imports it.

    Installs :class:`_QuietTensorFlowFinder` unless TensorFlow is imported already
    or ``ZOO_SHOW_TF_LOGS=1``. Imports nothing itself: a process that never
    imports TensorFlow (``zoo --help``, another backend) pays nothing.

    Example:
        >>> quiet_first_import()
        >>> import tensorflow  # no oneDNN or CUDA lines on stderr
    """
    if "tensorflow" in sys.modules or _show_logs():
        return
    _remove_finder()
    sys.meta_path.insert(0, _QuietTensorFlowFinder())


def devices() -> list[dict]:
    """TensorFlow's GPUs and connected TPUs as device dicts (see :func:`zoo.backend.devices`)."""
    import tensorflow as tf

    found = []
    for i, gpu in enumerate(tf.config.list_physical_devices("GPU")):
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except (ValueError, RuntimeError):  # pragma: no cover - driver-specific
            details = {}
        cap = details.get("compute_capability")
        found.append({"type": "GPU", "name": details.get("device_name", f"GPU:{i}"),
                      "compute_capability": tuple(cap) if cap else None})
    try:
        tpus = tf.config.list_logical_devices("TPU")
    except RuntimeError:  # pragma: no cover
        tpus = []
    found += [{"type": "TPU", "name": t.name, "compute_capability": None} for t in tpus]
    found.append({"type": "CPU", "name": "CPU", "compute_capability": None})
    return found


def loss_gradients(model, x, y, variables, *, sample_weight=None, training=True) -> list:
    """Gradients of the compiled loss with ``tf.GradientTape`` (see
    :func:`zoo.backend.loss_gradients`); the model's non-weight state is restored after."""
    import numpy as np
    import tensorflow as tf

    # v.numpy(), not np.array(v): Keras variables' __array__ takes no copy= (NumPy 2 warns).
    state = [(v, np.array(v.numpy())) for v in (*model.non_trainable_variables,
                                                *model.metrics_variables)]
    try:
        with tf.GradientTape() as tape:
            y_pred = model(x, training=training)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                      training=training)
        grads = tape.gradient(loss, variables)
    finally:
        for variable, value in state:
            variable.assign(value)
    return [None if g is None else np.asarray(g, dtype="float64") for g in grads]


def gan_train_step(gan, data):
    """One DCGAN step with two ``tf.GradientTape`` (see ``DCGAN.train_step``).

    The generator's tape records its forward pass once; the discriminator's tape
    records its update on the fakes (not recorded by the generator's tape), then
    the generator's tape the fakes' judgement by the updated discriminator.
    """
    import tensorflow as tf
    from keras import ops

    real, latent, d_view, g_view = gan.step_inputs(data)
    batch = ops.shape(real)[0]
    d_vars = gan.discriminator.trainable_variables
    g_vars = gan.generator.trainable_variables
    with tf.GradientTape() as g_tape:
        fake = gan.generator(latent, training=True)
        with g_tape.stop_recording(), tf.GradientTape() as d_tape:
            pair = gan.discriminator_view(ops.concatenate([real, ops.stop_gradient(fake)], 0),
                                          d_view)
            d_loss, real_logits, fake_logits = gan.discriminator_loss(
                gan.discriminator(pair, training=True), batch)
        d_grads = d_tape.gradient(d_loss, d_vars)
        gan.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        # The generator is judged by the discriminator it has just been updated against.
        g_logits = gan.discriminator(gan.discriminator_view(fake, g_view), training=True)
        g_loss = gan.generator_loss(g_logits)
    g_grads = g_tape.gradient(g_loss, g_vars)
    gan.g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
    if gan.ema_generator is not None:
        gan.update_ema()
    return gan.record(d_loss, g_loss, real_logits, fake_logits)


def replicas() -> int:
    """Replicas of the ``tf.distribute`` strategy in scope (1 for the default)."""
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


def limit_threads(intra_op: int, inter_op: int) -> None:
    """TensorFlow's intra- and inter-op thread pools (before any op has run)."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(intra_op)
    tf.config.threading.set_inter_op_parallelism_threads(inter_op)


def versions() -> dict:
    import tensorflow as tf

    return {"tensorflow": tf.__version__}


@contextlib.contextmanager
def eager_kernels_kept():
    """Within the block, TensorFlow does not flush its eager kernel cache.

    ``tf.random.set_seed`` (so ``keras.utils.set_random_seed``) and
    ``keras.backend.clear_session`` flush the cache of instantiated eager op
    kernels, to reset stateful random kernels and free memory. After a flush,
    every eager op instantiates its kernel again, which makes creating variables,
    so building a model, slower (BENCHMARKS.md, row 4). A tuning loop that seeds and clears before every trial, and uses only
    stateless random ops (every Keras 3 layer and initializer does), loses
    nothing by keeping the cache; the tuners flush it with their budgeted
    garbage collections, which bounds its memory.

    Example:
        >>> with eager_kernels_kept():
        ...     keras.utils.set_random_seed(0)
    """
    from tensorflow.python.eager import context

    module = context.pywrap_tfe
    flush = module.TFE_ContextClearCaches
    module.TFE_ContextClearCaches = _keep_kernels
    try:
        yield
    finally:
        module.TFE_ContextClearCaches = flush


@contextlib.contextmanager
def remapper_off():
    """Within the block, Grappler's remapper does not rewrite the graphs TensorFlow runs.

    The remapper fuses op patterns (a convolution with its bias and activation...).
    On the DCGAN's train step it fails ("remapper failed: INVALID_ARGUMENT:
    Mutation::Apply error: fanout ... gradient_tape/.../LeakyRelu", TensorFlow
    2.21, an error line on stderr at every new trace) and TensorFlow then runs the
    graph without its rewrites anyway, so turning the remapper off for that function
    changes nothing but the error line. Grappler reads the option when a function
    is first run (instantiated), so wrap the calls that trace it (``fit``).

    Example:
        >>> with remapper_off():
        ...     gan.fit(images, epochs=1)
    """
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options().get("remapping")
    tf.config.optimizer.set_experimental_options({"remapping": False})
    try:
        yield
    finally:
        # Back to what it was: unset is the default, on.
        tf.config.optimizer.set_experimental_options(
            {"remapping": True if before is None else before})


def _keep_kernels(handle):
    """Stand-in for ``TFE_ContextClearCaches`` inside :func:`eager_kernels_kept`."""


def flush_eager_kernels() -> None:
    """Free TensorFlow's cache of eager op kernels (what :func:`eager_kernels_kept` keeps)."""
    from tensorflow.python.eager import context

    context.context().clear_kernel_cache()


#: The interface's names for the two above (``zoo.backend.kernels_kept``, ``flush_caches``).
kernels_kept = eager_kernels_kept
flush_caches = flush_eager_kernels


#: Prefix of the names ``tf.custom_gradient`` registers its gradient functions under.
CUSTOM_GRADIENT_PREFIX = "CustomGradient-"


def _gradient_registry():
    """TensorFlow's global ``{op type: {"type": gradient function}}`` dict (None if moved)."""
    from tensorflow.python.framework import ops

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def custom_gradient_names() -> frozenset:
    """Names of the ``tf.custom_gradient`` gradient functions registered so far.

    Returns:
        A frozenset of registry names (``"CustomGradient-<n>"``); empty where
        TensorFlow's registry is not where this module expects it.

    Example:
        >>> before = custom_gradient_names()
    """
    registry = _gradient_registry()
    if registry is None:
        return frozenset()
    return frozenset(name for name in list(registry) if name.startswith(CUSTOM_GRADIENT_PREFIX))


def drop_custom_gradients(keep=frozenset()) -> int:
    """Unregister the ``tf.custom_gradient`` functions not in ``keep``, freeing their graphs.

    Tracing a ``tf.custom_gradient`` function in graph mode registers its gradient
    function in TensorFlow's global gradient registry under a fresh name, and
    nothing ever removes it. Keras calls one in every traced train step (its
    optimizer sums gradients through the replica context's ``all_reduce``), and
    the registered closure holds the traced ``FuncGraph``: every model trained in
    the process stays in memory after ``clear_session`` (BENCHMARKS.md, row 6;
    tensorflow/tensorflow#80895, keras-team/keras#20245).

    A registered function is only looked up while a gradient is being built
    through its graph. A traced train step already holds its gradient, so a model
    trained before still trains, evaluates, predicts and saves after the drop; a
    new trace registers afresh. Call it where no graph traced since ``keep`` will
    be differentiated again (the tuners do before each trial, ``zoo.compare``
    after each run); the graphs are freed by the next garbage collection.

    Args:
        keep: Names to leave registered (take them with :func:`custom_gradient_names`
            before the models whose graphs may be dropped were traced).

    Returns:
        How many functions were unregistered (0 where the registry is not found).

    Example:
        >>> before = custom_gradient_names()
        >>> model.fit(x, y, epochs=1, verbose=0)
        >>> dropped = drop_custom_gradients(keep=before)  # Keras' train step registered some
    """
    stale = custom_gradient_names() - frozenset(keep)
    if stale:  # names were found, so the registry is where custom_gradient_names read it
        registry = _gradient_registry()
        for name in stale:
            registry.pop(name, None)
    return len(stale)
