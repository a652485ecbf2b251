#!/usr/bin/env bash
# Checks the shared library and the generated headers against the standard's function list
# (c-tests/wasm_api_functions.txt): all 280 functions are exported by the library and declared
# in wasm.h, wasm.h declares no other functions, and every wasmlift_* function declared in
# wasmlift.h is exported too.
# Usage: check_api.sh <libwasmlift.so> <include-dir>
set -euo pipefail
lib=$1
inc=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$here/wasm_api_functions.txt" | sed '/^$/d' | sort > "$tmp/standard"
count=$(wc -l < "$tmp/standard")
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
[ "$count" -eq 280 ] || fail "the standard list has $count names, expected 280"

nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u > "$tmp/exported"
# One declaration per line (cbindgen's horizontal arguments): the name is what precedes '('.
declared() { grep '^WASM_API_EXTERN' "$1" | sed -E 's/^[^(]*[ *]([A-Za-z0-9_]+)\(.*/\1/' | sort -u; }
declared "$inc/wasm.h" > "$tmp/wasm_h"
declared "$inc/wasmlift.h" > "$tmp/wasmlift_h"

missing_exports=$(comm -23 "$tmp/standard" "$tmp/exported")
[ -z "$missing_exports" ] || fail "not exported by $lib ($(echo "$missing_exports" | wc -l)):" $missing_exports
missing_decls=$(comm -23 "$tmp/standard" "$tmp/wasm_h")
[ -z "$missing_decls" ] || fail "not declared in wasm.h ($(echo "$missing_decls" | wc -l)):" $missing_decls
extra_decls=$(comm -13 "$tmp/standard" "$tmp/wasm_h")
[ -z "$extra_decls" ] || fail "wasm.h declares non-standard functions:" $extra_decls
extra_exports=$(comm -13 "$tmp/standard" "$tmp/exported" | grep '^wasm_' || true)
[ -z "$extra_exports" ] || fail "non-standard wasm_* symbols exported:" $extra_exports
# Rust `extern "C" { ... }` imports (functions the library calls) must not leak into the headers.
leaked=$(grep -hE '^extern [^"]' "$inc/wasm.h" "$inc/wasmlift.h" || true)
[ -z "$leaked" ] || fail "headers declare internal functions:" "$leaked"
[ -s "$tmp/wasmlift_h" ] || fail "wasmlift.h declares no functions"
missing_ext=$(comm -23 "$tmp/wasmlift_h" "$tmp/exported")
[ -z "$missing_ext" ] || fail "wasmlift.h functions not exported:" $missing_ext

ok=$((count - $(echo -n "$missing_exports" | grep -c . || true)))
echo "check_api: $ok of $count standard functions exported; $(wc -l < "$tmp/wasmlift_h") wasmlift_* functions declared"
if [ "$failed" -ne 0 ]; then
  echo "check_api: $failed check(s) failed"
  exit 1
fi
echo "check_api: all checks passed"
