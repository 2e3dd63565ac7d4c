/**
 * The proving side of a task: builds the inputs of a chunk, merge or decision task from what is on-chain,
 * on disk, on the network, or (last resort) rebuilt from the manifest, and produces what the market
 * takes. Artefacts are `u32 len(node) ‖ encodeTreeNode(node) ‖ encodeWitness(W)`; a received one is
 * accepted only if its instance and boundary states equal the market's record of that node and its
 * witness satisfies it with matching commitments (relaxed R1CS check and two MSMs).
 */
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { ChunkData, CircuitRecord, DeciderPinsV2, G1, NodeData } from "../chain/market.js";
import { computeWitness } from "../circuits/witness.js";
import { loadSrsFromPtau, type Srs, srsDigest } from "../commitment/srs.js";
import { G1_ZERO } from "../curve/bn254.js";
import { instanceAbi } from "../decider/abi.js";
import { type DeciderV3Keys, deciderV3Keys } from "../decider/bundleV3.js";
import { type DeciderKeys, setupDecider } from "../decider/setup.js";
import { vkeyHashV3 } from "../decider/v3.js";
import { decodeTreeNode, decodeWitness, encodeTreeNode, encodeWitness } from "../encoding/artefacts.js";
import { ArtefactError, NodeConfigError } from "../errors/node.js";
import type { FoldContext } from "../folding/nifs.js";
import { checkRelaxed } from "../folding/nifs.js";
import { instanceHash } from "../folding/transcript.js";
import { foldNodes, makeLeaf, type ProverNode, restoreProverNode, type TreeNode } from "../folding/tree.js";
import type { G16ProvingKey } from "../groth16/keys.js";
import { buildManifest, type Manifest } from "../tree/manifest.js";
import { foldDepthFirst } from "../tree/shape.js";
import { vkeyNotInVerifierV2 } from "./circuitFiles.js";
import type { NodeConfig } from "./config.js";

export type OnChainNode = { U: RelaxedInstance; zIn: bigint[]; zOut: bigint[] };

/** A circuit the node can prove: its R1CS, witness calculator, SRS, and (lazily) decider keys. */
export class CircuitRuntime {
  private keys?: Promise<DeciderKeys>;
  /** A decider v3 proving key checked against the registered verifier (circuitFiles.ts), when configured. */
  verifiedDeciderKey?: G16ProvingKey;
  /** Decider v2 keys (a ceremony's `.zkey`) checked against the registered verifier (circuitFiles.ts). */
  verifiedDeciderKeysV2?: DeciderKeys;
  /** The registered v2 verifier's code (read at start): dev keys made under `allowDevKeys` are checked against it. */
  deciderPinsV2?: Pick<DeciderPinsV2, "code" | "decider">;
  private keysV3?: Promise<DeciderV3Keys>;
  private constructor(
    readonly cfg: NodeConfig["circuits"][number],
    readonly shape: R1csShape,
    readonly srs: Srs,
    readonly onChain?: CircuitRecord,
  ) {}

  /** The registered decider's version (3: commit-and-prove; 2: hashed `D_F`, or not reported). */
  get deciderVersion(): number {
    return this.onChain?.deciderVersion ?? 2;
  }

  /** Loads the circuit and checks its R1CS hash and SRS digest against the on-chain registration. */
  static async load(cfg: NodeConfig["circuits"][number], onChain: CircuitRecord): Promise<CircuitRuntime> {
    const shape = await loadR1cs(cfg.r1cs);
    if (shape.r1csHash.toLowerCase() !== onChain.r1csHash.toLowerCase()) {
      throw new NodeConfigError("circuit R1CS differs from its on-chain registration", {
        details: `circuit ${cfg.id}: local ${shape.r1csHash}, on-chain ${onChain.r1csHash}`,
      });
    }
    const srs = await loadSrsFromPtau(cfg.ptau, cfg.srsPowers);
    if (srsDigest(srs).toLowerCase() !== onChain.srsDigest.toLowerCase()) {
      throw new NodeConfigError("SRS digest differs from the circuit's on-chain registration", {
        details: `circuit ${cfg.id}: local ${srsDigest(srs)}, on-chain ${onChain.srsDigest}`,
      });
    }
    return new CircuitRuntime(cfg, shape, srs, onChain);
  }

