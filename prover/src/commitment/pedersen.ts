/**
 * KZG-compatible Pedersen vector commitments (docs/protocol.md §2, §7):
 * `cm(v) = Σ_i v_i·[τ^i]G1 (+ blind·[τ^len(v)]G1 when hiding)`.
 *
 * Additively homomorphic — `cm(a) + r·cm(b) = cm(a + r·b)` with blinds combining the same way — which
 * is what folding needs. Binding under the discrete-log / q-SDH assumptions on the SRS; hiding only
 * with a uniformly random `blind`. Cost: one MSM of the non-zero entries (zero scalars are skipped,
 * small ones go into MSMs with fewer windows).
 */
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
