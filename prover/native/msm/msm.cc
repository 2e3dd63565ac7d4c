// NovaNet native BN254 G1 multi-scalar multiplication (Node-API addon).
//
// Input (same buffers as the ffjavascript backend, see prover/src/msm/backend.ts):
//   points  — n affine points, 64 bytes each: x then y, 32-byte little-endian Montgomery form
//             (R = 2^256 mod q); all-zero bytes are the point at infinity;
//   scalars — n little-endian integers of `scalarBytes` bytes each (1..32).
// Output: a Promise of 64 bytes, the affine sum (x, y) in canonical (non-Montgomery) little-endian form,
// all zeros for the identity.
//
// Also createBases(points) → a handle holding the points with φ(P) beside each (prepared once, for fixed
// bases such as the SRS), msmBases(handle, scalars) over a prefix of them (32-byte canonical scalars),
// and basesInfo(handle) → { points, tablePoints, tableWindow, tableBytes }.
//
// Method: scalars are partitioned by bit length — 0 is skipped, 1 is one addition, up to 64 bits go to a
// Pippenger over 64-bit digits, wider ones are split by the GLV endomorphism φ(x, y) = (β·x, y) = λ·P
// into two 128-bit halves (half the windows). Pippenger: signed c-bit digits (2^(c-1) buckets per
// window), buckets in XYZZ coordinates filled with mixed (XYZZ + affine) additions — or, opt-in with
// NOVANET_MSM_BATCH, affine buckets filled in batches sharing one inversion — running-sum bucket
// reduction, windows combined by doubling. Fixed bases may also carry a table of precomputed window
// multiples 2^(c·w)·P (see Bases): all windows then share one bucket set. Field: field.h (4×64-bit
// limbs, Montgomery multiplication, CIOS in MULX/ADCX/ADOX assembly where the build has ADX and BMI2).
// Work is split into (window, point range) tasks over std::thread workers. Variable time: the work
// depends on the scalars.
#include <node_api.h>
#include <x86intrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "field.h"
#include "napi_args.h"

bool novanetRegisterKernels(napi_env env, napi_value exports);  // kernels.cc
bool novanetRegisterNtt(napi_env env, napi_value exports);  // ntt.cc
bool novanetRegisterFixedBase(napi_env env, napi_value exports);  // fixedbase.cc

namespace {

using novanet::u128;

// ---------------------------------------------------------------- F_q (Montgomery, R = 2^256) ----
// add, sub, mul, reduceOnce, isZero, eq, inverse, fromMont, load/store: field.h (shared with the other
// files of the addon).
using Fq = novanet::Elem<novanet::ModQ>;
constexpr const Fq& ONE = novanet::oneMont<novanet::ModQ>;  // R mod q (Montgomery 1)
constexpr const Fq& ZERO = novanet::zero<novanet::ModQ>;

#define FQ_INLINE NV_INLINE

FQ_INLINE void neg(Fq& r, const Fq& a) {
  if (isZero(a)) {
    r = ZERO;
    return;
  }
  sub(r, ZERO, a);
}

FQ_INLINE void sqr(Fq& r, const Fq& a) { mul(r, a, a); }

// ---------------------------------------------------------------- G1 ----
struct Affine {
  Fq x, y;
};

// XYZZ: x = X/ZZ, y = Y/ZZZ with ZZ^3 = ZZZ^2; ZZ = 0 is the identity.
struct alignas(64) Xyzz {
  Fq X, Y, ZZ, ZZZ;
};

inline bool isInf(const Xyzz& p) { return isZero(p.ZZ); }
inline void setInf(Xyzz& p) { p.X = ONE, p.Y = ONE, p.ZZ = ZERO, p.ZZZ = ZERO; }

// p = 2·a for affine a (mdbl-2008-s-1).
inline void dblAffine(Xyzz& p, const Fq& x, const Fq& y) {
  Fq U, V, W, S, M, t;
  add(U, y, y);
  sqr(V, U);
  mul(W, U, V);
  mul(S, x, V);
  sqr(t, x);
  add(M, t, t);
  add(M, M, t);
  sqr(p.X, M);
  sub(p.X, p.X, S);
  sub(p.X, p.X, S);
  sub(t, S, p.X);
  mul(t, M, t);
  mul(p.Y, W, y);
  sub(p.Y, t, p.Y);
  p.ZZ = V;
  p.ZZZ = W;
}

// p = 2·p (dbl-2008-s-1, a = 0).
inline void dbl(Xyzz& p) {
  if (isInf(p)) return;
  Fq U, V, W, S, M, t;
  add(U, p.Y, p.Y);
  sqr(V, U);
  mul(W, U, V);
  mul(S, p.X, V);
  sqr(t, p.X);
  add(M, t, t);
  add(M, M, t);
  Fq X3;
  sqr(X3, M);
  sub(X3, X3, S);
  sub(X3, X3, S);
  sub(t, S, X3);
  mul(t, M, t);
  Fq Y3;
  mul(Y3, W, p.Y);
  sub(p.Y, t, Y3);
  p.X = X3;
  mul(p.ZZ, p.ZZ, V);
  mul(p.ZZZ, p.ZZZ, W);
}

// p += (x, y) for an affine point that is not the identity (madd-2008-s).
inline void addAffine(Xyzz& p, const Fq& x, const Fq& y) {
  if (isInf(p)) {
    p.X = x, p.Y = y, p.ZZ = ONE, p.ZZZ = ONE;
    return;
  }
  Fq U2, S2, P, R;
  mul(U2, x, p.ZZ);
  mul(S2, y, p.ZZZ);
  sub(P, U2, p.X);
  sub(R, S2, p.Y);
  if (isZero(P)) {
    if (isZero(R)) {
      dblAffine(p, x, y);
    } else {
      setInf(p);
    }
    return;
  }
  Fq PP, PPP, Qv, t;
  sqr(PP, P);
  mul(PPP, P, PP);
  mul(Qv, p.X, PP);
  sqr(t, R);
  sub(t, t, PPP);
  sub(t, t, Qv);
  sub(t, t, Qv);  // X3
  Fq d;
  sub(d, Qv, t);
  mul(d, R, d);
  Fq e;
  mul(e, p.Y, PPP);
  sub(p.Y, d, e);
  p.X = t;
  mul(p.ZZ, p.ZZ, PP);
  mul(p.ZZZ, p.ZZZ, PPP);
}

// p += a (add-2008-s).
inline void addXyzz(Xyzz& p, const Xyzz& a) {
  if (isInf(a)) return;
  if (isInf(p)) {
    p = a;
    return;
  }
  Fq U1, U2, S1, S2, P, R;
  mul(U1, p.X, a.ZZ);
  mul(U2, a.X, p.ZZ);
  mul(S1, p.Y, a.ZZZ);
  mul(S2, a.Y, p.ZZZ);
  sub(P, U2, U1);
  sub(R, S2, S1);
  if (isZero(P)) {
    if (isZero(R)) {
      dbl(p);
    } else {
      setInf(p);
    }
    return;
  }
  Fq PP, PPP, Qv, X3, t;
  sqr(PP, P);
  mul(PPP, P, PP);
  mul(Qv, U1, PP);
  sqr(X3, R);
  sub(X3, X3, PPP);
  sub(X3, X3, Qv);
  sub(X3, X3, Qv);
  sub(t, Qv, X3);
  mul(t, R, t);
  Fq e;
  mul(e, S1, PPP);
  sub(p.Y, t, e);
  p.X = X3;
  mul(p.ZZ, p.ZZ, a.ZZ);
  mul(p.ZZ, p.ZZ, PP);
  mul(p.ZZZ, p.ZZZ, a.ZZZ);
  mul(p.ZZZ, p.ZZZ, PPP);
}

// ---------------------------------------------------------------- GLV ----
// BN254 G1 has the endomorphism φ(x, y) = (β·x, y) = λ·(x, y) (β a cube root of unity in F_q, λ one in
// F_r). A scalar k < r splits as k ≡ k1 + λ·k2 (mod r) with |k1|, |k2| < 2^128 (Babai rounding on the
// lattice basis v1 = (A1, −NB1), v2 = (A2, B2) of {(a, b) : a + λ·b ≡ 0}), so an MSM over n 254-bit
// scalars becomes one over 2n 128-bit scalars on the points P_i and φ(P_i): half the windows.
constexpr Fq BETA = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}};
constexpr uint64_t R_ORDER[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                                 0x30644e72e131a029ULL};
constexpr uint64_t GLV_G1[2] = {0xd91d232ec7e0b3d7ULL, 0x2ULL};                         // ⌊B2·2^256 / r⌋
constexpr uint64_t GLV_G2[3] = {0x7a7bd9d4391eb18dULL, 0x4ccef014a773d2cfULL, 0x2ULL};  // ⌊NB1·2^256 / r⌋
constexpr uint64_t GLV_A1 = 0x89d3256894d213e3ULL;
constexpr uint64_t GLV_A2[2] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL};
constexpr uint64_t GLV_NB1[2] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL};  // −b1
constexpr uint64_t GLV_B2 = 0x89d3256894d213e3ULL;

