/**
 * Re-entrancy through a malicious fee token (its transfer hooks call back into the market) and through
 * a malicious requester contract (its onProofVerified callback reverts, burns its gas, re-enters, or
 * returns a huge payload): verification is never blocked and nothing is paid twice.
 */
import assert from "node:assert/strict";
import { encodeFunctionData, parseEventLogs, toFunctionSelector, zeroAddress } from "viem";
import { nodeAbi } from "../../helpers/instances.js";
import { buildManifest } from "../../helpers/manifest.js";
import {
  DECISION_TASK,
  E18,
  type Fixture,
  leafId,
  marketFixture,
  mockDeciderProof,
  RandomJob,
} from "../../helpers/market.js";

const REENTRANT = toFunctionSelector("ReentrancyGuardReentrantCall()");

describe("ProofMarket re-entrancy", function () {
  this.timeout(300_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await marketFixture();
  });

  it("a malicious fee token re-entering claim() during the payout pays once", async () => {
    const mal = await f.viem.deployContract("MaliciousToken");
    await mal.write.mint([f.requester, 1000n * E18]);
    await mal.write.approve([f.market.address, 2n ** 255n], { account: f.requester });
    const states = [[1n], [2n], [3n]];
    const m = buildManifest(states);
    const now = BigInt(await f.networkHelpers.time.latest());
    // Re-entry during the escrow (transferFrom inside requestProof) is refused too.
    await mal.write.arm([
      f.market.address,
      encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [mal.address] }),
    ]);
    await f.market.write.requestProof([1n, [1n], 2, m.root, mal.address, 100n * E18, now + 86400n * 30n], {
      account: f.requester,
    });
    assert.equal(await mal.read.successes(), 0n);
    assert.equal((await mal.read.lastError()).slice(0, 10), REENTRANT);
    const job = new RandomJob(f, 2, states, m);
    job.jobId = await f.market.read.jobCount();
    job.domain = (await f.market.read.getJob([job.jobId])).domain;
    await job.runAll();
    await f.market.write.release([job.jobId, job.taskIds()]);
    const who = await job.assignee(leafId(0));
    const owed = await f.market.read.claimable([who, mal.address]);
    assert.ok(owed > 0n);
    await mal.write.arm([
      f.market.address,
      encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [mal.address] }),
    ]);
    const before = await mal.read.balanceOf([who]);
    await f.market.write.claim([mal.address], { account: who });
    assert.equal((await mal.read.balanceOf([who])) - before, owed, "paid exactly once");
    assert.equal(await mal.read.successes(), 0n, "the re-entrant claim failed");
    assert.equal((await mal.read.lastError()).slice(0, 10), REENTRANT);
    assert.equal(await f.market.read.claimable([who, mal.address]), 0n);
  });

  for (const [mode, label, expectOk] of [
    [0, "reverts", false],
    [1, "burns all its gas", false],
    [2, "re-enters the market", true],
    [3, "returns a huge payload", true],
    [4, "behaves", true],
  ] as const) {
    it(`a requester whose callback ${label} never blocks verification`, async () => {
      const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address]);
      const states = [[1n], [2n], [3n]];
      const m = buildManifest(states);
      const now = BigInt(await f.networkHelpers.time.latest());
      await consumer.write.exec(
        [
          f.market.address,
          encodeFunctionData({
            abi: f.market.abi,
            functionName: "requestProof",
            args: [1n, [1n], 2, m.root, zeroAddress, E18, now + 30n * 86400n],
          }),
        ],
        { value: E18 },
      );
      const job = new RandomJob(f, 2, states, m);
      job.jobId = await f.market.read.jobCount();
      job.domain = (await f.market.read.getJob([job.jobId])).domain;
      await job.submitLeaf(0);
      await job.submitLeaf(1);
      await job.submitFold(0, 1, 2);
      const root = job.root();
      // Mode 2 re-enters with a second decision and a claim: both must fail inside the callback.
      await consumer.write.setMode([
        mode,
        encodeFunctionData({
          abi: f.market.abi,
          functionName: "submitDecision",
          args: [job.jobId, nodeAbi(root), mockDeciderProof(root.U)],
        }),
      ]);
      const hash = await f.market.write.submitDecision([job.jobId, nodeAbi(root), mockDeciderProof(root.U)], {
        account: await job.assignee(DECISION_TASK),
      });
      const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
      assert.ok(receipt.gasUsed < 1_000_000n, `gas bounded by the cap (${receipt.gasUsed})`);
      const [cb] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "CallbackResult" });
      assert.equal(cb.args.success, expectOk);
      assert.equal((await f.market.read.getJob([job.jobId])).status, 2);
      const verified = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobVerified" });
      assert.equal(verified.length, 1);
      if (mode === 2) assert.equal(await consumer.read.reentrySucceeded(), false);
      if (mode === 4) {
        assert.equal(await consumer.read.lastJobId(), job.jobId);
        assert.equal(await consumer.read.lastZOut([0n]), states[2][0]);
      }
    });
  }
});
