// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";

/// @title MockDeciderVerifier
/// @notice TEST ONLY, NOT A DECIDER: accepts a "proof" of an instance iff `zeta = keccak256(abi.encode(U)) mod p`
///         and `piW = zeta·G1` (one ecMul). It binds the proof to the exact instance (any corrupted field of
///         `U` or of the proof is rejected) without proving satisfiability, so market tests whose instances
///         are random commitments (the market only checks fold arithmetic) can reach the decision quickly.
///         The lifecycle tests use the real DeciderVerifier with real decider proofs.
contract MockDeciderVerifier is IDeciderVerifier {
    bytes32 public immutable r1csHash;
    uint256 public immutable stateWidth;

    error MockDeciderVerifierRejected();

    constructor(bytes32 r1csHash_, uint256 stateWidth_) {
        r1csHash = r1csHash_;
        stateWidth = stateWidth_;
    }

    /// @notice TEST ONLY: claims the all-zero `[τ]G2` (test registrations use a stand-in SRS with it). It checks
    ///         no KZG opening, so this claim is as empty as its `r1csHash`.
    function tauG2() external pure returns (uint256[4] memory) {
        return [uint256(0), 0, 0, 0];
    }

    function verifyDecider(Instance calldata instance, DeciderProof calldata proof) external view returns (bool) {
        uint256 zeta = uint256(keccak256(abi.encode(instance))) % Bn254.P;
        if (proof.zeta != zeta) revert MockDeciderVerifierRejected();
        Bn254.G1Point memory expected = Bn254.mulUnchecked(Bn254.generator(), zeta);
        if (proof.piW.x != expected.x || proof.piW.y != expected.y) revert MockDeciderVerifierRejected();
        return true;
    }
}
