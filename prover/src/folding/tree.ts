/**
 * Binary fold trees over the `N` leaves of a job (docs/protocol.md §7 "Tree nodes", "Tree shape"): the
 * folding over the shape that prover/src/tree/shape.ts defines (re-exported here for callers of the engine).
 *
 * A node covers the leaf range `[a, c)`, has `nodeId = (a << 128) | c`, carries its boundary states
 * `zIn` (at `a`) and `zOut` (at `c`) beside its relaxed instance `U`. The root is `[0, N)`; a node with
 * `c − a ≥ 2` splits at `b = a + 2^(⌈log2(c − a)⌉ − 1)`, giving `N − 1` folds and depth `⌈log2 N⌉`.
 * Folding `[a, b)` with `[b, c)` requires `left.zOut == right.zIn` (continuity).
 *
 * Guarantee of a whole tree: if every leaf witness satisfies its circuit and every fold re-verifies
 * ({@link verifyFoldTranscript}), then the root witness satisfies the root instance iff all leaves
 * did (Nova's NIFS, applied N − 1 times); the root's `zIn`/`zOut` are `z_0` and `z_N`.
 */
import type { Hex } from "viem";
import { defaultFieldKernels, type PackedProducts, packFr } from "../arith/kernels.js";
import { multiplyPacked, type R1csShape } from "../arith/r1cs.js";
import {
  assembleZPacked,
  packedWitness,
  type RelaxedInstance,
  type RelaxedWitness,
  witnessFromPacked,
} from "../arith/relaxed.js";
import { commitPacked } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import { G1_ZERO, type G1Affine } from "../curve/bn254.js";
import { ContinuityError, FoldVerificationError, LeafError, TreeShapeError } from "../errors/folding.js";
import { P, randomFr, vecEqual } from "../field/fr.js";
import type { GpuFoldBackend } from "../gpu/fold.js";
import { defaultFoldBackend } from "../gpu/select.js";
import type { MsmBackend } from "../msm/backend.js";
import { assertRange, foldDepthFirst, isTreeNode, nodeId, nodeRange, splitPoint } from "../tree/shape.js";
import { type FoldContext, proveFold, type RunningPair, verifyFold } from "./nifs.js";
import { instanceHash } from "./transcript.js";

/** The public part of a tree node: what the market stores (by hash) and other provers fetch. */
export type TreeNode = {
  /** First leaf covered. */
  a: number;
  /** One past the last leaf covered. */
  c: number;
  /** State at leaf `a` (length s). */
  zIn: bigint[];
  /** State after leaf `c − 1` (length s). */
  zOut: bigint[];
  U: RelaxedInstance;
};

/** A node with its witness and the packed products `Az, Bz, Cz` of its `z` (what a prover keeps). */
export type ProverNode = {
  node: TreeNode;
  W: RelaxedWitness;
  abc: PackedProducts;
  /** Transcript-v2 tag of a node folded under v2 (nifs.ts `FoldContext.v2Leaves`); a leaf's follows from `U`. */
  tag?: Hex;
};

/** One fold of a tree, as a verifier (or the market) sees it. */
export type FoldRecord = {
  /** The parent's id, `(a << 128) | c`. */
  nodeId: bigint;
  a: number;
  b: number;
  c: number;
  /** `nodeId(a, b)`. */
  leftId: bigint;
  /** `nodeId(b, c)`. */
  rightId: bigint;
  /** `instanceHash` of the left and right children. */
  leftHash: Hex;
  rightHash: Hex;
  cmT: G1Affine;
  r: bigint;
};

export { isTreeNode, nodeId, nodeRange, splitPoint } from "../tree/shape.js";

export type LeafOptions = {
  /** Leaf index k: the leaf covers [k, k+1). */
  k: number;
  /** Blind `cmW` with a random coefficient (needs nW + 1 SRS powers). Default false. */
  hiding?: boolean;
  backend?: MsmBackend;
  /**
   * Check that the witness satisfies the circuit (default true). Only tests that build a cheating
   * prover turn this off.
   */
  check?: boolean;
  /** `Az, Bz, Cz` on the GPU fold backend, or `"cpu"` (default: gpu/select.ts `defaultFoldBackend()`). */
  fold?: GpuFoldBackend | "cpu";
};

