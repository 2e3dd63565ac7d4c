/**
 * Governance bounds of the v2 market (issue 11: "bounded governance parameters that apply to new jobs only"):
 * `setParams` refuses every value just outside its bound with `MarketInvalidParams()`, accepts the bound
 * itself, is owner-only, and a new parameter set applies to jobs requested after it, never to open ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { getAddress, parseEventLogs, stringToHex } from "viem";
import { E18, revertsExactly, V2_PARAMS, v2Fixture } from "../../../helpers/marketV2.js";

const DAY = 86400n;
/** 10 × the fixture's minimum stake (100 tokens): the bound of the liveness bond and of the dispute slash. */
const MAX_SLASH = 10n * 100n * E18;
type Params = typeof V2_PARAMS;

/** Each bound: a value just outside it and the bound itself (every other field from V2_PARAMS). */
const BOUNDS: { name: string; bad: Partial<Params>; edge: Partial<Params> }[] = [
  { name: "window below 60 s", bad: { window: 59n }, edge: { window: 60n } },
  { name: "window above 7 days", bad: { window: 7n * DAY + 1n }, edge: { window: 7n * DAY } },
  { name: "disputeWindow below 60 s", bad: { disputeWindow: 59n }, edge: { disputeWindow: 60n } },
  { name: "disputeWindow above 7 days", bad: { disputeWindow: 7n * DAY + 1n }, edge: { disputeWindow: 7n * DAY } },
  {
    name: "maxJobDuration below 4 windows",
    bad: { maxJobDuration: 4n * V2_PARAMS.window - 1n },
    edge: { maxJobDuration: 4n * V2_PARAMS.window },
  },
  {
    name: "maxJobDuration above 90 days",
    bad: { maxJobDuration: 90n * DAY + 1n },
    edge: { maxJobDuration: 90n * DAY },
  },
  { name: "burnBps below 50 %", bad: { burnBps: 4999 }, edge: { burnBps: 5000 } },
  { name: "burnBps above 100 %", bad: { burnBps: 10_001 }, edge: { burnBps: 10_000 } },
  { name: "requesterBondBps above 100 %", bad: { requesterBondBps: 10_001 }, edge: { requesterBondBps: 10_000 } },
  {
    name: "callbackGasLimit above 2,000,000",
    bad: { callbackGasLimit: 2_000_001 },
    edge: { callbackGasLimit: 2_000_000 },
  },
  { name: "livenessBond 0", bad: { livenessBond: 0n }, edge: { livenessBond: 1n } },
  {
    name: "livenessBond above 10 minimum stakes",
    bad: { livenessBond: MAX_SLASH + 1n },
    edge: { livenessBond: MAX_SLASH },
  },
  {
    name: "disputeSlash above 10 minimum stakes",
    bad: { disputeSlash: MAX_SLASH + 1n },
    edge: { disputeSlash: MAX_SLASH },
  },
  {
    name: "disputeSlash below disputeBond",
    bad: { disputeSlash: V2_PARAMS.disputeBond - 1n },
    edge: { disputeSlash: V2_PARAMS.disputeBond },
  },
];

