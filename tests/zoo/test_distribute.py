"""resolve_strategy: selection logic with the TPU resolver and the device list substituted,
on each backend (tf.distribute on TensorFlow, keras.distribution on JAX, one device on
PyTorch), and a real JAX DataParallel over two CPU devices."""

import json
import subprocess
import sys
import textwrap

import keras
import pytest

from zoo import distribute

BACKEND = keras.backend.backend()
TF_DISTRIBUTE = "tf.distribute strategies; JAX and PyTorch resolve differently (tests below)"


class _FakeResolver:
    def master(self):
        return "grpc://10.0.0.2:8470"


@pytest.fixture
def no_hardware(monkeypatch):
    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: [])


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
def test_auto_prefers_a_tpu_when_the_resolver_finds_one(monkeypatch):
    resolver = _FakeResolver()
    connected = []

    class FakeTPUStrategy:
        num_replicas_in_sync = 8

    def connect(r):
        connected.append(r)
        return FakeTPUStrategy()

    monkeypatch.setattr(distribute, "_find_tpu", lambda: resolver)
    monkeypatch.setattr(distribute, "_connect_tpu", connect)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1"])
    strategy = distribute.resolve_strategy("auto")
    assert isinstance(strategy, FakeTPUStrategy) and connected == [resolver]
    assert distribute.is_tpu_strategy(strategy)
    assert distribute.resolve_strategy("tpu").num_replicas_in_sync == 8


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
def test_auto_mirrors_over_several_gpus(monkeypatch):
    import tensorflow as tf

    made = []

    class FakeMirrored:
        def __init__(self, devices):
            made.append(list(devices))
            self.num_replicas_in_sync = len(devices)

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1", "/gpu:2"])
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", FakeMirrored)
    assert distribute.resolve_strategy("auto").num_replicas_in_sync == 3
    assert distribute.resolve_strategy("mirrored").num_replicas_in_sync == 3
    assert made == [["/gpu:0", "/gpu:1", "/gpu:2"]] * 2


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
def test_auto_uses_the_default_strategy_on_one_gpu_or_the_cpu(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    for gpus in ([], ["/gpu:0"]):
        monkeypatch.setattr(distribute, "_list_gpus", lambda gpus=gpus: gpus)
        strategy = distribute.resolve_strategy("auto")
        assert strategy is tf.distribute.get_strategy()
        assert strategy.num_replicas_in_sync == 1


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
@pytest.mark.parametrize("spec, needle", [("gpu", "no GPU"), ("mirrored", "GPU"),
                                          ("tpu", "no TPU"), ("multiworker", "TF_CONFIG")])
def test_explicit_strategies_fail_clearly_without_the_hardware(no_hardware, monkeypatch, spec,
                                                               needle):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match=f"resolve_strategy: spec='{spec}'.*{needle}"):
        distribute.resolve_strategy(spec)


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
def test_cpu_strategy_and_bad_specs(no_hardware):
    strategy = distribute.resolve_strategy("cpu")
    assert type(strategy).__name__ == "OneDeviceStrategy"
    assert distribute.describe(strategy) == "OneDeviceStrategy(1 replica)"
    assert distribute.resolve_strategy(strategy) is strategy
    with pytest.raises(ValueError, match="unknown spec='tpus'.*Did you mean 'tpu'"):
        distribute.resolve_strategy("tpus")
    with pytest.raises(TypeError, match="resolve_strategy: `spec`"):
        distribute.resolve_strategy(3)


