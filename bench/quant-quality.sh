#!/usr/bin/env bash
# Quantization quality on the HF fixtures (#13): runs QuantizationQualityTests and prints its rows as one table.
#   bash bench/quant-quality.sh
# Per fixture and format, three graphs: the fp32 graph of our quantizer's round trip, the same of plain absmax
# round-to-nearest (llama.cpp Q4_0/Q8_0's rule, the baseline) and the real quantized export. "HF" columns score the 65
# positions of expected.json (prompt logits and teacher-forced greedy steps) and HF's free greedy continuation (tokens
# before the first difference); "wide" columns score 32 seeded prompts x 24 tokens against the fp32 graph.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-tokenizer.sh >/dev/null
dotnet build tests/Qwen3Onnx.Export.Tests -c Release --nologo -v q >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test tests/Qwen3Onnx.Export.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~QuantizationQualityTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || { grep -E "Failed|Assert" "$log" >&2; exit 1; }
echo "| fixture | format | graph | HF mean cos | HF min cos | HF mean KL | HF top-1 | HF greedy | wide mean cos | wide mean KL | wide median KL | wide flips | wide top-1 |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
grep -oE 'quality \|.*' "$log" | sed -E 's/^quality //; s/$/ |/'
echo
grep -oE 'weights \|.*' "$log" | sed -E 's/^weights \| //'
