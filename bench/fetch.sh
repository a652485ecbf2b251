#!/usr/bin/env bash
# Fetches the benchmark's external inputs into a cache outside the repo (default
# ~/.cache/wasmlift-bench, override with WASMLIFT_BENCH_CACHE) and prints their paths:
#   fetch.sh wasmtime  -> wasmtime's C library (_libwasmtime.so) from the PyPI wheel
#   fetch.sh large     -> a multi-MB real-world module from an npm package (compile only)
#   fetch.sh esbuild   -> esbuild.wasm (Go, ~12 MB) from npm esbuild-wasm (start-up benchmark)
#   fetch.sh swc       -> swc's wasm (Rust, ~21 MB) from npm @swc/wasm (start-up benchmark)
# Versions are pinned so results stay comparable between runs.
set -euo pipefail
CACHE="${WASMLIFT_BENCH_CACHE:-$HOME/.cache/wasmlift-bench}"
WASMTIME_VERSION=50.0.1
# dprint's TypeScript formatter plugin: ~4 MB of Rust-compiled wasm, no imports.
LARGE_PACKAGE=@dprint/typescript
LARGE_VERSION=0.96.1
LARGE_FILE=package/plugin.wasm
mkdir -p "$CACHE"

fetch_wasmtime() {
    local dir="$CACHE/wasmtime-$WASMTIME_VERSION"
    local lib="$dir/wasmtime/linux-x86_64/_libwasmtime.so"
    if [ ! -f "$lib" ]; then
        local tmp
        tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
        pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "wasmtime==$WASMTIME_VERSION" >&2
        rm -rf "$dir.partial" && mkdir -p "$dir.partial"
        python3 -m zipfile -e "$tmp"/wasmtime-*.whl "$dir.partial"
        rm -rf "$tmp" "$dir" && mv "$dir.partial" "$dir"
    fi
    # The wheel's Python package is also used (by modules/build.sh) for its wat2wasm.
    ln -sfn "$dir" "$CACHE/wasmtime"
    echo "$lib"
}

fetch_large() {
    fetch_npm_file "$LARGE_PACKAGE" "$LARGE_VERSION" "$LARGE_FILE" large-
}

# fetch_npm_file PACKAGE VERSION FILE-IN-PACKAGE [PREFIX]: caches one file of an npm package.
fetch_npm_file() {
    local out="$CACHE/${4:-}${1//[@\/]/_}-$2.wasm"
    if [ ! -f "$out" ]; then
        local tmp
        tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
        (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null 2>&1)
        tar -xzf "$tmp"/*.tgz -C "$tmp" "$3"
        mv "$tmp/$3" "$out.partial" && mv "$out.partial" "$out"
        rm -rf "$tmp"
    fi
    echo "$out"
}

case "${1:-}" in
    wasmtime) fetch_wasmtime ;;
    large) fetch_large ;;
    esbuild) fetch_npm_file esbuild-wasm 0.25.0 package/esbuild.wasm ;;
    swc) fetch_npm_file @swc/wasm 1.10.0 package/wasm_bg.wasm ;;
    *) echo "usage: $0 wasmtime|large|esbuild|swc" >&2; exit 2 ;;
esac
