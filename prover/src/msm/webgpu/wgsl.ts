/**
 * The WGSL of the WebGPU MSM (msm/webgpu/msm.ts): BN254 base-field arithmetic in Montgomery form on
 * sixteen 16-bit limbs (one per `u32`, so that a limb product and two carries fit in 32 bits; R = 2^256,
 * the same Montgomery form as the LEM bytes of the SRS, so bases are uploaded as they are), Jacobian
 * points, and three kernels:
 * - `chunks`: each thread sums one run of ≤ L bucket entries (affine bases; bit 31 of an entry = negate,
 *   bit 30 = take φ(P) = (β·x, y), the GLV endomorphism) into a Jacobian point (mixed addition; bases at infinity are skipped; equal points fall back to doubling);
 * - `reduce`: each thread sums one run of ≤ L Jacobian points (a level of the per-bucket tree);
 * - `segments`: each thread walks one segment of one window's buckets from the top and returns the
 *   segment's weighted sum Σ (k−lo+1)·B_k and plain sum Σ B_k (the host finishes the windows).
 * Stored points are packed: 8 words (two limbs each) per coordinate, 24 words per Jacobian point.
 * At most 6 storage buffers per stage (WebGPU's compatibility mode guarantees 4 and most adapters give 8).
 */
import { Q } from "../../curve/bn254.js";

/** β: the cube root of unity in F_q with φ(x, y) = (β·x, y) = λ·(x, y) for msm.ts's λ (checked in tests). */
export const GLV_BETA = 0x30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd48n;

function limbs16(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 16; i++) out.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  return out;
}

function nInv16(modulus: bigint): number {
  // −q^{-1} mod 2^16 by Newton iteration on the low limb.
  const q0 = Number(modulus & 0xffffn);
  let inv = 1;
  for (let i = 0; i < 5; i++) inv = (inv * (2 - ((q0 * inv) & 0xffff))) & 0xffff;
  return (0x10000 - inv) & 0xffff;
}

const arr = (v: bigint) =>
  `array<u32, 16>(${limbs16(v)
    .map((x) => `${x}u`)
    .join(", ")})`;

/** Threads per workgroup of every kernel. */
export const WORKGROUP = 64;

/**
 * Montgomery arithmetic modulo an odd `modulus` < 2^255 (R = 2^256) on sixteen 16-bit limbs: `fe_add`,
 * `fe_sub`, `fe_mul` (CIOS; inputs and output below the modulus), `unpack8`/`pack8` between the packed
 * 8-word layout and limbs. The MSM instantiates it with the base field q, the fold kernels
 * (prover/src/gpu/fold-wgsl.ts) with the scalar field p. Uses the placeholders LIMBS, OUTER, WORDS.
 */
export function fieldWgsl(modulus: bigint): string {
  return /* wgsl */ `
alias Fe = array<u32, 16>;
const QL: Fe = ${arr(modulus)};
const ONE_M: Fe = ${arr((1n << 256n) % modulus)};
const NINV: u32 = ${nInv16(modulus)}u;
${FIELD}`;
}

