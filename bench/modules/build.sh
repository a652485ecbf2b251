#!/usr/bin/env bash
# Rebuilds the checked-in micro-benchmark modules (bench/modules/*.wasm) from their .wat text,
# using the wat2wasm of the wasmtime Python wheel fetched into the benchmark cache (a neutral
# tool: not the engine under test). Only needed after editing a .wat file.
set -euo pipefail
cd "$(dirname "$0")"
CACHE="${WASMLIFT_BENCH_CACHE:-$HOME/.cache/wasmlift-bench}"
../fetch.sh wasmtime >/dev/null
for wat in *.wat; do
    PYTHONPATH="$CACHE/wasmtime" python3 -c '
import sys, wasmtime
open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' "$wat" "${wat%.wat}.wasm"
    echo "built ${wat%.wat}.wasm ($(stat -c %s "${wat%.wat}.wasm") bytes)"
done
