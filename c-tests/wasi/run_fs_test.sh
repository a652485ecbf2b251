#!/bin/sh
# Runs fs_guest.wasm under `wasmlift run` against a fixture of files, escape symlinks and a
# read-only preopen, then checks that nothing outside the preopened sandbox changed.
# Usage: run_fs_test.sh WASMLIFT FS_GUEST.wasm
set -eu
wasmlift=$1
guest=$2
tmp=$(mktemp -d)
trap 'kill $swapper 2>/dev/null || true; rm -rf "$tmp"' EXIT
swapper=
mkdir -p "$tmp/sandbox/sub" "$tmp/outside" "$tmp/ro/subdir" "$tmp/sandbox/flip_real"
printf 'hello\n' > "$tmp/sandbox/hello.txt"
printf 'inner\n' > "$tmp/sandbox/sub/inner.txt"
printf 'SECRET\n' > "$tmp/outside/secret.txt"
printf 'inside\n' > "$tmp/sandbox/flip_real/secret.txt"
printf 'readonly\n' > "$tmp/ro/data.txt"
ln -s ../outside/secret.txt "$tmp/sandbox/link_out"
ln -s ../outside "$tmp/sandbox/link_dir_out"
ln -s /etc/passwd "$tmp/sandbox/abs_link"
ln -s /proc "$tmp/sandbox/proc_link"
ln -s hello.txt "$tmp/sandbox/link_in"
ln -s loop2 "$tmp/sandbox/loop1"
ln -s loop1 "$tmp/sandbox/loop2"
ln -s self_loop "$tmp/sandbox/self_loop"
ln -s flip_real "$tmp/sandbox/flip"
before=$(cd "$tmp" && ls -laR --time-style=full-iso outside ro | md5sum)

"$wasmlift" run --dir "$tmp/sandbox::/sandbox" --ro-dir "$tmp/ro::/ro" "$guest"

# The race: flip the link between inside and outside while the guest opens through it.
# It stops at a flag file rather than by a signal: a killed loop could leave an ln or mv
# running, which then races the clean-up's rm. (The flag lives in the sandbox: a file in $tmp
# would change the mtime of `..` that the before/after listing of outside/ shows.)
( while [ ! -e "$tmp/sandbox/.stop" ]; do
    ln -sfn ../outside "$tmp/sandbox/flip.new" && mv -T "$tmp/sandbox/flip.new" "$tmp/sandbox/flip"
    ln -sfn flip_real "$tmp/sandbox/flip.new" && mv -T "$tmp/sandbox/flip.new" "$tmp/sandbox/flip"
  done ) &
swapper=$!
"$wasmlift" run --dir "$tmp/sandbox::/sandbox" --ro-dir "$tmp/ro::/ro" "$guest" race
touch "$tmp/sandbox/.stop"
wait $swapper
swapper=

after=$(cd "$tmp" && ls -laR --time-style=full-iso outside ro | md5sum)
if [ "$before" != "$after" ]; then
  echo "FAIL: files outside the sandbox or in the read-only preopen changed" >&2
  exit 1
fi
grep -q '^SECRET$' "$tmp/outside/secret.txt"
echo "outside untouched"
