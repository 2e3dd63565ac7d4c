// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ICircuitRegistry} from "../interfaces/ICircuitRegistry.sol";
import {IDeciderVerifier} from "../interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "../interfaces/INovaTypes.sol";
import {IProofConsumer} from "../interfaces/IProofConsumer.sol";
import {IMarketTypes} from "../interfaces/IMarket.sol";
import {MarketBase} from "./MarketBase.sol";
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Fold} from "../libraries/Fold.sol";
import {RewardSplitter} from "../RewardSplitter.sol";
import {Chunks} from "./Chunks.sol";
import {MarketDisputes} from "./MarketDisputes.sol";

/// @title MarketExtension
/// @notice The market's extension: requests, bundles, governance, liveness slashes, disputes, impossibility proofs,
///         cancel and expiry. Its
///         functions run by delegatecall from {Market} (on the market's storage); called directly, they act
///         on this contract's own empty storage and fail (no job exists here).
contract MarketExtension is MarketBase {
    using SafeERC20 for IERC20;

    /// @notice Where the dispute functions live (deployed by this constructor; reached by delegatecall from
    ///         this contract's fallback, itself run by delegatecall from {Market}: the market's storage throughout).
    address public immutable disputes;

    constructor(IProverRegistry registry_, ICircuitRegistry circuits_, Weights memory weights_, address owner_)
        MarketBase(registry_, circuits_, weights_, owner_)
    {
        disputes = address(new MarketDisputes(registry_, circuits_, weights_, owner_));
    }

    /// @dev Dispute functions: run in {disputes} on the caller's storage.
    fallback() external payable {
        address d = disputes;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), d, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }


    // ================================================================ liveness

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function slashMissed(uint256 jobId, uint256 taskId) external nonReentrant {
        JobData storage j = _open(jobId);
        _beforeDeadline(jobId, j);
        _kind(j, taskId);
        Info storage info = _info[jobId][taskId];
        if (info.submitter != address(0)) revert MarketTaskDone(jobId, taskId);
        (bool ready, uint64 at, uint64 blk) = _availability(jobId, j, taskId);
        if (!ready || blk + 1 >= block.number) revert MarketTaskNotReady(jobId, taskId);
        uint32 attempt = uint32((block.timestamp - at) / _params[j.paramsId].window);
        _slashMissed(jobId, j, taskId, blk, attempt, address(0));
    }

    // ================================================================ impossibility

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function voidImpossible(
        uint256 jobId,
        uint8 reason,
        uint256 index,
        Segment[] calldata segs,
        Instance calldata leaf,
        DeciderProof calldata deciderProof
    ) external nonReentrant {
        JobData storage j = _open(jobId);
        if (!registry.isStaked(msg.sender)) revert MarketNotStaked(msg.sender);
        if (!_impossible(j, reason, index, segs, leaf, deciderProof)) {
            revert MarketNotImpossible(jobId, reason, index);
        }
        j.status = JobStatus.Voided;
        uint256 refund = j.fee - j.owed;
        emit JobVoided(jobId, msg.sender, reason, index, refund);
        _credit(msg.sender, j.feeToken, jobId, 0, _bond(j), "void");
        _credit(j.requester, j.feeToken, jobId, 0, refund, "refund");
    }

    // ================================================================ closing

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function submitBundle(
        uint256 circuitId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        DeciderProof calldata proof
    ) external nonReentrant returns (uint256) {
        uint256 n = cmW.length;
        if (n == 0 || n > MAX_LEAVES || cmT.length != n - 1) revert MarketInvalidBatch();
        BundleJob memory b = _bundleJob(circuitId, states, n);
        _verifyBundle(b, states, cmW, cmT, proof);
        uint256[] memory zN = _emitBundle(b, circuitId, states, n);
        _callback(b.jobId, msg.sender, zN, _params[paramsCount].callbackGasLimit);
        return b.jobId;
    }

    function _verifyBundle(
        BundleJob memory b,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        DeciderProof calldata proof
    ) private view {
        Instance memory U = Chunks.foldChunk(b.domain, 0, b.s, cmW.length, states, cmW, cmT);
        if (!IDeciderVerifier(b.decider).verifyDecider(U, proof)) revert MarketDeciderRejected(b.jobId, cmW.length);
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function cancel(uint256 jobId) external nonReentrant {
        JobData storage j = _open(jobId);
        if (msg.sender != j.requester) revert MarketNotRequester(jobId, msg.sender);
        if (_nodes[jobId][uint256(j.nLeaves)] != bytes32(0)) revert MarketRootExists(jobId);
        if (j.openDisputes != 0) revert MarketDisputesPending(jobId, j.openDisputes);
        j.status = JobStatus.Cancelled;
        uint256 refund = j.fee - j.owed;
        emit JobCancelled(jobId, refund);
        _credit(j.requester, j.feeToken, jobId, 0, refund + _bond(j), "refund");
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function expire(uint256 jobId) external nonReentrant {
        JobData storage j = _open(jobId);
        if (block.timestamp <= j.deadline) revert MarketJobNotExpired(jobId, j.deadline);
        j.status = JobStatus.Expired;
        // Open disputes outlive the job: they are answered or resolved as before; a node reset then returns its
        // reward (counted as owed in this refund) to the requester (MarketBase._reset).
        uint256 refund = j.fee - j.owed;
        emit JobExpired(jobId, refund);
        _credit(j.requester, j.feeToken, jobId, 0, refund + _bond(j), "refund");
    }

    // ================================================================ governance

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function setParams(Params calldata p) external onlyOwner {
        _setParams(p, registry.minStake());
    }

    /// @notice See {Market.setWeights}; reached by delegatecall from {Market}.
    function setWeights(Weights calldata w) external override onlyOwner {
        _setWeights(w);
        _setParams(_params[paramsCount], registry.minStake());
    }

    /// @notice See {IMarket}; reached by delegatecall from {Market}.
    function requestProof(Request calldata q) external payable nonReentrant returns (uint256 jobId) {
        uint32 pid = paramsCount;
        Params storage p = _params[pid];
        CircuitData storage c = _circuitOf(q.circuitId);
        uint256 s = c.stateWidth;
        if (q.z0.length != s) revert MarketInvalidStateLength(q.z0.length, s);
        if (q.z1.length != s) revert MarketInvalidStateLength(q.z1.length, s);
        // A chunk must fit one transaction far below 2^24 gas (~19k gas a leaf plus ~1.3k per state word).
        if (q.nLeaves == 0 || q.nLeaves > MAX_LEAVES || (uint256(1) << q.chunkLog) * (20_000 + 1_300 * s) > 12_000_000) {
            revert MarketInvalidShape(q.nLeaves, q.chunkLog);
        }
        if (!MerkleProof.verifyCalldata(q.z0Proof, q.manifestRoot, Chunks.segmentLeaf(0, q.z0, q.z1))) {
            revert MarketZ0Mismatch();
        }
        {
            uint64 levels = uint64(_height(q.nLeaves)) + 3;
            uint64 lo = uint64(block.timestamp) + p.window * levels;
            uint64 hi = uint64(block.timestamp) + p.maxJobDuration;
            if (q.deadline < lo || q.deadline > hi) revert MarketInvalidDeadline(q.deadline, lo, hi);
            // The job draws until its deadline over snapshots taken from now on: a prover in one that unstakes
            // later must still have unbonding stake then (the registry never shortens a release below this bound,
            // even when its delay is lowered).
            uint64 end = uint64(block.timestamp) + registry.unbondingDelay();
            if (q.deadline >= end) revert MarketDeadlineAfterUnbonding(q.deadline, end);
        }
        jobId = ++jobCount;
        JobData storage j = _jobs[jobId];
        j.requester = msg.sender;
        j.status = JobStatus.Open;
        j.chunkLog = q.chunkLog;
        j.nLeaves = q.nLeaves;
        j.stateWidth = uint16(s);
        j.feeToken = q.feeToken;
        j.deadline = uint32(q.deadline);
        j.createdAt = uint32(block.timestamp);
        j.paramsId = pid;
        j.circuitId = uint64(q.circuitId);
        j.requestBlock = uint64(block.number);
        j.manifestRoot = q.manifestRoot;
        uint256 bond = _escrow(q.feeToken, q.fee, p, j);
        _checkFee(j, q.fee, p.minFee);
        _emitRequested(jobId, q, bond, c.domain, pid);
    }

    // ================================================================ submissions
}
