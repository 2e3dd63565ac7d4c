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
