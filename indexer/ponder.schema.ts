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
    /** Its stake cannot be withdrawn before this time: it submitted work that can be disputed until then (StakeLocked). */
    lockedUntil: t.bigint().notNull(),
    /** Work units of accepted leaves, folds and decisions (minus those reset by a lost dispute). */
    units: t.bigint().notNull(),
    tasksDone: t.integer().notNull(),
    /** Attempt windows it was drawn for and let pass (each slashed its liveness bond). */
    attemptsMissed: t.integer().notNull(),
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
    /**
     * "task" (requested, proven task by task), "bundle" (local mode, verified whole) or "optimistic" (a bundle
     * proposed with its data posted, verified by its decider proof, its folds only if challenged)
     */
    mode: t.text().notNull(),
    /** "open", "proposed" (an optimistic bundle in its challenge window), "verified", "cancelled", "expired", "voided" */
    status: t.text().notNull(),
    nLeaves: t.integer().notNull(),
    /** Chunk size 2^chunkLog leaves (0: one-leaf chunks). */
    chunkLog: t.integer().notNull(),
    /** null for a bundle */
    manifestRoot: t.hex(),
    /** z_0 as decimal strings */
    z0: t.jsonb().$type<string[]>().notNull(),
    feeToken: t.hex().notNull(),
    fee: t.bigint().notNull(),
    /** The requester bond escrowed with the fee; for an optimistic bundle the proposer's bond (wei). */
    bond: t.bigint().notNull(),
    /** The job's deadline; for an optimistic bundle the end of its challenge window (as `challengeEnd`). */
    deadline: t.bigint().notNull(),
    domain: t.hex().notNull(),
    /** The parameter set the job runs under (params_version); null for a bundle. */
    paramsId: t.integer(),
    /** Unit prices at the request: the weights in force and the circuit's sizes (|F|, |D_F|). */
    leafWeight: t.bigint().notNull(),
    foldWeight: t.bigint().notNull(),
    decisionWeight: t.bigint().notNull(),
    constraints: t.bigint().notNull(),
    deciderConstraints: t.bigint().notNull(),
    /** Leaves and folds proved (a chunk counts its leaves and its internal folds). */
    leavesDone: t.integer().notNull(),
    foldsDone: t.integer().notNull(),
    chunksDone: t.integer().notNull(),
    mergesDone: t.integer().notNull(),
    missedAttempts: t.integer().notNull(),
    resets: t.integer().notNull(),
    disputes: t.integer().notNull(),
    /** z_N as decimal strings, once verified */
    result: t.jsonb().$type<string[]>(),
    verifiedBy: t.hex(),
    callbackSuccess: t.boolean(),
    refund: t.bigint(),
    /**
     * An optimistic bundle (BundleProposed): the last second a challenge is accepted, keccak256 of its posted
     * data, and the z_N it claims (decimal strings; `result` once finalized).
     */
    challengeEnd: t.bigint(),
    dataHash: t.hex(),
    zN: t.jsonb().$type<string[]>(),
    /**
     * A voided job: who showed it impossible, why ("discontinuous", "not-in-field", "false-step"; "challenged"
     * for an optimistic bundle shown wrong by BundleChallenged, `voidedBy` its challenger) and where.
     */
    voidedBy: t.hex(),
    voidReason: t.text(),
    voidIndex: t.bigint(),
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

/**
 * A task of a job that an event touched: a chunk or merge (its root node) or the decision. v2 writes
 * nothing on-chain per task before a submission, so tasks no event touched have no row (lib/tasks.ts
 * derives them); the live assignee of an open task is read from the market by the API.
 */
export const task = onchainTable(
  "task",
  (t) => ({
    jobId: t.bigint().notNull(),
    /** nodeId = (a << 128) | c, or 2^256 − 1 for the decision */
    taskId: t.bigint().notNull(),
    /** "chunk", "merge", "decision" */
    kind: t.text().notNull(),
    /** Leaf range [rangeStart, rangeEnd); the whole job for the decision. */
    rangeStart: t.bigint().notNull(),
    rangeEnd: t.bigint().notNull(),
    submitter: t.hex(),
    /** "open" (not done), "done", "paid" (reward credited) */
    status: t.text().notNull(),
    /** The attempt window the current submission came in (0 the first). */
    attempt: t.integer(),
    /** Attempts whose assignee let the window pass (AttemptMissed). */
    missedAttempts: t.integer().notNull(),
    resets: t.integer().notNull(),
    disputes: t.integer().notNull(),
    /** Paid to this task's workers when their valid node was reset by a dispute below it. */
    compensation: t.bigint().notNull(),
    /** The contribution row of the current submission (null when not done). */
    contributionId: t.text(),
    /** The node (instance, zIn, zOut, decimal strings) for a chunk or merge; zOut for the decision. */
    output: t.jsonb().$type<Record<string, unknown>>(),
    /** After a reset or a snapshot refresh: when (and from which block's successor) it is available again. */
    availableAt: t.bigint(),
    availableBlock: t.bigint(),
    firstSeenAt: t.bigint().notNull(),
    submittedAt: t.bigint(),
    reward: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.jobId, table.taskId] }),
    submitterIdx: index().on(table.submitter),
    statusIdx: index().on(table.status),
  }),
);

