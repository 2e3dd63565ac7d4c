// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";
import {DeciderProof, Instance} from "./INovaTypes.sol";

/// @title IProofMarket
/// @notice Jobs, tasks, deadlines, on-chain fold verification, decisions, disputes and callbacks
///         (docs/protocol.md §3, docs/contracts.md). Task ids: a leaf or fold task is its tree node's
///         `nodeId = (a << 128) | c`; the decision task is {DECISION_TASK} (`type(uint256).max`).
interface IProofMarket {
    /// @notice How the job is proven: by the network, task by task, or posted whole by its requester.
    enum Mode {
        Task,
        Bundle
    }

    /// @notice Job status. Verified, Cancelled and Expired are final.
    enum JobStatus {
        None,
        Open,
        Verified,
        Cancelled,
        Expired
    }

    /// @notice Task state. Done: its node (or, for the decision, the job) is verified; the market derives it
    ///         for leaves and folds from the stored node digest (saving a write). Paid: its reward was
    ///         credited to its worker (final).
    enum TaskState {
        None,
        Assigned,
        Done,
        Paid
    }

    /// @notice Task kind, as emitted in {TaskAssigned}.
    enum TaskKind {
        Leaf,
        Fold,
        Decision
    }

    /// @notice A tree node as passed in calldata: its instance and its boundary states (docs/protocol.md §7).
    ///         The market stores `keccak256(abi.encode(keccak256(abi.encode(instance)), zIn, zOut))` per node.
    struct NodeData {
        Instance instance;
        uint256[] zIn;
        uint256[] zOut;
    }

    /// @notice One fold of a batch. `fromBatch` bit 0 (bit 1): the left (right) child is the node folded
    ///         earlier in the same batch with that nodeId, and `left` (`right`) is ignored (pass empty arrays).
    struct FoldStep {
        uint256 nodeId;
        NodeData left;
        NodeData right;
        Bn254.G1Point cmT;
        uint8 fromBatch;
    }

    /// @notice Governance parameters (owner-settable; a job snapshots none of them except the reward split).
    /// @param livenessBond Stake slashed from a late assignee when its task is reclaimed (to the reclaimer).
    /// @param disputeBond Stake-token bond a challenger posts with {dispute}.
    /// @param disputeSlash Stake slashed from a submitter that does not answer a dispute (to the challenger).
    /// @param taskWindow Seconds a task's assignee has (leaves: from the request; a node of height h: h+1 windows).
    /// @param disputeWindow Seconds a disputed node's submitter has to answer.
    /// @param callbackGasLimit Gas forwarded to {IProofConsumer.onProofVerified}.
    /// @param maxLeaves Largest `nLeaves` accepted (bounds the gas of {requestProof}).
    struct Params {
        uint256 livenessBond;
        uint256 disputeBond;
        uint256 disputeSlash;
        uint64 taskWindow;
        uint64 disputeWindow;
        uint32 callbackGasLimit;
        uint32 maxLeaves;
    }

    /// @notice A job's public record.
    struct Job {
        address requester;
        JobStatus status;
        Mode mode;
        uint32 nLeaves;
        uint32 openDisputes;
        uint64 createdAt;
        uint64 deadline;
        uint256 circuitId;
        address feeToken;
        uint256 fee;
        bytes32 manifestRoot;
        bytes32 domain;
        bytes32 seed;
    }

    /// @notice A task's record. `worker` is the assignee until the task is done, then its submitter.
    struct Task {
        address worker;
        uint64 deadline;
        TaskState state;
    }

    /// @notice An open dispute on a node.
    struct Dispute {
        address challenger;
        uint64 answerDeadline;
        uint256 bond;
    }

