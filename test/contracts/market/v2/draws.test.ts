/**
 * Draws over stake snapshots (issue 11, "draws read live stake"): a task's assignee for every attempt is drawn
 * from its seed block's hash and the registry's stake weights as of the block before the task became available,
 * a snapshot fixed before the seed is known. Attacks, written as an attacker (or an unlucky honest prover)
 * meets them: a stake change between a missed window and the submission that slashes it (a newcomer staking, a
 * slash in another job) must not move an earlier attempt's draw; a sybil staking around the seed block must not
 * be drawn for a task whose snapshot predates its stake; an unstake must not let a drawn prover escape its
 * window's slash (nor push that slash onto another prover); a prover in a job's snapshot that unstakes must not be
 * able to withdraw while the job can still draw it, even when the owner lowers the unbonding delay mid-job; a task
 * whose snapshot holds no fitting prover must be drawable once one stakes, without a seed-block sybil being drawn.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { type Address, encodeAbiParameters, keccak256, parseEventLogs } from "viem";
import { DECISION, E18, revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

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
async function newcomer(f: F, who: Address, mint = 1_000_000n * E18, capacity = 1n << 20n) {
  await f.registry.write.register(["0x1220bb", capacity, false], { account: who });
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

  it("a prover in a job's snapshot that unstakes cannot withdraw while the job can still draw it", async () => {
    const DAY = 86_400n;
    const f = await v2Fixture({ provers: 4, unbondingDelay: DAY, params: { window: 3600n } });
    const [attacker] = f.outsiders;
    await newcomer(f, attacker);
    await f.registry.write.stake([3000n * E18], { account: attacker });
    const now = BigInt(await f.networkHelpers.time.latest());
    // A deadline at or past the end of the unbonding delay is refused: the job could outlive a leaver's stake.
    await revertsExactly(f.request(4, 2, { deadline: now + DAY + 5n }), "MarketDeadlineAfterUnbonding");
    const job = await f.request(4, 2, { deadline: now + DAY - 60n });
    const j = await f.market.read.getJob([job.jobId]);
    await f.mine();
    const id = job.chunks[0];
    // The attacker (43% of the snapshot's weight) leaves right after the request, meaning never to work.
    await f.registry.write.requestUnstake([3000n * E18], { account: attacker });
    const { releaseAt } = await f.registry.read.proverInfo([attacker]);
    assert.ok(releaseAt > j.deadline, "its release comes after the job's last draw");
    // Window after window it is drawn from the snapshot, and cannot withdraw, until another prover submits.
    const drawn: Address[] = [];
    for (;;) {
      const t = await f.market.read.getTask([job.jobId, id]);
      drawn.push(t.assignee);
      await revertsExactly(f.registry.write.withdraw({ account: attacker }), "ProverRegistryStillUnbonding");
      if (drawn.includes(attacker) && t.assignee !== attacker) break;
      assert.ok(t.windowEnd <= j.deadline, "a window drew the attacker and a later one another prover");
      await f.networkHelpers.time.increaseTo(Number(t.windowEnd));
      await f.mine(1);
    }
    const submitter = drawn[drawn.length - 1];
    const r = await f.submitChunk(job, id, submitter);
    const missed = missedOf(f, r.logs).filter((m) => m.prover === attacker);
    assert.equal(missed.length, drawn.filter((p) => p === attacker).length, "every window it was drawn for is slashed");
    for (const m of missed) assert.equal(m.amount, f.params.livenessBond, "in full, from its unbonding stake");
    const left = 3000n * E18 - f.params.livenessBond * BigInt(missed.length);
    assert.equal((await f.registry.read.proverInfo([attacker])).unbonding, left);
    // At the deadline (the job's last moment to draw) it still cannot withdraw.
    await f.networkHelpers.time.increaseTo(Number(j.deadline) - 1);
    await revertsExactly(f.registry.write.withdraw({ account: attacker }), "ProverRegistryStillUnbonding");
    // Past the deadline the job draws no more: no submission, no liveness slash, no dispute, no refresh.
    await f.networkHelpers.time.increaseTo(Number(j.deadline) + 1);
    await revertsExactly(f.submitDecision(job, submitter), "MarketPastDeadline");
    await revertsExactly(f.market.write.slashMissed([job.jobId, DECISION]), "MarketPastDeadline");
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, id]), "MarketPastDeadline");
    // Only then is its stake released.
    await f.networkHelpers.time.increaseTo(Number(releaseAt));
    const before = await f.token.read.balanceOf([attacker]);
    await f.registry.write.withdraw({ account: attacker });
    assert.equal((await f.token.read.balanceOf([attacker])) - before, left);
  });

  it("the owner lowering the unbonding delay mid-job does not let a prover in its snapshot withdraw before the job stops drawing", async () => {
    const DAY = 86_400n;
    const f = await v2Fixture({ provers: 4, unbondingDelay: DAY, params: { window: 3600n } });
    const [attacker] = f.outsiders;
    await newcomer(f, attacker);
    await f.registry.write.stake([3000n * E18], { account: attacker });
    const now = BigInt(await f.networkHelpers.time.latest());
    const job = await f.request(4, 2, { deadline: now + DAY - 60n });
    const j = await f.market.read.getJob([job.jobId]);
    await f.mine();
    const id = job.chunks[0];
    // The owner lowers the delay to its minimum while the job is open; the attacker unstakes after that.
    await f.registry.write.setUnbondingDelay([3600n]);
    const lowered = BigInt(await f.networkHelpers.time.latest());
    assert.equal(await f.registry.read.releaseFloor(), lowered + DAY, "no release before the old delay has passed");
    await f.registry.write.requestUnstake([3000n * E18], { account: attacker });
    const { releaseAt } = await f.registry.read.proverInfo([attacker]);
    assert.equal(releaseAt, lowered + DAY);
    assert.ok(releaseAt > j.deadline);
    // An increase never lowers the floor.
    await f.registry.write.setUnbondingDelay([7200n]);
    await f.registry.write.setUnbondingDelay([3600n]);
    assert.equal(await f.registry.read.releaseFloor(), lowered + DAY);
    // The attacker waits out the new delay (and more), while the job still draws: withdraw is refused.
    await f.networkHelpers.time.increaseTo(Number(j.deadline) - 1);
    await revertsExactly(f.registry.write.withdraw({ account: attacker }), "ProverRegistryStillUnbonding");
    // Its missed windows cost it, from the unbonding stake (anyone slashes them; burned).
    const r = await f.wait(await f.market.write.slashMissed([job.jobId, id], { account: f.requester }));
    const mine = missedOf(f, r.logs).filter((m) => m.prover === attacker);
    assert.ok(mine.length > 0, "the attacker was drawn in some of the ~23 missed windows");
    const left = 3000n * E18 - f.params.livenessBond * BigInt(mine.length);
    assert.equal((await f.registry.read.proverInfo([attacker])).unbonding, left);
    // With the delay at one hour, no job's schedule (here 5 windows) ends before the delay does: requests are refused.
    const t = BigInt(await f.networkHelpers.time.latest());
    await revertsExactly(f.request(4, 2, { deadline: t + 6n * 3600n }), "MarketDeadlineAfterUnbonding");
    // Once the old delay has passed since the decrease, the new one applies.
    await f.networkHelpers.time.increaseTo(Number(releaseAt));
    await f.registry.write.withdraw({ account: attacker });
    const other = f.provers[0];
    await f.registry.write.requestUnstake([E18], { account: other });
    const u = BigInt(await f.networkHelpers.time.latest());
    assert.equal((await f.registry.read.proverInfo([other])).releaseAt, u + 3600n);
  });

  it("a job requested before any fitting prover staked is done once one stakes; a prover staking in the seed block is not drawn", async () => {
    const f = await v2Fixture({ provers: 4 });
    // A circuit of 2^22 constraints: above the capacity every staked prover declared (2^20).
    const r1cs = keccak256("0x33");
    const verifier = await f.viem.deployContract("MockDeciderVerifier", [r1cs, 1n]);
    const srs = { n: 1n, powersHash: keccak256("0x02"), tauG2: await verifier.read.tauG2() };
    await f.circuits.write.registerCircuit([r1cs, 1n << 22n, 100n, 1, srs, verifier.address, 100_000n]);
    const circuitId = await f.circuits.read.circuitCount();
    const job = await f.request(4, 1, { circuitId });
    await f.mine();
    const [c0, c1] = job.chunks;
    const [merge] = job.merges;
    // Today's rule alone: the snapshot holds no fitting prover, nobody can ever be drawn.
    await revertsExactly(f.market.read.getTask([job.jobId, c0]), "ProverRegistryNoEligibleProver");
    await revertsExactly(
      f.market.write.submitChunk([job.jobId, c0, f.chunkData(job, c0)], { account: f.provers[0] }),
      "ProverRegistryNoEligibleProver",
    );
    // The fallback needs a fitting prover in the previous block's snapshot.
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, c0]), "MarketNoEligibleProver");
    const [big, sybil] = f.outsiders;
    await newcomer(f, big, 1_000_000n * E18, 1n << 22n);
    await newcomer(f, sybil, 1_000_000n * E18, 1n << 22n);
    await f.registry.write.stake([1000n * E18], { account: big });
    // Anyone (here the requester) moves chunk 0's snapshot to the previous block: it holds `big` only.
    const r = await f.wait(await f.market.write.refreshSnapshot([job.jobId, c0], { account: f.requester }));
    const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "SnapshotRefreshed" })[0];
    assert.equal(ev.args.availableBlock, r.blockNumber);
    // A sybil sees it and stakes 500× more in the seed block.
    await f.registry.write.stake([500_000n * E18], { account: sybil });
    assert.equal(await f.publicClient.getBlockNumber(), r.blockNumber + 1n, "the sybil staked in the seed block");
    await f.mine();
    const t0 = await f.market.read.getTask([job.jobId, c0]);
    assert.equal(t0.availableBlock, r.blockNumber);
    assert.equal(t0.attempt, 0);
    assert.equal(t0.assignee, big, "the sybil is not drawn: its stake is not in the snapshot");
    // No re-roll: a task whose snapshot holds a fitting prover cannot be refreshed (by the sybil or anyone).
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, c0], { account: sybil }), "MarketSnapshotNotEmpty");
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine(1);
    assert.equal(await f.assignee(job.jobId, c0), big, "every attempt draws over the same snapshot");
    await f.submitChunk(job, c0, big);
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, c0]), "MarketTaskDone");
    // Chunk 1 is refreshed after the sybil's stake: it may be drawn for it (a stake counts from the next block).
    await f.market.write.refreshSnapshot([job.jobId, c1]);
    await f.mine();
    await f.submitChunk(job, c1);
    await f.mine();
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, merge]), "MarketSnapshotNotEmpty");
    await f.submitMerge(job, merge);
    await f.mine();
    await f.submitDecision(job);
    assert.equal((await f.market.read.getJob([job.jobId])).status, 2, "verified");
  });

  it("the fallback is refused before the task is available and once the class is already served", async () => {
    const f = await v2Fixture({ provers: 4 });
    const job = await f.request(4, 1);
    await f.mine();
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, job.merges[0]]), "MarketTaskNotReady");
    await revertsExactly(f.market.write.refreshSnapshot([job.jobId, job.chunks[0]]), "MarketSnapshotNotEmpty");
  });
});
