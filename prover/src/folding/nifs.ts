/**
 * Nova's non-interactive folding scheme (NIFS) for two relaxed R1CS instances (Nova paper §4, Fig. 3
 * "relaxed + relaxed", as in microsoft/Nova `src/nifs.rs` and sonobe's `nova/nifs.rs`).
 *
 * Notation is the paper's: `U` instances, `W` witnesses, `u`, `x`, `E`, cross term `T`, `cmT`, challenge `r`.
 *
 *   T   = Az1∘Bz2 + Az2∘Bz1 − u1·Cz2 − u2·Cz1
 *   r   = keccak256(abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT)) mod p   (transcript v1; v2: transcript.ts)
 *   U   = (cmW1 + r·cmW2, cmE1 + r·cmT + r²·cmE2, u1 + r·u2, x1 + r·x2)
 *   W   = W1 + r·W2,  E = E1 + r·T + r²·E2   (blinds: rW = rW1 + r·rW2, rE = rE1 + r·rT + r²·rE2)
 *
 * Guarantee (completeness and knowledge soundness of Nova's NIFS): the folded witness satisfies the
 * folded instance iff both inputs did, except with probability ≈ 2/p over `r` (the relation is a
 * degree-2 polynomial in `r`). The prover and the verifier call the same {@link foldInstances} and
 * {@link foldChallenge}; the Solidity `Fold` library reproduces both byte for byte.
 */
import type { Hex } from "viem";
import { defaultFieldKernels, type FieldKernels, type FrVec, type PackedProducts } from "../arith/kernels.js";
import { type AbcProducts, multiplyPacked, type R1csShape } from "../arith/r1cs.js";
import {
  assembleZPacked,
  packedWitness,
  type RelaxedInstance,
  type RelaxedWitness,
  witnessFromPacked,
} from "../arith/relaxed.js";
import { commitPacked } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import { type G1Affine, g1Equal, g1FromAffine, g1ToAffine } from "../curve/bn254.js";
import { FrVectorLengthError, WitnessLengthError } from "../errors/arith.js";
import { FieldElementError } from "../errors/curve.js";
import { FoldShapeError } from "../errors/folding.js";
import { assertFr, assertFrVector, P, randomFr, vecAxpy } from "../field/fr.js";
import type { GpuFoldBackend } from "../gpu/fold.js";
import { defaultFoldBackend } from "../gpu/select.js";
import type { MsmBackend } from "../msm/backend.js";
import { nativeG1Combination } from "../msm/cpu/native.js";
import { nodeRange, splitPoint } from "../tree/shape.js";
import { foldChallenge, foldTag, leafTag, tagChallenge } from "./transcript.js";

/** Everything a fold depends on besides the two inputs. */
export type FoldContext = {
  shape: R1csShape;
  srs: Srs;
  /** `domainSeparator(...)` of transcript.ts. */
  domain: Hex;
  /** The job id (0n for a local bundle). */
  jobId: bigint;
  /** MSM backend for `cmT` (default: the process default backend). */
  backend?: MsmBackend;
  /** Blind `cmT` with a random coefficient (needs the SRS to hold m + 1 powers). Default false. */
  hiding?: boolean;
  /** Field kernels for `T` and the folds (default: arith/kernels.ts `defaultFieldKernels()`). */
  kernels?: FieldKernels;
  /**
   * The GPU fold backend (gpu/fold.ts) for `T` and the folds, or `"cpu"` for the field kernels. Default:
   * gpu/select.ts `defaultFoldBackend()` (`NOVANET_FOLD=webgpu`, or `NOVANET_MSM=webgpu`) unless
   * `kernels` is given; otherwise the CPU.
   */
  fold?: GpuFoldBackend | "cpu";
  /**
   * The fold transcript: the folds of nodes covering at most `v2Leaves` leaves use transcript v2 (transcript.ts
   * `foldTag`, what contracts/market/Chunks.sol `foldChunk` verifies batched), the others v1 (`foldChallenge`,
   * the Solidity `Fold` library). The v2 market: its chunk size `2^chunkLog` (a chunk's folds v2, the merges
   * above v1, which fold stored instances); a bundle for the v2 market: its number of leaves; v1 (ProofMarket,
   * private bundles, CLI bundles): 0, the default.
   */
  v2Leaves?: number;
};

/**
 * A running instance with its witness and the packed products `Az, Bz, Cz` of its `z` (kept so folds
 * reuse them: a fold never recomputes a matrix product).
 */
