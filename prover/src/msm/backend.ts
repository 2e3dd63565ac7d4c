/**
 * The multi-scalar multiplication interface. Commitments are MSMs over a prefix of the SRS
 * (`Σ s_i·[τ^i]G1`), and they dominate the prover's time, so backends are swappable: the baseline is
 * ffjavascript's WebAssembly multi-threaded Pippenger ({@link createFfjavascriptBackend}); faster CPU
 * and WebGPU backends implement the same interface.
 *
 * Formats (fixed so that no backend converts the SRS per call):
 * - points: affine, little-endian Montgomery (ffjavascript `LEM`), 64 bytes per point — the bytes of a
 *   snarkjs `.ptau` tauG1 section;
 * - scalars: canonical F_p elements, little-endian, `scalarBytes` each (32 by default; callers pass
 *   fewer bytes for small scalars, which cuts the number of Pippenger windows — see {@link scalarsToLe}).
 */
import type { G1Affine } from "../curve/bn254.js";
import { MsmInputError } from "../errors/commitment.js";
import { P } from "../field/fr.js";

export interface MsmBackend {
  /** A short identifier, e.g. `"cpu-ffjavascript-wasm"`. */
  readonly name: string;
  /**
   * `Σ scalars[i]·points[i]` as an affine bigint point ((0, 0) for the identity).
   * `points.length / 64` must equal `scalars.length / scalarBytes` (1 ≤ scalarBytes ≤ 32, default 32).
   * Does not check that points are on the curve (SRS points are validated when loaded).
   */
  msm(points: Uint8Array, scalars: Uint8Array, scalarBytes?: number): Promise<G1Affine>;
  /**
   * True when the backend splits scalars by size itself and keeps bases resident between calls (the
   * WebGPU backend): commitments then pass it the SRS prefix and the whole vector (commitment/pedersen.ts)
   * rather than gathered subsets, which would be new bases on every call.
   */
  readonly wholeVectors?: boolean;
  /**
   * Optional (fixed bases): `Σ v_i·bases[i]` for a packed vector `v` of canonical F_p elements (32 bytes
   * each, little-endian: arith/kernels.ts `FrVec`) over the first `len(v)` points of `bases`, a
   * long-lived buffer in the `points` format — the SRS's `g1Lem` — that the backend prepares once and
   * keeps, keyed by the buffer object (so it must not be modified afterwards). Throws
   * {@link MsmInputError} if `v` is not 32 bytes per element, is longer than `bases`, or holds an
   * element ≥ p. Commitments (commitment/pedersen.ts `commitPacked`) use it when present.
   */
  msmFixed?(bases: Uint8Array, v: Uint8Array): Promise<G1Affine>;
  /** Releases threads or devices; the backend is unusable afterwards. */
  terminate(): Promise<void>;
}

/**
 * Packs canonical F_p elements into `bytes`-byte little-endian words (default 32). Throws
 * {@link MsmInputError} on a value ∉ [0, p) or one that does not fit in `bytes` bytes.
 */
export function scalarsToLe(v: readonly bigint[], bytes = 32): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 32) {
    throw new MsmInputError("scalar width must be 1..32 bytes", { details: String(bytes) });
  }
  const out = new Uint8Array(bytes * v.length);
  const dv = new DataView(out.buffer);
  const mask = (1n << 64n) - 1n;
  const limit = bytes === 32 ? P : 1n << BigInt(8 * bytes);
  for (let i = 0; i < v.length; i++) {
    const s = v[i];
    if (typeof s !== "bigint" || s < 0n || s >= P) {
      throw new MsmInputError("MSM scalar is not a canonical element of F_p", { details: `index ${i}: ${String(s)}` });
    }
    if (s >= limit) {
      throw new MsmInputError(`MSM scalar does not fit in ${bytes} bytes`, { details: `index ${i}: ${s}` });
    }
    if (s === 0n) continue;
    const o = bytes * i;
    if (bytes === 32) {
      dv.setBigUint64(o, s & mask, true);
      dv.setBigUint64(o + 8, (s >> 64n) & mask, true);
      dv.setBigUint64(o + 16, (s >> 128n) & mask, true);
      dv.setBigUint64(o + 24, s >> 192n, true);
    } else if (bytes === 8) {
      dv.setBigUint64(o, s, true);
    } else {
      let t = s;
      for (let j = 0; j < bytes && t !== 0n; j++) {
        out[o + j] = Number(t & 0xffn);
        t >>= 8n;
      }
    }
  }
  return out;
}

/** Throws {@link MsmInputError} unless the buffers hold the same number of points and scalars. */
export function assertMsmInput(points: Uint8Array, scalars: Uint8Array, scalarBytes = 32): number {
  if (
    !Number.isInteger(scalarBytes) ||
    scalarBytes < 1 ||
    scalarBytes > 32 ||
    points.length % 64 !== 0 ||
    scalars.length % scalarBytes !== 0 ||
    points.length / 64 !== scalars.length / scalarBytes
  ) {
    throw new MsmInputError("MSM points and scalars do not match", {
      details: `${points.length} point bytes (64 per point), ${scalars.length} scalar bytes (${scalarBytes} per scalar)`,
    });
  }
  return points.length / 64;
}
