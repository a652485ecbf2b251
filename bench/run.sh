#!/usr/bin/env bash
# One command for the whole benchmark: fetches the peers and the large module, builds wasmlift
# (release) and the harness against wasmlift and wasmtime, then runs all engines interleaved
# (wasmlift, wasmtime, node, native; again for each round) and prints the comparison table.
# Usage: bench/run.sh [--rounds N] [--engines a,b,...] [--only LIST] [--rebuild-kernels] [--warm-up]
# --only gc: the GC kernels (kernels/gc.tsv: binary-trees) with collection pauses and peak RSS.
# --warm-up: every engine makes one untimed call of each kernel first (wasmlift then waits for
# tier-up), so the kernels measure peak code; without it the first timed call of a tiering
# engine (wasmlift's default, node) runs baseline code, as a cold guest would.
# Env: WASMLIFT_BENCH_CACHE (downloads; default ~/.cache/wasmlift-bench),
#      WASMLIFT_BENCH_OUT (build products and results; default target/bench).
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}"
ROUNDS=5
ENGINES=wasmlift,wasmtime,node,native
ONLY=
REBUILD_KERNELS=0
WARM_UP=0

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --engines) ENGINES="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --rebuild-kernels) REBUILD_KERNELS=1; shift ;;
        --warm-up) WARM_UP=1; shift ;;
        *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
log() { echo "== $*" >&2; }

# Kernels: the checked-in .wasm files are used as they are; clang/lld only to rebuild them.
missing=0
for k in $(awk '!/^#/ && NF {print $1}' "$BENCH/kernels/kernels.tsv"); do
    [ -f "$BENCH/kernels/$k.wasm" ] || missing=1
done
if [ "$REBUILD_KERNELS" = 1 ] || [ "$missing" = 1 ]; then
    log "rebuilding kernels"
    "$BENCH/kernels/build.sh" >&2
fi

log "fetching peers and the large module"
WASMTIME_LIB="$("$BENCH/fetch.sh" wasmtime)"
LARGE="$("$BENCH/fetch.sh" large)"

log "building wasmlift (release)"
(cd "$REPO" && cargo build --release --quiet)
WASMLIFT_DIR="$REPO/target/release"
ln -sf libwasmlift.so "$WASMLIFT_DIR/libwasmlift.so.0"

log "building the harness"
"$BENCH/build-harness.sh" "$OUT" wasmlift "$WASMLIFT_DIR/libwasmlift.so"
"$BENCH/build-harness.sh" "$OUT" wasmtime "$WASMTIME_LIB"

log "native checksums"
"$OUT/harness-wasmlift" --native --bench-dir "$BENCH" --kernel-runs 1 \
    | awk '$1 == "#" && $2 == "checksum" {print $3, $4, $5}' >"$OUT/expected.txt"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$OUT/results-$STAMP.txt"
: >"$RESULTS"
COMMON=(--bench-dir "$BENCH" --expected "$OUT/expected.txt" --kernel-runs 3 --compile-runs 1)
if [ -n "$ONLY" ]; then COMMON+=(--only "$ONLY"); fi
if [ "$WARM_UP" = 1 ]; then COMMON+=(--warm-up); fi
V8_EAGER=(--expose-gc --no-liftoff --no-wasm-lazy-compilation --no-wasm-dynamic-tiering)
failed=0

run_engine() {
    case "$1" in
        wasmlift|wasmtime)
            "$OUT/harness-$1" --engine "$1" --large "$LARGE" "${COMMON[@]}" ;;
        node)
            # Optimizing compile of every function, as the wasm.h engines do ...
            if [ -z "$ONLY" ] || [[ ",$ONLY," == *,compile,* ]]; then
                node "${V8_EAGER[@]}" "$BENCH/node-bench.mjs" --large "$LARGE" \
                    "${COMMON[@]}" --only compile
            fi
            # ... and everything else (including the lazy default compile) as node runs it.
            # (--experimental-wasm-gc: node 20's V8 may still reject the final GC encoding;
            # node-bench.mjs then reports the GC kernels as n/a with V8's message.)
            node --experimental-wasm-gc "$BENCH/node-bench.mjs" --large "$LARGE" --compile-metric compile-lazy \
                "${COMMON[@]}" ${ONLY:+--only "$ONLY,compile-lazy"} ;;
        native)
            "$OUT/harness-wasmlift" --native "${COMMON[@]}" ;;
        *) echo "unknown engine $1" >&2; return 1 ;;
    esac
}

IFS=, read -r -a engine_list <<<"$ENGINES"
for round in $(seq 1 "$ROUNDS"); do
    for engine in "${engine_list[@]}"; do
        log "round $round/$ROUNDS: $engine"
        # grep finds nothing to show when a run prints only result lines: not a failure (the
        # engine's own status still counts, through pipefail).
        if ! run_engine "$engine" | tee -a "$RESULTS" | { grep -v "^R" >&2 || true; }; then
            echo "run.sh: $engine failed in round $round" >&2
            failed=1
        fi
    done
done

log "results: $RESULTS"
python3 "$BENCH/report.py" "$RESULTS" --engines "$ENGINES" | tee "$OUT/table-$STAMP.md"
{
    echo
    echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"
    echo "Command: bench/run.sh --rounds $ROUNDS${ONLY:+ --only $ONLY}$([ "$WARM_UP" = 1 ] && echo " --warm-up") (engines $ENGINES)"
    echo "wasmtime $(basename "$(dirname "$(dirname "$(dirname "$WASMTIME_LIB")")")"), node $(node --version), $(gcc --version | head -1), large module $(basename "$LARGE") ($(stat -c %s "$LARGE") bytes)"
} | tee -a "$OUT/table-$STAMP.md"
exit $failed
