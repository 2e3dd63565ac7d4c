import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { R1csShape } from "../../../prover/src/arith/r1cs.js";
import { isRelaxedSatisfied } from "../../../prover/src/arith/relaxed.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { srsDigest, truncateSrs } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Add } from "../../../prover/src/curve/bn254.js";
import {
  decodeTreeNode,
  decodeWitness,
  encodeTreeNode,
  encodeWitness,
} from "../../../prover/src/encoding/artefacts.js";
import { SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
import { FieldElementError, InvalidPointError } from "../../../prover/src/errors/curve.js";
import {
  ContinuityError,
  FoldShapeError,
  FoldVerificationError,
  LeafError,
  TreeShapeError,
} from "../../../prover/src/errors/folding.js";
import { P } from "../../../prover/src/field/fr.js";
import { checkRelaxed, type FoldContext, foldInstances } from "../../../prover/src/folding/nifs.js";
import {
  domainSeparator,
  foldChallenge,
  foldTag,
  leafTag,
  tagChallenge,
} from "../../../prover/src/folding/transcript.js";
import {
  foldNodes,
  foldTree,
  makeLeaf,
  nodeId,
  nodeRange,
  type ProverNode,
  restoreProverNode,
  splitPoint,
  verifyFoldTranscript,
} from "../../../prover/src/folding/tree.js";
import { terminateDefaultMsmBackend } from "../../../prover/src/msm/default.js";
import { foldDepthFirst } from "../../../prover/src/tree/shape.js";
import { exampleCircuits, type TestCircuit, testCircuit, testSrs, witnessChain } from "../../helpers/prover.js";

function ctxFor(shape: R1csShape, srs: Srs, jobId = 0n, hiding = false): FoldContext {
  const domain = domainSeparator({
    chainId: 0n,
    market: "0x0000000000000000000000000000000000000000",
    r1csHash: shape.r1csHash,
    srsDigest: srsDigest(srs),
  });
  return { shape, srs, domain, jobId, hiding };
}

async function leavesFor(c: TestCircuit, srs: Srs, n: number, hiding = false): Promise<ProverNode[]> {
  const z0 = Array.from({ length: c.shape.s }, (_, i) => BigInt(i + 2));
  const ws = await witnessChain(c.source, z0, n);
  return Promise.all(ws.map((w, k) => makeLeaf(c.shape, srs, w, { k, hiding })));
}

describe("folding/tree", () => {
  let srs: Srs;
  before(async () => {
    srs = await testSrs();
  });
  after(terminateDefaultMsmBackend);

  describe("shape rules (docs/protocol.md §7)", () => {
    it("splitPoint takes the largest power of two strictly below c − a", () => {
      assert.equal(splitPoint(0, 2), 1);
      assert.equal(splitPoint(0, 3), 2);
      assert.equal(splitPoint(0, 4), 2);
      assert.equal(splitPoint(0, 5), 4);
      assert.equal(splitPoint(8, 13), 12);
      assert.equal(splitPoint(0, 64), 32);
      assert.equal(splitPoint(0, 65), 64);
      assert.throws(() => splitPoint(3, 4), TreeShapeError);
      assert.throws(() => splitPoint(4, 3), TreeShapeError);
    });

    it("nodeId = (a << 128) | c, and nodeRange inverts it", () => {
      assert.equal(nodeId(0, 1), 1n);
      assert.equal(nodeId(3, 7), (3n << 128n) | 7n);
      assert.deepEqual(nodeRange(nodeId(1024, 1027)), { a: 1024, c: 1027 });
      assert.throws(() => nodeRange(5n << 128n), TreeShapeError);
    });
  });

  describe("completeness: trees of 1, 2, 3, 7, 16, 64 leaves on every example circuit", () => {
    it("the root is satisfied, its states are z_0 and z_N, and the transcript re-verifies", async function () {
      this.timeout(600_000);
      const circuits = await exampleCircuits();
      for (const c of circuits) {
        if (Math.max(c.shape.nW, c.shape.m) + 1 > srs.n) {
          console.warn(`skipping ${c.name}: needs ${Math.max(c.shape.nW, c.shape.m) + 1} SRS powers`);
          continue;
        }
        const t0 = Date.now();
        const all = await leavesFor(c, srs, 64);
        for (const N of [1, 2, 3, 7, 16, 64]) {
          const ctx = ctxFor(c.shape, srs, BigInt(N));
          const leaves = all.slice(0, N);
          const { root, folds } = await foldTree(leaves, ctx);
          assert.equal(folds.length, N - 1);
          assert.deepEqual([root.node.a, root.node.c], [0, N]);
          assert.deepEqual(root.node.zIn, leaves[0].node.zIn, `${c.name} N=${N} zIn`);
          assert.deepEqual(root.node.zOut, leaves[N - 1].node.zOut, `${c.name} N=${N} zOut`);
          assert.ok(await checkRelaxed(c.shape, srs, root.node.U, root.W), `${c.name} N=${N}: root satisfied`);
          const vroot = verifyFoldTranscript(
            leaves.map((l) => l.node),
            folds,
            ctx,
          );
          assert.deepEqual(vroot, root.node);
        }
        if (process.env.NOVANET_TEST_VERBOSE)
          console.log(`${c.name}: m=${c.shape.m} nW=${c.shape.nW} ${Date.now() - t0} ms`);
      }
    });

    it("a node rebuilt from decoded blobs folds like the original (restoreProverNode)", async () => {
      const c = await testCircuit("mix2");
      const leaves = await leavesFor(c, srs, 4);
      const ctx = ctxFor(c.shape, srs, 5n);
      const { parent: left } = await foldNodes(ctx, leaves[0], leaves[1]);
      const { parent: right } = await foldNodes(ctx, leaves[2], leaves[3]);
      const fetched = restoreProverNode(
        c.shape,
        decodeTreeNode(encodeTreeNode(left.node)),
        decodeWitness(encodeWitness(left.W)),
      );
      assert.deepEqual(fetched.abc, left.abc);
      const a = await foldNodes(ctx, fetched, right);
      const b = await foldNodes(ctx, left, right);
      assert.deepEqual(a.parent.node, b.parent.node);
      const E = [...left.W.E];
      E[0] = (E[0] + 1n) % P;
      assert.throws(() => restoreProverNode(c.shape, left.node, { ...left.W, E }), LeafError);
      assert.throws(() => restoreProverNode(c.shape, left.node, { ...left.W, E: E.slice(1) }), LeafError);
    });

    it("with hiding blinds (cmW, cmT), the root is satisfied too", async () => {
      const cubic = await testCircuit("cubic");
      const leaves = await leavesFor(cubic, srs, 5, true);
      assert.ok(leaves.every((l) => l.W.rW !== 0n));
      const ctx = ctxFor(cubic.shape, srs, 9n, true);
      const { root, folds } = await foldTree(leaves, ctx);
      assert.notEqual(root.W.rE, 0n);
      assert.ok(await checkRelaxed(cubic.shape, srs, root.node.U, root.W));
      verifyFoldTranscript(
        leaves.map((l) => l.node),
        folds,
        ctx,
      );
    });
  });

  describe("transcript v2 (v2Leaves: a v2 market's chunks)", () => {
    it("chunk folds take the tags' challenges, merges v1's; the root is satisfied; an untagged inner child is refused", async function () {
      this.timeout(300_000);
      const c = await testCircuit("cubic");
      const N = 13;
      const leaves = await leavesFor(c, srs, N);
      const ctx = { ...ctxFor(c.shape, srs, 3n), v2Leaves: 4 };
      const tags = new Map<bigint, Hex>(leaves.map((l, k) => [nodeId(k, k + 1), leafTag(l.node.U)]));
      let v2Folds = 0;
      const root = await foldDepthFirst<ProverNode>(
        0,
        N,
        (k) => leaves[k],
        async (L, R, step) => {
          const { parent, fold } = await foldNodes(ctx, L, R);
          const { a, c: e } = nodeRange(step.id);
          const b = splitPoint(a, e);
          if (e - a <= 4) {
            const t = foldTag(ctx.domain, 3n, step.id, tags.get(nodeId(a, b))!, tags.get(nodeId(b, e))!, fold.cmT);
            assert.equal(fold.r, tagChallenge(t), `[${a}, ${e}) v2 challenge`);
            assert.equal(parent.tag, t);
            tags.set(step.id, t);
            v2Folds++;
          } else {
            assert.equal(
              fold.r,
              foldChallenge(ctx.domain, 3n, step.id, L.node.U, R.node.U, fold.cmT),
              `[${a}, ${e}) v1`,
            );
            assert.equal(parent.tag, undefined);
          }
          return parent;
        },
      );
      assert.equal(v2Folds, 9); // three chunks of 4 leaves, 3 folds each; the last chunk [12, 13) is a leaf
      assert.ok(await checkRelaxed(c.shape, srs, root.node.U, root.W), "root satisfied");
      const v1 = await foldTree(leaves, ctxFor(c.shape, srs, 3n));
      assert.notDeepEqual(v1.root.node.U.cmW, root.node.U.cmW, "v1 and v2 fold to different roots");
      // Two nodes folded under v1 carry no tag: folding them into a v2 node is refused.
      const v1ctx = ctxFor(c.shape, srs, 3n);
      const { parent: l } = await foldNodes(v1ctx, leaves[0], leaves[1]);
      const { parent: r } = await foldNodes(v1ctx, leaves[2], leaves[3]);
      await assert.rejects(foldNodes(ctx, l, r), FoldShapeError);
    });
  });

  describe("bad input gets typed errors", () => {
    it("makeLeaf: wrong-length witness, entries ≥ p, z[0] ≠ 1, unsatisfied witness → LeafError", async () => {
      const c = await testCircuit("mix2");
      const [w] = await witnessChain(c.source, [1n, 2n], 1);
      await assert.rejects(makeLeaf(c.shape, srs, w.slice(1), { k: 0 }), (e: unknown) => {
        assert.ok(e instanceof LeafError);
        assert.match(e.message, /wrong length/);
        return true;
      });
      await assert.rejects(makeLeaf(c.shape, srs, [...w.slice(0, -1), P], { k: 0 }), /not a canonical element/);
      await assert.rejects(makeLeaf(c.shape, srs, [2n, ...w.slice(1)], { k: 0 }), LeafError);
      const unsat = [...w];
      unsat[5] = (unsat[5] + 1n) % P;
      await assert.rejects(makeLeaf(c.shape, srs, unsat, { k: 0 }), /does not satisfy the circuit/);
      await assert.rejects(makeLeaf(c.shape, srs, w, { k: -1 }), TreeShapeError);
    });

    it("a witness larger than the SRS → SrsTooSmallError", async () => {
      const c = await testCircuit("mix2");
      const [w] = await witnessChain(c.source, [1n, 2n], 1);
      const small = truncateSrs(srs, c.shape.nW - 1);
      await assert.rejects(makeLeaf(c.shape, small, w, { k: 0 }), SrsTooSmallError);
      await assert.rejects(
        makeLeaf(c.shape, truncateSrs(srs, c.shape.nW), w, { k: 0, hiding: true }),
        SrsTooSmallError,
      );
    });

    it("folding instances with a point off the curve, x ≥ p or different x lengths is refused", () => {
      const U = { cmW: G1_GENERATOR, cmE: { x: 0n, y: 0n }, u: 1n, x: [1n, 2n] };
      assert.throws(() => foldInstances(U, U, { x: 1n, y: 1n }, 5n), InvalidPointError);
      assert.throws(() => foldInstances(U, { ...U, cmW: { x: 1n, y: 1n } }, G1_GENERATOR, 5n), InvalidPointError);
      assert.throws(() => foldInstances(U, { ...U, x: [1n, P] }, G1_GENERATOR, 5n), FieldElementError);
      assert.throws(() => foldInstances(U, U, G1_GENERATOR, P), FieldElementError);
      assert.throws(() => foldInstances(U, { ...U, x: [1n] }, G1_GENERATOR, 5n), FoldShapeError);
    });
  });

  describe("soundness: one corruption and the fold is rejected or the root is unsatisfied", () => {
    let c: TestCircuit;
    let honest: ProverNode[];
    let ctx: FoldContext;
    const N = 7;
    before(async () => {
      c = await testCircuit("mix2"); // s = 2
      honest = await leavesFor(c, srs, N);
      ctx = ctxFor(c.shape, srs, 42n);
    });

    it("a corrupted witness entry committed as such: folds go through, the root is unsatisfied", async () => {
      const z0 = [2n, 3n];
      const ws = await witnessChain(c.source, z0, N);
      const bad = [...ws[3]];
      bad[bad.length - 1] = (bad[bad.length - 1] + 1n) % P;
      const leaves = [...honest];
      leaves[3] = await makeLeaf(c.shape, srs, bad, { k: 3, check: false });
      const { root, folds } = await foldTree(leaves, ctx);
      verifyFoldTranscript(
        leaves.map((l) => l.node),
        folds,
        ctx,
      );
      assert.equal(isRelaxedSatisfied(c.shape, root.node.U, root.W), false);
      assert.equal(await checkRelaxed(c.shape, srs, root.node.U, root.W), false);
    });

    it("a witness entry changed after committing: the root's cmW no longer matches its W", async () => {
      const leaves = [...honest];
      const W = [...leaves[2].W.W];
      W[0] = (W[0] + 1n) % P;
      leaves[2] = { ...leaves[2], W: { ...leaves[2].W, W } };
      const { root } = await foldTree(leaves, ctx);
      assert.equal(await checkRelaxed(c.shape, srs, root.node.U, root.W), false);
    });

    it("a leaf's x: rejected by the transcript check, or (states changed too) by continuity or the root", async () => {
      const { folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      const xBad = nodes.map((n, k) => (k === 4 ? { ...n, U: { ...n.U, x: [n.U.x[0] + 1n, ...n.U.x.slice(1)] } } : n));
      assert.throws(() => verifyFoldTranscript(xBad, folds, ctx), FoldVerificationError);
      // Change x and zOut consistently on an inner leaf: continuity with the next leaf breaks.
      const inner = {
        ...honest[4],
        node: { ...honest[4].node, zOut: [honest[4].node.zOut[0] + 1n, honest[4].node.zOut[1]] },
      };
      inner.node.U = { ...inner.node.U, x: [inner.node.zOut[0], ...inner.node.U.x.slice(1)] };
      const leaves = [...honest];
      leaves[4] = inner;
      await assert.rejects(foldTree(leaves, ctx), ContinuityError);
      // On the last leaf there is no next leaf: the folds go through but the root is unsatisfied.
      const last = { ...honest[N - 1], node: { ...honest[N - 1].node, zOut: [5n, 6n] } };
      last.node.U = { ...last.node.U, x: [5n, 6n, ...last.node.U.x.slice(2)] };
      const leaves2 = [...honest];
      leaves2[N - 1] = last;
      const { root } = await foldTree(leaves2, ctx);
      assert.equal(await checkRelaxed(c.shape, srs, root.node.U, root.W), false);
    });

    it("a leaf's cmW: the transcript rejects the swapped instance; folding it gives an unsatisfied root", async () => {
      const { folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      const bad = honest[1].node.U;
      const swapped = nodes.map((n, k) => (k === 1 ? { ...n, U: { ...bad, cmW: g1Add(bad.cmW, G1_GENERATOR) } } : n));
      assert.throws(() => verifyFoldTranscript(swapped, folds, ctx), FoldVerificationError);
      const leaves = [...honest];
      leaves[1] = { ...leaves[1], node: swapped[1] };
      const { root } = await foldTree(leaves, ctx);
      assert.equal(await checkRelaxed(c.shape, srs, root.node.U, root.W), false);
    });

    it("cmT: a changed cmT changes r (the recorded fold is rejected); replayed with its own r, the root is unsatisfied", async () => {
      const { root, folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      const i = 2;
      const tampered = folds.map((f, j) => (j === i ? { ...f, cmT: g1Add(f.cmT, G1_GENERATOR) } : f));
      assert.throws(() => verifyFoldTranscript(nodes, tampered, ctx), /recorded r is not the transcript challenge/);
      // A cheater who recomputes every r from the tampered cmT gets a root instance the honest witness does not satisfy.
      const replayed = replay(nodes, tampered, ctx);
      assert.notDeepEqual(replayed.U, root.node.U);
      assert.equal(await checkRelaxed(c.shape, srs, replayed.U, root.W), false);
    });

    it("r: a recorded r other than the challenge is rejected; folding with a wrong r leaves the root unsatisfied", async () => {
      const { folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      const tampered = folds.map((f, j) => (j === 0 ? { ...f, r: (f.r + 1n) % P } : f));
      assert.throws(() => verifyFoldTranscript(nodes, tampered, ctx), FoldVerificationError);
      // The prover folds with the right r but the verifier's instance uses another challenge domain (job id).
      const other = { ...ctx, jobId: 43n };
      const { root } = await foldTree(honest, ctx);
      assert.throws(() => verifyFoldTranscript(nodes, folds, other), FoldVerificationError);
      const replayed = replay(nodes, folds, other);
      assert.equal(await checkRelaxed(c.shape, srs, replayed.U, root.W), false);
    });

    it("continuity: leaves from two different chains are refused by foldNodes and by the transcript check", async () => {
      const elsewhere = await witnessChain(c.source, [100n, 200n], 2);
      const stranger = await makeLeaf(c.shape, srs, elsewhere[1], { k: 1 });
      await assert.rejects(foldNodes(ctx, honest[0], stranger), (e: unknown) => {
        assert.ok(e instanceof ContinuityError);
        assert.match(e.message, /left zOut differs from right zIn/);
        return true;
      });
      const { folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      const mixed = nodes.map((n, k) => (k === 1 ? stranger.node : n));
      assert.throws(() => verifyFoldTranscript(mixed, folds, ctx), ContinuityError);
    });

    it("tree shape: non-siblings, out-of-order leaves and missing folds are refused", async () => {
      await assert.rejects(foldNodes(ctx, honest[0], honest[2]), TreeShapeError);
      await assert.rejects(foldNodes(ctx, honest[1], honest[2]), TreeShapeError);
      await assert.rejects(foldTree([honest[1], honest[0]], ctx), TreeShapeError);
      await assert.rejects(foldTree([], ctx), TreeShapeError);
      const { folds } = await foldTree(honest, ctx);
      const nodes = honest.map((l) => l.node);
      assert.throws(() => verifyFoldTranscript(nodes, folds.slice(1), ctx), FoldVerificationError);
      assert.throws(
        () => verifyFoldTranscript(nodes, [folds[2], folds[0], folds[1], ...folds.slice(3)], ctx),
        FoldVerificationError,
      );
    });
  });
});

/** Re-folds a transcript taking every r from the transcript challenge (what a cheater would submit). */
function replay(
  leaves: import("../../../prover/src/folding/tree.js").TreeNode[],
  folds: import("../../../prover/src/folding/tree.js").FoldRecord[],
  ctx: FoldContext,
) {
  const fixed = [];
  const nodes = new Map(leaves.map((l) => [nodeId(l.a, l.c), l]));
  for (const f of folds) {
    const { verifyFold } = nifs;
    const left = nodes.get(f.leftId)!;
    const right = nodes.get(f.rightId)!;
    const { U, r } = verifyFold(ctx.domain, ctx.jobId, f.nodeId, left.U, right.U, f.cmT);
    fixed.push({ ...f, r });
    nodes.set(f.nodeId, { a: f.a, c: f.c, zIn: left.zIn, zOut: right.zOut, U });
  }
  return nodes.get(nodeId(0, leaves.length))!;
}

import * as nifs from "../../../prover/src/folding/nifs.js";
