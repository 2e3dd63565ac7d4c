// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";
import {IDeciderVerifier} from "./interfaces/IDeciderVerifier.sol";
import {DeciderProof, Instance} from "./interfaces/INovaTypes.sol";
import {IProofConsumer} from "./interfaces/IProofConsumer.sol";
import {IProofMarket} from "./interfaces/IProofMarket.sol";
import {IProverRegistry} from "./interfaces/IProverRegistry.sol";
import {Bn254} from "./libraries/Bn254.sol";
import {Bundle} from "./libraries/Bundle.sol";
import {Fold} from "./libraries/Fold.sol";
import {Tasks} from "./libraries/Tasks.sol";
import {IRewardSplitter} from "./interfaces/IRewardSplitter.sol";
import {RewardSplitter} from "./RewardSplitter.sol";

/// @title ProofMarket
/// @notice Jobs, tasks, deadlines, on-chain fold verification, decisions, disputes and callbacks
///         (docs/protocol.md §3, docs/contracts.md for the design decisions and gas).
/// @dev Storage per tree node is one word: `keccak256(abi.encode(keccak256(abi.encode(U)), zIn, zOut))`.
///      Children are passed in calldata and checked against it; the folded instance is computed on-chain.
///      Each task is one packed word (worker, deadline, state). The manifest root is an OpenZeppelin
///      `MerkleProof`-compatible root over the boundary states, leaf `i` being
///      `keccak256(bytes.concat(keccak256(abi.encode(uint256 i, uint256[] z_i))))` for `i = 0..N`.
contract ProofMarket is IProofMarket, RewardSplitter {
    using SafeERC20 for IERC20;

    /// @inheritdoc IProofMarket
    uint256 public constant DECISION_TASK = type(uint256).max;

    struct JobData {
        // slot 0
        address requester;
        JobStatus status;
        Mode mode;
        uint32 nLeaves;
        uint32 openDisputes;
        uint16 stateWidth;
        // slot 1
        uint64 createdAt;
        uint64 deadline;
        uint64 constraints;
        // slot 2
        address feeToken;
        uint64 circuitId;
        // slot 3
        address decider;
        uint256 fee;
        bytes32 manifestRoot;
        bytes32 domain;
        bytes32 seed;
        uint128 leafReward;
        uint128 foldReward;
        uint128 decisionReward;
        uint128 dust;
    }

    IProverRegistry public immutable registry;
    ICircuitRegistry public immutable circuits;
    IERC20 private immutable _stakeToken;

    Params private _params;
    uint256 public jobCount;
    mapping(uint256 => JobData) private _jobs;
    mapping(uint256 => mapping(uint256 => Task)) private _tasks;
    mapping(uint256 => mapping(uint256 => bytes32)) private _nodes;
    mapping(uint256 => mapping(uint256 => Dispute)) private _disputes;

    constructor(
        IProverRegistry registry_,
        ICircuitRegistry circuits_,
        Params memory params_,
        Weights memory weights_,
        address owner_
    ) Ownable(owner_) RewardSplitter(weights_) {
        registry = registry_;
        circuits = circuits_;
        _stakeToken = IERC20(registry_.stakeToken());
        _setParams(params_);
    }

    // ================================================================ views

    /// @notice The governance parameters.
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IProofMarket
    function getJob(uint256 jobId) external view returns (Job memory j) {
        JobData storage d = _jobs[jobId];
        j = Job({
            requester: d.requester,
            status: d.status,
            mode: d.mode,
            nLeaves: d.nLeaves,
            openDisputes: d.openDisputes,
            createdAt: d.createdAt,
            deadline: d.deadline,
            circuitId: d.circuitId,
            feeToken: d.feeToken,
            fee: d.fee,
            manifestRoot: d.manifestRoot,
            domain: d.domain,
            seed: d.seed
        });
    }

    /// @inheritdoc IProofMarket
    function getTask(uint256 jobId, uint256 taskId) external view returns (Task memory t) {
        t = _tasks[jobId][taskId];
        if (t.state == TaskState.Assigned && taskId != DECISION_TASK && _done(_nodes[jobId][taskId])) {
            t.state = TaskState.Done;
        }
    }

    /// @inheritdoc IProofMarket
    function nodeDigest(uint256 jobId, uint256 nodeId) external view returns (bytes32) {
        bytes32 d = _nodes[jobId][nodeId];
        return _done(d) ? d : bytes32(0);
    }

    /// @inheritdoc IProofMarket
    function getDispute(uint256 jobId, uint256 nodeId) external view returns (Dispute memory) {
        return _disputes[jobId][nodeId];
    }

    /// @inheritdoc IRewardSplitter
    function rewardsOf(uint256 jobId) external view returns (uint256, uint256, uint256, uint256) {
        JobData storage d = _jobs[jobId];
        return (d.leafReward, d.foldReward, d.decisionReward, d.dust);
    }

    // ================================================================ requests

    /// @inheritdoc IProofMarket
    function requestProof(
        uint256 circuitId,
        uint256[] calldata z0,
        uint32 nLeaves,
        bytes32 manifestRoot,
        address feeToken,
        uint256 fee,
        uint64 deadline
    ) external payable nonReentrant returns (uint256 jobId) {
        ICircuitRegistry.Circuit memory c = circuits.getCircuit(circuitId);
        if (z0.length != c.stateWidth) revert ProofMarketInvalidStateLength(z0.length, c.stateWidth);
        Request memory req = Request(circuitId, nLeaves, manifestRoot, feeToken, _escrow(feeToken, fee), deadline);
        jobId = ++jobCount;
        (bytes32 dom, bytes32 seed) = _storeJob(jobId, c, req);
        _emitRequested(jobId, req, z0, dom, seed);
        _fixRewards(jobId, c, req);
        Tasks.assignAll(_tasks[jobId], _nodes[jobId], Tasks.Ctx(jobId, seed, c.nConstraints, _params.taskWindow, registry, address(0), address(0)), nLeaves);
    }

    struct Request {
        uint256 circuitId;
        uint32 nLeaves;
        bytes32 manifestRoot;
        address feeToken;
        uint256 fee;
        uint64 deadline;
    }

    /// @dev Takes the fee: ETH must come as `msg.value`; for a token, the amount actually received
    ///      (fee-on-transfer tokens escrow less) is the job's fee.
    function _escrow(address feeToken, uint256 fee) private returns (uint256) {
        if (feeToken == address(0)) {
            if (msg.value != fee) revert ProofMarketInvalidFee(fee, msg.value);
            return fee;
        }
        if (msg.value != 0) revert ProofMarketInvalidFee(fee, msg.value);
        uint256 before = IERC20(feeToken).balanceOf(address(this));
        IERC20(feeToken).safeTransferFrom(msg.sender, address(this), fee);
        return IERC20(feeToken).balanceOf(address(this)) - before;
    }

    function _storeJob(uint256 jobId, ICircuitRegistry.Circuit memory c, Request memory req)
        private
        returns (bytes32 dom, bytes32 seed)
    {
        Params storage p = _params;
        if (req.nLeaves == 0 || req.nLeaves > p.maxLeaves) revert ProofMarketInvalidLeafCount(req.nLeaves, p.maxLeaves);
        uint64 minimum = uint64(block.timestamp) + p.taskWindow * uint64(Tasks.height(req.nLeaves) + 2);
        if (req.deadline < minimum) revert ProofMarketInvalidDeadline(req.deadline, minimum);
        JobData storage j = _jobs[jobId];
        j.requester = msg.sender;
        j.status = JobStatus.Open;
        j.mode = Mode.Task;
        j.nLeaves = req.nLeaves;
        j.createdAt = uint64(block.timestamp);
        j.deadline = req.deadline;
        j.stateWidth = uint16(c.stateWidth);
        j.constraints = c.nConstraints;
        j.feeToken = req.feeToken;
        j.circuitId = uint64(req.circuitId);
        j.decider = c.decider;
        j.fee = req.fee;
        j.manifestRoot = req.manifestRoot;
        dom = Fold.domain(block.chainid, address(this), c.r1csHash, c.srsDigest);
        j.domain = dom;
        // Sortition seed: see docs/contracts.md for the grinding caveat of prevrandao/blockhash.
        seed = keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), address(this), jobId));
        j.seed = seed;
    }

    function _emitRequested(uint256 jobId, Request memory req, uint256[] calldata z0, bytes32 dom, bytes32 seed)
        private
    {
        emit JobRequested(
            jobId,
            msg.sender,
            req.circuitId,
            Mode.Task,
            req.nLeaves,
            req.manifestRoot,
            z0,
            req.feeToken,
            req.fee,
            req.deadline,
            dom,
            seed
        );
    }

    function _fixRewards(uint256 jobId, ICircuitRegistry.Circuit memory c, Request memory req) private {
        (uint256 lr, uint256 fr, uint256 dr, uint256 dust) =
            _splitFee(req.fee, req.nLeaves, c.nConstraints, c.deciderConstraints);
        JobData storage j = _jobs[jobId];
        (j.leafReward, j.foldReward, j.decisionReward, j.dust) = (uint128(lr), uint128(fr), uint128(dr), uint128(dust));
        emit RewardsFixed(jobId, lr, fr, dr, dust);
    }

    // ================================================================ task mode

    /// @inheritdoc IProofMarket
    function submitLeaf(
        uint256 jobId,
        uint256 k,
        Bn254.G1Point calldata cmW,
        uint256[] calldata x,
        bytes32[] calldata proof
    ) external {
        JobData storage j = _openTaskJob(jobId);
        uint256 s = _checkLeafShape(jobId, j, k, x);
        uint256 nodeId = (k << 128) | (k + 1);
        Task storage t = _claimTask(jobId, nodeId);
        _nodes[jobId][nodeId] = Tasks.leafDigest(jobId, j.manifestRoot, k, s, cmW, x, proof);
        Bn254.validate(cmW); // after the manifest check (error order); only the digest is computed in Tasks
        _complete(jobId, j, t, nodeId);
        emit LeafSubmitted(jobId, nodeId, msg.sender, cmW, x);
    }

    function _checkLeafShape(uint256 jobId, JobData storage j, uint256 k, uint256[] calldata x)
        private
        view
        returns (uint256 s)
    {
        if (k >= j.nLeaves) revert ProofMarketInvalidNode(jobId, k);
        s = j.stateWidth;
        if (x.length != 2 * s) revert ProofMarketInvalidStateLength(x.length, 2 * s);
        for (uint256 i = 0; i < x.length; ++i) {
            if (x[i] >= Bn254.P) revert ProofMarketScalarNotInField(x[i]);
        }
    }

    /// @inheritdoc IProofMarket
    function submitFold(
        uint256 jobId,
        uint256 nodeId,
        NodeData calldata left,
        NodeData calldata right,
        Bn254.G1Point calldata cmT
    ) external {
        JobData storage j = _openTaskJob(jobId);
        Task storage t = _claimTask(jobId, nodeId);
        (uint256 leftId, uint256 rightId) = Tasks.children(nodeId);
        _checkStored(jobId, leftId, left);
        _checkStored(jobId, rightId, right);
        _foldAndStore(jobId, j, t, nodeId, _load(left), _load(right), cmT);
    }

    /// @dev `node` copied to memory in one allocation (what the generic ABI decoder does, for less gas).
    function _load(NodeData calldata node) private pure returns (NodeData memory m) {
        Instance calldata U = node.instance;
        uint256[] calldata x = U.x;
        uint256[] calldata zIn = node.zIn;
        uint256[] calldata zOut = node.zOut;
        assembly ("memory-safe") {
            m := mload(0x40)
            // m: [instance, zIn, zOut] | U: [cmW, cmE, u, x] | cmW (2) | cmE (2) | x | zIn | zOut
            let u := add(m, 0x60)
            mstore(m, u)
            mstore(u, add(u, 0x80))
            mstore(add(u, 0x20), add(u, 0xc0))
            calldatacopy(add(u, 0x80), U, 0x80)
            mstore(add(u, 0x40), calldataload(add(U, 0x80)))
            let p := add(u, 0x100)
            mstore(add(u, 0x60), p)
            mstore(p, x.length)
            calldatacopy(add(p, 0x20), x.offset, mul(x.length, 0x20))
            p := add(p, add(0x20, mul(x.length, 0x20)))
            mstore(add(m, 0x20), p)
            mstore(p, zIn.length)
            calldatacopy(add(p, 0x20), zIn.offset, mul(zIn.length, 0x20))
            p := add(p, add(0x20, mul(zIn.length, 0x20)))
            mstore(add(m, 0x40), p)
            mstore(p, zOut.length)
            calldatacopy(add(p, 0x20), zOut.offset, mul(zOut.length, 0x20))
            mstore(0x40, add(p, add(0x20, mul(zOut.length, 0x20))))
        }
    }

    /// @inheritdoc IProofMarket
    function submitFolds(uint256 jobId, FoldStep[] calldata steps) external {
        JobData storage j = _openTaskJob(jobId);
        uint256[] memory ids = new uint256[](steps.length);
        NodeData[] memory done = new NodeData[](steps.length);
        for (uint256 i = 0; i < steps.length; ++i) {
            FoldStep calldata st = steps[i];
            Task storage t = _claimTask(jobId, st.nodeId);
            (uint256 leftId, uint256 rightId) = Tasks.children(st.nodeId);
            NodeData memory l;
            NodeData memory r;
            if (st.fromBatch & 1 != 0) {
                l = _fromBatch(ids, done, i, leftId);
            } else {
                _checkStored(jobId, leftId, st.left);
                l = st.left;
            }
            if (st.fromBatch & 2 != 0) {
                r = _fromBatch(ids, done, i, rightId);
            } else {
                _checkStored(jobId, rightId, st.right);
                r = st.right;
            }
            ids[i] = st.nodeId;
            done[i] = _foldAndStore(jobId, j, t, st.nodeId, l, r, st.cmT);
        }
    }

    /// @inheritdoc IProofMarket
    function submitDecision(uint256 jobId, NodeData calldata root, DeciderProof calldata proof)
        external
        nonReentrant
    {
        JobData storage j = _openTaskJob(jobId);
        if (j.openDisputes != 0) revert ProofMarketDisputesPending(jobId, j.openDisputes);
        Task storage t = _tasks[jobId][DECISION_TASK];
        if (t.worker != msg.sender) revert ProofMarketNotAssignee(jobId, DECISION_TASK, msg.sender, t.worker);
        uint256 rootId = uint256(j.nLeaves);
        _checkStored(jobId, rootId, root);
        if (!IDeciderVerifier(j.decider).verifyDecider(root.instance, proof)) {
            revert ProofMarketDeciderRejected(jobId, rootId);
        }
        t.state = TaskState.Done;
        j.status = JobStatus.Verified;
        address requester = j.requester;
        emit JobVerified(jobId, msg.sender, root.zOut);
        _credit(requester, j.feeToken, jobId, 0, j.dust, "dust");
        _callback(jobId, requester, root.zOut);
    }

    // ================================================================ bundle mode

    /// @inheritdoc IProofMarket
    function submitBundle(
        uint256 circuitId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        DeciderProof calldata proof
    ) external nonReentrant returns (uint256) {
        uint256 n = cmW.length;
        if (n == 0 || cmT.length != n - 1) revert ProofMarketInvalidBundle();
        BundleJob memory b = _createBundleJob(circuitId, states, n);
        Instance memory U = Bundle.foldTree(b.domain, b.s, states, cmW, cmT);
        if (!IDeciderVerifier(b.decider).verifyDecider(U, proof)) revert ProofMarketDeciderRejected(b.jobId, n);
        uint256[] memory zN = states[n * b.s:];
        emit JobVerified(b.jobId, msg.sender, zN);
        _callback(b.jobId, msg.sender, zN);
        return b.jobId;
    }

    struct BundleJob {
        uint256 jobId;
        bytes32 domain;
        address decider;
        uint256 s;
    }

    function _createBundleJob(uint256 circuitId, uint256[] calldata states, uint256 n)
        private
        returns (BundleJob memory bj)
    {
        ICircuitRegistry.Circuit memory c = circuits.getCircuit(circuitId);
        uint256 s = c.stateWidth;
        if (n == 0 || n > type(uint32).max || states.length != (n + 1) * s) revert ProofMarketInvalidBundle();
        for (uint256 i = 0; i < states.length; ++i) {
            if (states[i] >= Bn254.P) revert ProofMarketScalarNotInField(states[i]);
        }
        uint256 jobId = ++jobCount;
        JobData storage j = _jobs[jobId];
        j.requester = msg.sender;
        j.status = JobStatus.Verified;
        j.mode = Mode.Bundle;
        j.nLeaves = uint32(n);
        j.circuitId = uint64(circuitId);
        bytes32 dom = Fold.domain(block.chainid, address(this), c.r1csHash, c.srsDigest);
        bj = BundleJob(jobId, dom, c.decider, s);
        _emitBundleRequested(jobId, circuitId, n, keccak256(abi.encodePacked(states)), states[:s], dom);
    }

    function _emitBundleRequested(
        uint256 jobId,
        uint256 circuitId,
        uint256 n,
        bytes32 manifestRoot,
        uint256[] calldata z0,
        bytes32 dom
    ) private {
        emit JobRequested(
            jobId, msg.sender, circuitId, Mode.Bundle, uint32(n), manifestRoot, z0, address(0), 0, 0, dom, bytes32(0)
        );
    }

    // ================================================================ liveness and disputes

    /// @inheritdoc IProofMarket
    function reclaim(uint256 jobId, uint256 taskId) external nonReentrant {
        JobData storage j = _openTaskJob(jobId);
        Task storage t = _tasks[jobId][taskId];
        if (t.state == TaskState.None) revert ProofMarketInvalidNode(jobId, taskId);
        if (t.state != TaskState.Assigned || (taskId != DECISION_TASK && _done(_nodes[jobId][taskId]))) {
            revert ProofMarketTaskDone(jobId, taskId);
        }
        if (block.timestamp <= t.deadline) revert ProofMarketNotExpired(jobId, taskId, t.deadline);
        if (!registry.isEligible(msg.sender, j.constraints)) revert ProofMarketNotStaked(msg.sender);
        address previous = t.worker;
        if (previous == msg.sender) revert ProofMarketSelfAction(msg.sender);
        if (!_ready(jobId, j, taskId)) revert ProofMarketTaskNotReady(jobId, taskId);
        uint64 deadline = uint64(block.timestamp) + _params.taskWindow;
        t.worker = msg.sender;
        t.deadline = deadline;
        uint256 bond = registry.slash(previous, _params.livenessBond, msg.sender, "liveness");
        emit TaskReclaimed(jobId, taskId, msg.sender, previous, bond, deadline);
        emit TaskAssigned(jobId, taskId, msg.sender, Tasks.kind(taskId), deadline);
    }

    /// @inheritdoc IProofMarket
    function dispute(uint256 jobId, uint256 nodeId) external nonReentrant {
        JobData storage j = _openTaskJob(jobId);
        if (nodeId == DECISION_TASK) revert ProofMarketInvalidNode(jobId, nodeId);
        Task storage t = _tasks[jobId][nodeId];
        if (t.state == TaskState.None) revert ProofMarketInvalidNode(jobId, nodeId);
        if (!_done(_nodes[jobId][nodeId])) revert ProofMarketTaskNotReady(jobId, nodeId);
        Dispute storage d = _disputes[jobId][nodeId];
        if (d.challenger != address(0)) revert ProofMarketDisputeState(jobId, nodeId);
        if (!registry.isStaked(msg.sender)) revert ProofMarketNotStaked(msg.sender);
        if (t.worker == msg.sender) revert ProofMarketSelfAction(msg.sender);
        uint256 bond = _params.disputeBond;
        uint64 answerDeadline = uint64(block.timestamp) + _params.disputeWindow;
        d.challenger = msg.sender;
        d.answerDeadline = answerDeadline;
        d.bond = bond;
        j.openDisputes += 1;
        emit DisputeOpened(jobId, nodeId, msg.sender, t.worker, bond, answerDeadline);
        if (bond > 0) _stakeToken.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @inheritdoc IProofMarket
    function answerDispute(uint256 jobId, uint256 nodeId, NodeData calldata node, DeciderProof calldata proof)
        external
        nonReentrant
    {
        JobData storage j = _jobs[jobId];
        Dispute memory d = _disputes[jobId][nodeId];
        if (d.challenger == address(0)) revert ProofMarketDisputeState(jobId, nodeId);
        _checkStored(jobId, nodeId, node);
        if (!IDeciderVerifier(j.decider).verifyDecider(node.instance, proof)) {
            revert ProofMarketDeciderRejected(jobId, nodeId);
        }
        address submitter = _tasks[jobId][nodeId].worker;
        delete _disputes[jobId][nodeId];
        j.openDisputes -= 1;
        emit DisputeResolved(jobId, nodeId, d.challenger, submitter, false, false, 0);
        _credit(submitter, address(_stakeToken), jobId, nodeId, d.bond, "bond");
    }

    /// @inheritdoc IProofMarket
    function resolveDispute(uint256 jobId, uint256 nodeId) external nonReentrant {
        JobData storage j = _jobs[jobId];
        bytes32 seed = keccak256(abi.encode(j.seed, block.prevrandao, block.number, nodeId));
        j.openDisputes -= Tasks.resolveDispute(
            _tasks[jobId],
            _nodes[jobId],
            _disputes[jobId],
            _claimable,
            Tasks.Ctx(jobId, seed, j.constraints, _params.taskWindow, registry, address(0), address(_stakeToken)),
            j.nLeaves,
            nodeId,
            _params.disputeSlash
        );
    }

    // ================================================================ closing

    /// @inheritdoc IProofMarket
    function cancel(uint256 jobId) external nonReentrant {
        JobData storage j = _openTaskJob(jobId);
        if (msg.sender != j.requester) revert ProofMarketNotRequester(jobId, msg.sender);
        if (j.openDisputes != 0) revert ProofMarketDisputesPending(jobId, j.openDisputes);
        j.status = JobStatus.Cancelled;
        uint256 refund = _refund(jobId, j);
        emit JobCancelled(jobId, refund);
        _credit(j.requester, j.feeToken, jobId, 0, refund, "refund");
    }

    /// @inheritdoc IProofMarket
    function expire(uint256 jobId) external nonReentrant {
        JobData storage j = _openTaskJob(jobId);
        if (block.timestamp <= j.deadline) revert ProofMarketJobNotExpired(jobId, j.deadline);
        if (j.openDisputes != 0) revert ProofMarketDisputesPending(jobId, j.openDisputes);
        j.status = JobStatus.Expired;
        uint256 refund = _refund(jobId, j);
        emit JobExpired(jobId, refund);
        _credit(j.requester, j.feeToken, jobId, 0, refund, "refund");
    }

    // ================================================================ governance

    /// @inheritdoc IProofMarket
    function setParams(Params calldata p) external onlyOwner {
        _setParams(p);
    }

    // ================================================================ internal: tasks

    function _openTaskJob(uint256 jobId) private view returns (JobData storage j) {
        j = _jobs[jobId];
        if (j.status != JobStatus.Open) {
            if (j.status == JobStatus.None) revert ProofMarketUnknownJob(jobId);
            revert ProofMarketJobNotOpen(jobId, j.status);
        }
    }

    /// @dev Requires the caller to be the assignee of an assigned (not done) task.
    function _claimTask(uint256 jobId, uint256 taskId) private view returns (Task storage t) {
        t = _tasks[jobId][taskId];
        TaskState st = t.state;
        if (st != TaskState.Assigned) {
            if (st == TaskState.None || taskId == DECISION_TASK) revert ProofMarketInvalidNode(jobId, taskId);
            revert ProofMarketTaskDone(jobId, taskId);
        }
        if (_done(_nodes[jobId][taskId])) revert ProofMarketTaskDone(jobId, taskId);
        if (t.worker != msg.sender) revert ProofMarketNotAssignee(jobId, taskId, msg.sender, t.worker);
    }

    /// @dev Marks a leaf or fold task done; a late submission extends the parent task's deadline so its
    ///      assignee always gets a full window after both children are in.
    function _complete(uint256 jobId, JobData storage j, Task storage t, uint256 nodeId) private {
        if (block.timestamp > t.deadline) {
            uint256 parent = Tasks.parent(j.nLeaves, nodeId);
            Task storage pt = _tasks[jobId][parent];
            uint64 extended = uint64(block.timestamp) + _params.taskWindow;
            if (pt.deadline < extended) {
                pt.deadline = extended;
                emit TaskDeadlineExtended(jobId, parent, extended);
            }
        }
    }

    function _foldAndStore(
        uint256 jobId,
        JobData storage j,
        Task storage t,
        uint256 nodeId,
        NodeData memory left,
        NodeData memory right,
        Bn254.G1Point memory cmT
    ) private returns (NodeData memory parent) {
        uint256 s = left.zOut.length;
        for (uint256 i = 0; i < s; ++i) {
            if (left.zOut[i] != right.zIn[i]) revert ProofMarketDiscontinuity(jobId, nodeId);
        }
        uint256 r = Fold.challenge(j.domain, jobId, nodeId, left.instance, right.instance, cmT);
        parent = NodeData(Fold.fold(left.instance, right.instance, cmT, r), left.zIn, right.zOut);
        _nodes[jobId][nodeId] = _digestMem(parent);
        _complete(jobId, j, t, nodeId);
        _emitFolded(jobId, nodeId, cmT, r, parent);
    }

    /// @dev `emit FoldSubmitted(jobId, nodeId, msg.sender, cmT, r, U, zIn, zOut)` with the data written by hand
    ///      (the same ABI bytes; cheaper than the generic encoder for a memory struct with a dynamic member).
    function _emitFolded(uint256 jobId, uint256 nodeId, Bn254.G1Point memory cmT, uint256 r, NodeData memory node)
        private
    {
        bytes32 topic = FoldSubmitted.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(cmT))
            mstore(add(m, 0x20), mload(add(cmT, 0x20)))
            mstore(add(m, 0x40), r)
            mstore(add(m, 0x60), 0xc0)
            // data[0xc0..]: U = (cmW, cmE, u, 0xc0, len, x...)
            let U := mload(node)
            let q := mload(U)
            mstore(add(m, 0xc0), mload(q))
            mstore(add(m, 0xe0), mload(add(q, 0x20)))
            q := mload(add(U, 0x20))
            mstore(add(m, 0x100), mload(q))
            mstore(add(m, 0x120), mload(add(q, 0x20)))
            mstore(add(m, 0x140), mload(add(U, 0x40)))
            mstore(add(m, 0x160), 0xc0)
            q := mload(add(U, 0x60))
            let len := add(mul(mload(q), 0x20), 0x20)
            mcopy(add(m, 0x180), q, len)
            let o := add(0x180, len)
            mstore(add(m, 0x80), o)
            q := mload(add(node, 0x20))
            len := add(mul(mload(q), 0x20), 0x20)
            mcopy(add(m, o), q, len)
            o := add(o, len)
            mstore(add(m, 0xa0), o)
            q := mload(add(node, 0x40))
            len := add(mul(mload(q), 0x20), 0x20)
            mcopy(add(m, o), q, len)
            log4(m, add(o, len), topic, jobId, nodeId, caller())
        }
    }

    function _fromBatch(uint256[] memory ids, NodeData[] memory done, uint256 upTo, uint256 id)
        private
        pure
        returns (NodeData memory)
    {
        for (uint256 i = upTo; i > 0; --i) {
            if (ids[i - 1] == id) return done[i - 1];
        }
        revert ProofMarketBatchChildMissing(id);
    }

    function _checkStored(uint256 jobId, uint256 nodeId, NodeData calldata node) private view {
        bytes32 stored = _nodes[jobId][nodeId];
        if (!_done(stored)) revert ProofMarketTaskNotReady(jobId, nodeId);
        if (stored != _digest(node.instance, node.zIn, node.zOut)) revert ProofMarketNodeMismatch(jobId, nodeId);
    }

    /// @dev Whether the inputs of a task are in: always for leaves, both children for folds, the root for
    ///      the decision.
    function _ready(uint256 jobId, JobData storage j, uint256 taskId) private view returns (bool) {
        if (taskId == DECISION_TASK) return _done(_nodes[jobId][uint256(j.nLeaves)]);
        (uint256 a, uint256 c) = Tasks.range(taskId);
        if (c - a == 1) return true;
        (uint256 l, uint256 r) = Tasks.children(taskId);
        return _done(_nodes[jobId][l]) && _done(_nodes[jobId][r]);
    }

    /// @dev Fee minus the rewards of the done tasks (their workers can release them).
    function _refund(uint256 jobId, JobData storage j) private view returns (uint256) {
        (uint256 leaves, uint256 folds) = Tasks.countDone(_nodes[jobId], j.nLeaves);
        return j.fee - leaves * j.leafReward - folds * j.foldReward;
    }

    /// @inheritdoc RewardSplitter
    function _releaseTask(uint256 jobId, uint256 taskId)
        internal
        override
        returns (address worker, address token, uint256 amount)
    {
        JobData storage j = _jobs[jobId];
        Task storage t = _tasks[jobId][taskId];
        bool done = taskId == DECISION_TASK
            ? t.state == TaskState.Done
            : t.state == TaskState.Assigned && _done(_nodes[jobId][taskId]);
        if (j.status == JobStatus.None || j.status == JobStatus.Open || !done) {
            revert RewardSplitterNotReleasable(jobId, taskId);
        }
        t.state = TaskState.Paid;
        worker = t.worker;
        token = j.feeToken;
        TaskKind kind = Tasks.kind(taskId);
        amount = kind == TaskKind.Leaf ? j.leafReward : kind == TaskKind.Fold ? j.foldReward : j.decisionReward;
    }

    // ================================================================ internal: callback

    /// @dev Calls the requester's {IProofConsumer.onProofVerified} with `callbackGasLimit` gas if it has code.
    ///      The caller must leave enough gas for the full cap (EIP-150 forwards at most 63/64), so a
    ///      submitter cannot starve the callback; a revert or out-of-gas in the callback is only reported.
    ///      No return data is copied (no return-bomb).
    function _callback(uint256 jobId, address requester, uint256[] memory zOut) private {
        if (requester.code.length == 0) return;
        uint256 cap = _params.callbackGasLimit;
        uint256 needed = cap + cap / 63 + 5000;
        if (gasleft() < needed) revert ProofMarketCallbackGas(gasleft(), needed);
        bytes memory data = abi.encodeCall(IProofConsumer.onProofVerified, (jobId, zOut));
        bool ok;
        assembly ("memory-safe") {
            ok := call(cap, requester, 0, add(data, 0x20), mload(data), 0, 0)
        }
        emit CallbackResult(jobId, requester, ok);
    }

    // ================================================================ internal: tree and hashing

    function _setParams(Params memory p) private {
        if (p.taskWindow == 0 || p.disputeWindow == 0 || p.maxLeaves == 0 || p.maxLeaves > 4096) {
            revert ProofMarketInvalidParams();
        }
        _params = p;
        emit ParamsSet(p);
    }

    function _digest(Instance calldata U, uint256[] calldata zIn, uint256[] calldata zOut)
        private
        pure
        returns (bytes32)
    {
        return Fold.digestCalldata(Fold.hashCalldata(U), zIn, zOut);
    }

    /// @dev A node word is 0 (no such node), {Tasks.PENDING} (assigned, not done) or a digest (done).
    function _done(bytes32 word) private pure returns (bool) {
        return uint256(word) > 1;
    }

    function _digestMem(NodeData memory node) private pure returns (bytes32) {
        return Fold.digest(Fold.hash(node.instance), node.zIn, node.zOut);
    }
}
