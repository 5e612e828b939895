#include "stim_vector.h"

#include <string.h>

#include "avx.h"
#include "cpu.h"

// Results must be the bits of StimKernels' Swift tiles (Convolution.Direct): no fused multiply-add.
#pragma clang fp contract(off)

#if defined(__x86_64__)

// As tile.c's accumulate_6x16, but each depth step's 16 values are 16 consecutive samples of the padded signal,
// channel after channel and tap after tap, read where they lie. Twelve named accumulators in a function of their
// own, so clang keeps them all in registers. ROWS of the 6 are summed (the packed panel keeps 6 floats per step):
// a layer of 32 or 16 filters ends in a tile of 2 or 4 rows, which then costs a third or two thirds of a full one.
#define ACCUMULATE_SIGNAL(ROWS)                                                                                       \
    __attribute__((target("avx"), noinline)) static void accumulate_signal_##ROWS##x16(                             \
        const float *a, const float *x, size_t channels, size_t taps, size_t channel_stride, size_t tap_stride,      \
        float8 sums[12]) {                                                                                          \
        float8 c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0, c40 = 0, c41 = 0, c50 = 0,   \
               c51 = 0;                                                                                             \
        for (size_t channel = 0; channel < channels; channel++) {                                                   \
            const float *row = x + channel * channel_stride;                                                        \
            _Pragma("clang loop unroll(disable)") for (size_t j = 0; j < taps; j++) {                               \
                const float8 l = load8(row), h = load8(row + 8);                                                    \
                float8 t;                                                                                           \
                t = a[0]; c00 = c00 + l * t; c01 = c01 + h * t;                                                     \
                t = a[1]; c10 = c10 + l * t; c11 = c11 + h * t;                                                     \
                if (ROWS > 2) { t = a[2]; c20 = c20 + l * t; c21 = c21 + h * t; }                                   \
                if (ROWS > 2) { t = a[3]; c30 = c30 + l * t; c31 = c31 + h * t; }                                   \
                if (ROWS > 4) { t = a[4]; c40 = c40 + l * t; c41 = c41 + h * t; }                                   \
                if (ROWS > 4) { t = a[5]; c50 = c50 + l * t; c51 = c51 + h * t; }                                   \
                a += 6;                                                                                             \
                row += tap_stride;                                                                                  \
            }                                                                                                       \
        }                                                                                                           \
        sums[0] = c00; sums[1] = c01; sums[2] = c10; sums[3] = c11; sums[4] = c20; sums[5] = c21;                   \
        sums[6] = c30; sums[7] = c31; sums[8] = c40; sums[9] = c41; sums[10] = c50; sums[11] = c51;                 \
    }
ACCUMULATE_SIGNAL(6)
ACCUMULATE_SIGNAL(4)
ACCUMULATE_SIGNAL(2)

__attribute__((target("avx"))) static void signal_tile_6x16_avx(
    const float *a, const float *x, size_t channels, size_t taps, size_t channel_stride, size_t tap_stride, float *c,
    size_t row_stride, size_t rows, size_t columns, const float *bias) {
    float8 sums[12];
    if (rows > 4) {
        accumulate_signal_6x16(a, x, channels, taps, channel_stride, tap_stride, sums);
    } else if (rows > 2) {
        accumulate_signal_4x16(a, x, channels, taps, channel_stride, tap_stride, sums);
    } else {
        accumulate_signal_2x16(a, x, channels, taps, channel_stride, tap_stride, sums);
    }
    for (size_t r = 0; r < rows; r++) {
        float *row = c + r * row_stride;
        for (size_t half = 0; half < 2 && 8 * half < columns; half++) {
            float *target = row + 8 * half;
            const size_t count = columns - 8 * half < 8 ? columns - 8 * half : 8;
            float8 result = sums[2 * r + half];
            if (bias) result = result + bias[r];
            if (count == 8) {
                memcpy(target, &result, sizeof result);
            } else {
                _mm256_maskstore_ps(target, first_lanes(count), (__m256)result);
            }
        }
    }
}

