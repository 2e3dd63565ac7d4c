/**
 * Reading and checking the parts of a phase-2-prepared snarkjs `.ptau` that decider v3 keys are derived
 * from (keysFromPtau.ts; docs/decider.md "Keys from a ceremony's powers of tau").
 *
 * For an evaluation domain of `N = 2^k` points it reads: the header (curve, power), `[τ^i]₁` for
 * `i ≤ 2N − 2` (section 2), `[τ]₂` (section 3), `[α]₁`, `[β]₁` (sections 4, 5), `[β]₂` (section 6),
 * the number of phase-1 contributions (section 7), and the size-`N` blocks of the Lagrange sections:
 * `[L_j(τ)]₁` (12), `[L_j(τ)]₂` (13), `[α·L_j(τ)]₁` (14), `[β·L_j(τ)]₁` (15), `j < N`.
 *
 * Nothing is trusted before it is checked ({@link checkPhase1}): every point read is on its curve, the
 * tau powers are successive powers of the τ of `[τ]₂` (one batched pairing, commitment/srs.ts), the
 * G1 Lagrange block is the Lagrange transform of those powers (`Σ_j N·L_j(r)·[L_j(τ)]₁ =
 * Σ_i r^((N−i) mod N)·[τ^i]₁` at a random `r`: two MSMs), and the G2, α and β blocks are 1, α and β
 * times it (`e(Σρ_j·X_j, G2) = e(c, Σρ_j·[L_j(τ)]₂)` for random `ρ`, `c = G1, [α]₁, [β]₁`), with
 * `e([β]₁, G2) = e(G1, [β]₂)`. A tampered point in any block passes with probability ≤ N/2^128.
 */
import { randomBytes } from "node:crypto";
import { buildBn128, type FfCurve } from "ffjavascript";
import { checkSrsStructure, withPtau } from "../commitment/srs.js";
import {
  G1_GENERATOR,
  type G1Affine,
  G2_GENERATOR,
  type G2Affine,
  g1Equal,
  g1Neg,
  pairingProductIsOne,
  Q,
} from "../curve/bn254.js";
import { PtauFormatError, SrsTooSmallError } from "../errors/commitment.js";
import { batchInverse, mul, P, pow, sub } from "../field/fr.js";
import { scalarsToLe } from "../msm/backend.js";
import { loadNativeMsm } from "../msm/cpu/native.js";
import { defaultMsmBackend } from "../msm/default.js";
import { g1FromLem, g2FromLem, readLe } from "../msm/lem.js";
import { rootOfUnity } from "./fft.js";

/** What key generation takes from a ptau for a domain of `2^domainPower` points (affine LEM bytes). */
export type Phase1 = {
  /** The ptau's power (it holds domains up to 2^power). */
  readonly power: number;
  /** Phase-1 contributions recorded in the ptau (section 7); 0 for a dev ptau. */
  readonly contributions: number;
  readonly domainPower: number;
  /** `[τ^i]₁`, i ≤ 2N − 2. */
  readonly tauG1: Uint8Array;
  readonly tauG2: G2Affine;
  readonly alpha1: G1Affine;
  readonly beta1: G1Affine;
  readonly beta2: G2Affine;
  /** `[L_j(τ)]₁`, `[L_j(τ)]₂`, `[α·L_j(τ)]₁`, `[β·L_j(τ)]₁`, j < N. */
  readonly lag1: Uint8Array;
  readonly lag2: Uint8Array;
  readonly lagAlpha: Uint8Array;
  readonly lagBeta: Uint8Array;
};

/**
 * Reads the sections a domain of `2^domainPower` needs from a prepared `.ptau`, with the format checks
 * (magic, version, BN254, section sizes for the file's power). Points are NOT checked here; call
 * {@link checkPhase1}.
 * @throws {PtauFormatError} not a ptau, another curve, missing/short/truncated sections, not prepared.
 * @throws {SrsTooSmallError} the ptau's power is below `domainPower` (the message names the power needed).
 */
