// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bn254} from "../libraries/Bn254.sol";
import {DeciderProof, Instance} from "./INovaTypes.sol";

/// @title IMarketTypes
/// @notice Types, events and errors of the v2 proof market (docs/protocol.md §3, docs/contracts.md "Market v2"): O(1) requests, lazy
///         assignment from a future block hash, chunk/merge/decision tasks with windows counted from
///         availability, disputes that a sybil cannot profit from, and impossibility proofs.
/// @dev Task ids: a chunk or merge task is its tree node's `nodeId = (a << 128) | c` (docs/protocol.md §7);
///      the decision is `type(uint256).max`. Chunk nodes are the aligned subtrees `[i·2^k, min((i+1)·2^k, N))`;
///      merge nodes are the nodes above them. A node word stored on-chain is
///      `keccak256(abi.encode(keccak256(abi.encode(instance)), zIn, zOut))`.
interface IMarketTypes {
    /// @notice Job status. Verified, Cancelled, Expired and Voided are final. Proposed: an optimistic bundle
    ///         ({proposeBundle}) in its challenge window (then Verified by {finalizeBundle}, or Voided by a
    ///         successful {challengeBundle}).
    enum JobStatus {
        None,
        Open,
        Verified,
        Cancelled,
        Expired,
        Voided,
        Proposed
    }

    /// @notice Task kind.
    enum TaskKind {
        Chunk,
        Merge,
        Decision
    }

    /// @notice Task state, as {getTask} derives it. Waiting: inputs missing. Open: available, attempt
    ///         `attempt` running. Done: submitted. Paid: its reward was credited.
    enum TaskState {
        Waiting,
        Open,
        Done,
        Paid
    }

    /// @notice Governance parameters. Bounded by {setParams}; each job snapshots the set current at its
    ///         request (by `paramsId`), so a change applies to new jobs only.
    /// @param minFee Smallest fee (any token); each task must also be worth at least 1 unit of the fee token.
    /// @param requesterBondBps Requester bond as a share of the fee (in the fee token, escrowed with it);
    ///        returned when the job closes, paid to the prover that shows the job impossible ({voidImpossible}).
    /// @param livenessBond Stake slashed from an assignee whose window passed without a submission.
    /// @param disputeBond Stake-token bond a challenger posts with {dispute}.
    /// @param disputeSlash Stake slashed from a submitter that does not answer a dispute.
    /// @param window Seconds of one attempt window (counted from the task's availability).
    /// @param disputeWindow Seconds a disputed node's submitter has to answer.
    /// @param maxJobDuration Largest `deadline − now` accepted by {requestProof} (which also keeps the deadline before
    ///        the end of the registry's unbonding delay: `MarketDeadlineAfterUnbonding`).
    /// @param burnBps Share of a dispute slash that is burned (the rest pays the challenger and the workers
    ///        of reset nodes); at least 5000.
    /// @param callbackGasLimit Gas forwarded to {IProofConsumer.onProofVerified}.
    struct Params {
        uint256 minFee;
        uint16 requesterBondBps;
        uint256 livenessBond;
        uint256 disputeBond;
        uint256 disputeSlash;
        uint64 window;
        uint64 disputeWindow;
        uint64 maxJobDuration;
        uint16 burnBps;
        uint32 callbackGasLimit;
    }

    /// @notice A job's public record.
    struct Job {
        address requester;
        JobStatus status;
        uint8 chunkLog;
        uint32 nLeaves;
        uint16 openDisputes;
        uint32 paramsId;
        uint64 circuitId;
        address feeToken;
        uint64 createdAt;
        uint64 deadline;
        uint64 requestBlock;
        uint64 disputeClearedAt;
        uint64 disputeClearedBlock;
        address decider;
        uint128 fee;
        uint128 bond;
        bytes32 manifestRoot;
        bytes32 domain;
    }

