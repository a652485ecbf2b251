#!/usr/bin/env bash
# Builds bench/harness.c, with the natively compiled kernels (gcc -O2), against one library that
# implements wasm.h. The harness only uses the standard API, so any such library links.
# Usage: build-harness.sh OUT_DIR NAME LIBRARY.so   -> OUT_DIR/harness-NAME (rpath to the library)
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
OUT="$1" NAME="$2" LIB="$(realpath "$3")"
CC="${CC:-gcc}"
mkdir -p "$OUT/native"

objs=()
for k in $(awk '!/^#/ && NF {print $1}' "$BENCH/kernels/kernels.tsv" "$BENCH/kernels/gc.tsv"); do
    obj="$OUT/native/$k.o"
    if [ ! -f "$obj" ] || [ "$BENCH/kernels/$k.c" -nt "$obj" ] || [ "$BENCH/kernels/bench.h" -nt "$obj" ]; then
        "$CC" -O2 -c "$BENCH/kernels/$k.c" -o "$obj"
    fi
    objs+=("$obj")
done

# The standard wasm.h shipped with wasmlift (include/) is the API every engine implements.
"$CC" -O2 -std=c11 -Wall -Wextra -I"$BENCH/../include" "$BENCH/harness.c" "${objs[@]}" \
    "$LIB" -Wl,-rpath,"$(dirname "$LIB")" -lm -o "$OUT/harness-$NAME"
