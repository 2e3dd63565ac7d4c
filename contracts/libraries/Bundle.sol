// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "./Bn254.sol";
import {Fold} from "./Fold.sol";

/// @title Bundle
/// @notice Folds a whole job tree posted in one call (bundle mode) and returns the root instance.
/// @dev A deployed (linked) library, called once per bundle by delegatecall, which keeps ProofMarket under
///      the 24 KiB code size limit. Leaves are built from the boundary states (`x_k = (z_{k+1}, z_k)`, fresh:
///      `u = 1`, `cmE = 0`), so a leaf costs only its `cmW` in calldata; intermediate nodes live in memory and
///      are never hashed except inside the fold challenge. The tree follows the split rule of
///      docs/protocol.md §7; cross terms are consumed in post-order (left subtree, right subtree, node).
///      The challenge uses `jobId = 0` (the job id of a bundle is only known once it is mined).
library Bundle {
    struct Cursor {
        bytes32 domain;
        uint256 s;
        uint256 nextT;
    }

    /// @notice The root instance of the tree over `N = cmW.length` leaves. `states` holds `z_0..z_N`
    ///         (`(N+1)·s` words) and `cmT` the `N−1` cross-term commitments in post-order. Lengths are
    ///         checked by the caller.
    function foldTree(
        bytes32 domain,
        uint256 s,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT
    ) external view returns (Instance memory) {
        Cursor memory cur = Cursor(domain, s, 0);
        return _node(cur, states, cmW, cmT, 0, cmW.length);
    }

    function _node(
        Cursor memory cur,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        uint256 a,
        uint256 c
    ) private view returns (Instance memory U) {
        if (c - a == 1) return _leaf(cur.s, states, cmW, a);
        uint256 b = split(a, c);
        Instance memory U1 = _node(cur, states, cmW, cmT, a, b);
        U = _node(cur, states, cmW, cmT, b, c);
        U = _fold(cur, cmT, (a << 128) | c, U1, U);
    }

    function _leaf(uint256 s, uint256[] calldata states, Bn254.G1Point[] calldata cmW, uint256 a)
        private
        pure
        returns (Instance memory)
    {
        uint256[] memory x = new uint256[](2 * s);
        for (uint256 i = 0; i < s; ++i) {
            x[i] = states[(a + 1) * s + i];
            x[s + i] = states[a * s + i];
        }
        return Instance(cmW[a], Bn254.G1Point(0, 0), 1, x);
    }

    function _fold(
        Cursor memory cur,
        Bn254.G1Point[] calldata cmT,
        uint256 nodeId,
        Instance memory U1,
        Instance memory U2
    ) private view returns (Instance memory) {
        Bn254.G1Point memory T = cmT[cur.nextT++];
        uint256 r = Fold.challenge(cur.domain, 0, nodeId, U1, U2, T);
        return Fold.fold(U1, U2, T, r);
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
