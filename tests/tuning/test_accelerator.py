"""tuning.accelerator: workers per GPU and their memory shares, workers='auto', the JAX cache.

The GPU arithmetic runs on substituted GPU lists (no GPU here); the compilation
cache runs JAX for real, in subprocesses.
"""

import json
import os
import subprocess
import sys
import textwrap
import types

import pytest

from tuning import accelerator, distributed
from tuning.config import SearchConfig

GIB = 2**30
H100 = {"id": "0", "total": 80 * GIB, "free": 79 * GIB}


def test_workers_on_one_gpu_split_its_memory_minus_headroom():
    assert accelerator.memory_share(1) == pytest.approx(0.9)
    assert accelerator.memory_share(4) == pytest.approx(0.225)
    # Many workers on a small GPU: their CUDA contexts, not the 10 %, set the reserve.
    small = 8 * GIB
    assert accelerator.memory_share(8, small) == pytest.approx(
        (1 - 8 * accelerator.CONTEXT_BYTES / small) / 8)
    with pytest.raises(ValueError, match="16 workers do not fit on a GPU of 8.0 GiB"):
        accelerator.memory_share(16, small)
    with pytest.raises(ValueError, match="workers_per_gpu must be >= 1"):
        accelerator.memory_share(0)


def test_each_worker_sharing_a_gpu_gets_its_share_in_its_environment():
    envs = [distributed.worker_env(i, 4, gpus=["0"], cpu_count=16, base_env={},
                                   gpu_bytes=80 * GIB) for i in range(4)]
    assert {e["CUDA_VISIBLE_DEVICES"] for e in envs} == {"0"}
    assert {e["XLA_PYTHON_CLIENT_MEM_FRACTION"] for e in envs} == {"0.225"}
    assert {e["XLA_PYTHON_CLIENT_PREALLOCATE"] for e in envs} == {"false"}
    assert {e[accelerator.FRACTION_ENV] for e in envs} == {"0.225"}
    assert {e[accelerator.LIMIT_MB_ENV] for e in envs} == {str(int(0.225 * 80 * 1024))}
    assert {e["TF_NUM_INTRAOP_THREADS"] for e in envs} == {"4"}
    # 3 workers on 2 GPUs: GPU 0 has two of them, so every worker gets half (less headroom).
    env = distributed.worker_env(1, 3, gpus=["0", "1"], cpu_count=16, base_env={})
    assert env["CUDA_VISIBLE_DEVICES"] == "1" and env[accelerator.FRACTION_ENV] == "0.450"
    assert accelerator.LIMIT_MB_ENV not in env  # the GPU's size is unknown
    # A GPU each, or no GPU: no share, no cap.
    for env in (distributed.worker_env(0, 2, gpus=["0", "1"], cpu_count=4, base_env={}),
                distributed.worker_env(0, 2, gpus=[], cpu_count=4, base_env={})):
        assert accelerator.FRACTION_ENV not in env
        assert "XLA_PYTHON_CLIENT_MEM_FRACTION" not in env


def test_workers_get_the_job_compilation_cache_in_their_environment(tmp_path):
    cache = accelerator.cache_dir(tmp_path)
    assert cache == os.path.join(str(tmp_path), "jax_cache")
    env = distributed.worker_env(0, 2, gpus=[], cpu_count=4, base_env={}, cache=cache)
    assert env["JAX_COMPILATION_CACHE_DIR"] == cache
    assert env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] == "0"
    assert env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] == "-1"


def test_auto_workers_fit_the_free_memory_and_the_cores():
    # 79 GiB free, 10 % headroom: 71.1 GiB for trials of 6 + 0.625 GiB -> 10, capped at 8.
    assert accelerator.auto_workers(trial_bytes=6 * GIB, gpus=[H100], cpu_count=16) == 8
    assert accelerator.auto_workers(trial_bytes=20 * GIB, gpus=[H100], cpu_count=16) == 3
    assert accelerator.auto_workers(trial_bytes=6 * GIB, gpus=[H100], cpu_count=3) == 3
    # A model larger than the GPU still gets one worker (the trial fails as it would alone).
    assert accelerator.auto_workers(trial_bytes=200 * GIB, gpus=[H100], cpu_count=16) == 1
    # Two GPUs: the fuller one decides, for both.
    busy = {"id": "1", "total": 80 * GIB, "free": 30 * GIB}
    assert accelerator.auto_workers(trial_bytes=6 * GIB, gpus=[H100, busy], cpu_count=64) == 8
    # Unknown model size: one worker a GPU.
    assert accelerator.auto_workers(trial_bytes=None, gpus=[H100, busy], cpu_count=64) == 2
    # No GPU: one worker per two cores, at most 4; none (in-process) below 2.
    assert [accelerator.auto_workers(trial_bytes=None, gpus=[], cpu_count=c)
            for c in (1, 2, 3, 4, 6, 16)] == [0, 0, 0, 2, 3, 4]


