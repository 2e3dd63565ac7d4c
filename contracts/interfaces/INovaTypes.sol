// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";

/// @title Shared NovaNet types
/// @notice The relaxed R1CS instance and the decider proof, as specified in docs/protocol.md §7.
///         `abi.encode(Instance)` is the byte string the fold challenge and the instance hash absorb.

/// @notice A relaxed R1CS instance `U = (cmW, cmE, u, x)`.
struct Instance {
    Bn254.G1Point cmW;
    Bn254.G1Point cmE;
    uint256 u;
    uint256[] x;
}

/// @notice A decider proof for one relaxed instance: a Groth16 proof of `D_F`, its public outputs
///         (`zeta`, `yW`, `yE`) and the KZG opening proofs of `cmW → yW` and `cmE → yE` at `zeta`.
///         For zero knowledge the prover first folds a random satisfying instance `blind` into the
///         instance (cross term commitment `cmT`); the verifier redoes that fold and decides the result
///         (docs/decider.md). Hiding off: `blind.x` is empty and `blind`, `cmT` are all zero.
struct DeciderProof {
    uint256[2] a;
    uint256[2][2] b; // G2, EIP-197 order: [[x1, x0], [y1, y0]]
    uint256[2] c;
    uint256 zeta;
    uint256 yW;
    uint256 yE;
    Bn254.G1Point piW;
    Bn254.G1Point piE;
    Instance blind;
    Bn254.G1Point cmT;
}
