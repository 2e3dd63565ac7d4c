/**
 * The manifest root of a job (docs/contracts.md "Manifest"): an OpenZeppelin `MerkleProof`-compatible
 * Merkle root over the boundary states `z_0..z_N`, leaf `i` being
 * `keccak256(bytes.concat(keccak256(abi.encode(uint256 i, uint256[] z_i))))` (OpenZeppelin's
 * StandardMerkleTree leaf encoding), inner nodes `keccak256(sorted(a, b))`, built level by level in index
 * order with an odd last node carried up unchanged.
 */
import { concat, encodeAbiParameters, type Hex, keccak256 } from "viem";

export function stateLeaf(i: number, z: readonly bigint[]): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256[]" }], [BigInt(i), [...z]])));
}

function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

export type Manifest = { root: Hex; states: bigint[][]; proof(i: number): Hex[] };

/** The manifest tree over `states` (`z_0..z_N`, N + 1 entries). */
export function buildManifest(states: readonly (readonly bigint[])[]): Manifest {
  if (states.length < 2) throw new Error("a manifest has at least z_0 and z_1");
  const levels: Hex[][] = [states.map((z, i) => stateLeaf(i, z))];
  while (levels[levels.length - 1].length > 1) {
    const prev = levels[levels.length - 1];
    const next: Hex[] = [];
    for (let i = 0; i < prev.length; i += 2) next.push(i + 1 < prev.length ? hashPair(prev[i], prev[i + 1]) : prev[i]);
    levels.push(next);
  }
  return {
    root: levels[levels.length - 1][0],
    states: states.map((z) => [...z]),
    proof(i: number): Hex[] {
      const out: Hex[] = [];
      let idx = i;
      for (let l = 0; l < levels.length - 1; l++) {
        const sib = idx ^ 1;
        if (sib < levels[l].length) out.push(levels[l][sib]);
        idx >>= 1;
      }
      return out;
    },
  };
}