const FIELD = /* wgsl */ `
fn fe_zero() -> Fe { return Fe(); }

fn is_zero(a: Fe) -> bool {
  var acc = 0u;
  for (var i = 0u; i < LIMBS; i++) { acc |= a[i]; }
  return acc == 0u;
}

fn fe_eq(a: Fe, b: Fe) -> bool {
  var acc = 0u;
  for (var i = 0u; i < LIMBS; i++) { acc |= a[i] ^ b[i]; }
  return acc == 0u;
}

// r - q if r ≥ q (r < 2q).
fn reduce_once(r: Fe) -> Fe {
  var t: Fe;
  var borrow = 0u;
  for (var i = 0u; i < LIMBS; i++) {
    let d = r[i] + 0x10000u - QL[i] - borrow;
    t[i] = d & 0xffffu;
    borrow = 1u - (d >> 16u);
  }
  if (borrow == 0u) { return t; }
  return r;
}

fn fe_add(a: Fe, b: Fe) -> Fe {
  var r: Fe;
  var c = 0u;
  for (var i = 0u; i < LIMBS; i++) {
    let s = a[i] + b[i] + c;
    r[i] = s & 0xffffu;
    c = s >> 16u;
  }
  return reduce_once(r);
}

fn fe_sub(a: Fe, b: Fe) -> Fe {
  var r: Fe;
  var borrow = 0u;
  for (var i = 0u; i < LIMBS; i++) {
    let d = a[i] + 0x10000u - b[i] - borrow;
    r[i] = d & 0xffffu;
    borrow = 1u - (d >> 16u);
  }
  if (borrow != 0u) {
    var c = 0u;
    for (var i = 0u; i < LIMBS; i++) {
      let s = r[i] + QL[i] + c;
      r[i] = s & 0xffffu;
      c = s >> 16u;
    }
  }
  return r;
}

// Montgomery product a·b·2^-256 mod q (CIOS, 16-bit limbs).
fn fe_mul(a: Fe, b: Fe) -> Fe {
  var t: array<u32, 18>;
  for (var i = 0u; i < OUTER; i++) {
    let bi = b[i];
    var c = 0u;
    for (var j = 0u; j < LIMBS; j++) {
      let x = t[j] + a[j] * bi + c;
      t[j] = x & 0xffffu;
      c = x >> 16u;
    }
    let s = t[16] + c;
    t[16] = s & 0xffffu;
    t[17] = s >> 16u;
    let m = (t[0] * NINV) & 0xffffu;
    c = (t[0] + m * QL[0]) >> 16u;
    for (var j = 1u; j < LIMBS; j++) {
      let x = t[j] + m * QL[j] + c;
      t[j - 1u] = x & 0xffffu;
      c = x >> 16u;
    }
    let x = t[16] + c;
    t[15] = x & 0xffffu;
    t[16] = t[17] + (x >> 16u);
  }
  var r: Fe;
  for (var i = 0u; i < LIMBS; i++) { r[i] = t[i]; }
  return reduce_once(r);
}

fn fe_sqr(a: Fe) -> Fe { return fe_mul(a, a); }

fn unpack8(w: array<u32, 8>) -> Fe {
  var r: Fe;
  for (var i = 0u; i < WORDS; i++) {
    r[2u * i] = w[i] & 0xffffu;
    r[2u * i + 1u] = w[i] >> 16u;
  }
  return r;
}

fn pack8(a: Fe) -> array<u32, 8> {
  var w: array<u32, 8>;
  for (var i = 0u; i < WORDS; i++) { w[i] = a[2u * i] | (a[2u * i + 1u] << 16u); }
  return w;
}
`;

const COMMON = /* wgsl */ `${fieldWgsl(Q)}
struct Jac { x: Fe, y: Fe, z: Fe }

struct Params { count: u32, stride: u32, a: u32, b: u32, limbs: u32, words: u32, pad0: u32, pad1: u32 }

fn jac_inf() -> Jac { return Jac(fe_zero(), ONE_M, fe_zero()); }

fn jac_dbl(p: Jac) -> Jac {
  if (is_zero(p.z)) { return p; }
  let yy = fe_sqr(p.y);
  let s0 = fe_mul(p.x, yy);
  let s1 = fe_add(s0, s0);
  let s = fe_add(s1, s1);
  let xx = fe_sqr(p.x);
  let m = fe_add(fe_add(xx, xx), xx);
  let x3 = fe_sub(fe_sub(fe_sqr(m), s), s);
  let y4 = fe_sqr(yy);
  let y8a = fe_add(y4, y4);
  let y8b = fe_add(y8a, y8a);
  let y8 = fe_add(y8b, y8b);
  let y3 = fe_sub(fe_mul(m, fe_sub(s, x3)), y8);
  let yz = fe_mul(p.y, p.z);
  return Jac(x3, y3, fe_add(yz, yz));
}

// p + (x2, y2) with (x2, y2) affine and not infinity.
fn jac_madd(p: Jac, x2: Fe, y2: Fe) -> Jac {
  if (is_zero(p.z)) { return Jac(x2, y2, ONE_M); }
  let z1z1 = fe_sqr(p.z);
  let u2 = fe_mul(x2, z1z1);
  let s2 = fe_mul(y2, fe_mul(p.z, z1z1));
  let h = fe_sub(u2, p.x);
  let r = fe_sub(s2, p.y);
  if (is_zero(h)) {
    if (is_zero(r)) { return jac_dbl(p); }
    return jac_inf();
  }
  let hh = fe_sqr(h);
  let hhh = fe_mul(h, hh);
  let v = fe_mul(p.x, hh);
  let x3 = fe_sub(fe_sub(fe_sub(fe_sqr(r), hhh), v), v);
  let y3 = fe_sub(fe_mul(r, fe_sub(v, x3)), fe_mul(p.y, hhh));
  return Jac(x3, y3, fe_mul(p.z, h));
}

fn jac_add(p: Jac, q: Jac) -> Jac {
  if (is_zero(p.z)) { return q; }
  if (is_zero(q.z)) { return p; }
  let z1z1 = fe_sqr(p.z);
  let z2z2 = fe_sqr(q.z);
  let u1 = fe_mul(p.x, z2z2);
  let u2 = fe_mul(q.x, z1z1);
  let s1 = fe_mul(p.y, fe_mul(q.z, z2z2));
  let s2 = fe_mul(q.y, fe_mul(p.z, z1z1));
  let h = fe_sub(u2, u1);
  let r = fe_sub(s2, s1);
  if (is_zero(h)) {
    if (is_zero(r)) { return jac_dbl(p); }
    return jac_inf();
  }
  let hh = fe_sqr(h);
  let hhh = fe_mul(h, hh);
  let v = fe_mul(u1, hh);
  let x3 = fe_sub(fe_sub(fe_sub(fe_sqr(r), hhh), v), v);
  let y3 = fe_sub(fe_mul(r, fe_sub(v, x3)), fe_mul(s1, hhh));
  return Jac(x3, y3, fe_mul(fe_mul(p.z, q.z), h));
}
`;

