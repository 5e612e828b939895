#ifndef STIM_VECTOR_H
#define STIM_VECTOR_H

#include <stddef.h>

/// One Adam(W) update of n parameters, element by element:
///   m = beta1·m + (1 − beta1)·g;  v = beta2·v + (1 − beta2)·g²;
///   w −= stepSize·m / (√(v·correction2) + epsilon) + decay·w
/// in exactly this order of float operations, with no fused multiply-add, so the result is the same bits
/// as the scalar formula on every device. It lives in C because Swift's square root keeps a libm call for
/// errno and so never vectorizes; here it is the IEEE instruction (sqrtps, fsqrt), eight lanes at a time.
void stim_adam_update(float *w, const float *g, float *m, float *v, size_t n, float beta1, float beta2,
                      float stepSize, float correction2, float epsilon, float decay);

/// One 6 × 16 tile of C = alpha·(A·B) + beta·C from packed panels, as StimKernels' MatrixMultiply packs them:
/// a holds 6 floats per depth step, b two neighbouring panels of 8 columns (8 floats per depth step each, the
/// second starting depth·8 floats after the first). Only rows × columns of the tile are stored (row_stride
/// floats between rows of c); beta == 0 never reads c. Each element is the sum over depth in order, without
/// fused multiply-add, so the result is the bits of two 6 × 8 tiles of the Swift kernel.
typedef void (*stim_tile_kernel)(const float *a, const float *b, size_t depth, float *c, size_t row_stride,
                                 size_t rows, size_t columns, float alpha, float beta);

/// The 6 × 16 tile on 256-bit vectors where this processor has them (x86-64 with AVX), else NULL.
stim_tile_kernel stim_wide_tile(void);

#endif
