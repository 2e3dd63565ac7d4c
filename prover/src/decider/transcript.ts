/**
 * The decider's hashes (docs/protocol.md §7 "Decider"), byte for byte what DeciderVerifier.sol computes:
 * - `cmDigest = uint256(keccak256(abi.encode(cmW.x, cmW.y, cmE.x, cmE.y))) mod p`
 * - blinding fold challenge `rb = uint256(keccak256(abi.encode(bytes32 BLIND_TAG, Instance U,
 *   Instance Ur, G1 cmT))) mod p`, `BLIND_TAG = keccak256("NovaNet/decider/blind/v1")`
 */
import { encodeAbiParameters, keccak256, toBytes } from "viem";
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { G1Affine } from "../curve/bn254.js";
import { P } from "../field/fr.js";

export const BLIND_TAG = keccak256(toBytes("NovaNet/decider/blind/v1"));

const U256 = { type: "uint256" } as const;
const G1 = { type: "tuple", components: [U256, U256] } as const;
const INSTANCE = {
  type: "tuple",
  components: [G1, G1, U256, { type: "uint256[]" }],
} as const;

export function cmDigest(cmW: G1Affine, cmE: G1Affine): bigint {
  const enc = encodeAbiParameters([U256, U256, U256, U256], [cmW.x, cmW.y, cmE.x, cmE.y]);
  return BigInt(keccak256(enc)) % P;
}

function instanceTuple(U: RelaxedInstance) {
  return [[U.cmW.x, U.cmW.y], [U.cmE.x, U.cmE.y], U.u, [...U.x]] as const;
}

export function blindChallenge(U: RelaxedInstance, Ur: RelaxedInstance, cmT: G1Affine): bigint {
  const enc = encodeAbiParameters(
    [{ type: "bytes32" }, INSTANCE, INSTANCE, G1],
    [BLIND_TAG, instanceTuple(U), instanceTuple(Ur), [cmT.x, cmT.y]],
  );
  return BigInt(keccak256(enc)) % P;
}
