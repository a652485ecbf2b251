#!/usr/bin/env bash
# Long fuzzing run of one target with the options the engine needs under ASan (wasm traps are
# signals the engine's own handler takes), at the lowest CPU priority, as one libFuzzer job.
# Usage: fuzz/run.sh <target> <seconds> [extra libFuzzer args...]
# Output: fuzz/logs/<target>/fuzz-0.log (libFuzzer's job log, with -print_final_stats); new
# inputs in fuzz/corpus/<target>/, crashes in fuzz/artifacts/<target>/.
set -euo pipefail
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
target=$1 seconds=$2
shift 2
mkdir -p "$fuzz_dir/logs/$target" "$fuzz_dir/corpus/$target" "$fuzz_dir/artifacts/$target"
export ASAN_OPTIONS=${ASAN_OPTIONS:-handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1:detect_leaks=0}
# -jobs=1 writes the job's output to fuzz-0.log in the working directory: one per target.
cd "$fuzz_dir/logs/$target"
echo "fuzz/run.sh: $target for ${seconds}s, log $PWD/fuzz-0.log"
nice -n 19 cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" -O "$target" "$fuzz_dir/corpus/$target" -- \
  -max_total_time="$seconds" -jobs=1 -workers=1 -print_final_stats=1 -rss_limit_mb=4096 \
  -artifact_prefix="$fuzz_dir/artifacts/$target/" \
  -handle_segv=0 -handle_bus=0 -handle_fpe=0 -handle_ill=0 "$@"
