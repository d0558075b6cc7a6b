#!/usr/bin/env bash
# GPU bench (issue 3): one device command. On the GPU machine, with the self-contained CLI staged in /tmp/stage/app
# (shared/gpu/README.md), it exports synthetic-weight Qwen3 shapes, runs `qwen3-onnx bench` at batch 1 and 8 on the CUDA
# plugin EP, then HF transformers on the same shapes (hf_baseline.py), and prints one table with both and the ratio.
#
#   bash bench/gpu-bench.sh [path/to/hf_baseline.py]
#
# It keeps within BUDGET seconds (default 570, under the 10-minute command limit): a case whose export or run is not
# expected to fit (or whose export does not fit on disk) is skipped and listed as such; HF_RESERVE seconds are kept
# for the baseline. Logs and JSON go under $OUT.
# Env knobs: OUT, APP (/tmp/stage/app), CASES (preset:dtype:graph[:activations][:nograph] …), BATCHES ("1 8"), PROMPT (32),
#            GEN (128), REPS (3), BUDGET, HF_RESERVE (200), HF_MODELS (0.6B,8B,30B-A3B), EXPORTS (export cache folder),
#            EXPORT_MBPS (assumed export speed, MB/s, until an export of the same kind, float or quantized, measures it; 150).
# Every case runs with the fixed in-place KV buffers and CUDA graph capture of the decode step unless it ends in ":nograph".
# int4 cases take fp16 activations (":fp16"), the GPU kernels' fast path. An export that does not fit the disk (30B-A3B
# fp16, ~61 GB) is kept in RAM-backed /dev/shm instead.
set -uo pipefail

START=$SECONDS
OUT=${OUT:-/tmp/gpu-bench-out}
APP=${APP:-/tmp/stage/app}
CASES=${CASES:-"0.6B:fp16:fused 8B:fp16:fused 8B:int4:fused:fp16 30B-A3B:fp16:fused"}
BATCHES=${BATCHES:-"1 8"}
PROMPT=${PROMPT:-32}
GEN=${GEN:-128}
REPS=${REPS:-3}
BUDGET=${BUDGET:-570}
HF_RESERVE=${HF_RESERVE:-200}
HF_MODELS=${HF_MODELS:-0.6B,8B,30B-A3B}
EXPORTS=${EXPORTS:-/tmp/gpu-bench-exports}
HF_SCRIPT=${1:-}
if [[ -z $HF_SCRIPT ]]; then
    for candidate in shared/bench/hf_baseline.py ../shared/bench/hf_baseline.py; do
        [[ -f $candidate ]] && { HF_SCRIPT=$candidate; break; }
    done
fi
mkdir -p "$OUT" "$EXPORTS"
[[ -f /tmp/stage/env.sh ]] && source /tmp/stage/env.sh
CLI=$APP/qwen3-onnx
EP_LIB=$APP/libonnxruntime_providers_cuda.so
SKIPPED=$OUT/skipped.txt
: > "$SKIPPED"
# Export speed per kind (float exports stream, quantized ones search scales): assumed until one of that kind measures it,
# then the fastest seen, since small exports are dominated by fixed costs and a case that overruns is stopped anyway.
declare -A EXPORT_MBPS_BY_KIND=([float]=${EXPORT_MBPS:-150} [quantized]=${EXPORT_MBPS:-150})
export_kind() { case $1 in int4|int8) echo quantized;; *) echo float;; esac; }
RAM_EXPORTS=/dev/shm/qwen3onnx-bench-exports

elapsed() { echo $((SECONDS - START)); }
left() { echo $((BUDGET - HF_RESERVE - $(elapsed))); }
skip() { echo "skipped: $*" | tee -a "$SKIPPED"; }

# Expected export size in MB: parameters (billions, tied embeddings counted twice as exported) × bytes per weight.
export_mb() {
    local params bpw
    case $1 in 0.6B) params=0.75;; 1.7B) params=2.03;; 4B) params=4.4;; 8B) params=8.19;; 30B-A3B) params=30.5;; *) params=10;; esac
    case $2 in fp32) bpw=4;; fp16) bpw=2;; int8) bpw=1.1;; int4) bpw=0.6;; *) bpw=2;; esac
    awk -v p="$params" -v b="$bpw" 'BEGIN{printf "%d", p*b*1000}'
}

