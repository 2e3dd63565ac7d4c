// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Fold} from "../libraries/Fold.sol";
import {Tasks} from "../libraries/Tasks.sol";

/// @title FoldHarness
/// @notice TEST ONLY: exposes the internal functions of {Fold} and the tree helpers of {Tasks}.
contract FoldHarness {
    function domain(uint256 chainId, address market, bytes32 r1csHash, bytes32 srsDigest)
        external
        pure
        returns (bytes32)
    {
        return Fold.domain(chainId, market, r1csHash, srsDigest);
    }

    function challenge(
        bytes32 domain_,
        uint256 jobId,
        uint256 nodeId,
        Instance memory U1,
        Instance memory U2,
        Bn254.G1Point memory cmT
    ) external pure returns (uint256) {
        return Fold.challenge(domain_, jobId, nodeId, U1, U2, cmT);
    }

    function fold(Instance memory U1, Instance memory U2, Bn254.G1Point memory cmT, uint256 r)
        external
        view
        returns (Instance memory)
    {
        return Fold.fold(U1, U2, cmT, r);
    }

    function instanceHash(Instance memory U) external pure returns (bytes32) {
        return keccak256(abi.encode(U));
    }

    function split(uint256 a, uint256 c) external pure returns (uint256) {
        return Tasks.split(a, c);
    }

    function pathTo(uint256 n, uint256 nodeId) external pure returns (uint256[] memory) {
        return Tasks.pathTo(n, nodeId);
    }

    function parent(uint256 n, uint256 nodeId) external pure returns (uint256) {
        return Tasks.parent(n, nodeId);
    }
}