// ⌊k·g / 2^256⌋ for a 4-limb k and an ng-limb g (the result fits in 3 limbs here).
inline void mulHigh(const uint64_t k[4], const uint64_t* g, int ng, uint64_t out[3]) {
  uint64_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    uint64_t carry = 0;
    for (int j = 0; j < ng; j++) {
      u128 s = (u128)k[i] * g[j] + t[i + j] + carry;
      t[i + j] = (uint64_t)s;
      carry = (uint64_t)(s >> 64);
    }
    t[i + ng] = carry;
  }
  out[0] = t[4], out[1] = t[5], out[2] = t[6];
}

// 3-limb (mod 2^192) helpers.
inline void mul3(const uint64_t a[3], const uint64_t* b, int nb, uint64_t out[3]) {
  uint64_t t[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    uint64_t carry = 0;
    for (int j = 0; j < nb && i + j < 3; j++) {
      u128 s = (u128)a[i] * b[j] + t[i + j] + carry;
      t[i + j] = (uint64_t)s;
      carry = (uint64_t)(s >> 64);
    }
    if (i + nb < 3) t[i + nb] += carry;
  }
  out[0] = t[0], out[1] = t[1], out[2] = t[2];
}
inline void sub3(uint64_t a[3], const uint64_t b[3]) {
  unsigned long long r0, r1, r2;
  unsigned char bw = _subborrow_u64(0, a[0], b[0], &r0);
  bw = _subborrow_u64(bw, a[1], b[1], &r1);
  _subborrow_u64(bw, a[2], b[2], &r2);
  a[0] = r0, a[1] = r1, a[2] = r2;
}
// a (mod 2^192, |a| < 2^191 as a signed number) → magnitude (2 limbs) and sign.
inline bool absSigned(const uint64_t a[3], uint64_t mag[2]) {
  if ((int64_t)a[2] < 0) {
    unsigned long long r0, r1;
    unsigned char bw = _subborrow_u64(0, 0, a[0], &r0);
    _subborrow_u64(bw, 0, a[1], &r1);
    mag[0] = r0, mag[1] = r1;
    return true;
  }
  mag[0] = a[0], mag[1] = a[1];
  return false;
}

// k (canonical, < r) → k1 + λ·k2 with signs: k ≡ s1·m1 + λ·s2·m2 (mod r), m1, m2 < 2^128.
inline void glvSplit(const uint64_t k[4], uint64_t m1[2], bool& neg1, uint64_t m2[2], bool& neg2) {
  uint64_t c1[3], c2[3];
  mulHigh(k, GLV_G1, 2, c1);
  mulHigh(k, GLV_G2, 3, c2);
  // k1 = k − c1·A1 − c2·A2 ; k2 = c1·NB1 − c2·B2 (both exact, mod 2^192).
  uint64_t k1[3] = {k[0], k[1], k[2]}, t[3];
  mul3(c1, &GLV_A1, 1, t);
  sub3(k1, t);
  mul3(c2, GLV_A2, 2, t);
  sub3(k1, t);
  uint64_t k2[3];
  mul3(c1, GLV_NB1, 2, k2);
  mul3(c2, &GLV_B2, 1, t);
  sub3(k2, t);
  neg1 = absSigned(k1, m1);
  neg2 = absSigned(k2, m2);
}

// ---------------------------------------------------------------- Pippenger ----
// Bases in the engine's layout: `stride` affine points per input point — P_i, then φ(P_i) when stride
// is 2 — little-endian Montgomery, all-zero for the point at infinity.
//
// Fixed bases (createBases) may also carry a table of precomputed multiples, built on their first MSM:
// tbl[k·tw + w] = 2^(tc·w)·pts[k] for the prepared points of the first tblPts inputs (both P_i and
// φ(P_i)), tw = ⌈129/tc⌉ windows (GLV halves are < 2^128, plus the signed-digit carry). With it, every
// window's digit of an entry selects a table point, so all windows share one set of 2^(tc−1) buckets:
// one bucket reduction per thread instead of one per window, no doublings, and a wider window (fewer
// additions) than the per-window buckets could afford. Memory: 2·tw·64 bytes per covered input point,
// capped by NOVANET_MSM_TABLE_MB (default 384; 0: no table); points beyond the cap use the windowed path.
struct Bases {
  std::vector<Affine> pts;
  size_t n = 0;
  unsigned stride = 1;
  bool tableAllowed = false;  // fixed bases (createBases) only
  // Read from the environment when the handle is made: build the table once the handle has served
  // tableAfter MSMs (NOVANET_MSM_TABLE_AFTER, default 64: the build costs about as much as 9 MSMs of the
  // SRS's size and saves ≈ 10 % of each later one), at most tableCapMb MiB (NOVANET_MSM_TABLE_MB),
  // window tableWindow (NOVANET_MSM_TABLE_WINDOW; 0: chosen from the size).
  unsigned tableAfter = 64, tableCapMb = 384, tableWindow = 0;
  std::atomic<unsigned> uses{0};
  std::once_flag tableOnce;
  // Set (release) once tbl, tc, tw, tblPts are final: an MSM that did not wait for the build (fewer
  // uses than tableAfter) or basesInfo reads them only after seeing it (acquire).
  std::atomic<bool> tableReady{false};
  std::vector<Affine> tbl;
  unsigned tc = 0, tw = 0;
  size_t tblPts = 0;
};

inline bool isInfAffine(const Affine& a) { return isZero(a.x) && isZero(a.y); }

// Fills b from n LEM points (64 bytes each); with stride 2 also φ(P_i). Parallel over `threads`.
void prepareBases(Bases& b, const uint8_t* lem, size_t n, unsigned stride, unsigned threads) {
  b.n = n;
  b.stride = stride;
  b.pts.resize(n * stride);
  auto fill = [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      Affine& p = b.pts[i * stride];
      p.x = Fq::load(lem + 64 * i);
      p.y = Fq::load(lem + 64 * i + 32);
      if (stride == 2) {
        Affine& e = b.pts[i * 2 + 1];
        if (isInfAffine(p)) {
          e = p;
        } else {
          mul(e.x, p.x, BETA);
          e.y = p.y;
        }
      }
    }
  };
  unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(n / 8192 + 1)));
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(fill, n * t / T, n * (t + 1) / T);
  fill(0, n / T);
  for (auto& th : ts) th.join();
}

// One sub-MSM: Σ s_j·pts[idx_j] over entries j with magnitudes of `limbs` 64-bit limbs and signs.
struct Entries {
  std::vector<uint32_t> idx;   // index into Bases::pts
  std::vector<uint64_t> mag;   // limbs per entry
  std::vector<uint8_t> neg;    // 1: the entry's scalar is negative
  unsigned limbs = 1;
  size_t size() const { return idx.size(); }
};