describe("Market v2: governance parameter bounds", function () {
  this.timeout(600_000);

  it("setParams refuses each value just outside its bound and accepts the bound itself", async () => {
    const f = await v2Fixture();
    for (const b of BOUNDS) {
      const before = await f.market.read.paramsCount();
      await revertsExactly(f.market.write.setParams([{ ...V2_PARAMS, ...b.bad }]), "MarketInvalidParams");
      assert.equal(await f.market.read.paramsCount(), before, `${b.name}: no parameter set added`);
      await f.market.write.setParams([{ ...V2_PARAMS, ...b.edge }]);
      assert.equal(await f.market.read.paramsCount(), before + 1, `${b.name}: the bound itself is accepted`);
      const stored = await f.market.read.paramsAt([before + 1]);
      for (const [k, v] of Object.entries(b.edge)) assert.equal(stored[k as keyof typeof stored], v, `${b.name}: ${k}`);
    }
  });

  it("the market cannot be deployed with out-of-range parameters", async () => {
    const f = await v2Fixture();
    const owner = getAddress(f.wallets[0].account.address);
    const weights = { leaf: 1n, fold: 1n, decision: 1n };
    await revertsExactly(
      f.viem.deployContract(
        "Market",
        [f.registry.address, f.circuits.address, { ...V2_PARAMS, burnBps: 4999 }, weights, owner, f.ext.address],
        { libraries: { Chunks: (await f.viem.deployContract("Chunks", [])).address } },
      ),
      "MarketInvalidParams",
    );
  });

  it("only the owner sets parameters", async () => {
    const f = await v2Fixture();
    await revertsExactly(f.market.write.setParams([V2_PARAMS], { account: f.requester }), "OwnableUnauthorizedAccount");
  });

  it("a new parameter set applies to jobs requested after it, never to an open job", async () => {
    const f = await v2Fixture();
    const old = await f.request(4, 1);
    const oldId = (await f.market.read.getJob([old.jobId])).paramsId;
    await f.market.write.setParams([{ ...V2_PARAMS, window: 1200n, livenessBond: 20n * 10n ** 18n }]);
    const fresh = await f.request(4, 1);
    const freshId = (await f.market.read.getJob([fresh.jobId])).paramsId;
    assert.equal((await f.market.read.getJob([old.jobId])).paramsId, oldId, "the open job keeps its parameters");
    assert.equal(freshId, oldId + 1);
    assert.equal((await f.market.read.paramsAt([oldId])).window, V2_PARAMS.window);
    assert.equal((await f.market.read.paramsAt([freshId])).window, 1200n);
    // The open job still runs on its own windows: every task done by its drawn assignee, paid in full.
    await f.runAll(old);
    assert.equal((await f.market.read.getJob([old.jobId])).status, 2);
  });

  it("attack: the owner reprices and raises the bonds while a job is open; it is settled under its original terms", async () => {
    const f = await v2Fixture();
    const open = await f.request(8, 1);
    const terms = await f.market.read.rewardsOf([open.jobId]);
    const pid = (await f.market.read.getJob([open.jobId])).paramsId;
    await f.mine();
    const id = open.chunks[0];
    const late = await f.assignee(open.jobId, id);
    // The owner makes merges 1000× dearer (chunks and decisions cheaper), and the liveness bond 50× larger.
    await revertsExactly(
      f.market.write.setWeights([{ leaf: 1n, fold: 1000n, decision: 1n }], { account: f.requester }),
      "OwnableUnauthorizedAccount",
    );
    await revertsExactly(
      f.market.write.setWeights([{ leaf: 1n, fold: 1_000_001n, decision: 1n }]),
      "RewardSplitterInvalidWeights",
    );
    await f.market.write.setWeights([{ leaf: 1n, fold: 1000n, decision: 1n }]);
    const afterWeights = await f.market.read.paramsCount();
    assert.equal(afterWeights, pid + 1, "new weights are a new parameter set");
    await f.market.write.setParams([{ ...V2_PARAMS, livenessBond: 500n * E18 }]);
    assert.deepEqual(await f.market.read.weightsAt([pid]), { leaf: 1n, fold: 1n, decision: 1n });
    assert.deepEqual(await f.market.read.weightsAt([afterWeights + 1]), { leaf: 1n, fold: 1000n, decision: 1n });
    assert.deepEqual(await f.market.read.rewardsOf([open.jobId]), terms, "the open job's rewards are unchanged");
    // A newly requested job is priced by the new weights.
    const fresh = await f.request(8, 1);
    const freshTerms = await f.market.read.rewardsOf([fresh.jobId]);
    assert.ok(freshTerms[1] > terms[1] * 3n, "a merge of a new job is worth far more");
    // The open job runs: a missed window is slashed by the job's own bond (not the new one).
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine(1);
    let who = await f.assignee(open.jobId, id);
    while (who === late) {
      await f.networkHelpers.time.increase(Number(f.params.window));
      await f.mine(1);
      who = await f.assignee(open.jobId, id);
    }
    const r = await f.submitChunk(open, id, who);
    const missed = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "AttemptMissed" });
    assert.ok(missed.length > 0);
    for (const m of missed) assert.equal(m.args.slashed, V2_PARAMS.livenessBond, "slashed by the job's original bond");
    for (const c of open.chunks.slice(1)) await f.submitChunk(open, c);
    for (const m of open.merges) {
      await f.mine();
      await f.submitMerge(open, m);
    }
    await f.mine();
    await f.submitDecision(open);
    // Every task of the open job is paid at its original price.
    await f.market.write.release([open.jobId, [...open.chunks, ...open.merges]]);
    const credited = parseEventLogs({
      abi: f.market.abi,
      logs: (await f.publicClient.getLogs({ address: f.market.address, fromBlock: 0n })) as never,
      eventName: "Credited",
    }).filter((e) => e.args.jobId === open.jobId && e.args.reason === stringToHex("task", { size: 32 }));
    const merges = new Set(open.merges.map(String));
    for (const e of credited) {
      const t = String(e.args.taskId);
      if (t === String(2n ** 256n - 1n)) assert.equal(e.args.amount, terms[2], "decision at its original price");
      else assert.equal(e.args.amount, merges.has(t) ? terms[1] : terms[0], `task ${t} at its original price`);
    }
    assert.equal(credited.length, open.chunks.length + open.merges.length + 1);
  });
});