    /// @notice A job was requested and its fee escrowed. `feeToken == address(0)` means native ETH.
    ///         `seed` is the sortition seed of its tasks. For a bundle, `manifestRoot` is
    ///         `keccak256(abi.encodePacked(z_0..z_N))` and `fee` is 0.
    event JobRequested(
        uint256 indexed jobId,
        address indexed requester,
        uint256 indexed circuitId,
        Mode mode,
        uint32 nLeaves,
        bytes32 manifestRoot,
        uint256[] z0,
        address feeToken,
        uint256 fee,
        uint64 deadline,
        bytes32 domain,
        bytes32 seed
    );
    /// @notice Task `taskId` of job `jobId` was assigned to `prover` (at the request, on a reclaim, or when a
    ///         dispute reset it) with deadline `deadline`.
    event TaskAssigned(
        uint256 indexed jobId, uint256 indexed taskId, address indexed prover, TaskKind kind, uint64 deadline
    );
    /// @notice Deadline of task `taskId` was extended because a child was submitted late.
    event TaskDeadlineExtended(uint256 indexed jobId, uint256 indexed taskId, uint64 deadline);
    /// @notice A leaf was submitted and checked against the manifest. `x = (z_out, z_in)`.
    event LeafSubmitted(
        uint256 indexed jobId, uint256 indexed nodeId, address indexed prover, Bn254.G1Point cmW, uint256[] x
    );
    /// @notice A fold was checked and its folded instance stored. `instance` is the parent's (computed on-chain),
    ///         `r` the challenge, `zIn`/`zOut` the parent's boundary states.
    event FoldSubmitted(
        uint256 indexed jobId,
        uint256 indexed nodeId,
        address indexed prover,
        Bn254.G1Point cmT,
        uint256 r,
        Instance instance,
        uint256[] zIn,
        uint256[] zOut
    );
    /// @notice The decider proof of the root was accepted (task mode, or a bundle). `zOut` is `z_N`.
    event JobVerified(uint256 indexed jobId, address indexed prover, uint256[] zOut);
    /// @notice The requester's {IProofConsumer.onProofVerified} callback was attempted.
    event CallbackResult(uint256 indexed jobId, address indexed requester, bool success);
    /// @notice An expired task was taken over by `prover`; `previous` lost `bondSlashed` of stake to `prover`.
    event TaskReclaimed(
        uint256 indexed jobId,
        uint256 indexed taskId,
        address indexed prover,
        address previous,
        uint256 bondSlashed,
        uint64 deadline
    );
    /// @notice `challenger` disputed node `nodeId` submitted by `submitter`, posting `bond`.
    event DisputeOpened(
        uint256 indexed jobId,
        uint256 indexed nodeId,
        address indexed challenger,
        address submitter,
        uint256 bond,
        uint64 answerDeadline
    );
    /// @notice A dispute ended. `challengerWon`: no answer in time, the submitter was slashed `slashed` to the
    ///         challenger and the node and its ancestors were reset; otherwise a decider proof answered it and
    ///         the challenger's bond went to the submitter. `cancelled`: an ancestor reset closed it (bond refunded).
    event DisputeResolved(
        uint256 indexed jobId,
        uint256 indexed nodeId,
        address indexed challenger,
        address submitter,
        bool challengerWon,
        bool cancelled,
        uint256 slashed
    );
    /// @notice Node `nodeId` lost its stored instance (a dispute was won against it or one of its descendants).
    event NodeReset(uint256 indexed jobId, uint256 indexed nodeId, address previousSubmitter);
    /// @notice The requester cancelled the job; `refund` (fee minus the rewards of done tasks) is credited back.
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    /// @notice The job's deadline passed unverified; `refund` is credited back to the requester.
    event JobExpired(uint256 indexed jobId, uint256 refund);
    /// @notice Governance parameters changed.
    event ParamsSet(Params params);

    /// @notice No job has this id.
    error ProofMarketUnknownJob(uint256 jobId);
    /// @notice `nLeaves` is zero or above `maxLeaves`.
    error ProofMarketInvalidLeafCount(uint256 nLeaves, uint256 maxLeaves);
    /// @notice The job deadline is not after the end of its task schedule.
    error ProofMarketInvalidDeadline(uint64 deadline, uint64 minimum);
    /// @notice The fee is zero, `msg.value` does not match it, or ETH was sent with an ERC-20 fee.
    error ProofMarketInvalidFee(uint256 fee, uint256 value);
    /// @notice A state vector has the wrong length (must be the circuit's state width `s`; `x` must be `2s`).
    error ProofMarketInvalidStateLength(uint256 length, uint256 expected);
    /// @notice The job is not open (already verified, cancelled or expired; bundle jobs are born verified).
    error ProofMarketJobNotOpen(uint256 jobId, JobStatus status);
    /// @notice Leaf index `k` is not below `nLeaves`, or `nodeId` is not a node of this job's tree.
    error ProofMarketInvalidNode(uint256 jobId, uint256 nodeId);
    /// @notice The caller is not the task's worker.
    error ProofMarketNotAssignee(uint256 jobId, uint256 taskId, address caller, address assignee);
    /// @notice The task is already done.
    error ProofMarketTaskDone(uint256 jobId, uint256 taskId);
    /// @notice A child (or, for the decision, the root) is not done yet.
    error ProofMarketTaskNotReady(uint256 jobId, uint256 taskId);
    /// @notice The task's deadline has not passed (reclaim) or the dispute window is still open (resolve).
    error ProofMarketNotExpired(uint256 jobId, uint256 taskId, uint64 deadline);
    /// @notice A leaf's `x` is not segment `index` of the manifest (Merkle proof failed).
    error ProofMarketManifestMismatch(uint256 jobId, uint256 index);
    /// @notice A child or root passed in calldata does not hash to the stored node digest.
    error ProofMarketNodeMismatch(uint256 jobId, uint256 nodeId);
    /// @notice Left child's `zOut` differs from the right child's `zIn`.
    error ProofMarketDiscontinuity(uint256 jobId, uint256 nodeId);
    /// @notice A scalar (`u` or an entry of `x`) is not below p.
    error ProofMarketScalarNotInField(uint256 value);
    /// @notice A batch step refers to a child not folded earlier in the same batch.
    error ProofMarketBatchChildMissing(uint256 nodeId);
    /// @notice The decider verifier returned false.
    error ProofMarketDeciderRejected(uint256 jobId, uint256 nodeId);
    /// @notice The caller is not a staked prover.
    error ProofMarketNotStaked(address caller);
    /// @notice The node already has an open dispute, or none when one is required.
    error ProofMarketDisputeState(uint256 jobId, uint256 nodeId);
    /// @notice The submitter cannot dispute its own node, nor reclaim its own task.
    error ProofMarketSelfAction(address caller);
    /// @notice Open disputes block the decision and cancellation.
    error ProofMarketDisputesPending(uint256 jobId, uint32 openDisputes);
    /// @notice Only the requester may do this.
    error ProofMarketNotRequester(uint256 jobId, address caller);
    /// @notice The job's deadline has not passed.
    error ProofMarketJobNotExpired(uint256 jobId, uint64 deadline);
    /// @notice A bundle's arrays have inconsistent lengths.
    error ProofMarketInvalidBundle();
    /// @notice The caller left too little gas for the requester's callback to get its cap.
    error ProofMarketCallbackGas(uint256 gasLeft, uint256 needed);
    /// @notice Invalid governance parameters.
    error ProofMarketInvalidParams();

