/**
 * What a node should announce in the prover registry (`register(peerId, maxConstraints, gpu)`): a
 * short calibration times one whole fold step (`proveFold`: cross term, cmT, the folds) at 2^logN
 * constraints on the WebGPU path (gpu/fold.ts + the WebGPU MSM) and on the CPU path (field kernels +
 * the default CPU MSM), and turns the faster one's speed into a capacity: the largest power of two of
 * constraints whose fold step is estimated (linearly) to fit in `budgetMs`, bounded by what one GPU
 * binding holds on the GPU path. The GPU flag is set when a hardware adapter exists and its fold step
 * is faster than the CPU's — a software adapter (llvmpipe, SwiftShader) never sets it.
 *
 * For the node (prover/src/node, prover/src/cli/node.ts `register --auto-capacity`): call
 * {@link gpuCapacity} at registration and pass `maxConstraints` and `gpu` on.
 */
import { randomBytes } from "node:crypto";
import { defaultFieldKernels, packFr } from "../arith/kernels.js";
import { shapeFromRows } from "../arith/r1cs.js";
import { witnessFromPacked } from "../arith/relaxed.js";
import type { Srs } from "../commitment/srs.js";
import { G1_GENERATOR, G2_GENERATOR, g1Mul } from "../curve/bn254.js";
import { P } from "../field/fr.js";
import { type FoldContext, proveFold, type RunningPair } from "../folding/nifs.js";
import type { MsmBackend } from "../msm/backend.js";
import { createSelectedMsmBackend, setDefaultMsmBackend } from "../msm/default.js";
import { g1ToLem } from "../msm/lem.js";
import { createWebGpuFold } from "./fold.js";
import { setDefaultFoldBackend } from "./select.js";

export type GpuCapacity = {
  /** The registry's GPU flag: a hardware adapter whose fold step beat the CPU's. */
  gpu: boolean;
  /** The WebGPU adapter found, if any, and whether it is a software one. */
  adapter?: string;
  software?: boolean;
  /** Why the GPU path did not run. */
  reason?: string;
  /** Milliseconds of one fold step at 2^logN constraints on each path that ran. */
  foldMs: { webgpu?: number; cpu: number };
  /** The path to run folds on (`NOVANET_FOLD` / `NOVANET_MSM`). */
  use: "webgpu" | "cpu";
  /** Constraints per fold step to announce. */
  maxConstraints: bigint;
};

/** Adapter names of software rasterisers (never flagged as a GPU, never chosen automatically for a node). */
export const SOFTWARE_ADAPTER = /llvmpipe|swiftshader|lavapipe|softpipe|software/i;

const rand = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;

/** Synthetic fold inputs at m constraints: uniform products and errors, a witness-like right child. */
function inputs(m: number): { ctx: Omit<FoldContext, "backend">; left: RunningPair; right: RunningPair } {
  const g1Lem = new Uint8Array(64 * (m + 1));
  let p = G1_GENERATOR;
  // Distinct bases 2^i·G (doublings are cheap); the calibration only times, nothing is bound to them.
  for (let i = 0; i <= m; i++) {
    g1ToLem(p, g1Lem, 64 * i);
    p = g1Mul(p, 2n);
  }
  const srs: Srs = { n: m + 1, g1Lem, tauG2: G2_GENERATOR };
  const shape = shapeFromRows({
    nVars: m + 3,
    nPubOut: 1,
    nPubIn: 1,
    A: Array.from({ length: m }, () => ({})),
    B: Array.from({ length: m }, () => ({})),
    C: Array.from({ length: m }, () => ({})),
  });
  const vec = (f: (i: number) => bigint, n: number) => packFr(Array.from({ length: n }, (_, i) => f(i)));
  const small = (i: number) => (i % 3 === 0 ? 0n : i % 47 === 0 ? BigInt(i) : 1n);
  const pair = (leaf: boolean): RunningPair => ({
    U: { cmW: G1_GENERATOR, cmE: G1_GENERATOR, u: leaf ? 1n : rand(), x: [rand(), rand()] },
    W: witnessFromPacked({ W: vec(leaf ? small : rand, shape.nW), E: vec(leaf ? () => 0n : rand, m) }, 0n, 0n),
    abc: { Az: vec(rand, m), Bz: vec(rand, m), Cz: vec(rand, m) },
  });
  return {
    ctx: { shape, srs, domain: `0x${"00".repeat(32)}`, jobId: 0n },
    left: pair(false),
    right: pair(true),
  };
}

async function timeFold(ctx: FoldContext, left: RunningPair, right: RunningPair): Promise<number> {
  await proveFold(ctx, 1n, left, right); // warm-up: kernels compiled, bases uploaded
  const t = performance.now();
  await proveFold(ctx, 1n, left, right);
  return performance.now() - t;
}

/**
 * Measures both paths and returns what to announce. `budgetMs`: the time one assigned fold step may take
 * (default 10 s); `logN`: calibration size (default 2^12 constraints: seconds on a software adapter).
 * `adopt`: when the GPU wins, make it this process's default MSM and fold backend (a node that then
 * folds uses it). Never throws for a missing GPU: `reason` says why only the CPU was measured.
 */
export async function gpuCapacity(
  opts: { budgetMs?: number; logN?: number; adopt?: boolean } = {},
): Promise<GpuCapacity> {
  const budgetMs = opts.budgetMs ?? 10_000;
  const m = 2 ** (opts.logN ?? 12);
  const { ctx, left, right } = inputs(m);
  const cpuMsm: MsmBackend = await createSelectedMsmBackend("");
  let cpu: number;
  try {
    cpu = await timeFold({ ...ctx, backend: cpuMsm, kernels: defaultFieldKernels(), fold: "cpu" }, left, right);
  } finally {
    await cpuMsm.terminate();
  }
  const scale = (ms: number, cap = Number.POSITIVE_INFINITY) => {
    let k = 0;
    while (2 ** (k + 1) <= cap && (ms * 2 ** (k + 1)) / m <= budgetMs && k < 30) k++;
    return BigInt(2 ** Math.max(k, 0));
  };
  const result: GpuCapacity = { gpu: false, foldMs: { cpu }, use: "cpu", maxConstraints: scale(cpu) };
  try {
    const { createWebGpuBackend } = await import("../msm/webgpu/node.js");
    // The device is kept, not destroyed: on Dawn's OpenGL ES backend a device requested after another
    // was destroyed never completes its work (msm/webgpu/node.ts).
    const msm = await createWebGpuBackend();
    const fold = await createWebGpuFold(msm.device, msm.adapter);
    const ms = await timeFold({ ...ctx, backend: msm, fold }, left, right);
    result.adapter = msm.adapter;
    result.software = SOFTWARE_ADAPTER.test(msm.adapter);
    result.foldMs.webgpu = ms;
    if (ms < cpu) {
      // Az|Bz|Cz of 96 bytes per constraint is the largest binding of a fold step.
      const cap = Math.floor(msm.device.limits.maxStorageBufferBindingSize / 96);
      result.use = "webgpu";
      result.maxConstraints = scale(ms, cap);
      result.gpu = !result.software;
      if (opts.adopt) {
        setDefaultMsmBackend(msm);
        setDefaultFoldBackend(fold);
      }
    }
  } catch (error) {
    result.reason = (error as Error).message.split("\n")[0];
  }
  return result;
}
