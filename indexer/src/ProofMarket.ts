/**
 * ProofMarket events → `job`, `task`, `contribution`, `dispute`, the provers' work aggregates
 * (leaderboard) and the network totals. Task ids are tree node ids `(a << 128) | c`, the decision is
 * `2^256 − 1` (docs/events.md); the job tree follows docs/protocol.md §7.
 */
import { ponder } from "ponder:registry";
import { circuit, contribution, dispute, job, prover, task } from "ponder:schema";
import { DECISION_TASK, nodeRange as shapeRange } from "../../prover/src/tree/shape.js";
import { RewardSplitterAbi } from "../abis/RewardSplitter.js";
import { addNetwork, addTokenTotal, type Db, decimals, getParams, type Hex, setParams } from "../lib/aggregates.js";

/** A task's leaf range as the schema stores it (bigints), from the shape module. */
function nodeRange(id: bigint): { a: bigint; c: bigint } {
  const { a, c } = shapeRange(id);
  return { a: BigInt(a), c: BigInt(c) };
}

const TASK_KINDS = ["leaf", "fold", "decision"] as const;
const MODES = ["task", "bundle"] as const;

type Block = { number: bigint; timestamp: bigint };

/** Records accepted work: the task becomes done, a contribution row is written, the aggregates move. */
async function completeTask(
  db: Db,
  params: {
    id: string;
    jobId: bigint;
    taskId: bigint;
    kind: "leaf" | "fold" | "decision";
    submitter: Hex;
    output: Record<string, unknown> | null;
    block: Block;
    txHash: Hex;
  },
) {
  const { id, jobId, taskId, kind, submitter, output, block, txHash } = params;
  const jobRow = await db.find(job, { id: jobId });
  if (jobRow === null) return;
  const units = kind === "leaf" ? jobRow.leafUnits : kind === "fold" ? jobRow.foldUnits : jobRow.decisionUnits;
  const existing = await db.find(task, { jobId, taskId });
  const range = kind === "decision" ? { a: 0n, c: BigInt(jobRow.nLeaves) } : nodeRange(taskId);
  if (existing === null) {
    // Not announced by a TaskAssigned (never the case for the market's tasks, kept for robustness).
    await db.insert(task).values({
      jobId,
      taskId,
      kind,
      rangeStart: range.a,
      rangeEnd: range.c,
      assignee: submitter,
      submitter,
      status: "done",
      deadline: 0n,
      assignments: 0,
      reclaims: 0,
      resets: 0,
      disputes: 0,
      contributionId: id,
      output,
      assignedAt: block.timestamp,
      submittedAt: block.timestamp,
    });
  } else {
    await db.update(task, { jobId, taskId }).set({
      assignee: submitter,
      submitter,
      status: "done",
      contributionId: id,
      output,
      submittedAt: block.timestamp,
    });
  }
  await db.insert(contribution).values({
    id,
    prover: submitter,
    jobId,
    taskId,
    kind,
    units,
    reward: null,
    reverted: false,
    blockNumber: block.number,
    timestamp: block.timestamp,
    txHash,
  });
  const proverRow = await db.find(prover, { address: submitter });
  if (proverRow !== null) {
    await db
      .update(prover, { address: submitter })
      .set({ units: proverRow.units + units, tasksDone: proverRow.tasksDone + 1, updatedAt: block.timestamp });
  }
  const leavesDone = jobRow.leavesDone + (kind === "leaf" ? 1 : 0);
  const foldsDone = jobRow.foldsDone + (kind === "fold" ? 1 : 0);
  const isRoot = kind !== "decision" && range.a === 0n && range.c === BigInt(jobRow.nLeaves);
  await db.update(job, { id: jobId }).set({
    leavesDone,
    foldsDone,
    firstSubmissionAt: jobRow.firstSubmissionAt ?? block.timestamp,
    leavesDoneAt: kind === "leaf" && leavesDone === jobRow.nLeaves ? block.timestamp : jobRow.leavesDoneAt,
    rootDoneAt: isRoot ? block.timestamp : jobRow.rootDoneAt,
  });
  await addNetwork(db, block.timestamp, {
    tasksDone: 1,
    units,
    leavesDone: kind === "leaf" ? 1 : 0,
    foldsDone: kind === "fold" ? 1 : 0,
    decisions: kind === "decision" ? 1 : 0,
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

ponder.on("ProofMarket:JobRequested", async ({ event, context }) => {
  const a = event.args;
  const circuitRow = await context.db.find(circuit, { id: a.circuitId });
  const weights = await currentWeights(context.db, context.client as never, event.log.address, event.block.number);
  const constraints = circuitRow?.nConstraints ?? 0n;
  const deciderConstraints = circuitRow?.deciderConstraints ?? 0n;
  const mode = MODES[a.mode] ?? "task";
  await context.db.insert(job).values({
    id: a.jobId,
    requester: a.requester,
    circuitId: a.circuitId,
    mode,
    status: "open",
    nLeaves: a.nLeaves,
    manifestRoot: a.manifestRoot,
    z0: decimals(a.z0),
    feeToken: a.feeToken,
    fee: a.fee,
    deadline: a.deadline,
    domain: a.domain,
    seed: a.seed,
    leafUnits: weights.leaf * constraints,
    foldUnits: weights.fold * constraints,
    decisionUnits: weights.decision * deciderConstraints,
    leavesDone: 0,
    foldsDone: 0,
    reclaims: 0,
    disputes: 0,
    requestedAt: event.block.timestamp,
    requestedBlock: event.block.number,
    txHash: event.transaction.hash,
  });
  if (circuitRow !== null) {
    await context.db.update(circuit, { id: a.circuitId }).set({ jobCount: circuitRow.jobCount + 1 });
  }
  await addNetwork(context.db, event.block.timestamp, { jobs: 1, jobsOpen: 1 });
  if (a.fee > 0n) await addTokenTotal(context.db, a.feeToken, { feesEscrowed: a.fee });
});

ponder.on("ProofMarket:TaskAssigned", async ({ event, context }) => {
  const { jobId, taskId, prover: assignee, kind, deadline } = event.args;
  const kindName = TASK_KINDS[kind] ?? "leaf";
  let range: { a: bigint; c: bigint };
  if (kindName === "decision") {
    const jobRow = await context.db.find(job, { id: jobId });
    range = { a: 0n, c: BigInt(jobRow?.nLeaves ?? 0) };
  } else {
    range = nodeRange(taskId);
  }
  await context.db
    .insert(task)
    .values({
      jobId,
      taskId,
      kind: kindName,
      rangeStart: range.a,
      rangeEnd: range.c,
      assignee,
      submitter: null,
      status: "assigned",
      deadline,
      assignments: 1,
      reclaims: 0,
      resets: 0,
      disputes: 0,
      contributionId: null,
      output: null,
      assignedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      assignee,
      status: "assigned",
      deadline,
      assignments: row.assignments + 1,
      assignedAt: event.block.timestamp,
    }));
});

ponder.on("ProofMarket:TaskDeadlineExtended", async ({ event, context }) => {
  const { jobId, taskId, deadline } = event.args;
  if ((await context.db.find(task, { jobId, taskId })) === null) return;
  await context.db.update(task, { jobId, taskId }).set({ deadline });
});

ponder.on("ProofMarket:LeafSubmitted", async ({ event, context }) => {
  const { jobId, nodeId, prover: submitter, cmW, x } = event.args;
  await completeTask(context.db, {
    id: event.id,
    jobId,
    taskId: nodeId,
    kind: "leaf",
    submitter,
    output: { cmW: decimals([cmW.x, cmW.y]), x: decimals(x) },
    block: event.block,
    txHash: event.transaction.hash,
  });
});

ponder.on("ProofMarket:FoldSubmitted", async ({ event, context }) => {
  const { jobId, nodeId, prover: submitter, cmT, r, instance, zIn, zOut } = event.args;
  await completeTask(context.db, {
    id: event.id,
    jobId,
    taskId: nodeId,
    kind: "fold",
    submitter,
    output: {
      cmT: decimals([cmT.x, cmT.y]),
      r: r.toString(),
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

ponder.on("ProofMarket:JobVerified", async ({ event, context }) => {
  const { jobId, prover: verifier, zOut } = event.args;
  const jobRow = await context.db.find(job, { id: jobId });
  if (jobRow === null) return;
  if (jobRow.mode === "task") {
    await completeTask(context.db, {
      id: event.id,
      jobId,
      taskId: DECISION_TASK,
      kind: "decision",
      submitter: verifier,
      output: { zOut: decimals(zOut) },
      block: event.block,
      txHash: event.transaction.hash,
    });
  }
  const after = await context.db.find(job, { id: jobId });
  const bundle = jobRow.mode === "bundle";
  await context.db.update(job, { id: jobId }).set({
    status: "verified",
    result: decimals(zOut),
    verifiedBy: verifier,
    verifiedAt: event.block.timestamp,
    closedAt: event.block.timestamp,
    // A bundle's whole tree was checked in this transaction.
    leavesDone: bundle ? jobRow.nLeaves : after!.leavesDone,
    foldsDone: bundle ? jobRow.nLeaves - 1 : after!.foldsDone,
    leavesDoneAt: bundle ? event.block.timestamp : after!.leavesDoneAt,
    rootDoneAt: bundle ? event.block.timestamp : after!.rootDoneAt,
    firstSubmissionAt: bundle ? event.block.timestamp : after!.firstSubmissionAt,
  });
  await addNetwork(context.db, event.block.timestamp, { jobsVerified: 1, jobsOpen: -1 });
});

ponder.on("ProofMarket:CallbackResult", async ({ event, context }) => {
  const { jobId, success } = event.args;
  if ((await context.db.find(job, { id: jobId })) === null) return;
  await context.db.update(job, { id: jobId }).set({ callbackSuccess: success });
});

ponder.on("ProofMarket:TaskReclaimed", async ({ event, context }) => {
  const { jobId, taskId, prover: reclaimer, previous, deadline } = event.args;
  const row = await context.db.find(task, { jobId, taskId });
  if (row !== null) {
    await context.db
      .update(task, { jobId, taskId })
      .set({ assignee: reclaimer, deadline, reclaims: row.reclaims + 1, assignedAt: event.block.timestamp });
  }
  const jobRow = await context.db.find(job, { id: jobId });
  if (jobRow !== null) await context.db.update(job, { id: jobId }).set({ reclaims: jobRow.reclaims + 1 });
  const late = await context.db.find(prover, { address: previous });
  if (late !== null) {
    await context.db.update(prover, { address: previous }).set({ tasksReclaimedFrom: late.tasksReclaimedFrom + 1 });
  }
  await addNetwork(context.db, event.block.timestamp, { reclaims: 1 });
});

ponder.on("ProofMarket:DisputeOpened", async ({ event, context }) => {
  const { jobId, nodeId, challenger, submitter, bond, answerDeadline } = event.args;
  const row = await context.db.find(task, { jobId, taskId: nodeId });
  const n = (row?.disputes ?? 0) + 1;
  if (row !== null) await context.db.update(task, { jobId, taskId: nodeId }).set({ disputes: n });
  const jobRow = await context.db.find(job, { id: jobId });
  if (jobRow !== null) await context.db.update(job, { id: jobId }).set({ disputes: jobRow.disputes + 1 });
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

ponder.on("ProofMarket:DisputeResolved", async ({ event, context }) => {
  const { jobId, nodeId, challengerWon, cancelled, slashed } = event.args;
  const row = await context.db.find(task, { jobId, taskId: nodeId });
  const id = `${jobId}-${nodeId}-${row?.disputes ?? 1}`;
  if ((await context.db.find(dispute, { id })) === null) return;
  const status = cancelled ? "cancelled" : challengerWon ? "challenger_won" : "answered";
  await context.db.update(dispute, { id }).set({ status, slashed, resolvedAt: event.block.timestamp });
  await addNetwork(context.db, event.block.timestamp, {
    disputesOpen: -1,
    disputesChallengerWon: status === "challenger_won" ? 1 : 0,
    disputesAnswered: status === "answered" ? 1 : 0,
  });
});

ponder.on("ProofMarket:NodeReset", async ({ event, context }) => {
  const { jobId, nodeId, previousSubmitter } = event.args;
  const row = await context.db.find(task, { jobId, taskId: nodeId });
  if (row === null) return;
  const contributionId = row.contributionId;
  await context.db
    .update(task, { jobId, taskId: nodeId })
    .set({ status: "assigned", submitter: null, contributionId: null, output: null, resets: row.resets + 1 });
  // The reset node's work no longer counts: revert its contribution and the aggregates it moved.
  const work = contributionId === null ? null : await context.db.find(contribution, { id: contributionId });
  if (work === null || work.reverted) return;
  await context.db.update(contribution, { id: work.id }).set({ reverted: true });
  const worker = await context.db.find(prover, { address: previousSubmitter });
  if (worker !== null) {
    await context.db
      .update(prover, { address: previousSubmitter })
      .set({ units: worker.units - work.units, tasksDone: worker.tasksDone - 1 });
  }
  const jobRow = await context.db.find(job, { id: jobId });
  const isLeaf = work.kind === "leaf";
  if (jobRow !== null) {
    const { a, c } = nodeRange(nodeId);
    const isRoot = a === 0n && c === BigInt(jobRow.nLeaves);
    await context.db.update(job, { id: jobId }).set({
      leavesDone: jobRow.leavesDone - (isLeaf ? 1 : 0),
      foldsDone: jobRow.foldsDone - (isLeaf ? 0 : 1),
      leavesDoneAt: isLeaf ? null : jobRow.leavesDoneAt,
      rootDoneAt: isRoot ? null : jobRow.rootDoneAt,
    });
  }
  await addNetwork(context.db, event.block.timestamp, {
    tasksDone: -1,
    units: -work.units,
    leavesDone: isLeaf ? -1 : 0,
    foldsDone: isLeaf ? 0 : -1,
  });
});

async function closeJob(db: Db, jobId: bigint, status: "cancelled" | "expired", refund: bigint, block: Block) {
  if ((await db.find(job, { id: jobId })) === null) return;
  await db.update(job, { id: jobId }).set({ status, refund, closedAt: block.timestamp });
  await addNetwork(db, block.timestamp, {
    jobsOpen: -1,
    jobsCancelled: status === "cancelled" ? 1 : 0,
    jobsExpired: status === "expired" ? 1 : 0,
  });
}

ponder.on("ProofMarket:JobCancelled", async ({ event, context }) => {
  await closeJob(context.db, event.args.jobId, "cancelled", event.args.refund, event.block);
});

ponder.on("ProofMarket:JobExpired", async ({ event, context }) => {
  await closeJob(context.db, event.args.jobId, "expired", event.args.refund, event.block);
});

ponder.on("ProofMarket:ParamsSet", async ({ event, context }) => {
  const p = event.args.params;
  await setParams(context.db, {
    livenessBond: p.livenessBond,
    disputeBond: p.disputeBond,
    disputeSlash: p.disputeSlash,
    taskWindow: p.taskWindow,
    disputeWindow: p.disputeWindow,
    callbackGasLimit: BigInt(p.callbackGasLimit),
    maxLeaves: BigInt(p.maxLeaves),
  });
});
