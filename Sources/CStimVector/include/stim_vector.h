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

/// One 6 × 16 tile of a stride-1 1-D convolution read from the zero-padded signal (StimKernels'
/// Convolution.Direct): c[r][t] = Σ over channels, then taps, of a[·][r] · x[channel·channel_stride +
/// tap·tap_stride + t], plus bias[r] when bias is not NULL; a is the packed A panel (6 floats per depth step).
/// Stores rows × columns (row_stride floats between rows). The bits of two 6 × 8 Swift tiles.
typedef void (*stim_signal_tile_kernel)(const float *a, const float *x, size_t channels, size_t taps,
                                        size_t channel_stride, size_t tap_stride, float *c, size_t row_stride,
                                        size_t rows, size_t columns, const float *bias);

/// One 6 × 16 tile of a stride-1 1-D convolution's weight gradient (Convolution.Direct): rows first_row… of the
/// im2col matrix, read in place from the examples' padded signals (example_stride floats apart), against a panel
/// b of 16 output channels packed 16 floats per example and position, summed over examples then positions;
/// stored transposed, dw[lane·dw_stride + r] for r < rows and lane < columns. The bits of two 6 × 8 Swift tiles.
typedef void (*stim_weight_tile_kernel)(const float *x, size_t first_row, size_t rows, size_t taps,
                                        size_t channel_stride, size_t tap_stride, size_t example_stride,
                                        size_t examples, size_t positions, const float *b, float *dw,
                                        size_t dw_stride, size_t columns);

/// Interleaves up to 16 rows of length floats, row_stride apart, 16 lanes per position:
/// target[t·16 + lane] = source[lane·row_stride + t], 0 for lanes from rows on. A copy: exact on any path.
typedef void (*stim_interleave_kernel)(const float *source, size_t rows, size_t row_stride, size_t length,
                                       float *target);

stim_interleave_kernel stim_interleave16(void);

/// The convolution tiles on 256-bit vectors where this processor has them (x86-64 with AVX), else NULL.
stim_signal_tile_kernel stim_signal_tile(void);
stim_weight_tile_kernel stim_weight_tile(void);

#endif
