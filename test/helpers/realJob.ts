/**
 * Real jobs for the market lifecycle tests: boundary states from the step circuit's witness chain, leaves
 * and folds from the prover's folding engine (prover/src/folding/tree.ts) under the market's own domain
 * and job id, decisions from the real decider (prover/src/decider/prove.ts) checked on-chain by the
 * committed TestOnlyCubicDeciderVerifier.
 */
import type { Hex } from "viem";
import { srsDigest } from "../../prover/src/commitment/srs.js";
import { type DeciderProofAbi, deciderProofAbi } from "../../prover/src/decider/abi.js";
import { proveDecider } from "../../prover/src/decider/prove.js";
import type { FoldContext } from "../../prover/src/folding/nifs.js";
import { foldNodes, makeLeaf, nodeId, type ProverNode } from "../../prover/src/folding/tree.js";
import { type DeciderFixture, deciderFixture } from "../prover/decider/fixtures.js";
import { foldOrder, type Node, nodeAbi } from "./instances.js";
import { type FixtureOptions, marketFixture } from "./market.js";
import { witnessChain } from "./prover.js";

export type RealCircuit = DeciderFixture & { r1csHash: Hex; srsDigest: Hex };

export async function cubic(): Promise<RealCircuit> {
  const d = await deciderFixture("cubic");
  return { ...d, r1csHash: d.circuit.shape.r1csHash as Hex, srsDigest: srsDigest(d.srs) };
}

/** A market whose circuit 1 is `cubic` with its real decider verifier. */
export async function realMarket(rc: RealCircuit, opts: FixtureOptions = {}) {
  return marketFixture({
    ...opts,
    stateWidth: rc.circuit.shape.s,
    constraints: BigInt(rc.circuit.shape.m),
    nWitness: BigInt(rc.circuit.shape.nW),
    decider: "TestOnlyCubicDeciderVerifier",
    r1csHash: rc.r1csHash,
    srsDigest: rc.srsDigest,
  });
}

/** The `n` leaves of a chain from `z0` and its boundary states `z_0..z_n`. */
export async function realLeaves(rc: RealCircuit, n: number, z0: bigint[] = [3n]) {
  const ws = await witnessChain(rc.circuit.source, z0, n);
  const s = rc.circuit.shape.s;
  const states = [z0, ...ws.map((w) => w.slice(1, 1 + s))];
  const leaves = await Promise.all(ws.map((w, k) => makeLeaf(rc.circuit.shape, rc.srs, w, { k })));
  return { states, leaves };
}

export function foldCtx(rc: RealCircuit, domain: Hex, jobId: bigint): FoldContext {
  return { shape: rc.circuit.shape, srs: rc.srs, domain, jobId, hiding: false };
}

export const asNode = (p: ProverNode): Node => ({
  a: p.node.a,
  c: p.node.c,
  U: p.node.U,
  zIn: p.node.zIn,
  zOut: p.node.zOut,
});

export async function fold(ctx: FoldContext, left: ProverNode, right: ProverNode) {
  return foldNodes(ctx, left, right);
}

/** A real decider proof (hiding on) of a satisfied node. */
export async function decide(rc: RealCircuit, p: ProverNode): Promise<DeciderProofAbi> {
  return deciderProofAbi(await proveDecider(rc.circuit.shape, rc.srs, rc.keys, p.node.U, p.W, { hiding: true }));
}

export { nodeId };

/**
 * Folds a whole tree of `n` leaves (already in `nodes`, keyed by node id) as one `submitFolds` batch:
 * every inner child is taken from the batch (`fromBatch`), so only leaves travel in calldata. Adds each
 * folded parent to `nodes`; returns the batch steps and the parents, keyed by node id.
 */
export async function wholeTreeFoldBatch(ctx: FoldContext, nodes: Map<bigint, ProverNode>, n: number) {
  const empty = { instance: { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] }, zIn: [], zOut: [] };
  const folded = new Map<bigint, ProverNode>();
  const steps = [];
  for (const { a, b, c, id } of foldOrder(n)) {
    const left = nodes.get(nodeId(a, b))!;
    const right = nodes.get(nodeId(b, c))!;
    const { parent, fold } = await foldNodes(ctx, left, right);
    const lb = folded.has(nodeId(a, b));
    const rb = folded.has(nodeId(b, c));
    steps.push({
      nodeId: id,
      left: lb ? empty : nodeAbi(asNode(left)),
      right: rb ? empty : nodeAbi(asNode(right)),
      cmT: fold.cmT,
      fromBatch: (lb ? 1 : 0) | (rb ? 2 : 0),
    });
    nodes.set(id, parent);
    folded.set(id, parent);
  }
  return { steps, folded };
}
