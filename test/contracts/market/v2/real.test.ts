/**
 * Market v2 lifecycles with REAL folds and decider proofs: boundary states from the cubic step circuit's
 * witness chain, leaves, chunk folds and merges from the prover's folding engine under the market's domain and
 * job id, decisions and dispute answers from the real decider, checked on-chain by the committed
 * TestOnlyCubicDeciderVerifier. Chunks are folded under transcript v2 (what the market verifies batched), merges
 * under v1. One-leaf and chunked jobs of 1, 16 and 64 leaves (chunks of 8, and one 64-leaf chunk), a bundle (one cmW, cmT or state corrupted is
 * refused by the decider), an optimistic bundle (proposed with a real decider proof, a challenge refused, finalized;
 * a leaf's cmW swapped after folding passes the decider and is caught by the challenge), batched chunks with one cmW or cmT corrupted (no proof answers their disputes; u or x
 * changed is not the stored node), a dropped prover replaced, a dispute lost (answered
 * with a real proof) and one won (a bogus chunk nobody can prove, reset and redone), a job voided as impossible
 * by a real decider proof that a manifest step is false. Every lifecycle runs twice: with the v2 decider
 * (TestOnlyCubicDeciderVerifier) and with a DeciderVerifierV3 deployed from the circuit's beacon-only v3 keys,
 * its proofs carried in the market's `DeciderProof` (decider/abi.ts `deciderProofV3AsMarketProof`); a
 * tampered v3 decision reverts.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import { type Address, keccak256, parseEventLogs, toHex } from "viem";
import { G1_GENERATOR, g1Mul, g2ToEvm, randomScalar } from "../../../../prover/src/curve/bn254.js";
import {
  type DeciderProofAbi,
  deciderProofV3AsMarketProof,
  marketProofAsDeciderProofV3,
} from "../../../../prover/src/decider/abi.js";
import { type DeciderV3Keys, deciderV3Keys, decideV3 } from "../../../../prover/src/decider/bundleV3.js";
import type { FoldContext } from "../../../../prover/src/folding/nifs.js";
import { foldNodes, type ProverNode } from "../../../../prover/src/folding/tree.js";
import { nodeId, nodeRange, splitPoint } from "../../../../prover/src/tree/shape.js";
import { DECISION, type RealCircuitOption, v2Fixture } from "../../../helpers/marketV2.js";
import { cubic, decide as decideV2, foldCtx, type RealCircuit, realLeaves } from "../../../helpers/realJob.js";

type F = Awaited<ReturnType<typeof v2Fixture>>;
type G1 = { x: bigint; y: bigint };

const nodeData = (p: ProverNode) => ({
  instance: { cmW: p.node.U.cmW, cmE: p.node.U.cmE, u: p.node.U.u, x: p.node.U.x },
  zIn: p.node.zIn,
  zOut: p.node.zOut,
});

/** Folds [a, c) from the leaves under `ctx`, cross terms in post-order. */
async function foldRange(
  rc: RealCircuit,
  leaves: readonly ProverNode[],
  ctx: FoldContext,
  a: number,
  c: number,
): Promise<{ root: ProverNode; cmT: G1[] }> {
  if (c - a === 1) return { root: leaves[a], cmT: [] };
  const b = splitPoint(a, c);
  const L = await foldRange(rc, leaves, ctx, a, b);
  const R = await foldRange(rc, leaves, ctx, b, c);
  const { parent, fold } = await foldNodes(ctx, L.root, R.root);
  return { root: parent, cmT: [...L.cmT, ...R.cmT, { x: fold.cmT.x, y: fold.cmT.y }] };
}

/** The decider refuses: it reverts (DeciderVerifierProofRejected) or returns false (MarketDeciderRejected). */
/** `DeciderVerifierV3ProofRejected()`'s selector: the market's ABI does not hold the v3 verifier's errors. */
const V3_REJECTED = keccak256(toHex("DeciderVerifierV3ProofRejected()")).slice(0, 10);
const REFUSED = new RegExp(
  `(Details: .*(DeciderVerifierProofRejected|MarketDeciderRejected))|(signature:\\n${V3_REJECTED}\\n)`,
);

