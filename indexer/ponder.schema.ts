/**
 * The indexer's tables (docs/indexer.md describes each column). One row per entity, kept current by the
 * handlers in src/ from the contracts' events (docs/events.md); history tables (stake_event, slash_event,
 * contribution, dispute) get one row per event. Amounts are bigint in the token's base unit; times are
 * unix seconds (bigint) of the block that changed the row.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** A registered prover, with the aggregates the leaderboard sorts by. */
export const prover = onchainTable(
  "prover",
  (t) => ({
    address: t.hex().primaryKey(),
    peerId: t.hex().notNull(),
    maxConstraints: t.bigint().notNull(),
    gpu: t.boolean().notNull(),
    /** "staked" (stake ≥ minStake), "understaked" (registered, below minStake), "unbonding" (no active stake, some unbonding), "exited" (nothing left) */
    status: t.text().notNull(),
    stake: t.bigint().notNull(),
    unbonding: t.bigint().notNull(),
    releaseAt: t.bigint().notNull(),
    /** Work units of accepted leaves, folds and decisions (minus those reset by a lost dispute). */
    units: t.bigint().notNull(),
    tasksDone: t.integer().notNull(),
    tasksReclaimedFrom: t.integer().notNull(),
    /** Task rewards credited (sum over fee tokens; per token in `reward`). */
    earnings: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    slashCount: t.integer().notNull(),
    slashedAmount: t.bigint().notNull(),
    registeredAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    unitsIdx: index().on(table.units),
    earningsIdx: index().on(table.earnings),
    statusIdx: index().on(table.status),
  }),
);

/** Every stake change of a prover: "stake", "unstake", "withdraw", "slash". */
export const stakeEvent = onchainTable(
  "stake_event",
  (t) => ({
    id: t.text().primaryKey(),
    prover: t.hex().notNull(),
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    stakeAfter: t.bigint().notNull(),
    unbondingAfter: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ proverIdx: index().on(table.prover) }),
);

/** A slash of a prover's stake, linked to the job/task/dispute that caused it when the market says so. */
export const slashEvent = onchainTable(
  "slash_event",
  (t) => ({
    id: t.text().primaryKey(),
    prover: t.hex().notNull(),
    beneficiary: t.hex().notNull(),
    amount: t.bigint().notNull(),
    /** "liveness" or "dispute" */
    reason: t.text().notNull(),
    jobId: t.bigint(),
    taskId: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    proverIdx: index().on(table.prover),
    txIdx: index().on(table.txHash),
    jobIdx: index().on(table.jobId),
  }),
);