inline unsigned bitLen(const uint64_t* m, unsigned limbs) {
  for (int l = (int)limbs - 1; l >= 0; l--)
    if (m[l]) return 64 * (unsigned)l + 64 - (unsigned)__builtin_clzll(m[l]);
  return 0;
}

int envInt(const char* name, int lo, int hi, int dflt) {
  const char* e = std::getenv(name);
  if (!e || !*e) return dflt;
  long v = std::strtol(e, nullptr, 10);
  return v >= lo && v <= hi ? (int)v : dflt;
}

// Window width: minimises windows × (entries·add + buckets·reduce) in multiplications — a mixed XYZZ
// bucket addition ≈ 10, a batch-affine one ≈ 7.5, the running-sum reduction ≈ 28 a bucket (two full
// XYZZ additions) — capped at 15 (16-bit digits). NOVANET_MSM_WINDOW overrides (for measuring).
unsigned chooseWindow(size_t n, unsigned bits, bool batch) {
  int forced = envInt("NOVANET_MSM_WINDOW", 1, 15, 0);
  if (forced) return (unsigned)forced;
  unsigned best = 1;
  double bestCost = 1e300;
  for (unsigned c = 1; c <= 15; c++) {
    unsigned w = (bits + 1 + c - 1) / c;
    const double add = batch && (1u << (c - 1)) >= 512 ? 7.5 : 10.0;
    double cost = (double)w * ((double)n * add + 28.0 * (double)(1u << (c - 1)));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

// The batch-affine accumulation of one task: buckets in affine coordinates; additions queued until
// `batch` are pending, then done together with one field inversion (Montgomery's trick): ≈ 6
// multiplications an addition instead of ≈ 11 for a mixed XYZZ one. A point whose bucket already has an
// addition pending goes to that bucket's XYZZ side bucket instead (rare for uniform digits; keeps
// skewed inputs — repeated scalars — from serialising on one bucket).
struct BatchWorkspace {
  std::vector<Affine> buckets;
  std::vector<uint8_t> filled;
  std::vector<uint32_t> stamp;
  std::vector<Xyzz> side;
  std::vector<uint8_t> sideUsed;
  std::vector<uint32_t> qb;       // bucket per queued addition
  std::vector<Affine> qpt;        // point per queued addition (sign applied)
  std::vector<Fq> den, pref;
  std::vector<uint8_t> kind;  // 0 add, 1 double, 2 cancel
  void init(unsigned half, unsigned batch) {
    if (buckets.size() != half + 1) {
      buckets.assign(half + 1, Affine());
      filled.assign(half + 1, 0);
      stamp.assign(half + 1, 0);
      side.assign(half + 1, Xyzz());
      sideUsed.assign(half + 1, 0);
    } else {
      std::fill(filled.begin(), filled.end(), 0);
      std::fill(stamp.begin(), stamp.end(), 0);
      std::fill(sideUsed.begin(), sideUsed.end(), 0);
    }
    qb.resize(batch), qpt.resize(batch), den.resize(batch), pref.resize(batch), kind.resize(batch);
  }
};

// y or −y by a mask (all ones: negate), without a branch (the sign is unpredictable). y ≠ 0: BN254 G1
// has no point of order 2.
FQ_INLINE void condNeg(Fq& r, const Fq& y, uint64_t negMask) {
  Fq ny;
  sub(ny, ZERO, y);
  for (int l = 0; l < 4; l++) r.v[l] = y.v[l] ^ ((y.v[l] ^ ny.v[l]) & negMask);
}

// Denominator of queued addition t: x_P − x_A, or 2·y_A for a doubling (kind 1), or 1 when P = −A
// (kind 2: the bucket empties).
FQ_INLINE void denominator(BatchWorkspace& ws, unsigned t) {
  const Affine& A = ws.buckets[ws.qb[t]];
  const Affine& Pt = ws.qpt[t];
  Fq& d = ws.den[t];
  sub(d, Pt.x, A.x);
  ws.kind[t] = 0;
  if (__builtin_expect(isZero(d), 0)) {
    if (eq(Pt.y, A.y)) {
      ws.kind[t] = 1;
      add(d, A.y, A.y);
    } else {
      ws.kind[t] = 2;
      d = ONE;
    }
  }
}

// Finishes queued addition t given 1/denominator.
FQ_INLINE void applyAddition(BatchWorkspace& ws, unsigned t, const Fq& it) {
  const uint32_t b = ws.qb[t];
  Affine& A = ws.buckets[b];
  const Affine& Pt = ws.qpt[t];
  Fq lam, x3, y3, num;
  if (__builtin_expect(ws.kind[t] == 0, 1)) {
    sub(num, Pt.y, A.y);
    mul(lam, num, it);
    sqr(x3, lam);
    sub(x3, x3, A.x);
    sub(x3, x3, Pt.x);
  } else if (ws.kind[t] == 1) {
    Fq xx;
    sqr(xx, A.x);
    add(num, xx, xx);
    add(num, num, xx);
    mul(lam, num, it);
    sqr(x3, lam);
    sub(x3, x3, A.x);
    sub(x3, x3, A.x);
  } else {
    ws.filled[b] = 0;
    return;
  }
  sub(num, A.x, x3);
  mul(y3, lam, num);
  sub(y3, y3, A.y);
  A.x = x3;
  A.y = y3;
}

// Performs the queued additions with one inversion (Montgomery's trick). Two interleaved prefix
// chains (even and odd entries) and additions done in pairs: independent multiplications side by side,
// so the core overlaps them instead of waiting on one dependency chain.
void flushBatch(BatchWorkspace& ws, unsigned cnt) {
  if (cnt == 0) return;
  Fq* den = ws.den.data();
  Fq* pref = ws.pref.data();
  for (unsigned t = 0; t < cnt; t += 2) {
    const bool two = t + 1 < cnt;
    denominator(ws, t);
    if (two) denominator(ws, t + 1);
    if (t < 2) {
      pref[t] = den[t];
      if (two) pref[t + 1] = den[t + 1];
    } else {
      mul(pref[t], pref[t - 2], den[t]);
      if (two) mul(pref[t + 1], pref[t - 1], den[t + 1]);
    }
  }
  // Last prefix of each chain; one inversion of their product.
  const unsigned last0 = (cnt - 1) & ~1u;
  const bool hasOdd = cnt >= 2;
  const unsigned last1 = hasOdd ? ((cnt - 2) | 1u) : 0;
  Fq inv0, inv1;
  if (hasOdd) {
    Fq prod;
    mul(prod, pref[last0], pref[last1]);
    Fq inv = inverse(prod);
    mul(inv0, inv, pref[last1]);
    mul(inv1, inv, pref[last0]);
  } else {
    inv0 = inverse(pref[last0]);
  }
  // Backwards: den[t] ← 1/den[t] from the running inverses (the chains interleaved).
  for (int t0 = (int)last0, t1 = hasOdd ? (int)last1 : -1; t0 >= 0 || t1 >= 0;) {
    if (t0 >= 0) {
      Fq it;
      if (t0 >= 2) {
        mul(it, inv0, pref[t0 - 2]);
        mul(inv0, inv0, den[t0]);
      } else {
        it = inv0;
      }
      den[t0] = it;
      t0 -= 2;
    }
    if (t1 >= 0) {
      Fq it;
      if (t1 >= 2) {
        mul(it, inv1, pref[t1 - 2]);
        mul(inv1, inv1, den[t1]);
      } else {
        it = inv1;
      }
      den[t1] = it;
      t1 -= 2;
    }
  }
  // The additions, independent now, two at a time (a bucket appears at most once per batch).
  unsigned t = 0;
  for (; t + 1 < cnt; t += 2) {
    const uint32_t b0 = ws.qb[t], b1 = ws.qb[t + 1];
    if (__builtin_expect((ws.kind[t] | ws.kind[t + 1]) != 0, 0)) {
      applyAddition(ws, t, den[t]);
      applyAddition(ws, t + 1, den[t + 1]);
      continue;
    }
    Affine& A0 = ws.buckets[b0];
    Affine& A1 = ws.buckets[b1];
    const Affine& P0 = ws.qpt[t];
    const Affine& P1 = ws.qpt[t + 1];
    Fq n0, n1, l0, l1, x0, x1, y0, y1;
    sub(n0, P0.y, A0.y);
    sub(n1, P1.y, A1.y);
    mul(l0, n0, den[t]);
    mul(l1, n1, den[t + 1]);
    sqr(x0, l0);
    sqr(x1, l1);
    sub(x0, x0, A0.x);
    sub(x1, x1, A1.x);
    sub(x0, x0, P0.x);
    sub(x1, x1, P1.x);
    sub(n0, A0.x, x0);
    sub(n1, A1.x, x1);
    mul(y0, l0, n0);
    mul(y1, l1, n1);
    sub(y0, y0, A0.y);
    sub(y1, y1, A1.y);
    A0.x = x0;
    A0.y = y0;
    A1.x = x1;
    A1.y = y1;
  }
  if (t < cnt) applyAddition(ws, t, den[t]);
}

// Σ s_j·P_j for one class of entries (all of one limb width).
Xyzz runEntries(const Bases& B, const Entries& E, unsigned threads) {
  Xyzz res;
  setInf(res);
  const size_t n = E.size();
  if (n == 0) return res;
  unsigned bits = 0;
  for (size_t j = 0; j < n; j++) bits = std::max(bits, bitLen(&E.mag[j * E.limbs], E.limbs));
  if (bits == 0) return res;
  // Batch-affine accumulation is opt-in (NOVANET_MSM_BATCH = batch size): on the 2-core reference
  // machine it measured no faster than mixed XYZZ additions (docs/msm.md).
  const int forcedBatch = envInt("NOVANET_MSM_BATCH", 0, 4096, 0);
  const unsigned c = chooseWindow(n, bits, forcedBatch > 0);
  const unsigned W = (bits + 1 + c - 1) / c;  // one spare bit for the signed-digit carry
  const int half = 1 << (c - 1);
  const uint64_t mask = (1ULL << c) - 1;
  const unsigned L = E.limbs;

  // Signed digits, window-major: digits[w·n + j] ∈ [−2^(c−1), 2^(c−1)], the entry's sign folded in.
  std::vector<int16_t> digits((size_t)W * n);
  {
    auto fill = [&](size_t lo, size_t hi) {
      for (size_t j = lo; j < hi; j++) {
        uint64_t limb[5] = {0, 0, 0, 0, 0};
        std::memcpy(limb, &E.mag[j * L], 8 * L);
        const int sg = E.neg[j] ? -1 : 1;
        int carry = 0;
        for (unsigned w = 0; w < W; w++) {
          unsigned bit = w * c;
          unsigned li = bit >> 6, sh = bit & 63;
          uint64_t v = li < 5 ? limb[li] >> sh : 0;
          if (sh && li + 1 < 5) v |= limb[li + 1] << (64 - sh);
          int d = (int)(v & mask) + carry;
          if (d > half) {
            d -= (1 << c);
            carry = 1;
          } else {
            carry = 0;
          }
          digits[(size_t)w * n + j] = (int16_t)(sg * d);
        }
      }
    };
    unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(n / 4096 + 1)));
    std::vector<std::thread> ts;
    for (unsigned t = 1; t < T; t++) ts.emplace_back(fill, n * t / T, n * (t + 1) / T);
    fill(0, n / T);
    for (auto& th : ts) th.join();
  }

  // Tasks: (window, entry range). Windows alone if there are enough of them to keep every thread busy.
  const unsigned T = std::max(1u, threads);
  unsigned splits = 1;
  if (W < 2 * T) splits = std::max(1u, std::min<unsigned>(T * 2 / W + 1, (unsigned)(n / 1024 + 1)));
  const unsigned nTasks = W * splits;
  std::vector<Xyzz> partial(nTasks);
  std::atomic<unsigned> next(0);
  const Affine* pts = B.pts.data();
  const uint32_t* idx = E.idx.data();
  const bool useBatch = forcedBatch > 0 && half >= 512;
  const unsigned batch = std::max(2u, std::min((unsigned)forcedBatch, (unsigned)half / 4));

  auto worker = [&]() {
    BatchWorkspace ws;
    std::vector<Xyzz> xb;
    for (;;) {
      unsigned task = next.fetch_add(1);
      if (task >= nTasks) break;
      unsigned w = task / splits, s = task % splits;
      size_t lo = n * s / splits, hi = n * (s + 1) / splits;
      const int16_t* dg = &digits[(size_t)w * n];
      Xyzz run, acc;
      setInf(run);
      setInf(acc);
      if (useBatch) {
        ws.init((unsigned)half, batch);
        uint32_t epoch = 1;
        unsigned cnt = 0;
        for (size_t j = lo; j < hi; j++) {
          int d = dg[j];
          if (d == 0) continue;
          if (j + 16 < hi) {
            int dn = dg[j + 16];
            __builtin_prefetch(&ws.buckets[dn < 0 ? -dn : dn], 1);
            __builtin_prefetch(&pts[idx[j + 16]]);
          }
          const uint32_t b = (uint32_t)(d < 0 ? -d : d);
          const Affine* p = &pts[idx[j]];
          if (!ws.filled[b]) {
            ws.buckets[b].x = p->x;
            condNeg(ws.buckets[b].y, p->y, d < 0 ? ~0ULL : 0);
            ws.filled[b] = 1;
          } else if (ws.stamp[b] == epoch) {
            Xyzz& sb = ws.side[b];
            if (!ws.sideUsed[b]) {
              setInf(sb);
              ws.sideUsed[b] = 1;
            }
            Fq y;
            condNeg(y, p->y, d < 0 ? ~0ULL : 0);
            addAffine(sb, p->x, y);
          } else {
            ws.stamp[b] = epoch;
            ws.qb[cnt] = b;
            ws.qpt[cnt].x = p->x;
            condNeg(ws.qpt[cnt].y, p->y, d < 0 ? ~0ULL : 0);
            if (++cnt == batch) {
              flushBatch(ws, cnt);
              cnt = 0;
              epoch++;
            }
          }
        }
        flushBatch(ws, cnt);
        // Σ k·bucket[k] by running sums (affine and side buckets).
        for (int k = half; k >= 1; k--) {
          if (ws.filled[k]) addAffine(run, ws.buckets[k].x, ws.buckets[k].y);
          if (ws.sideUsed[k]) addXyzz(run, ws.side[k]);
          addXyzz(acc, run);
        }
      } else {
        xb.resize(half + 1);
        for (auto& b : xb) setInf(b);
        for (size_t j = lo; j < hi; j++) {
          int d = dg[j];
          if (d == 0) continue;
          if (j + 8 < hi) {
            int dn = dg[j + 8];
            const char* bp = reinterpret_cast<const char*>(&xb[dn < 0 ? -dn : dn]);
            __builtin_prefetch(bp, 1);
            __builtin_prefetch(bp + 64, 1);
          }
          const Affine* p = &pts[idx[j]];
          if (d > 0) {
            addAffine(xb[d], p->x, p->y);
          } else {
            Fq ny;
            neg(ny, p->y);
            addAffine(xb[-d], p->x, ny);
          }
        }
        for (int k = half; k >= 1; k--) {
          addXyzz(run, xb[k]);
          addXyzz(acc, run);
        }
      }
      partial[task] = acc;
    }
  };
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(worker);
  worker();
  for (auto& th : ts) th.join();

  // Horner over windows, from the top.
  for (int w = (int)W - 1; w >= 0; w--) {
    for (unsigned k = 0; k < c; k++) dbl(res);
    for (unsigned s = 0; s < splits; s++) addXyzz(res, partial[(size_t)w * splits + s]);
  }
  return res;
}

