// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ICircuitRegistry} from "../interfaces/ICircuitRegistry.sol";
import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {MarketBase} from "./MarketBase.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Chunks} from "./Chunks.sol";

/// @title MarketDisputes
/// @notice The market's dispute functions (open, answer, resolve), the fallback draw of a task whose stake
///         snapshot holds no eligible prover ({refreshSnapshot}), and optimistic bundles (propose, challenge,
///         finalize: docs/contracts.md "Optimistic bundles"). Deployed by {MarketExtension}'s constructor
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

    // ================================================================ optimistic bundles

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    /// @dev The decider proof is checked now; the folds only on a challenge. So that every fraud can be shown in one
    ///      transaction, `N` is bounded as a chunk is, and every state is checked below p here (an invalid point
    ///      is caught by the challenge: {Chunks.tryFoldChunk} reports it, and it counts as fraud).
    function proposeBundle(uint256 circuitId, BundleData calldata data, DeciderProof calldata proof)
        external
        payable
        nonReentrant
        returns (uint256 jobId)
    {
        CircuitData storage c = _circuitOf(circuitId);
        uint256 s = c.stateWidth;
        uint256 n = data.cmW.length;
        if (
            n == 0 || data.cmT.length != n - 1 || data.states.length != (n + 1) * s || data.root.x.length != 2 * s
                || n * (20_000 + 1_300 * s) > 12_000_000
        ) revert MarketInvalidBatch();
        for (uint256 i = 0; i < data.states.length; ++i) {
            if (data.states[i] >= Bn254.P) revert MarketScalarNotInField(data.states[i]);
        }
        jobId = ++jobCount;
        if (!IDeciderVerifier(c.decider).verifyDecider(data.root, proof)) revert MarketDeciderRejected(jobId, n);
        _recordProposal(jobId, circuitId, n, s, data);
    }

    function _recordProposal(uint256 jobId, uint256 circuitId, uint256 n, uint256 s, BundleData calldata data) private {
        (uint64 window, uint96 perLeaf) = _bundleParams();
        uint256 bond = uint256(perLeaf) * n;
        if (msg.value != bond) revert MarketInvalidBond(bond, msg.value);
        uint64 end = uint64(block.timestamp) + window;
        JobData storage j = _jobs[jobId];
        j.requester = msg.sender;
        j.status = JobStatus.Proposed;
        j.nLeaves = uint32(n);
        j.stateWidth = uint16(s);
        j.deadline = uint32(end);
        j.createdAt = uint32(block.timestamp);
        j.paramsId = paramsCount;
        j.circuitId = uint64(circuitId);
        j.requestBlock = uint64(block.number);
        bytes32 h = keccak256(abi.encode(data));
        _bundles[jobId] = BundleRecord(h, keccak256(abi.encode(data.states[n * s:])), bond);
        emit BundleProposed(jobId, msg.sender, circuitId, uint32(n), end, bond, h, data);
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    /// @dev The data must be the proposal's (its hash), so a challenger can neither pick other commitments nor
    ///      drop any. The re-execution is {submitBundle}'s ({Chunks.foldChunk} over `[0, N)`, `jobId = 0`).
    function challengeBundle(uint256 jobId, BundleData calldata data) external nonReentrant {
        JobData storage j = _proposed(jobId);
        if (block.timestamp > j.deadline) revert MarketChallengeClosed(jobId, j.deadline);
        BundleRecord storage r = _bundles[jobId];
        if (keccak256(abi.encode(data)) != r.dataHash) revert MarketBundleDataMismatch(jobId);
        CircuitData storage c = _circuitData[j.circuitId];
        (Instance memory u, bool ok) =
            Chunks.tryFoldChunk(c.domain, 0, j.stateWidth, j.nLeaves, data.states, data.cmW, data.cmT);
        if (ok && keccak256(abi.encode(u)) == keccak256(abi.encode(data.root))) revert MarketBundleValid(jobId);
        j.status = JobStatus.Voided;
        uint256 bond = r.bond;
        emit BundleChallenged(jobId, msg.sender, j.requester, bond);
        _credit(msg.sender, address(0), jobId, 0, bond, "challenge");
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function finalizeBundle(uint256 jobId, uint256[] calldata zN) external nonReentrant {
        JobData storage j = _proposed(jobId);
        if (block.timestamp <= j.deadline) revert MarketChallengeOpen(jobId, j.deadline);
        BundleRecord storage r = _bundles[jobId];
        if (keccak256(abi.encode(zN)) != r.zNHash) revert MarketBundleDataMismatch(jobId);
        j.status = JobStatus.Verified;
        address proposer = j.requester;
        uint256 bond = r.bond;
        emit BundleFinalized(jobId, proposer, bond);
        emit JobVerified(jobId, proposer, zN);
        _credit(proposer, address(0), jobId, 0, bond, "bond");
        _callback(jobId, proposer, zN, _params[j.paramsId].callbackGasLimit);
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function setBundleParams(uint64 challengeWindow, uint96 bondPerLeaf) external onlyOwner {
        if (challengeWindow < 60 || challengeWindow > 30 days || bondPerLeaf < 1e9 || bondPerLeaf > 1e18) {
            revert MarketInvalidParams();
        }
        _bundleWindow = challengeWindow;
        _bundleBondPerLeaf = bondPerLeaf;
        emit BundleParamsSet(challengeWindow, bondPerLeaf);
    }

    function _proposed(uint256 jobId) private view returns (JobData storage j) {
        j = _jobs[jobId];
        if (j.status != JobStatus.Proposed) revert MarketNotProposed(jobId, j.status);
    }
}
