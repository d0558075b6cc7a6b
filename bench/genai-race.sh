#!/usr/bin/env bash
# Our runtime against ONNX Runtime GenAI 0.20 on the same exported graph (CPU), one run, one table.
#
#   bench/genai-race.sh                                    # 0.6B fused int4/fp32, 0.6B portable fp32, MoE int4; batch 1 and 8
#   MODELS="0.6B:fused:int4" BATCHES=1 bench/genai-race.sh # the quick version
#
# MODELS are SHAPE:GRAPH:DTYPE with SHAPE a preset (0.6B … 32B) or moe12 — Qwen3-30B-A3B's shapes (hidden 2048,
# 128 experts top-8, expert inter 768, 32/4 heads) with 12 of its 48 layers, so that it exports and runs on a small
# machine; both runtimes read the same files, so the depth cut changes both sides alike.
# Env knobs: WORK (default /tmp/qwen3onnx-genai-race), MODELS, BATCHES ("1 8"), PROMPT (32), GEN (64), THREADS (2),
#            REPS (3), WARMUP (1), KEEP (1: keep the exports).
set -euo pipefail

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
WORK=${WORK:-/tmp/qwen3onnx-genai-race}
MODELS=${MODELS:-"0.6B:fused:int4 0.6B:fused:fp32 0.6B:portable:fp32 moe12:fused:int4"}
BATCHES=${BATCHES:-"1 8"}
PROMPT=${PROMPT:-32}
GEN=${GEN:-64}
THREADS=${THREADS:-2}
REPS=${REPS:-3}
WARMUP=${WARMUP:-1}
KEEP=${KEEP:-0}
EXPORTS=$WORK/exports; RES=$WORK/results; BIN=$WORK/bin
mkdir -p "$EXPORTS" "$RES" "$BIN/cli" "$BIN/genai"
cleanup() { [[ $KEEP == 1 ]] || rm -rf "$EXPORTS"; }
trap cleanup EXIT

echo "== machine"
{
    echo "date: $(date -u +%FT%TZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') | cores=$(nproc) | $(free -g | awk '/^Mem:/{print $2" GiB RAM"}')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "command: MODELS=\"$MODELS\" BATCHES=\"$BATCHES\" PROMPT=$PROMPT GEN=$GEN THREADS=$THREADS REPS=$REPS bench/genai-race.sh"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee "$RES/env.txt"

echo "== build qwen3-onnx and the GenAI driver (Release)"
dotnet publish "$ROOT/tools/Qwen3Onnx.Cli" -c Release -o "$BIN/cli" --nologo -v quiet > "$RES/publish.log" 2>&1 || { tail -20 "$RES/publish.log"; exit 1; }
dotnet publish "$ROOT/bench/GenAiBenchmark" -c Release -o "$BIN/genai" --nologo -v quiet >> "$RES/publish.log" 2>&1 || { tail -20 "$RES/publish.log"; exit 1; }
CLI=$BIN/cli/qwen3-onnx
GENAI=$BIN/genai/GenAiBenchmark

# moe12_config FOLDER: a config.json of Qwen3-30B-A3B's shapes with 12 layers (weights are synthetic).
moe12_config() {
    mkdir -p "$1"
    cat > "$1/config.json" <<JSON
{"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "vocab_size": 151936, "hidden_size": 2048,
 "intermediate_size": 6144, "num_hidden_layers": 12, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
 "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "max_position_embeddings": 40960, "tie_word_embeddings": false,
 "num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 768, "norm_topk_prob": true,
 "decoder_sparse_step": 1, "mlp_only_layers": [], "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"}
JSON
}

jget() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$2"; }

for entry in $MODELS; do
    IFS=: read -r shape graph dtype <<< "$entry"
    tag=$shape-$graph-$dtype; out=$EXPORTS/$tag
    echo "== export $tag"
    model=$shape
    if [[ $shape == moe12 ]]; then moe12_config "$WORK/moe12-source"; model=$WORK/moe12-source; fi
    "$CLI" export --model "$model" --synthetic-weights --graph "$graph" --dtype "$dtype" --max-seq-len 4096 --out "$out" > "$RES/export-$tag.log" 2>&1 \
        || { tail -5 "$RES/export-$tag.log"; exit 1; }
    for b in $BATCHES; do
        echo "-- $tag batch $b: ours"
        "$CLI" bench --model "$out" --batch "$b" --prompt-tokens "$PROMPT" --new-tokens "$GEN" --threads "$THREADS" \
            --warmup "$WARMUP" --reps "$REPS" --json "$RES/ours-$tag-b$b.json" > "$RES/ours-$tag-b$b.log" 2>&1 || { tail -5 "$RES/ours-$tag-b$b.log"; exit 1; }
        tail -1 "$RES/ours-$tag-b$b.log"
        echo "-- $tag batch $b: GenAI"
        "$GENAI" "$out" --batch "$b" --prompt-tokens "$PROMPT" --new-tokens "$GEN" --threads "$THREADS" \
            --warmup "$WARMUP" --reps "$REPS" > "$RES/genai-$tag-b$b.json" 2> "$RES/genai-$tag-b$b.log" || { tail -5 "$RES/genai-$tag-b$b.log"; exit 1; }
        cat "$RES/genai-$tag-b$b.json"
    done
    [[ $KEEP == 1 ]] || rm -rf "$out"
done

echo
echo "== ours vs ONNX Runtime GenAI 0.20 on the same graph: tok/s (median of $REPS), $THREADS threads, prompt $PROMPT, $GEN new tokens"
fmt='%-8s %-14s %5s | %10s %10s %8s | %10s %10s %8s | %7s %7s\n'
printf "$fmt" model graph batch "ours dec" "ours pre" "RSS MiB" "GenAI dec" "GenAI pre" "RSS MiB" "dec x" "pre x"
for entry in $MODELS; do
    IFS=: read -r shape graph dtype <<< "$entry"
    tag=$shape-$graph-$dtype
    for b in $BATCHES; do
        o=$RES/ours-$tag-b$b.json; g=$RES/genai-$tag-b$b.json
        od=$(jget decode_tok_s "$o"); op=$(jget prefill_tok_s "$o"); orss=$(jget peak_rss_mib "$o")
        gd=$(jget decode_tok_s "$g"); gp=$(jget prefill_tok_s "$g"); grss=$(jget peak_rss_mib "$g")
        printf "$fmt" "$shape" "$graph $dtype" "$b" "$(printf %.2f "$od")" "$(printf %.1f "$op")" "$(printf %.0f "$orss")" \
            "$(printf %.2f "$gd")" "$(printf %.1f "$gp")" "$(printf %.0f "$grss")" \
            "$(awk -v a="$od" -v b="$gd" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$op" -v b="$gp" 'BEGIN{printf "%.2f", a/b}')"
    done
done
echo
echo "dec x / pre x = ours / GenAI (decode, prefill); above 1 ours is faster. Both count every row's tokens."
echo "logs: $RES"
