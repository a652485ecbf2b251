// Kernel: naive i-j-k double-precision matrix multiply (column walks through B stress memory).
#include "bench.h"

#define MAX_DIM 512
static double A[MAX_DIM * MAX_DIM], B[MAX_DIM * MAX_DIM], C[MAX_DIM * MAX_DIM];

KERNEL(matmul) {
    i32 dim = n > MAX_DIM ? MAX_DIM : n;
    u32 seed = 12345;
    for (i32 i = 0; i < dim * dim; i++) {
        A[i] = (double)(lcg_next(&seed) >> 8) / 16777216.0 - 0.5;
        B[i] = (double)(lcg_next(&seed) >> 8) / 16777216.0 - 0.5;
    }
    for (i32 i = 0; i < dim; i++) {
        for (i32 j = 0; j < dim; j++) {
            double sum = 0.0;
            for (i32 k = 0; k < dim; k++)
                sum += A[i * dim + k] * B[k * dim + j];
            C[i * dim + j] = sum;
        }
    }
    u64 h = 0;
    for (i32 i = 0; i < dim * dim; i += 7)
        h = mix(h, f64_bits(C[i]));
    return (i64)h;
}
