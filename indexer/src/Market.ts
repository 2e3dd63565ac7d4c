/**
 * Market v2 events → `job`, `task`, `attempt`, `contribution`, `dispute`, `params_version`, the provers'
 * work aggregates (leaderboard) and the network totals (docs/events.md, PROTOCOL.md §3). Optimistic bundles
 * (BundleProposed, BundleChallenged, BundleFinalized + JobVerified) are jobs of mode "optimistic", status
 * "proposed" until their challenge window ends. Task ids are the
 * root node ids of chunks and merges, `(a << 128) | c`, and `2^256 − 1` for the decision; the shape comes
 * from prover/src/tree/shape.ts. v2 writes nothing per task before a submission, so a task row is created
 * by its first event: a submission (NodeSubmitted, JobVerified), a missed attempt (AttemptMissed) or a
 * dispute; availability and assignees are derived (lib/tasks.ts; the API reads `getTask` for the live
 * assignee).
 */
import { ponder } from "ponder:registry";
import { attempt, circuit, contribution, dispute, job, paramsVersion, prover, task } from "ponder:schema";
import { DECISION_TASK } from "../../prover/src/tree/shape.js";
import { MarketAbi } from "../abis/Market.js";
import { RewardSplitterAbi } from "../abis/RewardSplitter.js";
import { addNetwork, addTokenTotal, type Db, decimals, getParams, type Hex, setParams } from "../lib/aggregates.js";
import { classifyTask, type TaskKind, taskUnits, taskWork } from "../lib/tasks.js";

const VOID_REASONS = ["", "discontinuous", "not-in-field", "false-step"] as const;

type Block = { number: bigint; timestamp: bigint };
type JobRow = typeof job.$inferSelect;

function unitPrices(j: JobRow) {
  return {
    leafWeight: j.leafWeight,
    foldWeight: j.foldWeight,
    decisionWeight: j.decisionWeight,
    constraints: j.constraints,
    deciderConstraints: j.deciderConstraints,
  };
}

/** The task row of `taskId`, created (open, nothing done) on first use; `undefined` when the id is no task of the job. */
async function ensureTask(db: Db, j: JobRow, taskId: bigint, block: Block) {
  const existing = await db.find(task, { jobId: j.id, taskId });
  if (existing !== null) return existing;
  const info = classifyTask(j.nLeaves, j.chunkLog, taskId);
  if (info === undefined) return undefined;
  return db.insert(task).values({
    jobId: j.id,
    taskId,
    kind: info.kind,
    rangeStart: BigInt(info.a),
    rangeEnd: BigInt(info.c),
    submitter: null,
    status: "open",
    attempt: null,
    missedAttempts: 0,
    resets: 0,
    disputes: 0,
    compensation: 0n,
    contributionId: null,
    output: null,
    availableAt: null,
    availableBlock: null,
    firstSeenAt: block.timestamp,
  });
}

