#include "stim_vector.h"

#include <string.h>

#include "avx.h"
#include "cpu.h"

// Results must be the bits of StimKernels' Swift tile: no fused multiply-add.
#pragma clang fp contract(off)

#if defined(__x86_64__)

// Twelve 256-bit accumulators, two B vectors, a broadcast and a product fill the 16 ymm registers. Written
// as named accumulators with one broadcast register reused row after row, with the depth loop rolled, and in a
// function of its own: as an array, unrolled, or next to the tile's stores, clang spills two accumulators and
// the tile runs at 60% of its speed.
__attribute__((target("avx"), noinline)) static void accumulate_6x16(const float *a, const float *b, size_t depth,
                                                                      float8 sums[12]) {
    float8 c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0, c40 = 0, c41 = 0, c50 = 0, c51 = 0;
    const float *low = b, *high = b + 8 * depth;
#pragma clang loop unroll(disable)
    for (size_t p = 0; p < depth; p++) {
        const float8 l = load8(low), h = load8(high);
        float8 t;
        t = a[0]; c00 = c00 + l * t; c01 = c01 + h * t;
        t = a[1]; c10 = c10 + l * t; c11 = c11 + h * t;
        t = a[2]; c20 = c20 + l * t; c21 = c21 + h * t;
        t = a[3]; c30 = c30 + l * t; c31 = c31 + h * t;
        t = a[4]; c40 = c40 + l * t; c41 = c41 + h * t;
        t = a[5]; c50 = c50 + l * t; c51 = c51 + h * t;
        a += 6;
        low += 8;
        high += 8;
    }
    sums[0] = c00; sums[1] = c01; sums[2] = c10; sums[3] = c11; sums[4] = c20; sums[5] = c21;
    sums[6] = c30; sums[7] = c31; sums[8] = c40; sums[9] = c41; sums[10] = c50; sums[11] = c51;
}

__attribute__((target("avx"))) static void tile_6x16_avx(const float *a, const float *b, size_t depth, float *c,
                                                          size_t row_stride, size_t rows, size_t columns,
                                                          float alpha, float beta) {
    float8 sums[12];
    accumulate_6x16(a, b, depth, sums);
    for (size_t r = 0; r < rows; r++) {
        float *row = c + r * row_stride;
        for (size_t half = 0; half < 2 && 8 * half < columns; half++) {
            float *target = row + 8 * half;
            const size_t count = columns - 8 * half < 8 ? columns - 8 * half : 8;
            float8 result = alpha * sums[2 * r + half];
            if (count == 8) {
                if (beta != 0) result = result + beta * load8(target);
                memcpy(target, &result, sizeof result);
            } else {
                // Edge tiles (most of them at batch 1, where a row of C is 15–60 positions): masked, so lanes
                // past the edge are neither read nor written.
                const __m256i mask = first_lanes(count);
                if (beta != 0) result = result + beta * (float8)_mm256_maskload_ps(target, mask);
                _mm256_maskstore_ps(target, mask, (__m256)result);
            }
        }
    }
}
#endif

stim_tile_kernel stim_wide_tile(void) {
#if defined(__x86_64__)
    if (stim_cpu_has_avx()) return tile_6x16_avx;
#endif
    return NULL;
}
