// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Bundle} from "../libraries/Bundle.sol";
import {Chunks} from "../market/Chunks.sol";

/// @title ChunkFoldBench
/// @notice TEST ONLY: runs a tree's fold verification in a transaction, per fold under transcript v1
///         ({Bundle.foldTree}: every node recomputed, what ProofMarket runs; `jobId = 0`, the tree `[0, m)`) or
///         batched under transcript v2 ({Chunks.foldChunk}, what the v2 market runs), so that bench:gas can
///         compare them; and the optimistic challenge's re-execution as a view ({tryBundle}).
contract ChunkFoldBench {
    event Root(Instance root);

    function perFold(uint256, uint256, uint256[] calldata states, Bn254.G1Point[] calldata cmW, Bn254.G1Point[] calldata cmT)
        external
    {
        emit Root(Bundle.foldTree(bytes32(uint256(1)), 1, states, cmW, cmT));
    }

    function batched(uint256 jobId, uint256 nodeId, uint256[] calldata states, Bn254.G1Point[] calldata cmW, Bn254.G1Point[] calldata cmT)
        external
    {
        emit Root(Chunks.foldChunk(bytes32(uint256(1)), jobId, 1, nodeId, states, cmW, cmT));
    }

    /// @notice What an optimistic bundle's challenge re-executes ({Chunks.tryFoldChunk}, `jobId = 0`, width 1)
    ///         under `domain`: the root and whether every point was valid.
    function tryBundle(bytes32 domain, uint256 n, uint256[] calldata states, Bn254.G1Point[] calldata cmW, Bn254.G1Point[] calldata cmT)
        external
        view
        returns (Instance memory root, bool ok)
    {
        return Chunks.tryFoldChunk(domain, 0, 1, n, states, cmW, cmT);
    }
}
