/**
 * Draws over stake snapshots (issue 11, "draws read live stake"): a task's assignee for every attempt is drawn
 * from its seed block's hash and the registry's stake weights as of the block before the task became available,
 * a snapshot fixed before the seed is known. Attacks, written as an attacker (or an unlucky honest prover)
 * meets them: a stake change between a missed window and the submission that slashes it (a newcomer staking, a
 * slash in another job) must not move an earlier attempt's draw; a sybil staking around the seed block must not
 * be drawn for a task whose snapshot predates its stake; an unstake must not let a drawn prover escape its
 * window's slash (nor push that slash onto another prover).
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { type Address, encodeAbiParameters, keccak256, parseEventLogs } from "viem";
import { E18, revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

type F = Awaited<ReturnType<typeof v2Fixture>>;

/** The seed of `attempt` of a task available since the job's request block (chunks): as MarketBase._assignee. */
async function chunkSeed(f: F, jobId: bigint, taskId: bigint, attempt: number): Promise<bigint> {
  const j = await f.market.read.getJob([jobId]);
  const h = (await f.publicClient.getBlock({ blockNumber: j.requestBlock + 1n })).hash;
  return BigInt(
    keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "address" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }],
        [h, f.market.address, jobId, taskId, BigInt(attempt)],
      ),
    ),
  );
}

/** Registers `who` (not yet staked) with tokens and approvals. */
async function newcomer(f: F, who: Address, mint = 1_000_000n * E18) {
  await f.registry.write.register(["0x1220bb", 1n << 20n, false], { account: who });
  await f.token.write.mint([who, mint]);
  await f.token.write.approve([f.registry.address, 2n ** 255n], { account: who });
}

/**
 * Moves through the windows of `taskId` from the current one, recording each window's assignee, until one is
 * drawn that is not `avoid`; returns the assignees by attempt (the last one is the submitter).
 */
async function windowsUntilOther(f: F, jobId: bigint, taskId: bigint, drawn: Address[], avoid: Address) {
  for (let k = 0; k < 12; k++) {
    const who = await f.assignee(jobId, taskId);
    drawn.push(who);
    if (who !== avoid) return drawn;
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine(1);
  }
  throw new Error("no other prover drawn in 12 windows");
}

function missedOf(f: F, logs: readonly unknown[]) {
  // biome-ignore lint/suspicious/noExplicitAny: viem log typing
  return parseEventLogs({ abi: f.market.abi, logs: logs as any, eventName: "AttemptMissed" }).map((e) => ({
    prover: e.args.prover,
    attempt: Number(e.args.attempt),
    amount: e.args.slashed,
  }));
}