/** Records accepted work: the task becomes done, a contribution row is written, the aggregates move. */
async function completeTask(
  db: Db,
  p: {
    id: string;
    jobId: bigint;
    taskId: bigint;
    submitter: Hex;
    attempt: number | null;
    output: Record<string, unknown> | null;
    block: Block;
    txHash: Hex;
  },
) {
  const j = await db.find(job, { id: p.jobId });
  if (j === null) return;
  const row = await ensureTask(db, j, p.taskId, p.block);
  if (row === undefined) return;
  const kind = row.kind as TaskKind;
  const leaves = Number(row.rangeEnd - row.rangeStart);
  const units = taskUnits(kind, leaves, unitPrices(j));
  const work = taskWork(kind, leaves);
  await db.update(task, { jobId: p.jobId, taskId: p.taskId }).set({
    submitter: p.submitter,
    status: "done",
    attempt: p.attempt,
    contributionId: p.id,
    output: p.output,
    submittedAt: p.block.timestamp,
  });
  await db.insert(contribution).values({
    id: p.id,
    prover: p.submitter,
    jobId: p.jobId,
    taskId: p.taskId,
    kind,
    units,
    reward: null,
    reverted: false,
    blockNumber: p.block.number,
    timestamp: p.block.timestamp,
    txHash: p.txHash,
  });
  const worker = await db.find(prover, { address: p.submitter });
  if (worker !== null) {
    await db
      .update(prover, { address: p.submitter })
      .set({ units: worker.units + units, tasksDone: worker.tasksDone + 1, updatedAt: p.block.timestamp });
  }
  const leavesDone = j.leavesDone + work.leaves;
  const isRoot = kind !== "decision" && row.rangeStart === 0n && Number(row.rangeEnd) === j.nLeaves;
  await db.update(job, { id: p.jobId }).set({
    leavesDone,
    foldsDone: j.foldsDone + work.folds,
    chunksDone: j.chunksDone + (kind === "chunk" ? 1 : 0),
    mergesDone: j.mergesDone + (kind === "merge" ? 1 : 0),
    firstSubmissionAt: j.firstSubmissionAt ?? p.block.timestamp,
    leavesDoneAt: work.leaves > 0 && leavesDone === j.nLeaves ? p.block.timestamp : j.leavesDoneAt,
    rootDoneAt: isRoot ? p.block.timestamp : j.rootDoneAt,
  });
  await addNetwork(db, p.block.timestamp, {
    tasksDone: 1,
    units,
    leavesDone: work.leaves,
    foldsDone: work.folds,
    decisions: work.decisions,
  });
}

/** The work weights in force: from WeightsSet, or read from the market when indexing started after it. */
async function currentWeights(
  db: Db,
  client: { readContract: (args: never) => Promise<unknown> },
  market: Hex,
  blockNumber: bigint,
) {
  const params = await getParams(db);
  if (params?.leafWeight != null && params.foldWeight != null && params.decisionWeight != null) {
    return { leaf: params.leafWeight, fold: params.foldWeight, decision: params.decisionWeight };
  }
  const [leaf, fold, decision] = (await client.readContract({
    abi: RewardSplitterAbi,
    address: market,
    functionName: "weights",
    blockNumber,
  } as never)) as readonly [bigint, bigint, bigint];
  await setParams(db, { leafWeight: leaf, foldWeight: fold, decisionWeight: decision });
  return { leaf, fold, decision };
}

async function insertJob(
  db: Db,
  v: {
    id: bigint;
    requester: Hex;
    circuitId: bigint;
    mode: "task" | "bundle" | "optimistic";
    nLeaves: number;
    chunkLog: number;
    manifestRoot: Hex | null;
    z0: readonly bigint[];
    feeToken: Hex;
    fee: bigint;
    bond: bigint;
    deadline: bigint;
    domain: Hex;
    paramsId: number | null;
    block: Block;
    txHash: Hex;
    weights: { leaf: bigint; fold: bigint; decision: bigint };
    /** An optimistic bundle's proposal (status "proposed"). */
    proposal?: { challengeEnd: bigint; dataHash: Hex; zN: readonly bigint[] };
  },
) {
  const circuitRow = await db.find(circuit, { id: v.circuitId });
  const p = v.proposal;
  await db.insert(job).values({
    id: v.id,
    requester: v.requester,
    circuitId: v.circuitId,
    mode: v.mode,
    status: p === undefined ? "open" : "proposed",
    nLeaves: v.nLeaves,
    chunkLog: v.chunkLog,
    manifestRoot: v.manifestRoot,
    z0: decimals(v.z0),
    feeToken: v.feeToken,
    fee: v.fee,
    bond: v.bond,
    deadline: v.deadline,
    domain: v.domain,
    paramsId: v.paramsId,
    leafWeight: v.weights.leaf,
    foldWeight: v.weights.fold,
    decisionWeight: v.weights.decision,
    constraints: circuitRow?.nConstraints ?? 0n,
    deciderConstraints: circuitRow?.deciderConstraints ?? 0n,
    // A proposal posts its whole tree (submitted, as a task job's submitted chunks count); a challenge undoes it.
    leavesDone: p === undefined ? 0 : v.nLeaves,
    foldsDone: p === undefined ? 0 : v.nLeaves - 1,
    chunksDone: 0,
    mergesDone: 0,
    missedAttempts: 0,
    resets: 0,
    disputes: 0,
    challengeEnd: p?.challengeEnd ?? null,
    dataHash: p?.dataHash ?? null,
    zN: p === undefined ? null : decimals(p.zN),
    requestedAt: v.block.timestamp,
    requestedBlock: v.block.number,
    firstSubmissionAt: p === undefined ? null : v.block.timestamp,
    leavesDoneAt: p === undefined ? null : v.block.timestamp,
    rootDoneAt: p === undefined ? null : v.block.timestamp,
    txHash: v.txHash,
  });
  if (circuitRow !== null) await db.update(circuit, { id: v.circuitId }).set({ jobCount: circuitRow.jobCount + 1 });
  await addNetwork(db, v.block.timestamp, p === undefined ? { jobs: 1, jobsOpen: 1 } : { jobs: 1, jobsProposed: 1 });
  if (v.fee > 0n) await addTokenTotal(db, v.feeToken, { feesEscrowed: v.fee });
}

