#!/usr/bin/env bash
# Generation-loop host overhead per token (Release build).
# Usage: bench/loop-overhead.sh [export folder | preset name, e.g. 0.6B | custom (default)] [new tokens, default 128]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/LoopBenchmark -- "$@"
