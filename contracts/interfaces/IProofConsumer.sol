// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProofConsumer
/// @notice Implemented by a requester contract that wants to be told when its job is verified.
interface IProofConsumer {
    /// @notice Called by the market, with a gas cap, once job `jobId` is verified; `zOut` is `z_N`.
    ///         A revert or out-of-gas here never undoes the verification.
    function onProofVerified(uint256 jobId, uint256[] calldata zOut) external;
}
