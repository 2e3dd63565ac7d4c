/**
 * Baseline MSM backend: ffjavascript's WebAssembly Pippenger (`curve.G1.multiExpAffine`), split across
 * worker threads unless `singleThread`. Cost: ≈ n / log n group additions in wasm, divided over the
 * threads. Variable time (fine: commitments are to public or prover-held data, not keys).
 *
 * One curve instance per process and per threading mode is shared by every backend created here
 * (the multi-threaded one is ffjavascript's global `curve_bn128`, which snarkjs uses too). Call
 * {@link MsmBackend.terminate} once at the end (tests: in a root `after` hook) so the process exits.
 */
import { buildBn128, type FfCurve } from "ffjavascript";
import { G1_ZERO, type G1Affine } from "../../curve/bn254.js";
import { assertMsmInput, type MsmBackend } from "../backend.js";

export type FfjavascriptBackendOptions = {
  /** Run in the calling thread only (no workers). Default false. */
  singleThread?: boolean;
};

const curves = new Map<boolean, Promise<FfCurve>>();

function curveFor(singleThread: boolean): Promise<FfCurve> {
  let c = curves.get(singleThread);
  if (!c) {
    c = buildBn128(singleThread);
    curves.set(singleThread, c);
  }
  return c;
}

/** Jacobian or affine Montgomery bytes → affine bigint point. */
export function ffPointToAffine(curve: FfCurve, p: Uint8Array): G1Affine {
  if (curve.G1.isZero(p)) return G1_ZERO;
  const [x, y] = curve.G1.toObject(curve.G1.toAffine(p));
  return { x, y };
}

/**
 * Creates (or reuses) the ffjavascript curve and returns an {@link MsmBackend} on it.
 *
 * @example
 * const backend = await createFfjavascriptBackend();
 * const cm = await backend.msm(srs.g1Lem.subarray(0, 64 * v.length), scalarsToLe(v));
 * await backend.terminate();
 */
export async function createFfjavascriptBackend(options: FfjavascriptBackendOptions = {}): Promise<MsmBackend> {
  const singleThread = options.singleThread ?? false;
  const curve = await curveFor(singleThread);
  return {
    name: singleThread ? "cpu-ffjavascript-wasm-1t" : "cpu-ffjavascript-wasm",
    async msm(points: Uint8Array, scalars: Uint8Array): Promise<G1Affine> {
      const n = assertMsmInput(points, scalars);
      if (n === 0) return G1_ZERO;
      const res = await curve.G1.multiExpAffine(points, scalars);
      return ffPointToAffine(curve, res);
    },
    async terminate(): Promise<void> {
      if (curves.get(singleThread) === undefined) return;
      curves.delete(singleThread);
      await curve.terminate();
    },
  };
}
