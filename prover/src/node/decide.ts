/**
 * The node's one call into the decider: the decision task proves the job's root with this function and
 * nothing else, so that switching the decider (v3, helper "decider") changes this file only. The proof is
 * returned in the shape `submitDecision` takes.
 */
import type { DeciderProofAbi } from "../decider/abi.js";
import { deciderProofAbi } from "../decider/abi.js";
import { proveDecider } from "../decider/prove.js";
import type { ProverNode } from "../folding/tree.js";
import type { CircuitRuntime } from "./work.js";

/** A decider proof (hiding) of `root`'s relaxed instance with the circuit's decider keys. */
export async function decideRoot(rt: CircuitRuntime, root: ProverNode): Promise<DeciderProofAbi> {
  const keys = await rt.deciderKeys();
  const proof = await proveDecider(rt.shape, rt.srs, keys, root.node.U, root.W, { hiding: true });
  return deciderProofAbi(proof);
}
