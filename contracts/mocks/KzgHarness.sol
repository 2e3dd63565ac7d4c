// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";
import {Kzg} from "../libraries/Kzg.sol";

/// @title KzgHarness
/// @notice Test-only wrapper exposing the {Kzg} library.
contract KzgHarness {
    function batchChallenge(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2
    ) external pure returns (uint256) {
        return Kzg.batchChallenge(cm1, cm2, zeta, y1, y2, pi1, pi2);
    }

    function batchTerms(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2
    ) external view returns (Bn254.G1Point memory l, Bn254.G1Point memory r) {
        return Kzg.batchTerms(cm1, cm2, zeta, y1, y2, pi1, pi2);
    }

    function verifyBatch(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2,
        Bn254.G2Point memory tauG2
    ) external view returns (bool) {
        return Kzg.verifyBatch(cm1, cm2, zeta, y1, y2, pi1, pi2, tauG2);
    }
}
