/// <reference types="@webgpu/types" />
/**
 * A small local proof in the visitor's browser: the prover's own folding code (folding/tree.ts) on a
 * tiny step circuit, with private mode's blinding — every `cmW` and `cmT` hiding (a random coefficient
 * on an extra SRS power), as `novanet prove --private` folds — then checked the way a verifier would:
 * the fold transcript re-verified from the leaf instances (`verifyFoldTranscript`) and the root's
 * witness checked against its instance (`checkRelaxed`: `Az∘Bz = u·Cz + E` and both commitments).
 *
 * What it is not: the whole private bundle — no salted state commitments (the wrapper circuit F̂ is a
 * circom circuit compiled by the CLI) and no decider proof (Groth16 keys of megabytes); those stay with
 * `novanet prove --private`. The SRS is a dev SRS made in the page from a random τ that the page then
 * forgets (INSECURE by construction: only for this demonstration).
 *
 * Step circuit F ("cubic", the same as test/fixtures/circuits/cubic.circom): z' = z³ + z + 5, as the
 * R1CS over wires (1, z', z, z², z³): z·z = z², z²·z = z³, 1·(z³ + z + 5) = z'.
 *
 * Where WebGPU runs (`gpu` given), the leaves' products, the cross terms, the folds and every MSM run on
 * it (gpu/fold.ts, msm/webgpu/msm.ts); otherwise all on the CPU (bigint kernels, @noble/curves MSM).
 */
import { bigintKernels } from "../arith/kernels.js";
import { type R1csShape, shapeFromRows } from "../arith/r1cs.js";
import { srsFromTau } from "../commitment/srs.js";
import { P, randomFr } from "../field/fr.js";
import { checkRelaxed, type FoldContext } from "../folding/nifs.js";
import { foldTree, makeLeaf, verifyFoldTranscript } from "../folding/tree.js";
import { createWebGpuFold } from "../gpu/fold.js";
import type { MsmBackend } from "../msm/backend.js";
import { createNobleBackend } from "../msm/cpu/noble.js";
import { createWebGpuMsm } from "../msm/webgpu/msm.js";

export type BrowserProofReport = {
  /** "webgpu (adapter)" or "cpu" — where the products, folds and MSMs ran. */
  ran: string;
  steps: number;
  z0: string;
  zN: string;
  /** Milliseconds: leaves, folds, verification. */
  leavesMs: number;
  foldsMs: number;
  verifyMs: number;
  /** The transcript re-verified and the root witness satisfies the root instance. */
  verified: boolean;
  /** A root witness with one entry changed is rejected (the check can fail). */
  tamperedRejected: boolean;
};

/** F as an R1CS shape (s = 1). */
export function cubicShape(): R1csShape {
  return shapeFromRows({
    nVars: 5,
    nPubOut: 1,
    nPubIn: 1,
    A: [{ 2: 1n }, { 3: 1n }, { 0: 1n }],
    B: [{ 2: 1n }, { 2: 1n }, { 4: 1n, 2: 1n, 0: 5n }],
    C: [{ 3: 1n }, { 4: 1n }, { 1: 1n }],
  });
}

/** F's full witness for input z: (1, z', z, z², z³). */
export function cubicWitness(z: bigint): bigint[] {
  const z2 = (z * z) % P;
  const z3 = (z2 * z) % P;
  return [1n, (z3 + z + 5n) % P, z, z2, z3];
}

/**
 * Proves `z_N = F^N(z_0)` by folding N leaves with hiding commitments, then verifies it. `gpu`: a
 * WebGPU device to run on (its adapter's name for the report); without it, the CPU.
 */
export async function runLocalProof(
  steps = 8,
  z0 = 3n,
  gpu?: { device: GPUDevice; adapter: string },
): Promise<BrowserProofReport> {
  const shape = cubicShape();
  const srs = srsFromTau(randomFr(), 8);
  let backend: MsmBackend = createNobleBackend();
  const ctx: FoldContext = { shape, srs, domain: `0x${"00".repeat(31)}01`, jobId: 0n, hiding: true, backend };
  let fold: FoldContext["fold"] = "cpu";
  if (gpu) {
    backend = await createWebGpuMsm(gpu.device, { adapter: gpu.adapter });
    fold = await createWebGpuFold(gpu.device, gpu.adapter);
    Object.assign(ctx, { backend, fold });
  } else Object.assign(ctx, { kernels: bigintKernels, fold });
  let t = performance.now();
  const leaves = [];
  let z = z0;
  for (let k = 0; k < steps; k++) {
    const w = cubicWitness(z);
    leaves.push(await makeLeaf(shape, srs, w, { k, hiding: true, backend, fold }));
    z = w[1];
  }
  const leavesMs = performance.now() - t;
  t = performance.now();
  const { root, folds } = await foldTree(leaves, ctx);
  const foldsMs = performance.now() - t;
  t = performance.now();
  const U = verifyFoldTranscript(
    leaves.map((l) => l.node),
    folds,
    ctx,
  ).U;
  const verified =
    U.cmW.x === root.node.U.cmW.x &&
    root.node.zOut[0] === z &&
    (await checkRelaxed(shape, srs, root.node.U, root.W, backend));
  const verifyMs = performance.now() - t;
  const bad = { ...root.W, W: root.W.W.map((v, i) => (i === 0 ? (v + 1n) % P : v)), E: [...root.W.E] };
  const tamperedRejected = !(await checkRelaxed(shape, srs, root.node.U, bad, backend));
  if (gpu) (fold as { release(): void }).release();
  return {
    ran: gpu ? `webgpu (${gpu.adapter})` : "cpu",
    steps,
    z0: z0.toString(),
    zN: z.toString(),
    leavesMs,
    foldsMs,
    verifyMs,
    verified,
    tamperedRejected,
  };
}
