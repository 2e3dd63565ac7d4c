// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";

/// @notice A decider v3 proof (docs/decider.md "Decider v3"): the commit-and-prove Groth16 proof of
///         `D_F` v3 (`a, b, c`, the commitment `d` to `u', x', W', rW', rE'` and its proof of knowledge
///         `pok`), ONE KZG opening `(yo, pi)` of `cmW' + ζ^(nW+1)·cmE'` at `ζ`, and the blinding fold
///         (`blind`, `cmT`; `blind.x` empty and the rest zero when hiding is off). `ζ` is not sent: the
///         verifier derives it from `d`.
struct DeciderProofV3 {
    uint256[2] a;
    uint256[2][2] b;
    uint256[2] c;
    Bn254.G1Point d;
    Bn254.G1Point pok;
    uint256 yo;
    Bn254.G1Point pi;
    Instance blind;
    Bn254.G1Point cmT;
}

/// @title DeciderVerifierV3
/// @notice Verifies decider v3 proofs for one step circuit. The verifying key is given at deployment as
///         the words that `vkeyHash()` hashes (prover/src/decider/v3.ts `vkeyWordsV3`), so a trust
///         store pins a deployed verifier by `vkeyHash()` and the SRS by `tauG2()`; nothing comes from
///         the proof. The key is kept as the code of a data contract (read with one EXTCODECOPY, no
///         SLOADs).
/// @dev Steps: validate; redo the blinding fold (3 ecMul); `cmDigest = keccak(cmW', cmE') mod p`;
///      `ζ = keccak(ZETA_TAG, d, cmDigest, u', x') mod p`; `y = u' + Σ x'_i·ζ^(i+1) + ζ^(2s+1)·yo`;
///      `vk_x = IC_0 + ζ·IC_1 + y·IC_2` (2 ecMul, any state width); the KZG term
///      `L = cmW' + ζ^(nW+1)·cmE' − yo·G + ζ·π`; `t = keccak(keccak(cmW', cmE', ζ, y, yo, π), a, b, c, d, pok) mod p`;
///      ONE pairing product of six pairs checking Groth16 (γ = G2), the proof of knowledge
///      `e(D, [σ]₂) = e(Π, G2)` scaled by `t` and KZG scaled by `t²`:
///      `e(−A, B)·e(α, β)·e(vk_x + D − t·Π + t²·L, G2)·e(C, δ)·e(t·D, [σ]₂)·e(−t²·π, [τ]₂) = 1`,
///      with `t²·L` as `t²·cmW' + (t²ζ^(nW+1))·cmE' − (t²·yo)·G + ζ·(t²·π)` (t² folded into the scalars:
///      5 ecMul, 12 in all with the blinding fold). Never returns false: a failed check reverts with a
///      custom error.
///      The market calls every decider through {IDeciderVerifier} with its `DeciderProof` type: a v3 proof
///      travels in it as the SAME ABI words (both structs are 15 static words, then `blind` and `cmT`;
///      `d = (zeta, yW)`, `pok = (yE, piW.x)`, `yo = piW.y`, `pi = piE`; decider/abi.ts
///      `deciderProofV3AsMarketProof`), so a circuit registered with a v3 verifier needs no change to the
///      market (docs/decider.md "Migration").
contract DeciderVerifierV3 is IDeciderVerifier {
    error DeciderVerifierV3WrongXLength(uint256 length, uint256 expected);
    error DeciderVerifierV3ScalarNotInField(uint256 value);
    error DeciderVerifierV3BlindNotEmpty();
    error DeciderVerifierV3ProofRejected();
    /// @notice The verifying key words are malformed (version, length or a point off its curve).
    error DeciderVerifierV3BadKey();

    uint256 internal constant VERSION = 4;
    /// @dev Word offsets in the key: version, r1csHash, s, nW, α (2), β (4), δ (4), σ (4), IC_0..IC_2 (2 each).
    uint256 internal constant IC0 = 18;
    uint256 internal constant KEY_WORDS = 24;
    bytes32 internal constant BLIND_TAG = keccak256("NovaNet/decider/blind/v1");
    bytes32 internal constant ZETA_TAG = keccak256("NovaNet/decider/zeta/v3");

    address private immutable _keyData;
    uint256 private immutable _keyWords;
    bytes32 private immutable _vkeyHash;
    bytes32 private immutable _r1csHash;
    uint256 private immutable _s;
    uint256 private immutable _nW;
    uint256 private immutable _t0;
    uint256 private immutable _t1;
    uint256 private immutable _t2;
    uint256 private immutable _t3;

    struct Decided {
        Bn254.G1Point cmW;
        Bn254.G1Point cmE;
        uint256 u;
        uint256[] x;
    }

    /// @param vkWords the verifying key words (see `vkeyHash`).
    /// @param srsTauG2 `[τ]G2` of the SRS, EIP-197 order `[x1, x0, y1, y0]`.
    constructor(uint256[] memory vkWords, uint256[4] memory srsTauG2) {
        if (vkWords.length != KEY_WORDS || vkWords[0] != VERSION) revert DeciderVerifierV3BadKey();
        uint256 s = vkWords[2];
        if (s == 0 || s > 128 || vkWords[3] == 0 || vkWords[3] >= 2 ** 28) revert DeciderVerifierV3BadKey();
        Bn254.validate(Bn254.G1Point(vkWords[4], vkWords[5]));
        for (uint256 i = IC0; i < vkWords.length; i += 2) {
            Bn254.validate(Bn254.G1Point(vkWords[i], vkWords[i + 1]));
        }
        bytes memory data = abi.encode(vkWords);
        _vkeyHash = keccak256(data);
        _r1csHash = bytes32(vkWords[1]);
        _s = s;
        _nW = vkWords[3];
        _keyWords = vkWords.length;
        (_t0, _t1, _t2, _t3) = (srsTauG2[0], srsTauG2[1], srsTauG2[2], srsTauG2[3]);
        // Data contract: runtime code = the words (init code copies what follows its 12 bytes).
        bytes memory init = abi.encodePacked(
            hex"61", uint16(32 * vkWords.length), hex"80600c6000396000f3", _packed(vkWords)
        );
        address a;
        assembly ("memory-safe") {
            a := create(0, add(init, 0x20), mload(init))
        }
        if (a == address(0)) revert DeciderVerifierV3BadKey();
        _keyData = a;
    }

    function _packed(uint256[] memory w) private pure returns (bytes memory out) {
        out = new bytes(32 * w.length);
        assembly ("memory-safe") {
            let n := mload(w)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(add(out, 0x20), mul(i, 0x20)), mload(add(add(w, 0x20), mul(i, 0x20))))
            }
        }
    }

    /// @notice `keccak256(abi.encode(uint256[] vkWords))`: what a trust store pins (v3.ts `vkeyHashV3`).
    function vkeyHash() external view returns (bytes32) {
        return _vkeyHash;
    }

    function r1csHash() external view returns (bytes32) {
        return _r1csHash;
    }

    function stateWidth() public view returns (uint256) {
        return _s;
    }

    /// @notice Length of the step's committed witness `W` (the KZG weight is `ζ^(nW+1)`).
    function witnessLength() external view returns (uint256) {
        return _nW;
    }

    /// @notice `[τ]G2` of the SRS (EIP-197 order).
    function tauG2() external view returns (uint256[4] memory) {
        return [_t0, _t1, _t2, _t3];
    }

    function _key() private view returns (uint256[] memory w) {
        uint256 n = _keyWords;
        address a = _keyData;
        w = new uint256[](n);
        assembly ("memory-safe") {
            extcodecopy(a, add(w, 0x20), 0, mul(n, 0x20))
        }
    }

    function _g2(uint256[] memory w, uint256 i) private pure returns (Bn254.G2Point memory) {
        return Bn254.G2Point([w[i], w[i + 1]], [w[i + 2], w[i + 3]]);
    }

    /// @notice Which decider this is (v2 verifiers have no such getter): 3.
    function deciderVersion() external pure returns (uint256) {
        return 3;
    }

    /// @notice {IDeciderVerifier} entry (the market's): `proof` carries a `DeciderProofV3`'s ABI words.
    function verifyDecider(Instance calldata instance, DeciderProof calldata proof) external view returns (bool) {
        DeciderProofV3 calldata p3;
        assembly ("memory-safe") {
            p3 := proof
        }
        return _verify(instance, p3);
    }

    function verifyDecider(Instance calldata instance, DeciderProofV3 calldata proof) external view returns (bool) {
        return _verify(instance, proof);
    }

    function _verify(Instance calldata instance, DeciderProofV3 calldata proof) private view returns (bool) {
        uint256 n = 2 * _s;
        _checkInstance(instance, n);
        _checkScalar(proof.yo);
        Bn254.validate(Bn254.G1Point(proof.a[0], proof.a[1]));
        Bn254.validate(Bn254.G1Point(proof.c[0], proof.c[1]));
        Bn254.validate(proof.d);
        Bn254.validate(proof.pok);
        Bn254.validate(proof.pi);

        (Bn254.G1Point[] memory g1, Bn254.G2Point[] memory g2) = _pairs(instance, proof, n);
        if (!Bn254.pairingProduct(g1, g2)) revert DeciderVerifierV3ProofRejected();
        return true;
    }

    /// @dev The verifier's derived values: `ζ`, the public input `y`, `vk_x`, the batching challenge `t`.
    struct Terms {
        Bn254.G1Point vkx;
        uint256 zeta;
        uint256 y;
        uint256 t;
    }

    function _terms(Decided memory dd, DeciderProofV3 calldata proof, uint256[] memory w)
        private
        view
        returns (Terms memory tm)
    {
        uint256 digest = uint256(keccak256(abi.encode(dd.cmW.x, dd.cmW.y, dd.cmE.x, dd.cmE.y))) % Bn254.P;
        uint256 zeta = uint256(keccak256(abi.encode(ZETA_TAG, proof.d.x, proof.d.y, digest, dd.u, dd.x))) % Bn254.P;
        tm.zeta = zeta;
        // y = u' + ζ·(x'_0 + ζ·(x'_1 + … + ζ·(x'_{2s−1} + ζ·yo)))
        uint256 acc = proof.yo;
        for (uint256 i = dd.x.length; i > 0; i--) {
            acc = addmod(dd.x[i - 1], mulmod(zeta, acc, Bn254.P), Bn254.P);
        }
        tm.y = addmod(dd.u, mulmod(zeta, acc, Bn254.P), Bn254.P);
        tm.vkx = Bn254.G1Point(w[IC0], w[IC0 + 1]);
        tm.vkx = _mulAdd(tm.vkx, w, 1, zeta);
        tm.vkx = _mulAdd(tm.vkx, w, 2, tm.y);
        tm.t = _challenge(dd, proof, zeta, tm.y);
    }

    /// @dev `t = keccak(keccak(cmW', cmE', ζ, y, yo, π), a, b, c, d, pok) mod p`: after every pairing input.
    function _challenge(Decided memory dd, DeciderProofV3 calldata proof, uint256 zeta, uint256 y)
        private
        pure
        returns (uint256)
    {
        bytes32 h = keccak256(abi.encode(dd.cmW, dd.cmE, zeta, y, proof.yo, proof.pi));
        return uint256(keccak256(abi.encode(h, proof.a, proof.b, proof.c, proof.d, proof.pok))) % Bn254.P;
    }

    /// @dev `b^e mod p` (square and multiply; `e < 2^28`).
    function _pow(uint256 b, uint256 e) private pure returns (uint256 r) {
        r = 1;
        while (e != 0) {
            if (e & 1 == 1) r = mulmod(r, b, Bn254.P);
            b = mulmod(b, b, Bn254.P);
            e >>= 1;
        }
    }

    function _pairs(Instance calldata instance, DeciderProofV3 calldata proof, uint256 n)
        private
        view
        returns (Bn254.G1Point[] memory g1, Bn254.G2Point[] memory g2)
    {
        uint256[] memory w = _key();
        Decided memory dd = _decided(instance, proof, n);
        Terms memory tm = _terms(dd, proof, w);
        uint256 t = tm.t;
        g1 = new Bn254.G1Point[](6);
        g2 = new Bn254.G2Point[](6);
        g1[0] = Bn254.negate(Bn254.G1Point(proof.a[0], proof.a[1]));
        g2[0] = Bn254.G2Point(proof.b[0], proof.b[1]);
        g1[1] = Bn254.G1Point(w[4], w[5]);
        g2[1] = _g2(w, 6);
        Bn254.G1Point memory tpi;
        (g1[2], tpi) = _genPair(dd, proof, tm);
        g2[2] = Bn254.generatorG2();
        g1[3] = Bn254.G1Point(proof.c[0], proof.c[1]);
        g2[3] = _g2(w, 10);
        g1[4] = Bn254.mulUnchecked(proof.d, t);
        g2[4] = _g2(w, 14);
        g1[5] = Bn254.negate(tpi);
        g2[5] = Bn254.G2Point([_t0, _t1], [_t2, _t3]);
    }

    /// @dev The G1 side of the G2-generator pair, `vk_x + D − t·Π + t²·cmW' + (t²ρ)·cmE' − (t²·yo)·G +
    ///      ζ·(t²·π)` with `ρ = ζ^(nW+1)`, and `t²·π` (the `[τ]₂` pair's, negated there).
    function _genPair(Decided memory dd, DeciderProofV3 calldata proof, Terms memory tm)
        private
        view
        returns (Bn254.G1Point memory acc, Bn254.G1Point memory tpi)
    {
        uint256 t2 = mulmod(tm.t, tm.t, Bn254.P);
        tpi = Bn254.mulUnchecked(proof.pi, t2);
        acc = Bn254.addUnchecked(tm.vkx, proof.d);
        acc = Bn254.addUnchecked(acc, Bn254.negate(Bn254.mulUnchecked(proof.pok, tm.t)));
        acc = Bn254.addUnchecked(acc, Bn254.mulUnchecked(dd.cmW, t2));
        acc = Bn254.addUnchecked(acc, Bn254.mulUnchecked(dd.cmE, mulmod(t2, _pow(tm.zeta, _nW + 1), Bn254.P)));
        uint256 ty = mulmod(t2, proof.yo, Bn254.P);
        acc = Bn254.addUnchecked(acc, Bn254.negate(Bn254.mulUnchecked(Bn254.generator(), ty)));
        acc = Bn254.addUnchecked(acc, Bn254.mulUnchecked(tpi, tm.zeta));
    }

    function _checkScalar(uint256 v) private pure {
        if (v >= Bn254.P) revert DeciderVerifierV3ScalarNotInField(v);
    }

    function _checkInstance(Instance calldata inst, uint256 n) private pure {
        if (inst.x.length != n) revert DeciderVerifierV3WrongXLength(inst.x.length, n);
        _checkScalar(inst.u);
        for (uint256 i = 0; i < n; i++) {
            _checkScalar(inst.x[i]);
        }
        Bn254.validate(inst.cmW);
        Bn254.validate(inst.cmE);
    }

    /// @dev `U` itself (hiding off) or `U + rb·Ur` with `rb = keccak(BLIND_TAG, U, Ur, cmT) mod p`.
    function _decided(Instance calldata inst, DeciderProofV3 calldata proof, uint256 n)
        private
        view
        returns (Decided memory d)
    {
        Instance calldata b = proof.blind;
        if (b.x.length == 0) {
            if (
                b.cmW.x != 0 || b.cmW.y != 0 || b.cmE.x != 0 || b.cmE.y != 0 || b.u != 0 || proof.cmT.x != 0
                    || proof.cmT.y != 0
            ) revert DeciderVerifierV3BlindNotEmpty();
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

    function _mulAdd(Bn254.G1Point memory acc, uint256[] memory w, uint256 j, uint256 s)
        private
        view
        returns (Bn254.G1Point memory)
    {
        if (s == 0) return acc;
        uint256 o = IC0 + 2 * j;
        return Bn254.addUnchecked(acc, Bn254.mulUnchecked(Bn254.G1Point(w[o], w[o + 1]), s));
    }
}
