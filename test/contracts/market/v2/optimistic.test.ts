/**
 * Optimistic bundles (MarketDisputes proposeBundle / challengeBundle / finalizeBundle), tried as an attacker
 * would. Roots are folded by the prover's engine (chain/bundles.ts bundleRoot: transcript v2, jobId 0,
 * the circuit's domain: what scripts/bench/gas.ts bundleJob posts), so a refused challenge (MarketBundleValid)
 * pins the on-chain re-execution to the engine; the decider is the test-only MockDeciderVerifier (real folds and
 * a real decider: real.test.ts). Covered: the happy path at 1, 16 and 64 leaves (challenge refused, finalized
 * after the window, JobVerified with z_N, the bond claimed back in ETH, the proposer contract's callback); every
 * kind of fraud caught (a root field, a leaf cmW, a cross term, an invalid point), the job voided and the bond
 * paid to the challenger; challenges of valid data, late, twice, with altered data or starved of gas refused; finalize early, with a
 * wrong z_N or of a job not proposed refused; cancel / expire / dispute of a proposed job refused; the proposer's
 * bond, size bound, field and length checks; governance bounds applying to new proposals only; a sybil
 * self-challenge that gains nothing; reentrancy through the finalize callback; and a random schedule whose ETH
 * credits never exceed the bonds and whose proposals end at most once.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import {
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseEventLogs,
  toFunctionSelector,
  zeroAddress,
} from "viem";
import { bundleRoot } from "../../../../prover/src/chain/bundles.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../../../prover/src/curve/bn254.js";
import { P } from "../../../../prover/src/field/fr.js";
import { mockProof, revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

type F = Awaited<ReturnType<typeof v2Fixture>>;
type G1 = { x: bigint; y: bigint };
type Data = {
  states: bigint[];
  cmW: G1[];
  cmT: G1[];
  root: { cmW: G1; cmE: G1; u: bigint; x: bigint[] };
};

/** The base field modulus q (coordinates must be below it). */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const HOUR = 3600n;
const DEFAULT_BOND = 10n ** 15n;
const MAX_N_WIDTH_1 = Math.floor(12_000_000 / (20_000 + 1_300));

const point = (): G1 => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

/** The circuit's domain, as the market derives it (read from a requested job's record). */
async function domainOf(f: F): Promise<Hex> {
  const probe = await f.request(1, 0);
  return (await f.market.read.getJob([probe.jobId])).domain;
}

/** An honest bundle of `n` leaves: random states and commitments, the root folded by the prover's engine. */
async function honest(domain: Hex, n: number, states?: bigint[][]): Promise<Data> {
  const z = states ?? Array.from({ length: n + 1 }, () => [randomScalar()]);
  const cmW = Array.from({ length: n }, point);
  const cmT = Array.from({ length: n - 1 }, point);
  const root = await foldRoot(domain, z, cmW, cmT);
  return { states: z.flat(), cmW, cmT, root: { ...root, x: [...root.x] } };
}

/** The folds' root as the market re-executes them (the prover's engine: chain/bundles.ts `bundleRoot`). */
const foldRoot = (domain: Hex, z: bigint[][], cmW: G1[], cmT: G1[]) =>
  bundleRoot({ states: z.flat(), cmW, cmT }, domain);

const zN = (d: Data, s = 1) => d.states.slice(d.states.length - s);

/** Proposes `d` (with the mock decider's proof of its root) as `who`, bond `value` (default: the exact bond). */
async function propose(f: F, d: Data, who: Address, value?: bigint) {
  const [, perLeaf] = await f.market.read.bundleParams();
  const v = value ?? perLeaf * BigInt(d.cmW.length);
  const r = await f.wait(
    await f.market.write.proposeBundle([1n, d, mockProof(d.root) as never], { account: who, value: v }),
  );
  const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleProposed" })[0];
  return { id: ev.args.jobId, end: ev.args.challengeEnd, bond: ev.args.bond, receipt: r, ev };
}

const ethClaimable = (f: F, a: Address) => f.market.read.claimable([a, zeroAddress]);

/** Asserts that `d`, proposed by `proposer`, is caught: the challenge wins, the job is voided, the bond paid. */
async function caught(f: F, d: Data, what: string, proposer = f.provers[0], challenger = f.provers[1]) {
  const p = await propose(f, d, proposer);
  const before = await ethClaimable(f, challenger);
  const r = await f.wait(await f.market.write.challengeBundle([p.id, d], { account: challenger }));
  const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleChallenged" });
  assert.equal(ev.length, 1, what);
  assert.equal(ev[0].args.challenger, challenger, what);
  assert.equal(ev[0].args.proposer, proposer, what);
  assert.equal(ev[0].args.bond, p.bond, what);
  assert.equal((await f.market.read.getJob([p.id])).status, 5, `${what}: Voided`);
  assert.equal((await ethClaimable(f, challenger)) - before, p.bond, `${what}: bond to the challenger`);
  await revertsExactly(f.market.write.challengeBundle([p.id, d], { account: f.provers[2] }), "MarketNotProposed");
  return p;
}

