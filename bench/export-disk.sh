#!/usr/bin/env bash
# Peak disk use of an export against its output size (target: peak <= 1.1 x output).
# Samples the allocated bytes (du -B1, so sparse holes do not count) of the output's parent folder every 50 ms.
# Usage: bench/export-disk.sh [preset] [dtype] [CLI_DLL...]   (default: 0.6B fp16 with this checkout's CLI; give
# more CLI builds, e.g. an older checkout's, to measure them in the same command)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-0.6B}"
dtype="${2:-fp16}"
shift $(( $# > 2 ? 2 : $# ))
clis=("$@")
if [ ${#clis[@]} -eq 0 ]; then
  dotnet build tools/Qwen3Onnx.Cli -c Release --nologo -v quiet >/dev/null
  clis=(tools/Qwen3Onnx.Cli/bin/Release/net10.0/qwen3-onnx.dll)
fi
echo "command: qwen3-onnx export --model $preset --synthetic-weights --dtype $dtype --out DIR/model"
printf '%-60s %12s %12s %8s\n' cli "output MB" "peak MB" ratio
for cli in "${clis[@]}"; do
  work="$(mktemp -d /tmp/qwen3onnx-disk-bench.XXXXXX)"
  samples="$work.samples"
  ( while true; do du -s -B1 "$work" 2>/dev/null | cut -f1; sleep 0.05; done ) > "$samples" &
  sampler=$!
  dotnet "$cli" export --model "$preset" --synthetic-weights --dtype "$dtype" --out "$work/model" >/dev/null
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  final=$(du -s -B1 "$work/model" | cut -f1)
  peak=$(sort -n "$samples" | tail -1)
  awk -v c="$cli" -v f="$final" -v p="$peak" 'BEGIN { printf "%-60s %12.1f %12.1f %8.3f\n", c, f/1e6, p/1e6, p/f }'
  rm -rf "$work" "$samples"
done
