#!/usr/bin/env bash
# Fuzzes the input readers with AFL++ and SharpFuzz: scripts/fuzz.sh [SECONDS] [TARGET...]
# (default 600 s each, every target). Targets: safetensors, config, tokenizer-decode, chat-request.
# Exits 1 when a target found a crash or did not start. Needs afl++ (Debian) and the SharpFuzz.CommandLine tool (NuGet); installs both when missing.
# Findings land in artifacts/fuzz/<target>/default/crashes; replay one with
#   dotnet artifacts/fuzz/bin/qwen3-onnx-fuzz.dll TARGET --replay FILE
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(safetensors config tokenizer-decode chat-request json-schema)
out="${FUZZ_OUT:-artifacts/fuzz}"
if ! command -v afl-fuzz >/dev/null; then (apt-get update -qq && apt-get install -y -qq afl++) >/dev/null; fi
tool="$HOME/.cache/qwen3onnx/sharpfuzz-2.3.0"
[ -x "$tool/sharpfuzz" ] || dotnet tool install --tool-path "$tool" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
bash scripts/fetch-tokenizer.sh >/dev/null
rm -rf "$out/bin"
dotnet publish tests/Qwen3Onnx.Fuzz -c Release -o "$out/bin" --nologo -v q >/dev/null
for lib in Qwen3Onnx.Models Qwen3Onnx.Runtime Qwen3Onnx.Server Microsoft.ML.Tokenizers; do
  "$tool/sharpfuzz" "$out/bin/$lib.dll" >/dev/null
done
failed=0
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
for target in "${targets[@]}"; do
  rm -rf "$out/$target"
  afl-fuzz -V "$seconds" -t 10000 -m none -i "tests/fuzz-corpus/$target" -o "$out/$target" \
    -- dotnet "$out/bin/qwen3-onnx-fuzz.dll" "$target" > "$out/$target.log" 2>&1 || true
  stats="$out/$target/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then echo "$target: afl-fuzz did not start (see $out/$target.log)"; failed=1; continue; fi
  crashes=$(find "$out/$target/default/crashes" -type f -name 'id:*' | wc -l)
  echo "$target: $(awk -F' *: *' '$1=="execs_done"{e=$2} $1=="corpus_count"{p=$2} $1=="run_time"{t=$2} END{printf "%s execs, %s paths, %s s", e, p, t}' "$stats"), $crashes crashes"
  [ "$crashes" -eq 0 ] || failed=1
done
exit "$failed"
