// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";

/// @title RejectingDeciderVerifier
/// @notice TEST ONLY: a verifier that breaks the interface's "never returns false" promise, to test that
///         the market still refuses the decision ({IProofMarket.ProofMarketDeciderRejected}).
contract RejectingDeciderVerifier is IDeciderVerifier {
    bytes32 public immutable r1csHash;
    uint256 public immutable stateWidth;

    constructor(bytes32 r1csHash_, uint256 stateWidth_) {
        r1csHash = r1csHash_;
        stateWidth = stateWidth_;
    }

    /// @notice TEST ONLY: claims the all-zero `[τ]G2` (test registrations use a stand-in SRS with it). It checks
    ///         no KZG opening, so this claim is as empty as its `r1csHash`.
    function tauG2() external pure returns (uint256[4] memory) {
        return [uint256(0), 0, 0, 0];
    }

    function verifyDecider(Instance calldata, DeciderProof calldata) external pure returns (bool) {
        return false;
    }
}
