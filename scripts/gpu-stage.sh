#!/usr/bin/env bash
# Stages everything a device session needs (see ../shared/gpu/README.md): the self-contained CLI and the GPU test
# executable (one publish folder, one runtime), the CUDA-enabled ONNX Runtime, the shared fixtures and the HF baseline
# script, split into .gpu/c1 … .gpu/cN. Then make the printed device calls back to back; the last one runs
#   bash scripts/gpu-session.sh        (GPU tests, then bench/gpu-bench.sh; knobs pass through the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${QWEN3ONNX_SHARED:-../shared}
PUB=$(mktemp -d)
trap 'rm -rf "$PUB"' EXIT
[[ -d .git ]] && mkdir -p .git/info   # prepare.sh appends /.gpu/ to .git/info/exclude (run from the main checkout)
dotnet publish tools/Qwen3Onnx.Cli -c Release -r linux-x64 --self-contained -o "$PUB" --nologo -v q
dotnet publish tests/Qwen3Onnx.Gpu.Tests -c Release -r linux-x64 --self-contained -o "$PUB" --nologo -v q
bash "$SHARED/gpu/prepare.sh" "$PUB" | grep -v "^  run carry"
last=$(ls -d .gpu/c* | sort -V | tail -1)
mkdir -p "$last/shared/fixtures" "$last/shared/bench"
cp -r "$SHARED/fixtures/models" "$last/shared/fixtures/"
cp "$SHARED/bench/hf_baseline.py" "$last/shared/bench/"
echo "device calls, back to back (carry one chunk each):"
for chunk in $(ls -d .gpu/c* | sort -V); do
    if [[ $chunk != "$last" ]]; then
        echo "  carry=[\"$chunk\"]  mkdir -p /tmp/stage && cp $chunk/* /tmp/stage/"
    else
        echo "  carry=[\"$chunk\"]  mkdir -p /tmp/stage && cp -r $chunk/* /tmp/stage/ && cat /tmp/stage/part_* | tar xf - -C /tmp/stage && bash /tmp/stage/unpack.sh && bash scripts/gpu-session.sh"
    fi
done
