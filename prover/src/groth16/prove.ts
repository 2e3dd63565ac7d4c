/**
 * The commit-and-prove Groth16 prover (keys.ts for the key layout). For a full witness `w` (`w_0 = 1`):
 * - `h = (a·b − c)/Z` over the QAP (three inverse NTTs, three coset NTTs, one inverse coset NTT);
 * - `A = [α] + Σ w_i·A_i + r·[δ]`, `B = [β] + Σ w_i·B_i + s·[δ]` (G2, and in G1 for `C`);
 * - `D = Σ_{committed} w_i·K_i`, `Π = Σ_{committed} w_i·σK_i`;
 * - `C = Σ_{private} w_i·L_i + Σ h_j·H_j + s·A + r·B₁ − r·s·[δ]`.
 * The witness is packed ({@link FrVec}); with the native addon built, `A·w, B·w, C·w` are the field
 * kernels' sparse products and the seven NTTs run natively (prover/native/msm/ntt.cc, `frQuotient`),
 * else bigint/wasm. G1 MSMs run on the process's default MSM backend (msm/default.ts: the native addon
 * when built, else ffjavascript's wasm), the G2 MSM over the non-identity points only (native Pippenger
 * in G2 when the addon is built, else ffjavascript).
 */
import { buildBn128, type FfCurve } from "ffjavascript";
import { type FrVec, frGet, loadNativeKernels, packCsr, packFr, unpackFr } from "../arith/kernels.js";
import type { CsrMatrix } from "../arith/r1cs.js";
import {
  type G1Affine,
  type G2Affine,
  g1Add,
  g1Mul,
  g1Neg,
  g2FromAffine,
  g2Mul,
  g2ToAffine,
  randomScalar,
} from "../curve/bn254.js";
import type { Constraint } from "../decider/cs.js";
import { Groth16WitnessError } from "../errors/groth16.js";
import { inv, P, pow } from "../field/fr.js";
import { scalarsToLe } from "../msm/backend.js";
import { loadNativeMsm } from "../msm/cpu/native.js";
import { defaultMsmBackend } from "../msm/default.js";
import { g2FromLem } from "../msm/lem.js";
import { GENERATOR, nttWasm, rootOfUnity, scaleByPowers } from "./fft.js";
import type { G16ProvingKey } from "./keys.js";

export type G16Proof = {
  readonly a: G1Affine;
  readonly b: G2Affine;
  readonly c: G1Affine;
  /** The commitment to the committed wires. */
  readonly d: G1Affine;
  /** Its proof of knowledge `σ·D`. */
  readonly pok: G1Affine;
};

export type G16ProveOptions = {
  /** Fixed `r, s` (tests only); default random. */
  rs?: readonly [bigint, bigint];
  onTiming?: (t: Record<string, number>) => void;
};

function lcValue(lc: ReadonlyMap<number, bigint>, w: readonly bigint[]): bigint {
  let acc = 0n;
  for (const [i, c] of lc) acc += c * w[i];
  return acc % P;
}

/** A circuit's A, B, C as CSR matrices (rows = constraints), cached per constraint list. */
export type ConstraintMatrices = { readonly A: CsrMatrix; readonly B: CsrMatrix; readonly C: CsrMatrix };

const matrices = new WeakMap<readonly Constraint[], ConstraintMatrices>();

/** The constraints as CSR matrices over the wires (computed once per constraint list). */
export function constraintMatrices(constraints: readonly Constraint[]): ConstraintMatrices {
  let mm = matrices.get(constraints);
  if (mm) return mm;
  const build = (k: 0 | 1 | 2): CsrMatrix => {
    let nnz = 0;
    for (const row of constraints) nnz += row[k].size;
    const rowPtr = new Uint32Array(constraints.length + 1);
    const cols = new Uint32Array(nnz);
    const vals = new Array<bigint>(nnz);
    let o = 0;
    for (let j = 0; j < constraints.length; j++) {
      for (const [w, v] of constraints[j][k]) {
        cols[o] = w;
        vals[o++] = ((v % P) + P) % P;
      }
      rowPtr[j + 1] = o;
    }
    return { rowPtr, cols, vals };
  };
  mm = { A: build(0), B: build(1), C: build(2) };
  matrices.set(constraints, mm);
  return mm;
}

type NativeQuotient = { frQuotient(a: Uint8Array, b: Uint8Array, c: Uint8Array, params: Uint8Array): Uint8Array };

function nativeQuotient(): NativeQuotient | undefined {
  const addon = loadNativeMsm() as unknown as Partial<NativeQuotient> | undefined;
  return addon && typeof addon.frQuotient === "function" ? (addon as NativeQuotient) : undefined;
}