def test_workers_auto_is_checked_once_and_resolved_from_the_hardware(monkeypatch):
    assert SearchConfig(workers="auto").workers == "auto"
    assert SearchConfig(workers="AUTO").distributed
    assert SearchConfig(workers="3").workers == 3  # the command line's text
    with pytest.raises(ValueError, match="`workers` must be an int >= 0 or 'auto', received "
                                         "workers='many'"):
        SearchConfig(workers="many")
    with pytest.raises(ValueError, match="workers='auto' runs local workers"):
        SearchConfig(workers="auto", role="chief")
    config = SearchConfig(workers="auto", algorithm="random")
    assert accelerator.resolve_workers(config, None, None, gpus=[], cpu_count=8).workers == 4
    cpu = accelerator.resolve_workers(config, None, None, gpus=[], cpu_count=2)
    assert (cpu.workers, cpu.distributed, cpu.address) == (0, False, None)
    monkeypatch.setattr(accelerator, "estimate_trial_bytes", lambda hm, ds: 30 * GIB)
    gpu = accelerator.resolve_workers(config, None, None, gpus=[H100], cpu_count=16)
    assert (gpu.workers, gpu.address) == (2, ("127.0.0.1", 0))
    fixed = SearchConfig(workers=3)
    assert accelerator.resolve_workers(fixed, None, None, gpus=[H100]) is fixed


def test_the_trial_estimate_counts_weights_activations_and_data():
    import numpy as np

    import zoo
    from tuning.hypermodels import get_hypermodel

    data = zoo.data.load("digits", seed=0)
    small = get_hypermodel("fnn", data, fixed={"units": 16, "batch_size": 32})
    large = get_hypermodel("fnn", data, fixed={"units": 512, "batch_size": 128})
    small_bytes = accelerator.estimate_trial_bytes(small, data)
    large_bytes = accelerator.estimate_trial_bytes(large, data)
    data_bytes = sum(a.nbytes for a in (data.x_train, data.y_train, data.x_val, data.y_val))
    assert small_bytes > data_bytes * accelerator.ESTIMATE_SAFETY
    assert large_bytes > small_bytes + 512 * 64 * 16 * accelerator.ESTIMATE_SAFETY
    assert np.isfinite(large_bytes)
    assert accelerator.estimate_trial_bytes(lambda hp: 1 / 0, data) is None


def test_gpu_memory_reads_nvidia_smi_and_the_visible_gpus():
    def smi(cmd, **kwargs):
        assert cmd[0] == "nvidia-smi"
        return types.SimpleNamespace(returncode=0, stdout="0, 81559, 80000\n1, 81559, 1000\n")

    both = accelerator.gpu_memory(run=smi, visible=None)
    assert [g["id"] for g in both] == ["0", "1"] and both[0]["total"] == 81559 * 2**20
    assert [g["free"] for g in accelerator.gpu_memory(run=smi, visible=["1"])] == [1000 * 2**20]
    failed = types.SimpleNamespace(returncode=9, stdout="")
    assert accelerator.gpu_memory(run=lambda *a, **k: failed) == []