// Σ of the points with scalar 1, over `threads` contiguous ranges (mixed XYZZ additions).
Xyzz sumPoints(const Bases& B, const std::vector<uint32_t>& idx, unsigned threads) {
  const size_t n = idx.size();
  unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(n / 2048 + 1)));
  std::vector<Xyzz> part(T);
  auto f = [&](unsigned t) {
    Xyzz acc;
    setInf(acc);
    for (size_t j = n * t / T; j < n * (t + 1) / T; j++) {
      const Affine& p = B.pts[idx[j]];
      addAffine(acc, p.x, p.y);
    }
    part[t] = acc;
  };
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(f, t);
  f(0);
  for (auto& th : ts) th.join();
  Xyzz res = part[0];
  for (unsigned t = 1; t < T; t++) addXyzz(res, part[t]);
  return res;
}

// ---------------------------------------------------------------- precomputed multiples ----
// Window width of a table over n fixed input points (2n GLV entries of ≤ 128 bits): minimises the
// per-thread time ⌈128/c⌉·2n·10/T (mixed additions) + 28·2^(c−1) (each thread's bucket reduction).
unsigned chooseTableWindow(size_t n, unsigned threads) {
  const double T = std::max(1u, threads);
  unsigned best = 2;
  double bestCost = 1e300;
  for (unsigned c = 2; c <= 16; c++) {
    const double cost = (double)((128 + c - 1) / c) * 2.0 * (double)n * 10.0 / T + 28.0 * (double)(1u << (c - 1));
    if (cost < bestCost) bestCost = cost, best = c;
  }
  return best;
}

