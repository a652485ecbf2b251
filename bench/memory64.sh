#!/usr/bin/env bash
# The cost of memory64 bounds checks: the same kernels built for wasm32 (bench/kernels/*.wasm)
# and for wasm64 (bench/kernels/wasm64/*.wasm, clang --target=wasm64), run by wasmlift through
# the standard harness, interleaved, with guard pages (the default: wasm32 needs no checks,
# wasm64 checks `index <= length`) and with explicit bounds checks (both check every access).
# Prints medians per kernel and the wasm64/wasm32 ratios. Checksums are checked against the
# native (gcc) build every run. With --instructions it instead counts executed instructions
# with callgrind (exact, unaffected by load; see bench/instructions.sh): one kernel call after a
# warm-up call, at the reduced sizes there.
# Usage: bench/memory64.sh [--rounds N] [--kernels a,b,...] [--instructions]
# Env: WASMLIFT_BENCH_OUT (build products and results; default target/bench). Code is compiled
# eagerly (WASMLIFT_COMPILATION=eager), so that every run measures the optimised code.
set -euo pipefail
export WASMLIFT_COMPILATION=eager
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}"
ROUNDS=5
KERNELS=sieve,matmul,quicksort,crc32
INSTRUCTIONS=0

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --kernels) KERNELS="$2"; shift 2 ;;
        --instructions) INSTRUCTIONS=1; shift ;;
        *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done
log() { echo "== $*" >&2; }
IFS=, read -r -a kernel_list <<<"$KERNELS"

for k in "${kernel_list[@]}"; do
    [ -f "$BENCH/kernels/wasm64/$k.wasm" ] || "$BENCH/kernels/build.sh" --wasm64 "$k" >&2
done

log "building wasmlift (release) and the harness"
(cd "$REPO" && cargo build --release --quiet)
WASMLIFT_DIR="$REPO/target/release"
ln -sf libwasmlift.so "$WASMLIFT_DIR/libwasmlift.so.0"
"$BENCH/build-harness.sh" "$OUT" wasmlift "$WASMLIFT_DIR/libwasmlift.so"

if [ "$INSTRUCTIONS" = 1 ]; then
    source "$BENCH/instructions.sh"
    export HARNESS="$OUT/harness-wasmlift"
    base="$OUT"
    for bits in 32 64; do
        OUT="$base/memory64/instructions$bits"
        prepare_instruction_kernels
        if [ $bits = 64 ]; then cp "$BENCH"/kernels/wasm64/*.wasm "$OUT/instructions-bench/kernels/"; fi
    done
    printf '%-12s%16s%16s%10s%16s%16s%10s\n' kernel wasm32 wasm64 ratio "wasm32 explicit" "wasm64 explicit" ratio
    for k in "${kernel_list[@]}"; do
        line="$k"
        for explicit in 0 1; do
            for bits in 32 64; do
                OUT="$base/memory64/instructions$bits"
                line+=" $(count_instructions "$k" WASMLIFT_EXPLICIT_BOUNDS_CHECKS=$explicit --warm-up)"
            done
        done
        echo "$line"
    done | awk '{g = $3 / $2; e = $5 / $4; lg += log(g); le += log(e); k++
                 printf "%-12s%16d%16d%9.3fx%16d%16d%9.3fx\n", $1, $2, $3, g, $4, $5, e}
                END {printf "%-44s%9.3fx%32s%9.3fx\n", "geomean", exp(lg / k), "", exp(le / k)}'
    exit 0
fi

# Two bench directories with the same kernels.tsv subset: one with the wasm32 builds, one with
# the wasm64 builds under the same names (so the harness finds their native checksums).
for bits in 32 64; do
    dir="$OUT/memory64/wasm$bits/kernels"
    rm -rf "$dir" && mkdir -p "$dir"
    for k in "${kernel_list[@]}"; do
        grep -P "^$k\t" "$BENCH/kernels/kernels.tsv" >>"$dir/kernels.tsv"
        if [ $bits = 32 ]; then src="$BENCH/kernels/$k.wasm"; else src="$BENCH/kernels/wasm64/$k.wasm"; fi
        cp "$src" "$dir/$k.wasm"
    done
done

"$OUT/harness-wasmlift" --native --bench-dir "$BENCH" --kernel-runs 1 --only kernels \
    | awk '$1 == "#" && $2 == "checksum" {print $3, $4, $5}' >"$OUT/memory64/expected.txt"

RESULTS="$OUT/memory64/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
    for checks in guard explicit; do
        for bits in 32 64; do
            log "round $round/$ROUNDS: wasm$bits, $checks"
            explicit=0
            [ $checks = explicit ] && explicit=1
            WASMLIFT_EXPLICIT_BOUNDS_CHECKS=$explicit "$OUT/harness-wasmlift" --engine "wasm$bits-$checks" \
                --bench-dir "$OUT/memory64/wasm$bits" --expected "$OUT/memory64/expected.txt" \
                --kernel-runs 5 --only kernels | tee -a "$RESULTS" | grep -v '^R' >&2
        done
    done
done

log "results: $RESULTS"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
samples = {}
for line in open(sys.argv[1]):
    if not line.startswith("R\t"):
        continue
    _, engine, metric, _unit, values = line.rstrip("\n").split("\t")
    samples.setdefault((engine, metric.removeprefix("kernel:")), []).extend(float(v) for v in values.split(","))
kernels = sorted({k for _, k in samples})
med = {key: statistics.median(v) for key, v in samples.items()}
print("| kernel | wasm32 ms | wasm64 ms | wasm64/wasm32 | wasm32 explicit ms | wasm64 explicit ms | wasm64/wasm32 explicit |")
print("|---|---|---|---|---|---|---|")
ratios = {"guard": [], "explicit": []}
for k in kernels:
    row = [k]
    for checks in ("guard", "explicit"):
        a, b = med[("wasm32-" + checks, k)], med[("wasm64-" + checks, k)]
        ratios[checks].append(b / a)
        row += [f"{a:.3g}", f"{b:.3g}", f"{b / a:.2f}×"]
    print("| " + " | ".join(row) + " |")
geo = {c: statistics.geometric_mean(r) for c, r in ratios.items()}
print(f"| **geomean** | | | **{geo['guard']:.2f}×** | | | **{geo['explicit']:.2f}×** |")
EOF
echo
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores); $ROUNDS rounds x 5 runs, eager compilation; $(clang --version | head -1)"
