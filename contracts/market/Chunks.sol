// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {IMarketTypes} from "../interfaces/IMarket.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";

/// @title Chunks
/// @notice The settlement seam of the v2 market ("full" mode): verifies a chunk (a subtree `[a, c)` posted
///         whole: its boundary states, leaf `cmW`s and cross terms) and returns its root instance, and
///         checks manifest segments. A linked library (delegatecall) so the market keeps its headroom.
/// @dev Leaves are fresh (`u = 1`, `cmE = 0`, `x_k = (z_{k+1}, z_k)`); folds follow the split rule of
///      docs/protocol.md §7 with absolute node ids, cross terms in post-order; the challenge absorbs the
///      real job id. An optimistic mode would replace {foldChunk} by a commitment check plus a challenge game.
library Chunks {
    /// @notice What {impossible} reads of a job.
    struct Job {
        bytes32 manifestRoot;
        uint256 s;
        uint256 n;
        address decider;
    }

    /// @notice Whether `segs` (and, for reason 3, the decided `leaf`) show the job impossible (IMarket.voidImpossible).
    function impossible(
        Job memory j,
        uint8 reason,
        uint256 index,
        IMarketTypes.Segment[] calldata segs,
        Instance calldata leaf,
        DeciderProof calldata proof
    ) external view returns (bool) {
        uint256 s = j.s;
        uint256 want = reason == 1 ? 2 : 1;
        if (segs.length != want || index >= j.n) return false;
        for (uint256 i = 0; i < want; ++i) {
            IMarketTypes.Segment calldata g = segs[i];
            if (g.zIn.length != s || g.zOut.length != s) return false;
            if (!_segmentIn(j.manifestRoot, index + i, g.zIn, g.zOut, g.proof)) return false;
        }
        IMarketTypes.Segment calldata g0 = segs[0];
        if (reason == 1) return index + 1 < j.n && keccak256(abi.encode(g0.zOut)) != keccak256(abi.encode(segs[1].zIn));
        if (reason == 2) {
            for (uint256 i = 0; i < s; ++i) {
                if (g0.zIn[i] >= Bn254.P || g0.zOut[i] >= Bn254.P) return true;
            }
            return false;
        }
        if (reason != 3) return false;
        // A fresh leaf of segment `index`'s input whose output differs from the segment's.
        if (leaf.u != 1 || leaf.cmE.x != 0 || leaf.cmE.y != 0 || leaf.x.length != 2 * s) return false;
        bool differs;
        for (uint256 i = 0; i < s; ++i) {
            if (leaf.x[s + i] != g0.zIn[i]) return false;
            if (leaf.x[i] != g0.zOut[i]) differs = true;
        }
        if (!differs) return false;
        return IDeciderVerifier(j.decider).verifyDecider(leaf, proof);
    }

    /// @notice The root instance of subtree `nodeId = (a << 128) | c` given `states = z_a..z_c` (`(c−a+1)·s` words),
    ///         `cmW` (`c−a`) and `cmT` (`c−a−1`, post-order). Lengths are checked by the caller. With `jobId = 0`
    ///         and `nodeId = N` it is the bundle tree of {Bundle.foldTree}.
    /// @dev Per-fold recomputation, as the fold challenge requires (each challenge absorbs both folded
    ///      children, so every node's commitments are computed): 1 ecMul + 1 ecAdd for `cmW`, 1 ecMul for
    ///      `cmE` when the right child is a leaf (`cmE2 = 0`), else 2 ecMul + 1 ecAdd, plus 1 ecAdd when
    ///      `cmE1 ≠ 0`. Written in assembly: nodes live on a memory stack (a parent overwrites its left child),
    ///      so memory stays `O(depth)`. Points are validated by the precompiles (a point off the curve or a
    ///      coordinate ≥ q makes 0x06/0x07 fail: {Bn254.Bn254PrecompileFailed}).
    function foldChunk(
        bytes32 domain,
        uint256 jobId,
        uint256 s,
        uint256 nodeId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) external view returns (Instance memory U) {
        uint256 root;
        uint256 failed;
        assembly ("memory-safe") {
            // ctx: 0 domain, 1 jobId, 2 s, 3 states.offset, 4 cmW.offset, 5 cmT.offset, 6 nextT, 7 base,
            // 8 scratch, 9 record size, 10 failed. Then the scratch (challenge input, precompile I/O) and the stack.
            let ctx := mload(0x40)
            mstore(ctx, domain)
            mstore(add(ctx, 0x20), jobId)
            mstore(add(ctx, 0x40), s)
            mstore(add(ctx, 0x60), states.offset)
            mstore(add(ctx, 0x80), cmW.offset)
            mstore(add(ctx, 0xa0), cmT.offset)
            mstore(add(ctx, 0xc0), 0)
            mstore(add(ctx, 0xe0), shr(128, nodeId))
            let rec := mul(add(5, mul(2, s)), 0x20)
            let sc := add(ctx, 0x160)
            mstore(add(ctx, 0x100), sc)
            mstore(add(ctx, 0x120), rec)
            mstore(add(ctx, 0x140), 0)
            // scratch: 0xe0 head + 2 instance encodings of (7 + 2s) words
            let stack := add(sc, add(0xe0, mul(2, add(rec, 0x40))))
            root := _node(ctx, shr(128, nodeId), and(nodeId, 0xffffffffffffffffffffffffffffffff), stack)
            failed := mload(add(ctx, 0x140))
            mstore(0x40, add(root, rec))

            // The record at `p`: cmW.x, cmW.y, cmE.x, cmE.y, u, x[0..2s). Returns its pointer (= p).
            function _node(c, a, e, p) -> q {
                q := p
                if eq(sub(e, a), 1) {
                    _leaf(c, a, p)
                    leave
                }
                let b := _split(a, e)
                let p1 := _node(c, a, b, p)
                let p2 := _node(c, b, e, add(p1, mload(add(c, 0x120))))
                let t := mload(add(c, 0xc0))
                mstore(add(c, 0xc0), add(t, 1))
                let tp := add(mload(add(c, 0xa0)), mul(t, 0x40))
                let r := _challenge(c, or(shl(128, a), e), p1, p2, tp)
                _fold(c, p1, p2, tp, r)
            }

            function _leaf(c, a, p) {
                let s_ := mload(add(c, 0x40))
                let i := sub(a, mload(add(c, 0xe0)))
                calldatacopy(p, add(mload(add(c, 0x80)), mul(i, 0x40)), 0x40)
                mstore(add(p, 0x40), 0)
                mstore(add(p, 0x60), 0)
                mstore(add(p, 0x80), 1)
                let st := mload(add(c, 0x60))
                let w := mul(s_, 0x20)
                // x = (z_{i+1}, z_i)
                calldatacopy(add(p, 0xa0), add(st, mul(add(i, 1), w)), w)
                calldatacopy(add(add(p, 0xa0), w), add(st, mul(i, w)), w)
            }

            // r = keccak256(abi.encode(domain, jobId, nodeId, U1, U2, cmT)) mod p (as Fold.challenge).
            function _challenge(c, id, p1, p2, tp) -> r {
                let m := mload(add(c, 0x100))
                let rec_ := mload(add(c, 0x120))
                let enc := add(rec_, 0x40)
                mstore(m, mload(c))
                mstore(add(m, 0x20), mload(add(c, 0x20)))
                mstore(add(m, 0x40), id)
                mstore(add(m, 0x60), 0xe0)
                mstore(add(m, 0x80), add(0xe0, enc))
                calldatacopy(add(m, 0xa0), tp, 0x40)
                _encode(add(m, 0xe0), p1, rec_)
                _encode(add(add(m, 0xe0), enc), p2, rec_)
                r := mod(keccak256(m, add(0xe0, mul(2, enc))), 21888242871839275222246405745257275088548364400416034343698204186575808495617)
            }

            function _encode(dst, p, rec_) {
                mcopy(dst, p, 0xa0)
                mstore(add(dst, 0xa0), 0xc0)
                let xl := sub(rec_, 0xa0)
                mstore(add(dst, 0xc0), div(xl, 0x20))
                mcopy(add(dst, 0xe0), add(p, 0xa0), xl)
            }

            // Writes fold(U1 at p1, U2 at p2, T, r) over p1 (Fold.fold's equations).
            function _fold(c, p1, p2, tp, r) {
                let m := mload(add(c, 0x100))
                let ok := 1
                // cmW = W1 + r·W2
                mstore(m, mload(p2))
                mstore(add(m, 0x20), mload(add(p2, 0x20)))
                mstore(add(m, 0x40), r)
                ok := and(ok, staticcall(6000, 0x07, m, 0x60, add(m, 0x40), 0x40))
                mstore(m, mload(p1))
                mstore(add(m, 0x20), mload(add(p1, 0x20)))
                ok := and(ok, staticcall(150, 0x06, m, 0x80, p1, 0x40))
                // t = T (+ r·E2 when E2 ≠ 0), then cmE = r·t (+ E1 when E1 ≠ 0)
                let ex := mload(add(p2, 0x40))
                let ey := mload(add(p2, 0x60))
                switch or(ex, ey)
                case 0 { calldatacopy(m, tp, 0x40) }
                default {
                    mstore(m, ex)
                    mstore(add(m, 0x20), ey)
                    mstore(add(m, 0x40), r)
                    ok := and(ok, staticcall(6000, 0x07, m, 0x60, m, 0x40))
                    calldatacopy(add(m, 0x40), tp, 0x40)
                    ok := and(ok, staticcall(150, 0x06, m, 0x80, m, 0x40))
                }
                mstore(add(m, 0x40), r)
                ex := mload(add(p1, 0x40))
                ey := mload(add(p1, 0x60))
                switch or(ex, ey)
                case 0 { ok := and(ok, staticcall(6000, 0x07, m, 0x60, add(p1, 0x40), 0x40)) }
                default {
                    ok := and(ok, staticcall(6000, 0x07, m, 0x60, add(m, 0x40), 0x40))
                    mstore(m, ex)
                    mstore(add(m, 0x20), ey)
                    ok := and(ok, staticcall(150, 0x06, m, 0x80, add(p1, 0x40), 0x40))
                }
                if iszero(ok) { mstore(add(c, 0x140), 1) }
                // u, x
                let P := 21888242871839275222246405745257275088548364400416034343698204186575808495617
                let end := add(p1, mload(add(c, 0x120)))
                for { let o := 0x80 } lt(add(p1, o), end) { o := add(o, 0x20) } {
                    mstore(add(p1, o), addmod(mload(add(p1, o)), mulmod(r, mload(add(p2, o)), P), P))
                }
            }

            function _split(a, e) -> b {
                let v := sub(sub(e, a), 1)
                let l := 0
                for {} gt(v, 1) {} {
                    v := shr(1, v)
                    l := add(l, 1)
                }
                b := add(a, shl(l, 1))
            }
        }
        if (failed != 0) revert Bn254.Bn254PrecompileFailed(0x07);
        U.cmW = Bn254.G1Point(_at(root, 0), _at(root, 1));
        U.cmE = Bn254.G1Point(_at(root, 2), _at(root, 3));
        U.u = _at(root, 4);
        uint256[] memory x = new uint256[](2 * s);
        for (uint256 i = 0; i < 2 * s; ++i) {
            x[i] = _at(root, 5 + i);
        }
        U.x = x;
    }

    function _at(uint256 p, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(p, mul(i, 0x20)))
        }
    }

    /// @notice The manifest subtree root over segments `a..c−1` (the level-`k` node of docs/contracts.md
    ///         "Manifest"): leaves `keccak256(bytes.concat(keccak256(abi.encode(k, z_k, z_{k+1}))))`, pairs
    ///         hashed sorted, an odd last node carried up.
    function segmentsRoot(uint256 s, uint256 a, uint256[] calldata states) external pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := div(states.length, s)
            m := sub(m, 1)
            let w := mul(s, 0x20)
            let level := mload(0x40)
            let enc := add(level, mul(m, 0x20))
            // abi.encode(k, zIn, zOut): k, 0x60, 0x80 + w, s, zIn, s, zOut
            mstore(add(enc, 0x20), 0x60)
            mstore(add(enc, 0x40), add(0x80, w))
            mstore(add(enc, 0x60), s)
            mstore(add(add(enc, 0x80), w), s)
            let len := add(0xa0, mul(2, w))
            for { let i := 0 } lt(i, m) { i := add(i, 1) } {
                mstore(enc, add(a, i))
                calldatacopy(add(enc, 0x80), add(states.offset, mul(i, w)), w)
                calldatacopy(add(add(enc, 0xa0), w), add(states.offset, mul(add(i, 1), w)), w)
                mstore(0, keccak256(enc, len))
                mstore(add(level, mul(i, 0x20)), keccak256(0, 0x20))
            }
            for {} gt(m, 1) {} {
                let next := shr(1, add(m, 1))
                for { let i := 0 } lt(i, next) { i := add(i, 1) } {
                    let j := shl(1, i)
                    let x := mload(add(level, mul(j, 0x20)))
                    if lt(add(j, 1), m) {
                        let y := mload(add(level, mul(add(j, 1), 0x20)))
                        switch lt(x, y)
                        case 1 {
                            mstore(0, x)
                            mstore(0x20, y)
                        }
                        default {
                            mstore(0, y)
                            mstore(0x20, x)
                        }
                        x := keccak256(0, 0x40)
                    }
                    mstore(add(level, mul(i, 0x20)), x)
                }
                m := next
            }
            h := mload(level)
        }
    }

    /// @dev Whether segment `k = (zIn, zOut)` is in the manifest (single proof).
    function _segmentIn(bytes32 root, uint256 k, uint256[] calldata zIn, uint256[] calldata zOut, bytes32[] calldata proof)
        private
        pure
        returns (bool)
    {
        return MerkleProof.verifyCalldata(proof, root, segmentLeaf(k, zIn, zOut));
    }

    function segmentLeaf(uint256 k, uint256[] calldata zIn, uint256[] calldata zOut) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(k, zIn, zOut))));
    }


    /// @notice `b = a + 2^(⌈log2(c−a)⌉−1)` for `c − a ≥ 2` (docs/protocol.md §7).
    function split(uint256 a, uint256 c) internal pure returns (uint256) {
        uint256 v = c - a - 1;
        uint256 l = 0;
        while (v > 1) {
            v >>= 1;
            l++;
        }
        return a + (uint256(1) << l);
    }
}