@pytest.mark.tensorflow_only(reason=TF_DISTRIBUTE)
def test_gpu_strategy_uses_the_first_gpu(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1"])
    monkeypatch.setattr(tf.distribute, "OneDeviceStrategy", lambda device: ("one", device))
    assert distribute.resolve_strategy("gpu") == ("one", "/gpu:0")


# -- every backend ----------------------------------------------------------------------

#: What each explicit name says without the hardware, per backend.
REFUSALS = {
    "tensorflow": {"gpu": "no GPU", "mirrored": "GPU", "tpu": "no TPU",
                   "multiworker": "TF_CONFIG"},
    "jax": {"gpu": "JAX sees no GPU", "mirrored": "JAX sees no GPU", "tpu": "JAX sees no TPU",
            "multiworker": "TensorFlow's MultiWorkerMirroredStrategy"},
    "torch": {"gpu": "PyTorch sees no GPU", "mirrored": "TensorFlow and JAX only",
              "tpu": "TensorFlow and JAX only", "multiworker": "TensorFlow and JAX only"},
}


@pytest.mark.parametrize("spec", ["gpu", "mirrored", "tpu", "multiworker"])
def test_each_backend_refuses_what_it_cannot_give_with_one_sentence(no_hardware, monkeypatch,
                                                                    spec):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.setattr(distribute, "_list_tpus", lambda: [])
    with pytest.raises(ValueError, match=f"resolve_strategy: spec='{spec}'") as info:
        distribute.resolve_strategy(spec)
    assert REFUSALS[BACKEND][spec] in str(info.value)
    assert "\n" not in str(info.value)


def test_auto_on_several_gpus_picks_the_backends_multi_device_training(monkeypatch, caplog):
    made = []
    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_tpus", lambda: [])
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["gpu:0", "gpu:1"])
    monkeypatch.setattr(distribute, "_data_parallel", lambda devices: made.append(devices) or
                        "data-parallel")
    if BACKEND == "tensorflow":
        import tensorflow as tf

        monkeypatch.setattr(tf.distribute, "MirroredStrategy", lambda devices: made.append(
            devices) or "mirrored")
        assert distribute.resolve_strategy("auto") == "mirrored"
    elif BACKEND == "jax":  # keras.distribution.DataParallel over the GPUs
        assert distribute.resolve_strategy("auto") == "data-parallel"
        assert distribute.resolve_strategy("mirrored") == "data-parallel"
        assert distribute.resolve_strategy("gpu") is None  # JAX's first device
    else:  # PyTorch trains on one device; workers use the others
        assert distribute.resolve_strategy("auto") is None
        assert distribute.resolve_strategy("gpu") is None
        with pytest.raises(ValueError, match="CUDA_VISIBLE_DEVICES"):
            distribute.resolve_strategy("cpu")
    assert made == ([] if BACKEND == "torch" else
                    [["gpu:0", "gpu:1"]] * (2 if BACKEND == "jax" else 1))


def test_one_device_resolves_to_the_default_and_a_given_strategy_passes(no_hardware,
                                                                         monkeypatch):
    monkeypatch.setattr(distribute, "_list_tpus", lambda: [])
    strategy = distribute.resolve_strategy("auto")
    if BACKEND == "tensorflow":
        assert strategy.num_replicas_in_sync == 1
        assert distribute.tuner_strategy(strategy) is None  # the default needs no scope
    else:
        assert strategy is None and distribute.describe(strategy) == "default"
        assert distribute.tuner_strategy(None) is None
        assert distribute.resolve_strategy("cpu") is None
    with distribute.search_scope(strategy):
        pass  # nothing to enter
    with pytest.raises(TypeError, match="keras.distribution.Distribution"):
        distribute.resolve_strategy(3)


@pytest.mark.slow
@pytest.mark.needs_jax(reason="trains in a JAX process with two devices")
def test_jax_data_parallel_trains_a_model_over_two_devices(tmp_path):
    """In a JAX process with two (CPU) devices, 'auto' spreads the batch over both."""
    script = textwrap.dedent("""
        import json, numpy as np
        import keras
        import zoo
        from zoo import backend, distribute
        distribute._list_gpus = lambda: ["cpu:0", "cpu:1"]  # stand-ins for two GPUs
        strategy = distribute.resolve_strategy("auto")
        with distribute.search_scope(strategy):
            replicas = backend.replicas()
            model = zoo.build_fnn((8,), task="binary", hidden_units=(16,), seed=0)
            x = np.random.default_rng(0).normal(size=(256, 8)).astype("float32")
            y = (x[:, 0] > 0).astype("float32")
            history = model.fit(x, y, epochs=3, batch_size=64, verbose=0).history
        devices = sorted(str(d) for d in model.trainable_variables[0].value.devices())
        print(json.dumps({"describe": distribute.describe(strategy), "replicas": replicas,
                          "loss": history["loss"], "devices": devices}))
    """)
    env = {**__import__("os").environ, "KERAS_BACKEND": "jax",
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["describe"] == "DataParallel(2 devices)" and info["replicas"] == 2
    assert len(info["devices"]) == 2  # the weights live on both devices
    assert info["loss"][-1] < info["loss"][0]
