#!/bin/sh
# The wasmlift command without WASI guests: --help documents every flag, wat2wasm, --invoke
# with typed arguments and printed results, traps (message, frames, status 134), link errors,
# usage errors (status 2), and compile + run of .cwasm with --key-file and
# WASMLIFT_SERIALIZE_KEY (and refusal without the key or when tampered with).
# Usage: cli_test.sh WASMLIFT
set -u
w=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$w" --help > "$tmp/help" || fail "--help"
for flag in run compile wat2wasm --dir --ro-dir --socket --env --invoke --fuel --key-file WASMLIFT_SERIALIZE_KEY -o --help; do
  grep -q -- "$flag" "$tmp/help" || fail "--help does not mention $flag"
done
"$w" > /dev/null 2>&1; [ $? -eq 2 ] || fail "no command: status 2"
"$w" frobnicate > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command: status 2"
"$w" run --bogus x.wasm > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: status 2"

cat > "$tmp/m.wat" <<'WAT'
(module
  (func (export "add") (param i32 i64) (result i64) local.get 1 local.get 0 i64.extend_i32_s i64.add)
  (func (export "half") (param f64) (result f64 f32) local.get 0 f64.const 0.5 f64.mul f32.const 1.5)
  (func $deep unreachable)
  (func (export "boom") call $deep)
  (func (export "spin") (loop br 0)))
WAT
[ "$("$w" run --invoke add "$tmp/m.wat" 5 -7)" = "-2" ] || fail "--invoke add"
[ "$("$w" run --invoke half "$tmp/m.wat" 3 | tr '\n' ' ')" = "1.5 1.5 " ] || fail "--invoke half"
"$w" run --invoke add "$tmp/m.wat" 1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "wrong argument count: status 2"
"$w" run --invoke add "$tmp/m.wat" x 1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad argument: status 2"
"$w" run --invoke boom "$tmp/m.wat" 2> "$tmp/err"; [ $? -eq 134 ] || fail "trap: status 134"
grep -q 'trap: unreachable' "$tmp/err" && grep -q '#1: func\[' "$tmp/err" || fail "trap message and frames: $(cat "$tmp/err")"
"$w" run --fuel 10000 --invoke spin "$tmp/m.wat" 2> "$tmp/err"; [ $? -eq 134 ] || fail "fuel: status 134"
grep -q 'fuel' "$tmp/err" || fail "fuel message: $(cat "$tmp/err")"
"$w" run "$tmp/m.wat" 2> "$tmp/err"; [ $? -eq 1 ] || fail "no _start: status 1"
grep -q '_start' "$tmp/err" || fail "no _start message"

printf '(module (import "env" "missing" (func)) (func (export "_start")))' > "$tmp/link.wat"
"$w" run "$tmp/link.wat" 2> "$tmp/err"; [ $? -eq 1 ] || fail "link error: status 1"
grep -q '"env" "missing"' "$tmp/err" || fail "link error names the import: $(cat "$tmp/err")"

# A reactor: _initialize runs before the invoked export.
printf '(module (global $g (mut i32) (i32.const 0)) (func (export "_initialize") (global.set $g (i32.const 41))) (func (export "get") (result i32) (i32.add (global.get $g) (i32.const 1))))' > "$tmp/reactor.wat"
[ "$("$w" run --invoke get "$tmp/reactor.wat")" = "42" ] || fail "_initialize before --invoke"

# wat2wasm, and running the binary it wrote.
"$w" wat2wasm "$tmp/m.wat" -o "$tmp/m.wasm" || fail "wat2wasm"
[ "$(head -c 4 "$tmp/m.wasm" | od -An -c | tr -d ' ')" = '\0asm' ] || fail "wat2wasm output is not a binary"
[ "$("$w" run --invoke add "$tmp/m.wasm" 40 2)" = "42" ] || fail "run wasm"
printf '(module (func' > "$tmp/bad.wat"
"$w" wat2wasm "$tmp/bad.wat" -o "$tmp/bad.wasm" 2> /dev/null && fail "bad text accepted"

# compile + run .cwasm: the key must be the same on both sides.
head -c 32 /dev/urandom > "$tmp/key"
"$w" compile --key-file "$tmp/key" "$tmp/m.wat" -o "$tmp/m.cwasm" || fail "compile"
[ "$("$w" run --key-file "$tmp/key" --invoke add "$tmp/m.cwasm" 1 2)" = "3" ] || fail "run cwasm with key file"
"$w" run --invoke add "$tmp/m.cwasm" 1 2 2> "$tmp/err"; [ $? -eq 1 ] || fail "cwasm without the key must be refused"
grep -q 'rejected' "$tmp/err" || fail "refusal message: $(cat "$tmp/err")"
WASMLIFT_SERIALIZE_KEY=0123456789abcdef0123 "$w" compile "$tmp/m.wasm" -o "$tmp/e.cwasm" || fail "compile with env key"
[ "$(WASMLIFT_SERIALIZE_KEY=0123456789abcdef0123 "$w" run --invoke add "$tmp/e.cwasm" 2 2)" = "4" ] || fail "run with env key"
WASMLIFT_SERIALIZE_KEY=0123456789abcdef0124 "$w" run --invoke add "$tmp/e.cwasm" 2 2 2> /dev/null && fail "wrong env key accepted"
printf 'short' > "$tmp/shortkey"
"$w" compile --key-file "$tmp/shortkey" "$tmp/m.wat" -o "$tmp/x.cwasm" 2> /dev/null && fail "a short key must be refused"
# A flipped byte in the compiled code is refused.
size=$(wc -c < "$tmp/m.cwasm")
cp "$tmp/m.cwasm" "$tmp/t.cwasm"
orig=$(dd if="$tmp/m.cwasm" bs=1 skip=$((size / 2)) count=1 2> /dev/null | od -An -tu1 | tr -d ' ')
printf "\\$(printf '%03o' $(( (orig + 1) % 256 )))" | dd of="$tmp/t.cwasm" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
cmp -s "$tmp/m.cwasm" "$tmp/t.cwasm" && fail "the tampering did not change the file"
"$w" run --key-file "$tmp/key" --invoke add "$tmp/t.cwasm" 1 2 2> /dev/null && fail "tampered cwasm accepted"
echo "wasmlift command ok"
