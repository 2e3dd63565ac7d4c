// NovaNet native BN254 G1 multi-scalar multiplication (Node-API addon).
//
// Input (same buffers as the ffjavascript backend, see prover/src/msm/backend.ts):
//   points  — n affine points, 64 bytes each: x then y, 32-byte little-endian Montgomery form
//             (R = 2^256 mod q); all-zero bytes are the point at infinity;
//   scalars — n little-endian integers of `scalarBytes` bytes each (1..32).
// Output: a Promise of 64 bytes, the affine sum (x, y) in canonical (non-Montgomery) little-endian form,
// all zeros for the identity.
//
// Method: Pippenger's bucket method with signed c-bit digits (2^(c-1) buckets per window), buckets in
// XYZZ coordinates filled with mixed (XYZZ + affine) additions, running-sum bucket reduction, windows
// combined by doubling. Field: 4×64-bit limbs, Montgomery multiplication (CIOS, the "no final carry"
// variant valid because q's top limb is < 2^62). Work is split into (window, point range) tasks over
// std::thread workers. Variable time: the work depends on the scalars.
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

bool novanetRegisterKernels(napi_env env, napi_value exports);  // kernels.cc
bool novanetRegisterNtt(napi_env env, napi_value exports);  // ntt.cc
bool novanetRegisterFixedBase(napi_env env, napi_value exports);  // fixedbase.cc

