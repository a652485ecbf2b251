// Kernel: table-driven CRC-32 (IEEE, reflected) over a 1 MiB buffer, n passes.
#include "bench.h"

#define BUF_LEN (1024 * 1024)
static u8 buffer[BUF_LEN];
static u32 table[256];

KERNEL(crc32) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (i32 k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    u32 seed = 99;
    for (i32 i = 0; i < BUF_LEN; i++)
        buffer[i] = (u8)(lcg_next(&seed) >> 24);
    u64 h = 0;
    u32 crc = 0;
    for (i32 r = 0; r < n; r++) {
        crc = ~crc;
        for (i32 i = 0; i < BUF_LEN; i++)
            crc = table[(crc ^ buffer[i]) & 0xff] ^ (crc >> 8);
        crc = ~crc;
        h = mix(h, crc);
    }
    return (i64)h;
}
