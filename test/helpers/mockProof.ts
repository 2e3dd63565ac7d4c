/**
 * The test-only MockDeciderVerifier's "proof" of an instance, without Hardhat imports (the in-process market
 * tests re-export it from marketV2.ts; e2e tests against a `hardhat node` import it from here).
 */
import { encodeAbiParameters, keccak256 } from "viem";
import { G1_GENERATOR, g1Mul } from "../../prover/src/curve/bn254.js";
import { P } from "../../prover/src/field/fr.js";
import { INSTANCE_ABI } from "../../prover/src/folding/transcript.js";

type G1 = { x: bigint; y: bigint };
export type InstanceV = { cmW: G1; cmE: G1; u: bigint; x: readonly bigint[] };

/** A proof MockDeciderVerifier accepts for `instance`: `zeta = keccak256(abi.encode(instance)) mod p`, `piW = zeta·G`. */
export function mockProof(instance: InstanceV) {
  const zeta = BigInt(keccak256(encodeAbiParameters([INSTANCE_ABI], [instance]))) % P;
  const piW = g1Mul(G1_GENERATOR, zeta);
  return {
    a: [0n, 0n],
    b: [
      [0n, 0n],
      [0n, 0n],
    ],
    c: [0n, 0n],
    zeta,
    yW: 0n,
    yE: 0n,
    piW: { x: piW.x, y: piW.y },
    piE: { x: 0n, y: 0n },
    blind: { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] },
    cmT: { x: 0n, y: 0n },
  } as const;
}
