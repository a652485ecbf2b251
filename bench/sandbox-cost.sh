#!/usr/bin/env bash
# What the sandbox's optional checks cost: runs the bench kernels with wasmlift as configured by
# default, with epoch interruption (WASMLIFT_EPOCH_INTERRUPTION=1) and with fuel metering
# (WASMLIFT_CONSUME_FUEL=1), interleaved round by round, and prints each kernel's median time
# and its ratio to the default, plus the geometric mean of the ratios.
# With --instructions it instead counts executed instructions with valgrind's callgrind (exact
# and unaffected by other load on the machine): one call of each kernel at the reduced size in
# bench/instructions.sh after a warm-up call (so that tiered code is optimised), counting only
# the kernel call itself.
# Usage: bench/sandbox-cost.sh [--rounds N] [--only KERNELS] [--instructions]
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}"
ROUNDS=5
ONLY=kernels
INSTRUCTIONS=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --instructions) INSTRUCTIONS=1; shift ;;
        *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
(cd "$REPO" && cargo build --release --quiet)
"$BENCH/build-harness.sh" "$OUT" wasmlift "$REPO/target/release/libwasmlift.so"

mode_env() {
    case "$1" in
        epoch) echo WASMLIFT_EPOCH_INTERRUPTION=1 ;;
        fuel) echo WASMLIFT_CONSUME_FUEL=1 ;;
        *) echo WASMLIFT_SANDBOX_COST_MODE=default ;;
    esac
}

if [ "$INSTRUCTIONS" = 1 ]; then
    source "$BENCH/instructions.sh"
    prepare_instruction_kernels
    kernels=$(instruction_kernels "$ONLY")
    printf '%-14s%16s%10s%10s\n' kernel "default instr" epoch fuel
    for k in $kernels; do
        line="$k"
        for mode in default epoch fuel; do
            line+=" $(count_instructions "$k" "$(mode_env "$mode")" --warm-up)"
        done
        echo "$line"
    done | awk '{e = $3 / $2; f = $4 / $2; le += log(e); lf += log(f); k++
                 printf "%-14s%16d%9.3fx%9.3fx\n", $1, $2, e, f}
                END {printf "%-30s%9.3fx%9.3fx\n", "geomean", exp(le / k), exp(lf / k)}'
    exit 0
fi

results="$OUT/sandbox-cost-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >"$results"
for round in $(seq "$ROUNDS"); do
    echo "== round $round/$ROUNDS" >&2
    for mode in default epoch fuel; do
        env "$(mode_env "$mode")" "$OUT/harness-wasmlift" --engine "$mode" --bench-dir "$BENCH" \
            --only "$ONLY" --kernel-runs 3 | grep '^R' >>"$results"
    done
done

python3 - "$results" <<'PY'
import math, statistics, sys
from collections import defaultdict
samples = defaultdict(list)
for line in open(sys.argv[1]):
    _, mode, metric, _unit, values = line.split("\t") if "\t" in line else line.split()
    samples[(mode, metric)] += [float(v) for v in values.split(",")]
metrics = sorted({m for (_, m) in samples})
print(f"{'kernel':<22}{'default ms':>12}{'epoch':>10}{'fuel':>10}")
logs = defaultdict(list)
for m in metrics:
    base = statistics.median(samples[("default", m)])
    row = f"{m:<22}{base:>12.1f}"
    for mode in ("epoch", "fuel"):
        ratio = statistics.median(samples[(mode, m)]) / base
        logs[mode].append(math.log(ratio))
        row += f"{ratio:>9.3f}x"
    print(row)
print(f"{'geomean':<34}" + "".join(f"{math.exp(sum(v) / len(v)):>9.3f}x" for v in (logs['epoch'], logs['fuel'])))
PY
echo "(raw samples: $results)" >&2