export type RunningPair = {
  U: RelaxedInstance;
  W: RelaxedWitness;
  abc: PackedProducts;
  /** The node's transcript-v2 tag, set by a v2 fold (a leaf's is derived from its instance). */
  tag?: Hex;
};

/**
 * `T = Az1∘Bz2 + Az2∘Bz1 − u1·Cz2 − u2·Cz1` from the children's products, on bigints: the reference
 * that the field kernels (arith/kernels.ts) are tested against, and the decider's. Cost: 4m
 * multiplications, one `%` per entry.
 */
export function crossTerm(abc1: AbcProducts, u1: bigint, abc2: AbcProducts, u2: bigint): bigint[] {
  const m = abc1.Az.length;
  if (abc2.Az.length !== m) {
    throw new FoldShapeError("the two witnesses have different numbers of constraints", {
      details: `${m} vs ${abc2.Az.length}`,
    });
  }
  const { Az: A1, Bz: B1, Cz: C1 } = abc1;
  const { Az: A2, Bz: B2, Cz: C2 } = abc2;
  const nu1 = P - u1;
  const nu2 = P - u2;
  const T = new Array<bigint>(m);
  for (let i = 0; i < m; i++) T[i] = (A1[i] * B2[i] + A2[i] * B1[i] + nu1 * C2[i] + nu2 * C1[i]) % P;
  return T;
}

/**
 * The verifier's fold: `U = (cmW1 + r·cmW2, cmE1 + r·cmT + r²·cmE2, u1 + r·u2, x1 + r·x2)`.
 * Validates the points (on the curve) and scalars (canonical). Cost: two small MSMs on the native
 * addon (2 and 3 points), or without it 2 variable-time noble scalar multiplications (`cmE` by Horner:
 * `cmE1 + r·(cmT + r·cmE2)`; a third only when `cmE2 ≠ 0`) — variable time is fine, everything here
 * is public.
 */
export function foldInstances(U1: RelaxedInstance, U2: RelaxedInstance, cmT: G1Affine, r: bigint): RelaxedInstance {
  if (U1.x.length !== U2.x.length) {
    throw new FoldShapeError("the two instances have different x lengths", {
      details: `${U1.x.length} vs ${U2.x.length}`,
    });
  }
  assertFr(r, "r");
  assertFr(U1.u, "u1");
  assertFr(U2.u, "u2");
  assertFrVector(U1.x, "x1");
  assertFrVector(U2.x, "x2");
  // The points on the native MSM when the addon is built (≈ 0.1 ms against ≈ 3 ms for three noble
  // scalar multiplications); the same values as the bigint reference below (tests compare them).
  const cmW = nativeG1Combination([U1.cmW, U2.cmW], [1n, r]);
  const cmE = cmW && nativeG1Combination([U1.cmE, cmT, U2.cmE], [1n, r, (r * r) % P]);
  if (!cmW || !cmE) return foldInstancesReference(U1, U2, cmT, r);
  return { cmW, cmE, u: (U1.u + r * U2.u) % P, x: vecAxpy(U1.x, r, U2.x) };
}

/** {@link foldInstances} on noble's bigint points: the reference, and the path without the native addon. */
export function foldInstancesReference(
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  cmT: G1Affine,
  r: bigint,
): RelaxedInstance {
  if (U1.x.length !== U2.x.length) {
    throw new FoldShapeError("the two instances have different x lengths", {
      details: `${U1.x.length} vs ${U2.x.length}`,
    });
  }
  assertFr(r, "r");
  assertFr(U1.u, "u1");
  assertFr(U2.u, "u2");
  assertFrVector(U1.x, "x1");
  assertFrVector(U2.x, "x2");
  // multiplyUnsafe: variable-time wNAF/GLV (public data), returns the identity for 0 or an identity point.
  const cmW = g1FromAffine(U1.cmW).add(g1FromAffine(U2.cmW).multiplyUnsafe(r));
  const inner = g1FromAffine(cmT).add(g1FromAffine(U2.cmE).multiplyUnsafe(r));
  const cmE = g1FromAffine(U1.cmE).add(inner.multiplyUnsafe(r));
  return {
    cmW: g1ToAffine(cmW),
    cmE: g1ToAffine(cmE),
    u: (U1.u + r * U2.u) % P,
    x: vecAxpy(U1.x, r, U2.x),
  };
}

