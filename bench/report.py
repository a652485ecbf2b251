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

# Issue 14's absolute bounds (wasmlift's median, in the metric's unit), checked for every
# metric present; "instantiate*" covers every instantiation metric. The per-value cost of
# wasm_func_call is (call-mixed8 - call) / 9: eight arguments and one result more.
ABS_TARGETS = [
    ("call", 10.0, "wasm_func_call of an empty export <= 10 ns"),
    ("per-value", 1.0, "each extra scalar argument/result <= 1 ns ((call-mixed8 - call) / 9)"),
    ("hostcall-0", 5.0, "()->() host import from a wasm loop <= 5 ns (wasm_func_new)"),
    ("hostcall-env-0", 5.0, "... (wasm_func_new_with_env)"),
    ("hostcall-2", 8.0, "(i32,i32)->i32 host import <= 8 ns (wasm_func_new)"),
    ("hostcall-env-2", 8.0, "... (wasm_func_new_with_env)"),
    ("instantiate*", 1.5, "wasm_instance_new <= 1.5 us"),
    ("func-new", 1.0, "wasm_func_new <= 1 us"),
    ("func-new-fresh", 1.0, "... of a signature not seen before <= 1 us"),
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
    "call-i32": "wasm_func_call, (i32) -> i32",
    "call-mixed8": "wasm_func_call, 8 mixed scalars -> i64",
    "hostcall": "wasm -> host function call, (i32) -> i32",
    "hostcall-0": "wasm -> host, () -> ()",
    "hostcall-2": "wasm -> host, (i32, i32) -> i32",
    "hostcall-env-0": "wasm -> host, () -> (), with env",
    "hostcall-env-2": "wasm -> host, (i32, i32) -> i32, with env",
    "func-new": "wasm_func_new, known signature",
    "func-new-fresh": "wasm_func_new, new signature each",
}

# The GC kernels (`--only gc`): time per run, wasmlift's collection pauses (median and longest
# pause of each run; the cell is the median over runs), collections per run, peak RSS.
GC_LABELS = {
    "gc": "GC kernel {}",
    "gc-pause-median": "{}: median collection pause",
    "gc-pause-max": "{}: longest collection pause",
    "gc-collections": "{}: collections per run",
    "gc-peak-rss": "{}: peak RSS of the process",
}

# Why some engine has no result for a metric, as the engine reported it.
NOT_AVAILABLE = []


def parse(path):
    samples = defaultdict(list)  # (metric, engine) -> [float]
    units = {}
    for line in open(path):
        # "# n/a <metric>: <why>": an engine that cannot run a metric says so (printed below).
        if line.startswith("# n/a ") and line.rstrip("\n")[len("# n/a "):] not in NOT_AVAILABLE:
            NOT_AVAILABLE.append(line.rstrip("\n")[len("# n/a "):])
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
             "instantiate-live", "instantiate-store", "call", "call-i32", "call-mixed8", "hostcall",
             "hostcall-0", "hostcall-2", "hostcall-env-0", "hostcall-env-2", "func-new", "func-new-fresh"]
    gc_order = list(GC_LABELS)

    def sort_key(m):
        if m in order:
            return (order.index(m), "", 0)
        kind, _, rest = m.partition(":")
        if kind in gc_order:
            return (len(order) + 1, rest, gc_order.index(kind))
        return (len(order), m, 0)

    metrics.sort(key=sort_key)

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
        if is_kernel:
            label = metric[len("kernel:"):]
        elif metric.startswith("instantiate:") or metric.startswith("instantiate-live:"):
            kind, kernel = metric.split(":", 1)
            label = f"wasm_instance_new: {kernel}" + (", 100 live per store" if kind == "instantiate-live" else "")
        elif ":" in metric and metric.split(":", 1)[0] in GC_LABELS:
            kind, kernel = metric.split(":", 1)
            label = GC_LABELS[kind].format(kernel)
        else:
            label = LABELS.get(metric, metric)
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
    for note in NOT_AVAILABLE:
        print()
        print(f"n/a: {note}")
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

    rows = []
    for metric, bound, desc in ABS_TARGETS:
        if metric == "per-value":
            a, b = med("call-mixed8", BASE), med("call", BASE)
            if a is not None and b is not None:
                rows.append((desc, (a - b) / 9, "ns", bound))
        elif metric.endswith("*"):
            found = [m for m in metrics if m.startswith(metric[:-1]) and med(m, BASE) is not None]
            if found:
                worst = max(found, key=lambda m: med(m, BASE))
                rows.append((f"{desc} (slowest: {worst})", med(worst, BASE), units[worst], bound))
        elif med(metric, BASE) is not None:
            rows.append((desc, med(metric, BASE), units[metric], bound))
    if rows:
        print()
        print("| absolute target (issue 14, wasmlift median) | measured | met |")
        print("|---|---|---|")
        for desc, value, unit, bound in rows:
            print(f"| {desc} | {value:.2f} {unit} | {'yes' if value <= bound else '**no**'} |")


if __name__ == "__main__":
    main()