// Builds B's table (see Bases). Each input point is doubled tc·(tw−1) times in XYZZ; a chunk's
// multiples become affine with one inversion (x = X·(ZZ/ZZZ)², y = Y/ZZZ, since ZZ³ = ZZZ²); the φ
// rows are (β·x, y) of those, since φ commutes with scalar multiplication.
void buildTable(Bases& B, unsigned threads) {
  if (!B.tableAllowed || B.stride != 2 || B.n == 0) return;
  const size_t capMb = B.tableCapMb;
  if (capMb == 0) return;
  const unsigned c = B.tableWindow ? B.tableWindow : chooseTableWindow(B.n, threads);
  const unsigned tw = (129 + c - 1) / c;
  const size_t perPoint = (size_t)2 * tw * sizeof(Affine);
  const size_t K = std::min(B.n, (capMb << 20) / perPoint);
  if (K == 0) return;
  std::vector<Affine> tbl(K * 2 * tw);
  auto fill = [&](size_t lo, size_t hi) {
    constexpr size_t CH = 128;
    std::vector<Xyzz> tmp(CH * tw);
    std::vector<Fq> pre(CH * tw);
    for (size_t s = lo; s < hi; s += CH) {
      const size_t m = std::min(CH, hi - s);
      for (size_t i = 0; i < m; i++) {
        const Affine& p = B.pts[2 * (s + i)];
        Xyzz* row = &tmp[i * tw];
        if (isInfAffine(p)) {
          for (unsigned w = 0; w < tw; w++) setInf(row[w]);
          continue;
        }
        Xyzz acc;
        acc.X = p.x, acc.Y = p.y, acc.ZZ = ONE, acc.ZZZ = ONE;
        row[0] = acc;
        for (unsigned w = 1; w < tw; w++) {
          for (unsigned k = 0; k < c; k++) dbl(acc);
          row[w] = acc;
        }
      }
      // One inversion for the chunk: prefix products of ZZZ (the identity contributes 1).
      const size_t cnt = m * tw;
      Fq run = ONE;
      for (size_t e = 0; e < cnt; e++) {
        pre[e] = run;
        if (!isInf(tmp[e])) mul(run, run, tmp[e].ZZZ);
      }
      Fq inv = inverse(run);
      for (size_t e = cnt; e-- > 0;) {
        const size_t i = e / tw, w = e % tw;
        Affine& a = tbl[(2 * (s + i)) * tw + w];
        Affine& b = tbl[(2 * (s + i) + 1) * tw + w];
        if (isInf(tmp[e])) {
          a.x = ZERO, a.y = ZERO, b = a;
          continue;
        }
        Fq iz3, t;
        mul(iz3, inv, pre[e]);           // 1/ZZZ
        mul(inv, inv, tmp[e].ZZZ);
        mul(t, tmp[e].ZZ, iz3);          // ZZ/ZZZ
        sqr(t, t);                       // 1/ZZ
        mul(a.x, tmp[e].X, t);
        mul(a.y, tmp[e].Y, iz3);
        mul(b.x, a.x, BETA);
        b.y = a.y;
      }
    }
  };
  const unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(K / 256 + 1)));
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(fill, K * t / T, K * (t + 1) / T);
  fill(0, K / T);
  for (auto& th : ts) th.join();
  B.tbl.swap(tbl);
  B.tc = c, B.tw = tw, B.tblPts = K;
  B.tableReady.store(true, std::memory_order_release);
}

// Signed c-bit digits of a magnitude of `limbs` limbs over `W` windows, the sign folded in.
inline void signedDigits(const uint64_t* mag, unsigned limbs, bool negative, unsigned c, unsigned W, int* out) {
  uint64_t limb[5] = {0, 0, 0, 0, 0};
  std::memcpy(limb, mag, 8 * limbs);
  const int half = 1 << (c - 1);
  const uint64_t mask = (1ULL << c) - 1;
  const int sg = negative ? -1 : 1;
  int carry = 0;
  for (unsigned w = 0; w < W; w++) {
    const unsigned bit = w * c, li = bit >> 6, sh = bit & 63;
    uint64_t v = li < 5 ? limb[li] >> sh : 0;
    if (sh && li + 1 < 5) v |= limb[li + 1] << (64 - sh);
    int d = (int)(v & mask) + carry;
    if (d > half) {
      d -= (1 << c);
      carry = 1;
    } else {
      carry = 0;
    }
    out[w] = sg * d;
  }
}

// Σ over the entries of `cls` (indices < 2·B.tblPts) through the table: each nonzero digit of window w
// adds ±tbl[idx·tw + w] into one shared bucket set; threads split the entries, each with its own buckets.
Xyzz runTable(const Bases& B, const Entries* const* cls, int ncls, unsigned threads) {
  Xyzz res;
  setInf(res);
  const unsigned c = B.tc, tw = B.tw;
  const int half = 1 << (c - 1);
  size_t N = 0;
  std::vector<size_t> start(ncls + 1, 0);
  std::vector<unsigned> wins(ncls, 0);
  for (int k = 0; k < ncls; k++) {
    unsigned bits = 0;
    const Entries& E = *cls[k];
    for (size_t j = 0; j < E.size(); j++) bits = std::max(bits, bitLen(&E.mag[j * E.limbs], E.limbs));
    wins[k] = bits ? std::min(tw, (bits + 1 + c - 1) / c) : 0;
    start[k] = N;
    N += wins[k] ? E.size() : 0;
    start[k + 1] = N;
  }
  if (N == 0) return res;
  const unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(N / 256 + 1)));
  std::vector<Xyzz> partial(T);
  const Affine* tbl = B.tbl.data();
  auto worker = [&](unsigned t) {
    std::vector<Xyzz> xb(half + 1);
    for (auto& b : xb) setInf(b);
    const size_t lo = N * t / T, hi = N * (t + 1) / T;
    int k = 0;
    while (start[k + 1] <= lo) k++;
    int dg[2][72];  // tw ≤ ⌈129/2⌉ = 65
    const Affine* rows[2] = {nullptr, nullptr};
    unsigned nw[2] = {0, 0};
    // Digits of global entry e into slot s (prefetching its buckets and table row).
    auto load = [&](size_t e, int s) {
      while (start[k + 1] <= e) k++;
      const Entries& E = *cls[k];
      const size_t j = e - start[k];
      nw[s] = wins[k];
      signedDigits(&E.mag[j * E.limbs], E.limbs, E.neg[j] != 0, c, nw[s], dg[s]);
      rows[s] = tbl + (size_t)E.idx[j] * tw;
      for (unsigned w = 0; w < nw[s]; w++) {
        const int d = dg[s][w];
        if (d) {
          const char* bp = reinterpret_cast<const char*>(&xb[d < 0 ? -d : d]);
          __builtin_prefetch(bp, 1);
          __builtin_prefetch(bp + 64, 1);
          __builtin_prefetch(rows[s] + w);
        }
      }
    };
    if (lo < hi) load(lo, 0);
    for (size_t e = lo; e < hi; e++) {
      const int cur = (int)((e - lo) & 1);
      if (e + 1 < hi) load(e + 1, cur ^ 1);
      const Affine* row = rows[cur];
      for (unsigned w = 0; w < nw[cur]; w++) {
        const int d = dg[cur][w];
        if (d == 0) continue;
        const Affine& p = row[w];
        if (d > 0) {
          addAffine(xb[d], p.x, p.y);
        } else {
          Fq ny;
          neg(ny, p.y);
          addAffine(xb[-d], p.x, ny);
        }
      }
    }
    Xyzz run, acc;
    setInf(run);
    setInf(acc);
    for (int b = half; b >= 1; b--) {
      addXyzz(run, xb[b]);
      addXyzz(acc, run);
    }
    partial[t] = acc;
  };
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(worker, t);
  worker(0);
  for (auto& th : ts) th.join();
  for (unsigned t = 0; t < T; t++) addXyzz(res, partial[t]);
  return res;
}