    /// @notice A task's derived record. `availableAt`/`availableBlock`: when its inputs were complete
    ///         (0 while Waiting); `attempt` the window running at the current time; `assignee` that
    ///         attempt's drawn prover (zero until the seed block exists); `submitter` once Done.
    struct TaskView {
        TaskKind kind;
        TaskState state;
        uint64 availableAt;
        uint64 availableBlock;
        uint32 attempt;
        address assignee;
        address submitter;
        uint64 windowEnd;
    }

    /// @notice A chunk submission: the boundary states `z_a..z_c` flattened (`(c−a+1)·s` words), the `c−a` leaf
    ///         witness commitments, the `c−a−1` cross terms in post-order, and the Merkle proof of the chunk's
    ///         manifest subtree (the level-`k` node over segments `a..c−1`) to the manifest root.
    struct Chunk {
        uint256[] states;
        Bn254.G1Point[] cmW;
        Bn254.G1Point[] cmT;
        bytes32[] proof;
    }

    /// @notice A job request. `z1` and `z0Proof` prove manifest segment 0 to be `(0, z0, z1)`, which binds
    ///         `z0` to the root's `zIn`.
    struct Request {
        uint256 circuitId;
        uint32 nLeaves;
        uint8 chunkLog;
        bytes32 manifestRoot;
        address feeToken;
        uint256 fee;
        uint64 deadline;
        uint256[] z0;
        uint256[] z1;
        bytes32[] z0Proof;
    }

    /// @notice A manifest segment `(index, zIn, zOut)` with its Merkle proof, for {voidImpossible}.
    struct Segment {
        uint256[] zIn;
        uint256[] zOut;
        bytes32[] proof;
    }

    /// @notice An optimistic bundle's data ({proposeBundle}, {challengeBundle}): the states `z_0..z_N`, the
    ///         leaves' `cmW`, the cross terms in post-order (as {submitBundle}) and the root instance the
    ///         proposer claims they fold to (transcript v2, `jobId = 0`), which the decider proof decides.
    struct BundleData {
        uint256[] states;
        Bn254.G1Point[] cmW;
        Bn254.G1Point[] cmT;
        Instance root;
    }

    /// @notice A tree node as passed in calldata: its instance and boundary states.
    struct NodeData {
        Instance instance;
        uint256[] zIn;
        uint256[] zOut;
    }