export async function readPhase1(path: string, domainPower: number): Promise<Phase1> {
  return withPtau(path, async ({ power, readAt, section, need: needSection }) => {
    const need = (id: number, what: string) =>
      needSection(id, what, id >= 12 ? "not prepared: run snarkjs powersoftau prepare phase2" : undefined);
    if (power < domainPower) {
      throw new SrsTooSmallError(`the .ptau's power ${power} is too small: D_F's domain needs power ${domainPower}`, {
        details: `${path}: use a ptau of power ≥ ${domainPower}`,
      });
    }
    const big = 2 ** power;
    const sum = (maxP: number) => 2 ** (maxP + 1) - 1; // Σ_{p ≤ maxP} 2^p
    const expect: [number, string, number][] = [
      [2, "tauG1", (2 * big - 1) * 64],
      [3, "tauG2", big * 128],
      [4, "alphaTauG1", big * 64],
      [5, "betaTauG1", big * 64],
      [6, "betaG2", 128],
      [12, "lagrange tauG1", sum(power + 1) * 64],
      [13, "lagrange tauG2", sum(power) * 128],
      [14, "lagrange alphaTauG1", sum(power) * 64],
      [15, "lagrange betaTauG1", sum(power) * 64],
    ];
    // Section 12's last block (power + 1) is optional in some writers; accept both sizes.
    for (const [id, what, bytes] of expect) {
      const s = need(id, what);
      const ok = s.size === bytes || (id === 12 && s.size === sum(power) * 64);
      if (!ok)
        throw new PtauFormatError(`the .ptau ${what} section has the wrong size for power ${power}`, {
          details: `section ${id}: ${s.size} bytes, expected ${bytes}`,
        });
    }
    const n = 2 ** domainPower;
    const blockOff = (n - 1) * 1; // Σ_{p < domainPower} 2^p points before the size-N block
    const sec = (id: number) => section(id)!;
    let contributions = 0;
    const c7 = section(7);
    if (c7 && c7.size >= 4) contributions = new DataView((await readAt(c7.pos, 4)).buffer).getUint32(0, true);
    const a0 = await readAt(sec(4).pos, 64);
    const b0 = await readAt(sec(5).pos, 64);
    return {
      power,
      contributions,
      domainPower,
      tauG1: await readAt(sec(2).pos, (2 * n - 1) * 64),
      tauG2: g2Point(await readAt(sec(3).pos + 128, 128), "tauG2[1]"),
      alpha1: g1Point(a0, "alphaTauG1[0]"),
      beta1: g1Point(b0, "betaTauG1[0]"),
      beta2: g2Point(await readAt(sec(6).pos, 128), "betaG2"),
      lag1: await readAt(sec(12).pos + 64 * blockOff, 64 * n),
      lag2: await readAt(sec(13).pos + 128 * blockOff, 128 * n),
      lagAlpha: await readAt(sec(14).pos + 64 * blockOff, 64 * n),
      lagBeta: await readAt(sec(15).pos + 64 * blockOff, 64 * n),
    };
  });
}

const R = (1n << 256n) % Q;
const R3 = (((R * R) % Q) * R) % Q;
const B1R3 = (3n * R3) % Q;
// G2 (twist) b = 3/(9 + u) = (27 − 3u)/82.
const INV82 = modpow(82n, Q - 2n);
const B2R3 = { c0: (((27n * INV82) % Q) * R3) % Q, c1: ((((Q - 3n) * INV82) % Q) * R3) % Q };

function modpow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b %= Q;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % Q;
    b = (b * b) % Q;
    e >>= 1n;
  }
  return r;
}

function le256(dv: DataView, o: number): bigint {
  return (
    dv.getBigUint64(o, true) |
    (dv.getBigUint64(o + 8, true) << 64n) |
    (dv.getBigUint64(o + 16, true) << 128n) |
    (dv.getBigUint64(o + 24, true) << 192n)
  );
}

