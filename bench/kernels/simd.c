// Kernel: 128-bit SIMD via vector extensions (wasm simd128 with -msimd128, SSE natively):
// an f32x4 saxpy plus an i32x4 multiply-accumulate dot product over 16 Ki-element arrays.
#include "bench.h"

typedef float f32x4 __attribute__((vector_size(16)));
typedef i32 i32x4 __attribute__((vector_size(16)));
typedef u32 u32x4 __attribute__((vector_size(16)));

#define LEN 16384
static f32x4 fx[LEN / 4], fy[LEN / 4];
static i32x4 ia[LEN / 4], ib[LEN / 4];

KERNEL(simd) {
    u32 seed = 2024;
    for (i32 i = 0; i < LEN / 4; i++) {
        for (i32 l = 0; l < 4; l++) {
            fx[i][l] = (float)(lcg_next(&seed) >> 16) / 65536.0f;
            fy[i][l] = (float)(lcg_next(&seed) >> 16) / 65536.0f;
            ia[i][l] = (i32)(lcg_next(&seed) >> 20) - 2048;
            ib[i][l] = (i32)(lcg_next(&seed) >> 20) - 2048;
        }
    }
    u64 h = 0;
    for (i32 r = 0; r < n; r++) {
        // saxpy: y = a * x + y, with a decaying to keep values bounded.
        f32x4 a = {0.5f, 0.25f, -0.5f, -0.25f};
        f32x4 decay = {0.999f, 0.999f, 0.999f, 0.999f};
        for (i32 i = 0; i < LEN / 4; i++)
            fy[i] = a * fx[i] + fy[i] * decay;
        // i32 dot product with a per-round rotation of b.
        u32x4 acc = {0, 0, 0, 0};
        i32x4 bump = {r, r, r, r};
        for (i32 i = 0; i < LEN / 4; i++) {
            acc += (u32x4)ia[i] * (u32x4)ib[i]; // unsigned: wrapping is defined
            ib[i] = (ib[i] ^ bump) & (i32x4){4095, 4095, 4095, 4095};
            ib[i] -= (i32x4){2048, 2048, 2048, 2048};
        }
        f32x4 fs = {0, 0, 0, 0};
        for (i32 i = 0; i < LEN / 4; i += 64) fs += fy[i];
        u32x4 bits = (u32x4)fs;
        h = mix(h, (u64)(acc[0] + acc[1] + acc[2] + acc[3]));
        h = mix(h, (u64)(bits[0] ^ bits[1] ^ bits[2] ^ bits[3]));
    }
    return (i64)h;
}
