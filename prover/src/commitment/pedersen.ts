/**
 * KZG-compatible Pedersen vector commitments (docs/protocol.md §2, §7):
 * `cm(v) = Σ_i v_i·[τ^i]G1 (+ blind·[τ^len(v)]G1 when hiding)`.
 *
 * Additively homomorphic — `cm(a) + r·cm(b) = cm(a + r·b)` with blinds combining the same way — which
 * is what folding needs. Binding under the discrete-log / q-SDH assumptions on the SRS; hiding only
 * with a uniformly random `blind`. Cost: one MSM of the non-zero entries (zero scalars are skipped,
 * small ones go into MSMs with fewer windows).
 */

import type { FrVec } from "../arith/kernels.js";
import { G1_ZERO, type G1Affine, g1Add } from "../curve/bn254.js";
import { MsmInputError } from "../errors/commitment.js";
import { assertFr, P } from "../field/fr.js";
import { type MsmBackend, scalarsToLe } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import { assertSrsFits, type Srs } from "./srs.js";

/**
 * Commits to `v` from power 0, with `blind` (if non-zero) as the coefficient of power `len(v)`.
 *
 * @throws {SrsTooSmallError} `len(v)` (+1 with a non-zero blind) exceeds the SRS.
 * @throws {MsmInputError} an entry is not a canonical F_p element.
 * @example
 * const cmW = await commit(srs, W, rW);
 */
export async function commit(srs: Srs, v: readonly bigint[], blind = 0n, backend?: MsmBackend): Promise<G1Affine> {
  assertFr(blind, "blind");
  const hiding = blind !== 0n;
  assertSrsFits(srs, v.length, hiding, "committed vector");
  const coeffs = hiding ? [...v, blind] : v;
  const msm = backend ?? (await defaultMsmBackend());
  // Split the non-zero coefficients by size: a Pippenger window pass costs about the same for every
  // point, so a scalar below 2^8 (bits, flags) or 2^64 (counters, bytes, limbs) goes into an MSM with
  // 1- or 8-byte scalars (1 or ≈ 6 windows instead of ≈ 22). Zero coefficients are skipped.
  const classes = [
    { bytes: 1, limit: 1n << 8n, idx: [] as number[] },
    { bytes: 8, limit: 1n << 64n, idx: [] as number[] },
    { bytes: 32, limit: P, idx: [] as number[] },
  ];
  for (let i = 0; i < coeffs.length; i++) {
    const c = coeffs[i];
    if (c === 0n) continue;
    if (typeof c !== "bigint" || c < 0n || c >= P) {
      throw new MsmInputError("committed value is not a canonical element of F_p", {
        details: `index ${i}: ${String(c)}`,
      });
    }
    (c < classes[0].limit ? classes[0] : c < classes[1].limit ? classes[1] : classes[2]).idx.push(i);
  }
  const parts = classes
    .filter((k) => k.idx.length > 0)
    .map((k) => {
      const points = new Uint8Array(64 * k.idx.length);
      const scalars = new Array<bigint>(k.idx.length);
      k.idx.forEach((i, j) => {
        points.set(srs.g1Lem.subarray(64 * i, 64 * i + 64), 64 * j);
        scalars[j] = coeffs[i];
      });
      return msm.msm(points, scalarsToLe(scalars, k.bytes), k.bytes);
    });
  let acc: G1Affine = G1_ZERO;
  for (const p of await Promise.all(parts)) acc = g1Add(acc, p);
  return acc;
}

/** The top 32 bits of p: a packed element whose top word is below this is canonical without a bigint. */
const P_TOP32 = Number(P >> 224n);

