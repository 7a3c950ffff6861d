"""zoo.backend.tensorflow: TensorFlow's private parts it uses are still where it expects them.

Each failure names the internal and the TensorFlow release the module was checked against.
They run on every backend where TensorFlow is installed (they read TensorFlow itself).
"""

import pytest

from zoo.backend import tensorflow as tf_backend

pytestmark = pytest.mark.needs_tensorflow(reason="checks TensorFlow's private modules")


def _broken(internal, problem):
    import tensorflow as tf

    return (f"TensorFlow {tf.__version__}: {internal} {problem}; zoo/backend/tensorflow.py was "
            f"written against TensorFlow {tf_backend.TENSORFLOW_VERSION}: update it")


def test_the_eager_kernel_cache_hooks_exist():
    from tensorflow.python.eager import context

    internal = tf_backend.INTERNALS[0]
    assert callable(getattr(getattr(context, "pywrap_tfe", None), "TFE_ContextClearCaches",
                            None)), _broken(internal, "no longer exists")
    assert callable(getattr(context.context(), "clear_kernel_cache", None)), _broken(
        tf_backend.INTERNALS[1], "no longer exists")
    with tf_backend.eager_kernels_kept():
        assert context.pywrap_tfe.TFE_ContextClearCaches is tf_backend._keep_kernels
    assert context.pywrap_tfe.TFE_ContextClearCaches is not tf_backend._keep_kernels
    tf_backend.flush_eager_kernels()


def test_the_gradient_registry_is_a_dict_custom_gradients_register_in():
    import tensorflow as tf

    registry = tf_backend._gradient_registry()
    assert isinstance(registry, dict), _broken(tf_backend.INTERNALS[2], "is not a dict")
    before = tf_backend.custom_gradient_names()

    @tf.custom_gradient
    def double(x):
        return 2 * x, lambda dy: 2 * dy

    tf.function(lambda x: double(x)).get_concrete_function(tf.TensorSpec((), tf.float32))
    new = tf_backend.custom_gradient_names() - before
    assert new and all(n.startswith(tf_backend.CUSTOM_GRADIENT_PREFIX) for n in new), _broken(
        tf_backend.INTERNALS[2], "no longer holds tf.custom_gradient's functions by name")
    assert tf_backend.drop_custom_gradients(keep=before) == len(new)
    assert tf_backend.custom_gradient_names() == before
