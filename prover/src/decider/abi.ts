/**
 * The Solidity ABI values of `Instance` and `DeciderProof` (contracts/interfaces/INovaTypes.sol), as
 * viem expects them for `verifyDecider(instance, proof)`.
 */
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { G1Affine } from "../curve/bn254.js";
import type { DeciderProof } from "./prove.js";

export type G1Abi = { x: bigint; y: bigint };
export type InstanceAbi = { cmW: G1Abi; cmE: G1Abi; u: bigint; x: readonly bigint[] };
export type DeciderProofAbi = {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
  zeta: bigint;
  yW: bigint;
  yE: bigint;
  piW: G1Abi;
  piE: G1Abi;
  blind: InstanceAbi;
  cmT: G1Abi;
};

const g1 = (p: G1Affine): G1Abi => ({ x: p.x, y: p.y });

export function instanceAbi(U: RelaxedInstance): InstanceAbi {
  return { cmW: g1(U.cmW), cmE: g1(U.cmE), u: U.u, x: [...U.x] };
}

const EMPTY_INSTANCE: InstanceAbi = { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] };

export function deciderProofAbi(p: DeciderProof): DeciderProofAbi {
  return {
    a: p.a,
    b: p.b,
    c: p.c,
    zeta: p.zeta,
    yW: p.yW,
    yE: p.yE,
    piW: g1(p.piW),
    piE: g1(p.piE),
    blind: p.blind ? instanceAbi(p.blind) : EMPTY_INSTANCE,
    cmT: g1(p.cmT),
  };
}

/** The ABI value of `DeciderProofV3` (contracts/decider/DeciderVerifierV3.sol; v3.ts `deciderProofV3Abi`). */
export type DeciderProofV3Abi = {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
  d: G1Abi;
  pok: G1Abi;
  yo: bigint;
  pi: G1Abi;
  blind: InstanceAbi;
  cmT: G1Abi;
};

/**
 * A v3 proof in the market's `DeciderProof` type: the same ABI words (both structs are 15 static words,
 * then `blind` and `cmT`), which `DeciderVerifierV3.verifyDecider(Instance, DeciderProof)` reads back as a
 * `DeciderProofV3`. So the market, which calls every decider through `IDeciderVerifier`, takes v3 proofs
 * unchanged (docs/decider.md "Migration").
 */
export function deciderProofV3AsMarketProof(p: DeciderProofV3Abi): DeciderProofAbi {
  return {
    a: p.a,
    b: p.b,
    c: p.c,
    zeta: p.d.x,
    yW: p.d.y,
    yE: p.pok.x,
    piW: { x: p.pok.y, y: p.yo },
    piE: { x: p.pi.x, y: p.pi.y },
    blind: p.blind,
    cmT: p.cmT,
  };
}

/** The inverse of {@link deciderProofV3AsMarketProof} (what the v3 verifier reads from a market proof). */
export function marketProofAsDeciderProofV3(p: DeciderProofAbi): DeciderProofV3Abi {
  return {
    a: p.a,
    b: p.b,
    c: p.c,
    d: { x: p.zeta, y: p.yW },
    pok: { x: p.yE, y: p.piW.x },
    yo: p.piW.y,
    pi: { x: p.piE.x, y: p.piE.y },
    blind: p.blind,
    cmT: p.cmT,
  };
}
