#!/usr/bin/env bash
# CPU race: our ONNX Runtime exports against llama.cpp on the same Qwen3 shapes (synthetic/random weights), one run, one table.
#
#   bench/cpu-race.sh                                   # 0.6B and 1.7B, every flavour, then llama.cpp F16/Q8_0/Q4_0
#   SIZES="0.6B" FLAVOURS="portable:fp32" bench/cpu-race.sh   # the quick version
#   KEEP=1 bench/cpu-race.sh                            # keep the exports (1.7B fp32 is about 7 GB) for a rerun
#
# Env knobs: WORK (default /tmp/qwen3onnx-cpu-race), LLAMA_WORK (default $WORK/llamacpp), SIZES,
#            FLAVOURS (graph:dtype[@block][/headbits] ...; /4 = --output-bits 4, a 4-bit output projection),
#            PROMPT (32), GEN (128), THREADS (2), REPS (3), WARMUP (1), LLAMA_STAGES (stages of the llama.cpp run.sh), KEEP.
# A flavour the exporter does not build yet (it rejects the options before exporting) prints "n/a (not built)".
set -euo pipefail

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
# shared/ sits beside the checkout ($ROOT/../shared); a worktree deeper down finds it by walking up, as the tests do.
find_shared() {
    local dir=$ROOT
    while [[ $dir != / ]]; do
        [[ -d $dir/shared/bench/llamacpp ]] && { echo "$dir/shared"; return; }
        dir=$(dirname "$dir")
    done
    echo "cpu-race: no shared/bench/llamacpp above $ROOT; set SHARED" >&2; exit 1
}
SHARED=${SHARED:-${QWEN3ONNX_SHARED:-$(find_shared)}}
WORK=${WORK:-/tmp/qwen3onnx-cpu-race}
LLAMA_WORK=${LLAMA_WORK:-$WORK/llamacpp}
SIZES=${SIZES:-"0.6B 1.7B"}
FLAVOURS=${FLAVOURS:-"portable:fp32 fused:fp32 fused:int8 fused:int4 fused:int8@128 fused:int4@128"}
PROMPT=${PROMPT:-32}
GEN=${GEN:-128}
THREADS=${THREADS:-2}
REPS=${REPS:-3}
WARMUP=${WARMUP:-1}
LLAMA_STAGES=${LLAMA_STAGES:-"fetch build models bench"}
KEEP=${KEEP:-0}
EXPORTS=$WORK/exports; RES=$WORK/results; CLI_DIR=$WORK/cli
mkdir -p "$EXPORTS" "$RES" "$CLI_DIR"

cleanup() { [[ $KEEP == 1 ]] || rm -rf "$EXPORTS"; }
trap cleanup EXIT

