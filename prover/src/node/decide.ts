/**
 * The node's one call into the decider: the decision task (and a dispute answer, when the node gives one)
 * proves a node's relaxed instance with these functions and nothing else. Which decider is used is the
 * circuit's registered one (`CircuitRuntime.deciderVersion`, read from the registered verifier): v3
 * (commit-and-prove Groth16, docs/decider.md "Decider v3") or v2 (hashed `D_F`) for circuits still
 * registered with a v2 verifier. The proof is returned in the shape `submitDecision` / `answerDispute`
 * take: the market's `DeciderProof`, which carries a v3 proof's ABI words unchanged
 * (`deciderProofV3AsMarketProof`).
 */
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import type { DeciderProofAbi } from "../decider/abi.js";
import { deciderProofAbi, deciderProofV3AsMarketProof } from "../decider/abi.js";
import { decideV3 } from "../decider/bundleV3.js";
import { proveDecider } from "../decider/prove.js";
import type { ProverNode } from "../folding/tree.js";
import type { CircuitRuntime } from "./work.js";

/** A decider proof (hiding) of `root`'s relaxed instance with the circuit's registered decider. */
export async function decideRoot(rt: CircuitRuntime, root: ProverNode): Promise<DeciderProofAbi> {
  return decideInstance(rt, root.node.U, root.W);
}

/**
 * A decider proof (hiding) of `U` (witness `W`) for the circuit's registered decider version: what the
 * decision task submits and what a dispute answer (`answerDispute`) takes for a disputed node.
 */
export async function decideInstance(
  rt: CircuitRuntime,
  U: RelaxedInstance,
  W: RelaxedWitness,
): Promise<DeciderProofAbi> {
  if (rt.deciderVersion === 3) {
    const keys = await rt.deciderKeysV3();
    const r = await decideV3(rt.shape, rt.srs, U, W, { hiding: true, keys });
    return deciderProofV3AsMarketProof(r.calldata[1]);
  }
  const keys = await rt.deciderKeys();
  const proof = await proveDecider(rt.shape, rt.srs, keys, U, W, { hiding: true });
  return deciderProofAbi(proof);
}
