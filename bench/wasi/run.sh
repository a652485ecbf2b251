#!/usr/bin/env bash
# WASI benchmark: each bench/kernels/<name>.c built as a WASI command (bench/wasi/main.c prints
# run(N)) and run as a whole process by `wasmlift run`, by node's WASI, and natively (same
# source, gcc -O2 -march=native -ffp-contract=off, so floats round as in wasm). Times are
# wall-clock per process (start-up and compilation included, as a user of the command sees
# them), median of the rounds, engines interleaved in each round;
# every output is checked against the native checksum. Prints a Markdown table.
# Usage: bench/wasi/run.sh [--rounds N] [--only k1,k2] [--small]   (needs the CMake-built
# wasmlift command in $WASMLIFT (default build/wasmlift), clang + wasi-libc, and node for
# the node column)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
KERNELS="$REPO/bench/kernels"
OUT="${WASMLIFT_BENCH_OUT:-$REPO/target/bench}/wasi"
WASMLIFT="${WASMLIFT:-$REPO/build/wasmlift}"
SYSROOT="${WASI_SYSROOT:-/usr}"
ROUNDS=5
ONLY=
COLUMN=2   # kernels.tsv column: 2 = benchmark n, 3 = smoke-test n
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --small) COLUMN=3; shift ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
[ -x "$WASMLIFT" ] || { echo "no wasmlift command at $WASMLIFT (build with CMake or set WASMLIFT)" >&2; exit 1; }
have_node=0
command -v node >/dev/null && have_node=1

# Feature flags as in bench/kernels/build.sh.
FLAGS=(-O2 -msign-ext -mnontrapping-fptoint -mbulk-memory -mmutable-globals)
kernels=()
while read -r name bench_n small_n; do
  case "$name" in ''|'#'*) continue ;; esac
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
  n=$([ "$COLUMN" = 2 ] && echo "$bench_n" || echo "$small_n")
  extra=()
  [ "$name" = simd ] && extra=(-msimd128)
  clang --target=wasm32-wasi --sysroot="$SYSROOT" "${FLAGS[@]}" "${extra[@]}" -Wl,-z,stack-size=262144 \
    -o "$OUT/$name.wasm" "$KERNELS/$name.c" "$HERE/main.c"
  gcc -O2 -march=native -ffp-contract=off -DNATIVE_ENTRY="native_$name" -o "$OUT/$name.native" "$KERNELS/$name.c" "$HERE/main.c" -lm
  kernels+=("$name:$n")
done < "$KERNELS/kernels.tsv"

# Wall-clock seconds of one run, after checking its output.
time_run() {
  local expected=$1; shift
  local start end out
  start=$(date +%s.%N)
  out=$("$@")
  end=$(date +%s.%N)
  [ "$out" = "$expected" ] || { echo "wrong output from $*: $out (expected $expected)" >&2; exit 1; }
  echo "$end - $start" | bc
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '| kernel | n | native (s) | wasmlift run (s) | node WASI (s) | wasmlift / native | node / wasmlift |\n'
printf '|---|---|---|---|---|---|---|\n'
for entry in "${kernels[@]}"; do
  name=${entry%%:*}
  n=${entry#*:}
  expected=$("$OUT/$name.native" "$n")
  : > "$OUT/$name.t.native"; : > "$OUT/$name.t.wasmlift"; : > "$OUT/$name.t.node"
  for ((r = 0; r < ROUNDS; r++)); do
    time_run "$expected" "$OUT/$name.native" "$n" >> "$OUT/$name.t.native"
    time_run "$expected" "$WASMLIFT" run "$OUT/$name.wasm" "$n" >> "$OUT/$name.t.wasmlift"
    if [ $have_node = 1 ]; then
      time_run "$expected" node --no-warnings "$HERE/node-run.mjs" "$OUT/$name.wasm" "$n" >> "$OUT/$name.t.node"
    fi
  done
  tn=$(median < "$OUT/$name.t.native")
  tw=$(median < "$OUT/$name.t.wasmlift")
  if [ $have_node = 1 ]; then tj=$(printf '%.3f' "$(median < "$OUT/$name.t.node")"); else tj=; fi
  ratio_w=$(printf '%.2f' "$(echo "scale=4; $tw / $tn" | bc)")
  ratio_j=$([ -n "$tj" ] && printf '%.2f' "$(echo "scale=4; $tj / $tw" | bc)" || echo "-")
  printf '| %s | %s | %.3f | %.3f | %s | %s | %s |\n' "$name" "$n" "$tn" "$tw" "${tj:-n/a}" "$ratio_w" "$ratio_j"
done
