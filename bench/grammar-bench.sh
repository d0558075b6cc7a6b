#!/usr/bin/env bash
# Decode speed with and without a JSON-schema grammar on the same export, in one command:
#   bash bench/grammar-bench.sh [PRESET] [DTYPE] [GRAPH] [NEW_TOKENS]      (defaults: 0.6B int4 fused 64)
# Greedy decoding of seeded synthetic weights with the real Qwen3 tokenizer (scripts/fetch-tokenizer.sh).
# answer.json keeps the model inside strings (the plain-string bit set plus quote/backslash checks);
# numbers.json keeps it between structural tokens (trie walks). Prints one table: the figures and the ratio.
# With llama.cpp built by ../shared/bench/llamacpp/run.sh (LLAMACPP_WORK, default /tmp/llamacpp_anchor, holding
# lib/ and models/qwen3-<preset>-random-q4_0.gguf), the same two schemas as GBNF (bench/llamacpp-grammar) run
# through llama.cpp's grammar sampler in the same command, as the peer.
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
peer=()
work="${LLAMACPP_WORK:-/tmp/llamacpp_anchor}"
gguf="$work/models/qwen3-$(echo "$preset" | tr 'A-Z' 'a-z')-random-q4_0.gguf"
if [ -f "$gguf" ] && [ -d "$work/lib" ]; then
  gcc -O2 -Wall -Wno-unused-result -I"$work/llama.cpp-src/include" -I"$work/llama.cpp-src/ggml/include" bench/llamacpp-grammar/bench_grammar.c \
    -o "$work/bin/bench_grammar" -L"$work/lib" -l:libllama.v0.5.0.so -l:libggml.v0.5.0.so -l:libggml-base.so -Wl,-rpath,"$work/lib" -lm
  for g in - bench/llamacpp-grammar/answer.gbnf bench/llamacpp-grammar/numbers.gbnf; do
    peer+=("$(LLAMA_LIB_DIR="$work/lib" "$work/bin/bench_grammar" "$gguf" "$g" 2 32 "$new" 5 2>/dev/null | tail -1)")
  done
fi
python3 - "$free" "$answer" "$numbers" "${peer[@]}" <<'PY'
import json, sys
rows = [json.loads(line) for line in sys.argv[1:4]]
peer = [json.loads(line) for line in sys.argv[4:]]
base = rows[0]
step_us = 1e6 / base["decode_tok_s"]
# Decode tok/s on a shared machine moves by several per cent between runs; the sampler's own time (which is where
# the mask is computed and applied) is measured per token and is the figure the mask's cost rests on.
print(f"{'ours int4 fused, constraint':<28} {'decode tok/s':>12} {'vs its own free':>16} {'sampling µs/token':>18} {'sampler time beyond free, of a step':>36}")
for name, row in zip(["none", "answer.json (strings)", "numbers.json (structure)"], rows):
    share = (row["sampling_us_per_token"] - base["sampling_us_per_token"]) / step_us
    print(f"{name:<28} {row['decode_tok_s']:>12.2f} {row['decode_tok_s'] / base['decode_tok_s']:>16.3f} {row['sampling_us_per_token']:>18.1f} {share:>36.1%}")
if peer:
    print()
    print(f"{'llama.cpp Q4_0, constraint':<28} {'decode tok/s':>12} {'vs its own free':>16}")
    for name, row in zip(["none", "answer.gbnf (strings)", "numbers.gbnf (structure)"], peer):
        print(f"{name:<28} {row['decode_tok_s']:>12.2f} {row['decode_tok_s'] / peer[0]['decode_tok_s']:>16.3f}")
PY
