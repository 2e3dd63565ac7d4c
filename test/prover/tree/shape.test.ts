import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { TreeShapeError } from "../../../prover/src/errors/folding.js";
import {
  ancestors,
  ceilLog2,
  children,
  chunkCount,
  chunks,
  DECISION_TASK,
  foldDepthFirst,
  foldOrder,
  isNodeOf,
  isTreeNode,
  jobTasks,
  nodeId,
  nodeRange,
  parentOf,
  splitPoint,
  taskKindOf,
  taskOfNode,
  treeDepth,
  treeNodes,
} from "../../../prover/src/tree/shape.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHAPE_SRC = path.resolve(here, "../../../prover/src/tree/shape.ts");

describe("tree/shape (docs/protocol.md §7 tree shape, PROTOCOL.md §3 tasks)", () => {
  it("is pure: it imports nothing but the error classes (no curve, field or MSM module)", () => {
    const imports = [...readFileSync(SHAPE_SRC, "utf8").matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(imports, ["../errors/folding.js"]);
  });

  it("node ids pack [a, c) as (a << 128) | c and unpack; malformed ids throw TreeShapeError", () => {
    assert.equal(nodeId(0, 1), 1n);
    assert.equal(nodeId(2, 4), (2n << 128n) | 4n);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 40 }), (a, len) => {
        assert.deepEqual(nodeRange(nodeId(a, a + len)), { a, c: a + len });
      }),
    );
    assert.throws(() => nodeId(3, 3), TreeShapeError);
    assert.throws(() => nodeId(-1, 3), TreeShapeError);
    assert.throws(() => nodeId(0, 2 ** 48 + 1), TreeShapeError);
    assert.throws(() => nodeRange(5n << 128n), TreeShapeError);
    assert.throws(() => nodeRange(DECISION_TASK), TreeShapeError);
    assert.throws(() => nodeRange(-1n), TreeShapeError);
  });

  it("splits at the largest power of two strictly smaller than the node", () => {
    const cases: [number, number, number][] = [
      [0, 2, 1],
      [0, 3, 2],
      [0, 4, 2],
      [0, 5, 4],
      [4, 7, 6],
      [8, 13, 12],
      [0, 64, 32],
      [0, 65, 64],
    ];
    for (const [a, c, b] of cases) assert.equal(splitPoint(a, c), b, `[${a}, ${c})`);
    assert.throws(() => splitPoint(5, 6), TreeShapeError);
    assert.throws(() => splitPoint(4, 3), TreeShapeError);
    assert.equal(ceilLog2(1), 0);
    assert.equal(ceilLog2(5), 3);
    assert.equal(treeDepth(1), 0);
    assert.equal(treeDepth(65_536), 16);
  });

  it("the tree of 5 leaves is [0,5) = [0,4) + [4,5), [0,4) = [0,2) + [2,4)", () => {
    assert.deepEqual(
      treeNodes(5).map((node) => `${node.a}-${node.c}`),
      ["0-5", "0-4", "4-5", "0-2", "2-4", "0-1", "1-2", "2-3", "3-4"],
    );
    assert.deepEqual(
      foldOrder(5).map((f) => `${f.a}-${f.b}-${f.c}`),
      ["0-1-2", "2-3-4", "0-2-4", "0-4-5"],
    );
  });

  it("N leaves, N − 1 folds, depth ⌈log2 N⌉, children partition their parent, parents and ancestors agree", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
        const nodes = treeNodes(n);
        const leaves = nodes.filter((node) => node.kind === "leaf");
        const folds = nodes.filter((node) => node.kind === "fold");
        assert.equal(leaves.length, n);
        assert.equal(folds.length, n - 1);
        assert.deepEqual(
          leaves.map((leaf) => leaf.a).sort((x, y) => x - y),
          Array.from({ length: n }, (_, k) => k),
        );
        assert.equal(Math.max(...nodes.map((node) => node.depth)), treeDepth(n));
        const byId = new Map(nodes.map((node) => [node.id, node]));
        for (const fold of folds) {
          const left = byId.get(fold.left!)!;
          const right = byId.get(fold.right!)!;
          assert.equal(left.a, fold.a);
          assert.equal(left.c, right.a);
          assert.equal(right.c, fold.c);
          const leftSize = left.c - left.a;
          assert.equal(leftSize & (leftSize - 1), 0, "left child is a power of two");
          assert.ok(leftSize < fold.c - fold.a && 2 * leftSize >= fold.c - fold.a);
          assert.deepEqual(children(fold.a, fold.c), {
            a: fold.a,
            b: left.c,
            c: fold.c,
            left: left.id,
            right: right.id,
          });
          assert.equal(parentOf(n, left.a, left.c)!.id, fold.id);
          assert.equal(parentOf(n, right.a, right.c)!.id, fold.id);
        }
        assert.equal(parentOf(n, 0, n), undefined);
        for (const node of nodes) {
          assert.ok(isNodeOf(n, node.a, node.c));
          assert.ok(isTreeNode(node.a, node.c));
          assert.equal(ancestors(n, node.a, node.c).length, node.depth);
        }
        // foldOrder: every fold once, each after both of its children.
        const order = foldOrder(n);
        assert.equal(order.length, n - 1);
        const seen = new Set<bigint>(leaves.map((leaf) => leaf.id));
        for (const f of order) {
          assert.ok(seen.has(nodeId(f.a, f.b)) && seen.has(nodeId(f.b, f.c)), `children of ${f.a}-${f.c} first`);
          seen.add(f.id);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("isNodeOf rejects ranges that are not nodes of the tree", () => {
    assert.equal(isNodeOf(5, 1, 3), false);
    assert.equal(isNodeOf(5, 0, 3), false);
    assert.equal(isNodeOf(5, 4, 6), false);
    assert.equal(isNodeOf(5, 2, 2), false);
    assert.equal(isNodeOf(4, 2, 4), true);
    assert.equal(isTreeNode(1, 3), false);
    assert.throws(() => parentOf(5, 1, 3), TreeShapeError);
  });

  it("foldDepthFirst makes leaves in order and folds in foldOrder", async () => {
    for (const n of [1, 2, 5, 13, 64]) {
      const made: number[] = [];
      const folded: string[] = [];
      const root = await foldDepthFirst(
        0,
        n,
        (k) => {
          made.push(k);
          return `${k}`;
        },
        async (l, r, step) => {
          folded.push(`${step.a}-${step.b}-${step.c}`);
          return `(${l} ${r})`;
        },
      );
      assert.deepEqual(
        made,
        Array.from({ length: n }, (_, k) => k),
      );
      assert.deepEqual(
        folded,
        foldOrder(n).map((f) => `${f.a}-${f.b}-${f.c}`),
      );
      assert.equal(
        root
          .replace(/[() ]+/g, " ")
          .trim()
          .split(" ").length,
        n,
      );
    }
  });

  describe("chunks, merges and the decision", () => {
    it("a job of 13 leaves at 2^2: chunks [0,4) [4,8) [8,12) [12,13), merges [0,8) [8,13) [0,13)", () => {
      assert.deepEqual(
        chunks(13, 2).map((ch) => `${ch.a}-${ch.c}`),
        ["0-4", "4-8", "8-12", "12-13"],
      );
      const tasks = jobTasks(13, 2);
      assert.deepEqual(
        tasks.map((t) => `${t.kind}:${t.a}-${t.c}`),
        [
          "chunk:0-4",
          "chunk:4-8",
          "chunk:8-12",
          "chunk:12-13",
          "merge:0-8",
          "merge:8-13",
          "merge:0-13",
          "decision:0-13",
        ],
      );
      assert.equal(tasks.at(-1)!.id, DECISION_TASK);
      const merge = tasks.find((t) => t.a === 8 && t.c === 13)!;
      assert.deepEqual([merge.b, merge.left, merge.right], [12, nodeId(8, 12), nodeId(12, 13)]);
      assert.equal(taskOfNode(13, 2, 5, 6).id, nodeId(4, 8));
      assert.equal(taskOfNode(13, 2, 12, 13).id, nodeId(12, 13));
      assert.equal(taskKindOf(13, 2, 4, 8), "chunk");
      assert.equal(taskKindOf(13, 2, 4, 6), undefined);
      assert.equal(taskKindOf(13, 2, 0, 13), "merge");
      assert.equal(taskKindOf(13, 2, 1, 3), undefined);
    });

    it("chunk size 1 gives one task per leaf, a merge per fold; a chunk ≥ N gives one chunk and no merge", () => {
      const fine = jobTasks(5, 0);
      assert.equal(fine.filter((t) => t.kind === "chunk").length, 5);
      assert.deepEqual(
        fine.filter((t) => t.kind === "merge").map((t) => t.id),
        foldOrder(5).map((f) => f.id),
      );
      assert.deepEqual(
        jobTasks(5, 3).map((t) => `${t.kind}:${t.a}-${t.c}`),
        ["chunk:0-5", "decision:0-5"],
      );
      assert.throws(() => chunks(5, 17), TreeShapeError);
      assert.throws(() => chunks(5, -1), TreeShapeError);
      assert.throws(() => chunks(0, 1), TreeShapeError);
    });

    it("for every N and k: chunks are tree nodes that tile [0, N); merges are the nodes above them; every node has one task", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 10 }), (n, k) => {
          const cs = chunks(n, k);
          assert.equal(cs.length, chunkCount(n, k));
          let next = 0;
          for (const ch of cs) {
            assert.equal(ch.a, next);
            assert.ok(isNodeOf(n, ch.a, ch.c), `chunk ${ch.a}-${ch.c} is a node`);
            assert.equal(taskKindOf(n, k, ch.a, ch.c), "chunk");
            next = ch.c;
          }
          assert.equal(next, n);
          const tasks = jobTasks(n, k);
          const merges = tasks.filter((t) => t.kind === "merge");
          assert.equal(merges.length, cs.length - 1);
          const done = new Set<bigint>(cs.map((ch) => ch.id));
          for (const m of merges) {
            assert.ok(done.has(m.left!) && done.has(m.right!), `merge ${m.a}-${m.c} folds two finished tasks`);
            done.add(m.id);
          }
          assert.ok(done.has(nodeId(0, n)), "the last merge (or the only chunk) is the root");
          for (const node of treeNodes(n)) {
            const t = taskOfNode(n, k, node.a, node.c);
            assert.ok(done.has(t.id));
            assert.ok(t.a <= node.a && node.c <= t.c);
          }
        }),
        { numRuns: 120 },
      );
    });

    it("65,536 leaves at 2^6: 1,024 chunks and 1,023 merges without walking the leaves", () => {
      assert.equal(chunkCount(65_536, 6), 1024);
      const tasks = jobTasks(65_536, 6);
      assert.equal(tasks.filter((t) => t.kind === "merge").length, 1023);
    });
  });
});