/**
 * Builds leaf `k` from a full circom witness `z` (z[0] = 1, then z_out, z_in, private signals):
 * `U = (cm(W, rW), (0, 0), 1, x)`, `W = z[1+2s..]`, `E = 0`, with `zOut = x[0..s)`, `zIn = x[s..2s)`.
 * Cost: one matrix product and one MSM of nW points.
 *
 * @throws {LeafError} wrong length, `z[0] ≠ 1`, non-canonical entries, or (with `check`) an unsatisfied witness.
 */
export async function makeLeaf(
  shape: R1csShape,
  srs: Srs,
  fullCircomWitness: readonly bigint[],
  opts: LeafOptions,
): Promise<ProverNode> {
  const z = fullCircomWitness;
  const { s, m } = shape;
  assertRange(opts.k, opts.k + 1);
  if (z.length !== shape.nVars) {
    throw new LeafError("witness has the wrong length for this circuit", {
      details: `got ${z.length}, expected nVars = ${shape.nVars}`,
    });
  }
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    if (typeof v !== "bigint" || v < 0n || v >= P) {
      throw new LeafError("witness entry is not a canonical element of F_p", { details: `z[${i}] = ${String(v)}` });
    }
  }
  if (z[0] !== 1n) throw new LeafError("witness slot 0 must be the constant 1", { details: String(z[0]) });
  // One conversion to packed limbs; everything after runs in the field kernels and the MSM.
  const zp = packFr(z, "z");
  const gpu = opts.fold === "cpu" ? undefined : (opts.fold ?? (await defaultFoldBackend()));
  const abc = gpu ? await gpu.products(shape, zp) : multiplyPacked(shape, zp);
  if (opts.check !== false) {
    const bad = defaultFieldKernels().relaxedFirstFailure(abc, 1n);
    if (bad !== -1) {
      throw new LeafError("witness does not satisfy the circuit", { details: `leaf ${opts.k}, constraint ${bad}` });
    }
  }
  const x = z.slice(1, 1 + 2 * s);
  const Wp = zp.slice(32 * (1 + 2 * s));
  const rW = opts.hiding ? randomFr() : 0n;
  const cmW = await commitPacked(srs, Wp, rW, opts.backend);
  return {
    node: { a: opts.k, c: opts.k + 1, zIn: x.slice(s, 2 * s), zOut: x.slice(0, s), U: { cmW, cmE: G1_ZERO, u: 1n, x } },
    W: witnessFromPacked({ W: Wp, E: new Uint8Array(32 * m) }, rW, 0n),
    abc,
  };
}

/**
 * Rebuilds a {@link ProverNode} from a node and its witness fetched from elsewhere (decoded blobs):
 * recomputes `Az, Bz, Cz` (one matrix product) and, unless `check` is false, verifies
 * `Az∘Bz = u·Cz + E` (m multiplications). It does not recompute the commitments: check them with a KZG
 * opening at a random point, or `checkRelaxed` (two MSMs).
 *
 * @throws {LeafError} wrong lengths, or the witness does not satisfy the node's instance.
 */
export function restoreProverNode(
  shape: R1csShape,
  node: TreeNode,
  W: RelaxedWitness,
  opts: { check?: boolean } = {},
): ProverNode {
  if (node.U.x.length !== 2 * shape.s || W.W.length !== shape.nW || W.E.length !== shape.m) {
    throw new LeafError("node or witness does not match the circuit's shape", {
      details: `len(x) ${node.U.x.length} (2s = ${2 * shape.s}), len(W) ${W.W.length} (nW = ${shape.nW}), len(E) ${W.E.length} (m = ${shape.m})`,
    });
  }
  const packed = packedWitness(W);
  const abc = multiplyPacked(shape, assembleZPacked(shape, node.U.u, node.U.x, packed.W));
  if (opts.check !== false && defaultFieldKernels().relaxedFirstFailure(abc, node.U.u, packed.E) !== -1) {
    throw new LeafError("witness does not satisfy the node's relaxed instance", { details: `[${node.a}, ${node.c})` });
  }
  return { node, W, abc };
}

