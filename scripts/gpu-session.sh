#!/usr/bin/env bash
# On the device, after scripts/gpu-stage.sh's chunks are unpacked into /tmp/stage: runs the GPU test category, then
# bench/gpu-bench.sh. Output under $OUT (gpu-tests.log, bench logs and JSON). SKIP_TESTS=1 / SKIP_BENCH=1 skip a part.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-session-out}
mkdir -p "$OUT"
source /tmp/stage/env.sh
export QWEN3ONNX_SHARED=/tmp/stage/shared
export QWEN3ONNX_CUDA_EP_LIBRARY=/tmp/stage/app/libonnxruntime_providers_cuda.so
rc=0
if [[ -z ${SKIP_TESTS:-} ]]; then
    echo "== GPU tests (TestCategory=GPU) on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null)"
    /tmp/stage/app/Qwen3Onnx.Gpu.Tests --filter "TestCategory=GPU" --progress off --output detailed 2>&1 | tee "$OUT/gpu-tests.log" | grep -E "passed|failed|skipped|Assert|error|total|succeeded" | head -60
    rc=${PIPESTATUS[0]}
fi
if [[ -z ${SKIP_BENCH:-} ]]; then
    OUT=$OUT bash bench/gpu-bench.sh /tmp/stage/shared/bench/hf_baseline.py
fi
exit "$rc"
