/**
 * Whole job lifecycles with REAL instances (witnesses of the cubic step circuit, folds by the prover's
 * folding engine under the market's domain and job id) and REAL decider proofs checked by the committed
 * CubicDeciderVerifier: task mode and bundle mode for 1, 4 and 16 leaves, a prover that drops out and a
 * task reclaimed, a dispute won and a dispute lost.
 */
import assert from "node:assert/strict";
import { type Address, parseEventLogs } from "viem";
import { G1_GENERATOR, g1Mul } from "../../../prover/src/curve/bn254.js";
import { instanceAbi } from "../../../prover/src/decider/abi.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { foldTree, type ProverNode } from "../../../prover/src/folding/tree.js";
import { foldOrder, nodeAbi } from "../../helpers/instances.js";
import { buildManifest } from "../../helpers/manifest.js";
import { DECISION_TASK, E18, type Fixture, leafId, revertsWith } from "../../helpers/market.js";
import {
  asNode,
  cubic,
  decide,
  foldCtx,
  nodeId,
  type RealCircuit,
  realLeaves,
  realMarket,
  wholeTreeFoldBatch,
} from "../../helpers/realJob.js";

let rc: RealCircuit;

/** Requests a job over real states and returns what the provers need. */
async function request(f: Fixture, n: number, fee = 1000n * E18) {
  const { states, leaves } = await realLeaves(rc, n);
  const manifest = buildManifest(states);
  const now = BigInt(await f.networkHelpers.time.latest());
  const hash = await f.market.write.requestProof(
    [f.circuitId, states[0], n, manifest.root, f.feeToken.address, fee, now + 30n * 86400n],
    { account: f.requester },
  );
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobRequested" });
  const { jobId, domain } = ev.args;
  const chainId = BigInt(await f.publicClient.getChainId());
  assert.equal(
    domain,
    domainSeparator({ chainId, market: f.market.address, r1csHash: rc.r1csHash, srsDigest: f.srsDigest }),
  );
  return { jobId, states, leaves, manifest, ctx: foldCtx(rc, domain, jobId) };
}

type Req = Awaited<ReturnType<typeof request>>;

const worker = async (f: Fixture, jobId: bigint, taskId: bigint): Promise<Address> =>
  (await f.market.read.getTask([jobId, taskId])).worker;

async function submitLeaf(f: Fixture, r: Req, k: number, leaf: ProverNode = r.leaves[k], by?: Address) {
  const account = by ?? (await worker(f, r.jobId, leafId(k)));
  await f.market.write.submitLeaf([r.jobId, BigInt(k), leaf.node.U.cmW, leaf.node.U.x, r.manifest.proof(k)], {
    account,
  });
}

/** Folds [a,c) from the given children with the TS engine, submits it, and checks the market's instance. */
async function submitFold(f: Fixture, r: Req, left: ProverNode, right: ProverNode, by?: Address) {
  const { parent, fold } = await import("../../../prover/src/folding/tree.js").then((m) =>
    m.foldNodes(r.ctx, left, right),
  );
  const id = nodeId(left.node.a, right.node.c);
  const account = by ?? (await worker(f, r.jobId, id));
  const hash = await f.market.write.submitFold([r.jobId, id, nodeAbi(asNode(left)), nodeAbi(asNode(right)), fold.cmT], {
    account,
  });
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "FoldSubmitted" });
  assert.equal(ev.args.r, fold.r, "on-chain r equals the folding engine's");
  assert.deepEqual(ev.args.instance, instanceAbi(parent.node.U), "on-chain folded instance equals the engine's");
  return parent;
}

/** Runs all folds bottom-up from `nodes` (leaves present), returns the root. */
async function foldAll(f: Fixture, r: Req, n: number, nodes: Map<bigint, ProverNode>) {
  for (const { a, b, c, id } of foldOrder(n)) {
    if (nodes.has(id)) continue;
    const parent = await submitFold(f, r, nodes.get(nodeId(a, b))!, nodes.get(nodeId(b, c))!);
    nodes.set(id, parent);
  }
  return nodes.get(nodeId(0, n))!;
}

async function submitDecision(f: Fixture, r: Req, root: ProverNode) {
  const account = await worker(f, r.jobId, DECISION_TASK);
  const hash = await f.market.write.submitDecision([r.jobId, nodeAbi(asNode(root)), await decide(rc, root)], {
    account,
  });
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobVerified" });
  return ev.args;
}

/** Releases every task, claims for everyone, and checks the whole fee went out (rewards + dust). */
async function settle(f: Fixture, jobId: bigint, n: number, fee: bigint) {
  const ids = [...Array.from({ length: n }, (_, k) => leafId(k)), ...foldOrder(n).map((x) => x.id), DECISION_TASK];
  await f.market.write.release([jobId, ids]);
  await revertsWith(f.market.write.release([jobId, [ids[0]]]), "RewardSplitterNotReleasable");
  let paid = 0n;
  for (const a of [...f.provers, f.requester]) {
    const owed = await f.market.read.claimable([a, f.feeToken.address]);
    if (owed === 0n) continue;
    const before = await f.feeToken.read.balanceOf([a]);
    await f.market.write.claim([f.feeToken.address], { account: a });
    assert.equal((await f.feeToken.read.balanceOf([a])) - before, owed);
    paid += owed;
  }
  assert.equal(paid, fee, "rewards plus dust equal the fee");
  assert.equal(await f.feeToken.read.balanceOf([f.market.address]), 0n);
}

