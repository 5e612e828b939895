#include "cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdatomic.h>

static int detect_avx(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_AVX) || !(c & bit_OSXSAVE)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 6) == 6;
}

int stim_cpu_has_avx(void) {
    static _Atomic int avx = -1;  // racing first calls both store the same value
    int known = atomic_load_explicit(&avx, memory_order_relaxed);
    if (known < 0) {
        known = detect_avx();
        atomic_store_explicit(&avx, known, memory_order_relaxed);
    }
    return known;
}
#else
int stim_cpu_has_avx(void) { return 0; }
#endif
