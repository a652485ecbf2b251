#!/usr/bin/env bash
# Rebuilds the checked-in kernel modules (bench/kernels/*.wasm) from their C sources with
# Debian's clang + lld. Only needed after editing a kernel; the benchmark itself uses the
# committed .wasm files. Usage: bench/kernels/build.sh [kernel...]
# With --wasm64 first: the memory64 builds of the given kernels (default: those memory64.sh
# measures) into wasm64/ (clang --target=wasm64; the kernels need no libc).
# With --gc: the GC kernels (gc.tsv) from their .wat text instead, with the wat2wasm of the
# wasmtime Python wheel in the benchmark cache (as bench/modules/build.sh).
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = --gc ]; then
    CACHE="${WASMLIFT_BENCH_CACHE:-$HOME/.cache/wasmlift-bench}"
    ../fetch.sh wasmtime >/dev/null
    for k in $(awk '!/^#/ && NF {print $1}' gc.tsv); do
        PYTHONPATH="$CACHE/wasmtime" python3 -c '
import sys, wasmtime
open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' "$k.wat" "$k.wasm"
        echo "built $k.wasm ($(stat -c %s "$k.wasm") bytes)"
    done
    exit 0
fi

if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq clang lld >/dev/null
    else
        echo "build.sh: clang and lld (wasm-ld) are required: apt-get install -y clang lld" >&2
        exit 1
    fi
fi

# WebAssembly 2.0 features every engine under test supports; SIMD only where a kernel asks.
FLAGS=(--target=wasm32 -O2 -nostdlib -ffreestanding
       -msign-ext -mnontrapping-fptoint -mbulk-memory -mmutable-globals
       -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=262144)

out_dir=.
if [ "${1:-}" = --wasm64 ]; then
    shift
    FLAGS[0]=--target=wasm64
    out_dir=wasm64
    mkdir -p wasm64
    if [ $# = 0 ]; then set -- sieve matmul quicksort crc32; fi
fi

kernels=("$@")
if [ ${#kernels[@]} = 0 ]; then
    kernels=($(awk '!/^#/ && NF {print $1}' kernels.tsv))
fi
for k in "${kernels[@]}"; do
    extra=()
    if [ "$k" = simd ]; then extra=(-msimd128); fi
    clang "${FLAGS[@]}" "${extra[@]}" -o "$out_dir/$k.wasm" "$k.c"
    echo "built $out_dir/$k.wasm ($(stat -c %s "$out_dir/$k.wasm") bytes)"
done
