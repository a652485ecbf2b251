#!/usr/bin/env bash
# Builds wasmlift (release) and its demo with CMake and runs the demo (examples/hello.c).
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps --minimal
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build --target demo -j "$(nproc)"
./build/demo