/**
 * The quotient `h` (packed, N − 1 coefficients) of `a·b − c` by `Z = X^N − 1` for a packed witness,
 * with the native kernels (sparse products, NTTs) when the addon is built; throws
 * {@link Groth16WitnessError} if the witness is wrong.
 */
export function quotientPacked(
  constraints: readonly Constraint[],
  nIndep: number,
  power: number,
  w: FrVec,
): FrVec | undefined {
  const native = nativeQuotient();
  const kernels = loadNativeKernels();
  if (!native || !kernels) return undefined;
  const n = 2 ** power;
  const m = constraints.length;
  const mm = constraintMatrices(constraints);
  const Az = kernels.spmv(packCsr(mm.A), w);
  const Bz = kernels.spmv(packCsr(mm.B), w);
  const Cz = kernels.spmv(packCsr(mm.C), w);
  const bad = kernels.relaxedFirstFailure({ Az, Bz, Cz }, 1n);
  if (bad >= 0)
    throw new Groth16WitnessError("the witness does not satisfy the circuit", { details: `constraint ${bad}` });
  const a = new Uint8Array(32 * n);
  const b = new Uint8Array(32 * n);
  const c = new Uint8Array(32 * n);
  a.set(Az, 0);
  a.set(w.subarray(0, 32 * nIndep), 32 * m);
  b.set(Bz, 0);
  c.set(Cz, 0);
  const g = GENERATOR;
  const omega = rootOfUnity(power);
  const params = packFr([omega, inv(omega), g, inv(g), inv(BigInt(n)), inv((pow(g, BigInt(n)) - 1n + P) % P)]);
  const h = native.frQuotient(a, b, c, params);
  if (h.subarray(32 * (n - 1)).some((x) => x !== 0)) {
    throw new Groth16WitnessError("the quotient has full degree (the witness is wrong)");
  }
  return h.subarray(0, 32 * (n - 1));
}

/** The quotient `h` (N − 1 coefficients) of `a·b − c` by `Z = X^N − 1`; throws if the witness is wrong. */
export async function quotient(
  constraints: readonly Constraint[],
  nIndep: number,
  power: number,
  w: readonly bigint[],
): Promise<bigint[]> {
  const n = 2 ** power;
  const a = new Array<bigint>(n).fill(0n);
  const b = new Array<bigint>(n).fill(0n);
  const c = new Array<bigint>(n).fill(0n);
  const m = constraints.length;
  for (let j = 0; j < m; j++) {
    const [ra, rb, rc] = constraints[j];
    a[j] = lcValue(ra, w);
    b[j] = lcValue(rb, w);
    c[j] = lcValue(rc, w);
    if ((a[j] * b[j] - c[j]) % P !== 0n) {
      throw new Groth16WitnessError("the witness does not satisfy the circuit", { details: `constraint ${j}` });
    }
  }
  for (let i = 0; i < nIndep; i++) a[m + i] = w[i] % P;
  const g = GENERATOR;
  for (const x of [a, b, c]) {
    await nttWasm(x, true);
    scaleByPowers(x, g);
    await nttWasm(x);
  }
  // On the coset g·H, Z = g^N − 1 (a constant).
  const zInv = inv((pow(g, BigInt(n)) - 1n + P) % P);
  for (let j = 0; j < n; j++) a[j] = ((((a[j] * b[j]) % P) - c[j] + P) * zInv) % P;
  await nttWasm(a, true);
  scaleByPowers(a, inv(g));
  if (a[n - 1] !== 0n) throw new Groth16WitnessError("the quotient has full degree (the witness is wrong)");
  return a.slice(0, n - 1);
}

/**
 * Keeps the points (of `size` bytes) whose scalar is non-zero and which are not the identity (all-zero
 * bytes): most B points of a circuit are the identity (wires absent from every B row).
 */
function sparse(points: Uint8Array, scalars: FrVec, size: number): { points: Uint8Array; scalars: FrVec } {
  const n = scalars.length / 32;
  const keep: number[] = [];
  const zero = (buf: Uint8Array, o: number, len: number) => {
    for (let k = 0; k < len; k++) if (buf[o + k] !== 0) return false;
    return true;
  };
  for (let i = 0; i < n; i++) if (!zero(scalars, 32 * i, 32) && !zero(points, size * i, size)) keep.push(i);
  if (keep.length === n) return { points, scalars };
  const p = new Uint8Array(size * keep.length);
  const s = new Uint8Array(32 * keep.length);
  keep.forEach((i, j) => {
    p.set(points.subarray(size * i, size * (i + 1)), size * j);
    s.set(scalars.subarray(32 * i, 32 * (i + 1)), 32 * j);
  });
  return { points: p, scalars: s };
}

