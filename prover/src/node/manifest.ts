/**
 * The manifest root of a job (docs/contracts.md "Manifest"): an OpenZeppelin `MerkleProof`-compatible
 * Merkle root over the N segments of the job, segment `k` (leaf `k`'s boundary states) hashed as
 * `keccak256(bytes.concat(keccak256(abi.encode(uint256 k, uint256[] z_k, uint256[] z_{k+1}))))`
 * (OpenZeppelin's StandardMerkleTree leaf encoding), inner nodes `keccak256(sorted(a, b))`, built level
 * by level in index order with an odd last node carried up unchanged. One proof per leaf.
 */
import { concat, encodeAbiParameters, type Hex, keccak256 } from "viem";

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

function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

export type Manifest = { root: Hex; states: bigint[][]; proof(k: number): Hex[] };

/** The manifest tree over boundary states `z_0..z_N` (N + 1 entries, N segments). */
export function buildManifest(states: readonly (readonly bigint[])[]): Manifest {
  if (states.length < 2) throw new Error("a manifest has at least z_0 and z_1");
  const leaves = states.slice(0, -1).map((z, k) => segmentLeaf(k, z, states[k + 1]));
  const levels: Hex[][] = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const prev = levels[levels.length - 1];
    const next: Hex[] = [];
    for (let i = 0; i < prev.length; i += 2) next.push(i + 1 < prev.length ? hashPair(prev[i], prev[i + 1]) : prev[i]);
    levels.push(next);
  }
  return {
    root: levels[levels.length - 1][0],
    states: states.map((z) => [...z]),
    proof(k: number): Hex[] {
      const out: Hex[] = [];
      let idx = k;
      for (let l = 0; l < levels.length - 1; l++) {
        const sib = idx ^ 1;
        if (sib < levels[l].length) out.push(levels[l][sib]);
        idx >>= 1;
      }
      return out;
    },
  };
}
