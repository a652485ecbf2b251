#!/bin/sh
# End to end: lzpack (a C compression tool) built natively and as a WASI command compresses,
# decompresses and summarises the same real files; the wasm one runs under `wasmlift run` on a
# preopened directory. Every output file and the printed summary must be byte-identical, and
# decompression must give back the originals.
# Usage: run_lzpack_test.sh WASMLIFT LZPACK_NATIVE LZPACK.wasm SOURCE_DIR
set -eu
wasmlift=$1
native=$2
guest=$3
src=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/native" "$tmp/wasm"
# Real inputs: this repository's sources, a larger concatenation, and incompressible bytes.
cp "$src"/src/wasi/*.rs "$src"/README.md "$tmp/in/"
cat "$src"/src/wasi/*.rs "$src"/src/capi/*.rs > "$tmp/in/all_sources.txt"
head -c 100000 /dev/urandom > "$tmp/in/random.bin"
: > "$tmp/in/empty.txt"
cp "$tmp"/in/* "$tmp/native/"
cp "$tmp"/in/* "$tmp/wasm/"

for f in $(cd "$tmp/in" && ls); do
  "$native" c "$tmp/native/$f" "$tmp/native/$f.lzp"
  "$native" d "$tmp/native/$f.lzp" "$tmp/native/$f.out"
  "$wasmlift" run --dir "$tmp/wasm::/data" "$guest" c "/data/$f" "/data/$f.lzp"
  "$wasmlift" run --dir "$tmp/wasm::/data" "$guest" d "/data/$f.lzp" "/data/$f.out"
  cmp "$tmp/native/$f.lzp" "$tmp/wasm/$f.lzp"
  cmp "$tmp/in/$f" "$tmp/wasm/$f.out"
  cmp "$tmp/in/$f" "$tmp/native/$f.out"
done
"$native" stats "$tmp/native" > "$tmp/native.stats"
"$wasmlift" run --ro-dir "$tmp/wasm::/data" "$guest" stats /data > "$tmp/wasm.stats"
cmp "$tmp/native.stats" "$tmp/wasm.stats"
cat "$tmp/wasm.stats"
# The guest's errors reach the shell as exit statuses.
if "$wasmlift" run --dir "$tmp/wasm::/data" "$guest" d "/data/random.bin" "/data/x" 2>/dev/null; then
  echo "FAIL: corrupt input accepted" >&2
  exit 1
fi
if "$wasmlift" run --ro-dir "$tmp/wasm::/data" "$guest" c "/data/README.md" "/data/new.lzp" 2>/dev/null; then
  echo "FAIL: wrote into a read-only preopen" >&2
  exit 1
fi
[ ! -e "$tmp/wasm/new.lzp" ]
echo "lzpack: native and wasm outputs identical"
