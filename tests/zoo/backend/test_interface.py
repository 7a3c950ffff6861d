"""zoo.backend: the interface the package calls, on the active backend; the package without
TensorFlow under JAX and PyTorch."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from zoo import backend

ACTIVE = keras.backend.backend()
_NEEDS = {"jax": pytest.mark.needs_jax(reason="starts a JAX process"),
          "torch": pytest.mark.needs_torch(reason="starts a PyTorch process")}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def test_the_backend_is_named_and_its_module_answers():
    assert backend.name() == ACTIVE and ACTIVE in backend.BACKENDS
    versions = backend.versions()
    assert versions["backend"] == ACTIVE and versions[ACTIVE]
    found = backend.devices()
    assert found[-1] == {"type": "CPU", "name": "CPU", "compute_capability": None}
    assert all(d["type"] in ("CPU", "GPU", "TPU") for d in found)
    # What differs per backend, in one table.
    expected = {"tensorflow": (8, True, False), "jax": (1, False, True),
                "torch": (1, False, False)}[ACTIVE]
    assert (backend.default_steps_per_execution(), backend.supports_tf_data(),
            backend.compiles_per_batch_shape()) == expected
    assert backend.replicas() == 1
    assert backend.is_tf_dataset(np.zeros(3)) is False


def test_loss_gradients_are_the_closed_form_ones_and_leave_the_model_as_it_was():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = np.random.default_rng(1).normal(size=(16, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1),
                              keras.layers.BatchNormalization()])
    model.compile(optimizer="sgd", loss="mse")
    w = np.array([[0.5], [-1.0], [2.0]], "float32")
    model.layers[0].set_weights([w, np.array([0.1], "float32")])
    before = [np.array(v) for v in model.non_trainable_variables]
    kernel, bias = model.layers[0].trainable_variables
    grads = backend.loss_gradients(model, x, y, [kernel, bias], training=False)
    # Inference batch norm (fresh: mean 0, variance 1, gamma 1, beta 0): ~ x w + b.
    scale = 1.0 / np.sqrt(1.0 + 1e-3)
    residual = (x @ w + 0.1) * scale - y
    np.testing.assert_allclose(grads[0], 2 * scale * x.T @ residual / len(x), rtol=1e-4)
    np.testing.assert_allclose(grads[1], [2 * scale * residual.mean()], rtol=1e-4)
    backend.loss_gradients(model, x, y, model.trainable_variables, training=True)
    for value, variable in zip(before, model.non_trainable_variables, strict=True):
        np.testing.assert_array_equal(np.array(variable), value)  # moving stats untouched
    unrelated = keras.Variable(np.zeros(2, "float32"))
    assert backend.loss_gradients(model, x, y, [unrelated])[0] is None


def test_process_environment_limits_every_backends_threads():
    env = backend.process_environment(3, base_env={"XLA_FLAGS": "--xla_dump_to=/tmp/x"})
    assert env["TF_NUM_INTRAOP_THREADS"] == env["OMP_NUM_THREADS"] == "3"
    assert env["TF_NUM_INTEROP_THREADS"] == "1"
    assert env["XLA_FLAGS"].startswith("--xla_dump_to=/tmp/x ")
    assert "intra_op_parallelism_threads=3" in env["XLA_FLAGS"]
    again = backend.process_environment(3, base_env=env)
    assert again["XLA_FLAGS"] == env["XLA_FLAGS"]  # not added twice
    assert "XLA_PYTHON_CLIENT_PREALLOCATE" not in env
    shared = backend.process_environment(0, shared_accelerator=True, base_env={})
    assert shared["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false" and shared["OMP_NUM_THREADS"] == "1"


def test_scalar_writer_writes_tensorboard_events_without_tensorflow(tmp_path):
    writer = backend.scalar_writer(tmp_path / "tb")
    for step in range(3):
        writer.scalar("grad_norm/dense", 0.5 * step, step=step)
    writer.close()
    (event_file,) = (tmp_path / "tb").iterdir()
    assert event_file.name.startswith("events.out.tfevents")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()  # TensorBoard's scalars plugin reads these (summary v2) tensors
    assert [float(tensor_util.make_ndarray(e.tensor_proto))
            for e in events.Tensors("grad_norm/dense")] == [0.0, 0.5, 1.0]


def test_tensorflow_only_features_are_refused_elsewhere_with_one_sentence():
    if ACTIVE == "tensorflow":
        backend.tensorflow_only("strategy='multiworker'")  # nothing to refuse
        assert backend.drop_custom_gradients(keep=backend.custom_gradient_names()) == 0
        return
    with pytest.raises(ValueError, match=r"^strategy='multiworker' needs the TensorFlow "
                                         r"backend .*KERAS_BACKEND=tensorflow$"):
        backend.tensorflow_only("strategy='multiworker'")
    assert backend.custom_gradient_names() == frozenset()  # no registry to clean
    assert backend.drop_custom_gradients() == 0
    with backend.kernels_kept():
        keras.utils.set_random_seed(0)
    backend.flush_caches()


_WITHOUT_TENSORFLOW = textwrap.dedent("""
    import importlib.machinery, sys

    class NotInstalled(importlib.machinery.PathFinder):
        # The path finder, blind to TensorFlow: importing it or looking for it
        # (importlib.util.find_spec, as PyTorch and Keras do) answers "not installed".
        @classmethod
        def find_spec(cls, name, path=None, target=None):
            if name.partition(".")[0] == "tensorflow":
                return None
            return super().find_spec(name, path, target)

    sys.meta_path[:] = [NotInstalled if f is importlib.machinery.PathFinder else f
                        for f in sys.meta_path]
    try:
        import tensorflow
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("the blocker let TensorFlow through")
    import json, logging, tempfile
    import numpy as np
    import zoo, tuning
    import zoo.callbacks, zoo.compare, zoo.losses, zoo.optimizers, zoo.schedules, zoo.training
    import tuning.distributed, tuning.report, tuning.search, tuning.tuners
    from zoo import gan
    names = []
    for name in zoo.list_models():
        spec = zoo.get_spec(name)
        data = zoo.data.load("digits", representation=zoo.data.representation_for(
            spec.input_kind), image_size=16 if name == "dcgan" else None, seed=0)
        spec.factory(**spec.kwargs_for(data), seed=0)
        names.append(name)
    zoo.losses.get("focal")
    zoo.callbacks.default_callbacks(patience=2)
    # Training, saving and reloading run too: a classifier and two DCGAN steps.
    out = tempfile.mkdtemp()
    result = zoo.train("fnn", "digits", epochs=3, verbose=0, out_dir=out, seed=0)
    model = gan.build_dcgan(image_shape=(16, 16, 1), latent_dim=8, base_filters=4, seed=0)
    images = zoo.data.load("digits", image_size=16, seed=0).x_train[:128]
    model.fit(images, epochs=1, batch_size=64, verbose=0)
    model.save(out + "/dcgan.keras")
    import keras
    again = keras.saving.load_model(out + "/dcgan.keras", safe_mode=True)
    print(json.dumps({"backend": zoo.backend.name(), "models": names,
                      "accuracy": float(result.test_metrics["accuracy"]),
                      "gan_steps": int(again.g_optimizer.iterations.numpy()),
                      "tensorflow": "tensorflow" not in sys.modules}))
