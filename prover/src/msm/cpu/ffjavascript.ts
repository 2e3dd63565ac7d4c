/**
 * Baseline MSM backend: ffjavascript's WebAssembly Pippenger (`curve.G1.multiExpAffine`), split across
 * worker threads unless `singleThread`. Cost: ≈ n / log n group additions in wasm, divided over the
 * threads. Variable time (fine: commitments are to public or prover-held data, not keys).
 *
 * One curve instance per process and per threading mode is shared by every backend created here
 * (the multi-threaded one is ffjavascript's global `curve_bn128`, which snarkjs uses too). Call
 * {@link MsmBackend.terminate} at the end (tests: in an `after` hook) so that the worker threads stop
 * and the process exits; a later `msm` call starts a new curve.
 */
import { buildBn128, type FfCurve } from "ffjavascript";
import { G1_ZERO, type G1Affine } from "../../curve/bn254.js";
import { assertMsmInput, type MsmBackend } from "../backend.js";

export type FfjavascriptBackendOptions = {
  /** Run in the calling thread only (no workers). Default false. */
  singleThread?: boolean;
};

let singleThreadCurve: Promise<FfCurve> | undefined;

/**
 * The curve to run on. Multi-threaded: ffjavascript's process-wide `curve_bn128`, fetched on every call,
 * so that if another user (snarkjs, the dev-SRS generator) terminated it, a fresh one is built instead
 * of queueing work on dead workers. Single-threaded: one private instance.
 */
let sharedBuild: Promise<FfCurve> | undefined;

function curveFor(singleThread: boolean): Promise<FfCurve> {
  if (!singleThread) {
    const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
    if (shared) return Promise.resolve(shared);
    // One build at a time: concurrent callers share it instead of each spawning workers.
    if (!sharedBuild) {
      sharedBuild = buildBn128(false).finally(() => {
        sharedBuild = undefined;
      });
    }
    return sharedBuild;
  }
  if (!singleThreadCurve) singleThreadCurve = buildBn128(true);
  return singleThreadCurve;
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
  await curveFor(singleThread);
  return {
    name: singleThread ? "cpu-ffjavascript-wasm-1t" : "cpu-ffjavascript-wasm",
    async msm(points: Uint8Array, scalars: Uint8Array, scalarBytes = 32): Promise<G1Affine> {
      const n = assertMsmInput(points, scalars, scalarBytes);
      if (n === 0) return G1_ZERO;
      const curve = await curveFor(singleThread);
      const res = await curve.G1.multiExpAffine(points, scalars);
      return ffPointToAffine(curve, res);
    },
    async terminate(): Promise<void> {
      if (singleThread) {
        singleThreadCurve = undefined;
        return;
      }
      // Terminates ffjavascript's shared multi-threaded curve if one is running (a later call builds a new one).
      const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
      if (shared) await shared.terminate();
    },
  };
}