    /// @notice A job was requested: fee and requester bond escrowed; no task state is written.
    ///         Chunk tasks are available from block `requestBlock` (their seed is the hash of the next block).
    event JobRequested(
        uint256 indexed jobId,
        address indexed requester,
        uint256 indexed circuitId,
        uint32 nLeaves,
        uint8 chunkLog,
        bytes32 manifestRoot,
        uint256[] z0,
        address feeToken,
        uint256 fee,
        uint256 bond,
        uint64 deadline,
        bytes32 domain,
        uint32 paramsId
    );
    /// @notice Task `taskId` (a chunk or a merge) was verified and its node stored. `attempt` is the window
    ///         it was submitted in; `instance`, `zIn`, `zOut` the node (computed on-chain).
    event NodeSubmitted(
        uint256 indexed jobId,
        uint256 indexed taskId,
        address indexed prover,
        TaskKind kind,
        uint32 attempt,
        Instance instance,
        uint256[] zIn,
        uint256[] zOut
    );
    /// @notice The decision was accepted (or a bundle verified): the job is Verified. `zOut` is `z_N`.
    event JobVerified(uint256 indexed jobId, address indexed prover, uint256[] zOut);
    /// @notice A bundle (local mode) was verified in one call as job `jobId`.
    event BundleVerified(
        uint256 indexed jobId,
        address indexed submitter,
        uint256 indexed circuitId,
        uint32 nLeaves,
        bytes32 statesHash,
        uint256[] z0,
        uint256[] zN,
        bytes32 domain
    );
    /// @notice The requester's {IProofConsumer.onProofVerified} callback was attempted.
    event CallbackResult(uint256 indexed jobId, address indexed requester, bool success);
    /// @notice `prover`, drawn for attempt `attempt` of task `taskId`, let its window pass; `slashed` of its
    ///         stake went to `beneficiary` (the task's eventual submitter).
    event AttemptMissed(
        uint256 indexed jobId,
        uint256 indexed taskId,
        address indexed prover,
        uint32 attempt,
        uint256 slashed,
        address beneficiary
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
    /// @notice A dispute ended. Answered (`challengerWon` false): the bond went to the submitter. Unanswered:
    ///         `slashed` was taken from the submitter, `burned` of it burned, `challengerReward` paid to the
    ///         challenger (with its bond back), the rest to the workers of the reset nodes.
    ///         `cancelled`: a reset above closed it (bond refunded).
    event DisputeResolved(
        uint256 indexed jobId,
        uint256 indexed nodeId,
        address indexed challenger,
        address submitter,
        bool challengerWon,
        bool cancelled,
        uint256 slashed,
        uint256 burned,
        uint256 challengerReward
    );
    /// @notice Node `nodeId` lost its stored instance (a dispute was won against it or a descendant) and is
    ///         available again from `availableBlock`. `compensation` is always 0: the worker of a reset ancestor
    ///         is compensated by a `Credited` "reset" in the same transaction (its amount is known only then).
    event NodeReset(
        uint256 indexed jobId, uint256 indexed nodeId, address previousSubmitter, uint256 compensation, uint64 availableBlock
    );
    /// @notice `prover` showed the job impossible (`reason`: 1 discontinuous manifest segments, 2 a manifest
    ///         value outside the field, 3 a step that `F` does not take, by a decider proof); the job is Voided, the requester's bond
    ///         goes to `prover`, the fee minus done work back to the requester.
    event JobVoided(uint256 indexed jobId, address indexed prover, uint8 reason, uint256 index, uint256 refund);
    /// @notice The requester cancelled the job (only before the root exists); `refund` credited back.
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    /// @notice The job's deadline passed unverified; `refund` credited back to the requester.
    event JobExpired(uint256 indexed jobId, uint256 refund);
    /// @notice Task `taskId`'s stake snapshot held no prover whose capacity fits it; its draws now use the snapshot
    ///         at the end of block `availableBlock − 1` and the seed of block `availableBlock + 1`, and its windows
    ///         count from this block ({refreshSnapshot}).
    event SnapshotRefreshed(uint256 indexed jobId, uint256 indexed taskId, address indexed caller, uint64 availableBlock);
    /// @notice A new parameter set `paramsId` applies to jobs requested from now on.
    event ParamsSet(uint32 indexed paramsId, Params params);
    /// @notice An optimistic bundle was proposed as job `jobId`: its decider proof was verified, its folds were
    ///         not. Until `challengeEnd` anyone may show them wrong with {challengeBundle}; the whole `data` is in
    ///         this event (what a challenger needs), `dataHash = keccak256(abi.encode(data))`. `bond` (wei) is
    ///         the challenger's reward, returned to the proposer by {finalizeBundle}.
    event BundleProposed(
        uint256 indexed jobId,
        address indexed proposer,
        uint256 indexed circuitId,
        uint32 nLeaves,
        uint64 challengeEnd,
        uint256 bond,
        bytes32 dataHash,
        BundleData data
    );
    /// @notice `challenger` showed proposed bundle `jobId` wrong (its folds do not give its root, or a point is
    ///         invalid): the job is Voided and `bond` credited to `challenger`.
    event BundleChallenged(uint256 indexed jobId, address indexed challenger, address indexed proposer, uint256 bond);
    /// @notice Proposed bundle `jobId` passed its challenge window unchallenged: Verified (with {JobVerified}), and
    ///         its `bond` credited back to `proposer`.
    event BundleFinalized(uint256 indexed jobId, address indexed proposer, uint256 bond);
    /// @notice Optimistic bundles proposed from now on use this challenge window (seconds) and bond (wei per leaf).
    event BundleParamsSet(uint64 challengeWindow, uint96 bondPerLeaf);

    /// @notice No job has this id.
    error MarketUnknownJob(uint256 jobId);
    /// @notice `nLeaves` is zero or above 2^16, or `chunkLog` above 16.
    error MarketInvalidShape(uint256 nLeaves, uint256 chunkLog);
    /// @notice The deadline is before the end of the task schedule or beyond `maxJobDuration`.
    error MarketInvalidDeadline(uint64 deadline, uint64 minimum, uint64 maximum);
    /// @notice The fee is below the minimum, a task would be worth 0, or `msg.value` does not match.
    error MarketInvalidFee(uint256 fee, uint256 value);
    /// @notice A state vector has the wrong length.
    error MarketInvalidStateLength(uint256 length, uint256 expected);
    /// @notice The job is not open.
    error MarketJobNotOpen(uint256 jobId, JobStatus status);
    /// @notice `taskId` is not a task of this job.
    error MarketInvalidTask(uint256 jobId, uint256 taskId);
    /// @notice The caller is not the assignee of the running attempt.
    error MarketNotAssignee(uint256 jobId, uint256 taskId, address caller, address assignee);
    /// @notice The task is already done.
    error MarketTaskDone(uint256 jobId, uint256 taskId);
    /// @notice The task's inputs are not complete, or its seed block is not mined yet.
    error MarketTaskNotReady(uint256 jobId, uint256 taskId);
    /// @notice The chunk's states are not the manifest's (Merkle proof failed).
    error MarketManifestMismatch(uint256 jobId, uint256 taskId);
    /// @notice A node passed in calldata does not hash to the stored node word.
    error MarketNodeMismatch(uint256 jobId, uint256 nodeId);
    /// @notice Left child's `zOut` differs from the right child's `zIn`.
    error MarketDiscontinuity(uint256 jobId, uint256 nodeId);
    /// @notice `z0` is not manifest leaf 0.
    error MarketZ0Mismatch();
    /// @notice A scalar is not below p.
    error MarketScalarNotInField(uint256 value);
    /// @notice A chunk's or bundle's arrays have inconsistent lengths.
    error MarketInvalidBatch();
    /// @notice The decider verifier returned false.
    error MarketDeciderRejected(uint256 jobId, uint256 nodeId);
    /// @notice The caller is not a staked prover.
    error MarketNotStaked(address caller);
    /// @notice The node already has an open dispute, or none when one is required.
    error MarketDisputeState(uint256 jobId, uint256 nodeId);
    /// @notice The window to answer (or to resolve) is not over.
    error MarketNotExpired(uint256 jobId, uint256 nodeId, uint64 until);
    /// @notice Open disputes block the decision.
    error MarketDisputesPending(uint256 jobId, uint16 openDisputes);
    /// @notice Only the requester may do this.
    error MarketNotRequester(uint256 jobId, address caller);
    /// @notice The root exists: the job can no longer be cancelled.
    error MarketRootExists(uint256 jobId);
    /// @notice The job's deadline has not passed.
    error MarketJobNotExpired(uint256 jobId, uint64 deadline);
    /// @notice The impossibility proof does not show what it claims.
    error MarketNotImpossible(uint256 jobId, uint8 reason, uint256 index);
    /// @notice The caller left too little gas for the requester's callback.
    error MarketCallbackGas(uint256 gasLeft, uint256 needed);
    /// @notice Parameters out of their bounds.
    error MarketInvalidParams();
    /// @notice No block hash is available for a task's seed block (more than 8191 blocks old).
    error MarketSeedUnavailable(uint256 blockNumber);
    /// @notice The deadline is not before the end of the registry's unbonding delay counted from now: a prover in
    ///         one of the job's stake snapshots could unstake and withdraw while the job can still draw it.
    error MarketDeadlineAfterUnbonding(uint64 deadline, uint64 unbondingEnd);
    /// @notice The job's deadline has passed: it draws no more (no submission, liveness slash or dispute); it can
    ///         only expire.
    error MarketPastDeadline(uint256 jobId, uint64 deadline);
    /// @notice {refreshSnapshot}: the task's snapshot holds an eligible prover (its draws stand).
    error MarketSnapshotNotEmpty(uint256 jobId, uint256 taskId, uint64 snapshotBlock);
    /// @notice {refreshSnapshot}: no prover whose capacity fits the task was staked at the end of the previous block either.
    error MarketNoEligibleProver(uint256 jobId, uint256 taskId);
    /// @notice {proposeBundle}: `msg.value` is not the bond (`bondPerLeaf · N` wei).
    error MarketInvalidBond(uint256 required, uint256 sent);
    /// @notice The job is not a proposed bundle in its challenge window (or past it, for {finalizeBundle}).
    error MarketNotProposed(uint256 jobId, JobStatus status);
    /// @notice {challengeBundle} after the challenge window.
    error MarketChallengeClosed(uint256 jobId, uint64 challengeEnd);
    /// @notice {finalizeBundle} before the challenge window has passed.
    error MarketChallengeOpen(uint256 jobId, uint64 challengeEnd);
    /// @notice The data (or `z_N`) passed is not what was proposed.
    error MarketBundleDataMismatch(uint256 jobId);
    /// @notice {challengeBundle}: the posted folds give the posted root; nothing to challenge.
    error MarketBundleValid(uint256 jobId);
}

/// @title IMarket
/// @notice The functions of the v2 proof market (one address for users: {Market}).
interface IMarket is IMarketTypes {
    /// @notice Requests a proof that `z_N = F^N(z_0)` cut into chunks of `2^chunkLog` leaves, escrowing the fee
    ///         plus the requester bond of `feeToken` (ETH: `address(0)`, as `msg.value`). Writes no per-task
    ///         state. Emits {JobRequested}.
    function requestProof(Request calldata request) external payable returns (uint256 jobId);

