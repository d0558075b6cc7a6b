#!/usr/bin/env bash
# Installs the official OpenAI Node SDK (npm openai@6.49.0) once into the user cache, for the contract tests.
set -euo pipefail
version=6.49.0
dest="${QWEN3ONNX_NODE_OPENAI_DIR:-$HOME/.cache/qwen3onnx/node-openai-$version}"
if [ -f "$dest/node_modules/openai/package.json" ]; then
  exit 0
fi
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
npm install --silent --no-audit --no-fund --prefix "$dest.partial" "openai@$version" >/dev/null
rm -rf "$dest" && mv "$dest.partial" "$dest"
echo "openai node sdk: $dest"
