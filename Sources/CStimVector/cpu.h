#ifndef STIM_VECTOR_CPU_H
#define STIM_VECTOR_CPU_H

/// Whether this processor runs 256-bit AVX instructions: AVX in the processor (CPUID.1:ECX.AVX) and its
/// 256-bit state enabled by the OS (OSXSAVE, XCR0 bits 1-2). Always 0 off x86-64. Cached after the first call.
int stim_cpu_has_avx(void);

#endif
