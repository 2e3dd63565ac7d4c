// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "./Bn254.sol";

/// @title Kzg
/// @notice KZG opening checks for NovaNet's Pedersen/KZG commitments (docs/protocol.md §7).
/// @dev An opening of `cm` to `y` at `ζ` is `π = [(v(τ) − y)/(τ − ζ)]G1`, accepted iff
///      `e(cm − y·G1 + ζ·π, G2) = e(π, [τ]G2)`. Two openings at one `ζ` are batched with
///      `ρ = keccak256(abi.encode(cm1, cm2, ζ, y1, y2, π1, π2)) mod p` into
///      `e(L, G2) · e(−R, [τ]G2) = 1` with `L = cm1 + ρ·cm2 − (y1 + ρ·y2)·G1 + ζ·R`, `R = π1 + ρ·π2`.
///      {batchTerms} returns `(L, R)` so a caller can fold them into a larger pairing product (the
///      decider does, with the Groth16 check). Cost: 4 ecMul + 4 ecAdd + one keccak (~26k gas).
library Kzg {
    /// @notice The batched opening pairing check failed.
    error KzgOpeningFailed();

    /// @notice `ρ = uint256(keccak256(abi.encode(cm1, cm2, ζ, y1, y2, π1, π2))) mod p`.
    function batchChallenge(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(cm1, cm2, zeta, y1, y2, pi1, pi2))) % Bn254.P;
    }

    /// @notice The two G1 arguments `(L, R)` of the batched check `e(L, G2) · e(−R, [τ]G2) = 1`.
    /// @dev Expects validated points and canonical scalars (the caller checks them once).
    function batchTerms(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2
    ) internal view returns (Bn254.G1Point memory l, Bn254.G1Point memory r) {
        uint256 rho = batchChallenge(cm1, cm2, zeta, y1, y2, pi1, pi2);
        r = Bn254.addUnchecked(pi1, Bn254.mulUnchecked(pi2, rho));
        uint256 y = addmod(y1, mulmod(rho, y2, Bn254.P), Bn254.P);
        Bn254.G1Point memory minusYG = Bn254.mulUnchecked(Bn254.generator(), (Bn254.P - y) % Bn254.P);
        l = Bn254.addUnchecked(cm1, Bn254.mulUnchecked(cm2, rho));
        l = Bn254.addUnchecked(l, minusYG);
        l = Bn254.addUnchecked(l, Bn254.mulUnchecked(r, zeta));
    }

    /// @notice Whether both openings hold (one 2-pair pairing product). Validates all inputs.
    function verifyBatch(
        Bn254.G1Point memory cm1,
        Bn254.G1Point memory cm2,
        uint256 zeta,
        uint256 y1,
        uint256 y2,
        Bn254.G1Point memory pi1,
        Bn254.G1Point memory pi2,
        Bn254.G2Point memory tauG2
    ) internal view returns (bool) {
        Bn254.validate(cm1);
        Bn254.validate(cm2);
        Bn254.validate(pi1);
        Bn254.validate(pi2);
        if (zeta >= Bn254.P) revert Bn254.Bn254ScalarNotInField(zeta);
        if (y1 >= Bn254.P) revert Bn254.Bn254ScalarNotInField(y1);
        if (y2 >= Bn254.P) revert Bn254.Bn254ScalarNotInField(y2);
        (Bn254.G1Point memory l, Bn254.G1Point memory r) = batchTerms(cm1, cm2, zeta, y1, y2, pi1, pi2);
        Bn254.G1Point[] memory g1 = new Bn254.G1Point[](2);
        Bn254.G2Point[] memory g2 = new Bn254.G2Point[](2);
        g1[0] = l;
        g2[0] = Bn254.generatorG2();
        g1[1] = Bn254.negate(r);
        g2[1] = tauG2;
        return Bn254.pairingProduct(g1, g2);
    }
}
