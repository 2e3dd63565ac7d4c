/**
 * The WGSL of the GPU fold step (prover/src/gpu/fold.ts): arithmetic in the BN254 scalar field F_p
 * (the Montgomery code of msm/webgpu/wgsl.ts instantiated with p) on packed vectors — 8 little-endian
 * u32 words per element, canonical, the bytes of an {@link FrVec} as they are — and four kernels:
 * - `spmv`: one thread per row of the stacked matrix [A; B; C] (CSR: row pointers then columns in one
 *   u32 buffer, coefficients in Montgomery form), so one dispatch gives `Az | Bz | Cz`;
 * - `cross`: `T = Az1∘Bz2 + Az2∘Bz1 − u1·Cz2 − u2·Cz1` from two stacked product buffers;
 * - `axpy`: `a + r·b` (the witness fold and the products' fold, by linearity);
 * - `fold3`: `a + r·t + s·b` (the error fold `E1 + r·T + r²·E2`).
 * Scale bookkeeping (R = 2^256): `fe_mul(x, y) = x·y/R`. Products of two canonical values are summed
 * at scale 1/R and brought back with one `fe_mul(·, R²)`; a scalar multiplier `r` is passed as `r·R`
 * so that `fe_mul(rR, b) = r·b`. At most 4 storage buffers per kernel.
 */
import { P } from "../field/fr.js";
import { fieldWgsl, WORKGROUP } from "../msm/webgpu/wgsl.js";

const R = (1n << 256n) % P;
const R2 = (R * R) % P;

function limbs(v: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < 16; i++) out.push(`${Number((v >> BigInt(16 * i)) & 0xffffn)}u`);
  return `Fe(${out.join(", ")})`;
}

const HEAD = /* wgsl */ `${fieldWgsl(P)}
const R2: Fe = ${limbs(R2)};

// count: elements (or rows); stride: threads per dispatch row; a, b: offsets/lengths per kernel;
// s1, s2: two field scalars as 8 packed words each.
struct Params { count: u32, stride: u32, a: u32, b: u32, s1: array<vec4<u32>, 2>, s2: array<vec4<u32>, 2> }

fn scalar1() -> Fe {
  var w: array<u32, 8>;
  for (var k = 0u; k < 8u; k++) { w[k] = params.s1[k / 4u][k % 4u]; }
  return unpack8(w);
}

fn scalar2() -> Fe {
  var w: array<u32, 8>;
  for (var k = 0u; k < 8u; k++) { w[k] = params.s2[k / 4u][k % 4u]; }
  return unpack8(w);
}
`;

const load = (name: string) => /* wgsl */ `
fn ld_${name}(i: u32) -> Fe {
  var w: array<u32, 8>;
  for (var k = 0u; k < 8u; k++) { w[k] = ${name}[8u * i + k]; }
  return unpack8(w);
}
`;

const STORE = /* wgsl */ `
fn st_out(i: u32, a: Fe) {
  let w = pack8(a);
  for (var k = 0u; k < 8u; k++) { out[8u * i + k] = w[k]; }
}
`;

const INDEX = /* wgsl */ `
  let i = gid.x + gid.y * params.stride;
  if (i >= params.count) { return; }
`;

/** rows: 3m rows of [A; B; C]; idx = rowPtr (3m + 1 words, absolute into cols) then cols from params.a. */
const SPMV = /* wgsl */ `${HEAD}
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> vals: array<u32>;
@group(0) @binding(2) var<storage, read> z: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;
${load("vals")}
${load("z")}
${STORE}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${INDEX}
  var acc = fe_zero();
  for (var k = idx[i]; k < idx[i + 1u]; k++) {
    let zc = ld_z(idx[params.a + k]);
    let v = ld_vals(k);
    // A coefficient in Montgomery form times a canonical value: (c·R)·x/R = c·x; c = 1 adds x as it is.
    if (fe_eq(v, ONE_M)) { acc = fe_add(acc, zc); } else { acc = fe_add(acc, fe_mul(v, zc)); }
  }
  // params.b: the first output row of this part of the stacked matrix (split past one binding).
  st_out(i + params.b, acc);
}
`;

/** params.a = m; s1 = p − u1, s2 = p − u2 (canonical, not Montgomery). */
const CROSS = /* wgsl */ `${HEAD}
@group(0) @binding(0) var<storage, read> abc1: array<u32>;
@group(0) @binding(1) var<storage, read> abc2: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;
${load("abc1")}
${load("abc2")}
${STORE}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${INDEX}
  let m = params.a;
  var s = fe_mul(ld_abc1(i), ld_abc2(m + i));
  s = fe_add(s, fe_mul(ld_abc2(i), ld_abc1(m + i)));
  s = fe_add(s, fe_mul(scalar1(), ld_abc2(2u * m + i)));
  s = fe_add(s, fe_mul(scalar2(), ld_abc1(2u * m + i)));
  st_out(i, fe_mul(s, R2));
}
`;

/** s1 = r·R mod p. */
const AXPY = /* wgsl */ `${HEAD}
@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;
${load("a")}
${load("b")}
${STORE}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${INDEX}
  st_out(i, fe_add(ld_a(i), fe_mul(scalar1(), ld_b(i))));
}
`;

/** s1 = r·R, s2 = s·R mod p. */
const FOLD3 = /* wgsl */ `${HEAD}
@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> t: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;
${load("a")}
${load("t")}
${load("b")}
${STORE}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${INDEX}
  st_out(i, fe_add(fe_add(ld_a(i), fe_mul(scalar1(), ld_t(i))), fe_mul(scalar2(), ld_b(i))));
}
`;

export type FoldKernelName = "spmv" | "cross" | "axpy" | "fold3";

/** The four kernels' WGSL (loops with constant bounds: the compiler may unroll them). */
export function foldShaders(): Record<FoldKernelName, string> {
  const bind = (src: string) => src.replaceAll("OUTER", "16u").replaceAll("LIMBS", "16u").replaceAll("WORDS", "8u");
  return { spmv: bind(SPMV), cross: bind(CROSS), axpy: bind(AXPY), fold3: bind(FOLD3) };
}

/** Montgomery form `x·2^256 mod p` (what `s1`/`s2` carry for axpy and fold3, and the CSR coefficients). */
export function toMont(x: bigint): bigint {
  return (x * R) % P;
}
