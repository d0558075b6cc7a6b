#!/usr/bin/env bash
# Bounded load test of `qwen3-onnx serve` on loopback: a fixed number of chat requests at a fixed concurrency,
# under a hard time limit; reports requests/s, p50/p99 latency and failures, then stops the server it started.
#   bench/serve-load.sh [--model DIR] [--requests 64] [--concurrency 8] [--max-tokens 32] [--max-batch 8] [--duration 300]
# Without --model it writes a small random-weight demo export (bench/serve-load/make-demo-model.cs).
set -euo pipefail

REQUESTS=64 CONCURRENCY=8 MAX_TOKENS=32 MAX_BATCH=8 DURATION=300 MODEL=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --max-tokens) MAX_TOKENS="$2"; shift 2 ;;
    --max-batch) MAX_BATCH="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "$MODEL" ]]; then
  MODEL="$WORK/demo-model"
  (cd "$ROOT/bench/serve-load" && dotnet run make-demo-model.cs -- "$MODEL" >/dev/null)
fi

dotnet build -c Release "$ROOT/tools/Qwen3Onnx.Cli" -o "$WORK/cli" >/dev/null
"$WORK/cli/qwen3-onnx" serve --model "$MODEL" --host 127.0.0.1 --port 0 \
  --max-batch "$MAX_BATCH" --max-queue "$REQUESTS" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

BASE=""
for _ in $(seq 1 300); do
  BASE="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/server.log" | head -1 || true)"
  [[ -n "$BASE" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
[[ -n "$BASE" ]] || { echo "server did not start" >&2; exit 1; }
NAME="$(curl -sf "$BASE/v1/models" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)"

# One request: prints "<http status> <seconds> <finish_reason present: 1/0>".
one_request() {
  local i="$1" body out
  body="{\"model\":\"$NAME\",\"messages\":[{\"role\":\"user\",\"content\":\"Request $i: tell me a story about boat number $i.\"}],\"max_tokens\":$MAX_TOKENS,\"temperature\":0.7,\"seed\":$i}"
  out="$WORK/response-$i.json"
  read -r code seconds < <(curl -s -o "$out" -w '%{http_code} %{time_total}\n' --max-time "$DURATION" \
    -H 'Content-Type: application/json' -d "$body" "$BASE/v1/chat/completions" || echo "000 0")
  echo "$code $seconds $(grep -c '"finish_reason"' "$out" 2>/dev/null; true)"
}
export -f one_request
export WORK NAME MAX_TOKENS BASE DURATION

START=$(date +%s.%N)
seq 1 "$REQUESTS" | timeout "$DURATION" xargs -P "$CONCURRENCY" -I{} bash -c 'one_request {}' >"$WORK/results.txt" || true
END=$(date +%s.%N)

METRICS="$(curl -s "$BASE/metrics")"
DONE=$(wc -l <"$WORK/results.txt")
awk '$1 == 200 && $3 >= 1 { print $2 }' "$WORK/results.txt" | sort -g >"$WORK/latencies.txt"
awk -v n="$REQUESTS" -v done="$DONE" -v start="$START" -v end="$END" -v c="$CONCURRENCY" -v metrics="$METRICS" '
  { lat[++ok] = $1 }
  END {
    wall = end - start
    p50 = ok ? lat[int((ok - 1) * 0.50) + 1] : 0
    p99 = ok ? lat[int((ok - 1) * 0.99) + 1] : 0
    printf "requests %d  concurrency %d  ok %d  failed %d  lost %d\n", n, c, ok, done - ok, n - done
    printf "wall %.2f s  throughput %.2f req/s  latency p50 %.3f s  p99 %.3f s\n", wall, ok / wall, p50, p99
    printf "server metrics %s\n", metrics
    exit (ok == n) ? 0 : 1
  }' "$WORK/latencies.txt"
