// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "./Bn254.sol";

/// @title Fold
/// @notice The verifier side of Nova's folding scheme for two relaxed R1CS instances (Nova paper §4,
///         "NIFS"), exactly as docs/protocol.md §7 specifies, byte for byte with the TypeScript engine:
///         `DOMAIN = keccak256(abi.encode("NovaNet/fold/v1", chainId, market, r1csHash, srsDigest))`,
///         `r = keccak256(abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT)) mod p`,
///         `U = (cmW1 + r·cmW2, cmE1 + r·cmT + r²·cmE2, u1 + r·u2, x1 + r·x2)`.
/// @dev Guarantee (Nova, Lemma 2): if the folded instance is satisfied then, except with probability
///      about `2m/p` over `r`, both inputs were. The verifier never sees witnesses: it only recomputes `U`.
///      Cost: 2 ecMul when `cmE2 = 0` (a leaf on the right), else 3; plus up to 3 ecAdd. Points are not
///      validated here: the precompiles reject points off the curve or with coordinates ≥ q. Scalars
///      (`u`, `x`) are assumed canonical (< p); callers check values that come from outside.
library Fold {
    /// @notice The protocol tag absorbed by the domain separator.
    string internal constant TAG = "NovaNet/fold/v1";

    /// @notice The two instances' `x` have different lengths.
    error FoldLengthMismatch(uint256 left, uint256 right);

    /// @notice The domain separator binding the public parameters (chain, market, circuit, SRS).
    function domain(uint256 chainId, address market, bytes32 r1csHash, bytes32 srsDigest)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(TAG, chainId, market, r1csHash, srsDigest));
    }

    /// @notice The fold challenge `r` for folding `U1` (left) with `U2` (right) into node `nodeId` of `jobId`.
    function challenge(
        bytes32 domain_,
        uint256 jobId,
        uint256 nodeId,
        Instance memory U1,
        Instance memory U2,
        Bn254.G1Point memory cmT
    ) internal pure returns (uint256 r) {
        // Hand-written `abi.encode` (same bytes, pinned by test/vectors/fold-challenge.json): head of 7 words
        // (U1 at offset 0xe0, U2 right after it), then the two instance encodings. Written in free memory
        // without moving the free memory pointer (scratch).
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, domain_)
            mstore(add(m, 0x20), jobId)
            mstore(add(m, 0x40), nodeId)
            mstore(add(m, 0x60), 0xe0)
            mstore(add(m, 0xa0), mload(cmT))
            mstore(add(m, 0xc0), mload(add(cmT, 0x20)))
            let end := _encode(add(m, 0xe0), U1)
            mstore(add(m, 0x80), sub(end, m))
            end := _encode(end, U2)
            r := mod(keccak256(m, sub(end, m)), 21888242871839275222246405745257275088548364400416034343698204186575808495617)
            // Writes the tuple encoding of `U` (cmW, cmE, u, 0xc0, len, x...) at `dst`; returns its end.
            function _encode(dst, U) -> e {
                let w := mload(U)
                mstore(dst, mload(w))
                mstore(add(dst, 0x20), mload(add(w, 0x20)))
                w := mload(add(U, 0x20))
                mstore(add(dst, 0x40), mload(w))
                mstore(add(dst, 0x60), mload(add(w, 0x20)))
                mstore(add(dst, 0x80), mload(add(U, 0x40)))
                mstore(add(dst, 0xa0), 0xc0)
                let x := mload(add(U, 0x60))
                let len := add(mul(mload(x), 0x20), 0x20)
                mcopy(add(dst, 0xc0), x, len)
                e := add(add(dst, 0xc0), len)
            }
        }
    }

    /// @notice `keccak256(abi.encode(U))`, the instance hash of docs/protocol.md §7, without Solidity's
    ///         ABI encoder (same bytes).
    function hash(Instance memory U) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x20)
            let w := mload(U)
            mstore(add(m, 0x20), mload(w))
            mstore(add(m, 0x40), mload(add(w, 0x20)))
            w := mload(add(U, 0x20))
            mstore(add(m, 0x60), mload(w))
            mstore(add(m, 0x80), mload(add(w, 0x20)))
            mstore(add(m, 0xa0), mload(add(U, 0x40)))
            mstore(add(m, 0xc0), 0xc0)
            let x := mload(add(U, 0x60))
            let len := add(mul(mload(x), 0x20), 0x20)
            mcopy(add(m, 0xe0), x, len)
            h := keccak256(m, add(0xe0, len))
        }
    }

    /// @notice `keccak256(abi.encode(U))` of an instance in calldata.
    function hashCalldata(Instance calldata U) internal pure returns (bytes32 h) {
        uint256[] calldata x = U.x;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x20)
            calldatacopy(add(m, 0x20), U, 0xa0)
            mstore(add(m, 0xc0), 0xc0)
            mstore(add(m, 0xe0), x.length)
            let len := mul(x.length, 0x20)
            calldatacopy(add(m, 0x100), x.offset, len)
            h := keccak256(m, add(0x100, len))
        }
    }

    /// @notice `keccak256(abi.encode(h, zIn, zOut))`: the node digest of docs/contracts.md from an instance
    ///         hash `h`, without Solidity's ABI encoder (same bytes).
    function digest(bytes32 h, uint256[] memory zIn, uint256[] memory zOut) internal pure returns (bytes32 d) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, h)
            mstore(add(m, 0x20), 0x60)
            let a := add(mul(mload(zIn), 0x20), 0x20)
            mstore(add(m, 0x40), add(0x60, a))
            mcopy(add(m, 0x60), zIn, a)
            let b := add(mul(mload(zOut), 0x20), 0x20)
            mcopy(add(add(m, 0x60), a), zOut, b)
            d := keccak256(m, add(add(0x60, a), b))
        }
    }

    /// @notice {digest} of arrays in calldata.
    function digestCalldata(bytes32 h, uint256[] calldata zIn, uint256[] calldata zOut)
        internal
        pure
        returns (bytes32 d)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, h)
            mstore(add(m, 0x20), 0x60)
            let a := mul(zIn.length, 0x20)
            mstore(add(m, 0x40), add(0x80, a))
            mstore(add(m, 0x60), zIn.length)
            calldatacopy(add(m, 0x80), zIn.offset, a)
            let o := add(add(m, 0x80), a)
            mstore(o, zOut.length)
            let b := mul(zOut.length, 0x20)
            calldatacopy(add(o, 0x20), zOut.offset, b)
            d := keccak256(m, add(add(0xa0, a), b))
        }
    }

    /// @notice The folded instance `U1 + r·U2` with cross-term commitment `cmT` (see the contract notice).
    function fold(Instance memory U1, Instance memory U2, Bn254.G1Point memory cmT, uint256 r)
        internal
        view
        returns (Instance memory U)
    {
        uint256 n = U1.x.length;
        if (n != U2.x.length) revert FoldLengthMismatch(n, U2.x.length);
        uint256 failed;
        // One allocation for U, its two points and x; precompile calls use a scratch area past it. Points come
        // straight from the precompiles (no Solidity-side checks: 0x06/0x07 reject points off the curve).
        assembly ("memory-safe") {
            U := mload(0x40)
            let cmWp := add(U, 0x80)
            let cmEp := add(U, 0xc0)
            let xp := add(U, 0x100)
            let sc := add(add(xp, 0x20), mul(n, 0x20))
            mstore(0x40, sc)
            mstore(U, cmWp)
            mstore(add(U, 0x20), cmEp)
            mstore(add(U, 0x60), xp)
            // cmW = cmW1 + r·cmW2
            let q := mload(U2)
            mstore(sc, mload(q))
            mstore(add(sc, 0x20), mload(add(q, 0x20)))
            mstore(add(sc, 0x40), r)
            if iszero(staticcall(gas(), 0x07, sc, 0x60, add(sc, 0x40), 0x40)) { failed := 0x07 }
            q := mload(U1)
            mstore(sc, mload(q))
            mstore(add(sc, 0x20), mload(add(q, 0x20)))
            if iszero(staticcall(gas(), 0x06, sc, 0x80, cmWp, 0x40)) { failed := 0x06 }
            // t = cmT + r·cmE2 (just cmT when cmE2 = 0), then cmE = cmE1 + r·t (just r·t when cmE1 = 0)
            q := mload(add(U2, 0x20))
            let ex := mload(q)
            let ey := mload(add(q, 0x20))
            switch or(ex, ey)
            case 0 {
                mstore(sc, mload(cmT))
                mstore(add(sc, 0x20), mload(add(cmT, 0x20)))
            }
            default {
                mstore(sc, ex)
                mstore(add(sc, 0x20), ey)
                mstore(add(sc, 0x40), r)
                if iszero(staticcall(gas(), 0x07, sc, 0x60, sc, 0x40)) { failed := 0x07 }
                mstore(add(sc, 0x40), mload(cmT))
                mstore(add(sc, 0x60), mload(add(cmT, 0x20)))
                if iszero(staticcall(gas(), 0x06, sc, 0x80, sc, 0x40)) { failed := 0x06 }
            }
            mstore(add(sc, 0x40), r)
            q := mload(add(U1, 0x20))
            ex := mload(q)
            ey := mload(add(q, 0x20))
            switch or(ex, ey)
            case 0 { if iszero(staticcall(gas(), 0x07, sc, 0x60, cmEp, 0x40)) { failed := 0x07 } }
            default {
                if iszero(staticcall(gas(), 0x07, sc, 0x60, add(sc, 0x40), 0x40)) { failed := 0x07 }
                mstore(sc, ex)
                mstore(add(sc, 0x20), ey)
                if iszero(staticcall(gas(), 0x06, sc, 0x80, cmEp, 0x40)) { failed := 0x06 }
            }
            // u = u1 + r·u2, x = x1 + r·x2
            let p := 21888242871839275222246405745257275088548364400416034343698204186575808495617
            mstore(add(U, 0x40), addmod(mload(add(U1, 0x40)), mulmod(r, mload(add(U2, 0x40)), p), p))
            mstore(xp, n)
            let x1 := mload(add(U1, 0x60))
            let x2 := mload(add(U2, 0x60))
            for { let i := 0x20 } lt(i, add(mul(n, 0x20), 0x20)) { i := add(i, 0x20) } {
                mstore(add(xp, i), addmod(mload(add(x1, i)), mulmod(r, mload(add(x2, i)), p), p))
            }
        }
        if (failed != 0) revert Bn254.Bn254PrecompileFailed(failed);
    }
}
