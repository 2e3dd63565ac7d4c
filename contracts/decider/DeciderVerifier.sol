// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Kzg} from "../libraries/Kzg.sol";

/// @title DeciderVerifier
/// @notice Verifies NovaNet decider proofs (docs/protocol.md §2 "Decider", docs/decider.md) for one step
///         circuit. A generated subclass (contracts/decider/generated/, exported through snarkjs from
///         the circuit's decider zkey) fixes the Groth16 verifying key of `D_F`, `[τ]G2` of the SRS, the
///         step circuit's r1csHash and state width.
/// @dev Steps: (1) validate the instance and the proof; (2) if the proof carries a blinding instance,
///      redo the zero-knowledge fold `U' = U + rb·Ur` (3 ecMul); (3) `cmDigest = keccak(cmW', cmE') mod p`;
///      (4) `vk_x` over the public signals `[u', x', cmDigest, ζ, yW, yE]`; (5) the KZG batch terms
///      `(L, R)`; (6) ONE pairing product of five pairs: Groth16's four and the KZG pairs scaled by a
///      random `σ = keccak(L, R, A, B, C, vk_x) mod p` (so both equations hold except with probability
///      ~1/p), the KZG pair on the G2 generator merged into Groth16's `(vk_x, γ)` pair since snarkjs keys
///      have `γ = G2`. Never returns false: a failed check reverts with a custom error.
abstract contract DeciderVerifier is IDeciderVerifier {
    /// @notice `x` does not have length `2·stateWidth`.
    error DeciderVerifierWrongXLength(uint256 length, uint256 expected);
    /// @notice A scalar of the instance or the proof is not below p.
    error DeciderVerifierScalarNotInField(uint256 value);
    /// @notice Hiding is off (`blind.x` empty) but the blinding fields are not all zero.
    error DeciderVerifierBlindNotEmpty();
    /// @notice The combined Groth16 + KZG pairing check failed: the proof does not show the instance.
    error DeciderVerifierProofRejected();
    /// @notice The verifying key's `γ` is not the G2 generator (snarkjs keys always have `γ = G2`; the
    ///         combined pairing relies on it).
    error DeciderVerifierGammaNotGenerator();

    /// @notice The Groth16 verifying key of `D_F` (snarkjs's `vk_alpha_1`, `vk_beta_2`, ... and `IC`).
    struct VerifyingKey {
        Bn254.G1Point alpha;
        Bn254.G2Point beta;
        Bn254.G2Point gamma;
        Bn254.G2Point delta;
        Bn254.G1Point[] ic;
    }

    /// @dev The instance actually decided (after the optional blinding fold).
    struct Decided {
        Bn254.G1Point cmW;
        Bn254.G1Point cmE;
        uint256 u;
        uint256[] x;
    }

    /// @dev Domain tag of the blinding fold challenge.
    bytes32 internal constant BLIND_TAG = keccak256("NovaNet/decider/blind/v1");

    /// @dev Checks once, at deployment, that `γ` is the G2 generator: the verification merges the
    ///      Groth16 pair `(vk_x, γ)` and the KZG pair `(σ·L, G2)` into one pair `(vk_x + σ·L, G2)`.
    constructor() {
        Bn254.G2Point memory gamma = _verifyingKey().gamma;
        Bn254.G2Point memory g2 = Bn254.generatorG2();
        if (
            gamma.x[0] != g2.x[0] || gamma.x[1] != g2.x[1] || gamma.y[0] != g2.y[0] || gamma.y[1] != g2.y[1]
        ) revert DeciderVerifierGammaNotGenerator();
    }

    /// @inheritdoc IDeciderVerifier
    function r1csHash() external pure virtual returns (bytes32);

    /// @inheritdoc IDeciderVerifier
    function stateWidth() public pure virtual returns (uint256);

    /// @dev The verifying key of `D_F` (constants in the generated subclass).
    function _verifyingKey() internal pure virtual returns (VerifyingKey memory);

    /// @dev `[τ]G2` of the SRS the commitments use.
    function _tauG2() internal pure virtual returns (Bn254.G2Point memory);

    /// @inheritdoc IDeciderVerifier
    function tauG2() external pure returns (uint256[4] memory) {
        Bn254.G2Point memory t = _tauG2();
        return [t.x[0], t.x[1], t.y[0], t.y[1]];
    }

    /// @inheritdoc IDeciderVerifier
    function verifyDecider(Instance calldata instance, DeciderProof calldata proof) external view returns (bool) {
        uint256 n = 2 * stateWidth();
        _checkInstance(instance, n);
        _checkScalar(proof.zeta);
        _checkScalar(proof.yW);
        _checkScalar(proof.yE);
        Bn254.validate(Bn254.G1Point(proof.a[0], proof.a[1]));
        Bn254.validate(Bn254.G1Point(proof.c[0], proof.c[1]));
        Bn254.validate(proof.piW);
        Bn254.validate(proof.piE);

        Decided memory d = _decided(instance, proof, n);
        uint256 digest = uint256(keccak256(abi.encode(d.cmW.x, d.cmW.y, d.cmE.x, d.cmE.y))) % Bn254.P;

        VerifyingKey memory vk = _verifyingKey();
        Bn254.G1Point memory vkx = _publicCombination(vk, d, digest, proof);
        (Bn254.G1Point memory l, Bn254.G1Point memory r) =
            Kzg.batchTerms(d.cmW, d.cmE, proof.zeta, proof.yW, proof.yE, proof.piW, proof.piE);

        uint256 sigma = uint256(keccak256(abi.encode(l, r, proof.a, proof.b, proof.c, vkx))) % Bn254.P;

        // e(−A, B)·e(α, β)·e(vk_x + σL, G2)·e(C, δ)·e(−σR, [τ]G2) = 1   (γ = G2, checked at deployment)
        Bn254.G1Point[] memory g1 = new Bn254.G1Point[](5);
        Bn254.G2Point[] memory g2 = new Bn254.G2Point[](5);
        g1[0] = Bn254.negate(Bn254.G1Point(proof.a[0], proof.a[1]));
        g2[0] = Bn254.G2Point(proof.b[0], proof.b[1]);
        g1[1] = vk.alpha;
        g2[1] = vk.beta;
        g1[2] = Bn254.addUnchecked(vkx, Bn254.mulUnchecked(l, sigma));
        g2[2] = vk.gamma;
        g1[3] = Bn254.G1Point(proof.c[0], proof.c[1]);
        g2[3] = vk.delta;
        g1[4] = Bn254.negate(Bn254.mulUnchecked(r, sigma));
        g2[4] = _tauG2();
        if (!Bn254.pairingProduct(g1, g2)) revert DeciderVerifierProofRejected();
        return true;
    }

    function _checkScalar(uint256 v) private pure {
        if (v >= Bn254.P) revert DeciderVerifierScalarNotInField(v);
    }

    function _checkInstance(Instance calldata inst, uint256 n) private pure {
        if (inst.x.length != n) revert DeciderVerifierWrongXLength(inst.x.length, n);
        _checkScalar(inst.u);
        for (uint256 i = 0; i < n; i++) {
            _checkScalar(inst.x[i]);
        }
        Bn254.validate(inst.cmW);
        Bn254.validate(inst.cmE);
    }

    /// @dev `U` itself (hiding off) or `U + rb·Ur` with `rb = keccak(BLIND_TAG, U, Ur, cmT) mod p`.
    function _decided(Instance calldata inst, DeciderProof calldata proof, uint256 n)
        private
        view
        returns (Decided memory d)
    {
        Instance calldata b = proof.blind;
        if (b.x.length == 0) {
            if (
                b.cmW.x != 0 || b.cmW.y != 0 || b.cmE.x != 0 || b.cmE.y != 0 || b.u != 0 || proof.cmT.x != 0
                    || proof.cmT.y != 0
            ) revert DeciderVerifierBlindNotEmpty();
            return Decided(inst.cmW, inst.cmE, inst.u, inst.x);
        }
        _checkInstance(b, n);
        Bn254.validate(proof.cmT);
        uint256 rb = uint256(keccak256(abi.encode(BLIND_TAG, inst, b, proof.cmT))) % Bn254.P;
        uint256 rb2 = mulmod(rb, rb, Bn254.P);
        d.cmW = Bn254.addUnchecked(inst.cmW, Bn254.mulUnchecked(b.cmW, rb));
        d.cmE = Bn254.addUnchecked(
            Bn254.addUnchecked(inst.cmE, Bn254.mulUnchecked(proof.cmT, rb)), Bn254.mulUnchecked(b.cmE, rb2)
        );
        d.u = addmod(inst.u, mulmod(rb, b.u, Bn254.P), Bn254.P);
        d.x = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            d.x[i] = addmod(inst.x[i], mulmod(rb, b.x[i], Bn254.P), Bn254.P);
        }
    }

    /// @dev `vk_x = IC[0] + Σ s_i·IC[i+1]` over `s = [u, x, cmDigest, ζ, yW, yE]`.
    function _publicCombination(VerifyingKey memory vk, Decided memory d, uint256 digest, DeciderProof calldata proof)
        private
        view
        returns (Bn254.G1Point memory acc)
    {
        uint256 n = d.x.length;
        acc = vk.ic[0];
        acc = _mulAdd(acc, vk.ic[1], d.u);
        for (uint256 i = 0; i < n; i++) {
            acc = _mulAdd(acc, vk.ic[2 + i], d.x[i]);
        }
        acc = _mulAdd(acc, vk.ic[2 + n], digest);
        acc = _mulAdd(acc, vk.ic[3 + n], proof.zeta);
        acc = _mulAdd(acc, vk.ic[4 + n], proof.yW);
        acc = _mulAdd(acc, vk.ic[5 + n], proof.yE);
    }

    function _mulAdd(Bn254.G1Point memory acc, Bn254.G1Point memory p, uint256 s)
        private
        view
        returns (Bn254.G1Point memory)
    {
        if (s == 0) return acc;
        return Bn254.addUnchecked(acc, Bn254.mulUnchecked(p, s));
    }
}
