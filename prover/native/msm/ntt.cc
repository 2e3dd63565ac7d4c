// NovaNet native number-theoretic transforms over BN254's scalar field, part of the novanet_msm addon:
// the Groth16 prover's quotient h = (a·b − c)/Z (prover/src/groth16/prove.ts, docs/decider.md).
//
// Export (synchronous; the three vectors' transforms run on separate threads, a single transform splits
// each butterfly stage over the workers):
//   frQuotient(a, b, c, params) → Uint8Array h (n elements; the top one is 0 for a satisfying witness)
//     a, b, c: packed vectors (32 bytes per element, canonical little-endian) of length n = 2^k, the
//     evaluations of the QAP's A·w, B·w, C·w over the domain H = <ω>;
//     params: packed [ω, ω⁻¹, g, g⁻¹, n⁻¹, (g^n − 1)⁻¹] (canonical), g the coset shift.
//   Steps: inverse NTT of a, b, c, move to the coset g·H (a_i·g^i), forward NTT, pointwise
//   (a·b − c)·(g^n − 1)⁻¹, inverse NTT, back from the coset (h_i·g^−i). All in Montgomery form inside.
// Inputs are checked (< p, lengths): a violation throws a RangeError with code ERR_NOVANET_FR_NONCANONICAL
// or ERR_NOVANET_FR_LENGTH. Variable time (public/witness data only).
#include <node_api.h>
#include <x86intrin.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "field.h"
#include "napi_args.h"

namespace nttk {

using novanet::u128;

// add, sub, mul, toMont/fromMont, load/store, parallelFor: field.h (shared with the other files of the
// addon; the product there is the ADX assembly where the build has ADX and BMI2).
using Fr = novanet::Elem<novanet::ModP>;

unsigned workers() { return novanet::envThreads(); }

// Runs f(lo, hi) over [0, n) on up to T workers; inline below 4096 items.
template <typename F>
void parallelFor(size_t n, unsigned T, F f) {
  novanet::parallelFor(n, T, 4096, f);
}

// tw[j] = w^j (Montgomery), j < n/2.
std::vector<Fr> twiddles(const Fr& wMont, size_t n) {
  std::vector<Fr> tw(n / 2 > 0 ? n / 2 : 1);
  tw[0] = novanet::oneMont<novanet::ModP>;
  for (size_t j = 1; j < n / 2; j++) mul(tw[j], tw[j - 1], wMont);
  return tw;
}

// In place, natural order in and out: a_j ← Σ a_i·w^{ij} (w from the twiddle table), T workers.
void ntt(Fr* a, size_t n, const std::vector<Fr>& tw, unsigned T) {
  for (size_t i = 1, j = 0; i < n; i++) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len >> 1, step = n / len;
    parallelFor(n / 2, T, [&](size_t lo, size_t hi) {
      for (size_t k = lo; k < hi; k++) {
        const size_t j = k % half, i = (k / half) * len + j;
        Fr v;
        mul(v, a[i + half], tw[j * step]);
        const Fr u = a[i];
        add(a[i], u, v);
        sub(a[i + half], u, v);
      }
    });
  }
}

// a_i ← a_i·c·s^i (Montgomery c, s).
void scalePowers(Fr* a, size_t n, const Fr& c, const Fr& s) {
  Fr t = c;
  for (size_t i = 0; i < n; i++) {
    mul(a[i], a[i], t);
    mul(t, t, s);
  }
}

void throwCode(napi_env env, const char* code, const std::string& msg) { napi_throw_range_error(env, code, msg.c_str()); }