/** A missed attempt: the prover drawn for attempt `attempt` of a task let its window pass and was slashed. */
export const attempt = onchainTable(
  "attempt",
  (t) => ({
    id: t.text().primaryKey(),
    jobId: t.bigint().notNull(),
    taskId: t.bigint().notNull(),
    attempt: t.integer().notNull(),
    prover: t.hex().notNull(),
    slashed: t.bigint().notNull(),
    /** Who got the slash: the task's eventual submitter, or the burn address. */
    beneficiary: t.hex().notNull(),
    burned: t.boolean().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ jobTaskIdx: index().on(table.jobId, table.taskId), proverIdx: index().on(table.prover) }),
);

/** A governance parameter set (ParamsSet): each job runs under the set current at its request. */
export const paramsVersion = onchainTable("params_version", (t) => ({
  id: t.integer().primaryKey(),
  minFee: t.bigint().notNull(),
  requesterBondBps: t.integer().notNull(),
  livenessBond: t.bigint().notNull(),
  disputeBond: t.bigint().notNull(),
  disputeSlash: t.bigint().notNull(),
  window: t.bigint().notNull(),
  disputeWindow: t.bigint().notNull(),
  maxJobDuration: t.bigint().notNull(),
  burnBps: t.integer().notNull(),
  callbackGasLimit: t.bigint().notNull(),
  /** The work weights of this set: jobs requested under it are paid by them (setWeights adds a set). */
  leafWeight: t.bigint().notNull(),
  foldWeight: t.bigint().notNull(),
  decisionWeight: t.bigint().notNull(),
  setAt: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

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
    /** An unanswered dispute's slash and its split: burned, to the challenger, to the workers of reset nodes. */
    slashed: t.bigint(),
    burned: t.bigint(),
    challengerReward: t.bigint(),
    workersPaid: t.bigint(),
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
  jobsVoided: t.integer().notNull(),
  /** Optimistic bundles in their challenge window now; finalized and challenged (voided) ones so far. */
  jobsProposed: t.integer().notNull(),
  bundlesFinalized: t.integer().notNull(),
  bundlesChallenged: t.integer().notNull(),
  tasksDone: t.integer().notNull(),
  leavesDone: t.integer().notNull(),
  foldsDone: t.integer().notNull(),
  decisions: t.integer().notNull(),
  attemptsMissed: t.integer().notNull(),
  resets: t.integer().notNull(),
  units: t.bigint().notNull(),
  slashes: t.integer().notNull(),
  slashedAmount: t.bigint().notNull(),
  disputesOpened: t.integer().notNull(),
  disputesOpen: t.integer().notNull(),
  disputesChallengerWon: t.integer().notNull(),
  disputesAnswered: t.integer().notNull(),
  /** Stake burned by unanswered disputes. */
  disputeBurned: t.bigint().notNull(),
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
  /** The newest parameter set (params_version has them all). */
  paramsId: t.integer(),
  minFee: t.bigint(),
  requesterBondBps: t.integer(),
  livenessBond: t.bigint(),
  disputeBond: t.bigint(),
  disputeSlash: t.bigint(),
  window: t.bigint(),
  disputeWindow: t.bigint(),
  maxJobDuration: t.bigint(),
  burnBps: t.integer(),
  callbackGasLimit: t.bigint(),
  /** Optimistic bundles (BundleParamsSet): challenge window (seconds) and bond per leaf (wei) for new proposals. */
  bundleChallengeWindow: t.bigint(),
  bundleBondPerLeaf: t.bigint(),
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
  attempts: many(attempt),
}));

export const attemptRelations = relations(attempt, ({ one }) => ({
  job: one(job, { fields: [attempt.jobId], references: [job.id] }),
  proverRecord: one(prover, { fields: [attempt.prover], references: [prover.address] }),
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
