/**
 * ProverRegistry events → `prover` (balances, status, stake lock), `stake_event`, `slash_event`, the network's stake totals and the registry's
 * parameters. A slash is linked to the job and task (or disputed node) that caused it by reading the
 * market's AttemptMissed / DisputeResolved log in the same transaction's receipt (one RPC call per slash).
 */
import { ponder } from "ponder:registry";
import { prover, slashEvent, stakeEvent } from "ponder:schema";
import { decodeEventLog } from "viem";
import { MarketAbi } from "../abis/Market.js";
import { addNetwork, type Db, decodeTag, getParams, type Hex, proverStatus, setParams } from "../lib/aggregates.js";

type Block = { number: bigint; timestamp: bigint };

/**
 * Sets a prover's balances and status and moves the network totals by the difference (nothing for an
 * unknown prover, which the registry never emits).
 */
async function setBalances(
  db: Db,
  address: Hex,
  stake: bigint,
  unbonding: bigint,
  timestamp: bigint,
  extra: Partial<typeof prover.$inferInsert> = {},
) {
  const row = await db.find(prover, { address });
  if (row === null) return;
  // Copy what we need first: Ponder's cache may update the found row in place.
  const previous = { stake: row.stake, unbonding: row.unbonding, staked: row.status === "staked" };
  const params = await getParams(db);
  const status = proverStatus(stake, unbonding, params?.minStake);
  await db.update(prover, { address }).set({ ...extra, stake, unbonding, status, updatedAt: timestamp });
  await addNetwork(db, timestamp, {
    totalStake: stake - previous.stake,
    totalUnbonding: unbonding - previous.unbonding,
    stakedProvers: (status === "staked" ? 1 : 0) - (previous.staked ? 1 : 0),
  });
}

async function recordStakeEvent(
  db: Db,
  id: string,
  address: Hex,
  kind: string,
  amount: bigint,
  stake: bigint,
  unbonding: bigint,
  block: Block,
  txHash: Hex,
) {
  await db.insert(stakeEvent).values({
    id,
    prover: address,
    kind,
    amount,
    stakeAfter: stake,
    unbondingAfter: unbonding,
    blockNumber: block.number,
    timestamp: block.timestamp,
    txHash,
  });
}

