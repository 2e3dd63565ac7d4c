// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {IMarketTypes} from "../interfaces/IMarket.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Fold} from "../libraries/Fold.sol";

/// @title Chunks
/// @notice The settlement seam of the v2 market ("full" mode): verifies a chunk (a subtree `[a, c)` posted
///         whole: its boundary states, leaf `cmW`s and cross terms) and returns its root instance, and
///         checks manifest segments. A linked library (delegatecall) so the market keeps its headroom.
/// @dev Leaves are fresh (`u = 1`, `cmE = 0`, `x_k = (z_{k+1}, z_k)`); folds follow the split rule of
///      docs/protocol.md §7 with absolute node ids, cross terms in post-order; the challenge absorbs the
///      real job id. An optimistic mode would replace {foldChunk} by a commitment check plus a challenge game.
library Chunks {
    struct Cursor {
        bytes32 domain;
        uint256 jobId;
        uint256 s;
        uint256 base;
        uint256 id;
        uint256 nextT;
    }

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
    ///         `cmW` (`c−a`) and `cmT` (`c−a−1`, post-order). Lengths are checked by the caller.
    function foldChunk(
        bytes32 domain,
        uint256 jobId,
        uint256 s,
        uint256 nodeId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) external view returns (Instance memory) {
        for (uint256 i = 0; i < cmW.length; ++i) {
            Bn254.validate(cmW[i]);
        }
        Cursor memory cur;
        cur.domain = domain;
        cur.jobId = jobId;
        cur.s = s;
        cur.base = nodeId >> 128;
        cur.id = nodeId;
        return _node(cur, states, cmW, cmT);
    }

    /// @notice The manifest subtree root over segments `a..c−1` (the level-`k` node of docs/contracts.md
    ///         "Manifest"): leaves `keccak256(bytes.concat(keccak256(abi.encode(k, z_k, z_{k+1}))))`, pairs
    ///         hashed sorted, an odd last node carried up.
    function segmentsRoot(uint256 s, uint256 a, uint256[] calldata states) external pure returns (bytes32) {
        uint256 m = states.length / s - 1;
        bytes32[] memory level = new bytes32[](m);
        for (uint256 i = 0; i < m; ++i) {
            level[i] = segmentLeaf(a + i, states[i * s:(i + 1) * s], states[(i + 1) * s:(i + 2) * s]);
        }
        while (m > 1) {
            uint256 next = (m + 1) / 2;
            for (uint256 i = 0; i < next; ++i) {
                level[i] = 2 * i + 1 < m ? _hashPair(level[2 * i], level[2 * i + 1]) : level[2 * i];
            }
            m = next;
        }
        return level[0];
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

    function _hashPair(bytes32 x, bytes32 y) private pure returns (bytes32) {
        return x < y ? keccak256(abi.encode(x, y)) : keccak256(abi.encode(y, x));
    }

    /// @dev Folds node `cur.id` (recursively; `cur.id` is restored on return).
    function _node(
        Cursor memory cur,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) private view returns (Instance memory U) {
        uint256 id = cur.id;
        if ((id & type(uint128).max) - (id >> 128) == 1) return _leaf(cur, states, cmW);
        uint256 b = split(id >> 128, id & type(uint128).max);
        cur.id = (id & ~uint256(type(uint128).max)) | b;
        Instance memory U1 = _node(cur, states, cmW, cmT);
        cur.id = (b << 128) | (id & type(uint128).max);
        U = _node(cur, states, cmW, cmT);
        cur.id = id;
        U = _fold(cur, cmT[cur.nextT++], U1, U);
    }

    function _fold(Cursor memory cur, Bn254.G1Point memory T, Instance memory U1, Instance memory U2)
        private
        view
        returns (Instance memory)
    {
        return Fold.fold(U1, U2, T, Fold.challenge(cur.domain, cur.jobId, cur.id, U1, U2, T));
    }

    function _leaf(Cursor memory cur, uint256[] calldata states, Bn254.G1Point[] calldata cmW)
        private
        pure
        returns (Instance memory)
    {
        uint256 s = cur.s;
        uint256 i = (cur.id >> 128) - cur.base;
        uint256[] memory x = new uint256[](2 * s);
        for (uint256 j = 0; j < s; ++j) {
            x[j] = states[(i + 1) * s + j];
            x[s + j] = states[i * s + j];
        }
        return Instance(cmW[i], Bn254.G1Point(0, 0), 1, x);
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
