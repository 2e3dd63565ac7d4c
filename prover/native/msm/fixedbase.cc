// NovaNet native fixed-base scalar multiplication on BN254 G1 and G2, part of the novanet_msm addon:
// Groth16 key generation (prover/src/groth16/keys.ts) computes s_i·P for hundreds of thousands of
// scalars s_i and one base P per group.
//
// Exports (synchronous; the work is split over std::thread workers):
//   fixedBaseMul(group: 1 | 2, base: Uint8Array, scalars: Uint8Array) → Uint8Array
//     base: the affine point, LEM (ffjavascript: little-endian Montgomery coordinates; 64 bytes in G1,
//     128 in G2 as x.c0, x.c1, y.c0, y.c1), not the identity;
//     scalars: 32 bytes each, little-endian (any 256-bit value; reduced by the group order implicitly);
//     result: one affine LEM point per scalar, all-zero bytes for the identity.
//   g2Msm(points: Uint8Array, scalars: Uint8Array) → Uint8Array(128)
//     Σ s_i·P_i in G2 (the Groth16 prover's B₂): points affine LEM (128 bytes, zeros = identity), scalars
//     32 bytes LE; Pippenger with c-bit windows (c ≈ log2 n − 2), windows split over the workers.
// Method (fixedBaseMul): a table T[w][d] = d·2^(8w)·P (32 windows of 8 bits, d = 1..255, affine), each product the sum
// of ≤ 32 table entries by mixed Jacobian additions (a = 0), then affine by batched inversion.
// Variable time: for key generation, whose secrets are dropped after the run (dev keys).
#include <node_api.h>
#include <x86intrin.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "field.h"
#include "napi_args.h"

