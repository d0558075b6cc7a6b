#!/usr/bin/env bash
# Export benchmark: Qwen3-8B shape with synthetic weights to fp16 (~16 GB written), timed under /usr/bin/time -v.
# Prints wall seconds and peak RSS (target: < 3 GB), then deletes the output. Usage: bench/export-benchmark.sh [preset] [dtype]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-8B}"
dtype="${2:-fp16}"
if [ ! -x /usr/bin/time ]; then
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
dotnet build tools/Qwen3Onnx.Cli -c Release --nologo -v quiet >/dev/null
out="$(mktemp -d /tmp/qwen3onnx-export-bench.XXXXXX)"
log="$(mktemp)"
trap 'rm -rf "$out" "$log"' EXIT
df -h "$(dirname "$out")" | tail -1
/usr/bin/time -v dotnet tools/Qwen3Onnx.Cli/bin/Release/net10.0/qwen3-onnx.dll export \
  --model "$preset" --synthetic-weights --dtype "$dtype" --out "$out/model" 2> "$log" | tail -8
du -sh "$out/model"
wall=$(grep -E 'Elapsed \(wall clock\)' "$log" | awk '{print $NF}')
rss_kb=$(grep -E 'Maximum resident set size' "$log" | awk '{print $NF}')
echo "command: qwen3-onnx export --model $preset --synthetic-weights --dtype $dtype"
echo "wall clock: $wall"
echo "peak RSS: $((rss_kb / 1024)) MiB"