ponder.on("ProverRegistry:ProverRegistered", async ({ event, context }) => {
  const { prover: address, peerId, maxConstraints, gpu } = event.args;
  const params = await getParams(context.db);
  await context.db.insert(prover).values({
    address,
    peerId,
    maxConstraints,
    gpu,
    status: proverStatus(0n, 0n, params?.minStake),
    stake: 0n,
    unbonding: 0n,
    releaseAt: 0n,
    lockedUntil: 0n,
    units: 0n,
    tasksDone: 0,
    attemptsMissed: 0,
    earnings: 0n,
    claimed: 0n,
    slashCount: 0,
    slashedAmount: 0n,
    registeredAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await addNetwork(context.db, event.block.timestamp, { provers: 1 });
});

ponder.on("ProverRegistry:ProverUpdated", async ({ event, context }) => {
  const { prover: address, peerId, maxConstraints, gpu } = event.args;
  await context.db.update(prover, { address }).set({ peerId, maxConstraints, gpu, updatedAt: event.block.timestamp });
});

ponder.on("ProverRegistry:Staked", async ({ event, context }) => {
  const { prover: address, amount, totalStake } = event.args;
  const row = await context.db.find(prover, { address });
  if (row === null) return;
  const unbonding = row.unbonding;
  await setBalances(context.db, address, totalStake, unbonding, event.block.timestamp);
  await recordStakeEvent(
    context.db,
    event.id,
    address,
    "stake",
    amount,
    totalStake,
    unbonding,
    event.block,
    event.transaction.hash,
  );
});

ponder.on("ProverRegistry:UnstakeRequested", async ({ event, context }) => {
  const { prover: address, amount, totalStake, totalUnbonding, releaseAt } = event.args;
  await setBalances(context.db, address, totalStake, totalUnbonding, event.block.timestamp, { releaseAt });
  await recordStakeEvent(
    context.db,
    event.id,
    address,
    "unstake",
    amount,
    totalStake,
    totalUnbonding,
    event.block,
    event.transaction.hash,
  );
});

ponder.on("ProverRegistry:Withdrawn", async ({ event, context }) => {
  const { prover: address, amount } = event.args;
  const row = await context.db.find(prover, { address });
  if (row === null) return;
  const stake = row.stake;
  await setBalances(context.db, address, stake, 0n, event.block.timestamp, { releaseAt: 0n });
  await recordStakeEvent(
    context.db,
    event.id,
    address,
    "withdraw",
    amount,
    stake,
    0n,
    event.block,
    event.transaction.hash,
  );
});

/** The job and task (or disputed node) a slash was for, from the market's logs in the same transaction. */
function slashCause(
  logs: readonly { address: Hex; topics: readonly Hex[]; data: Hex }[],
  market: Hex,
  slashed: Hex,
): { jobId: bigint; taskId: bigint } | undefined {
  for (const log of logs) {
    if (log.address.toLowerCase() !== market.toLowerCase() || log.topics.length === 0) continue;
    try {
      const decoded = decodeEventLog({
        abi: MarketAbi,
        topics: log.topics as [Hex, ...Hex[]],
        data: log.data,
      });
      if (decoded.eventName === "AttemptMissed" && decoded.args.prover.toLowerCase() === slashed.toLowerCase()) {
        return { jobId: decoded.args.jobId, taskId: decoded.args.taskId };
      }
      if (
        decoded.eventName === "DisputeResolved" &&
        decoded.args.challengerWon &&
        decoded.args.submitter.toLowerCase() === slashed.toLowerCase()
      ) {
        return { jobId: decoded.args.jobId, taskId: decoded.args.nodeId };
      }
    } catch {
      // another event of the market: not a cause
    }
  }
  return undefined;
}

ponder.on("ProverRegistry:Slashed", async ({ event, context }) => {
  const { prover: address, beneficiary, amount, reason, totalStake, totalUnbonding } = event.args;
  const row = await context.db.find(prover, { address });
  if (row === null) return;
  await setBalances(context.db, address, totalStake, totalUnbonding, event.block.timestamp, {
    slashCount: row.slashCount + 1,
    slashedAmount: row.slashedAmount + amount,
  });
  // The market's log that caused the slash is in the same transaction (before or after this one).
  const receipt = await context.client.getTransactionReceipt({ hash: event.transaction.hash });
  const cause = slashCause(receipt.logs, context.contracts.Market.address, address);
  await context.db.insert(slashEvent).values({
    id: event.id,
    prover: address,
    beneficiary,
    amount,
    reason: decodeTag(reason),
    jobId: cause?.jobId ?? null,
    taskId: cause?.taskId ?? null,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await recordStakeEvent(
    context.db,
    event.id,
    address,
    "slash",
    amount,
    totalStake,
    totalUnbonding,
    event.block,
    event.transaction.hash,
  );
  await addNetwork(context.db, event.block.timestamp, { slashes: 1, slashedAmount: amount });
});

ponder.on("ProverRegistry:StakeLocked", async ({ event, context }) => {
  const { prover: address, until } = event.args;
  const row = await context.db.find(prover, { address });
  if (row === null) return;
  // The registry only raises the lock; keep the larger in case of replays.
  if (until > row.lockedUntil) {
    await context.db.update(prover, { address }).set({ lockedUntil: until, updatedAt: event.block.timestamp });
  }
});

ponder.on("ProverRegistry:MarketSet", async ({ event, context }) => {
  await setParams(context.db, { market: event.args.market });
});

ponder.on("ProverRegistry:RegistryParametersSet", async ({ event, context }) => {
  const { unbondingDelay, minStake } = event.args;
  await setParams(context.db, { unbondingDelay, minStake });
  // minStake decides who is "staked": recompute every prover's status and the staked count.
  const provers = await context.db.sql.select().from(prover);
  let delta = 0;
  for (const row of provers) {
    const status = proverStatus(row.stake, row.unbonding, minStake);
    if (status === row.status) continue;
    delta += (status === "staked" ? 1 : 0) - (row.status === "staked" ? 1 : 0);
    await context.db.update(prover, { address: row.address }).set({ status });
  }
  if (delta !== 0) await addNetwork(context.db, event.block.timestamp, { stakedProvers: delta });
});