run_bench() { # run_bench PRESET DTYPE GRAPH BATCH TAG ACTIVATIONS MODE
    local extra=()
    [[ -n $6 ]] && extra+=(--activations "$6")
    [[ $7 != nograph ]] && extra+=(--cuda-graph)
    timeout "$(left)" "$CLI" bench --model "$1" --synthetic-weights --dtype "$2" --graph "$3" --batch "$4" \
        --prompt-tokens "$PROMPT" --new-tokens "$GEN" --reps "$REPS" --ep cuda --ep-library "$EP_LIB" "${extra[@]}" \
        --export-cache "$case_exports" --json "$OUT/ours-$5.json" > "$OUT/ours-$5.log" 2>&1
}

{
    echo "date: $(date -u +%FT%TZ)"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc)"
    echo "cases: $CASES | batches: $BATCHES | prompt $PROMPT, new $GEN, reps $REPS | budget ${BUDGET}s"
    df -h "$EXPORTS" | tail -1
} | tee "$OUT/env.txt"
[[ -x $CLI ]] || { echo "no $CLI: stage the app first (shared/gpu/README.md)"; exit 1; }

echo "== ours (qwen3-onnx bench, CUDA plugin EP)"
for case in $CASES; do
    IFS=: read -r preset dtype graph activations mode <<< "$case"
    need_mb=$(export_mb "$preset" "$dtype")
    free_mb=$(df -Pm "$EXPORTS" | awk 'NR==2{print $4}')
    case_exports=$EXPORTS
    if (( need_mb * 11 / 10 > free_mb )); then
        # Too big for the disk (30B-A3B fp16 is ~61 GB on a 64 GB disk): keep the export in RAM-backed /dev/shm,
        # grown (as root) to the host memory less 32 GB for the rest; it is deleted after the case.
        shm_free=$(df -Pm /dev/shm | awk 'NR==2{print $4}')
        if (( need_mb * 11 / 10 > shm_free )) && [[ $(id -u) == 0 ]]; then
            mem_mb=$(awk '/MemTotal/{printf "%d", $2 / 1024}' /proc/meminfo)
            mount -o remount,size=$((mem_mb - 32768))M /dev/shm 2>/dev/null
            shm_free=$(df -Pm /dev/shm | awk 'NR==2{print $4}')
        fi
        if (( need_mb * 11 / 10 > shm_free )); then
            skip "$case: export needs ~${need_mb} MB, ${free_mb} MB free on disk, ${shm_free} MB in /dev/shm"; continue
        fi
        echo "   $case: export (~${need_mb} MB) kept in /dev/shm (${free_mb} MB free on disk)"
        case_exports=$RAM_EXPORTS
        mkdir -p "$case_exports"
    fi
    kind=$(export_kind "$dtype")
    export_s=$((need_mb / EXPORT_MBPS_BY_KIND[$kind]))
    if (( export_s + 60 > $(left) )); then
        skip "$case: export ~${export_s}s + runs would pass the budget ($(left)s left)"; continue
    fi
    for batch in $BATCHES; do
        tag=$preset-$dtype${activations:+-$activations}-$graph${mode:+-$mode}-b$batch
        if (( $(left) < 30 )); then skip "$tag: out of time"; continue; fi
        t0=$SECONDS
        run_bench "$preset" "$dtype" "$graph" "$batch" "$tag" "$activations" "$mode"
        rc=$?
        if (( rc == 1 )) && [[ $graph != portable ]] && grep -q "unsupported graph" "$OUT/ours-$tag.log"; then
            skip "$tag: graph '$graph' not built by this exporter; measuring the portable graph instead"
            graph=portable; tag=$preset-$dtype-$graph-b$batch
            run_bench "$preset" "$dtype" "$graph" "$batch" "$tag" "$activations" "$mode"
            rc=$?
        fi
        if (( rc != 0 && rc != 124 )) && [[ $mode != nograph ]]; then
            skip "$tag: failed with --cuda-graph ($(grep -m1 '^error:' "$OUT/ours-$tag.log")); measuring without it"
            mode=nograph; tag=$tag-nograph
            run_bench "$preset" "$dtype" "$graph" "$batch" "$tag" "$activations" "$mode"
            rc=$?
        fi
        if (( rc == 0 )); then
            tail -1 "$OUT/ours-$tag.log"
        else
            skip "$tag: rc=$rc $(grep -m1 '^error:' "$OUT/ours-$tag.log")"
        fi
        # Learn the export speed of this kind of export, to plan the next ones.
        secs=$(sed -n 's/^exported \([0-9.]*\) GB in \([0-9.]*\) s$/\1 \2/p' "$OUT/ours-$tag.log")
        if [[ -n $secs ]]; then
            mbps=$(awk -v gb="${secs% *}" -v s="${secs#* }" 'BEGIN{r=gb*1000/(s>1?s:1); printf "%d", (r>10?r:10)}')
            (( mbps > EXPORT_MBPS_BY_KIND[$kind] )) && EXPORT_MBPS_BY_KIND[$kind]=$mbps
            echo "   export: ${secs% *} GB in ${secs#* } s (~${mbps} MB/s); case took $((SECONDS - t0)) s"
        fi
    done
    # One export on disk at a time (30B-A3B fp16 alone would be ~61 GB); keep it for a following case of the same export.
    next=${CASES#*"$case"}; next=${next# }; next=${next%% *}
    IFS=: read -r npreset ndtype ngraph nactivations _ <<< "$next"
    [[ "$npreset:$ndtype:$ngraph:$nactivations" == "$preset:$dtype:$graph:$activations" ]] || rm -rf "${EXPORTS:?}"/* "${RAM_EXPORTS:?}"
done

echo "== HF transformers baseline ($HF_SCRIPT $HF_MODELS)"
hf_time=$((BUDGET - $(elapsed)))
if [[ -z $HF_SCRIPT || ! -f $HF_SCRIPT ]]; then
    skip "HF baseline: hf_baseline.py not found (pass its path as the first argument)"
elif (( hf_time < 30 )); then
    skip "HF baseline: out of time"
else
    # Lines print as cases finish, so a timeout still leaves the finished ones.
    timeout "$hf_time" python3 "$HF_SCRIPT" "$HF_MODELS" > "$OUT/hf.jsonl" 2> "$OUT/hf.log" || skip "HF baseline: stopped after ${hf_time}s (rc=$?); partial results kept"
    cat "$OUT/hf.jsonl"
fi

echo
echo "== GPU bench: ours (ONNX Runtime CUDA) vs HF transformers eager bf16, prompt $PROMPT, $GEN new tokens ($(elapsed)s total)"
python3 - "$OUT" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
hf = {}
if os.path.exists(f"{out}/hf.jsonl"):
    for line in open(f"{out}/hf.jsonl"):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if "tok_per_s" in row:
            hf[(row["model"], row["batch"])] = row
print(f"{'model':8} {'ours':30} {'batch':>5} {'decode tok/s':>12} {'prefill tok/s':>13} {'TTFT ms':>8} {'GPU GiB':>7} | {'HF decode~':>10} {'HF e2e':>8} {'HF GiB':>6} | {'ratio':>6}")
def gib(mib):
    return f"{mib / 1024:.1f}" if mib is not None else "-"
for path in sorted(glob.glob(f"{out}/ours-*.json")):
    r = json.loads(open(path).read())
    peer = hf.get((r["model"], r["batch"]))
    hf_dec = peer["decode_tok_per_s_est"] if peer else None
    ratio = f"{r['decode_tok_s'] / hf_dec:.2f}x" if hf_dec else "-"
    what = f"{r['graph']} {r['dtype']}" + (f"/{r['kv_dtype']}" if r['dtype'] in ('int4', 'int8') else "") + (" cuda-graph" if r.get('cuda_graph') else "")
    print(f"{r['model']:8} {what:30} {r['batch']:>5} {r['decode_tok_s']:>12.1f} {r['prefill_tok_s']:>13.1f} {r['ttft_ms']:>8.1f} {gib(r.get('gpu_memory_mib')):>7} | "
          f"{hf_dec if hf_dec else '-':>10} {peer['tok_per_s'] if peer else '-':>8} {peer.get('peak_gib', '-') if peer else '-':>6} | {ratio:>6}")
for (model, batch), peer in sorted(hf.items()):
    if not glob.glob(f"{out}/ours-{model}-*-b{batch}.json"):
        print(f"{model:8} {'(not run)':30} {batch:>5} {'-':>12} {'-':>13} {'-':>8} {'-':>7} | {peer['decode_tok_per_s_est']:>10} {peer['tok_per_s']:>8} {peer.get('peak_gib', '-'):>6} | {'-':>6}")
print("ratio = our decode tok/s / HF decode tok/s estimate ((generate time - one prefill) based); all rows of a batch counted.")
print("GPU GiB = our peak GPU memory (NVML: this process, or the device less its use before the session); HF GiB = torch's peak allocation.")
EOF
if [[ -s $SKIPPED ]]; then echo "skipped:"; sed 's/^skipped: /  /' "$SKIPPED"; fi
echo "logs: $OUT"
