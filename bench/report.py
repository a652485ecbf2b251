#!/usr/bin/env python3
"""Aggregates benchmark result lines ("R <engine> <metric> <unit> <samples>") from bench/run.sh
into a Markdown table: per metric the median (and best) of every engine and the ratio of
wasmlift to each peer, the geometric mean of the kernel ratios, and the targets met or missed.
Usage: report.py RESULTS_FILE [--engines wasmlift,wasmtime,node,native]"""

import argparse
import math
import statistics
import sys
from collections import defaultdict

BASE = "wasmlift"
HIGHER_IS_BETTER = {"MB/s"}

# (metric or "kernels", peer, bound, description); ratios are wasmlift/peer of the median.
TARGETS = [
    ("kernels", "wasmtime", 1.00, "kernel geomean <= 1.00x wasmtime"),
    ("kernels", "native", 1.30, "kernel geomean <= 1.3x native"),
    ("instantiate", "wasmtime", 0.50, "wasm_instance_new <= 0.5x wasmtime (new/delete, one store)"),
    ("instantiate-live", "wasmtime", 0.50, "... 100 live instances per store"),
    ("instantiate-store", "wasmtime", 0.50, "... a fresh store per instance"),
    ("call", "wasmtime", 0.20, "wasm_func_call <= 0.2x wasmtime"),
    ("hostcall", "wasmtime", 0.30, "wasm->host call <= 0.3x wasmtime"),
    ("compile", "wasmtime", 1.00, "compile throughput >= 1.0x wasmtime"),
]

LABELS = {
    "compile": "compile large module (wasm_module_new)",
    "compile-cpu": "compile large module, per CPU-second",
    "compile-lazy": "compile large module, V8 default (lazy)",
    "compile-lazy-cpu": "compile, V8 default (lazy), per CPU-second",
    "instantiate": "wasm_instance_new: new/delete loop in one store",
    "instantiate-live": "wasm_instance_new: 100 live per store",
    "instantiate-store": "wasm_instance_new: fresh store each",
    "call": "wasm_func_call, empty export",
    "hostcall": "wasm -> host function call",
}


def parse(path):
    samples = defaultdict(list)  # (metric, engine) -> [float]
    units = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5 or parts[0] != "R":
            continue
        _, engine, metric, unit, values = parts
        samples[(metric, engine)].extend(float(v) for v in values.split(",") if v)
        units[metric] = unit
    return samples, units


def fmt(value, unit):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--engines", default="wasmlift,wasmtime,node,native")
    args = ap.parse_args()
    engines = args.engines.split(",")
    peers = [e for e in engines if e != BASE]
    samples, units = parse(args.results)
    if not samples:
        sys.exit("report.py: no results")

    metrics = []
    for metric, _ in samples:
        if metric not in metrics:
            metrics.append(metric)
    order = ["compile", "compile-cpu", "compile-lazy", "compile-lazy-cpu", "instantiate",
             "instantiate-live", "instantiate-store", "call", "hostcall"]
    metrics.sort(key=lambda m: (order.index(m) if m in order else len(order), m))

    def med(metric, engine):
        v = samples.get((metric, engine))
        return statistics.median(v) if v else None

    def best(metric, engine):
        v = samples.get((metric, engine))
        if not v:
            return None
        return max(v) if units[metric] in HIGHER_IS_BETTER else min(v)

    def ratio(metric, peer):
        a, b = med(metric, BASE), med(metric, peer)
        return a / b if a and b else None

    head = ["metric", "unit"] + engines + [f"{BASE}/{p}" for p in peers]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    kernel_ratios = defaultdict(list)
    for metric in metrics:
        unit = units[metric]
        is_kernel = metric.startswith("kernel:")
        label = metric[len("kernel:"):] if is_kernel else LABELS.get(metric, metric)
        row = [label, unit + (" ↑" if unit in HIGHER_IS_BETTER else "")]
        for e in engines:
            m = med(metric, e)
            cell = fmt(m, unit)
            if is_kernel and m is not None:
                cell += f" ({fmt(best(metric, e), unit)})"
            row.append(cell)
        for p in peers:
            r = ratio(metric, p)
            row.append(f"{r:.2f}×" if r else "—")
            if is_kernel and r:
                kernel_ratios[p].append(r)
        print("| " + " | ".join(row) + " |")
    geo = {p: math.exp(sum(map(math.log, rs)) / len(rs)) for p, rs in kernel_ratios.items() if rs}
    if geo:
        row = ["**kernel geomean**", "ratio"] + [""] * len(engines)
        row += [f"**{geo[p]:.2f}×**" if p in geo else "—" for p in peers]
        print("| " + " | ".join(row) + " |")
    print()
    print("Cells: median over all runs of all rounds; kernels also show the best run in "
          "parentheses. Ratios are wasmlift/peer of the medians: below 1 means wasmlift takes "
          "less time, except for MB/s (↑) where above 1 means wasmlift is faster.")
    print()
    print("| target | measured | met |")
    print("|---|---|---|")
    for metric, peer, bound, desc in TARGETS:
        r = geo.get(peer) if metric == "kernels" else ratio(metric, peer)
        if r is None:
            print(f"| {desc} | — | n/a |")
            continue
        higher = metric != "kernels" and units.get(metric) in HIGHER_IS_BETTER
        met = r >= bound if higher else r <= bound
        print(f"| {desc} | {r:.2f}× | {'yes' if met else '**no**'} |")


if __name__ == "__main__":
    main()
