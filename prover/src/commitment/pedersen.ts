/**
 * KZG-compatible Pedersen vector commitments (docs/protocol.md §2, §7):
 * `cm(v) = Σ_i v_i·[τ^i]G1 (+ blind·[τ^len(v)]G1 when hiding)`.
 *
 * Additively homomorphic — `cm(a) + r·cm(b) = cm(a + r·b)` with blinds combining the same way — which
 * is what folding needs. Binding under the discrete-log / q-SDH assumptions on the SRS; hiding only
 * with a uniformly random `blind`. Cost: one MSM of the non-zero entries (zero scalars are skipped).
 */
import type { G1Affine } from "../curve/bn254.js";
import { assertFr } from "../field/fr.js";
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
  let nonZero = 0;
  for (const c of coeffs) if (c !== 0n) nonZero++;
  const msm = backend ?? (await defaultMsmBackend());
  if (nonZero === coeffs.length) {
    return msm.msm(srs.g1Lem.subarray(0, 64 * coeffs.length), scalarsToLe(coeffs));
  }
  // Skip zero scalars: gather the bases of the non-zero entries (a memcpy each).
  const points = new Uint8Array(64 * nonZero);
  const scalars = new Array<bigint>(nonZero);
  let k = 0;
  for (let i = 0; i < coeffs.length; i++) {
    if (coeffs[i] === 0n) continue;
    points.set(srs.g1Lem.subarray(64 * i, 64 * i + 64), 64 * k);
    scalars[k++] = coeffs[i];
  }
  return msm.msm(points, scalarsToLe(scalars));
}
