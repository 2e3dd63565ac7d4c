// NovaNet native F_p vector kernels for folding (BN254 scalar field p), part of the novanet_msm addon.
//
// Every vector is packed: n field elements, 32 bytes each, canonical (0 ≤ v < p) little-endian — the
// same bytes the MSM takes as 32-byte scalars, so a vector goes from a kernel to a commitment without a
// conversion. Inside, products use 4×64-bit Montgomery multiplication (R = 2^256, CIOS with the "no final
// carry" shortcut, valid as p's top limb is < 2^62); a factor given in Montgomery form (`c·R`) turns one
// Montgomery product into the canonical product `c·v`, so most kernels cost one multiplication per term.
//
// Exports (synchronous; work split over std::thread workers for long vectors):
//   frSpmv(rowPtr: Uint32Array, cols: Uint32Array, valsMont: Uint8Array, z: Uint8Array) → Uint8Array
//       sparse matrix × vector; valsMont holds each coefficient times R mod p (a coefficient of 1 is a
//       plain addition, −1 a subtraction);
//   frCrossTerm(A1, B1, C1, u1, A2, B2, C2, u2) → T = A1∘B2 + A2∘B1 − u1·C2 − u2·C1;
//   frAxpy(a, r, b) → a + r·b;  frFold3(a, r, t, s, b) → a + r·t + s·b;
//   frRelaxedFirstFailure(Az, Bz, Cz, u, E | null) → first i with Az_i·Bz_i ≠ u·Cz_i + E_i, or −1;
//   frFirstNonCanonical(v) → first i with v_i ≥ p, or −1.
// Scalars (u, r, s) are 32-byte Uint8Arrays. Every input element is checked to be < p: a violation throws
// a RangeError with code ERR_NOVANET_FR_NONCANONICAL naming the argument and index; mismatched lengths
// throw ERR_NOVANET_FR_LENGTH (the TypeScript seam checks lengths first and maps both to typed errors).
// Variable time (thread split and the coefficient-1 shortcut depend on the data): witnesses, not keys.
#include <node_api.h>
#include <x86intrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "field.h"
#include "napi_args.h"

namespace frk {

using novanet::u128;

// add, sub, mul, toMont, load/store, parallelFor: field.h (shared with the other files of the addon).
using Fr = novanet::Elem<novanet::ModP>;
constexpr const Fr& ZERO = novanet::zero<novanet::ModP>;
constexpr const Fr& ONE_MONT = novanet::oneMont<novanet::ModP>;
// (p − 1)·R mod p = p − (R mod p): the coefficient −1 (a third of the non-zeros of a SHA-256 step's A
// and C), a subtraction instead of a product.
constexpr Fr NEG_ONE_MONT = {{0x974bc177a0000006ULL, 0xf13771b2da58a367ULL, 0x51e1a2470908122eULL,
                              0x2259d6b14729c0faULL}};

// Runs f(lo, hi) over [0, n) in chunks of at least minChunk, one per worker (the caller's thread included).
template <typename F>
void parallelFor(size_t n, size_t minChunk, F f) {
  novanet::parallelFor(n, novanet::envThreads(), minChunk, f);
}

// First index i in [0, n) with v_i ≥ p, or -1 (parallel).
long firstNonCanonical(const uint8_t* v, size_t n) {
  std::atomic<long> first(-1);
  parallelFor(n, 1 << 15, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      if (!isCanonical(Fr::load(v + 32 * i))) {
        long cur = first.load();
        while ((cur < 0 || (long)i < cur) && !first.compare_exchange_weak(cur, (long)i)) {
        }
        return;
      }
    }
  });
  return first.load();
}

// ---------------------------------------------------------------- Node-API glue ----

struct Bytes {
  const uint8_t* p = nullptr;
  size_t len = 0;
};

void throwCode(napi_env env, const char* code, const std::string& msg) {
  napi_throw_range_error(env, code, msg.c_str());
}

bool typedArg(napi_env env, napi_value v, napi_typedarray_type want, const char* name, void** data, size_t* len) {
  return novanet::typedArrayArg(env, v, want, "ERR_NOVANET_FR_INPUT", name, data, len);
}

// A packed vector argument: byte length a multiple of 32 (and = 32·n when n ≥ 0), every element < p.
bool vecArg(napi_env env, napi_value v, const char* name, long n, Bytes& out) {
  void* p;
  size_t len;
  if (!typedArg(env, v, napi_uint8_array, name, &p, &len)) return false;
  if (len % 32 != 0 || (n >= 0 && len != 32 * (size_t)n)) {
    throwCode(env, "ERR_NOVANET_FR_LENGTH",
              std::string(name) + " has " + std::to_string(len) + " bytes" +
                  (n >= 0 ? ", expected " + std::to_string(32 * n) : ", not a multiple of 32"));
    return false;
  }
  long bad = firstNonCanonical(static_cast<const uint8_t*>(p), len / 32);
  if (bad >= 0) {
    throwCode(env, "ERR_NOVANET_FR_NONCANONICAL",
              std::string(name) + "[" + std::to_string(bad) + "] is not a canonical element of F_p");
    return false;
  }
  out.p = static_cast<const uint8_t*>(p);
  out.len = len;
  return true;
}