    /// @notice Submits chunk task `taskId` (its leaves and internal folds, verified like a bundle) as the
    ///         assignee of the running attempt. Emits {NodeSubmitted} and an {AttemptMissed} per earlier attempt.
    function submitChunk(uint256 jobId, uint256 taskId, Chunk calldata chunk) external;

    /// @notice Folds the stored children of merge task `taskId` with `cmT`. Emits {NodeSubmitted}.
    function submitMerge(
        uint256 jobId,
        uint256 taskId,
        NodeData calldata left,
        NodeData calldata right,
        Bn254.G1Point calldata cmT
    ) external;

    /// @notice Decides the root (no open disputes). Emits {JobVerified} and {CallbackResult}.
    function submitDecision(uint256 jobId, NodeData calldata root, DeciderProof calldata proof) external;

    /// @notice Local mode: verifies a whole tree and its decision in one call (as v1's bundle).
    ///         Emits {BundleVerified}, {JobVerified}, {CallbackResult}.
    function submitBundle(
        uint256 circuitId,
        uint256[] calldata states,
        Bn254.G1Point[] calldata cmW,
        Bn254.G1Point[] calldata cmT,
        DeciderProof calldata proof
    ) external returns (uint256 jobId);

    /// @notice Local mode, optimistic: verifies the decider proof of `data.root` but not the folds, stores
    ///         `keccak256(abi.encode(data))` and opens a challenge window (`bundleParams`). `msg.value` must be the
    ///         bond, `bondPerLeaf · N` wei. `N ≤ 12,000,000 / (20,000 + 1,300·s)` so that a challenge, which
    ///         re-executes every fold, fits one transaction. Emits {BundleProposed} (with the data).
    function proposeBundle(uint256 circuitId, BundleData calldata data, DeciderProof calldata proof)
        external
        payable
        returns (uint256 jobId);