/** The prover's witness fold on bigints (reference): `W = W1 + r·W2`, `E = E1 + r·T + r²·E2`, blinds alike. */
export function foldWitnesses(
  W1: RelaxedWitness,
  W2: RelaxedWitness,
  T: readonly bigint[],
  rT: bigint,
  r: bigint,
): RelaxedWitness {
  if (W1.W.length !== W2.W.length || W1.E.length !== W2.E.length || T.length !== W1.E.length) {
    throw new FoldShapeError("the two witnesses do not have the same shape", {
      details: `W ${W1.W.length}/${W2.W.length}, E ${W1.E.length}/${W2.E.length}, T ${T.length}`,
    });
  }
  const r2 = (r * r) % P;
  const m = T.length;
  const E = new Array<bigint>(m);
  const E1 = W1.E;
  const E2 = W2.E;
  for (let i = 0; i < m; i++) E[i] = (E1[i] + r * T[i] + r2 * E2[i]) % P;
  const folded: RelaxedWitness = {
    W: vecAxpy(W1.W, r, W2.W),
    E,
    rW: (W1.rW + r * W2.rW) % P,
    rE: (W1.rE + r * rT + r2 * W2.rE) % P,
  };
  return folded;
}

/** `Az, Bz, Cz` of the folded `z = z1 + r·z2`, by linearity: `Az1 + r·Az2` etc. Cost: 3m multiplications. */
export function foldProducts(abc1: AbcProducts, abc2: AbcProducts, r: bigint): AbcProducts {
  return { Az: vecAxpy(abc1.Az, r, abc2.Az), Bz: vecAxpy(abc1.Bz, r, abc2.Bz), Cz: vecAxpy(abc1.Cz, r, abc2.Cz) };
}

/**
 * The verifier's side of one fold: recomputes `r` from the transcript and folds the instances.
 * Accepts any `cmT`; soundness comes from `r` binding it (a wrong `cmT` gives an unsatisfiable `U`).
 */
export function verifyFold(
  domain: Hex,
  jobId: bigint,
  nodeId: bigint,
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  cmT: G1Affine,
): { U: RelaxedInstance; r: bigint } {
  const r = foldChallenge(domain, jobId, nodeId, U1, U2, cmT);
  return { U: foldInstances(U1, U2, cmT, r), r };
}

export type FoldProof = { folded: RunningPair; cmT: G1Affine; r: bigint; T: FrVec };

/**
 * The challenge of folding `left` (`[a, b)`) and `right` (`[b, c)`) into `nodeId = (a << 128) | c` under the
 * context's transcript (see {@link FoldContext} `v2Leaves`), and under v2 the parent's tag. A leaf child's tag is
 * derived from its instance; an inner child must carry the tag of its own v2 fold.
 *
 * @throws {FoldShapeError} a v2 fold whose inner child has no tag (it was not folded under transcript v2).
 */
export function foldChallengeFor(
  ctx: Pick<FoldContext, "domain" | "jobId" | "v2Leaves">,
  nodeId: bigint,
  left: { U: RelaxedInstance; tag?: Hex },
  right: { U: RelaxedInstance; tag?: Hex },
  cmT: G1Affine,
): { r: bigint; tag?: Hex } {
  const v2 = ctx.v2Leaves ?? 0;
  if (v2 < 2) return { r: foldChallenge(ctx.domain, ctx.jobId, nodeId, left.U, right.U, cmT) };
  const { a, c } = nodeRange(nodeId);
  if (c - a > v2) return { r: foldChallenge(ctx.domain, ctx.jobId, nodeId, left.U, right.U, cmT) };
  const b = splitPoint(a, c);
  const tagOf = (p: { U: RelaxedInstance; tag?: Hex }, lo: number, hi: number): Hex => {
    if (hi - lo === 1) return leafTag(p.U);
    if (p.tag === undefined) {
      throw new FoldShapeError("a transcript-v2 fold needs its inner children's tags", {
        details: `[${lo}, ${hi}) was not folded under transcript v2`,
      });
    }
    return p.tag;
  };
  const tag = foldTag(ctx.domain, ctx.jobId, nodeId, tagOf(left, a, b), tagOf(right, b, c), cmT);
  return { r: tagChallenge(tag), tag };
}

/**
 * Folds the left running pair (U1, W1) and the right one (U2, W2) into the parent `nodeId`'s pair.
 * If both inputs satisfy their instances, so does the output; the verifier only needs `cmT`.
 */
