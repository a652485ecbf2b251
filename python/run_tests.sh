#!/usr/bin/env bash
# Runs the Python binding's test suite: creates python/.venv if needed (with pytest), builds
# libwasmlift.so with `cargo build --release` unless $WASMLIFT_LIB names a built one, installs
# the package into the venv with `pip install ./python` (which bundles the library), checks the
# wheel (wheel_test.sh), and runs pytest on python/tests against the installed package. Extra
# arguments go to pytest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
VENV="${WASMLIFT_VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "run_tests.sh: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pytest" 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest
fi

if [ -z "${WASMLIFT_LIB:-}" ]; then
  echo "run_tests.sh: cargo build --release --lib" >&2
  (cd "$REPO" && cargo build --release --lib)
  TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
  case "$TARGET" in /*) ;; *) TARGET="$REPO/$TARGET" ;; esac
  WASMLIFT_LIB="$TARGET/release/libwasmlift.so"
fi
if [ ! -f "$WASMLIFT_LIB" ]; then
  echo "run_tests.sh: library not found at $WASMLIFT_LIB" >&2
  exit 1
fi

# Install a fresh copy of the package (and of the library) so the tests exercise the
# installed layout, not the source tree.
echo "run_tests.sh: pip install $HERE (library: $WASMLIFT_LIB)" >&2
WASMLIFT_LIB="$WASMLIFT_LIB" "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  --force-reinstall --no-deps "$HERE"
rm -rf "$HERE/build"

# `pip wheel ./python` gives a platform wheel bundling the library; README's example runs from
# it in a fresh venv.
WASMLIFT_LIB="$WASMLIFT_LIB" PYTHON="$PYTHON" bash "$HERE/wheel_test.sh"

# The installed package must find its bundled library on its own, and pytest must not import
# the source tree: run from the tests directory with the venv's pytest script.
unset WASMLIFT_LIB
cd "$HERE/tests"
export WASMLIFT_EXPECT_BUNDLED=1 WASMLIFT_INCLUDE="$REPO/include"
exec "$VENV/bin/pytest" -p no:cacheprovider -q "$@"
