import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { DECISION, v2Fixture } from "../../../helpers/marketV2.js";

describe("Market v2: lifecycle (mock decider, random commitments)", function () {
  this.timeout(600_000);

  for (const [n, k] of [
    [1, 0],
    [16, 0],
    [16, 2],
    [13, 2],
    [64, 6],
  ] as const) {
    it(`${n} leaves, chunks of 2^${k}: every task by its drawn assignee, then paid in full`, async () => {
      const f = await v2Fixture();
      const job = await f.request(n, k);
      await f.runAll(job);
      const j = await f.market.read.getJob([job.jobId]);
      assert.equal(j.status, 2); // Verified
      const tasks = [...job.chunks, ...job.merges];
      await f.market.write.release([job.jobId, tasks]);
      let paid = 0n;
      for (const a of [f.requester, ...f.provers]) paid += await f.market.read.claimable([a, f.feeToken.address]);
      assert.equal(paid, j.fee + j.bond, "fee and bond are paid out exactly");
      const t = await f.market.read.getTask([job.jobId, DECISION]);
      assert.equal(t.state, 2);
    });
  }
});