    /// @notice Anyone, within the challenge window: re-executes the folds of proposed bundle `jobId` from `data`
    ///         (which must be what was proposed) and, when they do not give `data.root` or a point is invalid,
    ///         voids the job and credits the bond to the caller. Reverts {MarketBundleValid} otherwise.
    ///         Emits {BundleChallenged}.
    function challengeBundle(uint256 jobId, BundleData calldata data) external;

    /// @notice Anyone, after the challenge window: the proposed bundle becomes Verified; the bond is credited back
    ///         to the proposer, who receives the callback. `zN` must be the proposed `z_N`.
    ///         Emits {BundleFinalized}, {JobVerified}, {CallbackResult}.
    function finalizeBundle(uint256 jobId, uint256[] calldata zN) external;

    /// @notice Sets the challenge window (60 s … 30 days) and the bond per leaf (10^9 … 10^18 wei) of bundles
    ///         proposed from now on (owner). Emits {BundleParamsSet}.
    function setBundleParams(uint64 challengeWindow, uint96 bondPerLeaf) external;

    /// @notice The challenge window and bond per leaf that {proposeBundle} applies now.
    function bundleParams() external view returns (uint64 challengeWindow, uint96 bondPerLeaf);

    /// @notice A proposed bundle's record: `keccak256(abi.encode(data))`, `keccak256(abi.encode(z_N))` and its bond.
    function bundleOf(uint256 jobId) external view returns (bytes32 dataHash, bytes32 zNHash, uint256 bond);