namespace {

typedef unsigned __int128 u128;

// ---------------------------------------------------------------- F_q (Montgomery, R = 2^256) ----
struct Fq {
  uint64_t v[4];
};

constexpr uint64_t Q[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                           0x30644e72e131a029ULL};
constexpr uint64_t QINV = 0x87d20782e4866389ULL;  // -q^{-1} mod 2^64
constexpr Fq ONE = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
constexpr Fq ZERO = {{0, 0, 0, 0}};

inline bool isZero(const Fq& a) { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
inline bool eq(const Fq& a, const Fq& b) {
  return ((a.v[0] ^ b.v[0]) | (a.v[1] ^ b.v[1]) | (a.v[2] ^ b.v[2]) | (a.v[3] ^ b.v[3])) == 0;
}

#define FQ_INLINE __attribute__((always_inline)) inline

// r = t - q if t >= q, else t (t < 2q < 2^256); branch-free (the branch would be unpredictable).
FQ_INLINE void reduceOnce(const uint64_t t[4], Fq& r) {
  unsigned long long s0, s1, s2, s3;
  unsigned char b = _subborrow_u64(0, t[0], Q[0], &s0);
  b = _subborrow_u64(b, t[1], Q[1], &s1);
  b = _subborrow_u64(b, t[2], Q[2], &s2);
  b = _subborrow_u64(b, t[3], Q[3], &s3);
  const uint64_t keep = 0 - (uint64_t)b;  // all ones: t < q, keep t
  r.v[0] = s0 ^ ((t[0] ^ s0) & keep);
  r.v[1] = s1 ^ ((t[1] ^ s1) & keep);
  r.v[2] = s2 ^ ((t[2] ^ s2) & keep);
  r.v[3] = s3 ^ ((t[3] ^ s3) & keep);
}

FQ_INLINE void add(Fq& r, const Fq& a, const Fq& b) {
  unsigned long long t0, t1, t2, t3;
  unsigned char c = _addcarry_u64(0, a.v[0], b.v[0], &t0);
  c = _addcarry_u64(c, a.v[1], b.v[1], &t1);
  c = _addcarry_u64(c, a.v[2], b.v[2], &t2);
  _addcarry_u64(c, a.v[3], b.v[3], &t3);  // no carry out: a + b < 2q < 2^255
  const uint64_t t[4] = {t0, t1, t2, t3};
  reduceOnce(t, r);
}

FQ_INLINE void sub(Fq& r, const Fq& a, const Fq& b) {
  unsigned long long t0, t1, t2, t3;
  unsigned char bw = _subborrow_u64(0, a.v[0], b.v[0], &t0);
  bw = _subborrow_u64(bw, a.v[1], b.v[1], &t1);
  bw = _subborrow_u64(bw, a.v[2], b.v[2], &t2);
  bw = _subborrow_u64(bw, a.v[3], b.v[3], &t3);
  const uint64_t m = 0 - (uint64_t)bw;  // add q back on borrow
  unsigned long long u0, u1, u2, u3;
  unsigned char c = _addcarry_u64(0, t0, Q[0] & m, &u0);
  c = _addcarry_u64(c, t1, Q[1] & m, &u1);
  c = _addcarry_u64(c, t2, Q[2] & m, &u2);
  _addcarry_u64(c, t3, Q[3] & m, &u3);
  r.v[0] = u0, r.v[1] = u1, r.v[2] = u2, r.v[3] = u3;
}

FQ_INLINE void neg(Fq& r, const Fq& a) {
  if (isZero(a)) {
    r = ZERO;
    return;
  }
  sub(r, ZERO, a);
}

// Montgomery product a·b·2^-256 mod q (inputs < q, output < q).
FQ_INLINE void mul(Fq& r, const Fq& a, const Fq& b) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (int i = 0; i < 4; i++) {
    const uint64_t bi = b.v[i];
    u128 A = (u128)a.v[0] * bi + t0;
    t0 = (uint64_t)A;
    const uint64_t m = t0 * QINV;
    u128 C = (u128)m * Q[0] + t0;
    // j = 1
    A = (u128)a.v[1] * bi + t1 + (uint64_t)(A >> 64);
    C = (u128)m * Q[1] + (uint64_t)A + (uint64_t)(C >> 64);
    t0 = (uint64_t)C;
    // j = 2
    A = (u128)a.v[2] * bi + t2 + (uint64_t)(A >> 64);
    C = (u128)m * Q[2] + (uint64_t)A + (uint64_t)(C >> 64);
    t1 = (uint64_t)C;
    // j = 3
    A = (u128)a.v[3] * bi + t3 + (uint64_t)(A >> 64);
    C = (u128)m * Q[3] + (uint64_t)A + (uint64_t)(C >> 64);
    t2 = (uint64_t)C;
    t3 = (uint64_t)(C >> 64) + (uint64_t)(A >> 64);
  }
  uint64_t t[4] = {t0, t1, t2, t3};
  reduceOnce(t, r);
}

FQ_INLINE void sqr(Fq& r, const Fq& a) { mul(r, a, a); }

// a^(q-2): the inverse of a nonzero element (used once per MSM, so plain square-and-multiply).
Fq inverse(const Fq& a) {
  uint64_t e[4] = {Q[0] - 2, Q[1], Q[2], Q[3]};
  Fq r = ONE;
  for (int i = 3; i >= 0; i--) {
    for (int b = 63; b >= 0; b--) {
      sqr(r, r);
      if ((e[i] >> b) & 1) mul(r, r, a);
    }
  }
  return r;
}

Fq fromMont(const Fq& a) {
  Fq one = {{1, 0, 0, 0}};
  Fq r;
  mul(r, a, one);
  return r;
}

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

// ---------------------------------------------------------------- Pippenger ----
struct Job {
  std::vector<uint8_t> points;   // n × 64
  std::vector<uint8_t> scalars;  // n × scalarBytes
  size_t n = 0;
  unsigned scalarBytes = 32;
  unsigned threads = 1;
  uint8_t out[64] = {0};
};

inline void loadFq(Fq& r, const uint8_t* p) { std::memcpy(r.v, p, 32); }

// Bit length of the largest scalar.
unsigned maxBits(const Job& j) {
  unsigned best = 0;
  for (size_t i = 0; i < j.n; i++) {
    const uint8_t* s = &j.scalars[i * j.scalarBytes];
    for (int b = (int)j.scalarBytes - 1; b >= 0; b--) {
      if (s[b]) {
        unsigned bits = 8 * (unsigned)b + (32 - __builtin_clz((unsigned)s[b]));
        if (bits > best) best = bits;
        break;
      }
    }
    if (best == 8 * j.scalarBytes) break;
  }
  return best;
}

// Window width minimising windows × (points + 2^c) (the second term: bucket reduction, two full
// additions per bucket, 2^(c-1) buckets), capped so that the buckets stay cache-friendly.
unsigned chooseWindow(size_t n, unsigned bits) {
  unsigned best = 1;
  double bestCost = 1e300;
  for (unsigned c = 1; c <= 16; c++) {
    unsigned w = (bits + 1 + c - 1) / c;
    double cost = (double)w * ((double)n + 2.6 * (double)(1u << (c - 1)));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

void runMsm(Job& j) {
  std::memset(j.out, 0, 64);
  if (j.n == 0) return;
  const unsigned bits = maxBits(j);
  if (bits == 0) return;
  const size_t n = j.n;
  const unsigned c = chooseWindow(n, bits);
  const unsigned W = (bits + 1 + c - 1) / c;  // one spare bit for the signed-digit carry
  const int half = 1 << (c - 1);
  const uint64_t mask = (1ULL << c) - 1;

  // Signed digits, window-major: digits[w * n + i] ∈ [-2^(c-1), 2^(c-1)].
  std::vector<int32_t> digits((size_t)W * n);
  {
    auto fill = [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; i++) {
        uint64_t limb[5] = {0, 0, 0, 0, 0};
        std::memcpy(limb, &j.scalars[i * j.scalarBytes], j.scalarBytes);
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
          digits[(size_t)w * n + i] = d;
        }
      }
    };
    unsigned T = std::max(1u, std::min<unsigned>(j.threads, (unsigned)(n / 4096 + 1)));
    std::vector<std::thread> ts;
    for (unsigned t = 1; t < T; t++) ts.emplace_back(fill, n * t / T, n * (t + 1) / T);
    fill(0, n / T);
    for (auto& th : ts) th.join();
  }

  // Tasks: (window, point range). Windows alone if there are enough of them to keep every thread busy.
  const unsigned T = std::max(1u, j.threads);
  unsigned splits = 1;
  if (W < 2 * T) splits = std::max(1u, std::min<unsigned>(T * 2 / W + 1, (unsigned)(n / 1024 + 1)));
  const unsigned nTasks = W * splits;
  std::vector<Xyzz> partial(nTasks);
  std::atomic<unsigned> next(0);
  const uint8_t* pts = j.points.data();

  auto worker = [&]() {
    std::vector<Xyzz> buckets(half + 1);  // 128 bytes each: two cache lines
    for (;;) {
      unsigned task = next.fetch_add(1);
      if (task >= nTasks) break;
      unsigned w = task / splits, s = task % splits;
      size_t lo = n * s / splits, hi = n * (s + 1) / splits;
      for (auto& b : buckets) setInf(b);
      const int32_t* dg = &digits[(size_t)w * n];
      for (size_t i = lo; i < hi; i++) {
        int d = dg[i];
        if (d == 0) continue;
        const uint8_t* pp = pts + 64 * i;
        if (i + 8 < hi) {
          int dn = dg[i + 8];
          const char* bp = reinterpret_cast<const char*>(&buckets[dn < 0 ? -dn : dn]);
          __builtin_prefetch(bp, 1);
          __builtin_prefetch(bp + 64, 1);
        }
        Fq x, y;
        loadFq(x, pp);
        loadFq(y, pp + 32);
        if (isZero(x) && isZero(y)) continue;  // the point at infinity
        if (d > 0) {
          addAffine(buckets[d], x, y);
        } else {
          Fq ny;
          neg(ny, y);
          addAffine(buckets[-d], x, ny);
        }
      }
      // Σ k·bucket[k] by running sums.
      Xyzz run, acc;
      setInf(run);
      setInf(acc);
      for (int k = half; k >= 1; k--) {
        addXyzz(run, buckets[k]);
        addXyzz(acc, run);
      }
      partial[task] = acc;
    }
  };
  std::vector<std::thread> ts;
  for (unsigned t = 1; t < T; t++) ts.emplace_back(worker);
  worker();
  for (auto& th : ts) th.join();

  // Horner over windows, from the top.
  Xyzz res;
  setInf(res);
  for (int w = (int)W - 1; w >= 0; w--) {
    for (unsigned k = 0; k < c; k++) dbl(res);
    for (unsigned s = 0; s < splits; s++) addXyzz(res, partial[(size_t)w * splits + s]);
  }
  if (isInf(res)) return;
  Fq zzInv = inverse(res.ZZ), zzzInv = inverse(res.ZZZ);
  Fq x, y;
  mul(x, res.X, zzInv);
  mul(y, res.Y, zzzInv);
  x = fromMont(x);
  y = fromMont(y);
  std::memcpy(j.out, x.v, 32);
  std::memcpy(j.out + 32, y.v, 32);
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

unsigned defaultThreads() {
  const char* e = std::getenv("NOVANET_MSM_THREADS");
  if (e && *e) {
    long v = std::strtol(e, nullptr, 10);
    if (v >= 1 && v <= 256) return (unsigned)v;
  }
  unsigned h = std::thread::hardware_concurrency();
  return h ? h : 1;
}

// Reads a Uint8Array argument; false (with a pending TypeError) if it is not one.
bool bytesArg(napi_env env, napi_value v, const char* name, const uint8_t** data, size_t* len) {
  bool isTa = false;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", (std::string(name) + " must be a Uint8Array").c_str());
    return false;
  }
  napi_typedarray_type type;
  size_t length;
  void* p;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, &ab, &off) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_NOVANET_MSM_INPUT", (std::string(name) + " must be a Uint8Array").c_str());
    return false;
  }
  *data = static_cast<const uint8_t*>(p);
  *len = length;
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
  if (argc >= 4) {
    napi_valuetype t;
    napi_typeof(env, argv[3], &t);
    if (t == napi_number) {
      int32_t th = 0;
      napi_get_value_int32(env, argv[3], &th);
      if (th < 1 || th > 256) {
        napi_throw_range_error(env, "ERR_NOVANET_MSM_INPUT", "threads must be in 1..256");
        return false;
      }
      threads = (unsigned)th;
    }
  }
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

