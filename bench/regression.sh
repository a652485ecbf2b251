#!/usr/bin/env bash
# Did a change slow down generated code or compilation? Compares two builds of the library in
# executed instructions (callgrind: exact, unaffected by machine load): each kernel's call after
# a warm-up call with eager compilation, and the whole eager compile of the 4 MB dprint module
# (bench/startup.c in eager mode, all threads counted; instantiation and one call included).
# Usage: bench/regression.sh BASE_LIB [NEW_LIB]   (NEW_LIB defaults to this tree's release build)
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}/regression"
BASE_LIB="$(realpath "${1:?usage: bench/regression.sh BASE_LIB [NEW_LIB]}")"
NEW_LIB="${2:-}"
if [ -z "$NEW_LIB" ]; then
    (cd "$REPO" && cargo build --release --quiet)
    NEW_LIB="$REPO/target/release/libwasmlift.so"
fi
mkdir -p "$OUT/base" "$OUT/new"
# Each library gets its own directory: the programs find it through their rpath, under its
# soname (libwasmlift.so.0).
cp "$BASE_LIB" "$OUT/base/libwasmlift.so"
cp "$(realpath "$NEW_LIB")" "$OUT/new/libwasmlift.so"
for build in base new; do
    soname=$(objdump -p "$OUT/$build/libwasmlift.so" | awk '$1 == "SONAME" {print $2}')
    [ -n "$soname" ] && ln -sf libwasmlift.so "$OUT/$build/$soname"
done
DPRINT="$("$BENCH/fetch.sh" large)"
for build in base new; do
    "$BENCH/build-harness.sh" "$OUT" "$build" "$OUT/$build/libwasmlift.so"
    cc -O2 -std=c11 -I"$REPO/include" "$BENCH/startup.c" "$OUT/$build/libwasmlift.so" \
        -Wl,-rpath,"$OUT/$build" -o "$OUT/startup-$build"
done
source "$BENCH/instructions.sh"
prepare_instruction_kernels
# A run that fails (a library that does not load, a wrong checksum) must not read as 0.
"$OUT/harness-new" --bench-dir "$OUT/instructions-bench" --only kernel:fib --kernel-runs 1 >/dev/null
"$OUT/harness-base" --bench-dir "$OUT/instructions-bench" --only kernel:fib --kernel-runs 1 >/dev/null

compile_instructions() {  # build -> instructions of the whole startup run, every thread
    local log="$OUT/compile-callgrind.log"
    WASMLIFT_COMPILATION=eager valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$OUT/startup-$1" --runs 1 "$DPRINT" >/dev/null 2>"$log"
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$log"
}

printf '%-16s%16s%16s%10s\n' what base new ratio
{
    for k in $(instruction_kernels kernels); do
        line="kernel:$k"
        for build in base new; do
            line+=" $(HARNESS="$OUT/harness-$build" count_instructions "$k" WASMLIFT_COMPILATION=eager --warm-up)"
        done
        echo "$line"
    done
    echo "compile:dprint $(compile_instructions base) $(compile_instructions new)"
} | awk '{r = $3 / $2; printf "%-16s%16.0f%16.0f%9.3fx\n", $1, $2, $3, r
          if ($1 ~ /^kernel:/) {l += log(r); k++}}
         END {printf "%-48s%9.3fx\n", "kernel geomean", exp(l / k)}'