/**
 * Index of the first point of a G1 LEM buffer that is not on `y² = x³ + 3` (or is the identity, or has a
 * non-canonical coordinate), −1 if all are. Checked in Montgomery form: `y_m²·R = x_m³ + 3·R³`.
 */
export function firstOffCurveG1(buf: Uint8Array): number {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0, o = 0; o < buf.length; i++, o += 64) {
    const x = le256(dv, o);
    const y = le256(dv, o + 32);
    if (x >= Q || y >= Q || (x === 0n && y === 0n)) return i;
    if ((((y * y) % Q) * R) % Q !== (((x * x) % Q) * x + B1R3) % Q) return i;
  }
  return -1;
}

/** The same for G2 LEM points (`y² = x³ + 3/(9+u)` over F_q²). */
export function firstOffCurveG2(buf: Uint8Array): number {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0, o = 0; o < buf.length; i++, o += 128) {
    const x0 = le256(dv, o);
    const x1 = le256(dv, o + 32);
    const y0 = le256(dv, o + 64);
    const y1 = le256(dv, o + 96);
    if (x0 >= Q || x1 >= Q || y0 >= Q || y1 >= Q || (x0 | x1 | y0 | y1) === 0n) return i;
    // (a0 + a1 u)(b0 + b1 u) = (a0b0 − a1b1) + (a0b1 + a1b0) u, u² = −1.
    const y2c0 = (((y0 * y0 - y1 * y1) % Q) + Q) % Q;
    const y2c1 = (2n * y0 * y1) % Q;
    const x2c0 = (((x0 * x0 - x1 * x1) % Q) + Q) % Q;
    const x2c1 = (2n * x0 * x1) % Q;
    const x3c0 = (((x2c0 * x0 - x2c1 * x1) % Q) + Q) % Q;
    const x3c1 = (x2c0 * x1 + x2c1 * x0) % Q;
    if ((y2c0 * R) % Q !== (x3c0 + B2R3.c0) % Q || (y2c1 * R) % Q !== (x3c1 + B2R3.c1) % Q) return i;
  }
  return -1;
}

function g1Point(b: Uint8Array, what: string): G1Affine {
  if (firstOffCurveG1(b) >= 0) throw new PtauFormatError(`the .ptau's ${what} is not a point of G1`);
  return g1FromLem(b, 0);
}

function g2Point(b: Uint8Array, what: string): G2Affine {
  if (firstOffCurveG2(b) >= 0) throw new PtauFormatError(`the .ptau's ${what} is not a point of G2`);
  return g2FromLem(b, 0);
}

async function curve(): Promise<FfCurve> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  return shared ?? buildBn128(false);
}

type NativeG2Msm = { g2Msm(points: Uint8Array, scalars: Uint8Array): Uint8Array };

/** `Σ s_i·P_i` in G2 (affine LEM points, 32-byte LE scalars): the native addon when built, else wasm. */
async function g2MsmLem(points: Uint8Array, scalars: Uint8Array): Promise<G2Affine> {
  const addon = loadNativeMsm() as unknown as Partial<NativeG2Msm> | undefined;
  if (addon && typeof addon.g2Msm === "function") {
    const out = addon.g2Msm(points, scalars);
    return g2FromLem(out, 0);
  }
  const c = await curve();
  const r = await c.G2.multiExpAffine(points, scalars, false);
  return g2FromLem(c.G2.toAffine(r), 0);
}

/**
 * Checks the sections read by {@link readPhase1} (module comment). Cost for `N = 2^k`: the on-curve
 * checks (bigint), two MSMs of 2N − 2 points (16-byte scalars) for the tau powers, five G1 MSMs and
 * one G2 MSM of N points, five pairing products.
 * @throws {PtauFormatError} naming the section that fails.
 */
