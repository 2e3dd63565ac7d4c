// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {BatchFold} from "../market/BatchFold.sol";
import {Chunks} from "../market/Chunks.sol";

/// @title ChunkFoldBench
/// @notice TEST ONLY: runs a chunk's fold verification in a transaction, per fold ({Chunks.foldChunk}, what the
///         market does) or batched ({BatchFold.foldBatched}, transcript v2), so that bench:gas can compare them.
contract ChunkFoldBench {
    event Root(Instance root);

    function perFold(uint256 jobId, uint256 nodeId, uint256[] calldata states, Bn254.G1Point[] calldata cmW, Bn254.G1Point[] calldata cmT)
        external
    {
        emit Root(Chunks.foldChunk(bytes32(uint256(1)), jobId, 1, nodeId, states, cmW, cmT));
    }

    function batched(uint256 jobId, uint256 nodeId, uint256[] calldata states, Bn254.G1Point[] calldata cmW, Bn254.G1Point[] calldata cmT)
        external
    {
        emit Root(BatchFold.foldBatched(bytes32(uint256(1)), jobId, 1, nodeId, states, cmW, cmT));
    }
}
