/**
 * The commit-and-prove Groth16 prover (keys.ts for the key layout). For a full witness `w` (`w_0 = 1`):
 * - `h = (a·b − c)/Z` over the QAP (three inverse NTTs, three coset NTTs, one inverse coset NTT);
 * - `A = [α] + Σ w_i·A_i + r·[δ]`, `B = [β] + Σ w_i·B_i + s·[δ]` (G2, and in G1 for `C`);
 * - `D = Σ_{committed} w_i·K_i`, `Π = Σ_{committed} w_i·σK_i`;
 * - `C = Σ_{private} w_i·L_i + Σ h_j·H_j + s·A + r·B₁ − r·s·[δ]`.
 * G1 MSMs run on the process's default MSM backend (msm/default.ts: the native addon when built, else
 * ffjavascript's wasm), the G2 MSM on ffjavascript.
 */
import { buildBn128, type FfCurve } from "ffjavascript";
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
import { defaultMsmBackend } from "../msm/default.js";
import { g2FromLem } from "../msm/lem.js";
import { GENERATOR, nttWasm, scaleByPowers } from "./fft.js";
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

async function g1Msm(points: Uint8Array, scalars: readonly bigint[]): Promise<G1Affine> {
  if (scalars.length === 0) return { x: 0n, y: 0n };
  return (await defaultMsmBackend()).msm(points, scalarsToLe(scalars));
}

async function g2Msm(points: Uint8Array, scalars: readonly bigint[]): Promise<G2Affine | null> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  const curve = shared ?? (await buildBn128(false));
  const r = await curve.G2.multiExpAffine(points, scalarsToLe(scalars));
  if (curve.G2.isZero(r)) return null;
  return g2FromLem(curve.G2.toAffine(r), 0);
}

/**
 * Proves `w` against `pk`. `constraints` are the circuit's (the key stores only their hash).
 *
 * @throws {Groth16WitnessError} `w` does not satisfy the constraints.
 */
export async function proveG16(
  pk: G16ProvingKey,
  constraints: readonly Constraint[],
  w: readonly bigint[],
  options: G16ProveOptions = {},
): Promise<G16Proof> {
  const timing: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    timing[k] = Math.round(now - t);
    t = now;
  };
  if (w.length !== pk.nVars || w[0] !== 1n) {
    throw new Groth16WitnessError("witness has the wrong length or w[0] ≠ 1", { details: `${w.length} ≠ ${pk.nVars}` });
  }
  const ell = pk.nPublic;
  const k = pk.nCommitted;
  const h = await quotient(constraints, 1 + ell + k, pk.domainPower, w);
  lap("quotientMs");
  const [r, s] = options.rs ?? [randomScalar(), randomScalar()];
  const vk = pk.vkey;
  const delta1 = pk.delta1;
  const aSum = await g1Msm(pk.A, w);
  const b1Sum = await g1Msm(pk.B1, w);
  const b2Sum = await g2Msm(pk.B2, w);
  const committed = w.slice(1 + ell, 1 + ell + k);
  const d = await g1Msm(pk.K, committed);
  const pok = await g1Msm(pk.sigmaK, committed);
  const lSum = await g1Msm(pk.L, w.slice(1 + ell + k));
  const hSum = await g1Msm(pk.H, h);
  lap("msmMs");
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