ponder.on("Market:JobRequested", async ({ event, context }) => {
  const a = event.args;
  const weights = await currentWeights(context.db, context.client as never, event.log.address, event.block.number);
  await insertJob(context.db, {
    id: a.jobId,
    requester: a.requester,
    circuitId: a.circuitId,
    mode: "task",
    nLeaves: a.nLeaves,
    chunkLog: a.chunkLog,
    manifestRoot: a.manifestRoot,
    z0: a.z0,
    feeToken: a.feeToken,
    fee: a.fee,
    bond: a.bond,
    deadline: a.deadline,
    domain: a.domain,
    paramsId: a.paramsId,
    block: event.block,
    txHash: event.transaction.hash,
    weights,
  });
});

ponder.on("Market:BundleVerified", async ({ event, context }) => {
  const a = event.args;
  const weights = await currentWeights(context.db, context.client as never, event.log.address, event.block.number);
  await insertJob(context.db, {
    id: a.jobId,
    requester: a.submitter,
    circuitId: a.circuitId,
    mode: "bundle",
    nLeaves: a.nLeaves,
    chunkLog: 0,
    manifestRoot: null,
    z0: a.z0,
    feeToken: "0x0000000000000000000000000000000000000000",
    fee: 0n,
    bond: 0n,
    deadline: 0n,
    domain: a.domain,
    paramsId: null,
    block: event.block,
    txHash: event.transaction.hash,
    weights,
  });
});

/**
 * An optimistic bundle was proposed: a job of mode "optimistic", status "proposed", with its claimed `z_0`
 * and `z_N` (the posted states cut at the circuit's state width, `root.x.length / 2`), the end of its challenge
 * window, the proposer's bond and the hash of the posted data. The circuit's domain is the market's (getJob).
 */
ponder.on("Market:BundleProposed", async ({ event, context }) => {
  const a = event.args;
  const states = a.data.states;
  const width = a.data.root.x.length / 2;
  const weights = await currentWeights(context.db, context.client as never, event.log.address, event.block.number);
  const onChain = (await context.client.readContract({
    abi: MarketAbi,
    address: event.log.address,
    functionName: "getJob",
    args: [a.jobId],
    blockNumber: event.block.number,
  })) as { domain: Hex };
  await insertJob(context.db, {
    id: a.jobId,
    requester: a.proposer,
    circuitId: a.circuitId,
    mode: "optimistic",
    nLeaves: a.nLeaves,
    chunkLog: 0,
    manifestRoot: null,
    z0: states.slice(0, width),
    feeToken: "0x0000000000000000000000000000000000000000",
    fee: 0n,
    bond: a.bond,
    deadline: a.challengeEnd,
    domain: onChain.domain,
    paramsId: null,
    block: event.block,
    txHash: event.transaction.hash,
    weights,
    proposal: {
      challengeEnd: a.challengeEnd,
      dataHash: a.dataHash,
      zN: states.slice(a.nLeaves * width, (a.nLeaves + 1) * width),
    },
  });
});

