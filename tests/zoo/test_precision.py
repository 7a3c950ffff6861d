"""zoo.precision: mixed_precision="auto" resolution with the device list substituted,
errors, the policy scope, and the factories' mixed_precision argument."""

import logging

import keras
import numpy as np
import pytest

import zoo
from zoo import precision

GPU_AMPERE = {"type": "GPU", "name": "A100", "compute_capability": (8, 0)}
GPU_VOLTA = {"type": "GPU", "name": "V100", "compute_capability": "7.0"}
GPU_PASCAL = {"type": "GPU", "name": "P100", "compute_capability": (6, 0)}
CPU = {"type": "CPU", "name": "CPU"}
TPU = {"type": "TPU", "name": "/device:TPU:0"}


GPU_HOPPER = {"type": "GPU", "name": "H100", "compute_capability": (9, 0)}


@pytest.mark.parametrize("devices, expected", [
    ([GPU_AMPERE, CPU], "mixed_float16"),
    ([GPU_VOLTA, CPU], "mixed_float16"),  # 7.0 is the threshold, given as a string here
    ([GPU_PASCAL, CPU], "float32"),  # no float16 tensor cores
    ([GPU_AMPERE, GPU_PASCAL, CPU], "float32"),  # every replica must be fast
    ([TPU, CPU], "mixed_bfloat16"),
    ([CPU], "float32"),
])
def test_auto_follows_the_hardware_on_tensorflow(devices, expected):
    assert precision.resolve_policy("auto", devices=devices,
                                    backend_name="tensorflow") == expected


@pytest.mark.parametrize("backend_name", ["jax", "torch"])
@pytest.mark.parametrize("devices, expected", [
    ([GPU_HOPPER, CPU], "mixed_bfloat16"),
    ([GPU_AMPERE, CPU], "mixed_bfloat16"),  # 8.0: bfloat16 tensor cores, no loss scaling
    ([GPU_VOLTA, CPU], "mixed_float16"),  # 7.x: float16 with loss scaling
    ([GPU_AMPERE, GPU_VOLTA, CPU], "mixed_float16"),  # what every replica does well
    ([GPU_PASCAL, CPU], "float32"),
    ([TPU, CPU], "mixed_bfloat16"),
    ([CPU], "float32"),
])
def test_auto_prefers_bfloat16_on_jax_and_pytorch_gpus_that_have_it(backend_name, devices,
                                                                    expected):
    assert precision.resolve_policy("auto", devices=devices,
                                    backend_name=backend_name) == expected


def test_auto_resolves_for_the_active_backend_by_default():
    from zoo import backend

    expected = "mixed_bfloat16" if backend.name() in ("jax", "torch") else "mixed_float16"
    assert precision.resolve_policy("auto", devices=[GPU_HOPPER, CPU]) == expected


def test_explicit_policies_are_kept_and_none_changes_nothing(caplog):
    assert precision.resolve_policy(None, devices=[CPU]) is None
    assert precision.resolve_policy("float32", devices=[GPU_AMPERE]) == "float32"
    assert precision.resolve_policy("Mixed-BFloat16", devices=[TPU]) == "mixed_bfloat16"
    with caplog.at_level(logging.WARNING, logger="zoo.precision"):
        assert precision.resolve_policy("mixed_float16", devices=[CPU]) == "mixed_float16"
    assert "no GPU" in caplog.text  # honoured, with a warning that it will be slow


def test_the_real_device_list_on_this_machine_resolves():
    devices = precision.list_devices()
    assert devices[-1]["type"] == "CPU"
    assert precision.resolve_policy("auto") in ("float32", "mixed_float16", "mixed_bfloat16")


@pytest.mark.parametrize("value, error, words", [
    ("fp16", ValueError, ["build_fnn", "mixed_precision='fp16'", "did you mean 'mixed_float16'"]),
    ("mixed_float", ValueError, ["unknown mixed_precision='mixed_float'", "mixed_float16"]),
    (True, TypeError, ["build_fnn", "`mixed_precision` must be None or one of", "bool"]),
])
def test_bad_values_name_the_function_parameter_and_choices(value, error, words):
    with pytest.raises(error) as info:
        zoo.build_fnn((4,), task="binary", mixed_precision=value)
    for word in words:
        assert word in str(info.value)


