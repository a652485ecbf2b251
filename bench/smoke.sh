#!/usr/bin/env bash
# CI smoke check for bench/: builds wasmlift and the harness against it, runs every kernel with
# a tiny n (checksums checked against the gcc-built kernels) and the micro-benchmarks with tiny
# counts, and the node script too when node is installed. Correctness only: no timing is checked.
# Needs no network. Usage: bench/smoke.sh [--debug | LIBRARY.so]
#   default: cargo build --release, then target/release/libwasmlift.so; --debug: the dev build;
#   LIBRARY.so: an already built library (as ctest passes it), nothing is built.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
case "${1:-}" in
    --debug)
        (cd "$REPO" && cargo build --quiet)
        LIB="$REPO/target/debug/libwasmlift.so" ;;
    "")
        (cd "$REPO" && cargo build --release --quiet)
        LIB="$REPO/target/release/libwasmlift.so" ;;
    *) LIB="$1" ;;
esac
# The library's SONAME (libwasmlift.so.0) must resolve next to it.
if [ ! -e "$(dirname "$LIB")/libwasmlift.so.0" ]; then
    ln -sf "$(basename "$LIB")" "$(dirname "$LIB")/libwasmlift.so.0"
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$BENCH/build-harness.sh" "$TMP" wasmlift "$LIB"

passed=0 failed=0
check() {
    local name="$1"
    shift
    if "$@" >"$TMP/$name.out" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$TMP/$name.out"
    fi
}

# Expected checksums from the native kernels, shared with the node run.
"$TMP/harness-wasmlift" --native --smoke --bench-dir "$BENCH" \
    | awk '$1 == "#" && $2 == "checksum" {print $3, $4, $5}' >"$TMP/expected.txt"

check native "$TMP/harness-wasmlift" --native --smoke --bench-dir "$BENCH"
check wasmlift "$TMP/harness-wasmlift" --engine wasmlift --smoke --bench-dir "$BENCH"
if command -v node >/dev/null; then
    check node node "$BENCH/node-bench.mjs" --smoke --expected "$TMP/expected.txt"
fi
# Every kernel (GC kernels included) must have reported a checksum that matched.
kernels=$(awk '!/^#/ && NF' "$BENCH/kernels/kernels.tsv" "$BENCH/kernels/gc.tsv" | wc -l)
check wasmlift-checksums test "$(grep -c '^# checksum .* ok$' "$TMP/wasmlift.out")" = "$kernels"
cat "$TMP"/*.out | grep '^R' >"$TMP/results.txt" || true
check report python3 "$BENCH/report.py" "$TMP/results.txt"

echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