/** A proposed bundle was shown wrong in its window: voided ("challenged"), its bond credited to the challenger. */
ponder.on("Market:BundleChallenged", async ({ event, context }) => {
  const { jobId, challenger } = event.args;
  const j = await context.db.find(job, { id: jobId });
  if (j === null) return;
  await context.db.update(job, { id: jobId }).set({
    status: "voided",
    voidedBy: challenger,
    voidReason: "challenged",
    refund: 0n,
    closedAt: event.block.timestamp,
    // The posted folds were false: nothing of the tree counts.
    leavesDone: 0,
    foldsDone: 0,
    leavesDoneAt: null,
    rootDoneAt: null,
  });
  await addNetwork(context.db, event.block.timestamp, { jobsProposed: -1, jobsVoided: 1, bundlesChallenged: 1 });
});

/** A proposed bundle's window passed unchallenged; JobVerified (same transaction) marks it verified. */
ponder.on("Market:BundleFinalized", async ({ event, context }) => {
  if ((await context.db.find(job, { id: event.args.jobId })) === null) return;
  await addNetwork(context.db, event.block.timestamp, { bundlesFinalized: 1 });
});

ponder.on("Market:BundleParamsSet", async ({ event, context }) => {
  const { challengeWindow, bondPerLeaf } = event.args;
  await setParams(context.db, { bundleChallengeWindow: challengeWindow, bundleBondPerLeaf: bondPerLeaf });
});

ponder.on("Market:NodeSubmitted", async ({ event, context }) => {
  const { jobId, taskId, prover: submitter, attempt: at, instance, zIn, zOut } = event.args;
  await completeTask(context.db, {
    id: event.id,
    jobId,
    taskId,
    submitter,
    attempt: at,
    output: {
      instance: {
        cmW: decimals([instance.cmW.x, instance.cmW.y]),
        cmE: decimals([instance.cmE.x, instance.cmE.y]),
        u: instance.u.toString(),
        x: decimals(instance.x),
      },
      zIn: decimals(zIn),
      zOut: decimals(zOut),
    },
    block: event.block,
    txHash: event.transaction.hash,
  });
});

ponder.on("Market:JobVerified", async ({ event, context }) => {
  const { jobId, prover: verifier, zOut } = event.args;
  const j = await context.db.find(job, { id: jobId });
  if (j === null) return;
  // A bundle (BundleVerified) or an optimistic bundle finalized (BundleFinalized): no task rows, the whole tree.
  const bundle = j.mode === "bundle" || j.mode === "optimistic";
  const proposed = j.status === "proposed";
  if (!bundle) {
    await completeTask(context.db, {
      id: event.id,
      jobId,
      taskId: DECISION_TASK,
      submitter: verifier,
      attempt: null,
      output: { zOut: decimals(zOut) },
      block: event.block,
      txHash: event.transaction.hash,
    });
  }
  const after = (await context.db.find(job, { id: jobId }))!;
  await context.db.update(job, { id: jobId }).set({
    status: "verified",
    result: decimals(zOut),
    verifiedBy: verifier,
    verifiedAt: event.block.timestamp,
    closedAt: event.block.timestamp,
    // A bundle's whole tree was checked in this transaction; an optimistic one's was posted at its proposal.
    leavesDone: bundle ? j.nLeaves : after.leavesDone,
    foldsDone: bundle ? j.nLeaves - 1 : after.foldsDone,
    leavesDoneAt: bundle ? (after.leavesDoneAt ?? event.block.timestamp) : after.leavesDoneAt,
    rootDoneAt: bundle ? (after.rootDoneAt ?? event.block.timestamp) : after.rootDoneAt,
    firstSubmissionAt: bundle ? (after.firstSubmissionAt ?? event.block.timestamp) : after.firstSubmissionAt,
  });
  await addNetwork(
    context.db,
    event.block.timestamp,
    proposed ? { jobsVerified: 1, jobsProposed: -1 } : { jobsVerified: 1, jobsOpen: -1 },
  );
});

ponder.on("Market:CallbackResult", async ({ event, context }) => {
  const { jobId, success } = event.args;
  if ((await context.db.find(job, { id: jobId })) === null) return;
  await context.db.update(job, { id: jobId }).set({ callbackSuccess: success });
});