function checkSiblings(left: TreeNode, right: TreeNode): { a: number; b: number; c: number } {
  const a = left.a;
  const b = left.c;
  const c = right.c;
  if (right.a !== b) {
    throw new TreeShapeError("nodes are not adjacent", {
      details: `[${left.a}, ${left.c}) and [${right.a}, ${right.c})`,
    });
  }
  if (splitPoint(a, c) !== b || !isTreeNode(a, c)) {
    throw new TreeShapeError("nodes are not the two children of one tree node", {
      details: `[${a}, ${b}) + [${b}, ${c}): [${a}, ${c}) splits at ${splitPoint(a, c)}`,
    });
  }
  if (!vecEqual(left.zOut, right.zIn)) {
    throw new ContinuityError("left zOut differs from right zIn", {
      details: `[${a}, ${b}) zOut = (${left.zOut.join(", ")}), [${b}, ${c}) zIn = (${right.zIn.join(", ")})`,
    });
  }
  return { a, b, c };
}

/**
 * Folds two sibling nodes into their parent (prover side). Checks adjacency, the split rule and
 * continuity first. If both children's witnesses satisfy their instances, the parent's does.
 *
 * @throws {TreeShapeError} the nodes are not siblings. @throws {ContinuityError} `left.zOut ≠ right.zIn`.
 */
export async function foldNodes(
  ctx: FoldContext,
  left: ProverNode,
  right: ProverNode,
): Promise<{ parent: ProverNode; fold: FoldRecord }> {
  const { a, b, c } = checkSiblings(left.node, right.node);
  const id = nodeId(a, c);
  const l: RunningPair = { U: left.node.U, W: left.W, abc: left.abc, tag: left.tag };
  const r: RunningPair = { U: right.node.U, W: right.W, abc: right.abc, tag: right.tag };
  const proof = await proveFold(ctx, id, l, r);
  return {
    parent: {
      node: { a, c, zIn: left.node.zIn, zOut: right.node.zOut, U: proof.folded.U },
      W: proof.folded.W,
      abc: proof.folded.abc,
      ...(proof.folded.tag === undefined ? {} : { tag: proof.folded.tag }),
    },
    fold: {
      nodeId: id,
      a,
      b,
      c,
      leftId: nodeId(a, b),
      rightId: nodeId(b, c),
      leftHash: instanceHash(left.node.U),
      rightHash: instanceHash(right.node.U),
      cmT: proof.cmT,
      r: proof.r,
    },
  };
}

export type FoldProgress = { done: number; total: number; nodeId: bigint; a: number; c: number };

/**
 * Folds leaves `0..N−1` (in order, `leaves[k]` covering `[k, k+1)`) up the tree to the root `[0, N)`.
 * Returns the root and every fold in the order performed (children before parents).
 */
export async function foldTree(
  leaves: readonly ProverNode[],
  ctx: FoldContext,
  onProgress?: (p: FoldProgress) => void,
): Promise<{ root: ProverNode; folds: FoldRecord[] }> {
  const N = leaves.length;
  if (N < 1) throw new TreeShapeError("a tree needs at least one leaf");
  leaves.forEach((l, k) => {
    if (l.node.a !== k || l.node.c !== k + 1) {
      throw new TreeShapeError("leaves must be given in order, leaf k covering [k, k+1)", {
        details: `index ${k} holds [${l.node.a}, ${l.node.c})`,
      });
    }
  });
  const folds: FoldRecord[] = [];
  const root = await foldDepthFirst(
    0,
    N,
    (k) => leaves[k],
    async (left, right, { a, c }) => {
      const { parent, fold } = await foldNodes(ctx, left, right);
      folds.push(fold);
      onProgress?.({ done: folds.length, total: N - 1, nodeId: fold.nodeId, a, c });
      return parent;
    },
  );
  return { root, folds };
}