def test_bad_device_lists_are_refused():
    with pytest.raises(ValueError, match="type 'CPU', 'GPU' or 'TPU'"):
        precision.resolve_policy("auto", devices=[{"type": "FPGA"}])
    with pytest.raises(TypeError, match="list of device dicts"):
        precision.resolve_policy("auto", devices="GPU")


def test_scope_restores_the_global_policy_even_after_an_error():
    with pytest.raises(RuntimeError):
        with precision.policy_scope("mixed_bfloat16") as policy:
            assert policy == "mixed_bfloat16"
            assert keras.config.dtype_policy().name == "mixed_bfloat16"
            raise RuntimeError("boom")
    assert keras.config.dtype_policy().name == "float32"


def test_mixed_model_computes_in_half_precision_with_a_float32_head_and_learns(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    model = zoo.build_fnn((8,), task="binary", hidden_units=(16,), seed=0,
                          learning_rate=0.01, mixed_precision="mixed_bfloat16")
    hidden = model.get_layer("dense_0")
    assert hidden.compute_dtype == "bfloat16" and hidden.variable_dtype == "float32"
    assert model.get_layer("output").compute_dtype == "float32"
    assert model.output.dtype == "float32"
    assert keras.config.dtype_policy().name == "float32"  # nothing leaked
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9

    path = tmp_path / "mixed.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    assert reloaded.get_layer("dense_0").compute_dtype == "bfloat16"
    np.testing.assert_allclose(reloaded.predict(x[:16], verbose=0),
                               model.predict(x[:16], verbose=0), rtol=1e-6)


def test_auto_on_a_volta_gpu_builds_a_float16_model_with_loss_scaling(monkeypatch):
    monkeypatch.setattr(precision, "list_devices", lambda: [GPU_VOLTA, CPU])
    model = zoo.create_model("cnn", input_shape=(8, 8, 1), task="multiclass", num_classes=3,
                             filters=(4,), dense_units=(8,), mixed_precision="auto")
    assert model.get_layer("conv_0").compute_dtype == "float16"
    assert model.output.dtype == "float32"
    assert type(model.optimizer).__name__ == "LossScaleOptimizer"
    gru = zoo.build_gru((5, 3), task="regression", units=(4,), mixed_precision="auto")
    assert gru.get_layer("gru_0").compute_dtype == "float16"


def test_auto_on_an_ampere_gpu_builds_a_bfloat16_model_on_jax_and_pytorch(monkeypatch):
    from zoo import backend

    monkeypatch.setattr(precision, "list_devices", lambda: [GPU_AMPERE, CPU])
    model = zoo.build_cnn((8, 8, 1), task="multiclass", num_classes=3, filters=(4,),
                          dense_units=(8,), mixed_precision="auto")
    half = "bfloat16" if backend.name() in ("jax", "torch") else "float16"
    assert model.get_layer("conv_0").compute_dtype == half
    assert model.output.dtype == "float32"  # the head stays float32
    assert (type(model.optimizer).__name__ == "LossScaleOptimizer") == (half == "float16")
    x = np.random.default_rng(0).normal(size=(32, 8, 8, 1)).astype("float32")
    y = np.arange(32) % 3
    loss = model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"]
    assert np.isfinite(loss).all() and loss[-1] < loss[0]


def test_auto_without_an_accelerator_keeps_float32(monkeypatch):
    monkeypatch.setattr(precision, "list_devices", lambda: [CPU])
    model = zoo.build_lstm((5, 3), task="regression", units=(4,), mixed_precision="auto")
    assert model.get_layer("lstm_0").compute_dtype == "float32"
    assert type(model.optimizer).__name__ != "LossScaleOptimizer"


@pytest.mark.slow
def test_zoo_train_takes_mixed_precision(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "train", "fnn", "--data", "digits",
                           "--epochs", "2", "--mixed-precision", "mixed_bfloat16", "--out",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    model = keras.saving.load_model(out / "model.keras", safe_mode=True)
    assert model.get_layer("dense_0").compute_dtype == "bfloat16"
    assert model.get_layer("output").compute_dtype == "float32"
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "train", "fnn", "--mixed-precision",
                           "fp16", "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "--mixed-precision" in proc.stderr


def test_factory_signatures_show_the_argument():
    import inspect

    for build in (zoo.build_fnn, zoo.build_cnn, zoo.build_lstm):
        param = inspect.signature(build).parameters["mixed_precision"]
        assert param.default is None and param.kind is param.KEYWORD_ONLY
