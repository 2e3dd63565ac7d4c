// NovaNet: the 4×64-bit Montgomery field arithmetic shared by every file of the addon — the MSM and
// fixed-base code (msm.cc, fixedbase.cc: BN254's base field F_q) and the vector kernels and NTTs
// (kernels.cc, ntt.cc: the scalar field F_p). One definition per operation, templated on the modulus.
//
// Elements are `Elem<Mod>` (four little-endian 64-bit limbs), Montgomery form with R = 2^256 where the
// caller says so (oneMont, toMont, fromMont); add/sub/mul keep values in [0, M). Also here: the packed
// 32-byte load/store every file uses, and the worker split (envThreads, parallelFor). The product is CIOS in MULX/ADCX/ADOX assembly
// (mont_asm.h) where the build has ADX and BMI2 (x86-64-v3, the default where the CPU has them), else
// portable C++ with 128-bit products; both use the "no final carry" shortcut, valid because each
// modulus's top limb is < 2^62. Variable time only where a caller branches on values.
#pragma once
#include <x86intrin.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "mont_asm.h"

namespace novanet {

typedef unsigned __int128 u128;

#define NV_INLINE __attribute__((always_inline)) inline

// BN254's base field q (curve coordinates).
struct ModQ {
  static constexpr uint64_t M[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                                    0x30644e72e131a029ULL};
  static constexpr uint64_t INV = 0x87d20782e4866389ULL;  // −q⁻¹ mod 2^64
  static constexpr uint64_t R1[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
                                     0x0e0a77c19a07df2fULL};  // R mod q
  static constexpr uint64_t R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
                                     0x06d89f71cab8351fULL};  // R² mod q
};

// BN254's scalar field p (= the group order r; witnesses, folds, NTTs).
struct ModP {
  static constexpr uint64_t M[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                                    0x30644e72e131a029ULL};
  static constexpr uint64_t INV = 0xc2e1f593efffffffULL;  // −p⁻¹ mod 2^64
  static constexpr uint64_t R1[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
                                     0x0e0a77c19a07df2fULL};  // R mod p
  static constexpr uint64_t R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
                                     0x0216d0b17f4e44a5ULL};  // R² mod p
};

template <class Mod>
struct Elem {
  uint64_t v[4];
  // 32 bytes, little-endian limbs (the packed form of every vector and scalar the addon takes).
  static NV_INLINE Elem load(const uint8_t* p) {
    Elem r;
    std::memcpy(r.v, p, 32);
    return r;
  }
  NV_INLINE void store(uint8_t* p) const { std::memcpy(p, v, 32); }
};

template <class Mod>
constexpr Elem<Mod> zero = {{0, 0, 0, 0}};
// R mod M: 1 in Montgomery form.
template <class Mod>
constexpr Elem<Mod> oneMont = {{Mod::R1[0], Mod::R1[1], Mod::R1[2], Mod::R1[3]}};

template <class Mod>
NV_INLINE bool isZero(const Elem<Mod>& a) {
  return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0;
}

template <class Mod>
NV_INLINE bool eq(const Elem<Mod>& a, const Elem<Mod>& b) {
  return ((a.v[0] ^ b.v[0]) | (a.v[1] ^ b.v[1]) | (a.v[2] ^ b.v[2]) | (a.v[3] ^ b.v[3])) == 0;
}

// a < M (as an integer).
template <class Mod>
NV_INLINE bool isCanonical(const Elem<Mod>& a) {
  for (int i = 3; i >= 0; i--) {
    if (a.v[i] < Mod::M[i]) return true;
    if (a.v[i] > Mod::M[i]) return false;
  }
  return false;  // equal to M
}

// r = t − M if t ≥ M, else t (t < 2M < 2^256); branch-free (the branch would be unpredictable).
template <class Mod>
NV_INLINE void reduceOnce(const uint64_t t[4], Elem<Mod>& r) {
  unsigned long long s0, s1, s2, s3;
  unsigned char b = _subborrow_u64(0, t[0], Mod::M[0], &s0);
  b = _subborrow_u64(b, t[1], Mod::M[1], &s1);
  b = _subborrow_u64(b, t[2], Mod::M[2], &s2);
  b = _subborrow_u64(b, t[3], Mod::M[3], &s3);
  const uint64_t keep = 0 - (uint64_t)b;  // all ones: t < M, keep t
  r.v[0] = s0 ^ ((t[0] ^ s0) & keep);
  r.v[1] = s1 ^ ((t[1] ^ s1) & keep);
  r.v[2] = s2 ^ ((t[2] ^ s2) & keep);
  r.v[3] = s3 ^ ((t[3] ^ s3) & keep);
}

template <class Mod>
NV_INLINE void add(Elem<Mod>& r, const Elem<Mod>& a, const Elem<Mod>& b) {
  unsigned long long t0, t1, t2, t3;
  unsigned char c = _addcarry_u64(0, a.v[0], b.v[0], &t0);
  c = _addcarry_u64(c, a.v[1], b.v[1], &t1);
  c = _addcarry_u64(c, a.v[2], b.v[2], &t2);
  _addcarry_u64(c, a.v[3], b.v[3], &t3);  // no carry out: a + b < 2M < 2^255
  const uint64_t t[4] = {t0, t1, t2, t3};
  reduceOnce(t, r);
}