  /** Whether a decider key of the registered version was checked against the registered verifier. */
  get hasVerifiedDeciderKey(): boolean {
    return this.deciderVersion === 3 ? this.verifiedDeciderKey !== undefined : this.verifiedDeciderKeysV2 !== undefined;
  }

  /**
   * The v2 decider keys: the configured ceremony key checked against the registered verifier at start
   * (circuitFiles.ts `ensureDeciderKeyV2`: its key words in the verifier's code, `D_F`'s coefficients, its
   * points, a self-test proof the verifier accepts), or beacon-only dev keys made here under `allowDevKeys`.
   */
  deciderKeys(): Promise<DeciderKeys> {
    if (this.verifiedDeciderKeysV2) return Promise.resolve(this.verifiedDeciderKeysV2);
    if (!this.cfg.allowDevKeys) {
      throw new NodeConfigError("no decider key checked against the registered verifier: configure deciderKey", {
        details: `circuit ${this.cfg.id}: a ceremony's .zkey (or allowDevKeys for a devnet)`,
      });
    }
    this.keys ??= setupDecider(this.shape, this.cfg.ptau, { contribution: "beacon-only", log: () => {} }).then((k) => {
      // Keys that are not the registered verifier's would make every decision revert on-chain.
      const why = this.deciderPinsV2 && vkeyNotInVerifierV2(k.vkey, this.shape.r1csHash, this.deciderPinsV2);
      if (why)
        throw new NodeConfigError("the dev decider keys differ from the registered verifier's", {
          details: `circuit ${this.cfg.id}: ${why}`,
        });
      return k;
    });
    return this.keys;
  }

  /**
   * The v3 decider keys (the configured key checked at start, or beacon-only dev keys under `allowDevKeys`), checked against the registered
   * verifier's `vkeyHash()`: keys that differ would make every decision revert on-chain.
   */
  deciderKeysV3(): Promise<DeciderV3Keys> {
    if (this.keysV3) return this.keysV3;
    const pk = this.verifiedDeciderKey;
    let keys: Promise<DeciderV3Keys>;
    if (pk && this.cfg.deciderKey) {
      // A key checked against the registered verifier at start (circuitFiles.ts: its vkeyHash, code hash and
      // a test proof): no dev keys needed.
      const vkHash = vkeyHashV3(pk.vkey, this.shape.r1csHash, this.shape.s, this.shape.nW);
      keys = Promise.resolve({ pk, path: this.cfg.deciderKey, vkeyPath: "", vkHash, words: [] });
    } else if (!this.cfg.allowDevKeys) {
      throw new NodeConfigError("no decider key checked against the registered verifier: configure deciderKey", {
        details: `circuit ${this.cfg.id}: a .g16k key (or allowDevKeys for a devnet)`,
      });
    } else keys = deciderV3Keys(this.shape, { kind: "beacon-only" });
    // Either way, the keys must be the registered verifier's: others would make every decision revert.
    this.keysV3 = keys.then((k) => {
      const want = this.onChain?.deciderVkeyHash;
      if (!want || want.toLowerCase() !== k.vkHash.toLowerCase()) {
        throw new NodeConfigError("the decider v3 keys differ from the registered verifier's", {
          details: `circuit ${this.cfg.id}: local vkeyHash ${k.vkHash}, on-chain ${want ?? "none"}`,
        });
      }
      return k;
    });
    return this.keysV3;
  }

  /** Boundary states `z_0..z_N` of a job (F is deterministic), checked against its manifest root. */
  async states(
    z0: readonly bigint[],
    n: number,
    manifestRoot: string,
  ): Promise<{ states: bigint[][]; manifest: Manifest }> {
    const s = this.shape.s;
    const states: bigint[][] = [[...z0]];
    for (let k = 0; k < n; k++) {
      const w = await computeWitness({ wasmPath: this.cfg.wasm, stateWidth: s }, states[k]);
      states.push(w.slice(1, 1 + s));
    }
    const manifest = buildManifest(states);
    if (manifest.root.toLowerCase() !== manifestRoot.toLowerCase()) {
      throw new ArtefactError("the job's manifest is not the chain of F from z0", {
        details: `${manifest.root} ≠ ${manifestRoot}`,
      });
    }
    return { states, manifest };
  }

