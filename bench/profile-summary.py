#!/usr/bin/env python3
"""Summarizes an ONNX Runtime profile (`qwen3-onnx bench --profile PREFIX`) by operator: where a step's time goes.

    python3 bench/profile-summary.py PROFILE.json [--top 20] [--decode-only]

ONNX Runtime writes one Chrome-trace event per node execution ("cat": "Node", name "<node>_kernel_time", args.op_name,
args.provider, dur in µs) and one per run ("model_run"). With --decode-only, runs longer than three times the median
run (the prefills) are left out. Times of asynchronous providers (CUDA) are launch times, not kernel times: read the
CPU provider's rows.
"""
import argparse
import collections
import json
import statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--decode-only", action="store_true", help="leave out runs far longer than the median (prefills)")
    args = parser.parse_args()

    events = json.load(open(args.profile))
    runs = sorted((e for e in events if e.get("name") == "model_run"), key=lambda e: e["ts"])
    if not runs:
        raise SystemExit(f"{args.profile}: no model_run events (is this an ONNX Runtime profile?)")
    if args.decode_only:
        median = statistics.median(r["dur"] for r in runs)
        runs = [r for r in runs if r["dur"] < 3 * median]
    windows = [(r["ts"], r["ts"] + r["dur"]) for r in runs]

    def in_runs(ts):
        lo, hi = 0, len(windows)
        while lo < hi:
            mid = (lo + hi) // 2
            if windows[mid][1] < ts:
                lo = mid + 1
            else:
                hi = mid
        return lo < len(windows) and windows[lo][0] <= ts <= windows[lo][1]

    by_op = collections.defaultdict(lambda: [0, 0.0])
    for e in events:
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time") or not in_runs(e["ts"]):
            continue
        a = e.get("args", {})
        key = (a.get("op_name", "?"), a.get("provider", "?").replace("ExecutionProvider", ""))
        by_op[key][0] += 1
        by_op[key][1] += e["dur"]

    n = len(runs)
    run_us = sum(r["dur"] for r in runs) / n
    node_us = sum(t for _, t in by_op.values()) / n
    print(f"{args.profile}: {n} runs{' (decode only)' if args.decode_only else ''}, {run_us:.0f} µs per run, "
          f"{node_us:.0f} µs of it inside nodes ({100 * node_us / run_us:.0f} %)")
    print(f"{'op':34} {'provider':9} {'calls/run':>9} {'µs/run':>9} {'µs/call':>8} {'% nodes':>7}")
    for (op, provider), (calls, total) in sorted(by_op.items(), key=lambda kv: -kv[1][1])[: args.top]:
        print(f"{op:34} {provider:9} {calls / n:>9.1f} {total / n:>9.1f} {total / calls:>8.2f} {100 * total / n / node_us:>7.1f}")


if __name__ == "__main__":
    main()