export async function proveFold(
  ctx: FoldContext,
  nodeId: bigint,
  left: RunningPair,
  right: RunningPair,
): Promise<FoldProof> {
  const { U: U1, W: W1, abc: abc1 } = left;
  const { U: U2, W: W2, abc: abc2 } = right;
  const k = ctx.kernels ?? defaultFieldKernels();
  const w1 = packedWitness(W1);
  const w2 = packedWitness(W2);
  const gpu = ctx.fold === "cpu" ? undefined : (ctx.fold ?? (ctx.kernels ? undefined : await defaultFoldBackend()));
  if (gpu) return proveFoldGpu(ctx, gpu, nodeId, left, right);
  // 1. Cross term T = Az1∘Bz2 + Az2∘Bz1 − u1·Cz2 − u2·Cz1 (packed, in the field kernels).
  const T = k.crossTerm(abc1, U1.u, abc2, U2.u);
  // 2. Commit to it: cmT = cm(T, rT) (rT = 0 without hiding); T's bytes go to the MSM as they are.
  const rT = ctx.hiding ? randomFr() : 0n;
  const cmT = await commitPacked(ctx.srs, T, rT, ctx.backend);
  // 3. Challenge r (v1: keccak256(abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT)) mod p; v2: of the tags), then
  //    fold the instances.
  const { r, tag } = foldChallengeFor(ctx, nodeId, left, right, cmT);
  const U = foldInstances(U1, U2, cmT, r);
  // 4. Fold the witnesses: W = W1 + r·W2, E = E1 + r·T + r²·E2.
  const r2 = (r * r) % P;
  const W = witnessFromPacked(
    { W: k.axpy(w1.W, r, w2.W), E: k.fold3(w1.E, r, T, r2, w2.E) },
    (W1.rW + r * W2.rW) % P,
    (W1.rE + r * rT + r2 * W2.rE) % P,
  );
  // 5. Fold the products by linearity, for the next fold up the tree.
  const abc = { Az: k.axpy(abc1.Az, r, abc2.Az), Bz: k.axpy(abc1.Bz, r, abc2.Bz), Cz: k.axpy(abc1.Cz, r, abc2.Cz) };
  return { folded: { U, W, abc, tag }, cmT, r, T };
}

/**
 * {@link proveFold} with `T` and the folds on the GPU (the same results): the children's vectors are
 * uploaded once, `T` is computed there and read back for `cmT`, the folds run on the buffers already there.
 */
async function proveFoldGpu(
  ctx: FoldContext,
  gpu: GpuFoldBackend,
  nodeId: bigint,
  left: RunningPair,
  right: RunningPair,
): Promise<FoldProof> {
  const { U: U1, W: W1, abc: abc1 } = left;
  const { U: U2, W: W2, abc: abc2 } = right;
  const w1 = packedWitness(W1);
  const w2 = packedWitness(W2);
  const step = await gpu.begin({ abc1, u1: U1.u, abc2, u2: U2.u, W1: w1.W, E1: w1.E, W2: w2.W, E2: w2.E });
  try {
    const rT = ctx.hiding ? randomFr() : 0n;
    const cmT = await commitPacked(ctx.srs, step.T, rT, ctx.backend);
    const { r, tag } = foldChallengeFor(ctx, nodeId, left, right, cmT);
    const U = foldInstances(U1, U2, cmT, r);
    const r2 = (r * r) % P;
    const f = await step.finish(r);
    const W = witnessFromPacked({ W: f.W, E: f.E }, (W1.rW + r * W2.rW) % P, (W1.rE + r * rT + r2 * W2.rE) % P);
    return { folded: { U, W, abc: f.abc, tag }, cmT, r, T: step.T };
  } finally {
    step.release();
  }
}

/**
 * Full check of a running pair: `Az∘Bz = u·Cz + E` for `z = (u, x, W)` and `cmW = cm(W, rW)`,
 * `cmE = cm(E, rE)`. Cost: one matrix product and two MSMs. This is what the decider proves succinctly.
 */
export async function checkRelaxed(
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
  backend?: MsmBackend,
): Promise<boolean> {
  let packed: ReturnType<typeof packedWitness>;
  try {
    packed = packedWitness(W);
    if (U.x.length !== 2 * shape.s || packed.W.length !== 32 * shape.nW || packed.E.length !== 32 * shape.m)
      return false;
    const abc = multiplyPacked(shape, assembleZPacked(shape, U.u, U.x, packed.W));
    if (defaultFieldKernels().relaxedFirstFailure(abc, U.u, packed.E) !== -1) return false;
  } catch (e) {
    // A non-canonical entry or a wrong length reads as unsatisfied.
    if (e instanceof FieldElementError || e instanceof FrVectorLengthError || e instanceof WitnessLengthError)
      return false;
    throw e;
  }
  const cmW = await commitPacked(srs, packed.W, W.rW, backend);
  if (!g1Equal(cmW, U.cmW)) return false;
  const cmE = await commitPacked(srs, packed.E, W.rE, backend);
  return g1Equal(cmE, U.cmE);
}
