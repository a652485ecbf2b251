// Shared definitions for the benchmark kernels: fixed-width types without libc headers, the
// entry-point macro (export "run" in wasm, native_<name> when built natively with gcc), a
// deterministic LCG and bit-casts used to turn float results into exact checksums.
#ifndef WASMLIFT_BENCH_H
#define WASMLIFT_BENCH_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef long long i64;
typedef unsigned long long u64;

#ifdef __wasm__
// Each kernel is its own module exporting `run(i32 n) -> i64`.
#define KERNEL(name) __attribute__((export_name("run"))) i64 run(i32 n)
#else
// Natively all kernels are linked into one harness; each entry gets its own name.
#define KERNEL(name) i64 native_##name(i32 n)
#endif

// Numerical Recipes LCG; the same sequence in every engine.
static inline u32 lcg_next(u32 *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

static inline u64 f64_bits(double d) {
    union { double d; u64 u; } v;
    v.d = d;
    return v.u;
}

static inline u32 f32_bits(float f) {
    union { float f; u32 u; } v;
    v.f = f;
    return v.u;
}

// Mixes a value into a running checksum (order-sensitive).
static inline u64 mix(u64 h, u64 v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

#endif
