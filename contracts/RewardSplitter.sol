// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRewardSplitter} from "./interfaces/IRewardSplitter.sol";

/// @title RewardSplitter
/// @notice The cooperative split of a job's fee by work units, and the pull-payment ledger of everything
///         the market owes (task rewards, refunds, dust, returned or won dispute bonds). Inherited by
///         ProofMarket, so crediting a contribution costs no external call.
/// @dev Rewards are fixed per task when the job is requested: `reward(kind) = ⌊fee · units(kind) / total⌋`
///      with `total = N·units(leaf) + (N−1)·units(fold) + units(decision)`. Summing per task instead of per
///      contributor makes the rounding independent of who did what and of the claim order: the dust
///      `fee − N·leaf − (N−1)·fold − decision` (< 2N wei) is known at the request and goes back to the
///      requester. `Σ credited ≤ Σ escrowed` per token holds because each task is credited at most once
///      (Done → Paid) and a refund is `fee −` the rewards of the done tasks.
abstract contract RewardSplitter is IRewardSplitter, Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Current work weights (units per constraint of `F` for leaves and folds, of `D_F` for decisions).
    Weights public weights;

    mapping(address account => mapping(address token => uint256)) internal _claimable;

    constructor(Weights memory weights_) {
        _setWeights(weights_);
    }

    /// @inheritdoc IRewardSplitter
    function claimable(address account, address token) external view returns (uint256) {
        return _claimable[account][token];
    }

    /// @inheritdoc IRewardSplitter
    function setWeights(Weights calldata weights_) external virtual onlyOwner {
        _setWeights(weights_);
    }

    /// @inheritdoc IRewardSplitter
    function release(uint256 jobId, uint256[] calldata taskIds) external nonReentrant {
        for (uint256 i = 0; i < taskIds.length; ++i) {
            (address worker, address token, uint256 amount) = _releaseTask(jobId, taskIds[i]);
            _credit(worker, token, jobId, taskIds[i], amount, "task");
        }
    }

    /// @inheritdoc IRewardSplitter
    function claim(address token) external nonReentrant {
        uint256 amount = _claimable[msg.sender][token];
        if (amount == 0) revert RewardSplitterNothingToClaim(msg.sender, token);
        _claimable[msg.sender][token] = 0;
        emit Claimed(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert RewardSplitterEthTransferFailed(msg.sender, amount);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    /// @dev Splits `fee` into per-task rewards for a job of `nLeaves` leaves of a circuit with `constraints`
    ///      constraints whose decider has `deciderConstraints`.
    function _splitFee(uint256 fee, uint256 nLeaves, uint256 constraints, uint256 deciderConstraints)
        internal
        view
        returns (uint256 leaf, uint256 fold, uint256 decision, uint256 dust)
    {
        Weights memory w = weights;
        uint256 uLeaf = uint256(w.leaf) * constraints;
        uint256 uFold = uint256(w.fold) * constraints;
        uint256 uDecision = uint256(w.decision) * deciderConstraints;
        uint256 total = nLeaves * uLeaf + (nLeaves - 1) * uFold + uDecision;
        leaf = Math.mulDiv(fee, uLeaf, total);
        fold = Math.mulDiv(fee, uFold, total);
        decision = Math.mulDiv(fee, uDecision, total);
        dust = fee - nLeaves * leaf - (nLeaves - 1) * fold - decision;
    }

    /// @dev Adds `amount` to `account`'s balance of `token`. Emits a {Credited} event.
    function _credit(address account, address token, uint256 jobId, uint256 taskId, uint256 amount, bytes32 reason)
        internal
    {
        if (amount == 0) return;
        _claimable[account][token] += amount;
        emit Credited(account, token, jobId, taskId, amount, reason);
    }

    /// @dev Marks task `taskId` of `jobId` paid and returns its worker, the fee token and its reward; reverts
    ///      with {RewardSplitterNotReleasable} unless the job is closed and the task done and unpaid.
    function _releaseTask(uint256 jobId, uint256 taskId)
        internal
        virtual
        returns (address worker, address token, uint256 amount);

    function _setWeights(Weights memory w) internal {
        if (w.leaf == 0 || w.fold == 0 || w.decision == 0) revert RewardSplitterInvalidWeights();
        weights = w;
        emit WeightsSet(w.leaf, w.fold, w.decision);
    }
}