// Whether the table path is expected to beat the windowed one for these entries (NOVANET_MSM_TABLE:
// 0 never, 1 always when a table exists; unset: this estimate, in multiplications per thread).
bool tableWorthIt(const Bases& B, size_t nSmall, size_t nBig, unsigned threads) {
  if (!B.tableReady.load(std::memory_order_acquire) || B.tbl.empty()) return false;
  const int mode = envInt("NOVANET_MSM_TABLE", 0, 1, -1);
  if (mode >= 0) return mode == 1;
  const double T = std::max(1u, threads);
  auto windowed = [&](size_t n, unsigned bits) {
    if (n == 0) return 0.0;
    const unsigned c = chooseWindow(n, bits, false);
    const double W = (bits + 1 + c - 1) / c;
    return W * ((double)n * 10.0 + 28.0 * (double)(1u << (c - 1))) / T;
  };
  const unsigned c = B.tc;
  const double table = ((double)nBig * ((129 + c - 1) / c) + (double)nSmall * ((65 + c - 1) / c)) * 10.0 / T +
                       28.0 * (double)(1u << (c - 1));
  return table < windowed(nSmall, 64) + windowed(nBig, 128);
}

// Moves the entries whose point index is ≥ limit from `from` into `rest` (stable; no copy when none is).
void splitEntries(Entries& from, Entries& rest, uint32_t limit) {
  rest.limbs = from.limbs;
  size_t keep = 0;
  bool any = false;
  for (size_t j = 0; j < from.size() && !any; j++) any = from.idx[j] >= limit;
  if (!any) return;
  const unsigned L = from.limbs;
  for (size_t j = 0; j < from.size(); j++) {
    if (from.idx[j] >= limit) {
      rest.idx.push_back(from.idx[j]);
      for (unsigned l = 0; l < L; l++) rest.mag.push_back(from.mag[j * L + l]);
      rest.neg.push_back(from.neg[j]);
    } else {
      from.idx[keep] = from.idx[j];
      for (unsigned l = 0; l < L; l++) from.mag[keep * L + l] = from.mag[j * L + l];
      from.neg[keep] = from.neg[j];
      keep++;
    }
  }
  from.idx.resize(keep), from.mag.resize(keep * L), from.neg.resize(keep);
}

// Reduces a 4-limb integer modulo r (an integer < 2^256 is < 6r).
inline void reduceOrder(uint64_t k[4]) {
  for (;;) {
    bool ge = true;
    for (int i = 3; i >= 0; i--) {
      if (k[i] != R_ORDER[i]) {
        ge = k[i] > R_ORDER[i];
        break;
      }
    }
    if (!ge) return;
    unsigned long long r0, r1, r2, r3;
    unsigned char bw = _subborrow_u64(0, k[0], R_ORDER[0], &r0);
    bw = _subborrow_u64(bw, k[1], R_ORDER[1], &r1);
    bw = _subborrow_u64(bw, k[2], R_ORDER[2], &r2);
    _subborrow_u64(bw, k[3], R_ORDER[3], &r3);
    k[0] = r0, k[1] = r1, k[2] = r2, k[3] = r3;
  }
}

// Σ scalars_i·P_i over the first n bases. Scalars are partitioned by bit length: 0 is skipped, 1 is
// one addition, up to 64 bits a Pippenger over 64-bit digits, wider ones (reduced mod r) are split by
// GLV into two 128-bit halves (when the bases carry φ(P), i.e. stride 2; else used whole).
void msmOver(const Bases& B, size_t n, const uint8_t* scalars, unsigned scalarBytes, unsigned threads,
             uint8_t out[64]) {
  std::memset(out, 0, 64);
  // Two parallel passes over contiguous ranges: class each scalar (0 skip, 1 one, 2 ≤ 64 bits, 3 wider)
  // and count per range; then fill each class's entries at the range's offset (GLV splits included).
  std::vector<uint8_t> cls(n);
  const unsigned T = std::max(1u, std::min<unsigned>(threads, (unsigned)(n / 4096 + 1)));
  std::vector<size_t> cnt((size_t)T * 4, 0);
  auto load = [&](size_t i, uint64_t k[4]) {
    k[0] = k[1] = k[2] = k[3] = 0;
    std::memcpy(k, scalars + i * scalarBytes, scalarBytes);
  };
  auto classify = [&](unsigned t) {
    size_t* c = &cnt[(size_t)t * 4];
    for (size_t i = n * t / T; i < n * (t + 1) / T; i++) {
      uint64_t k[4];
      load(i, k);
      uint8_t cl;
      if ((k[0] | k[1] | k[2] | k[3]) == 0 || isInfAffine(B.pts[i * B.stride]))
        cl = 0;
      else if ((k[1] | k[2] | k[3]) == 0)
        cl = k[0] == 1 ? 1 : 2;
      else
        cl = 3;
      cls[i] = cl;
      c[cl]++;
    }
  };
  auto parallel = [&](auto f) {
    std::vector<std::thread> ts;
    for (unsigned t = 1; t < T; t++) ts.emplace_back(f, t);
    f(0u);
    for (auto& th : ts) th.join();
  };
  parallel(classify);
  // Offsets per (range, class); big entries are two per scalar with GLV.
  const unsigned per3 = B.stride == 2 ? 2 : 1;
  std::vector<size_t> off((size_t)T * 4, 0);
  size_t tot[4] = {0, 0, 0, 0};
  for (unsigned t = 0; t < T; t++)
    for (int cl = 1; cl < 4; cl++) {
      off[(size_t)t * 4 + cl] = tot[cl];
      tot[cl] += cnt[(size_t)t * 4 + cl] * (cl == 3 ? per3 : 1);
    }
  std::vector<uint32_t> ones(tot[1]);
  Entries small, big;
  small.limbs = 1;
  big.limbs = B.stride == 2 ? 2 : 4;
  small.idx.resize(tot[2]), small.mag.resize(tot[2]), small.neg.assign(tot[2], 0);
  big.idx.resize(tot[3]), big.mag.resize(tot[3] * big.limbs), big.neg.assign(tot[3], 0);
  auto fill = [&](unsigned t) {
    size_t o1 = off[(size_t)t * 4 + 1], o2 = off[(size_t)t * 4 + 2], o3 = off[(size_t)t * 4 + 3];
    for (size_t i = n * t / T; i < n * (t + 1) / T; i++) {
      const uint8_t cl = cls[i];
      if (cl == 0) continue;
      uint64_t k[4];
      load(i, k);
      if (cl == 1) {
        ones[o1++] = (uint32_t)(i * B.stride);
      } else if (cl == 2) {
        small.idx[o2] = (uint32_t)(i * B.stride);
        small.mag[o2++] = k[0];
      } else {
        if (scalarBytes == 32) reduceOrder(k);
        if (B.stride == 2) {
          uint64_t m1[2], m2[2];
          bool n1, n2;
          glvSplit(k, m1, n1, m2, n2);
          big.idx[o3] = (uint32_t)(2 * i);
          big.mag[2 * o3] = m1[0], big.mag[2 * o3 + 1] = m1[1];
          big.neg[o3++] = n1;
          big.idx[o3] = (uint32_t)(2 * i + 1);
          big.mag[2 * o3] = m2[0], big.mag[2 * o3 + 1] = m2[1];
          big.neg[o3++] = n2;
        } else {
          big.idx[o3] = (uint32_t)i;
          for (int l = 0; l < 4; l++) big.mag[4 * o3 + l] = k[l];
          o3++;
        }
      }
    }
  };
  parallel(fill);
  Xyzz res = sumPoints(B, ones, threads);
  if (tableWorthIt(B, small.size(), big.size(), threads)) {
    Entries smallRest, bigRest;
    const uint32_t limit = (uint32_t)(2 * B.tblPts);
    splitEntries(small, smallRest, limit);
    splitEntries(big, bigRest, limit);
    const Entries* cls[2] = {&small, &big};
    addXyzz(res, runTable(B, cls, 2, threads));
    addXyzz(res, runEntries(B, smallRest, threads));
    addXyzz(res, runEntries(B, bigRest, threads));
  } else {
    addXyzz(res, runEntries(B, small, threads));
    addXyzz(res, runEntries(B, big, threads));
  }
  if (isInf(res)) return;
  Fq zzInv = inverse(res.ZZ), zzzInv = inverse(res.ZZZ);
  Fq x, y;
  mul(x, res.X, zzInv);
  mul(y, res.Y, zzzInv);
  x = fromMont(x);
  y = fromMont(y);
  std::memcpy(out, x.v, 32);
  std::memcpy(out + 32, y.v, 32);
}

