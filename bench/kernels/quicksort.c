// Kernel: recursive quicksort (Hoare partition, median of three) over an LCG-filled array.
#include "bench.h"

#define MAX_LEN (1 << 21)
static i32 data[MAX_LEN];

static void sort(i32 *a, i32 lo, i32 hi) {
    while (hi - lo > 16) {
        i32 mid = lo + (hi - lo) / 2;
        i32 x = a[lo], y = a[mid], z = a[hi];
        i32 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        i32 i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            i32 t = a[i]; a[i] = a[j]; a[j] = t;
        }
        // Recurse into the smaller half, loop on the larger one: bounded stack depth.
        if (j - lo < hi - j) {
            sort(a, lo, j);
            lo = j + 1;
        } else {
            sort(a, j + 1, hi);
            hi = j;
        }
    }
    for (i32 i = lo + 1; i <= hi; i++) {
        i32 v = a[i], k = i - 1;
        while (k >= lo && a[k] > v) {
            a[k + 1] = a[k];
            k--;
        }
        a[k + 1] = v;
    }
}

KERNEL(quicksort) {
    i32 len = n > MAX_LEN ? MAX_LEN : n;
    u32 seed = 42;
    for (i32 i = 0; i < len; i++)
        data[i] = (i32)(lcg_next(&seed) >> 1) % 1000000007;
    sort(data, 0, len - 1);
    u64 h = 0;
    for (i32 i = 0; i < len; i++) {
        if (i > 0 && data[i - 1] > data[i])
            return -1; // not sorted
        if ((i & 63) == 0)
            h = mix(h, (u64)(u32)data[i]);
    }
    return (i64)h;
}