// Rows first_row…first_row+5 of the im2col matrix (row c·taps + j starts at channel c, tap j of each example's
// padded signal) against a packed panel of 16 output channels (16 floats per example and position), summed over
// every example and position; stored transposed into ∂W (row stride dw_stride, one row per channel).
__attribute__((target("avx"), noinline)) static void weight_tile_6x16_avx(
    const float *x, size_t first_row, size_t rows, size_t taps, size_t channel_stride, size_t tap_stride,
    size_t example_stride, size_t examples, size_t positions, const float *b, float *dw, size_t dw_stride,
    size_t columns) {
    size_t offset[6];
    for (size_t r = 0; r < 6; r++) {
        const size_t row = first_row + (r < rows ? r : 0);
        offset[r] = row / taps * channel_stride + row % taps * tap_stride;
    }
    float8 c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0, c40 = 0, c41 = 0, c50 = 0, c51 = 0;
    for (size_t n = 0; n < examples; n++) {
        const float *base = x + n * example_stride;
        const float *p0 = base + offset[0], *p1 = base + offset[1], *p2 = base + offset[2];
        const float *p3 = base + offset[3], *p4 = base + offset[4], *p5 = base + offset[5];
#pragma clang loop unroll(disable)
        for (size_t t = 0; t < positions; t++) {
            const float8 l = load8(b), h = load8(b + 8);
            float8 s;
            s = p0[t]; c00 = c00 + l * s; c01 = c01 + h * s;
            s = p1[t]; c10 = c10 + l * s; c11 = c11 + h * s;
            s = p2[t]; c20 = c20 + l * s; c21 = c21 + h * s;
            s = p3[t]; c30 = c30 + l * s; c31 = c31 + h * s;
            s = p4[t]; c40 = c40 + l * s; c41 = c41 + h * s;
            s = p5[t]; c50 = c50 + l * s; c51 = c51 + h * s;
            b += 16;
        }
    }
    float sums[6][16];
    memcpy(sums[0], &c00, 32); memcpy(sums[0] + 8, &c01, 32);
    memcpy(sums[1], &c10, 32); memcpy(sums[1] + 8, &c11, 32);
    memcpy(sums[2], &c20, 32); memcpy(sums[2] + 8, &c21, 32);
    memcpy(sums[3], &c30, 32); memcpy(sums[3] + 8, &c31, 32);
    memcpy(sums[4], &c40, 32); memcpy(sums[4] + 8, &c41, 32);
    memcpy(sums[5], &c50, 32); memcpy(sums[5] + 8, &c51, 32);
    for (size_t r = 0; r < rows; r++) {
        for (size_t lane = 0; lane < columns; lane++) dw[lane * dw_stride + r] = sums[r][lane];
    }
}

// Eight rows of eight floats, transposed in registers: out[i] = (r0[i], r1[i], …, r7[i]).
__attribute__((target("avx"), always_inline)) static inline void transpose8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xee);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xee);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xee);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xee);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

__attribute__((target("avx"))) static void interleave16_avx(const float *source, size_t rows, size_t row_stride,
                                                              size_t length, float *target) {
    const size_t whole = length / 8 * 8;
    for (size_t first = 0; first < 16; first += 8) {
        for (size_t t = 0; t < whole; t += 8) {
            __m256 r[8];
            for (size_t i = 0; i < 8; i++) {
                r[i] = first + i < rows ? _mm256_loadu_ps(source + (first + i) * row_stride + t) : _mm256_setzero_ps();
            }
            transpose8(r);
            for (size_t i = 0; i < 8; i++) _mm256_storeu_ps(target + (t + i) * 16 + first, r[i]);
        }
    }
    for (size_t t = whole; t < length; t++) {
        for (size_t lane = 0; lane < 16; lane++) target[t * 16 + lane] = lane < rows ? source[lane * row_stride + t] : 0;
    }
}
#endif

stim_interleave_kernel stim_interleave16(void) {
#if defined(__x86_64__)
    if (stim_cpu_has_avx()) return interleave16_avx;
#endif
    return NULL;
}

stim_signal_tile_kernel stim_signal_tile(void) {
#if defined(__x86_64__)
    if (stim_cpu_has_avx()) return signal_tile_6x16_avx;
#endif
    return NULL;
}

stim_weight_tile_kernel stim_weight_tile(void) {
#if defined(__x86_64__)
    if (stim_cpu_has_avx()) return weight_tile_6x16_avx;
#endif
    return NULL;
}
