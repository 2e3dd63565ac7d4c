// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ICircuitRegistry} from "../interfaces/ICircuitRegistry.sol";
import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof} from "../interfaces/INovaTypes.sol";
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {MarketBase} from "./MarketBase.sol";

/// @title MarketDisputes
/// @notice The market's dispute functions (open, answer, resolve) and the fallback draw of a task whose stake
///         snapshot holds no eligible prover ({refreshSnapshot}). Deployed by {MarketExtension}'s constructor
///         and reached by delegatecall from its fallback (itself run by delegatecall from {Market}), so they act
///         on the market's storage and emit from the market's address. Called directly, they find no job.
contract MarketDisputes is MarketBase {
    using SafeERC20 for IERC20;

    constructor(IProverRegistry registry_, ICircuitRegistry circuits_, Weights memory weights_, address owner_)
        MarketBase(registry_, circuits_, weights_, owner_)
    {}

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function dispute(uint256 jobId, uint256 nodeId) external nonReentrant {
        JobData storage j = _open(jobId);
        _beforeDeadline(jobId, j);
        address submitter = _info[jobId][nodeId].submitter;
        if (_nodes[jobId][nodeId] == bytes32(0) || submitter == address(0)) revert MarketTaskNotReady(jobId, nodeId);
        if (_challenger[jobId][nodeId] != address(0)) revert MarketDisputeState(jobId, nodeId);
        if (!registry.isStaked(msg.sender)) revert MarketNotStaked(msg.sender);
        if (submitter == msg.sender) revert MarketNotAssignee(jobId, nodeId, msg.sender, submitter);
        Params storage p = _params[j.paramsId];
        uint64 by = uint64(block.timestamp) + p.disputeWindow;
        _challenger[jobId][nodeId] = msg.sender;
        _answerBy[jobId][nodeId] = by;
        j.openDisputes += 1;
        emit DisputeOpened(jobId, nodeId, msg.sender, submitter, p.disputeBond, by);
        if (p.disputeBond > 0) _stakeToken.safeTransferFrom(msg.sender, address(this), p.disputeBond);
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function answerDispute(uint256 jobId, uint256 nodeId, NodeData calldata node, DeciderProof calldata proof)
        external
        nonReentrant
    {
        JobData storage j = _jobs[jobId];
        address challenger = _challenger[jobId][nodeId];
        if (challenger == address(0)) revert MarketDisputeState(jobId, nodeId);
        _checkStored(jobId, nodeId, node);
        if (!IDeciderVerifier(_circ(j).decider).verifyDecider(node.instance, proof)) revert MarketDeciderRejected(jobId, nodeId);
        address submitter = _info[jobId][nodeId].submitter;
        _closeDispute(jobId, j, nodeId);
        emit DisputeResolved(jobId, nodeId, challenger, submitter, false, false, 0, 0, 0);
        _credit(submitter, address(_stakeToken), jobId, nodeId, _params[j.paramsId].disputeBond, "bond");
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function resolveDispute(uint256 jobId, uint256 nodeId) external nonReentrant {
        JobData storage j = _jobs[jobId];
        address challenger = _challenger[jobId][nodeId];
        if (challenger == address(0)) revert MarketDisputeState(jobId, nodeId);
        uint64 by = _answerBy[jobId][nodeId];
        if (block.timestamp <= by) revert MarketNotExpired(jobId, nodeId, by);
        address submitter = _info[jobId][nodeId].submitter;
        _closeDispute(jobId, j, nodeId);
        (uint256 slashed, uint256 burned, uint256 reward) = _slashAndReset(jobId, j, nodeId, submitter);
        emit DisputeResolved(jobId, nodeId, challenger, submitter, true, false, slashed, burned, reward);
        _credit(challenger, address(_stakeToken), jobId, nodeId, _params[j.paramsId].disputeBond + reward, "dispute");
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market} (through {MarketExtension}'s fallback).
    /// @dev The task's snapshot (end of block `blk − 1`) holds no eligible weight, so none of its attempts could
    ///      ever be drawn (nor slashed: `slashedUpTo` restarts at 0 with the windows). The new snapshot is the
    ///      previous block's, fixed before this transaction; the seed is the next block's hash, unknown to it. A
    ///      refreshed task's snapshot holds eligible weight, so it cannot be refreshed again (no re-rolls).
    function refreshSnapshot(uint256 jobId, uint256 taskId) external nonReentrant {
        JobData storage j = _open(jobId);
        _beforeDeadline(jobId, j);
        _kind(j, taskId);
        if (_info[jobId][taskId].submitter != address(0)) revert MarketTaskDone(jobId, taskId);
        (bool ready,, uint64 blk) = _availability(jobId, j, taskId);
        if (!ready) revert MarketTaskNotReady(jobId, taskId);
        uint64 need = _need(j, taskId);
        if (registry.eligibleWeightAt(need, blk - 1) != 0) revert MarketSnapshotNotEmpty(jobId, taskId, blk - 1);
        if (registry.eligibleWeightAt(need, uint64(block.number - 1)) == 0) revert MarketNoEligibleProver(jobId, taskId);
        _info[jobId][taskId] = Info(address(0), uint40(block.timestamp), uint40(block.number), false, 0);
        emit SnapshotRefreshed(jobId, taskId, msg.sender, uint64(block.number));
    }
}