def test_a_worker_limits_pytorch_and_tensorflow_to_its_share(monkeypatch):
    env = {accelerator.FRACTION_ENV: "0.225", accelerator.LIMIT_MB_ENV: "18432",
           "XLA_PYTHON_CLIENT_MEM_FRACTION": "0.225"}
    calls = []
    cuda = types.SimpleNamespace(is_available=lambda: True,
                                 set_per_process_memory_fraction=lambda f, d: calls.append((f, d)))
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(cuda=cuda))
    assert accelerator.apply_memory_limit(env, backend_name="torch") == "torch: 0.225 of cuda:0"
    assert calls == [(0.225, 0)]
    config = types.SimpleNamespace(
        list_physical_devices=lambda kind: [types.SimpleNamespace(name="/physical_device:GPU:0")],
        LogicalDeviceConfiguration=lambda memory_limit: ("logical", memory_limit),
        set_logical_device_configuration=lambda gpu, conf: calls.append(conf))
    monkeypatch.setitem(sys.modules, "tensorflow", types.SimpleNamespace(config=config))
    assert accelerator.apply_memory_limit(env, backend_name="tensorflow").startswith(
        "tensorflow: 18432 MiB")
    assert calls[-1] == [("logical", 18432)]
    assert accelerator.apply_memory_limit(env, backend_name="jax").startswith("jax: 0.225")
    assert accelerator.apply_memory_limit({}, backend_name="torch") is None


#: On PYTHONPATH of the test's processes (a worker's too): TensorFlow cannot be imported.
_NO_TENSORFLOW = textwrap.dedent("""
    import sys

    class NoTensorFlow:
        def find_spec(self, name, path=None, target=None):
            if name == "tensorflow" or name.startswith("tensorflow."):
                raise ImportError("tensorflow is blocked in this test")

    sys.meta_path.insert(0, NoTensorFlow())
""")

#: The same, as one line for an isolated worker's ``-c`` (its path ignores PYTHONPATH).
_BLOCK_ONE_LINE = (
    "import sys; NoTF = type('NoTF', (), {'find_spec': lambda self, name, path=None, "
    "target=None: (_ for _ in ()).throw(ImportError('tensorflow is blocked in this test')) "
    "if name.split('.')[0] == 'tensorflow' else None}); sys.meta_path.insert(0, NoTF())")

_CACHE_RUN = _NO_TENSORFLOW + textwrap.dedent("""
    import json, sys

    from tuning import distributed
    if hasattr(distributed, "_WORKER_BOOT"):  # workers in isolated interpreters (python -I)
        distributed._WORKER_BOOT = sys.argv[3] + "; " + distributed._WORKER_BOOT

    import jax
    hits = []
    jax.monitoring.register_event_listener(
        lambda event, **kw: hits.append(event)
        if event == "/jax/compilation_cache/cache_hits" else None)
    from tuning import run_search
    result = run_search("fnn", "digits", "random", max_trials=1, max_epochs=1,
                        directory=sys.argv[1], overwrite=True, refit=False,
                        write_report=False, verbose=0, workers=int(sys.argv[2]),
                        fixed={"units": 16, "hidden_layers": 1, "batch_size": 128})
    print(json.dumps({"hits": len(hits), "tf": "tensorflow" in sys.modules,
                      "cache": jax.config.jax_compilation_cache_dir}))
""")


