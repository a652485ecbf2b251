#!/usr/bin/env bash
# Builds a wheel with `pip wheel ./python` (bundling $WASMLIFT_LIB, so nothing is recompiled),
# checks that it is a platform wheel carrying libwasmlift.so, installs it into a fresh venv and
# runs README.md's Python example there (from a directory outside the source tree).
# Usage: WASMLIFT_LIB=/path/to/libwasmlift.so python/wheel_test.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PYTHON="${PYTHON:-python3}"
: "${WASMLIFT_LIB:=$REPO/target/release/libwasmlift.so}"
[ -f "$WASMLIFT_LIB" ] || { echo "wheel_test: no library at $WASMLIFT_LIB" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$HERE/build" "$HERE"/*.egg-info' EXIT

WASMLIFT_LIB="$WASMLIFT_LIB" "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  -w "$tmp/dist" "$HERE"
wheels=("$tmp"/dist/wasmlift-*.whl)
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || { echo "wheel_test: FAIL: no wheel built" >&2; exit 1; }
wheel=${wheels[0]}
echo "wheel_test: built $(basename "$wheel")"
case "$(basename "$wheel")" in
  *-py3-none-any.whl) echo "wheel_test: FAIL: not a platform wheel" >&2; exit 1 ;;
  *-py3-none-linux_*.whl|*-py3-none-manylinux*.whl) ;;
  *) echo "wheel_test: FAIL: unexpected wheel tag" >&2; exit 1 ;;
esac
"$PYTHON" -c 'import sys, zipfile; sys.exit("wasmlift/libwasmlift.so" not in zipfile.ZipFile(sys.argv[1]).namelist())' "$wheel" \
  || { echo "wheel_test: FAIL: the wheel does not bundle libwasmlift.so" >&2; exit 1; }

"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$wheel"

# README.md's Python example, verbatim: the first ```python block after "## Python".
awk '/^## Python/ { p = 1 } p && /^```python/ { c = 1; next } c && /^```/ { exit } c { print }' \
  "$REPO/README.md" > "$tmp/example.py"
[ -s "$tmp/example.py" ] || { echo "wheel_test: FAIL: no Python example in README.md" >&2; exit 1; }
cat >> "$tmp/example.py" <<'PY'
import os
assert wl.LIBRARY_PATH == os.path.join(os.path.dirname(wl.__file__), "libwasmlift.so"), wl.LIBRARY_PATH
assert wl.library_version() == wl.__version__ == "0.1.0", (wl.library_version(), wl.__version__)
print("version", wl.__version__, wl.library_version())
PY
out=$(cd "$tmp" && env -u WASMLIFT_LIB -u LD_LIBRARY_PATH -u PYTHONPATH "$tmp/venv/bin/python" example.py)
echo "$out"
grep -qF "b'*\\x00\\x00\\x00'" <<<"$out" || { echo "wheel_test: FAIL: memory contents not printed" >&2; exit 1; }
grep -q "^unreachable \[Frame(func_index=2" <<<"$out" || { echo "wheel_test: FAIL: trap not printed" >&2; exit 1; }
echo "wheel_test: ok"
