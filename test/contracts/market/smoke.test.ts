import assert from "node:assert/strict";
import { marketFixture, RandomJob } from "../../helpers/market.js";

describe("smoke", function () {
  this.timeout(120_000);
  it("random job of 4 leaves runs", async () => {
    const f = await marketFixture();
    const job = await RandomJob.request(f, 4);
    await job.runAll();
    assert.equal((await f.market.read.getJob([job.jobId])).status, 2);
  });
});
