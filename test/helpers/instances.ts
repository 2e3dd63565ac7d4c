/**
 * Relaxed instances for market tests that only need the fold ARITHMETIC to be right (the market checks
 * folds, not satisfiability): leaves with random commitments over given boundary states, folded with the
 * prover's own transcript and fold functions (prover/src/folding), so every challenge and folded instance
 * the market computes is compared with the TypeScript engine's. Lifecycle tests with satisfied instances
 * use prover/src/folding/tree.ts and real decider proofs instead.
 */
import type { Hex } from "viem";
import type { RelaxedInstance } from "../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, G1_ZERO, type G1Affine, g1Mul, randomScalar } from "../../prover/src/curve/bn254.js";
import { type InstanceAbi, instanceAbi } from "../../prover/src/decider/abi.js";
import { foldInstances } from "../../prover/src/folding/nifs.js";
import { foldChallenge } from "../../prover/src/folding/transcript.js";
import { foldOrder, nodeId } from "../../prover/src/tree/shape.js";

export const randomPoint = (): G1Affine => g1Mul(G1_GENERATOR, randomScalar());

export type Node = { a: number; c: number; U: RelaxedInstance; zIn: bigint[]; zOut: bigint[] };
export type NodeAbi = { instance: InstanceAbi; zIn: readonly bigint[]; zOut: readonly bigint[] };

export const nodeAbi = (n: Node): NodeAbi => ({ instance: instanceAbi(n.U), zIn: n.zIn, zOut: n.zOut });

/** Leaf `k` over boundary states `states[k] → states[k+1]` with a random `cmW`. */
export function randomLeaf(states: readonly bigint[][], k: number, cmW: G1Affine = randomPoint()): Node {
  const zIn = states[k];
  const zOut = states[k + 1];
  return { a: k, c: k + 1, zIn: [...zIn], zOut: [...zOut], U: { cmW, cmE: G1_ZERO, u: 1n, x: [...zOut, ...zIn] } };
}

/** The parent of two siblings folded with cross term `cmT` (random by default) in job `jobId` under `domain`. */
export function foldPair(
  domain: Hex,
  jobId: bigint,
  left: Node,
  right: Node,
  cmT: G1Affine = randomPoint(),
): { parent: Node; cmT: G1Affine; r: bigint } {
  const id = nodeId(left.a, right.c);
  const r = foldChallenge(domain, jobId, id, left.U, right.U, cmT);
  const U = foldInstances(left.U, right.U, cmT, r);
  return { parent: { a: left.a, c: right.c, zIn: left.zIn, zOut: right.zOut, U }, cmT, r };
}

/** Every fold node `[a, c)` of a tree of `n` leaves in post-order (children before parents): the shape module's. */
export { foldOrder };

/** Random boundary states `z_0..z_n` of width `s` (the market does not run F). */
export function randomStates(n: number, s: number): bigint[][] {
  return Array.from({ length: n + 1 }, () => Array.from({ length: s }, randomScalar));
}
