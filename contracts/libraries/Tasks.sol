// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IProofMarket} from "../interfaces/IProofMarket.sol";
import {IProverRegistry} from "../interfaces/IProverRegistry.sol";
import {IRewardSplitter} from "../interfaces/IRewardSplitter.sol";
import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "./Bn254.sol";
import {Fold} from "./Fold.sol";

/// @title Tasks
/// @notice The job tree of docs/protocol.md §7 (node ids, split rule, paths) and the market's task
///         bookkeeping that walks it: assigning all tasks of a new job, resetting a path after a lost
///         dispute, counting done work for refunds.
/// @dev The external functions run by delegatecall from ProofMarket (a linked library keeps the market under
///      the 24 KiB limit); they receive the market's storage mappings of one job and emit the market's events.
library Tasks {
    /// @notice The decision's task id.
    uint256 internal constant DECISION = type(uint256).max;
    /// @notice The node word of an assigned, not yet done node. Written at the request so that a submission
    ///         rewrites a non-zero word (2.9 k gas) instead of creating one (22.1 k): the requester pays for
    ///         its job's storage, provers only for the update.
    bytes32 internal constant PENDING = bytes32(uint256(1));

    /// @notice What a sortition needs.
    struct Ctx {
        uint256 jobId;
        bytes32 seed;
        uint64 constraints;
        uint64 window;
        IProverRegistry registry;
        address avoid; // resetPath: the slashed submitter
        address stakeToken; // resetPath: the token of dispute bonds
    }

    // ------------------------------------------------------------ external (delegatecall)

    /// @notice Assigns the `2N` tasks of a new job: each by a stake-weighted draw seeded with
    ///         `keccak256(abi.encode(seed, taskId))`. A node of height `h` (leaves: 0) is due `h + 1` windows
    ///         after the request, the decision `depth + 2` windows after.
    function assignAll(
        mapping(uint256 => IProofMarket.Task) storage tasks,
        mapping(uint256 => bytes32) storage nodes,
        Ctx memory ctx,
        uint256 n
    ) external {
        uint64 start = uint64(block.timestamp);
        _assignSubtree(tasks, nodes, ctx, 0, n, start);
        _assign(tasks, ctx, DECISION, start + ctx.window * uint64(height(n) + 2));
    }

    /// @notice Ends an unanswered dispute after its window: slashes the submitter `disputeSlash` to the
    ///         challenger, credits the challenger's bond back, then resets the path (below). Returns how
    ///         many disputes it closed (this one included).
    /// @dev Reset: the node and its done ancestors lose their instance and are
    ///         reassigned by a fresh draw (avoiding `ctx.avoid` when another draw allows), the others get
    ///         their deadlines pushed (node: one window, each level up one more). Open disputes on reset
    ///         ancestors are closed and their bonds credited back. Returns how many disputes it closed.
    function resolveDispute(
        mapping(uint256 => IProofMarket.Task) storage tasks,
        mapping(uint256 => bytes32) storage nodes,
        mapping(uint256 => IProofMarket.Dispute) storage disputes,
        mapping(address => mapping(address => uint256)) storage claimable,
        Ctx memory ctx,
        uint256 n,
        uint256 nodeId,
        uint256 disputeSlash
    ) external returns (uint32 closed) {
        IProofMarket.Dispute memory d = disputes[nodeId];
        if (d.challenger == address(0)) revert IProofMarket.ProofMarketDisputeState(ctx.jobId, nodeId);
        if (block.timestamp <= d.answerDeadline) {
            revert IProofMarket.ProofMarketNotExpired(ctx.jobId, nodeId, d.answerDeadline);
        }
        address submitter = tasks[nodeId].worker;
        delete disputes[nodeId];
        uint256 slashed = ctx.registry.slash(submitter, disputeSlash, d.challenger, "dispute");
        emit IProofMarket.DisputeResolved(ctx.jobId, nodeId, d.challenger, submitter, true, false, slashed);
        if (d.bond > 0) {
            claimable[d.challenger][ctx.stakeToken] += d.bond;
            emit IRewardSplitter.Credited(d.challenger, ctx.stakeToken, ctx.jobId, nodeId, d.bond, "bond");
        }
        ctx.avoid = submitter;
        closed = 1 + _resetPath(tasks, nodes, disputes, claimable, ctx, n, nodeId);
    }

    function _resetPath(
        mapping(uint256 => IProofMarket.Task) storage tasks,
        mapping(uint256 => bytes32) storage nodes,
        mapping(uint256 => IProofMarket.Dispute) storage disputes,
        mapping(address => mapping(address => uint256)) storage claimable,
        Ctx memory ctx,
        uint256 n,
        uint256 nodeId
    ) private returns (uint32 closed) {
        uint256[] memory path = pathTo(n, nodeId); // root first, nodeId last
        uint64 start = uint64(block.timestamp);
        for (uint256 i = path.length; i > 0; --i) {
            uint256 id = path[i - 1];
            uint64 deadline = start + ctx.window * uint64(path.length - i + 1);
            IProofMarket.Task storage t = tasks[id];
            if (uint256(nodes[id]) <= 1) {
                _extend(t, ctx.jobId, id, deadline);
                continue;
            }
            nodes[id] = PENDING;
            closed += _closeDispute(disputes, claimable, ctx, id, t.worker);
            emit IProofMarket.NodeReset(ctx.jobId, id, t.worker);
            // Re-draw; if no prover is eligible any more the task is left unassigned (worker 0): any staked
            // prover can reclaim it once its deadline passes, so a dispute can always be resolved.
            address prover;
            for (uint256 k = 0; k < 3; ++k) {
                try ctx.registry.sample(uint256(keccak256(abi.encode(ctx.seed, id, k))), ctx.constraints) returns (
                    address drawn
                ) {
                    prover = drawn;
                } catch {
                    break;
                }
                if (prover != ctx.avoid) break;
            }
            tasks[id] = IProofMarket.Task(prover, deadline, IProofMarket.TaskState.Assigned);
            emit IProofMarket.TaskAssigned(ctx.jobId, id, prover, kind(id), deadline);
        }
        _extend(tasks[DECISION], ctx.jobId, DECISION, start + ctx.window * uint64(path.length + 1));
    }

    function _closeDispute(
        mapping(uint256 => IProofMarket.Dispute) storage disputes,
        mapping(address => mapping(address => uint256)) storage claimable,
        Ctx memory ctx,
        uint256 id,
        address submitter
    ) private returns (uint32) {
        IProofMarket.Dispute memory d = disputes[id];
        if (d.challenger == address(0)) return 0;
        delete disputes[id];
        emit IProofMarket.DisputeResolved(ctx.jobId, id, d.challenger, submitter, false, true, 0);
        if (d.bond > 0) {
            claimable[d.challenger][ctx.stakeToken] += d.bond;
            emit IRewardSplitter.Credited(d.challenger, ctx.stakeToken, ctx.jobId, id, d.bond, "bond");
        }
        return 1;
    }

    /// @notice The node digest of leaf `k` of job `jobId` submitted as `(cmW, x)`, after checking that
    ///         `x = (z_out, z_in)` is segment `k` of the manifest with root `root` (leaf
    ///         `keccak256(bytes.concat(keccak256(abi.encode(k, z_k, z_{k+1}))))`). The digest is that of the
    ///         fresh instance `(cmW, 0, 1, x)` with `zIn = x[s:]`, `zOut = x[:s]`. The caller checks `x.length = 2s`, `x[i] < p` and that `cmW` is on the curve.
    /// @dev Here rather than in ProofMarket to keep the market under the 24 KiB limit (≈ 3 k gas per leaf).
    function leafDigest(
        uint256 jobId,
        bytes32 root,
        uint256 k,
        uint256 s,
        Bn254.G1Point calldata cmW,
        uint256[] calldata x,
        bytes32[] calldata proof
    ) external pure returns (bytes32) {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(k, x[s:], x[:s]))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert IProofMarket.ProofMarketManifestMismatch(jobId, k);
        Instance memory U = Instance(cmW, Bn254.G1Point(0, 0), 1, x);
        return Fold.digest(Fold.hash(U), x[s:], x[:s]);
    }

    /// @notice Numbers of done leaf and fold tasks (nodes with a stored digest) of a job of `n` leaves.
    function countDone(mapping(uint256 => bytes32) storage nodes, uint256 n)
        external
        view
        returns (uint256 leaves, uint256 folds)
    {
        return _countDone(nodes, 0, n);
    }

    // ------------------------------------------------------------ tree (internal, pure)

    /// @notice `(a, c)` of `nodeId = (a << 128) | c`.
    function range(uint256 nodeId) internal pure returns (uint256 a, uint256 c) {
        a = nodeId >> 128;
        c = nodeId & type(uint128).max;
    }

    /// @notice The children of a fold node.
    function children(uint256 nodeId) internal pure returns (uint256 leftId, uint256 rightId) {
        (uint256 a, uint256 c) = range(nodeId);
        uint256 b = split(a, c);
        leftId = (a << 128) | b;
        rightId = (b << 128) | c;
    }

    /// @notice Leaf, fold or decision.
    function kind(uint256 taskId) internal pure returns (IProofMarket.TaskKind) {
        if (taskId == DECISION) return IProofMarket.TaskKind.Decision;
        (uint256 a, uint256 c) = range(taskId);
        return c - a == 1 ? IProofMarket.TaskKind.Leaf : IProofMarket.TaskKind.Fold;
    }

    /// @notice `b = a + 2^(⌈log2(c−a)⌉−1)`: the left child is the largest power of two strictly below `c − a`.
    function split(uint256 a, uint256 c) internal pure returns (uint256) {
        return a + (uint256(1) << log2(c - a - 1));
    }

    /// @notice `⌈log2 len⌉` (0 for a leaf): the height of a node of `len` leaves.
    function height(uint256 len) internal pure returns (uint256) {
        return len <= 1 ? 0 : log2(len - 1) + 1;
    }

    /// @notice `⌊log2 v⌋` (0 for v ≤ 1).
    function log2(uint256 v) internal pure returns (uint256 r) {
        while (v > 1) {
            v >>= 1;
            r++;
        }
    }

    /// @notice The nodes from the root `[0, n)` down to `nodeId` (a node of the tree).
    function pathTo(uint256 n, uint256 nodeId) internal pure returns (uint256[] memory path) {
        (uint256 ta, uint256 tc) = range(nodeId);
        path = new uint256[](height(n) + 1);
        uint256 a = 0;
        uint256 c = n;
        uint256 len = 0;
        while (true) {
            path[len++] = (a << 128) | c;
            if ((a == ta && c == tc) || c - a <= 1) break;
            uint256 b = split(a, c);
            if (ta < b) c = b;
            else a = b;
        }
        assembly ("memory-safe") {
            mstore(path, len)
        }
    }

    /// @notice The parent task of `nodeId` (the decision for the root).
    function parent(uint256 n, uint256 nodeId) internal pure returns (uint256) {
        if (nodeId == n) return DECISION;
        uint256[] memory path = pathTo(n, nodeId);
        return path[path.length - 2];
    }

    // ------------------------------------------------------------ private

    function _assignSubtree(
        mapping(uint256 => IProofMarket.Task) storage tasks,
        mapping(uint256 => bytes32) storage nodes,
        Ctx memory ctx,
        uint256 a,
        uint256 c,
        uint64 start
    ) private {
        uint256 nodeId = (a << 128) | c;
        if (c - a > 1) {
            uint256 b = split(a, c);
            _assignSubtree(tasks, nodes, ctx, a, b, start);
            _assignSubtree(tasks, nodes, ctx, b, c, start);
        }
        nodes[nodeId] = PENDING;
        _assign(tasks, ctx, nodeId, start + ctx.window * uint64(height(c - a) + 1));
    }

    function _assign(mapping(uint256 => IProofMarket.Task) storage tasks, Ctx memory ctx, uint256 taskId, uint64 deadline)
        private
    {
        address prover = ctx.registry.sample(uint256(keccak256(abi.encode(ctx.seed, taskId))), ctx.constraints);
        tasks[taskId] = IProofMarket.Task(prover, deadline, IProofMarket.TaskState.Assigned);
        emit IProofMarket.TaskAssigned(ctx.jobId, taskId, prover, kind(taskId), deadline);
    }

    function _extend(IProofMarket.Task storage t, uint256 jobId, uint256 taskId, uint64 deadline) private {
        if (t.deadline < deadline) {
            t.deadline = deadline;
            emit IProofMarket.TaskDeadlineExtended(jobId, taskId, deadline);
        }
    }

    function _countDone(mapping(uint256 => bytes32) storage nodes, uint256 a, uint256 c)
        private
        view
        returns (uint256 leaves, uint256 folds)
    {
        bool done = uint256(nodes[(a << 128) | c]) > 1;
        if (c - a == 1) return (done ? 1 : 0, 0);
        uint256 b = split(a, c);
        (uint256 l1, uint256 f1) = _countDone(nodes, a, b);
        (uint256 l2, uint256 f2) = _countDone(nodes, b, c);
        return (l1 + l2, f1 + f2 + (done ? 1 : 0));
    }
}
