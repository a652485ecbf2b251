// Kernel: sieve of Eratosthenes over a byte array (2 Mi entries), repeated n times.
#include "bench.h"

#define LIMIT (2 * 1024 * 1024)
static u8 composite[LIMIT];

KERNEL(sieve) {
    u64 h = 0;
    for (i32 r = 0; r < n; r++) {
        for (i32 i = 0; i < LIMIT; i++) composite[i] = 0;
        i32 count = 0;
        for (i32 i = 2; i < LIMIT; i++) {
            if (composite[i]) continue;
            count++;
            for (i32 k = i + i; k < LIMIT; k += i) composite[k] = 1;
        }
        h = mix(h, (u64)count + (u64)r);
    }
    return (i64)h;
}
