#!/bin/sh
# Runs misc_guest.wasm under `wasmlift run`: the checks inside, then the exit status of
# proc_exit, of a terminating proc_raise and of a trap (with its message on stderr).
# Usage: run_misc_test.sh WASMLIFT MISC_GUEST.wasm
set -u
wasmlift=$1
guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'stdin works\n' > "$tmp/in"
fail() { echo "FAIL: $*" >&2; exit 1; }

HOME=/root PATH=/usr/bin "$wasmlift" run --env FOO=bar=baz --env EMPTY= "$guest" one "two words" "$(printf '\303\274n\303\257')" < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
status=$?
cat "$tmp/out" "$tmp/err"
[ $status -eq 0 ] || fail "checks failed (status $status)"
grep -q '^misc: [0-9]* checks, 0 failures$' "$tmp/out" || fail "no summary line"

"$wasmlift" run "$guest" exit; status=$?
[ $status -eq 42 ] || fail "proc_exit(42) gave status $status"
"$wasmlift" run "$guest" raise; status=$?
[ $status -eq 143 ] || fail "proc_raise(SIGTERM) gave status $status"
"$wasmlift" run "$guest" trap 2> "$tmp/err"; status=$?
[ $status -eq 134 ] || fail "a trap gave status $status"
grep -q '^wasmlift: trap: unreachable' "$tmp/err" || fail "no trap message: $(cat "$tmp/err")"
grep -q '#0: func\[' "$tmp/err" || fail "no frames: $(cat "$tmp/err")"
echo "exit statuses ok"