bool scalarArg(napi_env env, napi_value v, const char* name, Fr& out) {
  Bytes b;
  if (!vecArg(env, v, name, 1, b)) return false;
  out = Fr::load(b.p);
  return true;
}

bool args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < want) {
    napi_throw_type_error(env, "ERR_NOVANET_FR_INPUT", ("expected " + std::to_string(want) + " arguments").c_str());
    return false;
  }
  return true;
}

napi_value newVec(napi_env env, size_t n, uint8_t** data) {
  return novanet::newBytes(env, 32 * n, "ERR_NOVANET_FR", "the result vector", data);
}

// frSpmv(rowPtr, cols, valsMont, z)
napi_value Spmv(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return nullptr;
  void *rp, *cp;
  size_t rl, cl;
  if (!typedArg(env, argv[0], napi_uint32_array, "rowPtr", &rp, &rl)) return nullptr;
  if (!typedArg(env, argv[1], napi_uint32_array, "cols", &cp, &cl)) return nullptr;
  const uint32_t* rowPtr = static_cast<const uint32_t*>(rp);
  const uint32_t* cols = static_cast<const uint32_t*>(cp);
  Bytes vals, z;
  if (!vecArg(env, argv[2], "valsMont", (long)cl, vals)) return nullptr;
  if (!vecArg(env, argv[3], "z", -1, z)) return nullptr;
  if (rl < 1 || rowPtr[0] != 0 || rowPtr[rl - 1] != cl) {
    throwCode(env, "ERR_NOVANET_FR_LENGTH", "rowPtr does not delimit cols");
    return nullptr;
  }
  const size_t m = rl - 1, nz = z.len / 32;
  for (size_t i = 0; i < m; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) {
      throwCode(env, "ERR_NOVANET_FR_LENGTH", "rowPtr is not non-decreasing");
      return nullptr;
    }
  }
  for (size_t k = 0; k < cl; k++) {
    if (cols[k] >= nz) {
      throwCode(env, "ERR_NOVANET_FR_LENGTH", "cols[" + std::to_string(k) + "] is outside z");
      return nullptr;
    }
  }
  uint8_t* out;
  napi_value res = newVec(env, m, &out);
  if (!res) return nullptr;
  const uint8_t* vp = vals.p;
  const uint8_t* zp = z.p;
  parallelFor(m, 1 << 12, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      Fr acc = ZERO;
      for (uint32_t k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        const Fr zv = Fr::load(zp + 32 * (size_t)cols[k]);
        const Fr c = Fr::load(vp + 32 * (size_t)k);
        if (eq(c, ONE_MONT)) {
          add(acc, acc, zv);
        } else if (eq(c, NEG_ONE_MONT)) {
          sub(acc, acc, zv);
        } else {
          Fr t;
          mul(t, c, zv);
          add(acc, acc, t);
        }
      }
      acc.store(out + 32 * i);
    }
  });
  return res;
}

// frCrossTerm(A1, B1, C1, u1, A2, B2, C2, u2)
napi_value CrossTerm(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, 8, argv)) return nullptr;
  Bytes A1, B1, C1, A2, B2, C2;
  Fr u1, u2;
  if (!vecArg(env, argv[0], "Az1", -1, A1)) return nullptr;
  const long m = (long)(A1.len / 32);
  if (!vecArg(env, argv[1], "Bz1", m, B1) || !vecArg(env, argv[2], "Cz1", m, C1) ||
      !scalarArg(env, argv[3], "u1", u1) || !vecArg(env, argv[4], "Az2", m, A2) ||
      !vecArg(env, argv[5], "Bz2", m, B2) || !vecArg(env, argv[6], "Cz2", m, C2) ||
      !scalarArg(env, argv[7], "u2", u2)) {
    return nullptr;
  }
  Fr nu1, nu2;
  sub(nu1, ZERO, u1);
  sub(nu2, ZERO, u2);
  uint8_t* out;
  napi_value res = newVec(env, (size_t)m, &out);
  if (!res) return nullptr;
  parallelFor((size_t)m, 1 << 12, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      const size_t o = 32 * i;
      // Σ of four Montgomery products = T_i / R; one more product by R^2 makes it canonical.
      Fr s, t;
      mul(s, Fr::load(A1.p + o), Fr::load(B2.p + o));
      mul(t, Fr::load(A2.p + o), Fr::load(B1.p + o));
      add(s, s, t);
      mul(t, nu1, Fr::load(C2.p + o));
      add(s, s, t);
      mul(t, nu2, Fr::load(C1.p + o));
      add(s, s, t);
      toMont(s).store(out + o);
    }
  });
  return res;
}

