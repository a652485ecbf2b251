#!/usr/bin/env bash
# Runs every wasmlift test: the Rust tests (cargo test), then the CMake build of the C library,
# demo and C tests, and ctest (C tests under valgrind, API symbol check, install + downstream
# build), the same C tests built with -fsanitize=address,undefined (ctest -L sanitize), and the
# Python binding. Usage: ./test.sh   (build directory: build/, or $WASMLIFT_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")"
build_dir=${WASMLIFT_BUILD_DIR:-build}

.ci/install-deps

echo "== cargo test"
cargo test

echo "== spec suite with epoch interruption and fuel metering compiled in"
WASMLIFT_EPOCH_INTERRUPTION=1 WASMLIFT_CONSUME_FUEL=1 cargo test --test spec
echo "== spec suite with lazy compilation (baseline tier)"
WASMLIFT_COMPILATION=lazy cargo test --test spec
echo "== spec suite with eager compilation (the default is tiered)"
WASMLIFT_COMPILATION=eager cargo test --test spec

echo "== CMake build"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DWASMLIFT_VALGRIND=ON
cmake --build "$build_dir" -j "$(nproc)"

echo "== ctest"
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)") 2>&1 | tee "$build_dir/ctest.log"

echo "== C tests with -fsanitize=address,undefined"
cmake -S . -B "$build_dir-sanitize" -DCMAKE_BUILD_TYPE=Release -DWASMLIFT_SANITIZE=ON
cmake --build "$build_dir-sanitize" -j "$(nproc)"
(cd "$build_dir-sanitize" && ctest -L sanitize --output-on-failure -j "$(nproc)")

echo "== Python binding (pytest)"
bash python/run_tests.sh
