/**
 * Each incentive finding of the v1 audit (issue 11), attempted against the v2 market: the attack must fail or
 * leave the attacker poorer.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { parseEventLogs } from "viem";
import { P } from "../../../../prover/src/field/fr.js";
import { hashPair, segmentLeaf } from "../../../../prover/src/tree/manifest.js";
import { DECISION, E18, mockProof, revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

describe("Market v2: attacks from the audit", function () {
  this.timeout(600_000);

  it("a fee of 0 (or one that leaves a task worth 0) is refused", async () => {
    const f = await v2Fixture();
    await revertsExactly(f.request(16, 0, { fee: 0n }), "MarketInvalidFee");
    await revertsExactly(f.request(16, 0, { fee: 999n }), "MarketInvalidFee");
  });

  it("an unbounded deadline is refused (capped at maxJobDuration)", async () => {
    const f = await v2Fixture();
    await revertsExactly(f.request(4, 0, { deadline: 2n ** 63n }), "MarketInvalidDeadline");
  });

  it("a chunk too big for one transaction is refused (its assignee could never submit it and would be slashed)", async () => {
    const f = await v2Fixture();
    // State width 1: 2^9 leaves fit (≈ 11.5M gas), 2^10 would not fit under 2^24.
    await revertsExactly(f.request(1024, 10), "MarketInvalidShape");
    const job = await f.request(1024, 9);
    assert.equal(job.chunks.length, 2);
  });

  it("z0 must be the manifest's first state (the root's zIn is bound to it)", async () => {
    const f = await v2Fixture();
    const job = await f.request(4, 1);
    const bad = { ...job.req, z0: [job.states[0][0] + 1n] };
    await revertsExactly(f.market.write.requestProof([bad], { account: f.requester }), "MarketZ0Mismatch");
  });

  it("copied calldata earns nothing: only the running attempt's assignee may submit", async () => {
    const f = await v2Fixture();
    const job = await f.request(4, 2);
    await f.mine();
    const id = job.chunks[0];
    const who = await f.assignee(job.jobId, id);
    const thief = f.provers.find((p) => p !== who)!;
    const data = f.chunkData(job, id);
    await revertsExactly(f.market.write.submitChunk([job.jobId, id, data], { account: thief }), "MarketNotAssignee");
    await f.market.write.submitChunk([job.jobId, id, data], { account: who });
  });

  it("the requester cannot cancel once the root exists (nor front-run the decision)", async () => {
    const f = await v2Fixture();
    const job = await f.request(4, 2);
    await f.mine();
    await f.submitChunk(job, job.chunks[0]);
    await revertsExactly(f.market.write.cancel([job.jobId], { account: f.requester }), "MarketRootExists");
  });

  it("a late assignee is slashed to the next attempt's assignee; the honest, timely one never is", async () => {
    const f = await v2Fixture({ provers: 6 });
    const job = await f.request(4, 2);
    await f.mine();
    const id = job.chunks[0];
    const late = await f.assignee(job.jobId, id);
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine();
    const next = await f.assignee(job.jobId, id);
    const before = (await f.registry.read.proverInfo([late])).stake;
    const r = await f.submitChunk(job, id, next);
    const missed = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "AttemptMissed" });
    if (late === next) {
      assert.equal(missed.length, 0, "a prover drawn twice is not slashed for its own earlier attempt");
    } else {
      assert.equal(missed.length, 1);
      assert.equal(missed[0].args.prover, late);
      assert.equal((await f.registry.read.proverInfo([late])).stake, before - f.params.livenessBond);
    }
  });

  it("self-dispute through a sybil loses money: half the slash is burned, reset workers are paid", async () => {
    const f = await v2Fixture();
    const job = await f.request(4, 1); // chunks [0,2) [2,4), one merge (the root)
    await f.mine();
    for (const id of job.chunks) await f.submitChunk(job, id);
    await f.mine();
    await f.submitMerge(job, BigInt(job.n));
    const target = job.chunks[0];
    const submitter = (await f.market.read.getTask([job.jobId, target])).submitter;
    const sybil = f.provers.find((p) => p !== submitter)!;
    const stk = f.token.address;
    const stakeBefore = (await f.registry.read.proverInfo([submitter])).stake;
    const balBefore = await f.token.read.balanceOf([sybil]);
    await f.market.write.dispute([job.jobId, target], { account: sybil });
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    await f.market.write.resolveDispute([job.jobId, target]);
    const lost = stakeBefore - (await f.registry.read.proverInfo([submitter])).stake;
    const gained = (await f.token.read.balanceOf([sybil])) - balBefore + (await f.market.read.claimable([sybil, stk]));
    assert.equal(lost, f.params.disputeSlash);
    assert.ok(gained < lost, `pair nets ${gained - lost}`);
    assert.ok(gained - lost <= -f.params.disputeSlash / 2n, "at least the burned half is lost");
    assert.equal(await f.market.read.nodeDigest([job.jobId, BigInt(job.n)]), `0x${"0".repeat(64)}`, "root reset");
  });

  it("a dispute that outlives the job: the disputed node is not paid meanwhile, and its reward returns to the requester", async () => {
    const f = await v2Fixture();
    const now = BigInt(await f.networkHelpers.time.latest());
    const job = await f.request(4, 1, { deadline: now + 4000n }); // chunks [0,2) [2,4), the root a merge
    await f.mine();
    for (const id of job.chunks) await f.submitChunk(job, id);
    await f.mine();
    const root = BigInt(job.n);
    await f.submitMerge(job, root);
    const target = job.chunks[0];
    const submitter = (await f.market.read.getTask([job.jobId, target])).submitter;
    const challenger = f.provers.find((p) => p !== submitter)!;
    await f.market.write.dispute([job.jobId, target], { account: challenger });
    const j = await f.market.read.getJob([job.jobId]);
    await f.networkHelpers.time.increaseTo(Number(j.deadline) + 1);
    await f.market.write.expire([job.jobId]);
    // The disputed node cannot be paid while its dispute is open; the others can.
    await revertsExactly(f.market.write.release([job.jobId, [target]]), "RewardSplitterNotReleasable");
    await f.market.write.release([job.jobId, [job.chunks[1], root]]);
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    await f.market.write.resolveDispute([job.jobId, target]);
    await revertsExactly(f.market.write.release([job.jobId, [target]]), "RewardSplitterNotReleasable");
    let credited = 0n;
    for (const a of [f.requester, ...f.provers]) credited += await f.market.read.claimable([a, f.feeToken.address]);
    assert.equal(credited, j.fee + j.bond, "fee and bond fully credited: nothing stuck, nothing created");
    const [chunkReward] = await f.market.read.rewardsOf([job.jobId]);
    const refunds = await f.publicClient.getContractEvents({
      address: f.market.address,
      abi: f.market.abi,
      eventName: "Credited",
      args: { account: f.requester },
      fromBlock: 0n,
    });
    assert.ok(
      refunds.some(
        (e) =>
          e.args.amount === chunkReward &&
          e.args.reason === `0x${Buffer.from("refund").toString("hex").padEnd(64, "0")}`,
      ),
      "the reset chunk's reward is refunded to the requester",
    );
    assert.ok((await f.feeToken.read.balanceOf([f.market.address])) >= credited);
  });

  it("a dispute just before the decision deadline pauses it: the decider's window restarts, nobody is slashed", async () => {
    const f = await v2Fixture();
    const job = await f.request(2, 1);
    await f.mine();
    await f.submitChunk(job, job.chunks[0]);
    const root = BigInt(job.n);
    await f.mine();
    const decider = await f.assignee(job.jobId, DECISION);
    await f.networkHelpers.time.increase(Number(f.params.window) - 30);
    const submitter = (await f.market.read.getTask([job.jobId, root])).submitter;
    const challenger = f.provers.find((p) => p !== submitter)!;
    await f.market.write.dispute([job.jobId, root], { account: challenger });
    await f.networkHelpers.time.increase(Number(f.params.window));
    const t = await f.market.read.getTask([job.jobId, DECISION]);
    assert.equal(t.state, 0, "the decision waits while the dispute is open");
    const n = f.node(job.jobId, root);
    // biome-ignore lint/suspicious/noExplicitAny: struct read back from the event
    await f.market.write.answerDispute([job.jobId, root, n as any, mockProof(n.instance as any) as any], {
      account: submitter,
    });
    await f.mine();
    const after = await f.market.read.getTask([job.jobId, DECISION]);
    assert.equal(after.attempt, 0, "attempt 0 again, counted from the dispute's end");
    const stakes = await Promise.all(f.provers.map(async (p) => (await f.registry.read.proverInfo([p])).stake));
    const r = await f.submitDecision(job);
    assert.equal(parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "AttemptMissed" }).length, 0);
    for (const [i, p] of f.provers.entries()) assert.equal((await f.registry.read.proverInfo([p])).stake, stakes[i]);
    void decider;
  });

  it("an impossible job (a manifest value outside the field) is voided at the requester's bond", async () => {
    const f = await v2Fixture();
    const states = Array.from({ length: 9 }, (_, i) => [BigInt(i + 1)]);
    states[5] = [P + 3n];
    const job = await f.request(8, 2, { states });
    const prover = f.provers[0];
    const seg = { zIn: states[4], zOut: states[5], proof: job.manifest.proof(4) };
    const leaf = { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] };
    const proof = mockProof(leaf);
    const inField = { proof: job.manifest.proof(3), zIn: states[3], zOut: states[4] };
    await revertsExactly(
      // biome-ignore lint/suspicious/noExplicitAny: ABI struct
      f.market.write.voidImpossible([job.jobId, 2, 3n, [inField], leaf, proof as any], { account: prover }),
      "MarketNotImpossible",
    );
    // biome-ignore lint/suspicious/noExplicitAny: ABI struct
    await f.market.write.voidImpossible([job.jobId, 2, 4n, [seg], leaf, proof as any], { account: prover });
    const j = await f.market.read.getJob([job.jobId]);
    assert.equal(j.status, 5);
    assert.equal(await f.market.read.claimable([prover, f.feeToken.address]), j.bond);
    assert.equal(await f.market.read.claimable([f.requester, f.feeToken.address]), j.fee);
    void E18;
  });

  it("a decider proof that F(z_k) ≠ z_{k+1} voids the job at the requester's bond; a wrong or unproved claim does not", async () => {
    const f = await v2Fixture();
    const job = await f.request(4, 1);
    const [prover, sybil] = f.provers;
    const k = 2;
    const z = job.states;
    const seg = { zIn: z[k], zOut: z[k + 1], proof: job.manifest.proof(k) };
    // A fresh leaf of segment k (u = 1, cmE = 0, x = (F(z_k), z_k)) whose output is not the manifest's z_{k+1},
    // decided by the fixture's MockDeciderVerifier (it accepts only the proof bound to that exact instance).
    const fresh = (out: readonly bigint[], inp: readonly bigint[] = z[k], u = 1n) => ({
      cmW: { x: 1n, y: 2n },
      cmE: { x: 0n, y: 0n },
      u,
      x: [...out, ...inp],
    });
    const other = [(z[k + 1][0] + 1n) % P];
    const leaf = fresh(other);
    // biome-ignore lint/suspicious/noExplicitAny: ABI struct
    const voidWith = (l: ReturnType<typeof fresh>, proof: any, as = prover, s = seg, index = BigInt(k)) =>
      f.market.write.voidImpossible([job.jobId, 3, index, [s], l, proof], { account: as });

    // The manifest is right about the output: nothing to void.
    const agrees = fresh(z[k + 1]);
    await revertsExactly(voidWith(agrees, mockProof(agrees)), "MarketNotImpossible");
    // The leaf starts elsewhere than z_k.
    const elsewhere = fresh(other, [(z[k][0] + 1n) % P]);
    await revertsExactly(voidWith(elsewhere, mockProof(elsewhere)), "MarketNotImpossible");
    // Not a fresh leaf (a folded instance, u ≠ 1), or one with an error term.
    const folded = fresh(other, z[k], 2n);
    await revertsExactly(voidWith(folded, mockProof(folded)), "MarketNotImpossible");
    const withError = { ...leaf, cmE: { x: 1n, y: 2n } };
    await revertsExactly(voidWith(withError, mockProof(withError)), "MarketNotImpossible");
    // The segment is not the manifest's (its proof is segment k+1's) or the index is past the job.
    await revertsExactly(
      voidWith(leaf, mockProof(leaf), prover, { ...seg, proof: job.manifest.proof(k + 1) }),
      "MarketNotImpossible",
    );
    await revertsExactly(voidWith(leaf, mockProof(leaf), prover, seg, 4n), "MarketNotImpossible");
    // The claim without a proof of it: the decider rejects.
    await revertsExactly(voidWith(leaf, mockProof(agrees)), "MockDeciderVerifierRejected");
    await revertsExactly(voidWith(leaf, f.zeroProof), "MockDeciderVerifierRejected");
    // Only a staked prover may void.
    await revertsExactly(voidWith(leaf, mockProof(leaf), f.outsiders[0]), "MarketNotStaked");

    const r = await f.wait(await voidWith(leaf, mockProof(leaf)));
    const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "JobVoided" });
    assert.equal(ev.length, 1);
    assert.equal(ev[0].args.prover, prover);
    assert.equal(ev[0].args.reason, 3);
    assert.equal(ev[0].args.index, BigInt(k));
    const j = await f.market.read.getJob([job.jobId]);
    assert.equal(j.status, 5);
    assert.ok(j.bond > 0n);
    assert.equal(ev[0].args.refund, j.fee);
    assert.equal(await f.market.read.claimable([prover, f.feeToken.address]), j.bond, "the voider takes the bond");
    assert.equal(await f.market.read.claimable([f.requester, f.feeToken.address]), j.fee, "the fee back, not the bond");
    // Once: the job is closed, a second void (by anyone) is refused.
    await revertsExactly(voidWith(leaf, mockProof(leaf), sybil), "MarketJobNotOpen");
  });

  it("discontinuous manifest segments void the job at the requester's bond; continuous ones do not", async () => {
    const f = await v2Fixture();
    // Segments (k, z_k, z_{k+1}) for k = 0..3, except segment 2 ends at 99 while segment 3 starts at 3.
    const segs = [0, 1, 2, 3].map((k) => ({ zIn: [BigInt(k)], zOut: [k === 2 ? 99n : BigInt(k + 1)] }));
    // No states z_0..z_4 give these segments, so the manifest is hashed here (manifest.ts's leaf and pair hash).
    const l0 = segs.map((g, k) => segmentLeaf(k, g.zIn, g.zOut));
    const l1 = [hashPair(l0[0], l0[1]), hashPair(l0[2], l0[3])];
    const proof = (k: number) => [l0[k ^ 1], l1[(k >> 1) ^ 1]];
    const now = BigInt((await f.publicClient.getBlock()).timestamp);
    const req = {
      circuitId: 1n,
      nLeaves: 4,
      chunkLog: 0,
      manifestRoot: hashPair(l1[0], l1[1]),
      feeToken: f.feeToken.address,
      fee: 10n ** 12n,
      deadline: now + 86400n,
      z0: [0n],
      z1: [1n],
      z0Proof: proof(0),
    };
    await f.market.write.requestProof([req], { account: f.requester });
    const leaf = { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] };
    const decider = mockProof(leaf);
    const arg = (k: number) => ({ ...segs[k], proof: proof(k) });
    await revertsExactly(
      // biome-ignore lint/suspicious/noExplicitAny: ABI struct
      f.market.write.voidImpossible([1n, 1, 1n, [arg(1), arg(2)], leaf, decider as any], { account: f.provers[1] }),
      "MarketNotImpossible",
    );
    // biome-ignore lint/suspicious/noExplicitAny: ABI struct
    await f.market.write.voidImpossible([1n, 1, 2n, [arg(2), arg(3)], leaf, decider as any], { account: f.provers[1] });
    assert.equal((await f.market.read.getJob([1n])).status, 5);
  });
});

describe("Market v2: missed attempts are slashed to the provers that were drawn for them", function () {
  this.timeout(300_000);

  it("several missed windows: each late assignee is the one drawn during its window, though each slash moves the weights", async () => {
    // A liveness bond that takes a prover below the minimum stake: each slash zeroes its sortition weight, so
    // drawing attempt k after slashing attempt k−1 (as the market once did) names provers never drawn for k.
    const f = await v2Fixture({ provers: 12, params: { livenessBond: 950n * E18 } });
    const seen: `0x${string}`[] = [];
    for (let run = 0; run < 3 && seen.length === 0; run++) {
      const job = await f.request(4, 2);
      await f.mine();
      const id = job.chunks[0];
      const drawn: `0x${string}`[] = [];
      for (let a = 0; a < 5; a++) {
        drawn.push(await f.assignee(job.jobId, id));
        await f.networkHelpers.time.increase(Number(f.params.window));
        await f.mine();
      }
      const submitter = await f.assignee(job.jobId, id);
      const r = await f.submitChunk(job, id, submitter);
      const missed = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "AttemptMissed" });
      const expected = drawn.map((p, a) => ({ p, a })).filter((x) => x.p !== submitter);
      assert.deepEqual(
        missed.map((e) => [e.args.prover, Number(e.args.attempt)]),
        expected.map((x) => [x.p, x.a]),
        "the provers slashed are exactly those drawn for the missed attempts",
      );
      seen.push(...missed.map((e) => e.args.prover));
    }
    assert.ok(seen.length > 0, "some attempt was missed by someone other than the final submitter");
  });
});
