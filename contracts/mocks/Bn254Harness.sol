// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";

/// @notice Test-only harness exposing {Bn254} as external functions.
contract Bn254Harness {
    function add(Bn254.G1Point memory a, Bn254.G1Point memory b) external view returns (Bn254.G1Point memory) {
        return Bn254.add(a, b);
    }

    function mul(Bn254.G1Point memory a, uint256 s) external view returns (Bn254.G1Point memory) {
        return Bn254.mul(a, s);
    }

    function negate(Bn254.G1Point memory a) external pure returns (Bn254.G1Point memory) {
        return Bn254.negate(a);
    }

    function validate(Bn254.G1Point memory a) external pure {
        Bn254.validate(a);
    }

    function pairingProduct(Bn254.G1Point[] memory a, Bn254.G2Point[] memory b) external view returns (bool) {
        return Bn254.pairingProduct(a, b);
    }
}
