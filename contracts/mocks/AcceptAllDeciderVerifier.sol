// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";

/// @title AcceptAllDeciderVerifier
/// @notice TEST ONLY, AN ATTACKER'S CONTRACT: accepts every proof and reports whatever its deployer chose as its
///         `r1csHash`, `stateWidth` and `[τ]G2`. It is the impersonation of issue 10 (an outsider registers a real
///         circuit's R1CS hash with a verifier that decides nothing): the registry's `[τ]G2` check cannot stop
///         it (the claim is self-reported), `novanet circuit verify` does (docs/trust.md "Registry").
contract AcceptAllDeciderVerifier is IDeciderVerifier {
    bytes32 public immutable r1csHash;
    uint256 public immutable stateWidth;
    uint256 private immutable _t0;
    uint256 private immutable _t1;
    uint256 private immutable _t2;
    uint256 private immutable _t3;

    constructor(bytes32 r1csHash_, uint256 stateWidth_, uint256[4] memory tauG2_) {
        r1csHash = r1csHash_;
        stateWidth = stateWidth_;
        (_t0, _t1, _t2, _t3) = (tauG2_[0], tauG2_[1], tauG2_[2], tauG2_[3]);
    }

    function tauG2() external view returns (uint256[4] memory) {
        return [_t0, _t1, _t2, _t3];
    }

    function verifyDecider(Instance calldata, DeciderProof calldata) external pure returns (bool) {
        return true;
    }
}
