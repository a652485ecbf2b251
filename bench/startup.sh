#!/usr/bin/env bash
# Start-up benchmark: time from wasm_module_new until the first export call returns, for three
# large real-world modules (esbuild 12 MB, swc 21 MB, the 4 MB dprint plugin), with wasmlift in
# each compilation mode (eager, lazy, tiered), wasmtime (Cranelift, eager) and node (V8's lazy
# default), interleaved round by round. Prints the medians, and the time until all code is
# optimised (tiered: background tier-up finished; eager engines: wasm_module_new returned).
# Usage: bench/startup.sh [--rounds N]   (default 3; eager runs are slow: ~10 s per module)
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}"
ROUNDS=3
[ "${1:-}" = "--rounds" ] && ROUNDS="$2"
mkdir -p "$OUT"
WASMTIME_LIB="$("$BENCH/fetch.sh" wasmtime)"
ESBUILD="$("$BENCH/fetch.sh" esbuild)"
SWC="$("$BENCH/fetch.sh" swc)"
DPRINT="$("$BENCH/fetch.sh" large)"
(cd "$REPO" && cargo build --release --quiet)
cc -O2 -std=c11 -I"$REPO/include" "$BENCH/startup.c" "$REPO/target/release/libwasmlift.so" \
    -Wl,-rpath,"$REPO/target/release" -o "$OUT/startup-wasmlift"
cc -O2 -std=c11 -I"$REPO/include" "$BENCH/startup.c" "$WASMTIME_LIB" \
    -Wl,-rpath,"$(dirname "$WASMTIME_LIB")" -o "$OUT/startup-wasmtime"

results="$OUT/startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >"$results"
# label file export (esbuild's Go runtime is entered through getsp, the cheapest export)
modules=("esbuild $ESBUILD getsp" "swc $SWC -" "dprint $DPRINT -")
for round in $(seq "$ROUNDS"); do
    echo "== round $round/$ROUNDS" >&2
    for entry in "${modules[@]}"; do
        read -r label file export <<<"$entry"
        args=(--runs 1 --label "$label" "$file")
        [ "$export" != - ] && args+=(--export "$export")
        for mode in lazy tiered eager; do
            WASMLIFT_COMPILATION=$mode "$OUT/startup-wasmlift" --engine "wasmlift-$mode" "${args[@]}" >>"$results"
        done
        "$OUT/startup-wasmtime" --engine wasmtime "${args[@]}" >>"$results"
        if command -v node >/dev/null; then
            node "$BENCH/startup-node.mjs" "$file" "$label" "$([ "$export" != - ] && echo "$export")" 1 >>"$results"
        fi
    done
done
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
samples = defaultdict(list)
for line in open(sys.argv[1]):
    _, engine, metric, _unit, values = line.rstrip("\n").split("\t")
    samples[(metric, engine)] += [float(v) for v in values.split(",")]
engines = ["wasmlift-lazy", "wasmlift-tiered", "wasmlift-eager", "wasmtime", "node"]
for suffix, title in [("-first", "first call returned"), ("-toptier", "all code optimised")]:
    metrics = sorted({m for (m, _) in samples if m.endswith(suffix)})
    print(f"{title + ' (median ms)':<36}" + "".join(f"{e:>17}" for e in engines))
    for m in metrics:
        row = f"{m:<36}"
        for e in engines:
            v = samples.get((m, e)) if not (suffix == "-toptier" and e == "wasmlift-lazy") else None
            row += f"{statistics.median(v):>17.1f}" if v else f"{'-':>17}"
        print(row)
PY
echo "(raw samples: $results)" >&2
