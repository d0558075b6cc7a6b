#!/usr/bin/env bash
# Decode speed with and without a JSON-schema grammar on the same export, in one command:
#   bash bench/grammar-bench.sh [PRESET] [DTYPE] [GRAPH] [NEW_TOKENS]      (defaults: 0.6B int4 fused 64)
# Greedy decoding of seeded synthetic weights with the real Qwen3 tokenizer (scripts/fetch-tokenizer.sh).
# answer.json keeps the model inside strings (the plain-string bit set plus quote/backslash checks);
# numbers.json keeps it between structural tokens (trie walks). Prints one table: the figures and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-0.6B}"; dtype="${2:-int4}"; graph="${3:-fused}"; new="${4:-64}"
bash scripts/fetch-tokenizer.sh >/dev/null
tokenizer="${QWEN3ONNX_TOKENIZER_DIR:-$HOME/.cache/qwen3onnx/tokenizer-qwen3-3.7.2}"
cache="${BENCH_EXPORT_CACHE:-${TMPDIR:-/tmp}/qwen3onnx-bench-cache}"
dotnet build tools/Qwen3Onnx.Cli -c Release --nologo -v q >/dev/null
cli=(dotnet tools/Qwen3Onnx.Cli/bin/Release/net10.0/qwen3-onnx.dll bench --model "$preset" --synthetic-weights --dtype "$dtype" --graph "$graph"
     --new-tokens "$new" --reps 5 --export-cache "$cache")
run() { "${cli[@]}" "$@" | tail -1; }
free=$(run)
answer=$(run --json-schema bench/schemas/answer.json --tokenizer "$tokenizer")
numbers=$(run --json-schema bench/schemas/numbers.json --tokenizer "$tokenizer")
python3 - "$free" "$answer" "$numbers" <<'PY'
import json, sys
rows = [json.loads(line) for line in sys.argv[1:]]
base = rows[0]
step_us = 1e6 / base["decode_tok_s"]
# Decode tok/s on a shared machine moves by several per cent between runs; the sampler's own time (which is where
# the mask is computed and applied) is measured per token and is the figure the mask's cost rests on.
print(f"{'constraint':<28} {'decode tok/s':>12} {'sampling µs/token':>18} {'mask share of a step':>21}")
for name, row in zip(["none", "answer.json (strings)", "numbers.json (structure)"], rows):
    share = (row["sampling_us_per_token"] - base["sampling_us_per_token"]) / step_us
    print(f"{name:<28} {row['decode_tok_s']:>12.2f} {row['sampling_us_per_token']:>18.1f} {share:>20.1%}")
PY
