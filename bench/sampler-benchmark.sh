#!/usr/bin/env bash
# Sampler cost per token (Release build). Usage: bench/sampler-benchmark.sh [timed tokens per case, default 3000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/SamplerBenchmark -- "$@"