describe("ProofMarket lifecycle (real instances, real decider proofs)", function () {
  this.timeout(600_000);

  before(async () => {
    rc = await cubic();
  });

  for (const n of [1, 4, 16]) {
    it(`task mode, ${n} leaves: leaves, folds (checked against the folding engine), decision, rewards`, async () => {
      const f = await realMarket(rc);
      const fee = 1000n * E18 + 7n; // not divisible: exercises the dust
      const r = await request(f, n, fee);
      const nodes = new Map<bigint, ProverNode>();
      for (let k = 0; k < n; k++) {
        await submitLeaf(f, r, k);
        nodes.set(leafId(k), r.leaves[k]);
      }
      const root = await foldAll(f, r, n, nodes);
      const verified = await submitDecision(f, r, root);
      assert.deepEqual(verified.zOut, r.states[n]);
      assert.equal((await f.market.read.getJob([r.jobId])).status, 2);
      await settle(f, r.jobId, n, fee);
    });
  }

  for (const n of [1, 4, 16]) {
    it(`bundle mode, ${n} leaves: whole tree and decision in one call`, async () => {
      const f = await realMarket(rc);
      const { states, leaves } = await realLeaves(rc, n);
      const [ev0] = [await f.market.read.jobCount()];
      const chainId = BigInt(await f.publicClient.getChainId());
      const domain = domainSeparator({
        chainId,
        market: f.market.address,
        r1csHash: rc.r1csHash,
        srsDigest: f.srsDigest,
      });
      const ctx = foldCtx(rc, domain, 0n);
      const { root, folds } = n === 1 ? { root: leaves[0], folds: [] } : await foldTree(leaves, ctx);
      const proof = await decide(rc, root);
      const args = [
        f.circuitId,
        states.flat(),
        leaves.map((l) => l.node.U.cmW),
        folds.map((x) => x.cmT),
        proof,
      ] as const;
      // A corrupted cross term changes the root: the real decider rejects.
      if (n > 1) {
        const bad = [...args[3]];
        bad[0] = g1Mul(G1_GENERATOR, 5n);
        await revertsWith(
          f.market.write.submitBundle([args[0], args[1], args[2], bad, args[4]], { account: f.requester }),
          "DeciderVerifier",
        );
      }
      const hash = await f.market.write.submitBundle(args, { account: f.requester });
      const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
      const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobVerified" });
      assert.deepEqual(ev.args.zOut, states[n]);
      assert.equal(ev.args.jobId, ev0 + 1n);
      const job = await f.market.read.getJob([ev.args.jobId]);
      assert.equal(job.status, 2);
      assert.equal(job.mode, 1);
    });
  }

  it("batch form: one prover folds a whole 8-leaf tree in one submitFolds call (children from the batch)", async () => {
    const f = await realMarket(rc, { provers: 1 });
    const n = 8;
    const r = await request(f, n);
    const nodes = new Map<bigint, ProverNode>();
    for (let k = 0; k < n; k++) {
      await submitLeaf(f, r, k);
      nodes.set(leafId(k), r.leaves[k]);
    }
    const { steps, folded: expected } = await wholeTreeFoldBatch(r.ctx, nodes, n);
    const hash = await f.market.write.submitFolds([r.jobId, steps], { account: f.provers[0] });
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const evs = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "FoldSubmitted" });
    assert.equal(evs.length, n - 1);
    for (const e of evs) assert.deepEqual(e.args.instance, instanceAbi(expected.get(e.args.nodeId)!.node.U));
    const v = await submitDecision(f, r, nodes.get(nodeId(0, n))!);
    assert.deepEqual(v.zOut, r.states[n]);
  });

  it("a prover drops out: its leaf is reclaimed after the deadline, the late assignee loses its bond", async () => {
    const f = await realMarket(rc);
    const n = 4;
    const r = await request(f, n);
    const nodes = new Map<bigint, ProverNode>();
    for (const k of [0, 1, 3]) {
      await submitLeaf(f, r, k);
      nodes.set(leafId(k), r.leaves[k]);
    }
    const late = await worker(f, r.jobId, leafId(2));
    const reclaimer = f.provers.find((p) => p !== late)!;
    await revertsWith(f.market.write.reclaim([r.jobId, leafId(2)], { account: reclaimer }), "ProofMarketNotExpired");
    await f.networkHelpers.time.increase(Number(f.params.taskWindow) + 1);
    const stakeBefore = (await f.registry.read.proverInfo([late])).stake;
    const tokBefore = await f.token.read.balanceOf([reclaimer]);
    await f.market.write.reclaim([r.jobId, leafId(2)], { account: reclaimer });
    assert.equal(stakeBefore - (await f.registry.read.proverInfo([late])).stake, f.params.livenessBond, "stake");
    assert.equal((await f.token.read.balanceOf([reclaimer])) - tokBefore, f.params.livenessBond, "bond");
    // The late assignee can no longer submit; the reclaimer does.
    await revertsWith(submitLeaf(f, r, 2, r.leaves[2], late), "ProofMarketNotAssignee");
    await submitLeaf(f, r, 2, r.leaves[2], reclaimer);
    nodes.set(leafId(2), r.leaves[2]);
    const root = await foldAll(f, r, n, nodes);
    await submitDecision(f, r, root);
    assert.equal((await f.market.read.getTask([r.jobId, leafId(2)])).worker, reclaimer);
    await settle(f, r.jobId, n, 1000n * E18);
  });

  it("a dispute won: the submitter answers with a real decider proof and takes the challenger's bond", async () => {
    const f = await realMarket(rc);
    const n = 4;
    const r = await request(f, n);
    const nodes = new Map<bigint, ProverNode>();
    for (let k = 0; k < n; k++) {
      await submitLeaf(f, r, k);
      nodes.set(leafId(k), r.leaves[k]);
    }
    const left = await submitFold(f, r, nodes.get(leafId(0))!, nodes.get(leafId(1))!);
    nodes.set(nodeId(0, 2), left);
    const submitter = await worker(f, r.jobId, nodeId(0, 2));
    const challenger = f.provers.find((p) => p !== submitter)!;
    await f.market.write.dispute([r.jobId, nodeId(0, 2)], { account: challenger });
    // The decision is blocked while a dispute is open.
    const root = await foldAll(f, r, n, nodes);
    await revertsWith(
      f.market.write.submitDecision([r.jobId, nodeAbi(asNode(root)), await decide(rc, root)], {
        account: await worker(f, r.jobId, DECISION_TASK),
      }),
      "ProofMarketDisputesPending",
    );
    await f.market.write.answerDispute([r.jobId, nodeId(0, 2), nodeAbi(asNode(left)), await decide(rc, left)]);
    assert.equal(await f.market.read.claimable([submitter, f.token.address]), f.params.disputeBond);
    await submitDecision(f, r, root);
  });

  it("a dispute lost: an unsatisfiable leaf is slashed, reset with its ancestors, reassigned and redone", async () => {
    const f = await realMarket(rc);
    const n = 4;
    const r = await request(f, n);
    const nodes = new Map<bigint, ProverNode>();
    // Leaf 1's submitter cheats: the right boundary states with a commitment to garbage.
    const bad: ProverNode = {
      ...r.leaves[1],
      node: { ...r.leaves[1].node, U: { ...r.leaves[1].node.U, cmW: g1Mul(G1_GENERATOR, 12345n) } },
    };
    for (let k = 0; k < n; k++) {
      const leaf = k === 1 ? bad : r.leaves[k];
      await submitLeaf(f, r, k, leaf);
      nodes.set(leafId(k), leaf);
    }
    // The market checks fold arithmetic only, so the bad leaf is folded into [0,2).
    nodes.set(nodeId(0, 2), await submitFold(f, r, nodes.get(leafId(0))!, bad));
    const cheater = await worker(f, r.jobId, leafId(1));
    const challenger = f.provers.find((p) => p !== cheater)!;
    await f.market.write.dispute([r.jobId, leafId(1)], { account: challenger });
    // The cheater's best answer, a decider proof from the true witness, fails on-chain: cmW does not open to it.
    await revertsWith(
      f.market.write.answerDispute([r.jobId, leafId(1), nodeAbi(asNode(bad)), await decide(rc, bad)], {
        account: cheater,
      }),
      "DeciderVerifierProofRejected",
    );
    await revertsWith(f.market.write.resolveDispute([r.jobId, leafId(1)]), "ProofMarketNotExpired");
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    const before = (await f.registry.read.proverInfo([cheater])).stake;
    const hash = await f.market.write.resolveDispute([r.jobId, leafId(1)]);
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const resets = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "NodeReset" });
    assert.deepEqual(
      resets.map((e) => e.args.nodeId),
      [leafId(1), nodeId(0, 2)],
    );
    assert.equal(before - (await f.registry.read.proverInfo([cheater])).stake, f.params.disputeSlash);
    assert.equal(await f.market.read.nodeDigest([r.jobId, nodeId(0, 2)]), `0x${"0".repeat(64)}`);
    // Redo leaf 1 honestly (by its new assignee), then everything above it.
    nodes.delete(leafId(1));
    nodes.delete(nodeId(0, 2));
    await submitLeaf(f, r, 1);
    nodes.set(leafId(1), r.leaves[1]);
    const root = await foldAll(f, r, n, nodes);
    const v = await submitDecision(f, r, root);
    assert.deepEqual(v.zOut, r.states[n]);
    await settle(f, r.jobId, n, 1000n * E18);
  });
});
