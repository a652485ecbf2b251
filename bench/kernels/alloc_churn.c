// Native peer of alloc_churn.wat: the same ring of 16 objects, each a malloc of one 64-bit
// value freed when its slot is reused, and the same checksum.
#include <stdlib.h>

#include "bench.h"

KERNEL(alloc_churn) {
    i64 *ring[16] = {0};
    i64 sum = 0;
    for (i32 i = 0; i < n; i++) {
        i64 **slot = &ring[i & 15];
        if (*slot) {
            sum += **slot;
            free(*slot);
        }
        *slot = malloc(sizeof **slot);
        if (!*slot) return -1;  // The checksum then fails.
        **slot = (i64)(u32)i * 3;
    }
    for (i32 i = 0; i < 16; i++) free(ring[i]);
    return sum;
}