namespace fbk {

// The field arithmetic is field.h's (shared with the other files of the addon); the value-returning
// forms below are what the group code here is written with.
using Fq = novanet::Elem<novanet::ModQ>;
constexpr const Fq& ONE = novanet::oneMont<novanet::ModQ>;  // R mod q (Montgomery 1)
constexpr const Fq& ZERO = novanet::zero<novanet::ModQ>;

#define FB_INLINE NV_INLINE

FB_INLINE Fq add(const Fq& a, const Fq& b) {
  Fq r;
  novanet::add(r, a, b);
  return r;
}
FB_INLINE Fq sub(const Fq& a, const Fq& b) {
  Fq r;
  novanet::sub(r, a, b);
  return r;
}
FB_INLINE Fq mul(const Fq& a, const Fq& b) {
  Fq r;
  novanet::mul(r, a, b);
  return r;
}

// The two coordinate fields: Fq, and Fq2 = Fq[u]/(u² + 1).
struct F1 {
  Fq a;
  static constexpr size_t BYTES = 32;
  static F1 zero() { return F1{ZERO}; }
  static F1 one() { return F1{ONE}; }
  bool isZero() const { return novanet::isZero(a); }
  F1 operator+(const F1& o) const { return F1{add(a, o.a)}; }
  F1 operator-(const F1& o) const { return F1{sub(a, o.a)}; }
  F1 operator*(const F1& o) const { return F1{mul(a, o.a)}; }
  F1 inv() const { return F1{inverse(a)}; }
  void load(const uint8_t* p) { a = Fq::load(p); }
  void store(uint8_t* p) const { a.store(p); }
};

struct F2 {
  Fq c0, c1;
  static constexpr size_t BYTES = 64;
  static F2 zero() { return F2{ZERO, ZERO}; }
  static F2 one() { return F2{ONE, ZERO}; }
  bool isZero() const { return novanet::isZero(c0) && novanet::isZero(c1); }
  F2 operator+(const F2& o) const { return F2{add(c0, o.c0), add(c1, o.c1)}; }
  F2 operator-(const F2& o) const { return F2{sub(c0, o.c0), sub(c1, o.c1)}; }
  F2 operator*(const F2& o) const {
    const Fq a = mul(c0, o.c0), b = mul(c1, o.c1);
    const Fq s = mul(add(c0, c1), add(o.c0, o.c1));
    return F2{sub(a, b), sub(sub(s, a), b)};
  }
  F2 inv() const {
    const Fq t = inverse(add(mul(c0, c0), mul(c1, c1)));
    return F2{mul(c0, t), sub(ZERO, mul(c1, t))};
  }
  void load(const uint8_t* p) {
    c0 = Fq::load(p);
    c1 = Fq::load(p + 32);
  }
  void store(uint8_t* p) const {
    c0.store(p);
    c1.store(p + 32);
  }
};

template <typename F>
struct Jac {
  F X, Y, Z;  // Z = 0: the identity
};

template <typename F>
struct Aff {
  F x, y;
};

template <typename F>
Jac<F> dbl(const Jac<F>& p) {
  if (p.Z.isZero()) return p;
  const F A = p.X * p.X, B = p.Y * p.Y, C = B * B;
  const F xb = p.X + B;
  F D = xb * xb - A - C;
  D = D + D;
  const F E = A + A + A;
  const F Fv = E * E;
  const F X3 = Fv - D - D;
  F C8 = C + C;
  C8 = C8 + C8;
  C8 = C8 + C8;
  const F Y3 = E * (D - X3) - C8;
  const F yz = p.Y * p.Z;
  return Jac<F>{X3, Y3, yz + yz};
}

// p + q (q affine), a = 0.
template <typename F>
Jac<F> addMixed(const Jac<F>& p, const Aff<F>& q) {
  if (p.Z.isZero()) return Jac<F>{q.x, q.y, F::one()};
  const F Z1Z1 = p.Z * p.Z;
  const F U2 = q.x * Z1Z1;
  const F S2 = q.y * p.Z * Z1Z1;
  const F H = U2 - p.X;
  F r = S2 - p.Y;
  if (H.isZero()) {
    if (r.isZero()) return dbl(Jac<F>{q.x, q.y, F::one()});
    return Jac<F>{F::one(), F::one(), F::zero()};
  }
  r = r + r;
  const F HH = H * H;
  F I = HH + HH;
  I = I + I;
  const F J = H * I;
  const F V = p.X * I;
  const F X3 = r * r - J - V - V;
  const F yj = p.Y * J;
  const F Y3 = r * (V - X3) - yj - yj;
  const F zh = p.Z + H;
  const F Z3 = zh * zh - Z1Z1 - HH;
  return Jac<F>{X3, Y3, Z3};
}

// p + q, both Jacobian (add-2007-bl), a = 0.
template <typename F>
Jac<F> addJac(const Jac<F>& p, const Jac<F>& q) {
  if (p.Z.isZero()) return q;
  if (q.Z.isZero()) return p;
  const F Z1Z1 = p.Z * p.Z, Z2Z2 = q.Z * q.Z;
  const F U1 = p.X * Z2Z2, U2 = q.X * Z1Z1;
  const F S1 = p.Y * q.Z * Z2Z2, S2 = q.Y * p.Z * Z1Z1;
  const F H = U2 - U1;
  F r = S2 - S1;
  if (H.isZero()) {
    if (r.isZero()) return dbl(p);
    return Jac<F>{F::one(), F::one(), F::zero()};
  }
  const F H2 = H + H;
  const F I = H2 * H2;
  const F J = H * I;
  r = r + r;
  const F V = U1 * I;
  const F X3 = r * r - J - V - V;
  const F sj = S1 * J;
  const F Y3 = r * (V - X3) - sj - sj;
  const F zz = p.Z + q.Z;
  const F Z3 = (zz * zz - Z1Z1 - Z2Z2) * H;
  return Jac<F>{X3, Y3, Z3};
}

// Affine forms of pts (identity → (0, 0) with ok[i] = false), one inversion for all.
template <typename F>
void normalize(const Jac<F>* pts, size_t n, Aff<F>* out, bool* ok) {
  std::vector<F> pre(n);
  F acc = F::one();
  for (size_t i = 0; i < n; i++) {
    pre[i] = acc;
    if (!pts[i].Z.isZero()) acc = acc * pts[i].Z;
  }
  F inv = acc.inv();
  for (size_t i = n; i-- > 0;) {
    if (pts[i].Z.isZero()) {
      ok[i] = false;
      out[i] = Aff<F>{F::zero(), F::zero()};
      continue;
    }
    const F zi = inv * pre[i];
    inv = inv * pts[i].Z;
    const F zi2 = zi * zi;
    out[i] = Aff<F>{pts[i].X * zi2, pts[i].Y * zi2 * zi};
    ok[i] = true;
  }
}

unsigned workers() { return novanet::envThreads(); }

template <typename F>
void run(const uint8_t* base, const uint8_t* scalars, size_t n, uint8_t* out) {
  constexpr int WIN = 32, DIG = 255;
  Aff<F> b;
  b.x.load(base);
  b.y.load(base + F::BYTES);
  // T[w][d−1] = d·2^(8w)·P.
  std::vector<Jac<F>> tj((size_t)WIN * DIG);
  Aff<F> bw = b;
  for (int w = 0; w < WIN; w++) {
    Jac<F> acc{bw.x, bw.y, F::one()};
    tj[(size_t)w * DIG] = acc;
    for (int d = 2; d <= DIG; d++) {
      acc = addMixed(acc, bw);
      tj[(size_t)w * DIG + d - 1] = acc;
    }
    // 2^(8(w+1))·P = 256·(2^(8w)·P) = dbl(255·… + …): take 255·B + B, normalized.
    Jac<F> next = addMixed(acc, bw);
    Aff<F> a[1];
    bool ok[1];
    normalize(&next, 1, a, ok);
    bw = a[0];
  }
  std::vector<Aff<F>> table(tj.size());
  {
    std::unique_ptr<bool[]> okp(new bool[tj.size()]);
    normalize(tj.data(), tj.size(), table.data(), okp.get());
  }
  tj.clear();
  tj.shrink_to_fit();
  const size_t PB = 2 * F::BYTES;
  auto work = [&](size_t lo, size_t hi) {
    constexpr size_t CH = 1024;
    std::vector<Jac<F>> acc(CH);
    std::vector<Aff<F>> aff(CH);
    bool ok[CH];
    for (size_t s = lo; s < hi; s += CH) {
      const size_t m = std::min(CH, hi - s);
      for (size_t i = 0; i < m; i++) {
        const uint8_t* sc = scalars + 32 * (s + i);
        Jac<F> a{F::one(), F::one(), F::zero()};
        for (int w = 0; w < WIN; w++) {
          const int d = sc[w];
          if (d) a = addMixed(a, table[(size_t)w * DIG + d - 1]);
        }
        acc[i] = a;
      }
      normalize(acc.data(), m, aff.data(), ok);
      for (size_t i = 0; i < m; i++) {
        uint8_t* o = out + PB * (s + i);
        if (!ok[i]) {
          std::memset(o, 0, PB);
          continue;
        }
        aff[i].x.store(o);
        aff[i].y.store(o + F::BYTES);
      }
    }
  };
  novanet::parallelFor(n, workers(), 4096, work);
}

// Σ s_i·P_i in G2 (Pippenger: c-bit windows, buckets by mixed addition, windows split over workers).
Jac<F2> g2Msm(const uint8_t* pts, const uint8_t* sc, size_t n) {
  unsigned c = 4;
  while (c < 16 && ((size_t)1 << (c + 2)) < n) c++;
  const unsigned W = (254 + c - 1) / c;
  std::vector<Jac<F2>> win(W);
  auto digit = [&](const uint8_t* s, unsigned w) -> unsigned {
    const unsigned bit = w * c;
    unsigned v = 0;
    for (unsigned k = 0; k < c; k++) {
      const unsigned b = bit + k;
      if (b >= 256) break;
      v |= ((s[b >> 3] >> (b & 7)) & 1u) << k;
    }
    return v;
  };
  auto work = [&](unsigned w0, unsigned w1) {
    std::vector<Jac<F2>> buckets((size_t)1 << c);
    for (unsigned w = w0; w < w1; w++) {
      for (auto& b : buckets) b = Jac<F2>{F2::one(), F2::one(), F2::zero()};
      for (size_t i = 0; i < n; i++) {
        const unsigned d = digit(sc + 32 * i, w);
        if (!d) continue;
        Aff<F2> a;
        a.x.load(pts + 128 * i);
        a.y.load(pts + 128 * i + 64);
        if (a.x.isZero() && a.y.isZero()) continue;
        buckets[d] = addMixed(buckets[d], a);
      }
      Jac<F2> sum{F2::one(), F2::one(), F2::zero()}, acc = sum;
      for (size_t d = buckets.size() - 1; d >= 1; d--) {
        sum = addJac(sum, buckets[d]);
        acc = addJac(acc, sum);
      }
      win[w] = acc;
    }
  };
  unsigned T = workers();
  if (T > W) T = W;
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(work, W * t / T, W * (t + 1) / T);
  work(0, W / T);
  for (auto& th : ts) th.join();
  Jac<F2> r{F2::one(), F2::one(), F2::zero()};
  for (unsigned w = W; w-- > 0;) {
    for (unsigned k = 0; k < c; k++) r = dbl(r);
    r = addJac(r, win[w]);
  }
  return r;
}

bool bytesArg(napi_env env, napi_value v, const char* name, uint8_t** out, size_t* len) {
  void* p;
  if (!novanet::typedArrayArg(env, v, napi_uint8_array, "ERR_NOVANET_FIXED_BASE", name, &p, len)) return false;
  *out = static_cast<uint8_t*>(p);
  return true;
}

// fixedBaseMul(group, base, scalars)
napi_value FixedBaseMul(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 3) {
    napi_throw_type_error(env, "ERR_NOVANET_FIXED_BASE", "expected 3 arguments");
    return nullptr;
  }
  uint32_t group = 0;
  if (napi_get_value_uint32(env, argv[0], &group) != napi_ok || (group != 1 && group != 2)) {
    napi_throw_range_error(env, "ERR_NOVANET_FIXED_BASE", "group must be 1 or 2");
    return nullptr;
  }
  uint8_t *base, *sc;
  size_t bl, sl;
  if (!bytesArg(env, argv[1], "base", &base, &bl) || !bytesArg(env, argv[2], "scalars", &sc, &sl)) return nullptr;
  const size_t pb = group == 1 ? 64 : 128;
  if (bl != pb || sl % 32 != 0) {
    napi_throw_range_error(env, "ERR_NOVANET_FIXED_BASE", "base or scalars have the wrong length");
    return nullptr;
  }
  bool zero = true;
  for (size_t i = 0; i < bl; i++) zero = zero && base[i] == 0;
  if (zero) {
    napi_throw_range_error(env, "ERR_NOVANET_FIXED_BASE", "the base is the identity");
    return nullptr;
  }
  const size_t n = sl / 32;
  uint8_t* buf;
  napi_value out = novanet::newBytes(env, pb * n, "ERR_NOVANET_FIXED_BASE", "the result", &buf);
  if (!out) return nullptr;
  if (n > 0) {
    if (group == 1)
      run<F1>(base, sc, n, buf);
    else
      run<F2>(base, sc, n, buf);
  }
  return out;
}

