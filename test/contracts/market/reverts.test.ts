/**
 * Every revert path of ProofMarket and RewardSplitter with its custom error (random-commitment instances
 * and the test-only MockDeciderVerifier: the market checks fold arithmetic, the decider is tested with real
 * proofs in lifecycle.test.ts).
 */
import assert from "node:assert/strict";
import { encodeFunctionData, keccak256, zeroAddress } from "viem";
import { P } from "../../../prover/src/field/fr.js";
import { nodeId } from "../../../prover/src/folding/tree.js";
import { foldPair, nodeAbi, randomLeaf, randomPoint } from "../../helpers/instances.js";
import { buildManifest, segmentLeaf } from "../../helpers/manifest.js";
import {
  DECISION_TASK,
  E18,
  type Fixture,
  leafId,
  marketFixture,
  mockDeciderProof,
  RandomJob,
  revertsWith,
} from "../../helpers/market.js";

describe("ProofMarket reverts", function () {
  this.timeout(300_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await marketFixture();
  });

  const deadline = async () => BigInt(await f.networkHelpers.time.latest()) + 30n * 86400n;

  it("requestProof: unknown circuit, leaf count, state length, deadline, fee", async () => {
    const m = buildManifest([[1n], [2n]]);
    const w = f.market.write;
    const a = { account: f.requester };
    const d = await deadline();
    await revertsWith(
      w.requestProof([9n, [1n], 1, m.root, f.feeToken.address, 1n, d], a),
      "CircuitRegistryUnknownCircuit",
    );
    await revertsWith(
      w.requestProof([1n, [1n], 0, m.root, f.feeToken.address, 1n, d], a),
      "ProofMarketInvalidLeafCount",
    );
    await revertsWith(
      w.requestProof([1n, [1n], 1025, m.root, f.feeToken.address, 1n, d], a),
      "ProofMarketInvalidLeafCount",
    );
    await revertsWith(
      w.requestProof([1n, [1n, 2n], 1, m.root, f.feeToken.address, 1n, d], a),
      "ProofMarketInvalidStateLength",
    );
    const now = BigInt(await f.networkHelpers.time.latest());
    await revertsWith(
      w.requestProof([1n, [1n], 4, m.root, f.feeToken.address, 1n, now + 3600n], a),
      "ProofMarketInvalidDeadline",
    );
    await revertsWith(
      w.requestProof([1n, [1n], 1, m.root, zeroAddress, 5n, d], { ...a, value: 4n }),
      "ProofMarketInvalidFee",
    );
    await revertsWith(
      w.requestProof([1n, [1n], 1, m.root, f.feeToken.address, 5n, d], { ...a, value: 5n }),
      "ProofMarketInvalidFee",
    );
  });

  it("submitLeaf: unknown job, bad index, wrong x length, scalar ≥ p, bad point, manifest, not assignee, done", async () => {
    const job = await RandomJob.request(f, 4);
    const w = f.market.write;
    const who = await job.assignee(leafId(0));
    const [j, k, cmW, x, proof] = job.leafArgs(0);
    await revertsWith(w.submitLeaf([99n, k, cmW, x, proof], { account: who }), "ProofMarketUnknownJob");
    await revertsWith(w.submitLeaf([j, 4n, cmW, x, proof], { account: who }), "ProofMarketInvalidNode");
    await revertsWith(w.submitLeaf([j, k, cmW, [...x, 1n], proof], { account: who }), "ProofMarketInvalidStateLength");
    await revertsWith(w.submitLeaf([j, k, cmW, [x[0], P], proof], { account: who }), "ProofMarketScalarNotInField");
    await revertsWith(w.submitLeaf([j, k, { x: 1n, y: 3n }, x, proof], { account: who }), "Bn254PointNotOnCurve");
    await revertsWith(
      w.submitLeaf([j, k, cmW, [x[0] ^ 1n, x[1]], proof], { account: who }),
      "ProofMarketManifestMismatch",
    );
    await revertsWith(
      w.submitLeaf([j, k, cmW, x, job.manifest.proof(1)], { account: who }),
      "ProofMarketManifestMismatch",
    );
    const other = f.provers.find((p) => p !== who)!;
    await revertsWith(w.submitLeaf([j, k, cmW, x, proof], { account: other }), "ProofMarketNotAssignee");
    await w.submitLeaf([j, k, cmW, x, proof], { account: who });
    await revertsWith(w.submitLeaf([j, k, cmW, x, proof], { account: who }), "ProofMarketTaskDone");
  });

  it("submitFold: invalid node, children not ready, child mismatch, not assignee, done, batch child missing", async () => {
    const job = await RandomJob.request(f, 4);
    await job.submitLeaf(0);
    const id = nodeId(0, 2);
    const who = await job.assignee(id);
    const l0 = job.nodes.get(leafId(0))!;
    const l1 = randomLeaf(job.states, 1);
    const { cmT } = foldPair(job.domain, job.jobId, l0, l1);
    const args = [job.jobId, id, nodeAbi(l0), nodeAbi(l1), cmT] as const;
    await revertsWith(
      f.market.write.submitFold([job.jobId, nodeId(0, 3), args[2], args[3], cmT], { account: who }),
      "ProofMarketInvalidNode",
    );
    await revertsWith(f.market.write.submitFold(args, { account: who }), "ProofMarketTaskNotReady");
    await job.submitLeaf(1, undefined, l1);
    const bad = { ...nodeAbi(l1), instance: { ...nodeAbi(l1).instance, u: 2n } };
    await revertsWith(
      f.market.write.submitFold([job.jobId, id, args[2], bad, cmT], { account: who }),
      "ProofMarketNodeMismatch",
    );
    const other = f.provers.find((p) => p !== who)!;
    await revertsWith(f.market.write.submitFold(args, { account: other }), "ProofMarketNotAssignee");
    await f.market.write.submitFold(args, { account: who });
    await revertsWith(f.market.write.submitFold(args, { account: who }), "ProofMarketTaskDone");
    const empty = { instance: { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] }, zIn: [], zOut: [] };
    await job.submitLeaf(2);
    await job.submitLeaf(3);
    const root = nodeId(0, 4);
    await revertsWith(
      f.market.write.submitFolds(
        [job.jobId, [{ nodeId: root, left: empty, right: empty, cmT: randomPoint(), fromBatch: 3 }]],
        { account: await job.assignee(root) },
      ),
      "ProofMarketBatchChildMissing",
    );
  });

  it("submitFold: a discontinuous manifest is caught at the fold (left zOut ≠ right zIn)", async () => {
    // Segment 0 says z_1 = 5, segment 1 says z_1 = 6: each leaf passes its own manifest proof.
    const h0 = segmentLeaf(0, [1n], [5n]);
    const h1 = segmentLeaf(1, [6n], [7n]);
    const mroot = keccak256(BigInt(h0) < BigInt(h1) ? `${h0}${h1.slice(2)}` : `${h1}${h0.slice(2)}`);
    const d = await deadline();
    await f.market.write.requestProof([1n, [1n], 2, mroot, f.feeToken.address, 10n * E18, d], { account: f.requester });
    const jobId = await f.market.read.jobCount();
    const job = new RandomJob(f, 2, [[1n], [5n], [7n]], buildManifest([[1n], [5n], [7n]]));
    job.jobId = jobId;
    job.domain = (await f.market.read.getJob([jobId])).domain;
    const L0 = randomLeaf([[1n], [5n]], 0);
    const L1 = randomLeaf([[0n], [6n], [7n]], 1);
    await f.market.write.submitLeaf([jobId, 0n, L0.U.cmW, L0.U.x, [h1]], { account: await job.assignee(leafId(0)) });
    await f.market.write.submitLeaf([jobId, 1n, L1.U.cmW, L1.U.x, [h0]], { account: await job.assignee(leafId(1)) });
    await revertsWith(
      f.market.write.submitFold([jobId, nodeId(0, 2), nodeAbi(L0), nodeAbi(L1), randomPoint()], {
        account: await job.assignee(nodeId(0, 2)),
      }),
      "ProofMarketDiscontinuity",
    );
  });

  it("submitDecision: root not ready, root mismatch, mock proof mismatch, not assignee, verified twice", async () => {
    const job = await RandomJob.request(f, 2);
    const who = await job.assignee(DECISION_TASK);
    await job.submitLeaf(0);
    const l0 = job.nodes.get(leafId(0))!;
    await revertsWith(
      f.market.write.submitDecision([job.jobId, nodeAbi(l0), mockDeciderProof(l0.U)], { account: who }),
      "ProofMarketTaskNotReady",
    );
    await job.submitLeaf(1);
    await job.submitFold(0, 1, 2);
    const root = job.root();
    const wrong = { ...nodeAbi(root), zOut: [root.zOut[0] ^ 1n] };
    await revertsWith(
      f.market.write.submitDecision([job.jobId, wrong, mockDeciderProof(root.U)], { account: who }),
      "ProofMarketNodeMismatch",
    );
    await revertsWith(
      f.market.write.submitDecision([job.jobId, nodeAbi(root), mockDeciderProof(l0.U)], { account: who }),
      "MockDeciderVerifierRejected",
    );
    const other = f.provers.find((p) => p !== who)!;
    await revertsWith(
      f.market.write.submitDecision([job.jobId, nodeAbi(root), mockDeciderProof(root.U)], { account: other }),
      "ProofMarketNotAssignee",
    );
    await job.submitDecision();
    await revertsWith(job.submitDecision(), "ProofMarketJobNotOpen");
    await revertsWith(job.submitLeaf(0), "ProofMarketJobNotOpen");
  });

  it("submitDecision: a verifier that returns false is refused", async () => {
    const v = await f.viem.deployContract("RejectingDeciderVerifier", [keccak256("0x07"), 1n]);
    await f.circuits.write.registerCircuit([
      keccak256("0x07"),
      4096n,
      10n,
      1,
      { n: 1n, powersHash: keccak256("0x02"), tauG2: [0n, 0n, 0n, 0n] },
      v.address,
      10n,
    ]);
    const states = [[1n], [2n]];
    const m = buildManifest(states);
    await f.market.write.requestProof([2n, [1n], 1, m.root, f.feeToken.address, E18, await deadline()], {
      account: f.requester,
    });
    const job = new RandomJob(f, 1, states, m);
    job.jobId = await f.market.read.jobCount();
    await job.submitLeaf(0);
    await revertsWith(job.submitDecision(), "ProofMarketDeciderRejected");
  });

  it("reclaim: invalid task, not expired, not staked, self, not ready, done", async () => {
    const job = await RandomJob.request(f, 2);
    const w = f.market.write;
    const late = await job.assignee(leafId(0));
    const other = f.provers.find((p) => p !== late)!;
    await revertsWith(w.reclaim([job.jobId, nodeId(0, 3)], { account: other }), "ProofMarketInvalidNode");
    await revertsWith(w.reclaim([job.jobId, leafId(0)], { account: other }), "ProofMarketNotExpired");
    await f.networkHelpers.time.increase(Number(f.params.taskWindow) * 3 + 1);
    await revertsWith(w.reclaim([job.jobId, leafId(0)], { account: f.outsiders[0] }), "ProofMarketNotStaked");
    await revertsWith(w.reclaim([job.jobId, leafId(0)], { account: late }), "ProofMarketSelfAction");
    const foldWorker = await job.assignee(nodeId(0, 2));
    const notFold = f.provers.find((p) => p !== foldWorker)!;
    await revertsWith(w.reclaim([job.jobId, nodeId(0, 2)], { account: notFold }), "ProofMarketTaskNotReady");
    const dw = await job.assignee(DECISION_TASK);
    await revertsWith(
      w.reclaim([job.jobId, DECISION_TASK], { account: f.provers.find((p) => p !== dw)! }),
      "ProofMarketTaskNotReady",
    );
    await job.submitLeaf(1);
    const w1 = await job.assignee(leafId(1));
    await revertsWith(
      w.reclaim([job.jobId, leafId(1)], { account: f.provers.find((p) => p !== w1)! }),
      "ProofMarketTaskDone",
    );
  });

  it("disputes: invalid node, not done, not staked, self, twice, no dispute, pending blocks decision/cancel/expire", async () => {
    const job = await RandomJob.request(f, 2);
    const w = f.market.write;
    await revertsWith(w.dispute([job.jobId, DECISION_TASK], { account: f.provers[0] }), "ProofMarketInvalidNode");
    await revertsWith(w.dispute([job.jobId, nodeId(0, 3)], { account: f.provers[0] }), "ProofMarketInvalidNode");
    await revertsWith(w.dispute([job.jobId, leafId(0)], { account: f.provers[0] }), "ProofMarketTaskNotReady");
    await job.submitLeaf(0);
    const sub = await job.assignee(leafId(0));
    const ch = f.provers.find((p) => p !== sub)!;
    await revertsWith(w.dispute([job.jobId, leafId(0)], { account: f.outsiders[0] }), "ProofMarketNotStaked");
    await revertsWith(w.dispute([job.jobId, leafId(0)], { account: sub }), "ProofMarketSelfAction");
    await revertsWith(w.resolveDispute([job.jobId, leafId(0)]), "ProofMarketDisputeState");
    const l0 = job.nodes.get(leafId(0))!;
    await revertsWith(
      w.answerDispute([job.jobId, leafId(0), nodeAbi(l0), mockDeciderProof(l0.U)]),
      "ProofMarketDisputeState",
    );
    await w.dispute([job.jobId, leafId(0)], { account: ch });
    await revertsWith(w.dispute([job.jobId, leafId(0)], { account: ch }), "ProofMarketDisputeState");
    await revertsWith(w.cancel([job.jobId], { account: f.requester }), "ProofMarketDisputesPending");
    await job.submitLeaf(1);
    await job.submitFold(0, 1, 2);
    await revertsWith(job.submitDecision(), "ProofMarketDisputesPending");
    await f.networkHelpers.time.increase(200 * 86400);
    await revertsWith(w.expire([job.jobId]), "ProofMarketDisputesPending");
    const wrong = { ...nodeAbi(l0), zIn: [l0.zIn[0] ^ 1n] };
    await revertsWith(
      w.answerDispute([job.jobId, leafId(0), wrong, mockDeciderProof(l0.U)]),
      "ProofMarketNodeMismatch",
    );
    await w.answerDispute([job.jobId, leafId(0), nodeAbi(l0), mockDeciderProof(l0.U)]);
    await w.expire([job.jobId]);
  });

  it("a lost dispute with no eligible prover left leaves the node unassigned, then reclaimable", async () => {
    const job = await RandomJob.request(f, 2);
    await job.submitLeaf(0);
    const sub = await job.assignee(leafId(0));
    const ch = f.provers.find((p) => p !== sub)!;
    await f.market.write.dispute([job.jobId, leafId(0)], { account: ch });
    for (const p of f.provers) {
      const { stake } = await f.registry.read.proverInfo([p]);
      if (stake > 0n) await f.registry.write.requestUnstake([stake], { account: p });
    }
    await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
    await f.market.write.resolveDispute([job.jobId, leafId(0)]);
    const t = await f.market.read.getTask([job.jobId, leafId(0)]);
    assert.equal(t.worker, zeroAddress);
    assert.equal(t.state, 1);
    await f.registry.write.stake([200n * E18], { account: ch });
    await f.networkHelpers.time.increase(Number(f.params.taskWindow) + 1);
    await f.market.write.reclaim([job.jobId, leafId(0)], { account: ch });
    await job.submitLeaf(0, ch);
    assert.notEqual(await f.market.read.nodeDigest([job.jobId, leafId(0)]), `0x${"0".repeat(64)}`);
  });

  it("cancel/expire: not requester, not expired, not open", async () => {
    const job = await RandomJob.request(f, 2);
    await revertsWith(f.market.write.cancel([job.jobId], { account: f.provers[0] }), "ProofMarketNotRequester");
    await revertsWith(f.market.write.expire([job.jobId]), "ProofMarketJobNotExpired");
    await f.market.write.cancel([job.jobId], { account: f.requester });
    await revertsWith(f.market.write.cancel([job.jobId], { account: f.requester }), "ProofMarketJobNotOpen");
    await revertsWith(f.market.write.expire([job.jobId]), "ProofMarketJobNotOpen");
  });

  it("submitBundle: unknown circuit, inconsistent lengths, scalar ≥ p, wrong root", async () => {
    const states = [[1n], [2n], [3n]];
    const cmW = [randomPoint(), randomPoint()];
    const cmT = [randomPoint()];
    const pr = mockDeciderProof({ cmW: cmW[0], cmE: { x: 0n, y: 0n }, u: 1n, x: [2n, 1n] });
    const w = f.market.write;
    await revertsWith(w.submitBundle([7n, states.flat(), cmW, cmT, pr]), "CircuitRegistryUnknownCircuit");
    await revertsWith(w.submitBundle([1n, states.flat(), cmW, [], pr]), "ProofMarketInvalidBundle");
    await revertsWith(w.submitBundle([1n, [1n, 2n], cmW, cmT, pr]), "ProofMarketInvalidBundle");
    await revertsWith(w.submitBundle([1n, [], [], [], pr]), "ProofMarketInvalidBundle");
    await revertsWith(w.submitBundle([1n, [1n, P, 3n], cmW, cmT, pr]), "ProofMarketScalarNotInField");
    await revertsWith(w.submitBundle([1n, states.flat(), cmW, cmT, pr]), "MockDeciderVerifierRejected");
  });

  it("callback: too little gas left for the capped callback reverts the decision", async () => {
    await f.market.write.setParams([{ ...f.params, callbackGasLimit: 2_000_000 }]);
    const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address]);
    await consumer.write.setMode([4, "0x"]);
    const states = [[1n], [2n]];
    const m = buildManifest(states);
    await consumer.write.exec([
      f.market.address,
      encodeFunctionData({
        abi: f.market.abi,
        functionName: "requestProof",
        args: [1n, [1n], 1, m.root, zeroAddress, 0n, await deadline()],
      }),
    ]);
    const job = new RandomJob(f, 1, states, m);
    job.jobId = await f.market.read.jobCount();
    await job.submitLeaf(0);
    const root = job.root();
    const who = await job.assignee(DECISION_TASK);
    await revertsWith(
      f.market.write.submitDecision([job.jobId, nodeAbi(root), mockDeciderProof(root.U)], {
        account: who,
        gas: 1_000_000n,
      }),
      "ProofMarketCallbackGas",
    );
    await f.market.write.submitDecision([job.jobId, nodeAbi(root), mockDeciderProof(root.U)], {
      account: who,
      gas: 3_000_000n,
    });
    assert.equal(await consumer.read.calls(), 1n);
  });

  it("governance and rewards: owner only, invalid params and weights, nothing to claim, not releasable, ETH refused", async () => {
    const w = f.market.write;
    await revertsWith(w.setParams([f.params], { account: f.provers[0] }), "OwnableUnauthorizedAccount");
    await revertsWith(w.setParams([{ ...f.params, taskWindow: 0n }]), "ProofMarketInvalidParams");
    await revertsWith(w.setParams([{ ...f.params, maxLeaves: 5000 }]), "ProofMarketInvalidParams");
    await revertsWith(w.setWeights([{ leaf: 1n, fold: 0n, decision: 1n }]), "RewardSplitterInvalidWeights");
    await revertsWith(
      w.setWeights([{ leaf: 1n, fold: 1n, decision: 1n }], { account: f.provers[0] }),
      "OwnableUnauthorizedAccount",
    );
    await revertsWith(w.claim([f.feeToken.address], { account: f.provers[0] }), "RewardSplitterNothingToClaim");
    const job = await RandomJob.request(f, 2, { eth: true, fee: 10n ** 18n });
    await revertsWith(w.release([job.jobId, [leafId(0)]]), "RewardSplitterNotReleasable");
    await job.runAll();
    await revertsWith(w.release([job.jobId, [nodeId(0, 3)]]), "RewardSplitterNotReleasable");
    await w.release([job.jobId, [leafId(0)]]);
    await revertsWith(w.release([job.jobId, [leafId(0)]]), "RewardSplitterNotReleasable");
    // A requester contract that refuses ETH cannot be paid: its claim reverts (and stays claimable).
    const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address]);
    const m = buildManifest([[1n], [2n]]);
    await consumer.write.exec(
      [
        f.market.address,
        encodeFunctionData({
          abi: f.market.abi,
          functionName: "requestProof",
          args: [1n, [1n], 1, m.root, zeroAddress, 5n, await deadline()],
        }),
      ],
      { value: 5n },
    );
    const id = await f.market.read.jobCount();
    await consumer.write.exec([
      f.market.address,
      encodeFunctionData({ abi: f.market.abi, functionName: "cancel", args: [id] }),
    ]);
    await consumer.write.setMode([5, "0x"]);
    await revertsWith(
      consumer.write.exec([
        f.market.address,
        encodeFunctionData({ abi: f.market.abi, functionName: "claim", args: [zeroAddress] }),
      ]),
      "RewardSplitterEthTransferFailed",
    );
    assert.equal(await f.market.read.claimable([consumer.address, zeroAddress]), 5n);
  });
});