const JAC_IO = /* wgsl */ `
fn load_jac(i: u32) -> Jac {
  var w: array<u32, 8>;
  for (var k = 0u; k < WORDS; k++) { w[k] = pin[24u * i + k]; }
  let x = unpack8(w);
  for (var k = 0u; k < WORDS; k++) { w[k] = pin[24u * i + 8u + k]; }
  let y = unpack8(w);
  for (var k = 0u; k < WORDS; k++) { w[k] = pin[24u * i + 16u + k]; }
  return Jac(x, y, unpack8(w));
}
`;

const STORE_JAC = /* wgsl */ `
fn store_jac(i: u32, p: Jac) {
  let x = pack8(p.x);
  let y = pack8(p.y);
  let z = pack8(p.z);
  for (var k = 0u; k < WORDS; k++) {
    pout[24u * i + k] = x[k];
    pout[24u * i + 8u + k] = y[k];
    pout[24u * i + 16u + k] = z[k];
  }
}
`;

/** Kernel 1: runs of bucket entries (affine bases, X and Y in separate buffers) → Jacobian partial sums. */
const CHUNKS = `${COMMON}
@group(0) @binding(0) var<storage, read> px: array<u32>;
@group(0) @binding(1) var<storage, read> py: array<u32>;
@group(0) @binding(2) var<storage, read> entries: array<u32>;
@group(0) @binding(3) var<storage, read> starts: array<u32>;
@group(0) @binding(4) var<storage, read> dests: array<u32>;
@group(0) @binding(5) var<storage, read_write> pout: array<u32>;
@group(0) @binding(6) var<uniform> params: Params;
const BETA_M: Fe = ${arr((GLV_BETA << 256n) % Q)};
${STORE_JAC}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x + gid.y * params.stride;
  if (c >= params.count) { return; }
  var acc = jac_inf();
  for (var e = starts[c]; e < starts[c + 1u]; e++) {
    let ent = entries[e];
    let i = ent & 0x3fffffffu;
    var w: array<u32, 8>;
    for (var k = 0u; k < WORDS; k++) { w[k] = px[8u * i + k]; }
    var x = unpack8(w);
    // GLV: bit 30 asks for φ(P) = (β·x, y) = λ·P instead of P.
    if (((ent >> 30u) & 1u) != 0u) { x = fe_mul(x, BETA_M); }
    for (var k = 0u; k < WORDS; k++) { w[k] = py[8u * i + k]; }
    var y = unpack8(w);
    if (is_zero(x) && is_zero(y)) { continue; }
    if ((ent >> 31u) != 0u) { y = fe_sub(fe_zero(), y); }
    acc = jac_madd(acc, x, y);
  }
  store_jac(dests[c], acc);
}
`;

/** Kernel 2: runs of Jacobian points → their sums (one level of the per-bucket reduction tree). */
const REDUCE = `${COMMON}
@group(0) @binding(0) var<storage, read> pin: array<u32>;
@group(0) @binding(1) var<storage, read> starts: array<u32>;
@group(0) @binding(2) var<storage, read> dests: array<u32>;
@group(0) @binding(3) var<storage, read_write> pout: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;
${JAC_IO}
${STORE_JAC}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x + gid.y * params.stride;
  if (c >= params.count) { return; }
  var acc = jac_inf();
  for (var e = starts[c]; e < starts[c + 1u]; e++) { acc = jac_add(acc, load_jac(e)); }
  store_jac(dests[c], acc);
}
`;