echo "== machine"
{
    echo "date: $(date -u +%FT%TZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') | cores=$(nproc) | $(free -g | awk '/^Mem:/{print $2" GiB RAM"}')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "command: SIZES=\"$SIZES\" FLAVOURS=\"$FLAVOURS\" PROMPT=$PROMPT GEN=$GEN THREADS=$THREADS REPS=$REPS LLAMA_WORK=$LLAMA_WORK LLAMA_STAGES=\"$LLAMA_STAGES\" bench/cpu-race.sh"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee "$RES/env.txt"
df -h /tmp | tail -1

echo "== memory bandwidth (bench/membw.c, 1 GiB, $THREADS threads)"
gcc -O3 -march=native -fopenmp "$ROOT/bench/membw.c" -o "$WORK/membw"
BW=$(OMP_NUM_THREADS=$THREADS "$WORK/membw" 1024 7 | tee "$RES/membw.txt" | sed -n 's/.*read_GBps=\([0-9.]*\).*/\1/p')
echo "read bandwidth: $BW GB/s"

echo "== build qwen3-onnx (Release)"
dotnet publish "$ROOT/tools/Qwen3Onnx.Cli" -c Release -o "$CLI_DIR" --nologo -v quiet > "$RES/publish.log" 2>&1 || { tail -20 "$RES/publish.log"; exit 1; }
CLI=$CLI_DIR/qwen3-onnx

# jget KEY FILE: a number or string field of a one-line JSON object
jget() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$2"; }

# parse_flavour GRAPH:DTYPE[@BLOCK][/HEADBITS] → graph, dtype, block, head (empty: the exporter's defaults, 32 and 8)
parse_flavour() {
    graph=${1%%:*}; dtype=${1##*:}; block=""; head=""
    [[ $dtype == */* ]] && { head=${dtype#*/}; dtype=${dtype%/*}; }
    [[ $dtype == *@* ]] && { block=${dtype#*@}; dtype=${dtype%@*}; }
    return 0
}

echo "== ours (ONNX Runtime CPU, $THREADS threads, prompt $PROMPT, $GEN new tokens, batch 1)"
for size in $SIZES; do
    for flavour in $FLAVOURS; do
        parse_flavour "$flavour"
        tag=$size-$graph-$dtype${block:+-b$block}${head:+-h$head}; json=$RES/ours-$tag.json; log=$RES/ours-$tag.log
        rm -f "$json" "$RES/ours-$tag.status"
        echo "-- $tag"
        if "$CLI" bench --model "$size" --synthetic-weights --dtype "$dtype" --graph "$graph" ${block:+--block-size "$block"} ${head:+--output-bits "$head"} --prompt-tokens "$PROMPT" --new-tokens "$GEN" \
            --batch 1 --threads "$THREADS" --warmup "$WARMUP" --reps "$REPS" --export-cache "$EXPORTS" --json "$json" > "$log" 2>&1; then
            tail -1 "$log"
        elif grep -qE '^(exporting|reusing export)' "$log"; then
            echo "failed: $(grep '^error:' "$log" | head -1)" | tee "$RES/ours-$tag.status"
        else
            echo "n/a (not built): $(grep '^error:' "$log" | head -1)" | tee "$RES/ours-$tag.status"
        fi
    done
    # One size's exports at a time on disk, unless they are to be kept.
    [[ $KEEP == 1 ]] || rm -rf "${EXPORTS:?}"/*
done

echo "== llama.cpp ($SHARED/bench/llamacpp/run.sh, WORK=$LLAMA_WORK)"
llama_sizes=$(tr 'A-Z' 'a-z' <<< "$SIZES")
WORK=$LLAMA_WORK SIZES="$llama_sizes" THREADS=$THREADS PROMPT=$PROMPT GEN=$GEN REPS=$REPS STAGES="$LLAMA_STAGES" \
    bash "$SHARED/bench/llamacpp/run.sh" > "$RES/llamacpp.log" 2>&1 || { tail -20 "$RES/llamacpp.log"; exit 1; }
cp "$LLAMA_WORK/results/summary.tsv" "$RES/llamacpp-summary.tsv" 2>/dev/null || { echo "no llama.cpp summary (stages: $LLAMA_STAGES)"; : > "$RES/llamacpp-summary.tsv"; }

# peer SIZE TYPE COLUMN: a column of llama.cpp's summary.tsv (4 prompt tok/s, 6 decode tok/s median, 8 peak RSS MiB)
peer() { awk -F'\t' -v s="$1" -v t="$2" -v c="$3" '$1==s && $2==t {print $c}' "$RES/llamacpp-summary.tsv"; }
peer_type() { case $1 in int8) echo q8_0;; int4) echo q4_0;; *) echo f16;; esac; }
bytes_per_weight() { case $1 in fp32) echo 4;; fp16) echo 2;; *) echo "";; esac; }

echo
echo "== CPU race: decode/prefill tok/s (median of $REPS), $THREADS threads, prompt $PROMPT, $GEN new tokens, batch 1; memory read bandwidth $BW GB/s"
fmt='%-6s %-16s %9s %9s %8s %8s %10s | %-6s %9s %9s %8s | %7s | %10s\n'
printf "$fmt" model ours decode prefill "TTFT ms" "RSS MiB" "size MiB" peer decode prompt "RSS MiB" "ratio" "bw bound"
for size in $SIZES; do
    lsize=$(tr 'A-Z' 'a-z' <<< "$size")
    for flavour in $FLAVOURS; do
        parse_flavour "$flavour"
        tag=$size-$graph-$dtype${block:+-b$block}${head:+-h$head}; json=$RES/ours-$tag.json
        ptype=$(peer_type "$dtype"); pdec=$(peer "$lsize" "$ptype" 6); ppp=$(peer "$lsize" "$ptype" 4); prss=$(peer "$lsize" "$ptype" 8)
        if [[ ! -f $json ]]; then
            printf '%-6s %-16s %-48s | %-6s %9s %9s %8s | %7s | %10s\n' "$size" "$graph $dtype${block:+@$block}${head:+/$head}" "$(cut -d: -f1 "$RES/ours-$tag.status")" \
                "${ptype^^}" "${pdec:--}" "${ppp:--}" "${prss:--}" "-" "-"
            continue
        fi
        dec=$(jget decode_tok_s "$json"); pp=$(jget prefill_tok_s "$json"); ttft=$(jget ttft_ms "$json")
        rss=$(jget peak_rss_mib "$json"); bytes=$(jget model_bytes "$json"); params=$(jget parameters_read_per_token "$json")
        bpw=$(bytes_per_weight "$dtype")
        bound=$([[ -n $bpw ]] && awk -v bw="$BW" -v p="$params" -v b="$bpw" 'BEGIN{printf "%.1f", bw*1e9/(p*b)}' || echo "-")
        ratio=$([[ -n $pdec ]] && awk -v a="$dec" -v b="$pdec" 'BEGIN{printf "%.2fx", a/b}' || echo "-")
        printf "$fmt" "$size" "$graph $dtype${block:+@$block}${head:+/$head}" "$(printf %.2f "$dec")" "$(printf %.1f "$pp")" "$(printf %.0f "$ttft")" "$(printf %.0f "$rss")" \
            "$(awk -v b="$bytes" 'BEGIN{printf "%.0f", b/1048576}')" "${ptype^^}" "${pdec:--}" "${ppp:--}" "${prss:--}" "$ratio" "$bound"
    done
done
echo
echo "ratio = our decode tok/s / llama.cpp decode tok/s (F16 peer for fp32, Q8_0 for int8, Q4_0 for int4)."
echo "bw bound = read bandwidth / (weights read per decode token × bytes per weight): the fp32 decode ceiling."
echo "logs: $RES"
