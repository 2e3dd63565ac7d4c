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
import {IMarket} from "../interfaces/IMarket.sol";
import {MarketBase} from "./MarketBase.sol";
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Bundle} from "../libraries/Bundle.sol";
import {Fold} from "../libraries/Fold.sol";
import {RewardSplitter} from "../RewardSplitter.sol";
import {Chunks} from "./Chunks.sol";

/// @title Market
/// @notice The v2 proof market, one address for users (docs/protocol.md §3, docs/contracts.md "Market v2"):
///         chunk/merge/decision submissions and views; requests, bundles, governance, disputes, liveness slashes,
///         impossibility proofs, cancel and expiry are implemented by {MarketExtension} and reached by
///         delegatecall (same storage, same events).
/// @dev Storage: a job is 7 words written once at the request; a chunk or merge task writes two words when
///      submitted (its node word and an info word). Nothing is written per task before that: availability,
///      attempts and assignees are derived.
contract Market is IMarket, MarketBase {
    using SafeERC20 for IERC20;

    /// @notice The extension holding the dispute and closing logic.
    address public immutable extension;

    /// @inheritdoc IMarket
    uint256 public constant DECISION_TASK = DECISION;

    constructor(
        IProverRegistry registry_,
        ICircuitRegistry circuits_,
        Params memory params_,
        Weights memory weights_,
        address owner_,
        address extension_
    ) MarketBase(registry_, circuits_, weights_, owner_) {
        extension = extension_;
        _setParams(params_, registry_.minStake());
    }


    // ================================================================ views

    /// @inheritdoc IMarket
    function paramsAt(uint32 paramsId) external view returns (Params memory) {
        return _params[paramsId];
    }

    /// @inheritdoc IMarket
    function getJob(uint256 jobId) external view returns (Job memory) {
        JobData storage d = _jobs[jobId];
        CircuitData storage c = _circ(d);
        return Job({
            requester: d.requester,
            status: d.status,
            chunkLog: d.chunkLog,
            nLeaves: d.nLeaves,
            openDisputes: d.openDisputes,
            paramsId: d.paramsId,
            circuitId: d.circuitId,
            feeToken: d.feeToken,
            createdAt: d.createdAt,
            deadline: d.deadline,
            requestBlock: d.requestBlock,
            disputeClearedAt: d.disputeClearedAt,
            disputeClearedBlock: d.disputeClearedBlock,
            decider: c.decider,
            fee: d.fee,
            bond: uint128(_bond(d)),
            manifestRoot: d.manifestRoot,
            domain: c.domain
        });
    }

    /// @inheritdoc IMarket
    function getTask(uint256 jobId, uint256 taskId) external view returns (TaskView memory v) {
        JobData storage j = _jobs[jobId];
        if (j.status == JobStatus.None) revert MarketUnknownJob(jobId);
        // A bundle (submitted or proposed) is a job without tasks: only a requested job has a manifest.
        if (j.manifestRoot == bytes32(0)) revert MarketInvalidTask(jobId, taskId);
        v.kind = _kind(j, taskId);
        Info memory info = _info[jobId][taskId];
        if (info.submitter != address(0)) {
            v.state = info.paid ? TaskState.Paid : TaskState.Done;
            v.submitter = info.submitter;
            return v;
        }
        if (taskId == DECISION_TASK && j.status == JobStatus.Verified) {
            v.state = TaskState.Done;
            return v;
        }
        (bool ready, uint64 at, uint64 blk) = _availability(jobId, j, taskId);
        if (!ready) return v;
        v.state = TaskState.Open;
        v.availableAt = at;
        v.availableBlock = blk;
        uint64 w = _params[j.paramsId].window;
        v.attempt = uint32((block.timestamp - at) / w);
        v.windowEnd = at + (uint64(v.attempt) + 1) * w;
        if (blk + 1 < block.number) v.assignee = _assignee(jobId, j, taskId, blk, v.attempt);
    }

    /// @inheritdoc IMarket
    function nodeDigest(uint256 jobId, uint256 nodeId) external view returns (bytes32) {
        return _nodes[jobId][nodeId];
    }

    /// @notice The open dispute on a node: challenger (zero when none) and answer deadline.
    function getDispute(uint256 jobId, uint256 nodeId) external view returns (address, uint64) {
        return (_challenger[jobId][nodeId], _answerBy[jobId][nodeId]);
    }

    // ================================================================ requests

    /// @inheritdoc IMarket
    function requestProof(Request calldata /* request */) external payable returns (uint256) {
        _delegate();
    }

    /// @inheritdoc IMarket
    function submitChunk(uint256 jobId, uint256 taskId, Chunk calldata ch) external nonReentrant {
        JobData storage j = _open(jobId);
        if (_kind(j, taskId) != TaskKind.Chunk) revert MarketInvalidTask(jobId, taskId);
        uint32 attempt = _claim(jobId, j, taskId);
        Instance memory U = _verifyChunk(jobId, j, taskId, ch);
        uint256 s = j.stateWidth;
        uint256 m = ch.cmW.length;
        uint256[] memory zIn = ch.states[:s];
        uint256[] memory zOut = ch.states[m * s:];
        _store(jobId, j, taskId, _chunkUnits(j, m), Fold.digest(Fold.hash(U), zIn, zOut));
        emit NodeSubmitted(jobId, taskId, msg.sender, TaskKind.Chunk, attempt, U, zIn, zOut);
    }

    /// @inheritdoc IMarket
    function submitMerge(
        uint256 jobId,
        uint256 taskId,
        NodeData calldata left,
        NodeData calldata right,
        Bn254.G1Point calldata cmT
    ) external nonReentrant {
        JobData storage j = _open(jobId);
        if (_kind(j, taskId) != TaskKind.Merge) revert MarketInvalidTask(jobId, taskId);
        uint32 attempt = _claim(jobId, j, taskId);
        Instance memory U = _merge(jobId, j, taskId, left, right, cmT);
        uint256[] memory zIn = left.zIn;
        uint256[] memory zOut = right.zOut;
        _store(jobId, j, taskId, _mergeUnits(j), Fold.digest(Fold.hash(U), zIn, zOut));
        emit NodeSubmitted(jobId, taskId, msg.sender, TaskKind.Merge, attempt, U, zIn, zOut);
    }

    /// @inheritdoc IMarket
    function submitDecision(uint256 jobId, NodeData calldata root, DeciderProof calldata proof) external nonReentrant {
        JobData storage j = _open(jobId);
        if (j.openDisputes != 0) revert MarketDisputesPending(jobId, j.openDisputes);
        _claim(jobId, j, DECISION_TASK);
        uint256 rootId = uint256(j.nLeaves);
        _checkStored(jobId, rootId, root);
        if (!IDeciderVerifier(_circ(j).decider).verifyDecider(root.instance, proof)) revert MarketDeciderRejected(jobId, rootId);
        j.status = JobStatus.Verified;
        emit JobVerified(jobId, msg.sender, root.zOut);
        address token = j.feeToken;
        _credit(msg.sender, token, jobId, DECISION_TASK, _reward(j, _decisionUnits(j)), "task");
        _credit(j.requester, token, jobId, 0, _dust(j) + _bond(j), "dust+bond");
        _callback(jobId, j.requester, root.zOut, _params[j.paramsId].callbackGasLimit);
    }

    /// @inheritdoc IMarket
    function submitBundle(
        uint256 /* circuitId */,
        uint256[] calldata /* states */,
        Bn254.G1Point[] calldata /* cmW */,
        Bn254.G1Point[] calldata /* cmT */,
        DeciderProof calldata /* proof */
    ) external returns (uint256) {
        _delegate();
    }

    /// @inheritdoc IMarket
    function proposeBundle(uint256 /* circuitId */, BundleData calldata /* data */, DeciderProof calldata /* proof */)
        external
        payable
        returns (uint256)
    {
        _delegate();
    }

    /// @inheritdoc IMarket
    function challengeBundle(uint256 /* jobId */, BundleData calldata /* data */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function finalizeBundle(uint256 /* jobId */, uint256[] calldata /* zN */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function setBundleParams(uint64 /* challengeWindow */, uint96 /* bondPerLeaf */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function bundleParams() external view returns (uint64, uint96) {
        return _bundleParams();
    }

    /// @inheritdoc IMarket
    function bundleOf(uint256 jobId) external view returns (bytes32, bytes32, uint256) {
        BundleRecord storage r = _bundles[jobId];
        return (r.dataHash, r.zNHash, r.bond);
    }

    /// @inheritdoc IMarket
    function setParams(Params calldata /* p */) external {
        _delegate();
    }

    /// @notice Sets the work weights for new jobs: adds a parameter set (the current parameters with these
    ///         weights), so open jobs keep theirs. Owner only. Emits {WeightsSet} and {ParamsSet}.
    function setWeights(Weights calldata /* weights */) external override {
        _delegate();
    }

    /// @notice The work weights of parameter set `paramsId` (those a job requested under it is paid by).
    function weightsAt(uint32 paramsId) external view returns (Weights memory) {
        return _weightsOf[paramsId];
    }

    /// @inheritdoc IMarket
    function slashMissed(uint256 /* jobId */, uint256 /* taskId */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function refreshSnapshot(uint256 /* jobId */, uint256 /* taskId */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function dispute(uint256 /* jobId */, uint256 /* nodeId */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function answerDispute(uint256 /* jobId */, uint256 /* nodeId */, NodeData calldata /* node */, DeciderProof calldata /* proof */)
        external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function resolveDispute(uint256 /* jobId */, uint256 /* nodeId */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function voidImpossible(
        uint256 /* jobId */,
        uint8 /* reason */,
        uint256 /* index */,
        Segment[] calldata /* segs */,
        Instance calldata /* leaf */,
        DeciderProof calldata /* deciderProof */
    ) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function cancel(uint256 /* jobId */) external {
        _delegate();
    }

    /// @inheritdoc IMarket
    function expire(uint256 /* jobId */) external {
        _delegate();
    }

    /// @dev Runs the current call in {extension} on this contract's storage and returns or reverts with its result.
    function _delegate() private {
        address e = extension;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), e, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
