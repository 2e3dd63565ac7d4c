/**
 * Randomised schedules: every assignee submits at a random moment inside its window (at most half a window
 * after availability; tasks available together are worked in parallel, as real provers do). Invariants: nobody is slashed, every task is paid exactly once, fee + bond are paid
 * out exactly, the job is verified once.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { parseEventLogs } from "viem";
import { DECISION, v2Fixture } from "../../../helpers/marketV2.js";

describe("Market v2: an honest prover who meets its windows is never slashed", function () {
  this.timeout(600_000);

  it("random sizes, chunk sizes and submission delays (8 runs)", async () => {
    let seed = 12345;
    const rand = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % m;
    };
    for (let run = 0; run < 8; run++) {
      const f = await v2Fixture({ provers: 5 });
      const n = 1 + rand(24);
      const k = rand(4);
      const job = await f.request(n, k);
      const stakes = await Promise.all(f.provers.map(async (p) => (await f.registry.read.proverInfo([p])).stake));
      const delay = () => f.networkHelpers.time.increase(1 + rand(Number(f.params.window) / 2));
      const logs = [];
      await f.mine();
      await delay();
      for (const id of job.chunks) logs.push(...(await f.submitChunk(job, id)).logs);
      const left = new Set(job.merges);
      while (left.size > 0) {
        await f.mine();
        const open = [];
        for (const id of left) if ((await f.market.read.getTask([job.jobId, id])).state === 1) open.push(id);
        assert.ok(open.length > 0);
        await delay();
        for (const id of open) {
          logs.push(...(await f.submitMerge(job, id)).logs);
          left.delete(id);
        }
      }
      await f.mine();
      await delay();
      logs.push(...(await f.submitDecision(job)).logs);
      assert.equal(parseEventLogs({ abi: f.market.abi, logs, eventName: "AttemptMissed" }).length, 0, `run ${run}`);
      for (const [i, p] of f.provers.entries()) {
        assert.equal((await f.registry.read.proverInfo([p])).stake, stakes[i], `run ${run}: ${p} slashed`);
      }
      const tasks = [...job.chunks, ...job.merges];
      await f.market.write.release([job.jobId, tasks]);
      await assert.rejects(f.market.write.release([job.jobId, tasks.slice(0, 1)]), /RewardSplitterNotReleasable/);
      const j = await f.market.read.getJob([job.jobId]);
      let paid = 0n;
      for (const a of [f.requester, ...f.provers]) paid += await f.market.read.claimable([a, f.feeToken.address]);
      assert.equal(paid, j.fee + j.bond, `run ${run}: n=${n} k=${k}`);
      await assert.rejects(f.submitDecision(job), /MarketJobNotOpen/);
      assert.equal((await f.market.read.getTask([job.jobId, DECISION])).state, 2);
    }
  });
});