/**
 * Kernel 3: params.a = buckets per window (H), params.b = buckets per segment. Thread t handles window
 * t / (H / b), segment t % (H / b); writes Σ (k−lo+1)·B_k to 2t and Σ B_k to 2t+1.
 */
const SEGMENTS = `${COMMON}
@group(0) @binding(0) var<storage, read> pin: array<u32>;
@group(0) @binding(1) var<storage, read_write> pout: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${JAC_IO}
${STORE_JAC}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * params.stride;
  if (t >= params.count) { return; }
  let segs = params.a / params.b;
  let base = (t / segs) * params.a + (t % segs) * params.b;
  var run = jac_inf();
  var acc = jac_inf();
  for (var k = params.b; k > 0u; k--) {
    run = jac_add(run, load_jac(base + k - 1u));
    acc = jac_add(acc, run);
  }
  store_jac(2u * t, acc);
  store_jac(2u * t + 1u, run);
}
`;

/**
 * The three kernels' WGSL. `rolled`: the outer loop of the Montgomery product takes its bound from the params uniform, so that the
 * shader compiler cannot unroll it — a 16×16 unrolled Montgomery product at every call site makes
 * software rasterisers (Mesa llvmpipe) compile for minutes; GPUs get the unrolled form.
 */
export function msmShaders(rolled: boolean): { chunks: string; reduce: string; segments: string } {
  const bind = (src: string) =>
    src
      .replaceAll("OUTER", rolled ? "params.limbs" : "16u")
      .replaceAll("LIMBS", "16u")
      .replaceAll("WORDS", "8u");
  return { chunks: bind(CHUNKS), reduce: bind(REDUCE), segments: bind(SEGMENTS) };
}

/** Slots per thread of the first scan kernel (`scanBlocks`). */
export const SCAN_BLOCK = 256;

/** The scalar field order p as eight 32-bit words (the digit kernels reject scalars ≥ p). */
const P_ORDER = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

const SORT_COMMON = /* wgsl */ `
// count: threads (scalars of the pass); sbits: bits per scalar in the raw buffer (8·scalarBytes);
// c: window width; w0..w1: the windows handled (digits of windows below w0 are computed for the carry);
// mode 0: scalar t, entry t; 1: scalar items[t], entry items[t]; 2: scalar t, entry items[t] (GLV: the base
// with its φ bit and the half's sign in bit 31); base: subtracted from cursor positions (scatter);
// slots: where the histogram keeps the first scalar ≥ p (atomicMin); check: compare 32-byte scalars with p.
struct SortParams {
  count: u32, stride: u32, sbits: u32, c: u32, w0: u32, w1: u32, mode: u32, base: u32,
  slots: u32, check: u32, pad0: u32, pad1: u32, pad2: u32, pad3: u32, pad4: u32, pad5: u32,
}
const PW = array<u32, 8>(${Array.from({ length: 8 }, (_, i) => `${Number((P_ORDER >> BigInt(32 * i)) & 0xffffffffn)}u`).join(", ")});

fn scalar_of(t: u32) -> u32 {
  if (sp.mode == 1u) { return items[t]; }
  return t;
}

fn entry_of(t: u32) -> u32 {
  if (sp.mode == 0u) { return t; }
  return items[t];
}

// Bits [bit, bit + c) of scalar s, zero past its width (c ≤ 15).
fn bits_at(s: u32, bit: u32) -> u32 {
  if (bit >= sp.sbits) { return 0u; }
  let g = s * sp.sbits + bit;
  let wi = g >> 5u;
  let sh = g & 31u;
  var v = scal[wi] >> sh;
  if (sh + sp.c > 32u && wi + 1u < arrayLength(&scal)) { v |= scal[wi + 1u] << (32u - sh); }
  let avail = min(sp.c, sp.sbits - bit);
  return v & ((1u << avail) - 1u);
}

fn below_p(s: u32) -> bool {
  var pw = PW;
  for (var k = 8u; k > 0u; k--) {
    let a = scal[8u * s + k - 1u];
    if (a != pw[k - 1u]) { return a < pw[k - 1u]; }
  }
  return false;
}
`;

