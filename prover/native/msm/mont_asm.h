// NovaNet: 4-limb Montgomery multiplication in x86-64 assembly (MULX, ADCX, ADOX), shared by the MSM
// (msm.cc, modulus q) and the field kernels (kernels.cc, modulus p). Needs BMI2 and ADX: callers use it
// under `#if defined(__ADX__) && defined(__BMI2__)` and keep portable C++ otherwise.
#pragma once
#include <cstdint>

// One CIOS round of the ADX Montgomery product: (x0..x3) += a·b[OFF/8], then add m·q with
// m = x0·(−q^-1) mod 2^64 and drop the zero low limb; the value moves to (x1, x2, x3, x4).
#define NOVANET_MONT_ROUND(OFF, x0, x1, x2, x3, x4)     \
  "movq " #OFF "(%[b]), %%rdx\n\t"                       \
  "xorl %k[" #x4 "], %k[" #x4 "]\n\t"                    \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                      \
  "adcxq %[lo], %[" #x0 "]\n\t"                          \
  "adoxq %[hi], %[" #x1 "]\n\t"                          \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                      \
  "adcxq %[lo], %[" #x1 "]\n\t"                          \
  "adoxq %[hi], %[" #x2 "]\n\t"                          \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                     \
  "adcxq %[lo], %[" #x2 "]\n\t"                          \
  "adoxq %[hi], %[" #x3 "]\n\t"                          \
  "mulxq 24(%[a]), %[lo], %[hi]\n\t"                     \
  "adcxq %[lo], %[" #x3 "]\n\t"                          \
  "adoxq %[hi], %[" #x4 "]\n\t"                          \
  "movl $0, %k[lo]\n\t"                                  \
  "adcxq %[lo], %[" #x4 "]\n\t"                          \
  NOVANET_MONT_REDUCE(x0, x1, x2, x3, x4)

#define NOVANET_MONT_REDUCE(x0, x1, x2, x3, x4)          \
  "movq %[" #x0 "], %%rdx\n\t"                           \
  "imulq %[ninv], %%rdx\n\t"                             \
  "xorl %k[lo], %k[lo]\n\t"                              \
  "mulxq 0(%[m]), %[lo], %[hi]\n\t"                      \
  "adcxq %[lo], %[" #x0 "]\n\t"                          \
  "adoxq %[hi], %[" #x1 "]\n\t"                          \
  "mulxq 8(%[m]), %[lo], %[hi]\n\t"                      \
  "adcxq %[lo], %[" #x1 "]\n\t"                          \
  "adoxq %[hi], %[" #x2 "]\n\t"                          \
  "mulxq 16(%[m]), %[lo], %[hi]\n\t"                     \
  "adcxq %[lo], %[" #x2 "]\n\t"                          \
  "adoxq %[hi], %[" #x3 "]\n\t"                          \
  "mulxq 24(%[m]), %[lo], %[hi]\n\t"                     \
  "movl $0, %k[" #x0 "]\n\t"                             \
  "adcxq %[lo], %[" #x3 "]\n\t"                          \
  "adoxq %[hi], %[" #x4 "]\n\t"                          \
  "adcxq %[" #x0 "], %[" #x4 "]\n\t"

// a·b·2^-256 mod M into out[0..3] (< 2M; the caller reduces once), for a 4-limb M < 2^254 and
// ninv = −M^-1 mod 2^64: CIOS with MULX and the two carry chains of ADCX/ADOX.
#define NOVANET_MONT_MUL_ASM(out, A, B, MOD, NINV)                                                       \
  do {                                                                                                   \
    uint64_t t0, t1, t2, t3, t4, lo, hi;                                                                 \
    __asm__("movq 0(%[b]), %%rdx\n\t"                                                                    \
            "xorl %k[t4], %k[t4]\n\t"                                                                    \
            "mulxq 0(%[a]), %[t0], %[t1]\n\t"                                                            \
            "mulxq 8(%[a]), %[lo], %[t2]\n\t"                                                            \
            "adcxq %[lo], %[t1]\n\t"                                                                     \
            "mulxq 16(%[a]), %[lo], %[t3]\n\t"                                                           \
            "adcxq %[lo], %[t2]\n\t"                                                                     \
            "mulxq 24(%[a]), %[lo], %[hi]\n\t"                                                           \
            "adcxq %[lo], %[t3]\n\t"                                                                     \
            "adcxq %[t4], %[hi]\n\t"                                                                     \
            "movq %[hi], %[t4]\n\t" NOVANET_MONT_REDUCE(t0, t1, t2, t3, t4)                              \
                NOVANET_MONT_ROUND(8, t1, t2, t3, t4, t0) NOVANET_MONT_ROUND(16, t2, t3, t4, t0, t1)     \
                    NOVANET_MONT_ROUND(24, t3, t4, t0, t1, t2)                                           \
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),           \
              [lo] "=&r"(lo), [hi] "=&r"(hi)                                                             \
            : [a] "r"(A), [b] "r"(B), [m] "r"(MOD), [ninv] "r"(NINV),                                   \
              "m"(*(const uint64_t(*)[4])(A)), "m"(*(const uint64_t(*)[4])(B)),                          \
              "m"(*(const uint64_t(*)[4])(MOD))                                                          \
            : "rdx", "cc");                                                                              \
    out[0] = t4, out[1] = t0, out[2] = t1, out[3] = t2;                                                  \
  } while (0)