/**
 * {@link commit} for a packed vector (arith/kernels.ts `FrVec`, e.g. `T`, `E` or `W` from the field
 * kernels): the same commitment, computed without a bigint per element — each element's bytes go to
 * the MSM as they are, classed by their highest non-zero byte (zero skipped, ≤ 1 byte, ≤ 8 bytes,
 * full width), and only elements whose top word equals p's are compared with p as bigints.
 *
 * @throws {SrsTooSmallError} `len(v)` (+1 with a non-zero blind) exceeds the SRS.
 * @throws {MsmInputError} an element is ≥ p or `v` is not 32 bytes per element.
 */
export async function commitPacked(srs: Srs, v: FrVec, blind = 0n, backend?: MsmBackend): Promise<G1Affine> {
  assertFr(blind, "blind");
  if (v.length % 32 !== 0) {
    throw new MsmInputError("committed vector is not 32 bytes per element", { details: `${v.length} bytes` });
  }
  const n = v.length / 32;
  const hiding = blind !== 0n;
  assertSrsFits(srs, n, hiding, "committed vector");
  const msm = backend ?? (await defaultMsmBackend());
  if (msm.msmFixed) {
    // Fixed bases: the backend keeps the SRS prepared and classes the scalars itself (and checks them).
    const cm = await msm.msmFixed(srs.g1Lem, v);
    if (!hiding) return cm;
    const bl = await msm.msm(srs.g1Lem.subarray(64 * n, 64 * n + 64), scalarsToLe([blind], 32), 32);
    return g1Add(cm, bl);
  }
  if (msm.wholeVectors) {
    // One MSM over the SRS prefix (resident on the device); the backend checks and classes the scalars.
    if (!hiding) return msm.msm(srs.g1Lem.subarray(0, 64 * n), v, 32);
    const s = new Uint8Array(32 * (n + 1));
    s.set(v);
    s.set(scalarsToLe([blind], 32), 32 * n);
    return msm.msm(srs.g1Lem.subarray(0, 64 * (n + 1)), s, 32);
  }
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const classOf = new Uint8Array(n); // 0 zero, 1 one byte, 2 eight bytes, 3 full
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const o = 32 * i;
    const top = dv.getUint32(o + 28, true);
    let c: number;
    if (
      top !== 0 ||
      dv.getUint32(o + 24, true) !== 0 ||
      dv.getUint32(o + 20, true) !== 0 ||
      dv.getUint32(o + 16, true) !== 0 ||
      dv.getUint32(o + 12, true) !== 0 ||
      dv.getUint32(o + 8, true) !== 0
    ) {
      c = 3;
      if (top >= P_TOP32) {
        let x = 0n;
        for (let j = 31; j >= 0; j--) x = (x << 8n) | BigInt(v[o + j]);
        if (x >= P) {
          throw new MsmInputError("committed value is not a canonical element of F_p", { details: `index ${i}: ${x}` });
        }
      }
    } else if (dv.getUint32(o + 4, true) !== 0 || (dv.getUint32(o, true) & 0xffffff00) !== 0) c = 2;
    else c = v[o] !== 0 ? 1 : 0;
    classOf[i] = c;
    counts[c]++;
  }
  const widths = [0, 1, 8, 32];
  const parts: Promise<G1Affine>[] = [];
  for (let c = 1; c <= 3; c++) {
    const count = counts[c] + (c === 3 && hiding ? 1 : 0);
    if (count === 0) continue;
    const w = widths[c];
    const points = new Uint8Array(64 * count);
    const scalars = new Uint8Array(w * count);
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (classOf[i] !== c) continue;
      points.set(srs.g1Lem.subarray(64 * i, 64 * i + 64), 64 * j);
      scalars.set(v.subarray(32 * i, 32 * i + w), w * j);
      j++;
    }
    if (c === 3 && hiding) {
      points.set(srs.g1Lem.subarray(64 * n, 64 * n + 64), 64 * j);
      scalars.set(scalarsToLe([blind], 32), 32 * j);
    }
    parts.push(msm.msm(points, scalars, w));
  }
  let acc: G1Affine = G1_ZERO;
  for (const p of await Promise.all(parts)) acc = g1Add(acc, p);
  return acc;
}
