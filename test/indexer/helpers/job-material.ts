/**
 * Test helper: the real cryptographic material of a market job, computed with the prover's own code:
 * the step circuit `cubic` (test/fixtures/circuits), the committed dev SRS, the job's boundary states
 * and manifest (test/helpers/manifest.ts, the market's segment tree), every
 * leaf, every fold of the §7 tree (with the market's domain and job id and its transcripts, so the market
 * recomputes the same challenges) and the decider proof of the root.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Address, Hex } from "viem";
import { loadR1cs, type R1csShape } from "../../../prover/src/arith/r1cs.js";
import { computeWitness, stepOutput } from "../../../prover/src/circuits/witness.js";
import { loadSrsFromPtau, type Srs, srsDigest } from "../../../prover/src/commitment/srs.js";
import { type DeciderProofAbi, deciderProofAbi, instanceAbi } from "../../../prover/src/decider/abi.js";
import { proveDecider } from "../../../prover/src/decider/prove.js";
import { type DeciderKeys, setupDecider } from "../../../prover/src/decider/setup.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { foldNodes, makeLeaf, type ProverNode } from "../../../prover/src/folding/tree.js";
import { foldDepthFirst } from "../../../prover/src/tree/shape.js";
import { buildManifest, type Manifest } from "../../helpers/manifest.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CUBIC_R1CS = path.join(repoRoot, "test", "fixtures", "circuits", "cubic.r1cs");
export const CUBIC_WASM = path.join(repoRoot, "test", "fixtures", "circuits", "cubic.wasm");
export const TEST_PTAU = path.join(repoRoot, "test", "fixtures", "ptau", "dev-11.ptau");

export type Circuit = { shape: R1csShape; srs: Srs; srsDigest: Hex; keys: DeciderKeys };

/** The cubic step circuit, its SRS (max(nW, m) + 1 powers of the dev ptau) and its decider keys. */
export async function loadCubic(): Promise<Circuit> {
  const shape = await loadR1cs(CUBIC_R1CS);
  const srs = await loadSrsFromPtau(TEST_PTAU, Math.max(shape.nW, shape.m, 1) + 1);
  // beacon-only: the same deterministic keys as the committed TestOnlyCubicDeciderVerifier.
  const keys = await setupDecider(shape, TEST_PTAU, {
    variant: "hashed",
    contribution: "beacon-only",
    cacheDir: path.join(repoRoot, ".novanet", "keys"),
    log: () => {},
  });
  return { shape, srs, srsDigest: srsDigest(srs), keys };
}

/** Solidity `NodeData` of a node (instance and boundary states) as viem encodes it. */
export function nodeArg(node: ProverNode) {
  return { instance: instanceAbi(node.node.U), zIn: node.node.zIn, zOut: node.node.zOut };
}

export type JobMaterial = {
  states: bigint[][];
  manifest: Manifest;
  domain: Hex;
  leaves: ProverNode[];
  /** Every fold, children before parents: the node id and its two children. */
  folds: { nodeId: bigint; left: ProverNode; right: ProverNode; parent: ProverNode; cmT: { x: bigint; y: bigint } }[];
  root: ProverNode;
};

/** z_{k+1} = F(z_k) for k < n, from z_0. */
export async function boundaryStates(z0: readonly bigint[], n: number): Promise<bigint[][]> {
  const states: bigint[][] = [[...z0]];
  for (let k = 0; k < n; k++) {
    const w = await computeWitness({ wasmPath: CUBIC_WASM, stateWidth: z0.length }, states[k]!);
    states.push(stepOutput(w, z0.length));
  }
  return states;
}

/**
 * Leaves and folds of a job of `n` leaves from `z0` on `market` (chain `chainId`) with id `jobId`, chunked at
 * `2^chunkLog`: a chunk's folds under transcript v2 (what the market verifies batched), the merges above on v1.
 */
export async function jobMaterial(
  circuit: Circuit,
  params: { chainId: bigint; market: Address; jobId: bigint; z0: readonly bigint[]; n: number; chunkLog: number },
): Promise<JobMaterial> {
  const { shape, srs } = circuit;
  const domain = domainSeparator({
    chainId: params.chainId,
    market: params.market,
    r1csHash: shape.r1csHash,
    srsDigest: circuit.srsDigest,
  });
  const states = await boundaryStates(params.z0, params.n);
  const leaves: ProverNode[] = [];
  for (let k = 0; k < params.n; k++) {
    const w = await computeWitness({ wasmPath: CUBIC_WASM, stateWidth: shape.s }, states[k]!);
    leaves.push(await makeLeaf(shape, srs, w, { k }));
  }
  const folds: JobMaterial["folds"] = [];
  const ctx = { shape, srs, domain, jobId: params.jobId, v2Leaves: 2 ** params.chunkLog };
  const root = await foldDepthFirst(
    0,
    params.n,
    (k) => leaves[k]!,
    async (left, right, step) => {
      const { parent, fold } = await foldNodes(ctx, left, right);
      folds.push({ nodeId: step.id, left, right, parent, cmT: { x: fold.cmT.x, y: fold.cmT.y } });
      return parent;
    },
  );
  return { states, manifest: buildManifest(states), domain, leaves, folds, root };
}

/** The decider proof of a node (the root for the decision), as the market's ABI takes it. */
export async function decide(circuit: Circuit, node: ProverNode): Promise<DeciderProofAbi> {
  return deciderProofAbi(await proveDecider(circuit.shape, circuit.srs, circuit.keys, node.node.U, node.W));
}
