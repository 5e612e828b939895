#ifndef STIM_VECTOR_AVX_H
#define STIM_VECTOR_AVX_H

// Helpers the AVX kernels (tile.c, convolution.c) share; x86-64 only.
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

typedef float float8 __attribute__((ext_vector_type(8)));

__attribute__((target("avx"), always_inline)) static inline float8 load8(const float *p) {
    float8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

// A mask of lanes 0..<count of eight (count 0...8); compared as floats, since integer compares on 256-bit
// vectors need AVX2.
__attribute__((target("avx"), always_inline)) static inline __m256i first_lanes(size_t count) {
    const __m256 lane = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_castps_si256(_mm256_cmp_ps(_mm256_set1_ps((float)count), lane, _CMP_GT_OQ));
}
#endif

#endif
