#!/usr/bin/env bash
# Single-stream decode speed of `qwen3-onnx serve` next to `qwen3-onnx bench` on the same export, in one command:
#   bash bench/serve-vs-bench.sh [PRESET] [DTYPE] [GRAPH] [NEW_TOKENS]      (defaults: 0.6B int4 fused 128)
# Both decode one row on the CPU with 2 threads from a ~32-token prompt. The server's figure is taken from the
# stream: (completion tokens - 1) / (time of the last content chunk - time of the first), median of 5 requests
# (seeded sampling, so the end-of-sequence token rarely comes early; a request that ends early is not counted).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-0.6B}"; dtype="${2:-int4}"; graph="${3:-fused}"; new="${4:-128}"
cache="${BENCH_EXPORT_CACHE:-${TMPDIR:-/tmp}/qwen3onnx-bench-cache}"
bash scripts/fetch-tokenizer.sh >/dev/null
tokenizer="${QWEN3ONNX_TOKENIZER_DIR:-$HOME/.cache/qwen3onnx/tokenizer-qwen3-3.7.2}"
dotnet build tools/Qwen3Onnx.Cli -c Release --nologo -v q >/dev/null
cli=(dotnet tools/Qwen3Onnx.Cli/bin/Release/net10.0/qwen3-onnx.dll)
bench=$("${cli[@]}" bench --model "$preset" --synthetic-weights --dtype "$dtype" --graph "$graph" --threads 2 \
  --prompt-tokens 32 --new-tokens "$new" --reps 5 --export-cache "$cache" | tail -1)
folder=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["export_folder"])' "$bench")
cp -n "$tokenizer"/tokenizer.json "$tokenizer"/tokenizer_config.json "$folder"/ 2>/dev/null || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"${cli[@]}" serve --model "$folder" --port "$port" --threads 2 --max-batch 1 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
python3 - "$port" "$new" "$bench" "$(basename "$folder")" <<'PY'
import json, statistics, sys, time, urllib.request
port, new, bench, model = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"
for _ in range(300):
    try:
        urllib.request.urlopen(base + "/health", timeout=1); break
    except Exception:
        time.sleep(0.2)
# 32 prompt tokens, as bench uses: the chat template's frame around a short user message comes to about that.
body = {"model": model, "messages": [{"role": "user", "content": "Tell me a long story about the sea and ships."}],
        "max_tokens": new, "stream": True, "stream_options": {"include_usage": True}, "temperature": float(__import__("os").environ.get("SERVE_TEMPERATURE", "1.0")), "enable_thinking": False}
rates = []
for seed in range(6):
    body["seed"] = seed
    request = urllib.request.Request(base + "/v1/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"})
    stamps, tokens = [], 0
    with urllib.request.urlopen(request, timeout=600) as response:
        for line in response:
            if not line.startswith(b"data: {"):
                continue
            chunk = json.loads(line[6:])
            if chunk.get("usage"):
                tokens = chunk["usage"]["completion_tokens"]
            for choice in chunk.get("choices", []):
                if choice["delta"].get("content"):
                    stamps.append(time.perf_counter())
    if seed == 0:
        continue  # warm-up
    if tokens < new:
        print(f"seed {seed}: ended after {tokens} tokens, not counted", file=sys.stderr); continue
    rates.append((tokens - 1) / (stamps[-1] - stamps[0]))
served = statistics.median(rates)
ours = bench["decode_tok_s"]
print(f"{'':<34} {'decode tok/s':>12}")
print(f"{'bench (batch 1)':<34} {ours:>12.2f}")
print(f"{'serve, one stream':<34} {served:>12.2f}")
print(f"{'serve / bench':<34} {served / ours:>12.3f}")
PY