/** Digits → bucket histogram: for every nonzero signed digit of windows w0..w1, one atomic increment. */
const HISTOGRAM = /* wgsl */ `
@group(0) @binding(0) var<storage, read> scal: array<u32>;
@group(0) @binding(1) var<storage, read> items: array<u32>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> sp: SortParams;
${SORT_COMMON}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * sp.stride;
  if (t >= sp.count) { return; }
  let s = scalar_of(t);
  if (sp.check == 1u && !below_p(s)) {
    atomicMin(&hist[sp.slots], s);
    return;
  }
  let h = 1u << (sp.c - 1u);
  var carry = 0u;
  for (var w = 0u; w < sp.w1; w++) {
    let v = bits_at(s, w * sp.c) + carry;
    var mag = v;
    carry = 0u;
    if (v > h) {
      mag = (1u << sp.c) - v;
      carry = 1u;
    }
    if (w >= sp.w0 && mag != 0u) { atomicAdd(&hist[(w - sp.w0) * h + mag - 1u], 1u); }
  }
}
`;

/** Scatter: the same digits again; each nonzero one takes the next place of its bucket (atomic cursor). */
const SCATTER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> scal: array<u32>;
@group(0) @binding(1) var<storage, read> items: array<u32>;
@group(0) @binding(2) var<storage, read_write> cursor: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> entries: array<u32>;
@group(0) @binding(4) var<uniform> sp: SortParams;
${SORT_COMMON}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * sp.stride;
  if (t >= sp.count) { return; }
  let s = scalar_of(t);
  let e = entry_of(t);
  let h = 1u << (sp.c - 1u);
  var carry = 0u;
  for (var w = 0u; w < sp.w1; w++) {
    let v = bits_at(s, w * sp.c) + carry;
    var mag = v;
    var neg = 0u;
    carry = 0u;
    if (v > h) {
      mag = (1u << sp.c) - v;
      carry = 1u;
      neg = 0x80000000u;
    }
    if (w >= sp.w0 && mag != 0u) {
      let pos = atomicAdd(&cursor[w * h + mag - 1u], 1u);
      entries[pos - sp.base] = e ^ neg;
    }
  }
}
`;

const SCAN_PARAMS = /* wgsl */ `
struct Params { count: u32, stride: u32, a: u32, b: u32, limbs: u32, words: u32, pad0: u32, pad1: u32 }
`;

/** Scan 1: thread b writes the exclusive prefix of slots [256b, 256b + 256) and the block's total. */
const SCAN_BLOCKS = /* wgsl */ `${SCAN_PARAMS}
@group(0) @binding(0) var<storage, read> hist: array<u32>;
@group(0) @binding(1) var<storage, read_write> offs: array<u32>;
@group(0) @binding(2) var<storage, read_write> sums: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x + gid.y * params.stride;
  if (b >= params.count) { return; }
  let lo = b * ${SCAN_BLOCK}u;
  let hi = min(lo + ${SCAN_BLOCK}u, params.a);
  var acc = 0u;
  for (var i = lo; i < hi; i++) {
    offs[i] = acc;
    acc += hist[i];
  }
  sums[b] = acc;
}
`;

/** Scan 2 (one thread): exclusive prefix of the block totals; the grand total goes to offs[slots]. */
const SCAN_TOP = /* wgsl */ `${SCAN_PARAMS}
@group(0) @binding(0) var<storage, read_write> offs: array<u32>;
@group(0) @binding(1) var<storage, read_write> sums: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(1)
fn main() {
  var acc = 0u;
  for (var b = 0u; b < params.a; b++) {
    let t = sums[b];
    sums[b] = acc;
    acc += t;
  }
  offs[params.b] = acc;
}
`;

/** Scan 3: every slot adds its block's offset. */
const SCAN_ADD = /* wgsl */ `${SCAN_PARAMS}
@group(0) @binding(0) var<storage, read_write> offs: array<u32>;
@group(0) @binding(1) var<storage, read> sums: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.stride;
  if (i >= params.count) { return; }
  offs[i] += sums[i / ${SCAN_BLOCK}u];
}
`;

/**
 * The kernels that decompose scalars into signed digits and counting-sort them by bucket on the GPU
 * (no field arithmetic: they compile in well under a second even on llvmpipe). ≤ 4 storage buffers each.
 */
export function sortShaders(): {
  histogram: string;
  scatter: string;
  scanBlocks: string;
  scanTop: string;
  scanAdd: string;
} {
  return { histogram: HISTOGRAM, scatter: SCATTER, scanBlocks: SCAN_BLOCKS, scanTop: SCAN_TOP, scanAdd: SCAN_ADD };
}