describe("Market v2: draws read a stake snapshot fixed before the seed", function () {
  this.timeout(600_000);

  it("a newcomer staking after a missed window does not move that window's draw: the prover slashed is the one drawn", async () => {
    const f = await v2Fixture({ provers: 4 });
    const job = await f.request(4, 2);
    await f.mine();
    const id = job.chunks[0];
    const drawn: Address[] = [await f.assignee(job.jobId, id)];
    const a0 = drawn[0];
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine(1);
    drawn.length = 0;
    drawn.push(a0);
    // Attempt 0's window is over. Newcomers stake until the live weights would draw someone else for it.
    const seed0 = await chunkSeed(f, job.jobId, id, 0);
    const newcomers: Address[] = [];
    for (const who of f.outsiders.slice(0, 4)) {
      await newcomer(f, who);
      await f.registry.write.stake([9000n * E18], { account: who });
      newcomers.push(who);
      if ((await f.registry.read.sample([seed0, 4096n])) !== a0) break;
    }
    assert.notEqual(await f.registry.read.sample([seed0, 4096n]), a0, "precondition: live weights now draw another");
    await windowsUntilOther(f, job.jobId, id, drawn, a0);
    const submitter = drawn[drawn.length - 1];
    assert.ok(!newcomers.includes(submitter), "no newcomer is drawn for a task available before it staked");
    const before = (await f.registry.read.proverInfo([a0])).stake;
    const r = await f.submitChunk(job, id, submitter);
    const missed = missedOf(f, r.logs);
    const want = drawn
      .slice(0, -1)
      .map((p, a) => ({ p, a }))
      .filter((x) => x.p !== submitter);
    assert.deepEqual(
      missed.map((m) => [m.prover, m.attempt]),
      want.map((x) => [x.p, x.a]),
      "the provers slashed are those drawn during the missed windows",
    );
    assert.equal(missed[0].prover, a0, "attempt 0's slash hits the prover drawn in attempt 0's window");
    assert.equal(
      before - (await f.registry.read.proverInfo([a0])).stake,
      f.params.livenessBond * BigInt(missed.filter((m) => m.prover === a0).length),
    );
    for (const n of newcomers)
      assert.equal((await f.registry.read.proverInfo([n])).stake, 9000n * E18, "newcomer untouched");
  });

  it("a slash in another job between a missed window and the slashing submission does not move the draw", async () => {
    // A bond that takes a prover below the minimum stake: the slash zeroes its live sortition weight.
    const f = await v2Fixture({ provers: 8, params: { livenessBond: 950n * E18 } });
    let checked = false;
    for (let run = 0; run < 6 && !checked; run++) {
      const x = await f.request(4, 2);
      const y = await f.request(4, 2);
      await f.mine();
      const tx = x.chunks[0];
      const ty = y.chunks[0];
      const a0 = await f.assignee(x.jobId, tx);
      const b0 = await f.assignee(y.jobId, ty);
      await f.networkHelpers.time.increase(Number(f.params.window));
      await f.mine(1);
      // Anyone slashes job Y's missed attempt: its prover drops out of the live weights.
      const ry = await f.wait(await f.market.write.slashMissed([y.jobId, ty], { account: f.requester }));
      assert.equal(missedOf(f, ry.logs)[0]?.prover, b0, "Y's slash hits Y's drawn prover");
      if ((await f.registry.read.sample([await chunkSeed(f, x.jobId, tx, 0), 4096n])) === a0) continue;
      checked = true;
      const drawn = await windowsUntilOther(f, x.jobId, tx, [a0], a0);
      const submitter = drawn[drawn.length - 1];
      const r = await f.submitChunk(x, tx, submitter);
      const missed = missedOf(f, r.logs);
      assert.equal(missed[0].prover, a0, "X's attempt 0 is slashed to the prover drawn during its window");
      assert.deepEqual(
        missed.map((m) => m.attempt),
        drawn
          .slice(0, -1)
          .map((p, a) => ({ p, a }))
          .filter((q) => q.p !== submitter)
          .map((q) => q.a),
      );
    }
    assert.ok(checked, "some run had the live draw moved by the other job's slash");
  });

  it("a sybil staking in the request block or the seed block is never drawn for that job; it is for later jobs", async () => {
    const f = await v2Fixture({ provers: 4 });
    const [sybil, sybil2] = f.outsiders;
    await newcomer(f, sybil);
    await newcomer(f, sybil2);
    // One block holds the request and, after it, the first sybil's stake; the seed block holds the second's.
    const n = 16;
    const manifestJob = await (async () => {
      await f.conn.provider.request({ method: "evm_setAutomine", params: [false] });
      try {
        const p = f.request(n, 0);
        // The request transaction is sent inside request(); stake right after it, in the same block.
        for (let i = 0; i < 200; i++) {
          const pending = await f.publicClient.getBlock({ blockTag: "pending" });
          if (pending.transactions.length > 0) break;
          await new Promise((res) => setTimeout(res, 50));
        }
        await f.registry.write.stake([500_000n * E18], { account: sybil });
        await f.mine(1);
        return await p;
      } finally {
        await f.conn.provider.request({ method: "evm_setAutomine", params: [true] });
      }
    })();
    const j = await f.market.read.getJob([manifestJob.jobId]);
    const stakeBlock = (await f.publicClient.getBlockNumber()) as bigint;
    assert.equal(stakeBlock, j.requestBlock, "the stake landed in the request block");
    await f.registry.write.stake([500_000n * E18], { account: sybil2 }); // in the seed block, requestBlock + 1
    assert.equal(await f.publicClient.getBlockNumber(), j.requestBlock + 1n);
    await f.mine();
    // Live weights: the sybils hold 99.2% of the stake; yet no chunk of the job, in any window, is theirs.
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const id of manifestJob.chunks) {
        const who = await f.assignee(manifestJob.jobId, id);
        assert.ok(who !== sybil && who !== sybil2, `chunk ${id} attempt ${attempt} drawn to a sybil`);
      }
      await f.networkHelpers.time.increase(Number(f.params.window));
      await f.mine(1);
    }
    await revertsExactly(
      f.market.write.submitChunk(
        [manifestJob.jobId, manifestJob.chunks[0], f.chunkData(manifestJob, manifestJob.chunks[0])],
        {
          account: sybil,
        },
      ),
      "MarketNotAssignee",
    );
    // A job requested after their stakes draws them (the check above can fail).
    const later = await f.request(n, 0);
    await f.mine();
    let theirs = 0;
    for (const id of later.chunks) {
      const who = await f.assignee(later.jobId, id);
      if (who === sybil || who === sybil2) theirs++;
    }
    assert.ok(theirs >= n / 2, `the sybils draw most chunks of a later job (${theirs}/${n})`);
  });

  it("unstaking during its window does not let the drawn prover escape the slash, nor move it onto another", async () => {
    const f = await v2Fixture({ provers: 4 });
    const job = await f.request(4, 2);
    await f.mine();
    const id = job.chunks[0];
    const a0 = await f.assignee(job.jobId, id);
    const all = (await f.registry.read.proverInfo([a0])).stake;
    await f.registry.write.requestUnstake([all], { account: a0 });
    assert.equal(await f.registry.read.isStaked([a0]), false, "no live weight any more");
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine(1);
    const drawn = await windowsUntilOther(f, job.jobId, id, [a0], a0);
    const submitter = drawn[drawn.length - 1];
    const r = await f.submitChunk(job, id, submitter);
    const missed = missedOf(f, r.logs);
    assert.ok(missed.length >= 1);
    for (const m of missed) assert.equal(m.prover, a0, "only the unstaker was drawn for the missed windows");
    assert.equal(missed[0].amount, f.params.livenessBond, "slashed in full, from its unbonding stake");
    const info = await f.registry.read.proverInfo([a0]);
    assert.equal(info.unbonding, all - f.params.livenessBond * BigInt(missed.length));
    for (const p of f.provers.filter((q) => q !== a0)) {
      assert.equal((await f.registry.read.proverInfo([p])).stake, 1000n * E18, "no other prover slashed");
    }
  });
});
