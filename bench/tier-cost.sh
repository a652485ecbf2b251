#!/usr/bin/env bash
# What the compilation modes cost in steady state, in executed instructions (callgrind: exact,
# unaffected by machine load). Per kernel, one call after a warm-up call, counting only that
# call: eager (optimised code from the start), tiered after the background tier-up finished
# (wasmlift_module_wait_for_tier_up), and lazy (baseline-tier code only, never tiered up).
# The tiered column is the issue-13 target (within 2 % of eager); the lazy column shows how much
# slower baseline code runs.
# Usage: bench/tier-cost.sh [--only KERNELS]
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}"
ONLY=kernels
[ "${1:-}" = "--only" ] && ONLY="$2"
mkdir -p "$OUT"
(cd "$REPO" && cargo build --release --quiet)
"$BENCH/build-harness.sh" "$OUT" wasmlift "$REPO/target/release/libwasmlift.so"
source "$BENCH/instructions.sh"
prepare_instruction_kernels

printf '%-14s%16s%10s%10s\n' kernel "eager instr" tiered lazy
for k in $(instruction_kernels "$ONLY"); do
    line="$k"
    for mode in eager tiered lazy; do
        line+=" $(count_instructions "$k" "WASMLIFT_COMPILATION=$mode" --warm-up)"
    done
    echo "$line"
done | awk '{t = $3 / $2; l = $4 / $2; lt += log(t); ll += log(l); k++
             printf "%-14s%16d%9.3fx%9.3fx\n", $1, $2, t, l}
            END {printf "%-30s%9.3fx%9.3fx\n", "geomean", exp(lt / k), exp(ll / k)}'
