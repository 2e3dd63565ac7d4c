/**
 * Fair refunds and the reward arithmetic to the wei: cancel and expiry refund the fee minus the rewards of
 * the tasks already done (which their workers still receive), verification credits the dust to the
 * requester, ETH fees are paid out in ETH.
 */
import assert from "node:assert/strict";
import { parseEventLogs, zeroAddress } from "viem";
import { E18, type Fixture, leafId, marketFixture, RandomJob } from "../../helpers/market.js";

describe("ProofMarket refunds and rewards", function () {
  this.timeout(300_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await marketFixture({ deciderConstraints: 12_345n });
  });

  it("fixes per-task rewards at the request: units by weight × constraints, dust < 2N wei", async () => {
    const fee = 1000n * E18 + 999n;
    const job = await RandomJob.request(f, 5, { fee });
    const [leaf, fold, decision, dust] = await f.market.read.rewardsOf([job.jobId]);
    const C = 4096n;
    const D = 12_345n;
    const total = 5n * C + 4n * C + D;
    assert.equal(leaf, (fee * C) / total);
    assert.equal(fold, (fee * C) / total);
    assert.equal(decision, (fee * D) / total);
    assert.equal(dust, fee - 5n * leaf - 4n * fold - decision);
    assert.ok(dust < 10n);
  });

  it("cancel: the requester gets the fee minus the done tasks, the workers get those tasks", async () => {
    const fee = 700n * E18 + 3n;
    const job = await RandomJob.request(f, 4, { fee });
    await job.submitLeaf(0);
    await job.submitLeaf(1);
    await job.submitFold(0, 1, 2);
    const [leaf, fold] = await f.market.read.rewardsOf([job.jobId]);
    const hash = await f.market.write.cancel([job.jobId], { account: f.requester });
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobCancelled" });
    assert.equal(ev.args.refund, fee - 2n * leaf - fold);
    assert.equal(await f.market.read.claimable([f.requester, f.feeToken.address]), fee - 2n * leaf - fold);
    await f.market.write.release([job.jobId, [leafId(0), leafId(1), (0n << 128n) | 2n]]);
    let owed = 0n;
    for (const p of f.provers) owed += await f.market.read.claimable([p, f.feeToken.address]);
    assert.equal(owed, 2n * leaf + fold);
    // Not-done tasks cannot be released.
    await assert.rejects(f.market.write.release([job.jobId, [leafId(2)]]), /RewardSplitterNotReleasable/);
  });

  it("expire (anyone, after the deadline): same refund; verification credits the dust; ETH paid in ETH", async () => {
    const now = BigInt(await f.networkHelpers.time.latest());
    const job = await RandomJob.request(f, 2, { fee: 10n ** 18n + 1n, eth: true, deadline: now + 4n * 3600n });
    await job.submitLeaf(1);
    const [leaf] = await f.market.read.rewardsOf([job.jobId]);
    await f.networkHelpers.time.increase(5 * 3600);
    await f.market.write.expire([job.jobId], { account: f.outsiders[0] });
    assert.equal(await f.market.read.claimable([f.requester, zeroAddress]), 10n ** 18n + 1n - leaf);
    const before = await f.publicClient.getBalance({ address: f.requester });
    const hash = await f.market.write.claim([zeroAddress], { account: f.requester });
    const r = await f.publicClient.waitForTransactionReceipt({ hash });
    const after = await f.publicClient.getBalance({ address: f.requester });
    assert.equal(after - before + r.gasUsed * r.effectiveGasPrice, 10n ** 18n + 1n - leaf);

    const job2 = await RandomJob.request(f, 3, { fee: 300n * E18 + 2n });
    await job2.runAll();
    const [, , , dust] = await f.market.read.rewardsOf([job2.jobId]);
    assert.equal(await f.market.read.claimable([f.requester, f.feeToken.address]), dust);
  });
});
