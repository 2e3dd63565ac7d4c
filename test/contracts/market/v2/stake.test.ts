/**
 * Stake backs submitted work for as long as it can be disputed: a submitter cannot unstake and withdraw ahead of
 * a dispute (the registry keeps the stake locked until the job's deadline plus an answer window plus a window to
 * resolve; disputes close at the deadline), and the slash
 * reaches stake that is unbonding. Only the market can lock stake.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

const DAY = 86_400;

describe("Market v2: stake stays locked while a prover has disputable work", function () {
  this.timeout(300_000);

  it("unstaking before a dispute: withdraw is refused past the unbonding delay, the slash takes the unbonding stake", async () => {
    // A one-day delay: the job's deadline must fall inside it, and the lock (deadline + answer window + one
    // window to resolve) outlasts the release of an unstake made right after submitting.
    const f = await v2Fixture({ unbondingDelay: BigInt(DAY) });
    const now = BigInt(await f.networkHelpers.time.latest());
    const job = await f.request(4, 1, { deadline: now + BigInt(DAY) - 10n });
    await f.mine();
    const id = job.chunks[0];
    await f.submitChunk(job, id);
    const cheat = (await f.market.read.getTask([job.jobId, id])).submitter;
    const j = await f.market.read.getJob([job.jobId]);
    const lock = await f.registry.read.lockedUntil([cheat]);
    assert.equal(
      lock,
      j.deadline + f.params.disputeWindow + f.params.window,
      "locked until the job's deadline plus an answer window plus a window to resolve",
    );
    // The attacker unstakes everything right after submitting.
    const all = (await f.registry.read.proverInfo([cheat])).stake;
    await f.registry.write.requestUnstake([all], { account: cheat });
    const releaseAt = (await f.registry.read.proverInfo([cheat])).releaseAt;
    assert.ok(releaseAt > j.deadline && releaseAt < lock);
    // A challenger disputes at the last moment the job allows; the attacker does not answer.
    await f.networkHelpers.time.setNextBlockTimestamp(Number(j.deadline));
    const challenger = f.provers.find((p) => p !== cheat)!;
    await f.market.write.dispute([job.jobId, id], { account: challenger });
    const [, answerBy] = await f.market.read.getDispute([job.jobId, id]);
    assert.equal(answerBy, j.deadline + f.params.disputeWindow);
    // Past its unbonding delay and past the answer window, before anyone resolves: withdraw is refused.
    await f.networkHelpers.time.increaseTo(Number(answerBy) + 1);
    assert.ok(BigInt(await f.networkHelpers.time.latest()) > releaseAt);
    await revertsExactly(f.registry.write.withdraw({ account: cheat }), "ProverRegistryStillUnbonding");
    await f.market.write.resolveDispute([job.jobId, id]);
    const after = await f.registry.read.proverInfo([cheat]);
    assert.equal(after.stake, 0n);
    assert.equal(after.unbonding, all - f.params.disputeSlash, "slashed from the unbonding stake");
    // Once nothing is disputable any more, the rest can be withdrawn.
    await f.networkHelpers.time.increaseTo(Number(lock));
    const before = await f.token.read.balanceOf([cheat]);
    await f.registry.write.withdraw({ account: cheat });
    assert.equal((await f.token.read.balanceOf([cheat])) - before, all - f.params.disputeSlash);
  });

  it("a dispute after the job's deadline is refused (the lock would not cover its answer window)", async () => {
    const f = await v2Fixture();
    const job = await f.request(2, 1);
    await f.mine();
    await f.submitChunk(job, job.chunks[0]);
    const j = await f.market.read.getJob([job.jobId]);
    const who = (await f.market.read.getTask([job.jobId, job.chunks[0]])).submitter;
    const challenger = f.provers.find((p) => p !== who)!;
    await f.networkHelpers.time.increaseTo(Number(j.deadline) + 1);
    await revertsExactly(
      f.market.write.dispute([job.jobId, job.chunks[0]], { account: challenger }),
      "MarketPastDeadline",
    );
  });

  it("an honest prover's stake is withdrawable once its jobs are past their dispute windows", async () => {
    const f = await v2Fixture();
    const job = await f.request(2, 1);
    await f.runAll(job);
    const who = (await f.market.read.getTask([job.jobId, job.chunks[0]])).submitter;
    const stake = (await f.registry.read.proverInfo([who])).stake;
    await f.registry.write.requestUnstake([stake], { account: who });
    const releaseAt = (await f.registry.read.proverInfo([who])).releaseAt;
    const until = BigInt(Math.max(Number(releaseAt), Number(await f.registry.read.lockedUntil([who]))));
    await f.networkHelpers.time.increaseTo(Number(until));
    await f.registry.write.withdraw({ account: who });
    assert.equal((await f.registry.read.proverInfo([who])).unbonding, 0n, "nothing was slashed, all withdrawn");
  });

  it("only the market locks stake", async () => {
    const f = await v2Fixture();
    const p = f.provers[0];
    await revertsExactly(f.registry.write.lockStake([p, 2n ** 40n], { account: p }), "ProverRegistryOnlyMarket");
    assert.equal(await f.registry.read.lockedUntil([p]), 0n);
  });
});
