#!/usr/bin/env bash
# After a plain `cargo build --release`, build examples/hello.c exactly as README.md's "Using the
# library" section shows (cc against target/release with an rpath) and run it: the binary needs
# the SONAME libwasmlift.so.0, which build.rs links to libwasmlift.so next to it.
# Usage: plain_cargo_link.sh [<source-dir>] [<c-compiler>]
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cc=${2:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
[ -e target/release/libwasmlift.so ] || { echo "FAIL: target/release/libwasmlift.so missing (run cargo build --release)"; exit 1; }
[ -L target/release/libwasmlift.so.0 ] || { echo "FAIL: target/release/libwasmlift.so.0 symlink missing"; exit 1; }
"$cc" examples/hello.c -Iinclude -Ltarget/release -lwasmlift -Wl,-rpath,"$PWD/target/release" -o "$tmp/hello"
readelf -d "$tmp/hello" | grep -q 'NEEDED.*libwasmlift\.so\.0' || { echo "FAIL: hello does not need libwasmlift.so.0"; exit 1; }
out=$(env -u LD_LIBRARY_PATH "$tmp/hello")
echo "$out"
grep -q "hello from the host, got 42" <<<"$out" || { echo "FAIL: unexpected output"; exit 1; }
echo "plain_cargo_link: ok"