export async function checkPhase1(p: Phase1): Promise<void> {
  const n = 2 ** p.domainPower;
  // tauG1's points are checked on the curve by checkSrsStructure below.
  for (const [what, buf] of [
    ["lagrange tauG1", p.lag1],
    ["lagrange alphaTauG1", p.lagAlpha],
    ["lagrange betaTauG1", p.lagBeta],
  ] as const) {
    const i = firstOffCurveG1(buf);
    if (i >= 0)
      throw new PtauFormatError(`the .ptau's ${what} section holds a point not in G1`, { details: `point ${i}` });
  }
  const i2 = firstOffCurveG2(p.lag2);
  if (i2 >= 0)
    throw new PtauFormatError("the .ptau's lagrange tauG2 section holds a point not on G2's curve", {
      details: `point ${i2}`,
    });
  // τ powers: g_0 = G1, successive powers of the τ of [τ]₂ (batched pairing; srs.ts).
  try {
    await checkSrsStructure({ n: 2 * n - 1, g1Lem: p.tauG1, tauG2: p.tauG2 });
  } catch (e) {
    if (!(e instanceof PtauFormatError)) throw e;
    throw new PtauFormatError(`the .ptau's tauG1/tauG2 sections: ${e.shortMessage}`, { details: e.details, cause: e });
  }
  const msm = await defaultMsmBackend();
  // Lagrange block vs tau powers at a random r: Σ_j N·L_j(r)·[L_j(τ)] = Σ_i r^((N−i) mod N)·[τ^i].
  let r = 0n;
  while (r === 0n || pow(r, BigInt(n)) === 1n) r = readLe(new Uint8Array(randomBytes(32)), 0, 32) % P;
  const omega = rootOfUnity(p.domainPower);
  const wj = new Array<bigint>(n);
  let t = 1n;
  for (let j = 0; j < n; j++) {
    wj[j] = t;
    t = mul(t, omega);
  }
  const den = batchInverse(wj.map((w) => sub(r, w)));
  const k = sub(pow(r, BigInt(n)), 1n);
  const lj = wj.map((w, j) => mul(mul(k, w), den[j]));
  const coef = new Array<bigint>(n);
  coef[0] = 1n;
  let rp = r; // r^(N−i) for i = N−1 down to 1
  for (let i = n - 1; i >= 1; i--) {
    coef[i] = rp;
    rp = mul(rp, r);
  }
  const left = await msm.msm(p.lag1, scalarsToLe(lj));
  const right = await msm.msm(p.tauG1.subarray(0, 64 * n), scalarsToLe(coef));
  if (!g1Equal(left, right))
    throw new PtauFormatError("the .ptau's lagrange tauG1 section is not the Lagrange form of its tau powers", {
      details: `domain 2^${p.domainPower}`,
    });
  // G2, α and β blocks against the G1 block: e(Σρ_j·X_j, G2) = e(c, Σρ_j·[L_j(τ)]₂).
  const rho = new Uint8Array(32 * n);
  const rnd = randomBytes(16 * n);
  for (let j = 0; j < n; j++) rho.set(rnd.subarray(16 * j, 16 * j + 16), 32 * j);
  const m2 = await g2MsmLem(p.lag2, rho);
  for (const [what, buf, c] of [
    ["lagrange tauG1/tauG2", p.lag1, G1_GENERATOR],
    ["lagrange alphaTauG1", p.lagAlpha, p.alpha1],
    ["lagrange betaTauG1", p.lagBeta, p.beta1],
  ] as const) {
    const x = await msm.msm(buf, rho);
    if (!pairingProductIsOne([x, g1Neg(c)], [G2_GENERATOR, m2]))
      throw new PtauFormatError(`the .ptau's ${what} section is inconsistent with the others (pairing check)`, {
        details: `domain 2^${p.domainPower}`,
      });
  }
  if (!pairingProductIsOne([p.beta1, g1Neg(G1_GENERATOR)], [G2_GENERATOR, p.beta2]))
    throw new PtauFormatError("the .ptau's betaG2 does not match betaTauG1[0]");
}
