#include "stim_vector.h"

#include <string.h>

#include "cpu.h"

// Results must not depend on whether the device has FMA (aarch64 always does, and clang would contract).
#pragma clang fp contract(off)

typedef float float8 __attribute__((ext_vector_type(8)));

// The update itself, inlined into each instruction-set variant below. Square root and division are
// correctly rounded in every variant, so all of them give the same bits.
static inline __attribute__((always_inline)) void adam(float *w, const float *g, float *m, float *v, size_t n,
                                                       float beta1, float beta2, float stepSize,
                                                       float correction2, float epsilon, float decay) {
    const float rest1 = 1 - beta1, rest2 = 1 - beta2;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float8 gi, wi, mi, vi;
        memcpy(&gi, g + i, sizeof gi);
        memcpy(&wi, w + i, sizeof wi);
        memcpy(&mi, m + i, sizeof mi);
        memcpy(&vi, v + i, sizeof vi);
        mi = beta1 * mi + rest1 * gi;
        vi = beta2 * vi + rest2 * gi * gi;
        wi = wi - (stepSize * mi / (__builtin_elementwise_sqrt(vi * correction2) + epsilon) + decay * wi);
        memcpy(m + i, &mi, sizeof mi);
        memcpy(v + i, &vi, sizeof vi);
        memcpy(w + i, &wi, sizeof wi);
    }
    for (; i < n; i++) {
        m[i] = beta1 * m[i] + rest1 * g[i];
        v[i] = beta2 * v[i] + rest2 * g[i] * g[i];
        w[i] = w[i] - (stepSize * m[i] / (__builtin_elementwise_sqrt(v[i] * correction2) + epsilon) + decay * w[i]);
    }
}

#if defined(__x86_64__)
// The portable x86-64 build has 128-bit vectors only; square root and division dominate the update and
// run at about the same rate per instruction on 256-bit vectors, so an AVX processor does it in half the time.
__attribute__((target("avx"))) static void adam_avx(float *w, const float *g, float *m, float *v, size_t n,
                                                     float beta1, float beta2, float stepSize, float correction2,
                                                     float epsilon, float decay) {
    adam(w, g, m, v, n, beta1, beta2, stepSize, correction2, epsilon, decay);
}
#endif

void stim_adam_update(float *w, const float *g, float *m, float *v, size_t n, float beta1, float beta2,
                      float stepSize, float correction2, float epsilon, float decay) {
#if defined(__x86_64__)
    if (stim_cpu_has_avx()) {
        adam_avx(w, g, m, v, n, beta1, beta2, stepSize, correction2, epsilon, decay);
        return;
    }
#endif
    adam(w, g, m, v, n, beta1, beta2, stepSize, correction2, epsilon, decay);
}