// g2Msm(points: 128 bytes each, affine LEM, zeros = identity; scalars: 32 bytes each LE) → 128 bytes affine LEM
napi_value G2Msm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2) {
    napi_throw_type_error(env, "ERR_NOVANET_FIXED_BASE", "expected 2 arguments");
    return nullptr;
  }
  uint8_t *pts, *sc;
  size_t pl, sl;
  if (!bytesArg(env, argv[0], "points", &pts, &pl) || !bytesArg(env, argv[1], "scalars", &sc, &sl)) return nullptr;
  if (pl % 128 != 0 || sl % 32 != 0 || pl / 128 != sl / 32) {
    napi_throw_range_error(env, "ERR_NOVANET_FIXED_BASE", "G2 MSM points and scalars do not match");
    return nullptr;
  }
  const Jac<F2> r = g2Msm(pts, sc, sl / 32);
  uint8_t* o;
  napi_value out = novanet::newBytes(env, 128, "ERR_NOVANET_FIXED_BASE", "the result", &o);
  if (!out) return nullptr;
  Aff<F2> a[1];
  bool ok[1];
  normalize(&r, 1, a, ok);
  if (!ok[0]) {
    std::memset(o, 0, 128);
  } else {
    a[0].x.store(o);
    a[0].y.store(o + 64);
  }
  return out;
}

}  // namespace fbk

// Called from the addon's Init (msm.cc).
bool novanetRegisterFixedBase(napi_env env, napi_value exports) {
  napi_value v;
  if (napi_create_function(env, "fixedBaseMul", NAPI_AUTO_LENGTH, fbk::FixedBaseMul, nullptr, &v) != napi_ok)
    return false;
  if (napi_set_named_property(env, exports, "fixedBaseMul", v) != napi_ok) return false;
  if (napi_create_function(env, "g2Msm", NAPI_AUTO_LENGTH, fbk::G2Msm, nullptr, &v) != napi_ok) return false;
  return napi_set_named_property(env, exports, "g2Msm", v) == napi_ok;
}
