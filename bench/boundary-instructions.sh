#!/usr/bin/env bash
# Instructions per boundary operation (issue 14's probes) under valgrind's callgrind: exact and
# unaffected by machine load. Each probe runs twice, with N and 3N operations in one batch; the
# difference divided by 2N is the cost of one operation (start-up, compilation and the batch
# set-up cancel out). Code is compiled eagerly so that no tier-up thread is counted.
# Usage: bench/boundary-instructions.sh [LIBRARY.so] [PROBES]   (default: target/release, all)
# Env: WASMLIFT_BENCH_OUT (build products; default target/bench).
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
LIB="${1:-$REPO/target/release/libwasmlift.so}"
PROBES="${2:-call,call-i32,call-mixed8,hostcall,hostcall-0,hostcall-2,hostcall-env-0,hostcall-env-2}"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}/boundary-instructions"
mkdir -p "$OUT"
"$BENCH/build-harness.sh" "$OUT" counted "$LIB"
N=20000

count() {  # probe calls -> instructions of the whole run (every thread)
    local probe="$1" n="$2" log="$OUT/callgrind-$1-$2.log"
    WASMLIFT_COMPILATION=eager valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$OUT/harness-counted" --bench-dir "$BENCH" --only "$probe" \
        --call-batches 1 --call-batch "$n" --host-batches 1 --host-batch "$n" >/dev/null 2>"$log"
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$log"
}

for probe in ${PROBES//,/ }; do
    a="$(count "$probe" "$N")"
    b="$(count "$probe" $((3 * N)))"
    echo "$probe $(( (b - a) / (2 * N) ))"
done
