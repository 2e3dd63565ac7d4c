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
    ///         `cmW` (`c−a`) and `cmT` (`c−a−1`, post-order), under fold transcript v2. Lengths are checked by the
    ///         caller. With `jobId = 0` and `nodeId = N` it is a v2 bundle's tree.
    /// @dev Batched: transcript v2 binds each challenge to what the folded instances are made of, not to their
    ///      commitments, so no intermediate node is computed. A leaf's tag is `τ_k = keccak256(cmW_k, x_k)`
    ///      (packed); a fold at node `v` with children's tags `τ_L, τ_R` and cross term `T_v` has
    ///      `h_v = keccak256(abi.encode(DOMAIN, jobId, nodeId_v, τ_L, τ_R, T_v))`, challenge `r_v = h_v mod p` and
    ///      tag `τ_v = h_v` (prover/src/folding/transcript.ts `leafTag`, `foldTag`). The root is one linear
    ///      combination: `cmW = Σ α_k·cmW_k` with `α_k = Π r_v` over the folds `v` where leaf `k` is on the right,
    ///      `cmE = Σ β_v·T_v` with `β_v = r_v · Π r_w²` over the folds `w` above `v` where `v` is on the right
    ///      (leaves are fresh: `u = 1`, `cmE = 0`), `u = Σ α_k`, `x = Σ α_k·x_k`. Cost: `2m − 2` ecMul and
    ///      `2m − 3` ecAdd for `m` leaves (leaf 0 has `α = 1`), against `m` + 2 per fold whose right child is not a
    ///      leaf when every node is recomputed (126 against 157 at 64 leaves). Points are validated by the
    ///      precompiles (a point off the curve or a coordinate ≥ q makes 0x06/0x07 fail: {Bn254.Bn254PrecompileFailed}).
    function foldChunk(
        bytes32 domain,
        uint256 jobId,
        uint256 s,
        uint256 nodeId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) external view returns (Instance memory U) {
        bool ok;
        (U, ok) = _fold(domain, jobId, s, nodeId, states, cmW, cmT);
        if (!ok) revert Bn254.Bn254PrecompileFailed(0x07);
    }

    /// @notice {foldChunk} that reports an invalid point (a precompile failure) as `ok = false` instead of
    ///         reverting: an optimistic bundle's challenge (MarketDisputes.challengeBundle) counts it as fraud.
    function tryFoldChunk(
        bytes32 domain,
        uint256 jobId,
        uint256 s,
        uint256 nodeId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) external view returns (Instance memory U, bool ok) {
        return _fold(domain, jobId, s, nodeId, states, cmW, cmT);
    }

    function _fold(
        bytes32 domain,
        uint256 jobId,
        uint256 s,
        uint256 nodeId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) private view returns (Instance memory U, bool valid) {
        uint256[] memory x = new uint256[](2 * s);
        uint256[6] memory res; // cmW.x, cmW.y, cmE.x, cmE.y, u, ok
        assembly ("memory-safe") {
            // ctx: 0 domain, 1 jobId, 2 s, 3 states.offset, 4 cmW.offset, 5 cmT.offset, 6 nextT, 7 base,
            // 8 alpha, 9 beta, 10 scratch. alpha: m words, beta: m − 1 words, scratch: 0x100 + 2s words.
            let ctx := mload(0x40)
            mstore(ctx, domain)
            mstore(add(ctx, 0x20), jobId)
            mstore(add(ctx, 0x40), s)
            mstore(add(ctx, 0x60), states.offset)
            mstore(add(ctx, 0x80), cmW.offset)
            mstore(add(ctx, 0xa0), cmT.offset)
            mstore(add(ctx, 0xc0), 0)
            mstore(add(ctx, 0xe0), shr(128, nodeId))
            mstore(add(ctx, 0x100), add(ctx, 0x160))
            mstore(add(ctx, 0x120), add(add(ctx, 0x160), mul(cmW.length, 0x20)))
            mstore(add(ctx, 0x140), add(add(ctx, 0x160), mul(cmW.length, 0x40)))
            mstore(0x40, add(add(add(ctx, 0x160), mul(cmW.length, 0x40)), add(0x100, mul(0x40, s))))
            pop(_node(ctx, shr(128, nodeId), and(nodeId, 0xffffffffffffffffffffffffffffffff)))
            let uSum, okW := _sumW(ctx, res, x, cmW.length)
            mstore(add(res, 0x80), uSum)
            mstore(add(res, 0xa0), and(okW, _sumE(ctx, res, cmW.length)))

            // cmW = cmW_0 + Σ_{k≥1} α_k·cmW_k, u = Σ α_k, x = Σ α_k·x_k (into acc[0..2), x).
            function _sumW(c, acc_, x_, m_) -> u_, ok {
                ok := 1
                let w := mul(mload(add(c, 0x40)), 0x20)
                let q_ := mload(add(c, 0x140))
                calldatacopy(acc_, mload(add(c, 0x80)), 0x40)
                for { let k := 0 } lt(k, m_) { k := add(k, 1) } {
                    let ak := mload(add(mload(add(c, 0x100)), mul(k, 0x20)))
                    u_ := addmod(u_, ak, 21888242871839275222246405745257275088548364400416034343698204186575808495617)
                    _axpy(x_, w, ak, add(mload(add(c, 0x60)), mul(k, w)))
                    if k {
                        calldatacopy(q_, add(mload(add(c, 0x80)), mul(k, 0x40)), 0x40)
                        mstore(add(q_, 0x40), ak)
                        ok := and(ok, staticcall(6000, 0x07, q_, 0x60, add(q_, 0x40), 0x40))
                        mstore(q_, mload(acc_))
                        mstore(add(q_, 0x20), mload(add(acc_, 0x20)))
                        ok := and(ok, staticcall(150, 0x06, q_, 0x80, acc_, 0x40))
                    }
                }
            }

            // x += a·(z_{i+1}, z_i) with z_i at calldata `zi` (w bytes each).
            function _axpy(x_, w, a_, zi) {
                let P := 21888242871839275222246405745257275088548364400416034343698204186575808495617
                for { let j := 0 } lt(j, w) { j := add(j, 0x20) } {
                    let o := add(add(x_, 0x20), j)
                    mstore(o, addmod(mload(o), mulmod(a_, calldataload(add(add(zi, w), j)), P), P))
                    o := add(o, w)
                    mstore(o, addmod(mload(o), mulmod(a_, calldataload(add(zi, j)), P), P))
                }
            }

            // cmE = Σ_v β_v·T_v (into acc[2..4)).
            function _sumE(c, acc_, m_) -> ok {
                ok := 1
                let q_ := mload(add(c, 0x140))
                for { let t := 0 } lt(t, sub(m_, 1)) { t := add(t, 1) } {
                    calldatacopy(q_, add(mload(add(c, 0xa0)), mul(t, 0x40)), 0x40)
                    mstore(add(q_, 0x40), mload(add(mload(add(c, 0x120)), mul(t, 0x20))))
                    ok := and(ok, staticcall(6000, 0x07, q_, 0x60, add(q_, 0x40), 0x40))
                    mstore(q_, mload(add(acc_, 0x40)))
                    mstore(add(q_, 0x20), mload(add(acc_, 0x60)))
                    ok := and(ok, staticcall(150, 0x06, q_, 0x80, add(acc_, 0x40), 0x40))
                }
            }

            // Returns τ of node [a, e); fills α (leaves, relative to the subtree's root) and β (cross terms).
            function _node(c, a, e) -> tau {
                if eq(sub(e, a), 1) {
                    tau := _leafTag(c, sub(a, mload(add(c, 0xe0))))
                    leave
                }
                let b := _split(a, e)
                let tL := _node(c, a, b)
                let tR := _node(c, b, e)
                tau := _foldTag(c, or(shl(128, a), e), tL, tR)
                let r := mod(tau, 21888242871839275222246405745257275088548364400416034343698204186575808495617)
                let base := mload(add(c, 0xe0))
                // right leaves' α ·= r; the right subtree's cross terms (the e − b − 1 before this one) β ·= r²
                _scale(mload(add(c, 0x100)), sub(b, base), sub(e, base), r)
                let t := sub(mload(add(c, 0xc0)), 1)
                _scale(mload(add(c, 0x120)), sub(t, sub(sub(e, b), 1)), t, mulmod(r, r, 21888242871839275222246405745257275088548364400416034343698204186575808495617))
                mstore(add(mload(add(c, 0x120)), mul(t, 0x20)), r)
            }

            // τ_i = keccak256(cmW_i, z_{i+1}, z_i) and α_i = 1.
            function _leafTag(c, i) -> tau {
                mstore(add(mload(add(c, 0x100)), mul(i, 0x20)), 1)
                let m_ := mload(add(c, 0x140))
                let w_ := mul(mload(add(c, 0x40)), 0x20)
                let st := mload(add(c, 0x60))
                calldatacopy(m_, add(mload(add(c, 0x80)), mul(i, 0x40)), 0x40)
                calldatacopy(add(m_, 0x40), add(st, mul(add(i, 1), w_)), w_)
                calldatacopy(add(add(m_, 0x40), w_), add(st, mul(i, w_)), w_)
                tau := keccak256(m_, add(0x40, mul(2, w_)))
            }

            // h = keccak256(abi.encode(DOMAIN, jobId, nodeId, τ_L, τ_R, T)) with T the next cross term.
            function _foldTag(c, id, tL, tR) -> h {
                let t := mload(add(c, 0xc0))
                mstore(add(c, 0xc0), add(t, 1))
                let q := mload(add(c, 0x140))
                mstore(q, mload(c))
                mstore(add(q, 0x20), mload(add(c, 0x20)))
                mstore(add(q, 0x40), id)
                mstore(add(q, 0x60), tL)
                mstore(add(q, 0x80), tR)
                calldatacopy(add(q, 0xa0), add(mload(add(c, 0xa0)), mul(t, 0x40)), 0x40)
                h := keccak256(q, 0xe0)
            }

            function _scale(arr, from, to, f) {
                for { let k := from } lt(k, to) { k := add(k, 1) } {
                    let o := add(arr, mul(k, 0x20))
                    mstore(o, mulmod(mload(o), f, 21888242871839275222246405745257275088548364400416034343698204186575808495617))
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
        valid = res[5] != 0;
        U.cmW = Bn254.G1Point(res[0], res[1]);
        U.cmE = Bn254.G1Point(res[2], res[3]);
        U.u = res[4];
        U.x = x;
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