""")


@pytest.mark.parametrize("other", [  # each backend's own run; the other in the slow run
    pytest.param(name, marks=(_NEEDS[name],) if name == ACTIVE else (_NEEDS[name], pytest.mark.slow))
    for name in ("jax", "torch")])
def test_import_zoo_and_build_every_model_without_tensorflow(other):
    """Where TensorFlow is not installed (the GPU machines), JAX and PyTorch still run the zoo."""
    env = {**os.environ, "KERAS_BACKEND": other, "PYTHONPATH": ROOT}
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_TENSORFLOW], capture_output=True,
                          text=True, env=env, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    import zoo

    accuracy = info.pop("accuracy")
    assert info == {"backend": other, "models": zoo.list_models(), "gan_steps": 2,
                    "tensorflow": True}
    assert accuracy > 0.7  # three epochs of the digits FNN learned (0.83-0.86; chance 0.1)


@pytest.mark.needs_tensorflow(reason="checks that an installed TensorFlow is imported quietly")
@(pytest.mark.needs_jax(reason="imports TensorFlow under JAX") if ACTIVE == "tensorflow"
  else lambda test: test)
def test_keras_importing_an_installed_tensorflow_under_another_backend_is_quiet():
    other = ACTIVE if ACTIVE != "tensorflow" else "jax"
    script = ("import sys; from zoo import backend; keras = backend.import_keras(); "
              "keras.utils.set_random_seed(0); "  # Keras imports TensorFlow here when installed
              "print('tensorflow' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "ZOO_SHOW_TF_LOGS"}
    env.update(KERAS_BACKEND=other, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "True"
    assert proc.stderr == ""  # no oneDNN / CUDA start-up lines from TensorFlow's C++ side