async function g1Msm(points: Uint8Array, scalars: FrVec, filter = false): Promise<G1Affine> {
  const q = filter ? sparse(points, scalars, 64) : { points, scalars };
  if (q.scalars.length === 0) return { x: 0n, y: 0n };
  return (await defaultMsmBackend()).msm(q.points, q.scalars);
}

type NativeG2Msm = { g2Msm(points: Uint8Array, scalars: Uint8Array): Uint8Array };

function nativeG2Msm(): NativeG2Msm | undefined {
  if (process.env.NOVANET_G2_MSM === "ffjavascript") return undefined;
  const addon = loadNativeMsm() as unknown as Partial<NativeG2Msm> | undefined;
  return addon && typeof addon.g2Msm === "function" ? (addon as NativeG2Msm) : undefined;
}

/**
 * `Σ s_i·B2_i` over the non-identity points: the native addon's Pippenger in G2
 * (prover/native/msm/fixedbase.cc `g2Msm`) when built, else ffjavascript's wasm
 * (`NOVANET_G2_MSM=ffjavascript` forces it).
 */
async function g2Msm(points: Uint8Array, scalars: FrVec): Promise<G2Affine | null> {
  const q = sparse(points, scalars, 128);
  if (q.scalars.length === 0) return null;
  const native = nativeG2Msm();
  if (native) {
    const out = native.g2Msm(q.points, q.scalars);
    return out.every((b) => b === 0) ? null : g2FromLem(out, 0);
  }
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  const curve = shared ?? (await buildBn128(false));
  const r = await curve.G2.multiExpAffine(q.points, q.scalars);
  if (curve.G2.isZero(r)) return null;
  return g2FromLem(curve.G2.toAffine(r), 0);
}

/**
 * Proves `w` against `pk`. `constraints` are the circuit's (the key stores only their hash). `w` is the
 * full witness, as bigints or packed ({@link FrVec}: the prover's native path takes it without a copy).
 *
 * @throws {Groth16WitnessError} `w` does not satisfy the constraints.
 */
export async function proveG16(
  pk: G16ProvingKey,
  constraints: readonly Constraint[],
  w: readonly bigint[] | FrVec,
  options: G16ProveOptions = {},
): Promise<G16Proof> {
  const timing: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    timing[k] = Math.round(now - t);
    t = now;
  };
  const packed = w instanceof Uint8Array ? w : scalarsToLe(w.map((x) => ((x % P) + P) % P));
  const nw = packed.length / 32;
  if (packed.length % 32 !== 0 || nw !== pk.nVars || frGet(packed, 0) !== 1n) {
    throw new Groth16WitnessError("witness has the wrong length or w[0] ≠ 1", { details: `${nw} ≠ ${pk.nVars}` });
  }
  const ell = pk.nPublic;
  const k = pk.nCommitted;
  const h =
    quotientPacked(constraints, 1 + ell + k, pk.domainPower, packed) ??
    scalarsToLe(await quotient(constraints, 1 + ell + k, pk.domainPower, unpackFr(packed, "witness")));
  lap("quotientMs");
  const [r, s] = options.rs ?? [randomScalar(), randomScalar()];
  const vk = pk.vkey;
  const delta1 = pk.delta1;
  const aSum = await g1Msm(pk.A, packed, true);
  const b1Sum = await g1Msm(pk.B1, packed, true);
  lap("msmABMs");
  const b2Sum = await g2Msm(pk.B2, packed);
  lap("msmG2Ms");
  const committed = packed.subarray(32 * (1 + ell), 32 * (1 + ell + k));
  const d = await g1Msm(pk.K, committed);
  const pok = await g1Msm(pk.sigmaK, committed);
  const lSum = await g1Msm(pk.L, packed.subarray(32 * (1 + ell + k)));
  const hSum = await g1Msm(pk.H, h);
  lap("msmLHMs");
  const A = g1Add(g1Add(vk.alpha1, aSum), g1Mul(delta1, r));
  const B1 = g1Add(g1Add(pk.beta1, b1Sum), g1Mul(delta1, s));
  let B = g2Add(vk.beta2, g2Mul(vk.delta2, s));
  if (b2Sum) B = g2Add(B, b2Sum);
  let C = g1Add(lSum, hSum);
  C = g1Add(C, g1Mul(A, s));
  C = g1Add(C, g1Mul(B1, r));
  C = g1Add(C, g1Neg(g1Mul(delta1, (r * s) % P)));
  options.onTiming?.(timing);
  return { a: A, b: B, c: C, d, pok };
}

function g2Add(a: G2Affine, b: G2Affine): G2Affine {
  return g2ToAffine(g2FromAffine(a).add(g2FromAffine(b)));
}