ponder.on("Market:AttemptMissed", async ({ event, context }) => {
  const { jobId, taskId, prover: late, attempt: at, slashed, beneficiary } = event.args;
  const j = await context.db.find(job, { id: jobId });
  if (j === null) return;
  const row = await ensureTask(context.db, j, taskId, event.block);
  if (row !== undefined) {
    await context.db.update(task, { jobId, taskId }).set({ missedAttempts: row.missedAttempts + 1 });
  }
  await context.db.insert(attempt).values({
    id: event.id,
    jobId,
    taskId,
    attempt: at,
    prover: late,
    slashed,
    beneficiary,
    burned: beneficiary.toLowerCase() === BURN,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await context.db.update(job, { id: jobId }).set({ missedAttempts: j.missedAttempts + 1 });
  const p = await context.db.find(prover, { address: late });
  if (p !== null) await context.db.update(prover, { address: late }).set({ attemptsMissed: p.attemptsMissed + 1 });
  await addNetwork(context.db, event.block.timestamp, { attemptsMissed: 1 });
});

const BURN = "0x000000000000000000000000000000000000dead";

ponder.on("Market:DisputeOpened", async ({ event, context }) => {
  const { jobId, nodeId, challenger, submitter, bond, answerDeadline } = event.args;
  const j = await context.db.find(job, { id: jobId });
  const row = j === null ? undefined : await ensureTask(context.db, j, nodeId, event.block);
  const n = (row?.disputes ?? 0) + 1;
  if (row !== undefined) await context.db.update(task, { jobId, taskId: nodeId }).set({ disputes: n });
  if (j !== null) await context.db.update(job, { id: jobId }).set({ disputes: j.disputes + 1 });
  await context.db.insert(dispute).values({
    id: `${jobId}-${nodeId}-${n}`,
    jobId,
    nodeId,
    challenger,
    submitter,
    bond,
    answerDeadline,
    status: "open",
    openedAt: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await addNetwork(context.db, event.block.timestamp, { disputesOpened: 1, disputesOpen: 1 });
});

ponder.on("Market:DisputeResolved", async ({ event, context }) => {
  const { jobId, nodeId, challengerWon, cancelled, slashed, burned, challengerReward } = event.args;
  const row = await context.db.find(task, { jobId, taskId: nodeId });
  const id = `${jobId}-${nodeId}-${row?.disputes ?? 1}`;
  if ((await context.db.find(dispute, { id })) === null) return;
  const status = cancelled ? "cancelled" : challengerWon ? "challenger_won" : "answered";
  await context.db.update(dispute, { id }).set({
    status,
    slashed,
    burned,
    challengerReward,
    // The rest of the slash paid the workers of the reset valid nodes above (Credited "reset").
    workersPaid: slashed - burned - challengerReward,
    resolvedAt: event.block.timestamp,
  });
  await addNetwork(context.db, event.block.timestamp, {
    disputesOpen: -1,
    disputesChallengerWon: status === "challenger_won" ? 1 : 0,
    disputesAnswered: status === "answered" ? 1 : 0,
    disputeBurned: burned,
  });
});

ponder.on("Market:NodeReset", async ({ event, context }) => {
  const { jobId, nodeId, previousSubmitter, compensation, availableBlock } = event.args;
  const row = await context.db.find(task, { jobId, taskId: nodeId });
  if (row === null) return;
  const contributionId = row.contributionId;
  await context.db.update(task, { jobId, taskId: nodeId }).set({
    status: "open",
    submitter: null,
    attempt: null,
    contributionId: null,
    output: null,
    resets: row.resets + 1,
    compensation: row.compensation + compensation,
    availableAt: event.block.timestamp,
    availableBlock,
  });
  const j = await context.db.find(job, { id: jobId });
  if (j !== null) await context.db.update(job, { id: jobId }).set({ resets: j.resets + 1 });
  await addNetwork(context.db, event.block.timestamp, { resets: 1 });
  // The reset node's work no longer counts: revert its contribution and the aggregates it moved.
  const work = contributionId === null ? null : await context.db.find(contribution, { id: contributionId });
  if (work === null || work.reverted || j === null) return;
  await context.db.update(contribution, { id: work.id }).set({ reverted: true });
  const worker = await context.db.find(prover, { address: previousSubmitter });
  if (worker !== null) {
    await context.db
      .update(prover, { address: previousSubmitter })
      .set({ units: worker.units - work.units, tasksDone: worker.tasksDone - 1 });
  }
  const kind = row.kind as TaskKind;
  const w = taskWork(kind, Number(row.rangeEnd - row.rangeStart));
  const after = (await context.db.find(job, { id: jobId }))!;
  await context.db.update(job, { id: jobId }).set({
    leavesDone: after.leavesDone - w.leaves,
    foldsDone: after.foldsDone - w.folds,
    chunksDone: after.chunksDone - (kind === "chunk" ? 1 : 0),
    mergesDone: after.mergesDone - (kind === "merge" ? 1 : 0),
    leavesDoneAt: w.leaves > 0 ? null : after.leavesDoneAt,
    rootDoneAt: row.rangeStart === 0n && Number(row.rangeEnd) === j.nLeaves ? null : after.rootDoneAt,
  });
  await addNetwork(context.db, event.block.timestamp, {
    tasksDone: -1,
    units: -work.units,
    leavesDone: -w.leaves,
    foldsDone: -w.folds,
  });
});

ponder.on("Market:SnapshotRefreshed", async ({ event, context }) => {
  // The task's stake snapshot held no fitting prover: it is available again from this block (draws over the
  // previous block's snapshot, windows counted from now).
  const { jobId, taskId, availableBlock } = event.args;
  const j = await context.db.find(job, { id: jobId });
  if (j === null) return;
  if ((await ensureTask(context.db, j, taskId, event.block)) === undefined) return;
  await context.db.update(task, { jobId, taskId }).set({ availableAt: event.block.timestamp, availableBlock });
});

async function closeJob(
  db: Db,
  jobId: bigint,
  status: "cancelled" | "expired" | "voided",
  refund: bigint,
  block: Block,
  extra: Partial<typeof job.$inferInsert> = {},
) {
  if ((await db.find(job, { id: jobId })) === null) return;
  await db.update(job, { id: jobId }).set({ ...extra, status, refund, closedAt: block.timestamp });
  await addNetwork(db, block.timestamp, {
    jobsOpen: -1,
    jobsCancelled: status === "cancelled" ? 1 : 0,
    jobsExpired: status === "expired" ? 1 : 0,
    jobsVoided: status === "voided" ? 1 : 0,
  });
}

ponder.on("Market:JobCancelled", async ({ event, context }) => {
  await closeJob(context.db, event.args.jobId, "cancelled", event.args.refund, event.block);
});

ponder.on("Market:JobExpired", async ({ event, context }) => {
  await closeJob(context.db, event.args.jobId, "expired", event.args.refund, event.block);
});

ponder.on("Market:JobVoided", async ({ event, context }) => {
  const { jobId, prover: by, reason, index, refund } = event.args;
  await closeJob(context.db, jobId, "voided", refund, event.block, {
    voidedBy: by,
    voidReason: VOID_REASONS[reason] || `reason-${reason}`,
    voidIndex: index,
  });
});

ponder.on("Market:ParamsSet", async ({ event, context }) => {
  const { paramsId, params: p } = event.args;
  const values = {
    minFee: p.minFee,
    requesterBondBps: p.requesterBondBps,
    livenessBond: p.livenessBond,
    disputeBond: p.disputeBond,
    disputeSlash: p.disputeSlash,
    window: p.window,
    disputeWindow: p.disputeWindow,
    maxJobDuration: p.maxJobDuration,
    burnBps: p.burnBps,
    callbackGasLimit: BigInt(p.callbackGasLimit),
  };
  // The set takes the weights in force (a WeightsSet earlier in the same transaction when setWeights added it).
  const w = await currentWeights(context.db, context.client as never, event.log.address, event.block.number);
  await context.db.insert(paramsVersion).values({
    id: paramsId,
    ...values,
    leafWeight: w.leaf,
    foldWeight: w.fold,
    decisionWeight: w.decision,
    setAt: event.block.timestamp,
    blockNumber: event.block.number,
    txHash: event.transaction.hash,
  });
  await setParams(context.db, { paramsId, ...values });
});
