/**
 * Fixtures of the decider tests: deterministic decider keys of the test circuits over the committed
 * dev ptau (the same keys the committed verifiers in contracts/decider/generated/ were exported from;
 * cached under .novanet/keys), their SRS, and roots of fold trees.
 */
import type { R1csShape } from "../../../prover/src/arith/r1cs.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { loadSrsFromPtau, srsDigest } from "../../../prover/src/commitment/srs.js";
import type { DeciderVariant } from "../../../prover/src/decider/circuit.js";
import { type DeciderKeys, setupDecider } from "../../../prover/src/decider/setup.js";
import type { FoldContext } from "../../../prover/src/folding/nifs.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { foldTree, makeLeaf, type ProverNode } from "../../../prover/src/folding/tree.js";
import { TEST_PTAU } from "../../../scripts/gen-verifier.js";
import { type TestCircuit, testCircuit, witnessChain } from "../../helpers/prover.js";

export { TEST_PTAU };

let srsPromise: Promise<Srs> | undefined;

/** 2^11 powers of the committed dev ptau (enough for the test circuits' W and E, blinded). */
export function deciderSrs(): Promise<Srs> {
  srsPromise ??= loadSrsFromPtau(TEST_PTAU, 2 ** 11);
  return srsPromise;
}

const keyCache = new Map<string, Promise<DeciderKeys>>();

export type DeciderFixture = { circuit: TestCircuit; keys: DeciderKeys; srs: Srs };

/** The test circuit `name` with its deterministic decider keys (first call: a few seconds). */
export async function deciderFixture(
  name: "cubic" | "mix2",
  variant: DeciderVariant = "hashed",
): Promise<DeciderFixture> {
  const circuit = await testCircuit(name);
  const id = `${name}/${variant}`;
  let k = keyCache.get(id);
  if (!k) {
    k = setupDecider(circuit.shape, TEST_PTAU, { variant, contribution: "beacon-only", log: () => {} });
    keyCache.set(id, k);
  }
  return { circuit, keys: await k, srs: await deciderSrs() };
}

export function foldContext(shape: R1csShape, srs: Srs, hiding: boolean): FoldContext {
  const domain = domainSeparator({
    chainId: 0n,
    market: "0x0000000000000000000000000000000000000000",
    r1csHash: shape.r1csHash,
    srsDigest: srsDigest(srs),
  });
  return { shape, srs, domain, jobId: 0n, hiding };
}

/** The root of a fold tree of `n` leaves of `circuit` from `z0 = (2, 3, ...)`. */
export async function treeRoot(circuit: TestCircuit, srs: Srs, n: number, hiding: boolean): Promise<ProverNode> {
  const z0 = Array.from({ length: circuit.shape.s }, (_, i) => BigInt(i + 2));
  const ws = await witnessChain(circuit.source, z0, n);
  const leaves = await Promise.all(ws.map((w, k) => makeLeaf(circuit.shape, srs, w, { k, hiding })));
  if (n === 1) return leaves[0];
  const { root } = await foldTree(leaves, foldContext(circuit.shape, srs, hiding));
  return root;
}
