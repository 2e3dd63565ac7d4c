// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRewardSplitter
/// @notice The cooperative split of a job's fee by work units, with pull payments (docs/contracts.md).
///         A job of `N` leaves has `N` leaf tasks and `N−1` fold tasks of `weights.leaf·C` and
///         `weights.fold·C` units (`C` = constraints of `F`) and one decision of `weights.decision·D`
///         units (`D` = constraints of `D_F`). A task is worth `fee · units / totalUnits` (rounded down,
///         fixed at the request); the dust `fee − Σ task rewards` goes back to the requester.
///         Rewards of done tasks are released to their workers' balances once the job is verified
///         (or, for work already done, when it is cancelled or expires); balances are paid by {claim}.
interface IRewardSplitter {
    /// @notice Work weights (governance parameters, snapshotted into each job's rewards at request time).
    struct Weights {
        uint64 leaf;
        uint64 fold;
        uint64 decision;
    }

    /// @notice The weights changed.
    event WeightsSet(uint64 leaf, uint64 fold, uint64 decision);
    /// @notice Job `jobId`'s per-task rewards were fixed: a leaf pays `leafReward`, a fold `foldReward`,
    ///         the decision `decisionReward`; `dust` is returned to the requester when the job closes.
    event RewardsFixed(
        uint256 indexed jobId, uint256 leafReward, uint256 foldReward, uint256 decisionReward, uint256 dust
    );
    /// @notice `amount` of `token` (`address(0)`: ETH) was credited to `account`'s claimable balance, for
    ///         task `taskId` of `jobId` (`taskId` 0 with a reason other than "task": refunds, bonds).
    event Credited(
        address indexed account, address indexed token, uint256 indexed jobId, uint256 taskId, uint256 amount, bytes32 reason
    );
    /// @notice `account` was paid `amount` of `token`.
    event Claimed(address indexed account, address indexed token, uint256 amount);

    /// @notice Nothing is claimable.
    error RewardSplitterNothingToClaim(address account, address token);
    /// @notice The task's reward cannot be released (not done, already paid, or the job is still open).
    error RewardSplitterNotReleasable(uint256 jobId, uint256 taskId);
    /// @notice An ETH payment failed.
    error RewardSplitterEthTransferFailed(address to, uint256 amount);
    /// @notice A weight is zero.
    error RewardSplitterInvalidWeights();

    /// @notice Credits the rewards of the given done tasks of a closed job to their workers (anyone may call).
    ///         Emits one {Credited} event per task.
    function release(uint256 jobId, uint256[] calldata taskIds) external;
    /// @notice Pays the caller's whole claimable balance of `token` (`address(0)`: ETH). Emits {Claimed}.
    function claim(address token) external;
    /// @notice Sets the work weights (owner). Emits {WeightsSet}.
    function setWeights(Weights calldata weights) external;
    /// @notice `account`'s claimable balance of `token`.
    function claimable(address account, address token) external view returns (uint256);
    /// @notice Per-task rewards of a job: leaf, fold, decision, dust.
    function rewardsOf(uint256 jobId) external view returns (uint256, uint256, uint256, uint256);
}