@pytest.mark.needs_jax(reason="starts JAX worker processes")
def test_a_jax_worker_starts_without_tensorflow_and_reads_the_steps_compiled_before(tmp_path):
    """Two searches of one trial in one worker process each: the first fills the job's
    cache, the second's worker finds it through its environment and loads its steps.

    (A worker's ``XLA_FLAGS`` limit its threads, and the flags are part of a cache key:
    workers share entries with workers, the chief with the chief.)"""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(_NO_TENSORFLOW)
    env = dict(os.environ, KERAS_BACKEND="jax",
               PYTHONPATH=os.pathsep.join([str(blocker), os.getcwd()]),
               JAX_DEBUG_LOG_MODULES="jax._src.compiler")
    for key in ("JAX_COMPILATION_CACHE_DIR", "XLA_FLAGS"):
        env.pop(key, None)

    def search(workers):
        done = subprocess.run([sys.executable, "-c", _CACHE_RUN, str(tmp_path / "job"),
                               str(workers), _BLOCK_ONE_LINE], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "tensorflow is blocked" not in done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr

    first, _ = search(1)
    cache = tmp_path / "job" / "jax_cache"
    entries = {p.name for p in cache.iterdir()}
    assert first["cache"] == str(cache) and not first["tf"]
    assert len(entries) >= 3  # train, test and predict steps at least
    second, log = search(1)  # overwrite=True wipes the trials, not the cache
    assert not second["tf"] and second["hits"] >= 1  # the chief's own model check
    # The worker's train step comes from the cache (its log; the chief trains nothing).
    assert "Persistent compilation cache hit for 'jit_train_step'" in log, log[-3000:]
    assert "CACHE MISS for 'jit_train_step'" not in log.split("cache hit for 'jit_train_step'")[0]


def test_a_hypermodel_builds_its_trials_in_auto_mixed_precision(monkeypatch):
    import keras_tuner

    import zoo
    from tuning.hypermodels import get_hypermodel
    from zoo import backend, precision

    monkeypatch.setattr(precision, "list_devices", lambda: [
        {"type": "GPU", "name": "H100", "compute_capability": (9, 0)}, {"type": "CPU"}])
    data = zoo.data.load("digits", seed=0, representation="image")
    hypermodel = get_hypermodel("cnn", data, seed=0, model_kwargs={"mixed_precision": "auto"})
    model = hypermodel.build(keras_tuner.HyperParameters())
    half = "bfloat16" if backend.name() in ("jax", "torch") else "float16"
    assert {layer.compute_dtype for layer in model.layers if layer.weights} >= {half}
    assert model.output.dtype == "float32"


def test_run_search_resolves_workers_auto_before_the_search(tmp_path, monkeypatch):
    from tuning import run_search

    monkeypatch.setattr(accelerator, "gpu_memory", lambda **kwargs: [])
    monkeypatch.setattr(accelerator.os, "cpu_count", lambda: 2)
    for key in ("XLA_PYTHON_CLIENT_PREALLOCATE", "TF_FORCE_GPU_ALLOW_GROWTH"):
        monkeypatch.setenv(key, "")  # prepare_chief may set them: restored after the test
        monkeypatch.delenv(key)
    result = run_search("fnn", "digits", "random", max_trials=1, max_epochs=1,
                        directory=tmp_path, workers="auto", refit=False, verbose=0,
                        fixed={"units": 16, "hidden_layers": 1})
    assert result.report["workers"] == 0  # 2 cores: the search ran in this process
    assert len(result.trials) == 1
    from tuning import job

    fed = getattr(job, "WORKER_SPEC_FILE", "job.pkl")  # what the chief writes for workers
    assert not (tmp_path / "search" / fed).exists()  # no worker process was started


_SWITCH = textwrap.dedent("""
    import os, sys
    import jax, jax.numpy as jnp
    from tuning import accelerator

    jnp.sin(jnp.arange(3.0)).block_until_ready()  # JAX compiled before the job started
    for name in ("a", "b"):
        path = os.path.join(sys.argv[1], name)
        assert accelerator.enable_compilation_cache(path, backend_name="jax")
        jax.jit(lambda x, n=len(name) + ord(name): x * n + 1)(jnp.ones(4)).block_until_ready()
        print(name, len(os.listdir(path)))
    print(accelerator.enable_compilation_cache(sys.argv[1], backend_name="torch"))
""")


@pytest.mark.needs_jax(reason="compiles in a JAX process")
def test_the_cache_is_taken_up_after_earlier_compilations_and_follows_the_job(tmp_path):
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=os.getcwd())
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    done = subprocess.run([sys.executable, "-c", _SWITCH, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split()
    assert lines[0] == "a" and int(lines[1]) >= 1
    assert lines[2] == "b" and int(lines[3]) >= 1  # the second job's folder got its entries
    assert lines[4] == "False"  # no such cache on PyTorch


def test_a_chief_with_workers_does_not_claim_the_gpu(monkeypatch):
    for key in ("XLA_PYTHON_CLIENT_PREALLOCATE", "TF_FORCE_GPU_ALLOW_GROWTH"):
        monkeypatch.setenv(key, "")  # recorded, so the test leaves os.environ as it was
        monkeypatch.delenv(key)
    accelerator.prepare_chief(SearchConfig())
    assert "XLA_PYTHON_CLIENT_PREALLOCATE" not in os.environ  # one process: JAX's default
    monkeypatch.setenv("TF_FORCE_GPU_ALLOW_GROWTH", "false")  # the user's choice stays
    accelerator.prepare_chief(SearchConfig(workers="auto"))
    assert os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"
    assert os.environ["TF_FORCE_GPU_ALLOW_GROWTH"] == "false"
