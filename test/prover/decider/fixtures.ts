/**
 * Fixtures of the decider tests: deterministic decider keys of the test circuits over the committed
 * dev ptau (the same keys the committed verifiers in contracts/decider/generated/ were exported from;
 * cached under .novanet/keys), their SRS, and roots of fold trees.
 */
import { join } from "node:path";
import { loadR1cs, type R1csShape } from "../../../prover/src/arith/r1cs.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { loadSrsFromPtau, srsDigest } from "../../../prover/src/commitment/srs.js";
import type { DeciderVariant } from "../../../prover/src/decider/circuit.js";
import { type DeciderKeys, setupDecider } from "../../../prover/src/decider/setup.js";
import type { FoldContext } from "../../../prover/src/folding/nifs.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { foldTree, makeLeaf, type ProverNode } from "../../../prover/src/folding/tree.js";
import { TEST_PTAU, testPtau12, width8Witness } from "../../../scripts/gen-verifier.js";
import { type TestCircuit, testCircuit, witnessChain } from "../../helpers/prover.js";

export { TEST_PTAU };

export type DeciderCircuitName = "cubic" | "mix2" | "width8";

const srsPromises = new Map<string, Promise<Srs>>();

/** 2^11 powers of a test ptau (enough for the test circuits' W and E, blinded). */
export function deciderSrs(ptau = TEST_PTAU): Promise<Srs> {
  let p = srsPromises.get(ptau);
  if (!p) {
    p = loadSrsFromPtau(ptau, 2 ** 11);
    srsPromises.set(ptau, p);
  }
  return p;
}

async function loadCircuit(name: DeciderCircuitName): Promise<TestCircuit> {
  if (name !== "width8") return testCircuit(name);
  const shape = await loadR1cs(join("test", "fixtures", "decider", "width8.r1cs"));
  return { name, shape, source: { wasmPath: "", stateWidth: shape.s } };
}

const keyCache = new Map<string, Promise<DeciderKeys>>();

export type DeciderFixture = { circuit: TestCircuit; keys: DeciderKeys; srs: Srs };

/** The test circuit `name` with its deterministic decider keys (first call: a few seconds). */
export async function deciderFixture(
  name: DeciderCircuitName,
  variant: DeciderVariant = "hashed",
): Promise<DeciderFixture> {
  const circuit = await loadCircuit(name);
  const ptau = name === "width8" ? await testPtau12() : TEST_PTAU;
  const id = `${name}/${variant}`;
  let k = keyCache.get(id);
  if (!k) {
    k = setupDecider(circuit.shape, ptau, { variant, contribution: "beacon-only", log: () => {} });
    keyCache.set(id, k);
  }
  return { circuit, keys: await k, srs: await deciderSrs(ptau) };
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
  let ws: bigint[][];
  if (circuit.name === "width8") {
    ws = [];
    let z = z0;
    for (let k = 0; k < n; k++) {
      const w = width8Witness(z);
      ws.push(w);
      z = w.slice(1, 1 + circuit.shape.s);
    }
  } else ws = await witnessChain(circuit.source, z0, n);
  const leaves = await Promise.all(ws.map((w, k) => makeLeaf(circuit.shape, srs, w, { k, hiding })));
  if (n === 1) return leaves[0];
  const { root } = await foldTree(leaves, foldContext(circuit.shape, srs, hiding));
  return root;
}
