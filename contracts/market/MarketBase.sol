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
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {Bn254} from "../libraries/Bn254.sol";
import {Bundle} from "../libraries/Bundle.sol";
import {Fold} from "../libraries/Fold.sol";
import {RewardSplitter} from "../RewardSplitter.sol";
import {Chunks} from "./Chunks.sol";

/// @title MarketBase
/// @notice Storage and internal logic shared by {Market} (the facade users call) and {MarketExtension} (its
///         extension, run by delegatecall on the market's storage). Split so that each has headroom under
///         the 24,576-byte limit (docs/contracts.md "Market v2").
abstract contract MarketBase is IMarketTypes, RewardSplitter {
    using SafeERC20 for IERC20;

    /// @dev The decision's task id.
    uint256 internal constant DECISION = type(uint256).max;
    /// @dev EIP-2935 block hash history (8191 blocks), read when `blockhash` is out of its 256-block range.
    address internal constant HISTORY = 0x0000F90827F1C53a10cb7A02335B175320002935;
    /// @dev Where burned slashes are credited (never claimable by anyone).
    address internal constant BURN = 0x000000000000000000000000000000000000dEaD;
    uint256 internal constant MAX_LEAVES = 1 << 16;
    /// @dev Bound of each work weight (a ratio of at most 10⁶ between two kinds of work).
    uint256 internal constant MAX_WEIGHT = 1e6;
    /// @dev The liveness bond and the dispute slash are at most this many minimum stakes.
    uint256 internal constant MAX_SLASH_STAKES = 10;

    struct JobData {
        // slot 0
        address requester;
        JobStatus status;
        uint8 chunkLog;
        uint32 nLeaves;
        uint16 openDisputes;
        uint16 stateWidth;
        // slot 1
        address feeToken;
        uint32 deadline;
        uint32 createdAt;
        uint32 paramsId;
        // slot 2
        uint128 fee;
        uint64 circuitId;
        uint64 requestBlock;
        // slot 3
        bytes32 manifestRoot;
        // slot 4 (first write at the first submission or dispute)
        uint128 owed;
        uint40 disputeClearedAt;
        uint40 disputeClearedBlock;
    }

    /// @dev What a job reads of its circuit, copied from the (immutable) CircuitRegistry record at the first
    ///      request of the circuit: the request then writes 4 words, and reads 1.
    struct CircuitData {
        address decider;
        uint40 constraints;
        uint40 deciderConstraints;
        uint16 stateWidth;
        bytes32 domain;
    }

    /// @dev Info word of a task: submitter (done) | at | block | flags | slashed attempts. With no submitter
    ///      and `at != 0` it records a reset (the task is available again from `at`/`block`).
    struct Info {
        address submitter;
        uint40 at;
        uint40 blk;
        bool paid;
        uint8 slashedUpTo;
    }

    IProverRegistry public immutable registry;
    ICircuitRegistry public immutable circuits;
    IERC20 internal immutable _stakeToken;

    uint256 public jobCount;
    uint32 public paramsCount;
    mapping(uint32 => Params) internal _params;
    mapping(uint256 => JobData) internal _jobs;
    mapping(uint256 => mapping(uint256 => bytes32)) internal _nodes;
    mapping(uint256 => mapping(uint256 => Info)) internal _info;
    mapping(uint256 => mapping(uint256 => address)) internal _challenger;
    mapping(uint256 => mapping(uint256 => uint64)) internal _answerBy;
    mapping(uint256 => CircuitData) internal _circuitData;
    /// @dev The work weights of each parameter set (the weights in force when it was added): a job's rewards use
    ///      its own set's, so {setWeights} (which adds a parameter set) never reprices an open job.
    mapping(uint32 => Weights) internal _weightsOf;
    /// @dev Optimistic bundles (MarketDisputes.proposeBundle): each proposal's commitments and bond.
    mapping(uint256 => BundleRecord) internal _bundles;
    /// @dev Challenge window (s) and bond (wei per leaf) for new proposals; 0 means the defaults below.
    uint64 internal _bundleWindow;
    uint96 internal _bundleBondPerLeaf;

    /// @dev A proposed bundle: `keccak256(abi.encode(BundleData))`, `keccak256(abi.encode(z_N))`, the bond (wei).
    struct BundleRecord {
        bytes32 dataHash;
        bytes32 zNHash;
        uint256 bond;
    }

    uint64 internal constant DEFAULT_BUNDLE_WINDOW = 1 hours;
    uint96 internal constant DEFAULT_BUNDLE_BOND_PER_LEAF = 1e15;

    constructor(IProverRegistry registry_, ICircuitRegistry circuits_, Weights memory weights_, address owner_)
        Ownable(owner_)
        RewardSplitter(weights_)
    {
        registry = registry_;
        circuits = circuits_;
        _stakeToken = IERC20(registry_.stakeToken());
    }

    /// @dev The optimistic bundle parameters in force (the defaults until the owner sets them).
    function _bundleParams() internal view returns (uint64 window, uint96 bondPerLeaf) {
        window = _bundleWindow;
        if (window == 0) return (DEFAULT_BUNDLE_WINDOW, DEFAULT_BUNDLE_BOND_PER_LEAF);
        bondPerLeaf = _bundleBondPerLeaf;
    }

    function _emitRequested(uint256 jobId, Request calldata q, uint256 bond, bytes32 dom, uint32 pid) internal {
        emit JobRequested(
            jobId, msg.sender, q.circuitId, q.nLeaves, q.chunkLog, q.manifestRoot, q.z0, q.feeToken, q.fee, bond, q.deadline, dom, pid
        );
    }

    /// @dev Takes fee + bond (ETH as `msg.value`; a token: the amount received must be exact).
    function _escrow(address token, uint256 fee, Params storage p, JobData storage j) internal returns (uint256 bond) {
        bond = fee * p.requesterBondBps / 10_000;
        uint256 total = fee + bond;
        if (fee > type(uint128).max || bond > type(uint128).max) revert MarketInvalidFee(fee, msg.value);
        if (token == address(0)) {
            if (msg.value != total) revert MarketInvalidFee(fee, msg.value);
        } else {
            if (msg.value != 0) revert MarketInvalidFee(fee, msg.value);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), total);
            if (IERC20(token).balanceOf(address(this)) - before != total) revert MarketInvalidFee(fee, 0);
        }
        j.fee = uint128(fee);
    }

    /// @dev The requester bond, `fee · requesterBondBps / 10⁴` of the job's (immutable) parameter set.
    function _bond(JobData storage j) internal view returns (uint256) {
        return uint256(j.fee) * _params[j.paramsId].requesterBondBps / 10_000;
    }

    /// @dev The job's circuit record.
    function _circ(JobData storage j) internal view returns (CircuitData storage) {
        return _circuitData[j.circuitId];
    }

    /// @dev The circuit's record, copied from the registry at its first use here (registry records never change).
    function _circuitOf(uint256 circuitId) internal returns (CircuitData storage cd) {
        cd = _circuitData[circuitId];
        if (cd.decider != address(0)) return cd;
        ICircuitRegistry.Circuit memory c = circuits.getCircuit(circuitId);
        if (c.nConstraints > type(uint40).max || c.deciderConstraints > type(uint40).max) revert MarketInvalidShape(0, 0);
        cd.decider = c.decider;
        cd.constraints = uint40(c.nConstraints);
        cd.deciderConstraints = uint40(c.deciderConstraints);
        cd.stateWidth = uint16(c.stateWidth);
        cd.domain = Fold.domain(block.chainid, address(this), c.r1csHash, c.srsDigest);
    }

    /// @dev The fee must reach `minFee` and pay every task at least 1 (the smallest task is a merge or a
    ///      one-leaf chunk: `min(units)` ≥ merge units).
    function _checkFee(JobData storage j, uint256 fee, uint256 minFee) internal view {
        uint256 smallest = _mergeUnits(j);
        uint256 d = _decisionUnits(j);
        if (d < smallest) smallest = d;
        if (fee < minFee || fee == 0 || _reward(j, smallest) == 0) revert MarketInvalidFee(fee, msg.value);
    }

    /// @dev The settlement seam: checks the chunk's shape and manifest subtree, folds it (Chunks.foldChunk:
    ///      batched, transcript v2; merges above chunks fold stored instances under transcript v1, {_foldPair}).
    function _verifyChunk(uint256 jobId, JobData storage j, uint256 taskId, Chunk calldata ch)
        internal
        view
        returns (Instance memory)
    {
        _checkChunk(jobId, j, taskId, ch);
        return Chunks.foldChunk(_circ(j).domain, jobId, j.stateWidth, taskId, ch.states, ch.cmW, ch.cmT);
    }

    function _checkChunk(uint256 jobId, JobData storage j, uint256 taskId, Chunk calldata ch) internal view {
        (uint256 a, uint256 c) = _range(taskId);
        uint256 s = j.stateWidth;
        uint256 m = c - a;
        if (ch.states.length != (m + 1) * s || ch.cmW.length != m || ch.cmT.length != m - 1) revert MarketInvalidBatch();
        for (uint256 i = 0; i < ch.states.length; ++i) {
            if (ch.states[i] >= Bn254.P) revert MarketScalarNotInField(ch.states[i]);
        }
        bytes32 sub = Chunks.segmentsRoot(s, a, ch.states);
        if (!MerkleProof.verifyCalldata(ch.proof, j.manifestRoot, sub)) revert MarketManifestMismatch(jobId, taskId);
    }

    /// @dev Checks the stored children and their continuity, folds them.
    function _merge(
        uint256 jobId,
        JobData storage j,
        uint256 taskId,
        NodeData calldata left,
        NodeData calldata right,
        Bn254.G1Point calldata cmT
    ) internal view returns (Instance memory) {
        (uint256 l, uint256 r) = _children(taskId);
        _checkStored(jobId, l, left);
        _checkStored(jobId, r, right);
        for (uint256 i = 0; i < left.zOut.length; ++i) {
            if (left.zOut[i] != right.zIn[i]) revert MarketDiscontinuity(jobId, taskId);
        }
        return _foldPair(_circ(j).domain, jobId, taskId, left.instance, right.instance, cmT);
    }

    function _foldPair(
        bytes32 dom,
        uint256 jobId,
        uint256 taskId,
        Instance memory L,
        Instance memory R,
        Bn254.G1Point memory T
    ) internal view returns (Instance memory) {
        return Fold.fold(L, R, T, Fold.challenge(dom, jobId, taskId, L, R, T));
    }

    function _emitBundle(BundleJob memory b, uint256 circuitId, uint256[] calldata states, uint256 n)
        internal
        returns (uint256[] memory zN)
    {
        zN = states[n * b.s:];
        uint256[] memory z0 = states[:b.s];
        emit BundleVerified(b.jobId, msg.sender, circuitId, uint32(n), keccak256(abi.encodePacked(states)), z0, zN, b.domain);
        emit JobVerified(b.jobId, msg.sender, zN);
    }

    struct BundleJob {
        uint256 jobId;
        bytes32 domain;
        address decider;
        uint256 s;
    }

    /// @dev A bundle's job record: one word (requester, Verified, N).
    function _bundleJob(uint256 circuitId, uint256[] calldata states, uint256 n) internal returns (BundleJob memory b) {
        CircuitData storage c = _circuitOf(circuitId);
        uint256 s = c.stateWidth;
        if (states.length != (n + 1) * s) revert MarketInvalidBatch();
        for (uint256 i = 0; i < states.length; ++i) {
            if (states[i] >= Bn254.P) revert MarketScalarNotInField(states[i]);
        }
        uint256 jobId = ++jobCount;
        JobData storage j = _jobs[jobId];
        j.requester = msg.sender;
        j.status = JobStatus.Verified;
        j.nLeaves = uint32(n);
        b = BundleJob(jobId, c.domain, c.decider, s);
    }

    /// @dev Slashes the assignees of attempts `slashedUpTo..attempt−1` (never `keep`, the submitter), to `keep`
    ///      (or burned when none). At most 255 attempts are tracked.
    function _slashMissed(uint256 jobId, JobData storage j, uint256 taskId, uint64 blk, uint32 attempt, address keep)
        internal
    {
        Info storage info = _info[jobId][taskId];
        uint256 from = info.slashedUpTo;
        if (attempt > 255) attempt = 255;
        if (from >= attempt) return;
        info.slashedUpTo = uint8(attempt);
        uint256 bond = _params[j.paramsId].livenessBond;
        address to = keep == address(0) ? BURN : keep;
        // Every missed attempt's assignee is drawn before the first slash: a slash changes the stake weights,
        // and drawing later attempts after it could name a prover that was never drawn for them.
        address[] memory late = new address[](attempt - from);
        for (uint256 a = from; a < attempt; ++a) {
            late[a - from] = _assignee(jobId, j, taskId, blk, uint32(a));
        }
        for (uint256 a = from; a < attempt; ++a) {
            address who = late[a - from];
            if (who == keep) continue;
            uint256 slashed = registry.slash(who, bond, to, "liveness");
            emit AttemptMissed(jobId, taskId, who, uint32(a), slashed, to);
        }
    }

    /// @dev Slashes the submitter to the market: `burnBps` burned; of the rest, half shared by the workers of
    ///      the reset valid ancestors (if any), the remainder to the challenger (returned as `reward`).
    function _slashAndReset(uint256 jobId, JobData storage j, uint256 nodeId, address submitter)
        internal
        returns (uint256 slashed, uint256 burned, uint256 reward)
    {
        Params storage p = _params[j.paramsId];
        slashed = registry.slash(submitter, p.disputeSlash, address(this), "dispute");
        burned = slashed * p.burnBps / 10_000;
        _credit(BURN, address(_stakeToken), jobId, nodeId, burned, "burn");
        (address[] memory paid, uint256 nPaid) = _resetPath(jobId, j, nodeId, submitter, p.disputeBond);
        uint256 comp = nPaid == 0 ? 0 : ((slashed - burned) / 2) / nPaid;
        for (uint256 i = 0; i < nPaid; ++i) {
            _credit(paid[i], address(_stakeToken), jobId, 0, comp, "reset");
        }
        reward = slashed - burned - comp * nPaid;
    }

    /// @dev Resets the node and its stored ancestors (closing their disputes, bonds refunded); returns the
    ///      workers of reset ancestors other than the slashed submitter (they share half the rest of the slash).
    function _resetPath(uint256 jobId, JobData storage j, uint256 nodeId, address submitter, uint256 bond)
        internal
        returns (address[] memory paid, uint256 nPaid)
    {
        uint256[] memory path = _pathTo(j.nLeaves, nodeId);
        paid = new address[](path.length);
        for (uint256 i = path.length; i > 0; --i) {
            uint256 id = path[i - 1];
            if (_nodes[jobId][id] == bytes32(0)) continue;
            address prev = _reset(jobId, j, id);
            if (id == nodeId) continue;
            if (prev != submitter) paid[nPaid++] = prev;
            address other = _challenger[jobId][id];
            if (other != address(0)) {
                _closeDispute(jobId, j, id);
                emit DisputeResolved(jobId, id, other, prev, false, true, 0, 0, 0);
                _credit(other, address(_stakeToken), jobId, id, bond, "bond");
            }
        }
    }

    /// @dev Clears a dispute; the decision's window restarts when the last one closes.
    function _closeDispute(uint256 jobId, JobData storage j, uint256 nodeId) internal {
        delete _challenger[jobId][nodeId];
        delete _answerBy[jobId][nodeId];
        j.openDisputes -= 1;
        j.disputeClearedAt = uint40(block.timestamp);
        j.disputeClearedBlock = uint40(block.number);
    }

    /// @dev Erases a stored node: it is available again from this block (a new draw from a later block).
    ///      A dispute opened before the deadline may be resolved after the job closed (expired or voided, whose
    ///      refund counted this node's reward as owed): that reward, never to be earned now, goes to the
    ///      requester. A node already paid (released after the close) keeps its payment and changes nothing.
    function _reset(uint256 jobId, JobData storage j, uint256 id) internal returns (address prev) {
        Info storage info = _info[jobId][id];
        prev = info.submitter;
        bool paid = info.paid;
        delete _nodes[jobId][id];
        _info[jobId][id] = Info(address(0), uint40(block.timestamp), uint40(block.number), false, 0);
        if (!paid) {
            uint256 r = _reward(j, _units(j, id));
            j.owed -= uint128(r);
            if (j.status != JobStatus.Open) _credit(j.requester, j.feeToken, jobId, 0, r, "refund");
        }
        emit NodeReset(jobId, id, prev, 0, uint64(block.number));
    }

    function _impossible(
        JobData storage j,
        uint8 reason,
        uint256 index,
        Segment[] calldata segs,
        Instance calldata leaf,
        DeciderProof calldata proof
    ) internal view returns (bool) {
        Chunks.Job memory cj = Chunks.Job(j.manifestRoot, j.stateWidth, j.nLeaves, _circ(j).decider);
        return Chunks.impossible(cj, reason, index, segs, leaf, proof);
    }

    /// @dev Bounds every field (`minStake`: the registry's): windows, durations and shares within fixed ranges; the
    ///      liveness bond and the dispute slash at most {MAX_SLASH_STAKES} minimum stakes (a prover's exposure per
    ///      missed window or lost dispute is bounded by what it staked to be drawn); the dispute bond at most the slash;
    ///      the work weights in force (which the set takes) in [1, {MAX_WEIGHT}].
    function _setParams(Params memory p, uint256 minStake) internal {
        if (
            p.livenessBond == 0 || p.livenessBond > MAX_SLASH_STAKES * minStake
                || p.disputeSlash > MAX_SLASH_STAKES * minStake
        ) revert MarketInvalidParams();
        Weights memory w = weights;
        if (w.leaf > MAX_WEIGHT || w.fold > MAX_WEIGHT || w.decision > MAX_WEIGHT) revert RewardSplitterInvalidWeights();
        if (
            p.window < 60 || p.window > 7 days || p.disputeWindow < 60 || p.disputeWindow > 7 days
                || p.maxJobDuration < p.window * 4 || p.maxJobDuration > 90 days || p.burnBps < 5000
                || p.burnBps > 10_000 || p.requesterBondBps > 10_000 || p.callbackGasLimit > 2_000_000
                || p.disputeSlash < p.disputeBond
        ) revert MarketInvalidParams();
        uint32 id = ++paramsCount;
        _params[id] = p;
        _weightsOf[id] = weights;
        emit ParamsSet(id, p);
    }

    // ================================================================ internal: tasks

    function _open(uint256 jobId) internal view returns (JobData storage j) {
        j = _jobs[jobId];
        if (j.status != JobStatus.Open) {
            if (j.status == JobStatus.None) revert MarketUnknownJob(jobId);
            revert MarketJobNotOpen(jobId, j.status);
        }
    }

    /// @dev Requires the task to be available, not done, and the caller to be the running attempt's
    ///      assignee; slashes the assignees of the missed attempts to the caller. Returns the attempt.
    function _claim(uint256 jobId, JobData storage j, uint256 taskId) internal returns (uint32 attempt) {
        _beforeDeadline(jobId, j);
        if (_info[jobId][taskId].submitter != address(0)) revert MarketTaskDone(jobId, taskId);
        (bool ready, uint64 at, uint64 blk) = _availability(jobId, j, taskId);
        if (!ready || blk + 1 >= block.number) revert MarketTaskNotReady(jobId, taskId);
        attempt = uint32((block.timestamp - at) / _params[j.paramsId].window);
        address assignee = _assignee(jobId, j, taskId, blk, attempt);
        if (assignee != msg.sender) revert MarketNotAssignee(jobId, taskId, msg.sender, assignee);
        if (attempt > 0) _slashMissed(jobId, j, taskId, blk, attempt, msg.sender);
    }

    /// @dev A job draws (submissions, liveness slashes, disputes) only until its deadline, which {requestProof} keeps
    ///      before the end of the unbonding delay: a prover in any of its snapshots that unstakes later still has
    ///      unbonding stake for every slash of the job (docs/contracts.md "Draws over stake snapshots").
    function _beforeDeadline(uint256 jobId, JobData storage j) internal view {
        if (block.timestamp > j.deadline) revert MarketPastDeadline(jobId, j.deadline);
    }

    /// @dev Stores a done node and adds its reward to what the job owes.
    function _store(uint256 jobId, JobData storage j, uint256 taskId, uint256 units, bytes32 word) internal {
        _nodes[jobId][taskId] = word;
        Info storage info = _info[jobId][taskId];
        info.submitter = msg.sender;
        info.at = uint40(block.timestamp);
        info.blk = uint40(block.number);
        j.owed += uint128(_reward(j, units));
        // The node can be disputed until the job's deadline, and the submitter slashed when the answer window has
        // passed: at the latest its deadline plus the answer window, plus one attempt window for anyone to resolve it.
        // The stake cannot be withdrawn before (unstaking first does not dodge the slash).
        Params storage p = _params[j.paramsId];
        registry.lockStake(msg.sender, uint64(j.deadline) + p.disputeWindow + p.window);
    }

    /// @dev When a task's inputs were complete (time and block): chunks at the request (or their last reset),
    ///      merges when both children are stored, the decision when the root is stored and no dispute is open
    ///      (or the last one closed, whichever is later).
    function _availability(uint256 jobId, JobData storage j, uint256 taskId)
        internal
        view
        returns (bool ready, uint64 at, uint64 blk)
    {
        Info memory own = _info[jobId][taskId];
        if (taskId == DECISION) {
            uint256 root = uint256(j.nLeaves);
            if (_nodes[jobId][root] == bytes32(0) || j.openDisputes != 0) return (false, 0, 0);
            Info memory r = _info[jobId][root];
            (at, blk) = (r.at, r.blk);
            if (j.disputeClearedBlock > blk) (at, blk) = (j.disputeClearedAt, j.disputeClearedBlock);
        } else if (_kind(j, taskId) == TaskKind.Chunk) {
            (at, blk) = (j.createdAt, j.requestBlock);
        } else {
            (uint256 l, uint256 r) = _children(taskId);
            if (_nodes[jobId][l] == bytes32(0) || _nodes[jobId][r] == bytes32(0)) return (false, 0, 0);
            Info memory li = _info[jobId][l];
            Info memory ri = _info[jobId][r];
            (at, blk) = li.blk >= ri.blk ? (li.at, li.blk) : (ri.at, ri.blk);
        }
        if (own.blk > blk) (at, blk) = (own.at, own.blk);
        ready = true;
    }

    /// @dev The prover drawn for `attempt`: stake-weighted among those whose capacity fits the task, over the
    ///      weights at the end of the block before the one that made the task available (a snapshot fixed before
    ///      the seed is known, the same for every attempt), seeded by the hash of the block after it.
    function _assignee(uint256 jobId, JobData storage j, uint256 taskId, uint64 blk, uint32 attempt)
        internal
        view
        returns (address)
    {
        bytes32 seed = keccak256(abi.encode(_blockHash(blk + 1), address(this), jobId, taskId, attempt));
        return registry.sampleAt(uint256(seed), _need(j, taskId), blk - 1);
    }

    /// @dev The capacity a task needs: `D_F`'s constraints for the decision, `F`'s otherwise.
    function _need(JobData storage j, uint256 taskId) internal view returns (uint64) {
        CircuitData storage cd = _circ(j);
        return taskId == DECISION ? cd.deciderConstraints : cd.constraints;
    }

    function _blockHash(uint256 n) internal view returns (bytes32 h) {
        h = blockhash(n);
        if (h != bytes32(0)) return h;
        (bool ok, bytes memory ret) = HISTORY.staticcall(abi.encode(n));
        if (ok && ret.length == 32) h = abi.decode(ret, (bytes32));
        if (h == bytes32(0)) revert MarketSeedUnavailable(n);
    }

    function _checkStored(uint256 jobId, uint256 nodeId, NodeData calldata node) internal view {
        bytes32 stored = _nodes[jobId][nodeId];
        if (stored == bytes32(0)) revert MarketTaskNotReady(jobId, nodeId);
        if (stored != Fold.digestCalldata(Fold.hashCalldata(node.instance), node.zIn, node.zOut)) {
            revert MarketNodeMismatch(jobId, nodeId);
        }
    }

    /// @dev Chunk, merge or decision; reverts unless `taskId` is a node of the job's tree at or above chunk level.
    function _kind(JobData storage j, uint256 taskId) internal view returns (TaskKind) {
        if (taskId == DECISION) return TaskKind.Decision;
        uint256 n = j.nLeaves;
        (uint256 a, uint256 c) = _range(taskId);
        uint256 size = uint256(1) << j.chunkLog;
        // Walk down from the root; nodes of at most `size` leaves are chunks (aligned by the split rule).
        (uint256 x, uint256 y) = (0, n);
        while (true) {
            if (x == a && y == c) return y - x <= size || y - x == 1 ? TaskKind.Chunk : TaskKind.Merge;
            if (y - x <= size || y - x == 1 || a < x || c > y) break;
            uint256 b = Chunks.split(x, y);
            if (a < b) y = b;
            else x = b;
        }
        revert MarketInvalidTask(0, taskId);
    }

    function _pathTo(uint256 n, uint256 nodeId) internal pure returns (uint256[] memory path) {
        (uint256 a, uint256 c) = _range(nodeId);
        uint256[] memory tmp = new uint256[](40);
        uint256 len;
        (uint256 x, uint256 y) = (0, n);
        while (true) {
            tmp[len++] = (x << 128) | y;
            if (x == a && y == c) break;
            uint256 b = Chunks.split(x, y);
            if (a < b) y = b;
            else x = b;
        }
        path = new uint256[](len);
        for (uint256 i = 0; i < len; ++i) {
            path[i] = tmp[i];
        }
    }

    function _range(uint256 id) internal pure returns (uint256 a, uint256 c) {
        a = id >> 128;
        c = id & type(uint128).max;
        if (c <= a) revert MarketInvalidTask(0, id);
    }

    function _children(uint256 id) internal pure returns (uint256, uint256) {
        (uint256 a, uint256 c) = _range(id);
        uint256 b = Chunks.split(a, c);
        return ((a << 128) | b, (b << 128) | c);
    }

    function _height(uint256 n) internal pure returns (uint256 h) {
        while ((uint256(1) << h) < n) ++h;
    }

    // ================================================================ internal: rewards

    function _units(JobData storage j, uint256 taskId) internal view returns (uint256) {
        if (taskId == DECISION) return _decisionUnits(j);
        (uint256 a, uint256 c) = _range(taskId);
        return c - a <= (uint256(1) << j.chunkLog) ? _chunkUnits(j, c - a) : _mergeUnits(j);
    }

    function _chunkUnits(JobData storage j, uint256 m) internal view returns (uint256) {
        Weights memory w = _weightsOf[j.paramsId];
        return (m * w.leaf + (m - 1) * w.fold) * _circ(j).constraints;
    }

    function _mergeUnits(JobData storage j) internal view returns (uint256) {
        return uint256(_weightsOf[j.paramsId].fold) * _circ(j).constraints;
    }

    function _decisionUnits(JobData storage j) internal view returns (uint256) {
        return uint256(_weightsOf[j.paramsId].decision) * _circ(j).deciderConstraints;
    }

    function _reward(JobData storage j, uint256 units) internal view returns (uint256) {
        uint256 n = j.nLeaves;
        Weights memory w = _weightsOf[j.paramsId];
        CircuitData storage c = _circ(j);
        uint256 total = (n * w.leaf + (n - 1) * w.fold) * c.constraints + uint256(w.decision) * c.deciderConstraints;
        return Math.mulDiv(j.fee, units, total);
    }

    /// @dev `fee − Σ task rewards`, in closed form: full chunks, one partial chunk, merges, the decision.
    function _dust(JobData storage j) internal view returns (uint256) {
        uint256 n = j.nLeaves;
        uint256 size = uint256(1) << j.chunkLog;
        uint256 full = n / size;
        uint256 part = n % size;
        uint256 chunks = full + (part > 0 ? 1 : 0);
        uint256 sum = full * _reward(j, _chunkUnits(j, size)) + (chunks - 1) * _reward(j, _mergeUnits(j))
            + _reward(j, _decisionUnits(j));
        if (part > 0) sum += _reward(j, _chunkUnits(j, part));
        return j.fee - sum;
    }

    /// @inheritdoc RewardSplitter
    function _releaseTask(uint256 jobId, uint256 taskId) internal override returns (address, address, uint256) {
        JobData storage j = _jobs[jobId];
        Info storage info = _info[jobId][taskId];
        if (
            j.status == JobStatus.None || j.status == JobStatus.Open || info.submitter == address(0) || info.paid
                || _nodes[jobId][taskId] == bytes32(0) || _challenger[jobId][taskId] != address(0)
        ) revert RewardSplitterNotReleasable(jobId, taskId);
        info.paid = true;
        return (info.submitter, j.feeToken, _reward(j, _units(j, taskId)));
    }

    // ================================================================ internal: callback

    /// @dev As v1: the cap is guaranteed (the caller must leave enough gas); failures are only reported.
    function _callback(uint256 jobId, address requester, uint256[] memory zOut, uint256 cap) internal {
        if (requester.code.length == 0) return;
        uint256 needed = cap + cap / 63 + 5000;
        if (gasleft() < needed) revert MarketCallbackGas(gasleft(), needed);
        bytes memory data = abi.encodeCall(IProofConsumer.onProofVerified, (jobId, zOut));
        bool ok;
        assembly ("memory-safe") {
            ok := call(cap, requester, 0, add(data, 0x20), mload(data), 0, 0)
        }
        emit CallbackResult(jobId, requester, ok);
    }


    /// @notice A job's task rewards: (a full chunk's, a merge's, the decision's, 0).
    function rewardsOf(uint256 jobId) external view returns (uint256, uint256, uint256, uint256) {
        JobData storage j = _jobs[jobId];
        uint256 m = uint256(1) << j.chunkLog;
        if (m > j.nLeaves) m = j.nLeaves;
        return (_reward(j, _chunkUnits(j, m)), _reward(j, _mergeUnits(j)), _reward(j, _decisionUnits(j)), 0);
    }
}
