#!/usr/bin/env bash
# The one prepared run for a session that is lent a GPU machine (issue 12): builds striate with
# CUDA for that machine's GPU, runs the C++ tests and the CUDA-relevant Python tests on the GPU,
# and writes the summaries under $OUT (the device tool brings them back).
#
# Before calling it, on the development machine (the device machine reaches no network):
#   pip download 'pybind11>=3.0' --no-deps -d build/wheels
# then, through the device tool, within one call (about 5 min build on 16 cores, tests after):
#   run(command="bash tools/gpu_session.sh", carry=["build/wheels"], timeout_s=590)
# Read $OUT/summary.txt first: the pass / fail / skip counts per part, then the failures.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
OUT=${OUT:-/tmp/striate-gpu}
mkdir -p "$OUT"
py=$(command -v python3)
started=$(date +%s)
log() { echo "[gpu-session $(( $(date +%s) - started ))s] $*" | tee -a "$OUT/summary.txt"; }

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/gpu.txt" 2>&1
log "GPU: $(tail -1 "$OUT/gpu.txt")"

# pybind11 >= 3 (CMake asks for it): the image's own when new enough, else the carried wheel.
deps="$root/build/pydeps"
if ! "$py" -c "import pybind11, sys; sys.exit(int(pybind11.version_info < (3,)))" 2> /dev/null; then
  "$py" -m pip install -q --no-index --find-links build/wheels --target "$deps" pybind11 >> "$OUT/build.txt" 2>&1
  export PYTHONPATH="$deps${PYTHONPATH:+:$PYTHONPATH}"
fi
cmakedir=$("$py" -m pybind11 --cmakedir 2> /dev/null)
log "pybind11 cmake dir: ${cmakedir:-missing}"

arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2> /dev/null | head -1 | tr -d '.')
cmake -S . -B build/gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRIATE_BUILD_TESTS=ON \
  -DSTRIATE_BUILD_PYTHON=ON -DSTRIATE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="${arch:-90}" \
  -DPython_EXECUTABLE="$py" -Dpybind11_DIR="$cmakedir" >> "$OUT/build.txt" 2>&1
if ! cmake --build build/gpu -j"$(nproc)" >> "$OUT/build.txt" 2>&1; then
  log "BUILD FAILED (tail of build.txt follows)"
  tail -40 "$OUT/build.txt" >> "$OUT/summary.txt"
  exit 1
fi
log "built for sm_${arch:-90}"

(cd build/gpu && ctest --output-on-failure > "$OUT/ctest.txt" 2>&1)
log "ctest: $(grep -E 'tests passed|tests failed' "$OUT/ctest.txt" | tail -1)"

export STRIATE_DEV_BUILD="$root/build/gpu" PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" -c "import striate; striate.show_config()" > "$OUT/config.txt" 2>&1
log "CUDA available: $("$py" -c 'import striate; print(striate.cuda.is_available())' 2>&1 | tail -1)"

# The CUDA files first (fast, the most direct), then the per-device family files.
cuda_tests="tests/test_cuda.py tests/test_cuda_pointwise.py tests/test_cuda_libraries.py tests/test_kernel_shapes.py
  tests/test_half_optim.py tests/test_half_index.py tests/test_cuda_mix.py
  tests/test_amp.py tests/test_trainer_device.py tests/test_distributed.py tests/test_diag_gradcheck.py"
family_tests="tests/test_elementwise.py tests/test_activation.py tests/test_pooling.py tests/test_dropout.py
  tests/test_reduce.py tests/test_loss.py tests/test_cat_index.py tests/test_normalization.py tests/test_conv.py
  tests/test_linalg.py tests/test_device_dispatch.py"
for part in cuda family; do
  files=$([ $part = cuda ] && echo $cuda_tests || echo $family_tests)
  remaining=$(( 540 - ($(date +%s) - started) ))
  if [ "$remaining" -lt 30 ]; then
    log "$part tests: skipped, no time left"
    continue
  fi
  timeout "$remaining" "$py" -m pytest $files -q -p no:cacheprovider -rf --maxfail=200 \
    > "$OUT/pytest-$part.txt" 2>&1
  log "$part tests: $(tail -1 "$OUT/pytest-$part.txt")"
  grep -E '^FAILED' "$OUT/pytest-$part.txt" | head -60 >> "$OUT/summary.txt"
done
# The GPU benchmark against PyTorch (needs a CUDA build of torch on the machine), if time is left.
remaining=$(( 580 - ($(date +%s) - started) ))
if [ "$remaining" -gt 60 ] && "$py" -c "import torch, sys; sys.exit(not torch.cuda.is_available())" 2> /dev/null; then
  timeout "$remaining" "$py" bench/bench_gpu.py --repeats 5 --out "$OUT" > "$OUT/bench-gpu.txt" 2>&1
  log "bench: $(grep -c 'img/s' "$OUT/bench-gpu.txt") rows (bench-gpu.txt)"
else
  log "bench: skipped (no CUDA torch here, or no time left)"
fi
log "done"