/** Checks a leaf's public part: `[k, k+1)`, `u = 1`, `cmE = (0, 0)`, `x = (zOut, zIn)`. */
export function checkLeafNode(leaf: TreeNode, k: number): void {
  const s = leaf.zIn.length;
  if (leaf.a !== k || leaf.c !== k + 1) {
    throw new FoldVerificationError("leaf has the wrong range", { details: `expected [${k}, ${k + 1})` });
  }
  if (leaf.U.u !== 1n || leaf.U.cmE.x !== 0n || leaf.U.cmE.y !== 0n) {
    throw new FoldVerificationError("a leaf must have u = 1 and cmE = (0, 0)", { details: `leaf ${k}` });
  }
  if (
    leaf.zOut.length !== s ||
    leaf.U.x.length !== 2 * s ||
    !vecEqual(leaf.U.x.slice(0, s), leaf.zOut) ||
    !vecEqual(leaf.U.x.slice(s), leaf.zIn)
  ) {
    throw new FoldVerificationError("leaf x is not (zOut, zIn)", { details: `leaf ${k}` });
  }
}

/**
 * Re-verifies a fold transcript from the leaf instances, as the market does: every leaf is well formed,
 * the folds follow the tree shape with continuity, each `r` is the transcript challenge and each parent
 * is the fold of its children. Returns the root node (its `U` is what the decider must prove).
 * Does not check any witness: that is the decider's job.
 *
 * @throws {FoldVerificationError} a fold does not re-verify. @throws {ContinuityError} / {TreeShapeError}.
 */
export function verifyFoldTranscript(
  leaves: readonly TreeNode[],
  folds: readonly FoldRecord[],
  ctx: { domain: Hex; jobId: bigint },
): TreeNode {
  const N = leaves.length;
  if (N < 1) throw new TreeShapeError("a tree needs at least one leaf");
  if (folds.length !== N - 1) {
    throw new FoldVerificationError("a tree of N leaves has N − 1 folds", { details: `N ${N}, ${folds.length} folds` });
  }
  const nodes = new Map<bigint, TreeNode>();
  leaves.forEach((leaf, k) => {
    checkLeafNode(leaf, k);
    nodes.set(nodeId(k, k + 1), leaf);
  });
  for (const f of folds) {
    const { a, c } = nodeRange(f.nodeId);
    if (c - a < 2 || c > N)
      throw new FoldVerificationError("fold of a node outside the tree", { details: `[${a}, ${c})` });
    const b = splitPoint(a, c);
    if (f.a !== a || f.b !== b || f.c !== c || f.leftId !== nodeId(a, b) || f.rightId !== nodeId(b, c)) {
      throw new FoldVerificationError("fold record does not match the tree shape", { details: `[${a}, ${c})` });
    }
    if (nodes.has(f.nodeId)) throw new FoldVerificationError("node folded twice", { details: `[${a}, ${c})` });
    const left = nodes.get(f.leftId);
    const right = nodes.get(f.rightId);
    if (!left || !right) {
      throw new FoldVerificationError("fold before its children", { details: `[${a}, ${c})` });
    }
    checkSiblings(left, right);
    if (instanceHash(left.U) !== f.leftHash || instanceHash(right.U) !== f.rightHash) {
      throw new FoldVerificationError("child instance hash mismatch", { details: `[${a}, ${c})` });
    }
    const { U, r } = verifyFold(ctx.domain, ctx.jobId, f.nodeId, left.U, right.U, f.cmT);
    if (r !== f.r) {
      throw new FoldVerificationError("recorded r is not the transcript challenge", { details: `[${a}, ${c})` });
    }
    nodes.set(f.nodeId, { a, c, zIn: left.zIn, zOut: right.zOut, U });
  }
  const root = nodes.get(nodeId(0, N));
  if (!root) throw new FoldVerificationError("the folds do not reach the root", { details: `[0, ${N})` });
  return root;
}