// msm(points, scalars, scalarBytes[, threads]) → Promise<Uint8Array(64)>, computed off the JS thread.
napi_value MsmAsync(napi_env env, napi_callback_info info) {
  AsyncCtx* ctx = new AsyncCtx();
  if (!parseJob(env, info, ctx->job)) {
    delete ctx;
    return nullptr;
  }
  napi_value promise, name;
  NAPI_CALL(env, napi_create_promise(env, &ctx->deferred, &promise));
  NAPI_CALL(env, napi_create_string_utf8(env, "novanet-msm", NAPI_AUTO_LENGTH, &name));
  NAPI_CALL(env, napi_create_async_work(env, nullptr, name, execute, complete, ctx, &ctx->work));
  NAPI_CALL(env, napi_queue_async_work(env, ctx->work));
  return promise;
}

// msmSync(points, scalars, scalarBytes[, threads]) → Uint8Array(64), on the calling thread.
napi_value MsmSync(napi_env env, napi_callback_info info) {
  Job job;
  if (!parseJob(env, info, job)) return nullptr;
  runMsm(job);
  void* buf;
  napi_value ab, result;
  NAPI_CALL(env, napi_create_arraybuffer(env, 64, &buf, &ab));
  std::memcpy(buf, job.out, 64);
  NAPI_CALL(env, napi_create_typedarray(env, napi_uint8_array, 64, ab, 0, &result));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value f;
  NAPI_CALL(env, napi_create_function(env, "msm", NAPI_AUTO_LENGTH, MsmAsync, nullptr, &f));
  NAPI_CALL(env, napi_set_named_property(env, exports, "msm", f));
  NAPI_CALL(env, napi_create_function(env, "msmSync", NAPI_AUTO_LENGTH, MsmSync, nullptr, &f));
  NAPI_CALL(env, napi_set_named_property(env, exports, "msmSync", f));
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
