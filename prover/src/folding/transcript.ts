/**
 * The fold transcript: domain separator, fold challenge `r` and instance hash, byte for byte as in
 * docs/protocol.md §7 and the Solidity `Fold` library (pinned by test/vectors/fold-challenge.json).
 *
 * r = uint256(keccak256(abi.encode(bytes32 DOMAIN, uint256 jobId, uint256 nodeId, Instance U1, Instance U2, G1 cmT))) mod p
 *
 * The challenge absorbs everything the fold depends on (the public parameters through DOMAIN, the
 * job, the position in the tree, both instances and the cross-term commitment), as Nova's
 * Fiat–Shamir transform requires.
 *
 * Transcript v2 (the folds inside a v2 market chunk and a v2 bundle; contracts/market/Chunks.sol `foldChunk`)
 * absorbs what the two instances are made of instead of the instances: each node has a tag,
 *
 *   leaf k:  τ = keccak256(abi.encodePacked(cmW_k, x_k))
 *   fold v:  h = keccak256(abi.encode(bytes32 DOMAIN, uint256 jobId, uint256 nodeId, bytes32 τ_L, bytes32 τ_R, G1 cmT)),
 *            r = h mod p, τ_v = h
 *
 * A tag binds every leaf and cross term below its node, hence the node's instance (a function of them), so
 * the challenge binds both folded instances as v1's does, but the verifier never computes an inner node's
 * commitments: the root is one linear combination of the leaves' `cmW` and the folds' `cmT`.
 */
import { type Address, concat, encodeAbiParameters, type Hex, keccak256, numberToHex } from "viem";
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { G1Affine } from "../curve/bn254.js";
import { P } from "../field/fr.js";

export const DOMAIN_TAG = "NovaNet/fold/v1";

export type DomainParameters = {
  /** Chain id of the market, 0n for a local bundle. */
  chainId: bigint;
  /** Market address, the zero address for a local bundle. */
  market: Address;
  /** keccak256 of the .r1cs file bytes. */
  r1csHash: Hex;
  /** srsDigest(srs) of commitment/srs.ts. */
  srsDigest: Hex;
};

const G1_TUPLE = {
  type: "tuple",
  components: [
    { name: "x", type: "uint256" },
    { name: "y", type: "uint256" },
  ],
} as const;

/** The ABI type of `struct Instance { G1Point cmW; G1Point cmE; uint256 u; uint256[] x; }`. */
export const INSTANCE_ABI = {
  type: "tuple",
  components: [
    { name: "cmW", ...G1_TUPLE },
    { name: "cmE", ...G1_TUPLE },
    { name: "u", type: "uint256" },
    { name: "x", type: "uint256[]" },
  ],
} as const;

/** The instance as viem ABI values (matches {@link INSTANCE_ABI}). */
export function instanceAbiValue(U: RelaxedInstance) {
  return { cmW: { x: U.cmW.x, y: U.cmW.y }, cmE: { x: U.cmE.x, y: U.cmE.y }, u: U.u, x: [...U.x] };
}

/** `DOMAIN = keccak256(abi.encode(string "NovaNet/fold/v1", uint256 chainId, address market, bytes32 r1csHash, bytes32 srsDigest))`. */
export function domainSeparator(params: DomainParameters): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "uint256" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
      [DOMAIN_TAG, params.chainId, params.market, params.r1csHash, params.srsDigest],
    ),
  );
}

/** The exact bytes the fold challenge hashes: `abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT)`. */
export function foldChallengeInput(
  domain: Hex,
  jobId: bigint,
  nodeId: bigint,
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  cmT: G1Affine,
): Hex {
  return encodeAbiParameters(
    [{ type: "bytes32" }, { type: "uint256" }, { type: "uint256" }, INSTANCE_ABI, INSTANCE_ABI, G1_TUPLE],
    [domain, jobId, nodeId, instanceAbiValue(U1), instanceAbiValue(U2), { x: cmT.x, y: cmT.y }],
  );
}

/** `r = uint256(keccak256(abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT))) mod p` (U1 left, U2 right, nodeId the parent's). */
export function foldChallenge(
  domain: Hex,
  jobId: bigint,
  nodeId: bigint,
  U1: RelaxedInstance,
  U2: RelaxedInstance,
  cmT: G1Affine,
): bigint {
  return BigInt(keccak256(foldChallengeInput(domain, jobId, nodeId, U1, U2, cmT))) % P;
}

/** `keccak256(abi.encode(Instance))`: what the market stores per node. */
export function instanceHash(U: RelaxedInstance): Hex {
  return keccak256(encodeAbiParameters([INSTANCE_ABI], [instanceAbiValue(U)]));
}

/** Transcript v2: a leaf's tag `keccak256(abi.encodePacked(cmW.x, cmW.y, x))` (a fresh leaf's `x = (zOut, zIn)`). */
export function leafTag(U: RelaxedInstance): Hex {
  return keccak256(concat([U.cmW.x, U.cmW.y, ...U.x].map((v) => numberToHex(v, { size: 32 }))));
}

/** Transcript v2: a fold's tag `keccak256(abi.encode(DOMAIN, jobId, nodeId, τ_L, τ_R, cmT))`; its challenge is {@link tagChallenge}. */
export function foldTag(domain: Hex, jobId: bigint, nodeId: bigint, tagL: Hex, tagR: Hex, cmT: G1Affine): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "bytes32" },
        G1_TUPLE,
      ],
      [domain, jobId, nodeId, tagL, tagR, { x: cmT.x, y: cmT.y }],
    ),
  );
}

/** Transcript v2: the challenge of a fold whose tag is `tag`, `uint256(tag) mod p`. */
export function tagChallenge(tag: Hex): bigint {
  return BigInt(tag) % P;
}