bool vecArg(napi_env env, napi_value v, const char* name, long n, const uint8_t** out, size_t* len) {
  void* p;
  size_t length;
  if (!novanet::typedArrayArg(env, v, napi_uint8_array, "ERR_NOVANET_FR_INPUT", name, &p, &length)) return false;
  if (length % 32 != 0 || (n >= 0 && length != 32 * (size_t)n)) {
    throwCode(env, "ERR_NOVANET_FR_LENGTH", std::string(name) + " has " + std::to_string(length) + " bytes");
    return false;
  }
  const uint8_t* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < length / 32; i++) {
    if (!isCanonical(Fr::load(b + 32 * i))) {
      throwCode(env, "ERR_NOVANET_FR_NONCANONICAL",
                std::string(name) + "[" + std::to_string(i) + "] is not a canonical element of F_p");
      return false;
    }
  }
  *out = b;
  *len = length;
  return true;
}

// frQuotient(a, b, c, params)
napi_value Quotient(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 4) {
    napi_throw_type_error(env, "ERR_NOVANET_FR_INPUT", "expected 4 arguments");
    return nullptr;
  }
  const uint8_t *pa, *pb, *pc, *pp;
  size_t la, lb, lc, lp;
  if (!vecArg(env, argv[0], "a", -1, &pa, &la)) return nullptr;
  const size_t n = la / 32;
  if (n < 2 || (n & (n - 1)) != 0) {
    throwCode(env, "ERR_NOVANET_FR_LENGTH", "a must have a power-of-two length ≥ 2");
    return nullptr;
  }
  if (!vecArg(env, argv[1], "b", (long)n, &pb, &lb) || !vecArg(env, argv[2], "c", (long)n, &pc, &lc) ||
      !vecArg(env, argv[3], "params", 6, &pp, &lp))
    return nullptr;
  Fr prm[6];
  for (int i = 0; i < 6; i++) prm[i] = toMont(Fr::load(pp + 32 * i));
  const Fr &w = prm[0], &wInv = prm[1], &g = prm[2], &gInv = prm[3], &nInv = prm[4], &zInv = prm[5];
  std::vector<Fr> A(n), B(n), C(n);
  const unsigned T = workers();
  parallelFor(n, T, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      A[i] = toMont(Fr::load(pa + 32 * i));
      B[i] = toMont(Fr::load(pb + 32 * i));
      C[i] = toMont(Fr::load(pc + 32 * i));
    }
  });
  const std::vector<Fr> twF = twiddles(w, n), twI = twiddles(wInv, n);
  // Each vector: inverse NTT, ×n⁻¹·g^i (to the coset), forward NTT; the three on their own threads.
  auto toCoset = [&](Fr* v) {
    ntt(v, n, twI, 1);
    scalePowers(v, n, nInv, g);
    ntt(v, n, twF, 1);
  };
  if (T >= 2) {
    std::thread t1(toCoset, B.data());
    std::thread t2(toCoset, C.data());
    toCoset(A.data());
    t1.join();
    t2.join();
  } else {
    toCoset(A.data());
    toCoset(B.data());
    toCoset(C.data());
  }
  parallelFor(n, T, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      Fr t;
      mul(t, A[i], B[i]);
      sub(t, t, C[i]);
      mul(A[i], t, zInv);
    }
  });
  B.clear();
  B.shrink_to_fit();
  C.clear();
  C.shrink_to_fit();
  ntt(A.data(), n, twI, T);
  scalePowers(A.data(), n, nInv, gInv);
  uint8_t* o;
  napi_value out = novanet::newBytes(env, 32 * n, "ERR_NOVANET_FR", "the result vector", &o);
  if (!out) return nullptr;
  parallelFor(n, T, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      fromMont(A[i]).store(o + 32 * i);
    }
  });
  return out;
}

}  // namespace nttk

// Called from the addon's Init (msm.cc).
bool novanetRegisterNtt(napi_env env, napi_value exports) {
  napi_value v;
  if (napi_create_function(env, "frQuotient", NAPI_AUTO_LENGTH, nttk::Quotient, nullptr, &v) != napi_ok) return false;
  return napi_set_named_property(env, exports, "frQuotient", v) == napi_ok;
}