/** A registered step circuit F. */
export const circuit = onchainTable("circuit", (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  r1csHash: t.hex().notNull(),
  srsDigest: t.hex().notNull(),
  decider: t.hex().notNull(),
  nConstraints: t.bigint().notNull(),
  nWitness: t.bigint().notNull(),
  stateWidth: t.integer().notNull(),
  deciderConstraints: t.bigint().notNull(),
  jobCount: t.integer().notNull(),
  registeredAt: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

/** A proof job and its progress. */
export const job = onchainTable(
  "job",
  (t) => ({
    id: t.bigint().primaryKey(),
    requester: t.hex().notNull(),
    circuitId: t.bigint().notNull(),
    /** "task" or "bundle" */
    mode: t.text().notNull(),
    /** "open", "verified", "cancelled", "expired" */
    status: t.text().notNull(),
    nLeaves: t.integer().notNull(),
    manifestRoot: t.hex().notNull(),
    /** z_0 as decimal strings */
    z0: t.jsonb().$type<string[]>().notNull(),
    feeToken: t.hex().notNull(),
    fee: t.bigint().notNull(),
    deadline: t.bigint().notNull(),
    domain: t.hex().notNull(),
    seed: t.hex().notNull(),
    /** Per-task rewards fixed at the request (RewardsFixed). */
    leafReward: t.bigint(),
    foldReward: t.bigint(),
    decisionReward: t.bigint(),
    dust: t.bigint(),
    /** Work units of one task of each kind: weight × constraints, with the weights in force at the request. */
    leafUnits: t.bigint().notNull(),
    foldUnits: t.bigint().notNull(),
    decisionUnits: t.bigint().notNull(),
    leavesDone: t.integer().notNull(),
    foldsDone: t.integer().notNull(),
    reclaims: t.integer().notNull(),
    disputes: t.integer().notNull(),
    /** z_N as decimal strings, once verified */
    result: t.jsonb().$type<string[]>(),
    verifiedBy: t.hex(),
    callbackSuccess: t.boolean(),
    refund: t.bigint(),
    requestedAt: t.bigint().notNull(),
    requestedBlock: t.bigint().notNull(),
    firstSubmissionAt: t.bigint(),
    leavesDoneAt: t.bigint(),
    rootDoneAt: t.bigint(),
    verifiedAt: t.bigint(),
    closedAt: t.bigint(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    requesterIdx: index().on(table.requester),
    statusIdx: index().on(table.status),
    circuitIdx: index().on(table.circuitId),
  }),
);

/** A task of a job: a leaf or fold (its tree node) or the decision. */
export const task = onchainTable(
  "task",
  (t) => ({
    jobId: t.bigint().notNull(),
    /** nodeId = (a << 128) | c, or 2^256 − 1 for the decision */
    taskId: t.bigint().notNull(),
    /** "leaf", "fold", "decision" */
    kind: t.text().notNull(),
    /** Leaf range [rangeStart, rangeEnd); the whole job for the decision. */
    rangeStart: t.bigint().notNull(),
    rangeEnd: t.bigint().notNull(),
    /** Current worker: the assignee until done (then the submitter). */
    assignee: t.hex().notNull(),
    submitter: t.hex(),
    /** "assigned", "done", "paid" (reward credited) */
    status: t.text().notNull(),
    deadline: t.bigint().notNull(),
    assignments: t.integer().notNull(),
    reclaims: t.integer().notNull(),
    resets: t.integer().notNull(),
    disputes: t.integer().notNull(),
    /** The contribution row of the current submission (null when not done). */
    contributionId: t.text(),
    /** Leaf: cmW and x; fold: cmT, r and the parent instance with its boundary states. Decimal strings. */
    output: t.jsonb().$type<Record<string, unknown>>(),
    assignedAt: t.bigint().notNull(),
    submittedAt: t.bigint(),
    reward: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.jobId, table.taskId] }),
    assigneeIdx: index().on(table.assignee),
    submitterIdx: index().on(table.submitter),
    statusIdx: index().on(table.status),
  }),
);

/** One accepted piece of work: who did which task of which job, for how many units. */
export const contribution = onchainTable(
  "contribution",
  (t) => ({
    id: t.text().primaryKey(),
    prover: t.hex().notNull(),
    jobId: t.bigint().notNull(),
    taskId: t.bigint().notNull(),
    kind: t.text().notNull(),
    units: t.bigint().notNull(),
    /** Set when the task's reward is credited. */
    reward: t.bigint(),
    /** The node was reset by a lost dispute: the work no longer counts. */
    reverted: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ proverIdx: index().on(table.prover), jobIdx: index().on(table.jobId) }),
);

/** A claimable balance: what `account` was credited and claimed in `token` (address(0): ETH). */
export const reward = onchainTable(
  "reward",
  (t) => ({
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    /** Credited and not yet claimed. */
    owed: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    /** Credited for tasks / for other reasons (refunds, dust, dispute bonds). */
    creditedTasks: t.bigint().notNull(),
    creditedOther: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.account, table.token] }), accountIdx: index().on(table.account) }),
);

/** One Credited or Claimed event. */
export const rewardEvent = onchainTable(
  "reward_event",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    /** "credit" or "claim" */
    kind: t.text().notNull(),
    /** credit reason: "task", "refund", "dust", "bond" */
    reason: t.text(),
    jobId: t.bigint(),
    taskId: t.bigint(),
    amount: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account), jobIdx: index().on(table.jobId) }),
);

