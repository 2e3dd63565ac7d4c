// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Bn254
/// @notice Wrappers for the EVM's BN254 (alt_bn128) precompiles: 0x06 ecAdd, 0x07 ecMul, 0x08 pairing
///         (EIP-196, EIP-197), with input validation and custom errors.
/// @dev Points use affine coordinates; the point at infinity is (0, 0). G2 coordinates are given as
///      Fq2 elements `x = x0 + x1·i`, stored `[x1, x0]` (imaginary part first), the precompile's order,
///      which is also the order snarkjs' Solidity verifiers use. Every check below is one the precompile
///      would also fail on; doing it here first turns an opaque failed call into a typed error that
///      names the offending value. Pairing inputs on G2 are checked by the precompile itself (subgroup
///      membership is expensive to test in Solidity), and a failure surfaces as {Bn254PairingFailed}.
library Bn254 {
    /// @dev Base field modulus q.
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @dev Scalar field modulus p (group order r).
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    struct G1Point {
        uint256 x;
        uint256 y;
    }

    struct G2Point {
        uint256[2] x; // [x1, x0]
        uint256[2] y; // [y1, y0]
    }

    /// @notice A G1 point's coordinate is not below q.
    error Bn254CoordinateNotInField(uint256 value);
    /// @notice A G1 point is not on y² = x³ + 3 (and is not the point at infinity).
    error Bn254PointNotOnCurve(uint256 x, uint256 y);
    /// @notice A scalar is not below the group order p.
    error Bn254ScalarNotInField(uint256 value);
    /// @notice The pairing inputs have different lengths.
    error Bn254PairingLengthMismatch(uint256 g1Count, uint256 g2Count);
    /// @notice A precompile call failed (invalid input it checks itself, e.g. a G2 point off the twist).
    error Bn254PrecompileFailed(uint256 precompile);

    /// @notice The generator of G1.
    function generator() internal pure returns (G1Point memory) {
        return G1Point(1, 2);
    }

    /// @notice The generator of G2.
    function generatorG2() internal pure returns (G2Point memory) {
        return G2Point(
            [
                11559732032986387107991004021392285783925812861821192530917403151452391805634,
                10857046999023057135944570762232829481370756359578518086990519993285655852781
            ],
            [
                4082367875863433681332203403145435568316851327593401208105741076214120093531,
                8495653923123431417604973247489272438418190587263600148770280649306958101930
            ]
        );
    }

    /// @notice Reverts unless `a` is the point at infinity or an affine point on the curve with
    ///         coordinates below q. Cost: ~100 gas.
    function validate(G1Point memory a) internal pure {
        if (a.x >= Q) revert Bn254CoordinateNotInField(a.x);
        if (a.y >= Q) revert Bn254CoordinateNotInField(a.y);
        if (a.x == 0 && a.y == 0) return;
        uint256 lhs = mulmod(a.y, a.y, Q);
        uint256 rhs = addmod(mulmod(mulmod(a.x, a.x, Q), a.x, Q), 3, Q);
        if (lhs != rhs) revert Bn254PointNotOnCurve(a.x, a.y);
    }

    /// @notice `-a`. Does not validate `a`.
    function negate(G1Point memory a) internal pure returns (G1Point memory) {
        if (a.x == 0 && a.y == 0) return a;
        return G1Point(a.x, Q - (a.y % Q));
    }

    /// @notice `a + b` through precompile 0x06 (150 gas + call overhead). Validates both inputs.
    function add(G1Point memory a, G1Point memory b) internal view returns (G1Point memory r) {
        validate(a);
        validate(b);
        return addUnchecked(a, b);
    }

    /// @notice `a + b` without the Solidity-side validation (the precompile still rejects points off
    ///         the curve). For values this contract produced itself.
    function addUnchecked(G1Point memory a, G1Point memory b) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(a))
            mstore(add(m, 0x20), mload(add(a, 0x20)))
            mstore(add(m, 0x40), mload(b))
            mstore(add(m, 0x60), mload(add(b, 0x20)))
            ok := staticcall(gas(), 0x06, m, 0x80, r, 0x40)
        }
        if (!ok) revert Bn254PrecompileFailed(0x06);
    }

    /// @notice `s·a` through precompile 0x07 (6000 gas + call overhead). Validates `a` and requires
    ///         `s < p`.
    function mul(G1Point memory a, uint256 s) internal view returns (G1Point memory r) {
        validate(a);
        if (s >= P) revert Bn254ScalarNotInField(s);
        return mulUnchecked(a, s);
    }

    /// @notice `s·a` without the Solidity-side checks (the precompile reduces `s` and rejects points
    ///         off the curve).
    function mulUnchecked(G1Point memory a, uint256 s) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(a))
            mstore(add(m, 0x20), mload(add(a, 0x20)))
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, r, 0x40)
        }
        if (!ok) revert Bn254PrecompileFailed(0x07);
    }

    /// @notice Whether `Π e(a[i], b[i]) == 1`, through precompile 0x08 (34000·k + 45000 gas).
    ///         Validates the G1 inputs; G2 inputs are validated by the precompile (a failure reverts
    ///         with {Bn254PrecompileFailed}).
    function pairingProduct(G1Point[] memory a, G2Point[] memory b) internal view returns (bool) {
        if (a.length != b.length) revert Bn254PairingLengthMismatch(a.length, b.length);
        uint256 k = a.length;
        uint256[] memory input = new uint256[](k * 6);
        for (uint256 i = 0; i < k; i++) {
            validate(a[i]);
            uint256 j = i * 6;
            input[j] = a[i].x;
            input[j + 1] = a[i].y;
            input[j + 2] = b[i].x[0];
            input[j + 3] = b[i].x[1];
            input[j + 4] = b[i].y[0];
            input[j + 5] = b[i].y[1];
        }
        uint256[1] memory out;
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, add(input, 0x20), mul(k, 0xc0), out, 0x20)
        }
        if (!ok) revert Bn254PrecompileFailed(0x08);
        return out[0] == 1;
    }
}