struct Job {
  std::vector<uint8_t> points;   // n × 64 (plain API), empty with prepared bases
  std::vector<uint8_t> scalars;  // n × scalarBytes
  std::shared_ptr<Bases> bases;  // prepared bases (msmBases), else null
  size_t n = 0;
  unsigned scalarBytes = 32;
  unsigned threads = 1;
  uint8_t out[64] = {0};
};

void runMsm(Job& j) {
  std::memset(j.out, 0, 64);
  if (j.n == 0) return;
  if (j.bases) {
    Bases& B = *j.bases;
    if (B.tableAllowed && B.uses.fetch_add(1) >= B.tableAfter)
      std::call_once(B.tableOnce, [&]() { buildTable(B, j.threads); });
    msmOver(*j.bases, j.n, j.scalars.data(), j.scalarBytes, j.threads, j.out);
    return;
  }
  // GLV pays only for scalars wider than 64 bits.
  unsigned stride = 1;
  if (j.scalarBytes > 8) {
    for (size_t i = 0; i < j.n && stride == 1; i++) {
      const uint8_t* s = &j.scalars[i * j.scalarBytes];
      for (unsigned b = 8; b < j.scalarBytes; b++)
        if (s[b]) {
          stride = 2;
          break;
        }
    }
  }
  Bases B;
  prepareBases(B, j.points.data(), j.n, stride, j.threads);
  std::vector<uint8_t>().swap(j.points);
  msmOver(B, j.n, j.scalars.data(), j.scalarBytes, j.threads, j.out);
}

// ---------------------------------------------------------------- Node-API glue ----
struct AsyncCtx {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  Job job;
};

#define NAPI_CALL(env, call)                                  \
  do {                                                        \
    if ((call) != napi_ok) {                                  \
      napi_throw_error((env), "ERR_NOVANET_MSM", "N-API call failed: " #call); \
      return nullptr;                                         \
    }                                                         \
  } while (0)

unsigned defaultThreads() { return novanet::envThreads(); }

// Reads a Uint8Array argument; false (with a pending TypeError) if it is not one.
bool bytesArg(napi_env env, napi_value v, const char* name, const uint8_t** data, size_t* len) {
  void* p;
  if (!novanet::typedArrayArg(env, v, napi_uint8_array, "ERR_NOVANET_MSM_INPUT", name, &p, len)) return false;
  *data = static_cast<const uint8_t*>(p);
  return true;
}

// An optional thread-count argument (undefined: the default); false with a pending RangeError if bad.
bool threadsArg(napi_env env, napi_value v, unsigned& threads) {
  threads = defaultThreads();
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number) return true;
  int32_t th = 0;
  napi_get_value_int32(env, v, &th);
  if (th < 1 || th > 256) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT", "threads must be in 1..256");
    return false;
  }
  threads = (unsigned)th;
  return true;
}

// Parses (points, scalars, scalarBytes[, threads]) into a Job; false with a pending exception on bad input.
bool parseJob(napi_env env, napi_callback_info info, Job& job) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", "msm(points, scalars, scalarBytes[, threads])");
    return false;
  }
  const uint8_t *pts, *scs;
  size_t pl, sl;
  if (!bytesArg(env, argv[0], "points", &pts, &pl)) return false;
  if (!bytesArg(env, argv[1], "scalars", &scs, &sl)) return false;
  int32_t sb = 0;
  if (napi_get_value_int32(env, argv[2], &sb) != napi_ok || sb < 1 || sb > 32) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT", "scalarBytes must be an integer in 1..32");
    return false;
  }
  unsigned threads = defaultThreads();
  if (argc >= 4 && !threadsArg(env, argv[3], threads)) return false;
  if (pl % 64 != 0 || sl % (size_t)sb != 0 || pl / 64 != sl / (size_t)sb) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT",
                           ("points and scalars do not match: " + std::to_string(pl) + " point bytes, " +
                            std::to_string(sl) + " scalar bytes of " + std::to_string(sb))
                               .c_str());
    return false;
  }
  job.n = pl / 64;
  job.scalarBytes = (unsigned)sb;
  job.threads = threads;
  job.points.assign(pts, pts + pl);
  job.scalars.assign(scs, scs + sl);
  return true;
}

// The prepared bases behind an external value.
struct BasesBox {
  std::shared_ptr<Bases> bases;
  int64_t bytes = 0;
};

void finalizeBases(napi_env env, void* data, void*) {
  BasesBox* box = static_cast<BasesBox*>(data);
  int64_t adjusted;
  napi_adjust_external_memory(env, -box->bytes, &adjusted);
  delete box;
}

// First index whose 32-byte little-endian scalar is ≥ r, or -1.
long firstNonCanonicalScalar(const uint8_t* s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t k[4];
    std::memcpy(k, s + 32 * i, 32);
    for (int l = 3; l >= 0; l--) {
      if (k[l] != R_ORDER[l]) {
        if (k[l] > R_ORDER[l]) return (long)i;
        break;
      }
      if (l == 0) return (long)i;  // equal to r
    }
  }
  return -1;
}

