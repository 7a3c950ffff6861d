"""Accelerator benchmark: images/s in float32 against mixed precision + XLA.

Two workloads at realistic sizes, on synthetic batches:

* the zoo CNN (``build_cnn`` defaults) on 28x28x1 images, batch 128;
* the zoo DCGAN (``build_dcgan``) on 64x64x3 images, batch 64.

Each is built twice: ``float32`` without XLA, and ``mixed_precision="auto"``
(``zoo.precision``: on JAX and PyTorch mixed_bfloat16 on GPUs with compute
capability >= 8.0 and mixed_float16 on 7.x; on TensorFlow mixed_float16 from 7.0;
mixed_bfloat16 on TPU; float32 on CPU) with ``jit_compile=True``. Training
epochs of both are interleaved and the ratio fast / float32 of images/s is
reported, with the device the run used printed first. On a CPU the "fast" side
is float32 + XLA (``"auto"`` resolves to float32 there), so the figure only shows
the XLA effect; the numbers that matter come from a GPU or TPU.

On JAX every train step is XLA-compiled (``jit_compile=False`` would run it op by
op), and on PyTorch ``jit_compile`` means ``torch.compile``, so there both sides
keep Keras' ``"auto"`` and the figure is mixed precision alone. ``bench/device_check.sh``
runs it on a GPU machine without TensorFlow, once per backend.

A third workload, ``"tuning"`` (:mod:`bench.accelerator_tuning`), times the digits
CNN search: per-trial seconds and trials per minute with plain keras-tuner, the
zoo in one process and with 1, 2 and 4 workers on the device.

Run: ``python -m bench.accelerator [--quick] [--workloads cnn,dcgan,tuning]`` (or
``python -m bench --accelerator``). None of the GPU figures is measured yet.
"""

from __future__ import annotations

import os

import numpy as np

from bench._timing import compare, paired, timed

TITLE = "Accelerator: images/s, float32 vs mixed precision + XLA"

#: workload -> (image shape, batch size, steps per epoch full, quick, smoke)
WORKLOADS = {
    "cnn": ((28, 28, 1), 128, 60, 20, 2),
    "dcgan": ((64, 64, 3), 64, 30, 10, 2),
}
#: The test suite's smoke run: tiny shapes (the code path, not the figure).
SMOKE_WORKLOADS = {"cnn": ((8, 8, 1), 8, 2, 2, 2), "dcgan": ((16, 16, 1), 8, 2, 2, 2)}


def device_description() -> str:
    """The device the benchmark runs on, e.g. ``"GPU NVIDIA H100 (compute capability 9.0)"``."""
    from zoo.precision import describe_device, list_devices

    devices = list_devices()
    accelerators = [d for d in devices if d["type"] != "CPU"]
    return ", ".join(describe_device(d) for d in (accelerators or devices))


def _images(shape, count, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(count, *shape)).astype("float32")


def _jit(fast):
    """XLA for the fast side on TensorFlow; Keras' own choice on JAX and PyTorch."""
    from zoo import backend

    return bool(fast) if backend.name() == "tensorflow" else "auto"


def _cnn(shape, fast):
    import zoo

    return zoo.build_cnn(shape, task="multiclass", num_classes=10, seed=0,
                         mixed_precision="auto" if fast else "float32",
                         compile_kwargs={"jit_compile": _jit(fast)})


def _dcgan(shape, fast):
    import zoo
    from zoo.precision import policy_scope

    with policy_scope("auto" if fast else "float32", fn="bench.accelerator"):
        return zoo.build_dcgan(shape, latent_dim=100, seed=0, jit_compile=_jit(fast),
                               data_range=(-1, 1))


#: Every workload of the row.
ALL_WORKLOADS = ("cnn", "dcgan", "tuning")


def run(quick: bool = False, *, smoke: bool = False, workloads=ALL_WORKLOADS) -> dict:
    """Measure the workloads; returns the row dict with ``device`` and ``policy``.

    Args:
        quick: Fewer steps per epoch and 5 pairs (full: 7); the tuning searches shorter.
        smoke: 2 steps, 1 pair, the smallest searches (test suite).
        workloads: Which workloads to run (of :data:`ALL_WORKLOADS`).

    Returns:
        The row: ``results`` (one per comparison), ``device``, ``policy``, ``backend``,
        and ``tuning`` (each search's per-trial seconds and trials/min) with ``"tuning"``.
    """
    unknown = set(workloads) - set(ALL_WORKLOADS)
    if unknown:
        raise ValueError(f"bench.accelerator: unknown workloads {sorted(unknown)}; expected "
                         f"some of {', '.join(ALL_WORKLOADS)}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from zoo import backend
    from zoo.precision import resolve_policy

    device = device_description()
    policy = resolve_policy("auto")
    print(f"bench.accelerator: running on {device} with Keras' {backend.name()} backend; "
          f"mixed_precision='auto' -> {policy}", flush=True)
    repeats = 1 if smoke else 5 if quick else 7
    results, tuning = [], None
    for name in workloads:
        if name == "tuning":
            from bench import accelerator_tuning

            tuning = accelerator_tuning.run(quick, smoke=smoke)
            results += tuning["results"]
            continue
        shape, batch, *steps = (SMOKE_WORKLOADS if smoke else WORKLOADS)[name]
        count = batch * steps[2 if smoke else 1 if quick else 0]
        images = _images(shape, count)
        labels = np.random.default_rng(1).integers(0, 10, size=count).astype("int32")
        keras.backend.clear_session()
        build = _cnn if name == "cnn" else _dcgan
        models = {"fast": build(shape, True), "float32": build(shape, False)}

        def epoch(model, name=name, images=images, labels=labels, batch=batch):
            if name == "cnn":
                work = lambda: model.fit(images, labels, batch_size=batch, epochs=1,  # noqa: E731
                                         verbose=0)
            else:
                work = lambda: model.fit(images, batch_size=batch, epochs=1,  # noqa: E731
                                         verbose=0)
            return lambda: len(images) / timed(work)

        runs = paired({k: epoch(m) for k, m in models.items()}, repeats, warmup=1)
        label = f"{policy} + XLA" if backend.name() == "tensorflow" else policy
        results.append(compare(f"{name} {shape[0]}x{shape[1]}x{shape[2]}, batch {batch}: "
                               f"{label} / float32", "fast", "float32", runs,
                               unit="images/s", note=f"fast side: {label}; {count} images "
                                                     "per epoch"))
    return {"row": "accelerator", "title": TITLE, "device": device, "policy": policy,
            "backend": backend.name(), "results": results,
            "tuning": tuning and tuning["details"],
            "notes": [f"device: {device}; backend {backend.name()}; mixed_precision='auto' "
                      f"resolved to {policy}"]}


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    chosen = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--workloads=")), None)
    if "--workloads" in sys.argv:
        chosen = sys.argv[sys.argv.index("--workloads") + 1]
    row = run(quick="--quick" in sys.argv, smoke="--smoke" in sys.argv,
              workloads=tuple(chosen.split(",")) if chosen else ALL_WORKLOADS)
    print_rows([row])
    for name, figures in (row["tuning"] or {}).items():
        print(f"  tuning {name:>5}: {figures['per_trial_s']['median']:.2f} s a trial, "
              f"{figures['trials_per_min']['median']:.1f} trials/min", flush=True)