  /** Leaf `k` from its input state. */
  async leaf(zIn: readonly bigint[], k: number): Promise<ProverNode> {
    const w = await computeWitness({ wasmPath: this.cfg.wasm, stateWidth: this.shape.s }, zIn);
    return makeLeaf(this.shape, this.srs, w, { k });
  }
}

export function encodeArtefact(p: ProverNode): Uint8Array {
  const n = encodeTreeNode(p.node);
  const w = encodeWitness(p.W);
  const out = new Uint8Array(4 + n.length + w.length);
  new DataView(out.buffer).setUint32(0, n.length);
  out.set(n, 4);
  out.set(w, 4 + n.length);
  return out;
}

/**
 * Decodes an artefact and checks it against the market's record of the node: equal instance and states,
 * satisfied relaxed R1CS, commitments recomputed. Throws {ArtefactError} on any mismatch.
 */
export async function checkArtefact(rt: CircuitRuntime, bytes: Uint8Array, expected: OnChainNode): Promise<ProverNode> {
  let node: TreeNode;
  let p: ProverNode;
  try {
    if (bytes.length < 4) throw new Error("truncated");
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    if (4 + len > bytes.length) throw new Error("truncated");
    node = decodeTreeNode(bytes.subarray(4, 4 + len));
    const W = decodeWitness(bytes.subarray(4 + len));
    p = restoreProverNode(rt.shape, node, W, { check: true });
  } catch (e) {
    throw new ArtefactError("artefact does not decode to a satisfied node", {
      details: (e as Error).message.split("\n")[0],
      cause: e,
    });
  }
  const same =
    instanceHash(node.U) === instanceHash(expected.U) &&
    node.zIn.length === expected.zIn.length &&
    node.zIn.every((v, i) => v === expected.zIn[i]) &&
    node.zOut.every((v, i) => v === expected.zOut[i]);
  if (!same) throw new ArtefactError("artefact's instance differs from the market's record of the node");
  if (!(await checkRelaxed(rt.shape, rt.srs, p.node.U, p.W))) {
    throw new ArtefactError("artefact's witness does not open its commitments");
  }
  return p;
}

/** The market's record of a leaf from its `LeafSubmitted` event. */
export function leafRecord(cmW: { x: bigint; y: bigint }, x: bigint[]): OnChainNode {
  const s = x.length / 2;
  return { U: { cmW, cmE: G1_ZERO, u: 1n, x }, zIn: x.slice(s), zOut: x.slice(0, s) };
}

export function nodeData(n: TreeNode): NodeData {
  return { instance: instanceAbi(n.U), zIn: n.zIn, zOut: n.zOut };
}

/**
 * Proves chunk `[a, c)` whole: its leaves from the job's boundary states, its internal folds depth first
 * (post-order, the order the market reads the cross terms) under fold transcript v2 (what the market's batched
 * `Chunks.foldChunk` verifies; merges above stay on v1), and the calldata of `submitChunk`: the states
 * `z_a..z_c`, the leaves' `cmW`, the folds' `cmT` and the Merkle proof of the chunk's manifest subtree.
 */
export async function proveChunk(
  rt: CircuitRuntime,
  ctx: FoldContext,
  states: readonly (readonly bigint[])[],
  manifest: Manifest,
  chunkLog: number,
  a: number,
  c: number,
): Promise<{ root: ProverNode; chunk: ChunkData }> {
  const cmW: G1[] = [];
  const cmT: G1[] = [];
  const chunkCtx: FoldContext = { ...ctx, v2Leaves: c - a };
  const root = await foldDepthFirst<ProverNode>(
    a,
    c,
    async (k) => {
      const leaf = await rt.leaf(states[k], k);
      cmW.push({ x: leaf.node.U.cmW.x, y: leaf.node.U.cmW.y });
      return leaf;
    },
    async (left, right) => {
      const { parent, fold } = await foldNodes(chunkCtx, left, right);
      cmT.push({ x: fold.cmT.x, y: fold.cmT.y });
      return parent;
    },
  );
  return {
    root,
    chunk: {
      states: states.slice(a, c + 1).flat(),
      cmW,
      cmT,
      proof: manifest.subtreeProof(chunkLog, a >> chunkLog),
    },
  };
}