/** A dispute on a node: `${jobId}-${nodeId}-${n}` for the n-th dispute of that node. */
export const dispute = onchainTable(
  "dispute",
  (t) => ({
    id: t.text().primaryKey(),
    jobId: t.bigint().notNull(),
    nodeId: t.bigint().notNull(),
    challenger: t.hex().notNull(),
    submitter: t.hex().notNull(),
    bond: t.bigint().notNull(),
    answerDeadline: t.bigint().notNull(),
    /** "open", "answered" (submitter won), "challenger_won", "cancelled" */
    status: t.text().notNull(),
    slashed: t.bigint(),
    openedAt: t.bigint().notNull(),
    resolvedAt: t.bigint(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ jobIdx: index().on(table.jobId), statusIdx: index().on(table.status) }),
);

/** Network-wide totals (one row, id "network"). Money totals are summed over fee tokens; per token in `token_total`. */
export const network = onchainTable("network", (t) => ({
  id: t.text().primaryKey(),
  provers: t.integer().notNull(),
  stakedProvers: t.integer().notNull(),
  totalStake: t.bigint().notNull(),
  totalUnbonding: t.bigint().notNull(),
  circuits: t.integer().notNull(),
  jobs: t.integer().notNull(),
  jobsOpen: t.integer().notNull(),
  jobsVerified: t.integer().notNull(),
  jobsCancelled: t.integer().notNull(),
  jobsExpired: t.integer().notNull(),
  tasksDone: t.integer().notNull(),
  leavesDone: t.integer().notNull(),
  foldsDone: t.integer().notNull(),
  decisions: t.integer().notNull(),
  reclaims: t.integer().notNull(),
  units: t.bigint().notNull(),
  slashes: t.integer().notNull(),
  slashedAmount: t.bigint().notNull(),
  disputesOpened: t.integer().notNull(),
  disputesOpen: t.integer().notNull(),
  disputesChallengerWon: t.integer().notNull(),
  disputesAnswered: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** Money totals per fee token (address(0): ETH). */
export const tokenTotal = onchainTable("token_total", (t) => ({
  token: t.hex().primaryKey(),
  feesEscrowed: t.bigint().notNull(),
  creditedTasks: t.bigint().notNull(),
  creditedOther: t.bigint().notNull(),
  claimed: t.bigint().notNull(),
}));

/** Governance parameters as last set (one row, id "params"). */
export const protocol = onchainTable("protocol", (t) => ({
  id: t.text().primaryKey(),
  market: t.hex(),
  unbondingDelay: t.bigint(),
  minStake: t.bigint(),
  leafWeight: t.bigint(),
  foldWeight: t.bigint(),
  decisionWeight: t.bigint(),
  livenessBond: t.bigint(),
  disputeBond: t.bigint(),
  disputeSlash: t.bigint(),
  taskWindow: t.bigint(),
  disputeWindow: t.bigint(),
  callbackGasLimit: t.bigint(),
  maxLeaves: t.bigint(),
}));

export const proverRelations = relations(prover, ({ many }) => ({
  stakeEvents: many(stakeEvent),
  slashes: many(slashEvent),
  contributions: many(contribution),
  rewards: many(reward),
}));

export const stakeEventRelations = relations(stakeEvent, ({ one }) => ({
  proverRecord: one(prover, { fields: [stakeEvent.prover], references: [prover.address] }),
}));

export const slashEventRelations = relations(slashEvent, ({ one }) => ({
  proverRecord: one(prover, { fields: [slashEvent.prover], references: [prover.address] }),
}));

export const circuitRelations = relations(circuit, ({ many }) => ({ jobs: many(job) }));

export const jobRelations = relations(job, ({ one, many }) => ({
  circuit: one(circuit, { fields: [job.circuitId], references: [circuit.id] }),
  tasks: many(task),
  contributions: many(contribution),
  disputes: many(dispute),
}));

export const taskRelations = relations(task, ({ one }) => ({
  job: one(job, { fields: [task.jobId], references: [job.id] }),
}));

export const contributionRelations = relations(contribution, ({ one }) => ({
  proverRecord: one(prover, { fields: [contribution.prover], references: [prover.address] }),
  job: one(job, { fields: [contribution.jobId], references: [job.id] }),
}));

export const rewardRelations = relations(reward, ({ one }) => ({
  proverRecord: one(prover, { fields: [reward.account], references: [prover.address] }),
}));

export const disputeRelations = relations(dispute, ({ one }) => ({
  job: one(job, { fields: [dispute.jobId], references: [job.id] }),
}));