    /// @notice Slashes the assignees of attempts of `taskId` whose windows passed (so that a stuck task's
    ///         missed attempts are punished without waiting for a submission). Emits {AttemptMissed}.
    function slashMissed(uint256 jobId, uint256 taskId) external;

    /// @notice The fallback for a task whose stake snapshot holds no prover whose capacity fits it (its draws revert
    ///         with `ProverRegistryNoEligibleProver`): anyone moves the task's availability to this block, once the
    ///         previous block's snapshot holds such a prover. Its attempts are then drawn over the snapshot at the end
    ///         of the previous block (fixed before this transaction) with the seed of the next block (unknown to
    ///         it), and its windows count from now. Emits {SnapshotRefreshed}.
    function refreshSnapshot(uint256 jobId, uint256 taskId) external;

    /// @notice Disputes a stored node, posting the dispute bond. Emits {DisputeOpened}.
    function dispute(uint256 jobId, uint256 nodeId) external;

    /// @notice Answers a dispute with a decider proof for the node. Emits {DisputeResolved}.
    function answerDispute(uint256 jobId, uint256 nodeId, NodeData calldata node, DeciderProof calldata proof)
        external;

    /// @notice After the answer window: slashes the submitter, resets the node and its ancestors (each
    ///         available again, drawn anew from a future block). Emits {DisputeResolved} and {NodeReset}.
    function resolveDispute(uint256 jobId, uint256 nodeId) external;

    /// @notice Shows the job impossible, as any staked prover: reason 1, segments `index` and `index+1`
    ///         (`segments[0..2)`) are discontinuous; reason 2, segment `index` holds a value outside the field;
    ///         reason 3, `leaf` (`u = 1`, `cmE = 0`, `x = (z', zIn)` with `z' ≠ zOut` of segment `index`) is
    ///         decided by `deciderProof` (`F` is deterministic, so the segment's step is false).
    ///         Emits {JobVoided}.
    function voidImpossible(
        uint256 jobId,
        uint8 reason,
        uint256 index,
        Segment[] calldata segments,
        Instance calldata leaf,
        DeciderProof calldata deciderProof
    ) external;

    /// @notice The requester cancels an open job whose root does not exist yet. Emits {JobCancelled}.
    function cancel(uint256 jobId) external;

    /// @notice Anyone closes an open job past its deadline. Emits {JobExpired}.
    function expire(uint256 jobId) external;

    /// @notice Adds a parameter set for new jobs (owner; bounded). Emits {ParamsSet}.
    function setParams(Params calldata params) external;

    /// @notice The task id of the decision.
    function DECISION_TASK() external view returns (uint256);
    /// @notice A job's record.
    function getJob(uint256 jobId) external view returns (Job memory);
    /// @notice A task's derived record at the current block. A bundle's job has no tasks (`MarketInvalidTask`).
    function getTask(uint256 jobId, uint256 taskId) external view returns (TaskView memory);
    /// @notice The stored node word (zero when not stored).
    function nodeDigest(uint256 jobId, uint256 nodeId) external view returns (bytes32);
    /// @notice The parameter set `paramsId`.
    function paramsAt(uint32 paramsId) external view returns (Params memory);
}