    /// @notice Requests a proof that `z_N = F^N(z_0)`, escrowing `fee` of `feeToken` (ETH: `address(0)`,
    ///         sent as `msg.value`). Assigns all `2N` tasks by sortition. Emits {JobRequested} and one
    ///         {TaskAssigned} per task.
    function requestProof(
        uint256 circuitId,
        uint256[] calldata z0,
        uint32 nLeaves,
        bytes32 manifestRoot,
        address feeToken,
        uint256 fee,
        uint64 deadline
    ) external payable returns (uint256 jobId);

    /// @notice Submits leaf `k`: `x = (z_{k+1}, z_k)`, proven to be segment `k` of the manifest by `proof`
    ///         (docs/contracts.md "Manifest"). Emits a {LeafSubmitted} event.
    function submitLeaf(
        uint256 jobId,
        uint256 k,
        Bn254.G1Point calldata cmW,
        uint256[] calldata x,
        bytes32[] calldata proof
    ) external;

    /// @notice Folds the stored children of `nodeId` with `cmT`. Emits a {FoldSubmitted} event.
    function submitFold(
        uint256 jobId,
        uint256 nodeId,
        NodeData calldata left,
        NodeData calldata right,
        Bn254.G1Point calldata cmT
    ) external;

    /// @notice Several folds in one call, children possibly from earlier steps. Emits one {FoldSubmitted} each.
    function submitFolds(uint256 jobId, FoldStep[] calldata steps) external;

    /// @notice Verifies the root with the circuit's decider; the job becomes Verified and the callback is
    ///         attempted. Emits {JobVerified} and {CallbackResult}.
    function submitDecision(uint256 jobId, NodeData calldata root, DeciderProof calldata proof) external;

    /// @notice Local/private mode: creates a job and verifies its whole tree and decision in one call.
    ///         `states` are `z_0..z_N` flattened (`(N+1)·s` words), `cmW` the `N` leaf witness commitments,
    ///         `cmT` the `N−1` cross-term commitments in post-order. Folds use `jobId = 0` in the challenge.
    ///         Emits {JobRequested}, {JobVerified}, {CallbackResult}.
    function submitBundle(
        uint256 circuitId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        DeciderProof calldata proof
    ) external returns (uint256 jobId);

    /// @notice Takes over an expired task (any staked prover but its worker); slashes the late worker's
    ///         liveness bond to the caller. Emits {TaskReclaimed}.
    function reclaim(uint256 jobId, uint256 taskId) external;

    /// @notice Disputes a done node, posting the dispute bond in the stake token. Emits {DisputeOpened}.
    function dispute(uint256 jobId, uint256 nodeId) external;

    /// @notice Answers a dispute with a decider proof for the node. Emits {DisputeResolved}.
    function answerDispute(uint256 jobId, uint256 nodeId, NodeData calldata node, DeciderProof calldata proof)
        external;

    /// @notice After the answer window: slashes the submitter, resets the node and its ancestors and reassigns
    ///         them. Emits {DisputeResolved}, {NodeReset} and {TaskAssigned} events.
    function resolveDispute(uint256 jobId, uint256 nodeId) external;

    /// @notice The requester cancels an open job; the fee minus the rewards of done tasks is credited back.
    ///         Emits {JobCancelled}.
    function cancel(uint256 jobId) external;

    /// @notice Anyone closes an open job past its deadline, with the same refund. Emits {JobExpired}.
    function expire(uint256 jobId) external;

    /// @notice Sets the governance parameters (owner). Emits {ParamsSet}.
    function setParams(Params calldata params) external;

    /// @notice The task id of the decision.
    function DECISION_TASK() external view returns (uint256);
    /// @notice A job's record.
    function getJob(uint256 jobId) external view returns (Job memory);
    /// @notice A task's record.
    function getTask(uint256 jobId, uint256 taskId) external view returns (Task memory);
    /// @notice The stored digest of a node (zero when not done).
    function nodeDigest(uint256 jobId, uint256 nodeId) external view returns (bytes32);
    /// @notice An open dispute (zero challenger when none).
    function getDispute(uint256 jobId, uint256 nodeId) external view returns (Dispute memory);
}