// frAxpy(a, r, b)
napi_value Axpy(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return nullptr;
  Bytes a, b;
  Fr r;
  if (!vecArg(env, argv[0], "a", -1, a)) return nullptr;
  const long n = (long)(a.len / 32);
  if (!scalarArg(env, argv[1], "r", r) || !vecArg(env, argv[2], "b", n, b)) return nullptr;
  const Fr rM = toMont(r);
  uint8_t* out;
  napi_value res = newVec(env, (size_t)n, &out);
  if (!res) return nullptr;
  parallelFor((size_t)n, 1 << 13, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      Fr t;
      mul(t, rM, Fr::load(b.p + 32 * i));
      add(t, t, Fr::load(a.p + 32 * i));
      t.store(out + 32 * i);
    }
  });
  return res;
}

// frFold3(a, r, t, s, b)
napi_value Fold3(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, 5, argv)) return nullptr;
  Bytes a, t, b;
  Fr r, s;
  if (!vecArg(env, argv[0], "a", -1, a)) return nullptr;
  const long n = (long)(a.len / 32);
  if (!scalarArg(env, argv[1], "r", r) || !vecArg(env, argv[2], "t", n, t) || !scalarArg(env, argv[3], "s", s) ||
      !vecArg(env, argv[4], "b", n, b)) {
    return nullptr;
  }
  const Fr rM = toMont(r), sM = toMont(s);
  uint8_t* out;
  napi_value res = newVec(env, (size_t)n, &out);
  if (!res) return nullptr;
  parallelFor((size_t)n, 1 << 13, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      Fr x, y;
      mul(x, rM, Fr::load(t.p + 32 * i));
      mul(y, sM, Fr::load(b.p + 32 * i));
      add(x, x, y);
      add(x, x, Fr::load(a.p + 32 * i));
      x.store(out + 32 * i);
    }
  });
  return res;
}

// frRelaxedFirstFailure(Az, Bz, Cz, u, E | null)
napi_value RelaxedFirstFailure(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, 5, argv)) return nullptr;
  Bytes A, B, C, E;
  Fr u;
  if (!vecArg(env, argv[0], "Az", -1, A)) return nullptr;
  const long m = (long)(A.len / 32);
  if (!vecArg(env, argv[1], "Bz", m, B) || !vecArg(env, argv[2], "Cz", m, C) || !scalarArg(env, argv[3], "u", u)) {
    return nullptr;
  }
  napi_valuetype et;
  napi_typeof(env, argv[4], &et);
  const bool hasE = !(et == napi_null || et == napi_undefined);
  if (hasE && !vecArg(env, argv[4], "E", m, E)) return nullptr;
  const Fr uM = toMont(u);
  std::atomic<long> first(-1);
  parallelFor((size_t)m, 1 << 12, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      const size_t o = 32 * i;
      Fr l, r;
      mul(l, Fr::load(A.p + o), Fr::load(B.p + o));  // Az·Bz / R
      l = toMont(l);                          // Az·Bz
      mul(r, uM, Fr::load(C.p + o));              // u·Cz
      if (hasE) add(r, r, Fr::load(E.p + o));
      if (!eq(l, r)) {
        long cur = first.load();
        while ((cur < 0 || (long)i < cur) && !first.compare_exchange_weak(cur, (long)i)) {
        }
        return;
      }
    }
  });
  napi_value res;
  napi_create_int64(env, (int64_t)first.load(), &res);
  return res;
}

// frFirstNonCanonical(v)
napi_value FirstNonCanonical(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return nullptr;
  void* p;
  size_t len;
  if (!typedArg(env, argv[0], napi_uint8_array, "v", &p, &len)) return nullptr;
  if (len % 32 != 0) {
    throwCode(env, "ERR_NOVANET_FR_LENGTH", "v has " + std::to_string(len) + " bytes, not a multiple of 32");
    return nullptr;
  }
  napi_value res;
  napi_create_int64(env, (int64_t)firstNonCanonical(static_cast<const uint8_t*>(p), len / 32), &res);
  return res;
}

}  // namespace frk

// Called from the addon's Init (msm.cc).
bool novanetRegisterKernels(napi_env env, napi_value exports) {
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"frSpmv", frk::Spmv},
             {"frCrossTerm", frk::CrossTerm},
             {"frAxpy", frk::Axpy},
             {"frFold3", frk::Fold3},
             {"frRelaxedFirstFailure", frk::RelaxedFirstFailure},
             {"frFirstNonCanonical", frk::FirstNonCanonical}};
  for (auto& f : fns) {
    napi_value v;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v) != napi_ok) return false;
    if (napi_set_named_property(env, exports, f.name, v) != napi_ok) return false;
  }
  return true;
}
