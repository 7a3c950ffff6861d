#!/usr/bin/env bash
# GPU check: the backend-portable tests and bench/accelerator.py on JAX and PyTorch, on a GPU
# machine that has JAX and PyTorch (CUDA) but no TensorFlow, Keras or keras-tuner.
#
# Prepare the wheels once, on a machine with internet access, from the repository root:
#
#   echo /.whl/ >> .git/info/exclude
#   for pkg in keras==3.15.1 keras-tuner==1.4.8 kt-legacy==1.0.5 namex==0.1.0 optree==0.20.0; do
#     python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
#       --platform manylinux2014_x86_64 -d .whl "$pkg"
#   done
#
# then copy the checkout (with .whl/) to the GPU machine and run, from the repository root:
#
#   bash bench/device_check.sh [OUT_DIR]
#
# It installs the wheels into /tmp/site (nothing else is fetched), puts the checkout and
# them on PYTHONPATH, and for each backend in $BACKENDS (default "jax torch"):
#   1. prints the devices the backend sees (zoo.backend.devices), and fails without a GPU;
#   2. runs $TESTS (default: the backend-portable tests below, non-slow) on the GPU; tests
#      marked tensorflow_only or needs_tensorflow are skipped there (no TensorFlow);
#   3. runs bench/accelerator.py --quick on the workloads in $WORKLOADS (default
#      "cnn,dcgan,tuning"): images/s in float32 against mixed_precision="auto", and the
#      tuning workload (bench/accelerator_tuning.py): per-trial seconds and trials/min of the
#      digits CNN search (8 trials x 4 epochs, 28x28) with plain keras-tuner, the zoo in one
#      process and with 1, 2 and 4 workers sharing the GPU (each search a fresh process;
#      --workers N on one GPU gives each worker 0.9/N of its memory).
# Logs go to OUT_DIR (default $OUT when set, else /tmp/device_check): tests_<backend>.log,
# accelerator_<backend>.log, devices_<backend>.txt, nvidia-smi.txt, summary.txt.
# Put the accelerator figures in BENCHMARKS.md (bench/results/notes.json, "backends").
# Issue 18's targets to read off the summary: the zoo's trials/min >= 3x plain keras-tuner's
# (best of its lines), 4 workers / 1 worker >= 3x, mixed precision >= 1.7x float32.
# Time: the tests and the image workloads about 10 minutes on one H100 for both backends; the
# tuning workload adds about 3-6 minutes a backend (not measured yet). With 15 minutes of device
# time, run one backend at a time: BACKENDS=jax, then BACKENDS=torch, or
# TESTS=tests/tuning/test_accelerator.py WORKLOADS=tuning for the tuning figures alone.
set -uo pipefail
cd "$(dirname "$0")/.."

out="${1:-${OUT:-/tmp/device_check}}"
mkdir -p "$out"
backends="${BACKENDS:-jax torch}"
tests="${TESTS:-tests/zoo/backend tests/zoo/gan/test_model.py tests/zoo/gan/test_augment.py \
tests/zoo/test_callbacks.py tests/zoo/test_precision.py tests/zoo/test_distribute.py \
tests/zoo/test_registry_models.py tests/tuning/test_reuse.py tests/tuning/test_tuners.py \
tests/tuning/test_accelerator.py tests/tuning/test_placement.py}"
workloads="${WORKLOADS:-cnn,dcgan,tuning}"
python="${PYTHON:-python3}"

if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || { echo "device_check: wheel install failed" >&2; exit 2; }
  export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
# JAX would otherwise claim most of the GPU's memory while PyTorch's run may still hold some.
export XLA_PYTHON_CLIENT_PREALLOCATE=false

(nvidia-smi || echo "no nvidia-smi") > "$out/nvidia-smi.txt" 2>&1
status=0
: > "$out/summary.txt"
for backend in $backends; do
  export KERAS_BACKEND="$backend"
  if ! "$python" -c "import zoo.backend as b, json; d = b.devices(); print(json.dumps(d)); \
import sys; sys.exit(0 if any(x['type'] == 'GPU' for x in d) else 3)" \
      > "$out/devices_$backend.txt" 2>&1; then
    echo "$backend: no GPU seen ($(tail -1 "$out/devices_$backend.txt"))" | tee -a "$out/summary.txt"
    status=1
    continue
  fi
  # shellcheck disable=SC2086 # $tests is a list of paths
  timeout "${TEST_TIMEOUT:-600}" "$python" -m pytest -q -rs -m "not slow" -p no:cacheprovider \
    $tests > "$out/tests_$backend.log" 2>&1
  code=$?
  echo "$backend tests: exit $code, $(tail -1 "$out/tests_$backend.log")" | tee -a "$out/summary.txt"
  [ "$code" -eq 0 ] || status=1
  timeout "${BENCH_TIMEOUT:-600}" "$python" -m bench.accelerator --quick \
    --workloads "$workloads" > "$out/accelerator_$backend.log" 2>&1
  code=$?
  echo "$backend accelerator: exit $code" | tee -a "$out/summary.txt"
  grep -E "images/s|trials/min|running on" "$out/accelerator_$backend.log" \
    | tee -a "$out/summary.txt"
  [ "$code" -eq 0 ] || status=1
done
exit "$status"
