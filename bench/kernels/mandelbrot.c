// Kernel: Mandelbrot set escape-time over an n x n grid (double-precision, data-dependent loops).
#include "bench.h"

KERNEL(mandelbrot) {
    const i32 max_iter = 200;
    u64 total = 0, h = 0;
    for (i32 py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * (double)py / (double)n;
        u32 row = 0;
        for (i32 px = 0; px < n; px++) {
            double cr = -2.0 + 2.5 * (double)px / (double)n;
            double zr = 0.0, zi = 0.0;
            i32 it = 0;
            while (it < max_iter && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            row = row * 31 + (u32)it;
            total += (u64)it;
        }
        h = mix(h, row);
    }
    return (i64)mix(h, total);
}
