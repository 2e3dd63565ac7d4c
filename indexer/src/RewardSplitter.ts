/**
 * RewardSplitter events (emitted at the ProofMarket's address, which inherits the splitter) → `reward`
 * balances, `reward_event` history, task rewards on `task`/`contribution`/`prover`, per-token totals and
 * the work weights.
 */
import { ponder } from "ponder:registry";
import { contribution, prover, reward, rewardEvent, task } from "ponder:schema";
import { addTokenTotal, decodeTag, setParams } from "../lib/aggregates.js";

ponder.on("RewardSplitter:WeightsSet", async ({ event, context }) => {
  const { leaf, fold, decision } = event.args;
  await setParams(context.db, { leafWeight: leaf, foldWeight: fold, decisionWeight: decision });
});

ponder.on("RewardSplitter:Credited", async ({ event, context }) => {
  const { account, token, jobId, taskId, amount, reason } = event.args;
  const why = decodeTag(reason);
  const isTask = why === "task";
  await context.db
    .insert(reward)
    .values({
      account,
      token,
      owed: amount,
      claimed: 0n,
      creditedTasks: isTask ? amount : 0n,
      creditedOther: isTask ? 0n : amount,
      updatedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      owed: row.owed + amount,
      creditedTasks: row.creditedTasks + (isTask ? amount : 0n),
      creditedOther: row.creditedOther + (isTask ? 0n : amount),
      updatedAt: event.block.timestamp,
    }));
  await context.db.insert(rewardEvent).values({
    id: event.id,
    account,
    token,
    kind: "credit",
    reason: why,
    jobId,
    // Task rewards and dispute bonds name their task (node); refunds and dust carry 0.
    taskId: taskId === 0n ? null : taskId,
    amount,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await addTokenTotal(context.db, token, isTask ? { creditedTasks: amount } : { creditedOther: amount });
  if (!isTask) return;
  const row = await context.db.find(task, { jobId, taskId });
  if (row !== null) {
    await context.db.update(task, { jobId, taskId }).set({ status: "paid", reward: amount });
    if (row.contributionId !== null && (await context.db.find(contribution, { id: row.contributionId })) !== null) {
      await context.db.update(contribution, { id: row.contributionId }).set({ reward: amount });
    }
  }
  const worker = await context.db.find(prover, { address: account });
  if (worker !== null) {
    await context.db
      .update(prover, { address: account })
      .set({ earnings: worker.earnings + amount, updatedAt: event.block.timestamp });
  }
});

ponder.on("RewardSplitter:Claimed", async ({ event, context }) => {
  const { account, token, amount } = event.args;
  await context.db
    .insert(reward)
    .values({
      account,
      token,
      owed: 0n,
      claimed: amount,
      creditedTasks: 0n,
      creditedOther: 0n,
      updatedAt: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      owed: row.owed - amount,
      claimed: row.claimed + amount,
      updatedAt: event.block.timestamp,
    }));
  await context.db.insert(rewardEvent).values({
    id: event.id,
    account,
    token,
    kind: "claim",
    reason: null,
    jobId: null,
    taskId: null,
    amount,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await addTokenTotal(context.db, token, { claimed: amount });
  const worker = await context.db.find(prover, { address: account });
  if (worker !== null) {
    await context.db
      .update(prover, { address: account })
      .set({ claimed: worker.claimed + amount, updatedAt: event.block.timestamp });
  }
});
