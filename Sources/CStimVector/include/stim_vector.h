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

#endif