template <class Mod>
NV_INLINE void sub(Elem<Mod>& r, const Elem<Mod>& a, const Elem<Mod>& b) {
  unsigned long long t0, t1, t2, t3;
  unsigned char bw = _subborrow_u64(0, a.v[0], b.v[0], &t0);
  bw = _subborrow_u64(bw, a.v[1], b.v[1], &t1);
  bw = _subborrow_u64(bw, a.v[2], b.v[2], &t2);
  bw = _subborrow_u64(bw, a.v[3], b.v[3], &t3);
  const uint64_t m = 0 - (uint64_t)bw;  // add M back on borrow
  unsigned long long u0, u1, u2, u3;
  unsigned char c = _addcarry_u64(0, t0, Mod::M[0] & m, &u0);
  c = _addcarry_u64(c, t1, Mod::M[1] & m, &u1);
  c = _addcarry_u64(c, t2, Mod::M[2] & m, &u2);
  _addcarry_u64(c, t3, Mod::M[3] & m, &u3);
  r.v[0] = u0, r.v[1] = u1, r.v[2] = u2, r.v[3] = u3;
}

// Portable Montgomery product a·b·2^−256 mod M (inputs < M, output < M).
template <class Mod>
NV_INLINE void mulPortable(Elem<Mod>& r, const Elem<Mod>& a, const Elem<Mod>& b) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (int i = 0; i < 4; i++) {
    const uint64_t bi = b.v[i];
    u128 A = (u128)a.v[0] * bi + t0;
    t0 = (uint64_t)A;
    const uint64_t m = t0 * Mod::INV;
    u128 C = (u128)m * Mod::M[0] + t0;
    A = (u128)a.v[1] * bi + t1 + (uint64_t)(A >> 64);
    C = (u128)m * Mod::M[1] + (uint64_t)A + (uint64_t)(C >> 64);
    t0 = (uint64_t)C;
    A = (u128)a.v[2] * bi + t2 + (uint64_t)(A >> 64);
    C = (u128)m * Mod::M[2] + (uint64_t)A + (uint64_t)(C >> 64);
    t1 = (uint64_t)C;
    A = (u128)a.v[3] * bi + t3 + (uint64_t)(A >> 64);
    C = (u128)m * Mod::M[3] + (uint64_t)A + (uint64_t)(C >> 64);
    t2 = (uint64_t)C;
    t3 = (uint64_t)(C >> 64) + (uint64_t)(A >> 64);
  }
  uint64_t t[4] = {t0, t1, t2, t3};
  reduceOnce(t, r);
}

// Montgomery product a·b·2^−256 mod M (inputs < M, output < M).
template <class Mod>
NV_INLINE void mul(Elem<Mod>& r, const Elem<Mod>& a, const Elem<Mod>& b) {
#if defined(__ADX__) && defined(__BMI2__) && !defined(NOVANET_PORTABLE_MUL)
  uint64_t t[4];
  NOVANET_MONT_MUL_ASM(t, a.v, b.v, Mod::M, Mod::INV);
  reduceOnce(t, r);
#else
  mulPortable(r, a, b);
#endif
}

// c·R mod M from canonical c (one product with R² mod M).
template <class Mod>
NV_INLINE Elem<Mod> toMont(const Elem<Mod>& c) {
  constexpr Elem<Mod> r2 = {{Mod::R2[0], Mod::R2[1], Mod::R2[2], Mod::R2[3]}};
  Elem<Mod> r;
  mul(r, c, r2);
  return r;
}

// c from Montgomery c·R (one product with 1).
template <class Mod>
NV_INLINE Elem<Mod> fromMont(const Elem<Mod>& c) {
  constexpr Elem<Mod> one = {{1, 0, 0, 0}};
  Elem<Mod> r;
  mul(r, c, one);
  return r;
}

// a^(M−2) = a⁻¹ for a ≠ 0 (Fermat; square-and-multiply), Montgomery in and out.
template <class Mod>
Elem<Mod> inverse(const Elem<Mod>& a) {
  const uint64_t e[4] = {Mod::M[0] - 2, Mod::M[1], Mod::M[2], Mod::M[3]};
  Elem<Mod> r = oneMont<Mod>;
  for (int i = 3; i >= 0; i--) {
    for (int b = 63; b >= 0; b--) {
      mul(r, r, r);
      if ((e[i] >> b) & 1) mul(r, r, a);
    }
  }
  return r;
}

// Worker threads: NOVANET_MSM_THREADS (1..256), else the core count.
inline unsigned envThreads() {
  const char* e = std::getenv("NOVANET_MSM_THREADS");
  if (e && *e) {
    long v = std::strtol(e, nullptr, 10);
    if (v >= 1 && v <= 256) return (unsigned)v;
  }
  unsigned h = std::thread::hardware_concurrency();
  return h ? h : 1;
}

// Runs f(lo, hi) over [0, n) in contiguous chunks on up to T workers (the caller's thread included),
// at least `minChunk` items each; inline when that leaves one worker.
template <typename F>
void parallelFor(size_t n, unsigned T, size_t minChunk, F f) {
  if (n / minChunk + 1 < T) T = (unsigned)(n / minChunk + 1);
  if (T <= 1) {
    f((size_t)0, n);
    return;
  }
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(f, n * t / T, n * (t + 1) / T);
  f((size_t)0, n / T);
  for (auto& th : ts) th.join();
}

}  // namespace novanet
