# Shared by the benchmark scripts that count instructions with valgrind's callgrind (exact, and
# unaffected by other load on the machine). Source it after setting BENCH and OUT.
# bench/harness.c toggles callgrind's collection around each timed kernel call, so with
# --collect-atstart=no only the kernel calls themselves are counted: not compilation, not
# instantiation, not a --warm-up call.

# Kernel sizes: a few hundred million instructions each under callgrind.
declare -A INSTRUCTION_SIZES=([fib]=27 [matmul]=100 [quicksort]=200000 [sha256]=6 [crc32]=5
    [nbody]=100000 [sieve]=2 [mandelbrot]=160 [simd]=1200)

# Writes $OUT/instructions-bench: a copy of the kernels whose kernels.tsv uses those sizes.
prepare_instruction_kernels() {
    local dir="$OUT/instructions-bench"
    mkdir -p "$dir/kernels"
    cp "$BENCH"/kernels/*.wasm "$dir/kernels/"
    while read -r name n smoke; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        printf '%s\t%s\t%s\n' "$name" "${INSTRUCTION_SIZES[$name]:-$smoke}" "$smoke"
    done <"$BENCH/kernels/kernels.tsv" >"$dir/kernels/kernels.tsv"
}

# count_instructions KERNEL ENV_ASSIGNMENT [HARNESS_ARGS...] -> instructions of one timed call,
# with the harness $HARNESS (default: $OUT/harness-wasmlift).
count_instructions() {
    local kernel="$1" assignment="$2" log="$OUT/instructions-callgrind.log"
    shift 2
    env "$assignment" valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file=/dev/null \
        "${HARNESS:-$OUT/harness-wasmlift}" --bench-dir "$OUT/instructions-bench" --only "kernel:$kernel" \
        --kernel-runs 1 "$@" >/dev/null 2>"$log"
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$log"
}

# The kernels named by an --only list (kernel:a,kernel:b or a,b), or all of them for "kernels".
instruction_kernels() {
    if [ "$1" = kernels ]; then
        awk '!/^#/ && NF {print $1}' "$BENCH/kernels/kernels.tsv"
    else
        tr ',' '\n' <<<"$1" | sed 's/^kernel://'
    fi
}
