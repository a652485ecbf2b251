// Kernel: naive recursive Fibonacci — dominated by call/return overhead.
#include "bench.h"

static i32 fib(i32 k) {
    return k < 2 ? k : fib(k - 1) + fib(k - 2);
}

KERNEL(fib) {
    return fib(n);
}