describe("Market v2: optimistic bundles", function () {
  this.timeout(600_000);

  for (const n of [1, 16, 64]) {
    it(`happy path at ${n} leaves: challenge refused, finalized after the window, z_N, bond claimed back, callback`, async () => {
      const f = await v2Fixture();
      const d = await honest(await domainOf(f), n);
      // The proposer is a contract that records its callback (MaliciousConsumer mode 4: behaves).
      const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address]);
      await consumer.write.setMode([4, "0x"]);
      const bond = DEFAULT_BOND * BigInt(n);
      const call = encodeFunctionData({
        abi: f.market.abi,
        functionName: "proposeBundle",
        args: [1n, d, mockProof(d.root) as never],
      });
      const pr = await f.wait(await consumer.write.exec([f.market.address, call], { value: bond }));
      const ev = parseEventLogs({ abi: f.market.abi, logs: pr.logs, eventName: "BundleProposed" })[0];
      const id = ev.args.jobId;
      const t0 = (await f.publicClient.getBlock({ blockNumber: pr.blockNumber })).timestamp;
      assert.equal(ev.args.proposer, getAddress(consumer.address));
      assert.equal(ev.args.nLeaves, n);
      assert.equal(ev.args.bond, bond);
      assert.equal(ev.args.challengeEnd, t0 + HOUR);
      // The event carries the whole data (what a challenger rebuilds from).
      assert.deepEqual([...ev.args.data.states], d.states);
      assert.deepEqual(ev.args.data.cmW, d.cmW);
      assert.deepEqual(ev.args.data.cmT, d.cmT);
      assert.deepEqual([...ev.args.data.root.x], d.root.x);
      const [dataHash, , recBond] = await f.market.read.bundleOf([id]);
      assert.equal(dataHash, ev.args.dataHash);
      assert.equal(recBond, bond);
      assert.equal(await f.publicClient.getBalance({ address: f.market.address }), bond);
      const j = await f.market.read.getJob([id]);
      assert.equal(j.status, 6, "Proposed");
      assert.equal(j.nLeaves, n);
      // The honest fold: a challenge is refused (the contract's re-execution is the engine's fold).
      await revertsExactly(f.market.write.challengeBundle([id, d], { account: f.provers[1] }), "MarketBundleValid");
      await f.networkHelpers.time.increase(Number(HOUR) + 1);
      const fin = await f.wait(await f.market.write.finalizeBundle([id, zN(d)], { account: f.outsiders[0] }));
      const verified = parseEventLogs({ abi: f.market.abi, logs: fin.logs, eventName: "JobVerified" });
      assert.equal(verified.length, 1);
      assert.deepEqual([...verified[0].args.zOut], zN(d));
      const fe = parseEventLogs({ abi: f.market.abi, logs: fin.logs, eventName: "BundleFinalized" })[0];
      assert.equal(fe.args.proposer, getAddress(consumer.address));
      assert.equal(fe.args.bond, bond);
      const cb = parseEventLogs({ abi: f.market.abi, logs: fin.logs, eventName: "CallbackResult" })[0];
      assert.equal(cb.args.success, true);
      assert.equal(await consumer.read.lastJobId(), id);
      assert.equal(await consumer.read.lastZOut([0n]), zN(d)[0]);
      assert.equal((await f.market.read.getJob([id])).status, 2, "Verified");
      // The bond comes back to the proposer, in ETH, by claim.
      assert.equal(await ethClaimable(f, consumer.address), bond);
      const claim = encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [zeroAddress] });
      const b0 = await f.publicClient.getBalance({ address: consumer.address });
      await f.wait(await consumer.write.exec([f.market.address, claim]));
      assert.equal((await f.publicClient.getBalance({ address: consumer.address })) - b0, bond);
      assert.equal(await f.publicClient.getBalance({ address: f.market.address }), 0n);
      // Once: neither finalized again nor challenged after.
      await revertsExactly(f.market.write.finalizeBundle([id, zN(d)]), "MarketNotProposed");
      await revertsExactly(f.market.write.challengeBundle([id, d], { account: f.provers[1] }), "MarketNotProposed");
    });
  }

  it("fraud caught: a root whose cmW, cmE, u or one x word is not the fold's", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 16);
    const frauds: [string, Data][] = [
      ["root cmW", { ...d, root: { ...d.root, cmW: point() } }],
      ["root cmE", { ...d, root: { ...d.root, cmE: point() } }],
      ["root u", { ...d, root: { ...d.root, u: (d.root.u + 1n) % P } }],
      ["root x[0]", { ...d, root: { ...d.root, x: [(d.root.x[0] + 1n) % P, d.root.x[1]] } }],
      ["root x[1]", { ...d, root: { ...d.root, x: [d.root.x[0], (d.root.x[1] + 1n) % P] } }],
    ];
    for (const [what, bad] of frauds) {
      const p = await caught(f, bad, what);
      // After the window the voided proposal cannot be finalized.
      await f.networkHelpers.time.increase(Number(HOUR) + 1);
      await revertsExactly(f.market.write.finalizeBundle([p.id, zN(bad)]), "MarketNotProposed");
    }
    // The honest one, proposed beside them, is not challengeable.
    const ok = await propose(f, d, f.provers[0]);
    await revertsExactly(f.market.write.challengeBundle([ok.id, d], { account: f.provers[1] }), "MarketBundleValid");
  });

  it("fraud caught: one leaf cmW or one cross term changed after folding (the root kept)", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 64);
    for (const i of [0, 5, 63]) {
      await caught(f, { ...d, cmW: d.cmW.map((p, k) => (k === i ? point() : p)) }, `cmW[${i}]`);
    }
    for (const i of [0, 31, 62]) {
      await caught(f, { ...d, cmT: d.cmT.map((p, k) => (k === i ? point() : p)) }, `cmT[${i}]`);
    }
    // Two cross terms swapped (each a valid one, in the wrong place).
    await caught(f, { ...d, cmT: [d.cmT[1], d.cmT[0], ...d.cmT.slice(2)] }, "cmT swapped");
    // One state changed (a leaf's x): the fold's x and every later challenge move.
    await caught(f, { ...d, states: d.states.map((v, k) => (k === 9 ? (v + 1n) % P : v)) }, "state 9");
  });

  it("fraud caught: an off-curve point or a coordinate ≥ q in cmW or cmT (accepted at proposal, the challenge wins)", async () => {
    const f = await v2Fixture();
    const domain = await domainOf(f);
    const d = await honest(domain, 16);
    const offCurve = (p: G1) => ({ x: p.x, y: p.y + 1n });
    const big = (p: G1) => ({ x: p.x + Q, y: p.y });
    const cases: [string, Data][] = [
      ["cmW[0] off the curve", { ...d, cmW: d.cmW.map((p, k) => (k === 0 ? offCurve(p) : p)) }],
      ["cmW[7] off the curve", { ...d, cmW: d.cmW.map((p, k) => (k === 7 ? offCurve(p) : p)) }],
      ["cmW[0].x ≥ q", { ...d, cmW: d.cmW.map((p, k) => (k === 0 ? big(p) : p)) }],
      ["cmW[15].x ≥ q", { ...d, cmW: d.cmW.map((p, k) => (k === 15 ? big(p) : p)) }],
      ["cmT[3] off the curve", { ...d, cmT: d.cmT.map((p, k) => (k === 3 ? offCurve(p) : p)) }],
      ["cmT[14].x ≥ q", { ...d, cmT: d.cmT.map((p, k) => (k === 14 ? big(p) : p)) }],
    ];
    for (const [what, bad] of cases) await caught(f, bad, what);
    // The same invalid data with, as its root, exactly what the market's re-execution computes from it (the
    // precompile's failure reported, its output ignored): still caught, because the point is invalid.
    const chunks = await f.viem.deployContract("Chunks", []);
    const bundleLib = await f.viem.deployContract("Bundle", []);
    const probe = await f.viem.deployContract("ChunkFoldBench", [], {
      libraries: { Chunks: chunks.address, Bundle: bundleLib.address },
    });
    const refold = (x: Data) => probe.read.tryBundle([domain, 16n, x.states, x.cmW, x.cmT]);
    for (const [what, bad] of cases) {
      const [U, ok] = await refold(bad);
      assert.equal(ok, false, what);
      const root = { cmW: U.cmW, cmE: U.cmE, u: U.u, x: [...U.x] };
      await caught(f, { ...bad, root }, `${what}, its own re-execution as the root`);
    }
    // The honest data re-executed the same way gives the engine's root (ok).
    const [U, ok] = await refold(d);
    assert.equal(ok, true);
    assert.deepEqual({ cmW: U.cmW, cmE: U.cmE, u: U.u, x: [...U.x] }, d.root);
  });

  it("a challenger cannot win on a valid bundle: altered data, late, twice", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 16);
    const p = await propose(f, d, f.provers[0]);
    const altered: [string, Data][] = [
      ["cmW[2]", { ...d, cmW: d.cmW.map((q, k) => (k === 2 ? point() : q)) }],
      ["cmT[2]", { ...d, cmT: d.cmT.map((q, k) => (k === 2 ? point() : q)) }],
      ["state 3", { ...d, states: d.states.map((v, k) => (k === 3 ? v + 1n : v)) }],
      ["root u", { ...d, root: { ...d.root, u: d.root.u + 1n } }],
      ["one leaf dropped", { ...d, cmW: d.cmW.slice(1), cmT: d.cmT.slice(1), states: d.states.slice(1) }],
    ];
    for (const [what, bad] of altered) {
      await assert.rejects(
        f.market.write.challengeBundle([p.id, bad], { account: f.provers[1] }),
        /(^|[^A-Za-z0-9_])MarketBundleDataMismatch\(/,
        what,
      );
    }
    // The posted data, by two challengers: both refused, nothing credited.
    await revertsExactly(f.market.write.challengeBundle([p.id, d], { account: f.provers[1] }), "MarketBundleValid");
    await revertsExactly(f.market.write.challengeBundle([p.id, d], { account: f.provers[2] }), "MarketBundleValid");
    assert.equal(await ethClaimable(f, f.provers[1]), 0n);
    // At the window's last second a challenge is still heard (and refused); a fraud challenged then wins.
    const bad = { ...d, root: { ...d.root, cmE: point() } };
    const q = await propose(f, bad, f.provers[0]);
    await f.networkHelpers.time.setNextBlockTimestamp(q.end);
    const atEnd = await f.wait(await f.market.write.challengeBundle([q.id, bad], { account: f.provers[1] }));
    assert.equal((await f.publicClient.getBlock({ blockNumber: atEnd.blockNumber })).timestamp, q.end);
    assert.equal((await f.market.read.getJob([q.id])).status, 5);
    // After the window: closed, even for a fraud.
    const late = await propose(f, bad, f.provers[0]);
    await f.networkHelpers.time.setNextBlockTimestamp(late.end + 1n);
    await f.networkHelpers.mine(1);
    await revertsExactly(
      f.market.write.challengeBundle([late.id, bad], { account: f.provers[1] }),
      "MarketChallengeClosed",
    );
    assert.equal((await f.market.read.getJob([late.id])).status, 6);
    // Not a proposal at all.
    await revertsExactly(f.market.write.challengeBundle([999n, d], { account: f.provers[1] }), "MarketNotProposed");
  });

  it("finalize: refused before and at the window's end, with a wrong z_N, or for a job not proposed", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 8);
    const p = await propose(f, d, f.provers[0]);
    await revertsExactly(f.market.write.finalizeBundle([p.id, zN(d)]), "MarketChallengeOpen");
    // In the block at exactly challengeEnd the window is still open (the call is run in that pending block).
    await f.networkHelpers.time.setNextBlockTimestamp(p.end);
    await revertsExactly(f.market.write.finalizeBundle([p.id, zN(d)]), "MarketChallengeOpen");
    await f.networkHelpers.mine(1);
    assert.equal((await f.publicClient.getBlock()).timestamp, p.end);
    // Wrong z_N: another value, another length, z_0.
    for (const z of [[(zN(d)[0] + 1n) % P], [...zN(d), 0n], [], [d.states[0]]]) {
      await revertsExactly(f.market.write.finalizeBundle([p.id, z]), "MarketBundleDataMismatch");
    }
    await f.wait(await f.market.write.finalizeBundle([p.id, zN(d)]));
    assert.equal((await f.market.read.getJob([p.id])).status, 2);
    // A network-mode job, an unknown id: not proposals.
    const job = await f.request(4, 2);
    await revertsExactly(f.market.write.finalizeBundle([job.jobId, job.states[4]]), "MarketNotProposed");
    await revertsExactly(f.market.write.finalizeBundle([12345n, zN(d)]), "MarketNotProposed");
    await revertsExactly(f.market.write.challengeBundle([job.jobId, d]), "MarketNotProposed");
  });

  it("a proposed job cannot be cancelled, expired, disputed, voided or worked on as a network job", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 8);
    const p = await propose(f, d, f.provers[0]);
    await revertsExactly(f.market.write.cancel([p.id], { account: f.provers[0] }), "MarketJobNotOpen");
    await f.networkHelpers.time.increase(2 * Number(HOUR));
    await revertsExactly(f.market.write.expire([p.id]), "MarketJobNotOpen");
    await revertsExactly(f.market.write.dispute([p.id, 8n], { account: f.provers[1] }), "MarketJobNotOpen");
    await revertsExactly(f.market.write.slashMissed([p.id, 1n]), "MarketJobNotOpen");
    // Worked on as a network job: a chunk over the whole tree, the decision on the posted root, an impossibility.
    const chunk = { states: d.states, cmW: d.cmW, cmT: d.cmT, proof: [] };
    await revertsExactly(f.market.write.submitChunk([p.id, 8n, chunk], { account: f.provers[0] }), "MarketJobNotOpen");
    const rootNode = { instance: d.root, zIn: [d.states[0]], zOut: zN(d) };
    await revertsExactly(
      f.market.write.submitDecision([p.id, rootNode, mockProof(d.root) as never], { account: f.provers[0] }),
      "MarketJobNotOpen",
    );
    const seg = { zIn: [d.states[0]], zOut: [d.states[1]], proof: [] };
    await revertsExactly(
      f.market.write.voidImpossible([p.id, 1, 0n, [seg], d.root, mockProof(d.root) as never], {
        account: f.provers[0],
      }),
      "MarketJobNotOpen",
    );
    await revertsExactly(f.market.write.release([p.id, [1n]]), "RewardSplitterNotReleasable");
    // Still finalizable, and its bond is the only ETH anyone can claim.
    await f.wait(await f.market.write.finalizeBundle([p.id, zN(d)]));
    await revertsExactly(f.market.write.release([p.id, [1n, 8n]]), "RewardSplitterNotReleasable");
    await revertsExactly(f.market.write.cancel([p.id], { account: f.provers[0] }), "MarketJobNotOpen");
    assert.equal(await ethClaimable(f, f.provers[0]), p.bond);
  });

  it("proposer: the bond must be exact; N, states, root.x and the decider are checked", async () => {
    const f = await v2Fixture();
    const domain = await domainOf(f);
    const d = await honest(domain, 4);
    const who = f.provers[0];
    const send = (x: Data, value: bigint, proof = mockProof(x.root)) =>
      f.market.write.proposeBundle([1n, x, proof as never], { account: who, value });
    const bond = DEFAULT_BOND * 4n;
    await revertsExactly(send(d, bond - 1n), "MarketInvalidBond");
    await revertsExactly(send(d, bond + 1n), "MarketInvalidBond");
    await revertsExactly(send(d, 0n), "MarketInvalidBond");
    // A state ≥ p (the first, the last).
    await revertsExactly(send({ ...d, states: [P, ...d.states.slice(1)] }, bond), "MarketScalarNotInField");
    await revertsExactly(send({ ...d, states: [...d.states.slice(0, 4), P + 5n] }, bond), "MarketScalarNotInField");
    // root.x of the wrong length; cmT, states of the wrong length; no leaf.
    await revertsExactly(send({ ...d, root: { ...d.root, x: [d.root.x[0]] } }, bond), "MarketInvalidBatch");
    await revertsExactly(send({ ...d, root: { ...d.root, x: [...d.root.x, 0n] } }, bond), "MarketInvalidBatch");
    await revertsExactly(send({ ...d, cmT: d.cmT.slice(1) }, bond), "MarketInvalidBatch");
    await revertsExactly(send({ ...d, states: d.states.slice(1) }, bond), "MarketInvalidBatch");
    await revertsExactly(send({ ...d, cmW: [], cmT: [], states: d.states.slice(0, 1) }, 0n), "MarketInvalidBatch");
    // The decider refuses a proof of another instance (the mock reverts with its own error, passed through).
    await assert.rejects(
      send(d, bond, mockProof({ ...d.root, u: d.root.u + 1n })),
      new RegExp(toFunctionSelector("MockDeciderVerifierRejected()")),
    );
    // A decider that returns false (against its interface): MarketDeciderRejected.
    const no = await f.viem.deployContract("RejectingDeciderVerifier", [keccak256("0x03"), 1n]);
    const srs = { n: 1n, powersHash: keccak256("0x02"), tauG2: [0n, 0n, 0n, 0n] as const };
    await f.wait(
      await f.circuits.write.registerCircuit([keccak256("0x03"), 4096n, 100n, 1, srs, no.address, 100_000n]),
    );
    const cid = await f.circuits.read.circuitCount();
    await revertsExactly(
      f.market.write.proposeBundle([cid, d, mockProof(d.root) as never], { account: who, value: bond }),
      "MarketDeciderRejected",
    );
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), 0n);
    // An unknown circuit (the registry's error).
    await assert.rejects(
      f.market.write.proposeBundle([7n, d, mockProof(d.root) as never], { account: who, value: bond }),
      /CircuitRegistryUnknownCircuit|0x[0-9a-f]{8}/,
    );
    // The exact bond is accepted.
    await f.wait(await send(d, bond));
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), bond);
  });

  it(`N: ${MAX_N_WIDTH_1 + 1} leaves refused at width 1; ${MAX_N_WIDTH_1} accepted and its challenge fits 2^24 gas`, async () => {
    const f = await v2Fixture();
    const n = MAX_N_WIDTH_1;
    const mk = (m: number): Data => ({
      states: Array.from({ length: m + 1 }, () => randomScalar()),
      cmW: Array.from({ length: m }, point),
      cmT: Array.from({ length: m - 1 }, point),
      root: { cmW: point(), cmE: point(), u: randomScalar(), x: [randomScalar(), randomScalar()] },
    });
    const over = mk(n + 1);
    await revertsExactly(
      f.market.write.proposeBundle([1n, over, mockProof(over.root) as never], {
        account: f.provers[0],
        value: DEFAULT_BOND * BigInt(n + 1),
      }),
      "MarketInvalidBatch",
    );
    const d = mk(n); // a random root: a fraud, so the challenge re-executes every fold and wins
    const pr = await f.wait(
      await f.market.write.proposeBundle([1n, d, mockProof(d.root) as never], {
        account: f.provers[0],
        value: DEFAULT_BOND * BigInt(n),
        gas: 16_000_000n,
      }),
    );
    const id = await f.market.read.jobCount();
    const c = await f.wait(await f.market.write.challengeBundle([id, d], { account: f.provers[1], gas: 16_000_000n }));
    assert.equal(c.status, "success");
    assert.equal((await f.market.read.getJob([id])).status, 5);
    process.stderr.write(`      N = ${n}: propose ${pr.gasUsed} gas, winning challenge ${c.gasUsed} gas\n`);
    assert.ok(c.gasUsed < 2n ** 24n, `challenge ${c.gasUsed}`);
    assert.ok(pr.gasUsed < 2n ** 24n, `propose ${pr.gasUsed}`);
  });

  it("a challenger starving the re-execution of gas (a precompile out of gas reads as an invalid point) never wins", async () => {
    // The fold counts a failed precompile as fraud. A challenger could try to make a valid bundle's ecMul or ecAdd
    // fail by giving the challenge just too little gas for it. EIP-150 leaves the library 1/64 of its gas after
    // such a call (≤ 95), too little to finish, so the attempt reverts. Swept: every gas limit, 12 apart, from
    // 30,000 below the least that reaches MarketBundleValid to 60,000 above it (a win writes ≈ 40k more).
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 2);
    const p = await propose(f, d, f.provers[0]);
    const data = encodeFunctionData({ abi: f.market.abi, functionName: "challengeBundle", args: [p.id, d] });
    const run = (gas: number) =>
      f.publicClient.call({ to: f.market.address, data, gas: BigInt(gas), account: f.provers[1] }).then(
        () => "won",
        (e: Error) => (/MarketBundleValid\(/.test(e.message) ? "valid" : "reverted"),
      );
    let lo = 21_000;
    let hi = 2_000_000;
    assert.equal(await run(hi), "valid");
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if ((await run(m)) === "valid") hi = m;
      else lo = m;
    }
    const seen: Record<string, number> = {};
    for (let g = hi - 30_000; g < hi + 60_000; g += 12) {
      const r = await run(g);
      seen[r] = (seen[r] ?? 0) + 1;
      assert.notEqual(r, "won", `a valid bundle's challenge won with gas ${g}`);
    }
    assert.ok(seen.valid > 0 && seen.reverted > 0, JSON.stringify(seen));
    assert.equal((await f.market.read.getJob([p.id])).status, 6);
  });

  it("governance: setBundleParams bounds, owner only, and a change applies to new proposals only", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 4);
    const [w0, b0] = await f.market.read.bundleParams();
    assert.equal(w0, HOUR);
    assert.equal(b0, DEFAULT_BOND);
    const set = (w: bigint, b: bigint, account?: Address) => f.market.write.setBundleParams([w, b], { account });
    const DAY = 86400n;
    for (const [w, b] of [
      [59n, 10n ** 15n],
      [30n * DAY + 1n, 10n ** 15n],
      [HOUR, 10n ** 9n - 1n],
      [HOUR, 10n ** 18n + 1n],
      [0n, 0n],
    ]) {
      await revertsExactly(set(w, b), "MarketInvalidParams");
    }
    await revertsExactly(set(HOUR, 10n ** 15n, f.provers[0]), "OwnableUnauthorizedAccount");
    // An open proposal under the defaults.
    const open = await propose(f, d, f.provers[0]);
    for (const [w, b] of [
      [60n, 10n ** 9n],
      [30n * DAY, 10n ** 18n],
    ]) {
      const r = await f.wait(await set(w, b));
      const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleParamsSet" })[0];
      assert.equal(ev.args.challengeWindow, w);
      assert.equal(ev.args.bondPerLeaf, b);
      assert.deepEqual(await f.market.read.bundleParams(), [w, b]);
    }
    await f.wait(await set(120n, 10n ** 9n));
    // A new proposal: the new bond (the old one refused) and the new window.
    await revertsExactly(
      f.market.write.proposeBundle([1n, d, mockProof(d.root) as never], {
        account: f.provers[1],
        value: 4n * DEFAULT_BOND,
      }),
      "MarketInvalidBond",
    );
    const fresh = await propose(f, d, f.provers[1]);
    assert.equal(fresh.bond, 4n * 10n ** 9n);
    const t = (await f.publicClient.getBlock({ blockNumber: fresh.receipt.blockNumber })).timestamp;
    assert.equal(fresh.end, t + 120n);
    // The open one keeps its hour and its bond: not finalizable after the new 120 s, and its bond returned whole.
    await f.networkHelpers.time.increase(121);
    await revertsExactly(f.market.write.finalizeBundle([open.id, zN(d)]), "MarketChallengeOpen");
    await f.wait(await f.market.write.finalizeBundle([fresh.id, zN(d)]));
    await f.networkHelpers.time.increase(Number(HOUR));
    await f.wait(await f.market.write.finalizeBundle([open.id, zN(d)]));
    assert.equal(await ethClaimable(f, f.provers[0]), 4n * DEFAULT_BOND);
    assert.equal(await ethClaimable(f, f.provers[1]), 4n * 10n ** 9n);
  });

  it("a sybil self-challenge of a fraudulent bundle gains nothing beyond the proposer's own bond", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 16);
    const cheat = f.provers[0];
    const sybil = f.outsiders[0];
    const bad = { ...d, root: { ...d.root, u: d.root.u + 1n } };
    const balances = async () =>
      (await f.publicClient.getBalance({ address: cheat })) + (await f.publicClient.getBalance({ address: sybil }));
    const before = await balances();
    let gas = 0n;
    const pr = await f.wait(
      await f.market.write.proposeBundle([1n, bad, mockProof(bad.root) as never], {
        account: cheat,
        value: DEFAULT_BOND * 16n,
      }),
    );
    gas += pr.gasUsed * pr.effectiveGasPrice;
    const id = await f.market.read.jobCount();
    const c = await f.wait(await f.market.write.challengeBundle([id, bad], { account: sybil }));
    gas += c.gasUsed * c.effectiveGasPrice;
    const cl = await f.wait(await f.market.write.claim([zeroAddress], { account: sybil }));
    gas += cl.gasUsed * cl.effectiveGasPrice;
    // Exactly the bond came back (less gas): no fee, no stake, no verified job.
    assert.equal(before - (await balances()), gas);
    assert.equal((await f.market.read.getJob([id])).status, 5);
    for (const a of [cheat, sybil, ...f.provers]) {
      assert.equal(await ethClaimable(f, a), 0n);
      assert.equal(await f.market.read.claimable([a, f.feeToken.address]), 0n);
    }
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), 0n);
    await revertsExactly(f.market.write.finalizeBundle([id, zN(bad)]), "MarketNotProposed");
  });

  it("reentrancy: a proposer contract re-entering from the finalize callback cannot finalize twice or steal", async () => {
    const f = await v2Fixture();
    const d = await honest(await domainOf(f), 8);
    const bond = DEFAULT_BOND * 8n;
    const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address]);
    const proposeAs = async () => {
      const call = encodeFunctionData({
        abi: f.market.abi,
        functionName: "proposeBundle",
        args: [1n, d, mockProof(d.root) as never],
      });
      const r = await f.wait(await consumer.write.exec([f.market.address, call], { value: bond }));
      return parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleProposed" })[0].args.jobId;
    };
    const ids = [await proposeAs(), await proposeAs(), await proposeAs()];
    // Another proposer's open bundle, which the re-entry also tries to challenge (with the data it holds).
    const other = await propose(f, { ...d, root: { ...d.root, cmE: point() } }, f.provers[0]);
    await f.networkHelpers.time.increase(Number(HOUR) + 1);
    // From the callback of the first: finalize the second (still open, past its window: only the lock stops it);
    // of the second: claim the bond just credited; of the third: finalize itself again.
    const payloads: Hex[] = [
      encodeFunctionData({ abi: f.market.abi, functionName: "finalizeBundle", args: [ids[1], zN(d)] }),
      encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [zeroAddress] }),
      encodeFunctionData({ abi: f.market.abi, functionName: "finalizeBundle", args: [ids[2], zN(d)] }),
    ];
    let verified = 0;
    for (const [i, id] of ids.entries()) {
      await consumer.write.setMode([2, payloads[i]]);
      const r = await f.wait(await f.market.write.finalizeBundle([id, zN(d)], { account: f.outsiders[0] }));
      verified += parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "JobVerified" }).length;
      assert.equal(await consumer.read.reentrySucceeded(), false, `payload ${i}`);
      await revertsExactly(f.market.write.finalizeBundle([id, zN(d)]), "MarketNotProposed");
    }
    assert.equal(verified, 3);
    // A callback that reverts or burns its gas does not undo the finalization.
    for (const mode of [0, 1]) {
      const id = await proposeAs();
      await f.networkHelpers.time.increase(Number(HOUR) + 1);
      await consumer.write.setMode([mode, "0x"]);
      const r = await f.wait(await f.market.write.finalizeBundle([id, zN(d)], { account: f.outsiders[0] }));
      assert.equal(
        parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "CallbackResult" })[0].args.success,
        false,
      );
      assert.equal((await f.market.read.getJob([id])).status, 2);
    }
    // Exactly the five bonds; the other proposer's bond untouched.
    assert.equal(await ethClaimable(f, consumer.address), 5n * bond);
    await consumer.write.setMode([4, "0x"]);
    const claim = encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [zeroAddress] });
    const b0 = await f.publicClient.getBalance({ address: consumer.address });
    await f.wait(await consumer.write.exec([f.market.address, claim]));
    assert.equal((await f.publicClient.getBalance({ address: consumer.address })) - b0, 5n * bond);
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), other.bond);
  });

  it("random schedule (3 runs × 24 steps): ETH credited ≤ ETH bonded, each proposal ends at most once", async () => {
    let seed = 4242;
    const rand = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % m; // the high bits (an LCG's low bits cycle)
    };
    const seen = { won: 0, valid: 0, closed: 0, notProposed: 0, finalized: 0, open: 0, claims: 0 };
    for (let run = 0; run < 3; run++) {
      const f = await v2Fixture();
      const domain = await domainOf(f);
      const honestSet = [await honest(domain, 3), await honest(domain, 6)];
      const actors = [...f.provers, ...f.outsiders.slice(0, 2)];
      const open: { id: bigint; d: Data; fraud: boolean }[] = [];
      const ended = new Map<bigint, "verified" | "voided">();
      let bonded = 0n;
      let claimed = 0n;
      for (let step = 0; step < 24; step++) {
        const who = actors[rand(actors.length)];
        const op = rand(5);
        if (op === 0 || open.length === 0) {
          const base = honestSet[rand(2)];
          const fraud = rand(2) === 0;
          const d = fraud ? { ...base, cmT: base.cmT.map((p, k) => (k === 0 ? point() : p)) } : base;
          const p = await propose(f, d, who);
          bonded += p.bond;
          open.push({ id: p.id, d, fraud });
        } else if (op === 1 || op === 2) {
          const o = open[rand(open.length)];
          const j = await f.market.read.getJob([o.id]);
          const now = BigInt((await f.publicClient.getBlock()).timestamp);
          const res = await f.market.write
            .challengeBundle([o.id, o.d], { account: who })
            .then(f.wait)
            .then(
              () => "won",
              (e: Error) => e.message,
            );
          if (res === "won") {
            assert.ok(o.fraud && j.status === 6, `run ${run}: a challenge won on ${o.id}`);
            assert.ok(!ended.has(o.id));
            ended.set(o.id, "voided");
            seen.won++;
          } else if (j.status !== 6) {
            assert.match(res, /MarketNotProposed\(/);
            seen.notProposed++;
          } else if (now + 1n > BigInt(j.deadline)) {
            assert.match(res, /MarketChallengeClosed\(/);
            seen.closed++;
          } else {
            assert.ok(!o.fraud, `run ${run}: a fraud ${o.id} survived a challenge in its window`);
            assert.match(res, /MarketBundleValid\(/);
            seen.valid++;
          }
        } else if (op === 3) {
          const o = open[rand(open.length)];
          const res = await f.market.write
            .finalizeBundle([o.id, zN(o.d)], { account: who })
            .then(f.wait)
            .then(
              () => "ok",
              (e: Error) => e.message,
            );
          if (res === "ok") {
            assert.ok(!ended.has(o.id), `run ${run}: ${o.id} ended twice`);
            ended.set(o.id, "verified");
            seen.finalized++;
          } else {
            assert.match(res, /MarketNotProposed\(|MarketChallengeOpen\(/);
            if (/MarketChallengeOpen\(/.test(res)) seen.open++;
          }
        } else {
          await f.networkHelpers.time.increase(rand(2) === 0 ? 600 : Number(HOUR));
          const b0 = await ethClaimable(f, who);
          if (b0 > 0n) {
            await f.wait(await f.market.write.claim([zeroAddress], { account: who }));
            claimed += b0;
            seen.claims++;
          }
        }
        // Invariants: credits + claims ≤ bonds; the market holds every unclaimed credit and every open bond.
        let credited = 0n;
        for (const a of actors) credited += await ethClaimable(f, a);
        let held = 0n;
        for (const o of open) if (!ended.has(o.id)) held += (await f.market.read.bundleOf([o.id]))[2];
        assert.ok(credited + claimed <= bonded, `run ${run} step ${step}`);
        assert.equal(credited + claimed + held, bonded, `run ${run} step ${step}: conservation`);
        assert.equal(await f.publicClient.getBalance({ address: f.market.address }), credited + held);
      }
      // Every proposal's status matches how it ended; JobVerified / BundleChallenged at most once each.
      for (const o of open) {
        const st = (await f.market.read.getJob([o.id])).status;
        const e = ended.get(o.id);
        assert.equal(st, e === "verified" ? 2 : e === "voided" ? 5 : 6);
      }
      const logs = await f.publicClient.getLogs({ address: f.market.address, fromBlock: 0n });
      // biome-ignore lint/suspicious/noExplicitAny: viem log typing
      const evs = (name: any) => parseEventLogs({ abi: f.market.abi, logs, eventName: name });
      const count = (name: string) => {
        const m = new Map<bigint, number>();
        for (const e of evs(name)) {
          const id = (e.args as { jobId: bigint }).jobId;
          m.set(id, (m.get(id) ?? 0) + 1);
        }
        return m;
      };
      for (const m of [count("JobVerified"), count("BundleChallenged"), count("BundleFinalized")]) {
        for (const v of m.values()) assert.equal(v, 1);
      }
    }
    // The runs reached every kind of outcome (else the schedule tests less than it claims).
    for (const [k, v] of Object.entries(seen)) assert.ok(v > 0, `no ${k} in the runs: ${JSON.stringify(seen)}`);
  });
});