/** The lifecycles, with the circuit registered under decider `version` (the body of each describe below). */
function lifecycles(this: Mocha.Suite, version: 2 | 3) {
  this.timeout(600_000);
  let rc: RealCircuit;
  let circuit: RealCircuitOption;
  let keysV3: DeciderV3Keys;
  /** The circuit's decider: v2's `proveDecider`, or v3's `decideV3` in the market's `DeciderProof`. */
  const decide = async (rc: RealCircuit, p: ProverNode): Promise<DeciderProofAbi> => {
    if (version === 2) return decideV2(rc, p);
    const r = await decideV3(rc.circuit.shape, rc.srs, p.node.U, p.W, { hiding: true, keys: keysV3 });
    return deciderProofV3AsMarketProof(r.calldata[1]);
  };

  before(async () => {
    rc = await cubic();
    circuit = {
      decider: "TestOnlyCubicDeciderVerifier",
      r1csHash: rc.r1csHash,
      constraints: BigInt(rc.circuit.shape.m),
      nWitness: BigInt(rc.circuit.shape.nW),
      stateWidth: rc.circuit.shape.s,
    };
    if (version === 3) {
      keysV3 = await deciderV3Keys(rc.circuit.shape, { kind: "beacon-only" });
      const tauG2 = g2ToEvm(rc.srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint];
      circuit = { ...circuit, decider: "DeciderVerifierV3", v3: { words: keysV3.words, tauG2 } };
    }
  });

  /** A real job of `n` leaves chunked at `2^k`, and what its provers hold. */
  async function realJob(f: F, n: number, k: number, states?: bigint[][]) {
    const chain = await realLeaves(rc, n);
    const job = await f.request(n, k, { states: states ?? chain.states });
    const { domain } = await f.market.read.getJob([job.jobId]);
    const ctx = foldCtx(rc, domain, job.jobId);
    const held = new Map<bigint, ProverNode>();
    const chunkData = async (id: bigint) => {
      const { a, c } = nodeRange(id);
      // A chunk's folds under transcript v2 (what the market verifies batched); merges stay on v1.
      const { root, cmT } = await foldRange(rc, chain.leaves, { ...ctx, v2Leaves: c - a }, a, c);
      held.set(id, root);
      return {
        data: {
          states: job.states.slice(a, c + 1).flat(),
          cmW: chain.leaves.slice(a, c).map((l) => l.node.U.cmW),
          cmT,
          proof: job.manifest.subtreeProof(k, a >> k),
        },
        root,
      };
    };
    const submitChunk = async (id: bigint, who?: Address) => {
      const { data } = await chunkData(id);
      const account = who ?? (await f.assignee(job.jobId, id));
      return f.wait(await f.market.write.submitChunk([job.jobId, id, data], { account }));
    };
    const submitMerge = async (id: bigint) => {
      const { a, c } = nodeRange(id);
      const b = splitPoint(a, c);
      const L = held.get(nodeId(a, b))!;
      const R = held.get(nodeId(b, c))!;
      const { parent, fold } = await foldNodes(ctx, L, R);
      held.set(id, parent);
      const account = await f.assignee(job.jobId, id);
      return f.wait(await f.market.write.submitMerge([job.jobId, id, nodeData(L), nodeData(R), fold.cmT], { account }));
    };
    const submitDecision = async () => {
      const root = held.get(BigInt(n))!;
      const proof = await decide(rc, root);
      const account = await f.assignee(job.jobId, DECISION);
      return f.wait(await f.market.write.submitDecision([job.jobId, nodeData(root), proof], { account }));
    };
    const merges = async () => {
      for (const id of job.merges) {
        await f.mine();
        await submitMerge(id);
      }
    };
    return { job, chain, held, chunkData, submitChunk, submitMerge, submitDecision, merges };
  }

  async function paidInFull(f: F, jobId: bigint, tasks: bigint[]) {
    const j = await f.market.read.getJob([jobId]);
    assert.equal(j.status, 2, "Verified");
    await f.market.write.release([jobId, tasks]);
    let paid = 0n;
    for (const a of [f.requester, ...f.provers]) paid += await f.market.read.claimable([a, f.feeToken.address]);
    assert.equal(paid, j.fee + j.bond, "fee and bond paid out exactly");
  }

  /** Every chunk by its drawn prover, the merges, a real decision: the job verifies and pays in full. */
  async function decideHonestly(f: F, r: Awaited<ReturnType<typeof realJob>>) {
    await f.mine();
    for (const id of r.job.chunks) await r.submitChunk(id);
    await r.merges();
    await f.mine();
    const d = await r.submitDecision();
    assert.equal(parseEventLogs({ abi: f.market.abi, logs: d.logs, eventName: "JobVerified" }).length, 1);
    await paidInFull(f, r.job.jobId, [...r.job.chunks, ...r.job.merges]);
  }

  it("1 leaf: the chunk is the root, decided by a real proof", async () => {
    const f = await v2Fixture({ circuit });
    const r = await realJob(f, 1, 0);
    assert.equal(r.job.merges.length, 0);
    await decideHonestly(f, r);
  });

  it("16 leaves in chunks of 4: a dropped prover replaced, a dispute lost to a real answer, a real decision", async () => {
    const f = await v2Fixture({ circuit, provers: 6 });
    const r = await realJob(f, 16, 2);
    await f.mine();
    const [first, ...rest] = r.job.chunks;
    const dropped = await f.assignee(r.job.jobId, first);
    const stake = (await f.registry.read.proverInfo([dropped])).stake;
    await f.networkHelpers.time.increase(Number(f.params.window));
    await f.mine();
    const next = await f.assignee(r.job.jobId, first);
    const rec = await r.submitChunk(first, next);
    if (next !== dropped) {
      const missed = parseEventLogs({ abi: f.market.abi, logs: rec.logs, eventName: "AttemptMissed" });
      assert.equal(missed[0].args.prover, dropped);
      assert.equal((await f.registry.read.proverInfo([dropped])).stake, stake - f.params.livenessBond);
    }
    for (const id of rest) await r.submitChunk(id);
    // A dispute on a valid chunk: its submitter answers with a real decider proof and keeps its stake.
    const target = rest[1];
    const submitter = (await f.market.read.getTask([r.job.jobId, target])).submitter;
    const challenger = f.provers.find((p) => p !== submitter)!;
    await f.market.write.dispute([r.job.jobId, target], { account: challenger });
    const node = r.held.get(target)!;
    const ans = await f.wait(
      await f.market.write.answerDispute([r.job.jobId, target, nodeData(node), await decide(rc, node)], {
        account: submitter,
      }),
    );
    const res = parseEventLogs({ abi: f.market.abi, logs: ans.logs, eventName: "DisputeResolved" })[0];
    assert.equal(res.args.challengerWon, false);
    await r.merges();
    await f.mine();
    await r.submitDecision();
    await paidInFull(f, r.job.jobId, [...r.job.chunks, ...r.job.merges]);
  });

  it("64 leaves in chunks of 8 (transcript v2 inside, merges v1): every task by its drawn prover, a real decision", async () => {
    const f = await v2Fixture({ circuit, provers: 5 });
    await decideHonestly(f, await realJob(f, 64, 3));
  });

  it("64 leaves in one 64-leaf chunk (the bench's chunk size): one batched chunk, a real decision", async () => {
    const f = await v2Fixture({ circuit });
    const r = await realJob(f, 64, 6);
    assert.equal(r.job.chunks.length, 1);
    await decideHonestly(f, r);
  });

  it("a batched chunk with one cmW or cmT corrupted is stored as another instance: no proof answers its dispute", async () => {
    const f = await v2Fixture({ circuit, provers: 5 });
    const r = await realJob(f, 16, 3);
    await f.mine();
    const other = (): G1 => {
      const p = g1Mul(G1_GENERATOR, randomScalar());
      return { x: p.x, y: p.y };
    };
    const [c0, c1] = r.job.chunks;
    const d0 = await r.chunkData(c0);
    const d1 = await r.chunkData(c1);
    const bad = [
      { id: c0, honest: d0.root, data: { ...d0.data, cmW: d0.data.cmW.map((p, i) => (i === 5 ? other() : p)) } },
      { id: c1, honest: d1.root, data: { ...d1.data, cmT: d1.data.cmT.map((p, i) => (i === 2 ? other() : p)) } },
    ];
    for (const b of bad) {
      const cheat = await f.assignee(r.job.jobId, b.id);
      const rec = await f.wait(await f.market.write.submitChunk([r.job.jobId, b.id, b.data], { account: cheat }));
      const stored = parseEventLogs({ abi: f.market.abi, logs: rec.logs, eventName: "NodeSubmitted" })[0].args;
      assert.notDeepEqual(stored.instance.cmE, b.honest.node.U.cmE, "another root than the honest fold");
      const challenger = f.provers.find((p) => p !== cheat)!;
      await f.market.write.dispute([r.job.jobId, b.id], { account: challenger });
      const proof = await decide(rc, b.honest);
      const answer = (node: ReturnType<typeof nodeData>) =>
        f.market.write.answerDispute([r.job.jobId, b.id, node, proof], { account: cheat });
      // The honest node is not the stored one; the stored instance has no witness (the honest proof is refused);
      // the stored instance with u or x changed is not the stored one either.
      await assert.rejects(answer(nodeData(b.honest)), /MarketNodeMismatch/);
      const st = {
        instance: { ...stored.instance, x: [...stored.instance.x] },
        zIn: [...stored.zIn],
        zOut: [...stored.zOut],
      };
      await assert.rejects(answer(st), REFUSED);
      await assert.rejects(
        answer({ ...st, instance: { ...st.instance, u: st.instance.u + 1n } }),
        /MarketNodeMismatch/,
      );
      const x = st.instance.x.map((v, i) => (i === 0 ? v + 1n : v));
      await assert.rejects(answer({ ...st, instance: { ...st.instance, x } }), /MarketNodeMismatch/);
    }
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    for (const b of bad) {
      const res = await f.wait(await f.market.write.resolveDispute([r.job.jobId, b.id]));
      const ev = parseEventLogs({ abi: f.market.abi, logs: res.logs, eventName: "DisputeResolved" })[0];
      assert.equal(ev.args.challengerWon, true);
    }
  });

  it("16 one-leaf chunks: a bogus chunk is disputed, unanswerable, reset, redone; the job decides", async () => {
    const f = await v2Fixture({ circuit, provers: 5 });
    const r = await realJob(f, 16, 0);
    await f.mine();
    const bogusId = r.job.chunks[3];
    for (const id of r.job.chunks) {
      if (id !== bogusId) {
        await r.submitChunk(id);
        continue;
      }
      // A commitment to nothing the cheat knows: no decider proof exists for this leaf.
      const { data } = await r.chunkData(id);
      const p = g1Mul(G1_GENERATOR, randomScalar());
      const cheat = await f.assignee(r.job.jobId, id);
      await f.market.write.submitChunk([r.job.jobId, id, { ...data, cmW: [{ x: p.x, y: p.y }] }], { account: cheat });
    }
    const cheat = (await f.market.read.getTask([r.job.jobId, bogusId])).submitter;
    const challenger = f.provers.find((p) => p !== cheat)!;
    const before = (await f.registry.read.proverInfo([cheat])).stake;
    await f.market.write.dispute([r.job.jobId, bogusId], { account: challenger });
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    const res = await f.wait(await f.market.write.resolveDispute([r.job.jobId, bogusId]));
    assert.equal(
      parseEventLogs({ abi: f.market.abi, logs: res.logs, eventName: "DisputeResolved" })[0].args.challengerWon,
      true,
    );
    assert.equal((await f.registry.read.proverInfo([cheat])).stake, before - f.params.disputeSlash);
    // Reset: drawn anew from a later block, redone honestly.
    await f.mine();
    await r.submitChunk(bogusId);
    await r.merges();
    await f.mine();
    await r.submitDecision();
    assert.equal((await f.market.read.getJob([r.job.jobId])).status, 2);
  });

  it("bundle mode: real folds under transcript v2 (jobId 0) and a real decider; one cmW, cmT or state corrupted reverts", async () => {
    const f = await v2Fixture({ circuit });
    const n = 8;
    const chain = await realLeaves(rc, n);
    const probe = await f.request(1, 0);
    const { domain } = await f.market.read.getJob([probe.jobId]);
    const { root, cmT } = await foldRange(rc, chain.leaves, { ...foldCtx(rc, domain, 0n), v2Leaves: n }, 0, n);
    const proof = await decide(rc, root);
    const cmW = chain.leaves.map((l) => ({ x: l.node.U.cmW.x, y: l.node.U.cmW.y }));
    const states = chain.states.flat();
    const submit = (st: bigint[], w: G1[], t: G1[]) =>
      f.market.write.submitBundle([1n, st, w, t, proof], { account: f.provers[0] });
    const other = (): G1 => {
      const p = g1Mul(G1_GENERATOR, randomScalar());
      return { x: p.x, y: p.y };
    };
    await assert.rejects(
      submit(
        states,
        cmW.map((p, i) => (i === 5 ? other() : p)),
        cmT,
      ),
      REFUSED,
    );
    await assert.rejects(
      submit(
        states,
        cmW,
        cmT.map((p, i) => (i === 2 ? other() : p)),
      ),
      REFUSED,
    );
    await assert.rejects(
      submit(
        states.map((v, i) => (i === 4 ? v + 1n : v)),
        cmW,
        cmT,
      ),
      REFUSED,
    );
    // The same tree folded under transcript v1 (the old engine) is not what the market folds: its proof fails.
    const v1 = await foldRange(rc, chain.leaves, foldCtx(rc, domain, 0n), 0, n);
    await assert.rejects(
      f.market.write.submitBundle([1n, states, cmW, v1.cmT, await decide(rc, v1.root)], { account: f.provers[0] }),
      REFUSED,
    );
    const ok = await f.wait(await submit(states, cmW, cmT));
    assert.equal(parseEventLogs({ abi: f.market.abi, logs: ok.logs, eventName: "BundleVerified" }).length, 1);
  });

  it("optimistic bundle: a real decider proof at proposal; challenge refused, finalized; a leaf cmW swapped after folding is caught", async () => {
    const f = await v2Fixture({ circuit });
    const n = 8;
    const chain = await realLeaves(rc, n);
    const probe = await f.request(1, 0);
    const { domain } = await f.market.read.getJob([probe.jobId]);
    const { root, cmT } = await foldRange(rc, chain.leaves, { ...foldCtx(rc, domain, 0n), v2Leaves: n }, 0, n);
    const proof = await decide(rc, root);
    const U = root.node.U;
    const data = {
      states: chain.states.flat(),
      cmW: chain.leaves.map((l) => ({ x: l.node.U.cmW.x, y: l.node.U.cmW.y })),
      cmT,
      root: { cmW: U.cmW, cmE: U.cmE, u: U.u, x: [...U.x] },
    };
    const [, perLeaf] = await f.market.read.bundleParams();
    const bond = perLeaf * BigInt(n);
    const proposeAs = async (d: typeof data, who: Address) => {
      const r = await f.wait(await f.market.write.proposeBundle([1n, d, proof], { account: who, value: bond }));
      return parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleProposed" })[0].args.jobId;
    };
    const id = await proposeAs(data, f.provers[0]);
    await assert.rejects(
      f.market.write.challengeBundle([id, data], { account: f.provers[1] }),
      /(^|[^A-Za-z0-9_])MarketBundleValid\(/,
    );
    // Fraud: the honest root and its real proof, but leaf 3's cmW replaced by leaf 4's (a valid commitment of
    // another witness). The decider accepts (it decides the root); the re-executed folds do not give the root.
    const bad = { ...data, cmW: data.cmW.map((p, i) => (i === 3 ? data.cmW[4] : p)) };
    const badId = await proposeAs(bad, f.provers[2]);
    assert.equal((await f.market.read.getJob([badId])).status, 6, "Proposed");
    const c = await f.wait(await f.market.write.challengeBundle([badId, bad], { account: f.provers[1] }));
    const ev = parseEventLogs({ abi: f.market.abi, logs: c.logs, eventName: "BundleChallenged" })[0];
    assert.equal(ev.args.challenger, f.provers[1]);
    assert.equal(ev.args.bond, bond);
    assert.equal((await f.market.read.getJob([badId])).status, 5, "Voided");
    await f.networkHelpers.time.increase(3601);
    const zN = chain.states[n];
    const fin = await f.wait(await f.market.write.finalizeBundle([id, zN]));
    const v = parseEventLogs({ abi: f.market.abi, logs: fin.logs, eventName: "JobVerified" })[0];
    assert.deepEqual([...v.args.zOut], zN);
    assert.equal((await f.market.read.getJob([id])).status, 2, "Verified");
    await assert.rejects(f.market.write.finalizeBundle([badId, zN]), /MarketNotProposed\(/);
    assert.equal(await f.market.read.claimable([f.provers[0], "0x0000000000000000000000000000000000000000"]), bond);
    assert.equal(await f.market.read.claimable([f.provers[1], "0x0000000000000000000000000000000000000000"]), bond);
  });

  it("a job whose manifest holds a false step is voided by a real decider proof of the true step", async () => {
    const f = await v2Fixture({ circuit });
    const chain = await realLeaves(rc, 8);
    const states = chain.states.map((z) => [...z]);
    states[6] = [states[6][0] + 1n]; // segment 5 claims F(z_5) = z_6 + 1
    const r = await realJob(f, 8, 3, states);
    const leaf = chain.leaves[5];
    const seg = { zIn: states[5], zOut: states[6], proof: r.job.manifest.proof(5) };
    const proof = await decide(rc, leaf);
    const prover = f.provers[0];
    const v = await f.wait(
      await f.market.write.voidImpossible([r.job.jobId, 3, 5n, [seg], nodeData(leaf).instance, proof], {
        account: prover,
      }),
    );
    const ev = parseEventLogs({ abi: f.market.abi, logs: v.logs, eventName: "JobVoided" })[0];
    assert.equal(ev.args.prover, prover);
    assert.equal((await f.market.read.getJob([r.job.jobId])).status, 5, "Voided");
    // The true segment 4 cannot void it.
    const f2 = await v2Fixture({ circuit });
    const r2 = await realJob(f2, 8, 3);
    const good = { zIn: r2.job.states[4], zOut: r2.job.states[5], proof: r2.job.manifest.proof(4) };
    await assert.rejects(
      f2.market.write.voidImpossible(
        [r2.job.jobId, 3, 4n, [good], nodeData(chain.leaves[4]).instance, await decide(rc, chain.leaves[4])],
        { account: f2.provers[0] },
      ),
      /MarketNotImpossible/,
    );
  });
  it("a tampered decision proof reverts (v3: each part of the carried proof; v2: ζ)", async () => {
    const f = await v2Fixture({ circuit });
    const r = await realJob(f, 1, 0);
    await f.mine();
    await r.submitChunk(r.job.chunks[0]);
    await f.mine();
    const root = r.held.get(1n)!;
    const good = await decide(rc, root);
    const account = await f.assignee(r.job.jobId, DECISION);
    const bad: [string, DeciderProofAbi][] = [];
    const G = { x: G1_GENERATOR.x, y: G1_GENERATOR.y };
    if (version === 3) {
      const p3 = marketProofAsDeciderProofV3(good);
      const q = g1Mul(G1_GENERATOR, randomScalar());
      const other = { x: q.x, y: q.y };
      bad.push(
        ["a", deciderProofV3AsMarketProof({ ...p3, a: [G.x, G.y] })],
        ["c", deciderProofV3AsMarketProof({ ...p3, c: [other.x, other.y] })],
        ["d", deciderProofV3AsMarketProof({ ...p3, d: other })],
        ["pok", deciderProofV3AsMarketProof({ ...p3, pok: other })],
        ["yo", deciderProofV3AsMarketProof({ ...p3, yo: p3.yo + 1n })],
        ["pi", deciderProofV3AsMarketProof({ ...p3, pi: other })],
        ["cmT", deciderProofV3AsMarketProof({ ...p3, cmT: other })],
        ["blind.u", deciderProofV3AsMarketProof({ ...p3, blind: { ...p3.blind, u: p3.blind.u + 1n } })],
      );
    } else bad.push(["zeta", { ...good, zeta: good.zeta + 1n }]);
    for (const [what, proof] of bad) {
      await assert.rejects(
        f.market.write.submitDecision([r.job.jobId, nodeData(root), proof], { account }),
        /ProofRejected|MarketDeciderRejected/,
        what,
      );
    }
    // The root with another instance than the one proved is refused too.
    const other = { ...nodeData(root), instance: { ...nodeData(root).instance, u: root.node.U.u + 1n } };
    await assert.rejects(f.market.write.submitDecision([r.job.jobId, other, good], { account }));
    await f.wait(await f.market.write.submitDecision([r.job.jobId, nodeData(root), good], { account }));
    assert.equal((await f.market.read.getJob([r.job.jobId])).status, 2);
  });
}

describe("Market v2: lifecycles with real folds and decider proofs (decider v2)", function () {
  lifecycles.call(this, 2);
});

describe("Market v2: lifecycles with real folds and decider proofs (decider v3)", function () {
  lifecycles.call(this, 3);
});