// Parses (bases, scalars[, threads]) into a Job over prepared bases.
bool parseBasesJob(napi_env env, napi_callback_info info, Job& job) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", "msmBases(bases, scalars[, threads])");
    return false;
  }
  napi_valuetype t;
  void* data = nullptr;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", "bases must be a handle from createBases");
    return false;
  }
  const BasesBox* box = static_cast<const BasesBox*>(data);
  const uint8_t* scs;
  size_t sl;
  if (!bytesArg(env, argv[1], "scalars", &scs, &sl)) return false;
  if (sl % 32 != 0 || sl / 32 > box->bases->n) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT",
                           ("scalars must be 32 bytes each and at most one per base: " + std::to_string(sl) +
                            " bytes, " + std::to_string(box->bases->n) + " bases")
                               .c_str());
    return false;
  }
  long bad = firstNonCanonicalScalar(scs, sl / 32);
  if (bad >= 0) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_NONCANONICAL",
                           ("scalar index " + std::to_string(bad) + " is not a canonical element of F_r").c_str());
    return false;
  }
  unsigned threads = defaultThreads();
  if (argc >= 3 && !threadsArg(env, argv[2], threads)) return false;
  job.bases = box->bases;
  job.n = sl / 32;
  job.scalarBytes = 32;
  job.threads = threads;
  job.scalars.assign(scs, scs + sl);
  return true;
}

void execute(napi_env, void* data) { runMsm(static_cast<AsyncCtx*>(data)->job); }

void complete(napi_env env, napi_status status, void* data) {
  AsyncCtx* ctx = static_cast<AsyncCtx*>(data);
  napi_value result;
  if (status == napi_ok) {
    void* buf;
    napi_value ab;
    napi_create_arraybuffer(env, 64, &buf, &ab);
    std::memcpy(buf, ctx->job.out, 64);
    napi_create_typedarray(env, napi_uint8_array, 64, ab, 0, &result);
    napi_resolve_deferred(env, ctx->deferred, result);
  } else {
    napi_value msg;
    napi_create_string_utf8(env, "native MSM was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, nullptr, msg, &result);
    napi_reject_deferred(env, ctx->deferred, result);
  }
  napi_delete_async_work(env, ctx->work);
  delete ctx;
}

napi_value queueJob(napi_env env, AsyncCtx* ctx) {
  napi_value promise, name;
  NAPI_CALL(env, napi_create_promise(env, &ctx->deferred, &promise));
  NAPI_CALL(env, napi_create_string_utf8(env, "novanet-msm", NAPI_AUTO_LENGTH, &name));
  NAPI_CALL(env, napi_create_async_work(env, nullptr, name, execute, complete, ctx, &ctx->work));
  NAPI_CALL(env, napi_queue_async_work(env, ctx->work));
  return promise;
}

napi_value resultBytes(napi_env env, const uint8_t out[64]) {
  void* buf;
  napi_value ab, result;
  NAPI_CALL(env, napi_create_arraybuffer(env, 64, &buf, &ab));
  std::memcpy(buf, out, 64);
  NAPI_CALL(env, napi_create_typedarray(env, napi_uint8_array, 64, ab, 0, &result));
  return result;
}

// msm(points, scalars, scalarBytes[, threads]) → Promise<Uint8Array(64)>, computed off the JS thread.
napi_value MsmAsync(napi_env env, napi_callback_info info) {
  AsyncCtx* ctx = new AsyncCtx();
  if (!parseJob(env, info, ctx->job)) {
    delete ctx;
    return nullptr;
  }
  return queueJob(env, ctx);
}

// msmSync(points, scalars, scalarBytes[, threads]) → Uint8Array(64), on the calling thread.
napi_value MsmSync(napi_env env, napi_callback_info info) {
  Job job;
  if (!parseJob(env, info, job)) return nullptr;
  runMsm(job);
  return resultBytes(env, job.out);
}

// createBases(points[, threads]) → an external handle: the points (64-byte affine LEM each) with
// φ(P_i) beside each, prepared once for msmBases (fixed bases such as the SRS).
napi_value CreateBases(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", "createBases(points[, threads])");
    return nullptr;
  }
  const uint8_t* pts;
  size_t pl;
  if (!bytesArg(env, argv[0], "points", &pts, &pl)) return nullptr;
  if (pl % 64 != 0 || pl / 64 > 0xffffffffULL / 2) {
    napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT", ("points has " + std::to_string(pl) + " bytes, not 64 per point").c_str());
    return nullptr;
  }
  unsigned threads = defaultThreads();
  if (argc >= 2 && !threadsArg(env, argv[1], threads)) return nullptr;
  BasesBox* box = new BasesBox();
  box->bases = std::make_shared<Bases>();
  prepareBases(*box->bases, pts, pl / 64, 2, threads);
  box->bases->tableAllowed = true;
  box->bases->tableAfter = (unsigned)envInt("NOVANET_MSM_TABLE_AFTER", 0, 1 << 30, 64);
  box->bases->tableCapMb = (unsigned)envInt("NOVANET_MSM_TABLE_MB", 0, 1 << 20, 384);
  box->bases->tableWindow = (unsigned)envInt("NOVANET_MSM_TABLE_WINDOW", 2, 16, 0);
  box->bytes = (int64_t)(box->bases->pts.size() * sizeof(Affine));
  napi_value ext;
  if (napi_create_external(env, box, finalizeBases, nullptr, &ext) != napi_ok) {
    delete box;
    napi_throw_error(env, "ERR_NOVANET_MSM", "cannot create the bases handle");
    return nullptr;
  }
  int64_t adjusted;
  napi_adjust_external_memory(env, box->bytes, &adjusted);
  return ext;
}

// msmBases(bases, scalars[, threads]) → Promise<Uint8Array(64)>: Σ scalars_i·bases_i over the first
// len(scalars)/32 bases; scalars are canonical 32-byte elements of F_r (RangeError
// ERR_NOVANET_MSM_NONCANONICAL otherwise).
napi_value MsmBasesAsync(napi_env env, napi_callback_info info) {
  AsyncCtx* ctx = new AsyncCtx();
  if (!parseBasesJob(env, info, ctx->job)) {
    delete ctx;
    return nullptr;
  }
  return queueJob(env, ctx);
}

napi_value MsmBasesSync(napi_env env, napi_callback_info info) {
  Job job;
  if (!parseBasesJob(env, info, job)) return nullptr;
  runMsm(job);
  return resultBytes(env, job.out);
}

// basesInfo(bases) → { points, tablePoints, tableWindow, tableBytes }: what a handle holds (the table
// appears after the handle's first MSM; tablePoints 0 while there is none).
napi_value BasesInfo(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  napi_valuetype t;
  void* data = nullptr;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", "bases must be a handle from createBases");
    return nullptr;
  }
  const Bases& B = *static_cast<const BasesBox*>(data)->bases;
  napi_value obj, v;
  NAPI_CALL(env, napi_create_object(env, &obj));
  const bool ready = B.tableReady.load(std::memory_order_acquire);
  const double vals[4] = {(double)B.n, ready ? (double)B.tblPts : 0.0, ready ? (double)B.tc : 0.0,
                          ready ? (double)(B.tbl.size() * sizeof(Affine)) : 0.0};
  const char* names[4] = {"points", "tablePoints", "tableWindow", "tableBytes"};
  for (int i = 0; i < 4; i++) {
    NAPI_CALL(env, napi_create_double(env, vals[i], &v));
    NAPI_CALL(env, napi_set_named_property(env, obj, names[i], v));
  }
  return obj;
}

napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"msm", MsmAsync},
             {"msmSync", MsmSync},
             {"createBases", CreateBases},
             {"msmBases", MsmBasesAsync},
             {"msmBasesSync", MsmBasesSync},
             {"basesInfo", BasesInfo}};
  for (auto& f : fns) {
    napi_value v;
    NAPI_CALL(env, napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v));
    NAPI_CALL(env, napi_set_named_property(env, exports, f.name, v));
  }
  napi_value th;
  NAPI_CALL(env, napi_create_uint32(env, defaultThreads(), &th));
  NAPI_CALL(env, napi_set_named_property(env, exports, "threads", th));
  if (!novanetRegisterKernels(env, exports) || !novanetRegisterNtt(env, exports) ||
      !novanetRegisterFixedBase(env, exports)) {
    napi_throw_error(env, "ERR_NOVANET_MSM", "cannot register the field kernels");
    return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
