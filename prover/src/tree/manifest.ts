/**
 * The manifest of a job (docs/contracts.md "Manifest"): an OpenZeppelin `MerkleProof`-compatible Merkle
 * root over the `N` segments of the job, segment `k` (leaf `k`'s boundary states) hashed as
 * `keccak256(bytes.concat(keccak256(abi.encode(uint256 k, uint256[] z_k, uint256[] z_{k+1}))))`
 * (OpenZeppelin's StandardMerkleTree leaf encoding), inner nodes `keccak256(sorted(x, y))`, built level by
 * level in index order with an odd last node carried up unchanged.
 *
 * Because the levels are built in index order, node `j` of level `k` is the root over segments
 * `[j·2^k, min((j+1)·2^k, N))`: exactly the leaves of chunk `j` at chunk size `2^k` (tree/shape.ts
 * `chunks`), so a chunk proves all its segments with one proof from level `k` ({@link Manifest.subtreeProof}).
 * Pure: keccak and ABI encoding from viem, no curve code.
 */
import { concat, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { TreeShapeError } from "../errors/folding.js";

/** Segment `k`'s leaf: `keccak256(bytes.concat(keccak256(abi.encode(k, zIn, zOut))))`. */
export function segmentLeaf(k: number, zIn: readonly bigint[], zOut: readonly bigint[]): Hex {
  return keccak256(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint256[]" }, { type: "uint256[]" }],
        [BigInt(k), [...zIn], [...zOut]],
      ),
    ),
  );
}

/** OpenZeppelin's commutative pair hash: `keccak256(min ‖ max)`. */
export function hashPair(x: Hex, y: Hex): Hex {
  return BigInt(x) < BigInt(y) ? keccak256(concat([x, y])) : keccak256(concat([y, x]));
}

/** The root over segments `first, first+1, …` given their boundary states `z_first..z_last` (as the market's `segmentsRoot`). */
export function segmentsRoot(first: number, states: readonly (readonly bigint[])[]): Hex {
  if (states.length < 2) throw new TreeShapeError("a segment range needs at least two boundary states");
  let level = states.slice(0, -1).map((z, i) => segmentLeaf(first + i, z, states[i + 1]));
  while (level.length > 1) level = nextLevel(level);
  return level[0];
}

function nextLevel(prev: readonly Hex[]): Hex[] {
  const next: Hex[] = [];
  for (let i = 0; i < prev.length; i += 2) next.push(i + 1 < prev.length ? hashPair(prev[i], prev[i + 1]) : prev[i]);
  return next;
}

export type Manifest = {
  root: Hex;
  /** The boundary states `z_0..z_N`. */
  states: bigint[][];
  /** `levels[0]` the segment leaves, the last level `[root]`. */
  levels: Hex[][];
  /** The proof of segment `k` (a leaf of level 0). */
  proof(k: number): Hex[];
  /** The root over segments `[j·2^k, min((j+1)·2^k, N))`: node `j` of level `k`. */
  subtreeRoot(k: number, j: number): Hex;
  /** The proof of node `j` of level `k` to the root (what a chunk of `2^k` leaves submits). */
  subtreeProof(k: number, j: number): Hex[];
};

/** The manifest tree over boundary states `z_0..z_N` (N + 1 entries, N segments). */
export function buildManifest(states: readonly (readonly bigint[])[]): Manifest {
  if (states.length < 2) throw new TreeShapeError("a manifest has at least z_0 and z_1");
  const leaves = states.slice(0, -1).map((z, k) => segmentLeaf(k, z, states[k + 1]));
  const levels: Hex[][] = [leaves];
  while (levels[levels.length - 1].length > 1) levels.push(nextLevel(levels[levels.length - 1]));
  const node = (k: number, j: number) => {
    if (!Number.isSafeInteger(k) || k < 0 || !Number.isSafeInteger(j) || j < 0) {
      throw new TreeShapeError("not a manifest node", { details: `level ${k}, index ${j}` });
    }
    // Above the root the root carries itself up: node 0 of any level ≥ the height is the root.
    const level = Math.min(k, levels.length - 1);
    if (j >= levels[level].length || (k > level && j !== 0)) {
      throw new TreeShapeError("not a manifest node", {
        details: `level ${k}, index ${j} of ${leaves.length} segments`,
      });
    }
    return level;
  };
  const proofFrom = (k: number, j: number): Hex[] => {
    const out: Hex[] = [];
    let idx = j;
    for (let l = node(k, j); l < levels.length - 1; l++) {
      const sib = idx ^ 1;
      if (sib < levels[l].length) out.push(levels[l][sib]);
      idx >>= 1;
    }
    return out;
  };
  return {
    root: levels[levels.length - 1][0],
    states: states.map((z) => [...z]),
    levels,
    proof: (k) => proofFrom(0, k),
    subtreeRoot: (k, j) => levels[node(k, j)][j],
    subtreeProof: proofFrom,
  };
}

/** OpenZeppelin `MerkleProof.verify`: folds `proof` into `leaf` with {@link hashPair} and compares to `root`. */
export function verifyManifestProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return proof.reduce<Hex>((h, p) => hashPair(h, p), leaf) === root;
}
