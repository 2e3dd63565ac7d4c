import assert from "node:assert/strict";
import fc from "fast-check";
import { ceilLog2, isTreeNode, nodeId, nodeRange, splitPoint, treeDepth, treeNodes } from "../../indexer/lib/tree.js";
import * as proverTree from "../../prover/src/folding/tree.js";

describe("indexer/lib/tree (docs/protocol.md §7 tree shape)", () => {
  it("node ids pack [a, c) as (a << 128) | c and unpack", () => {
    assert.equal(nodeId(0n, 1n), 1n);
    assert.equal(nodeId(2n, 4n), (2n << 128n) | 4n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 127n) - 2n }), fc.bigInt({ min: 1n, max: 1n << 64n }), (a, len) => {
        assert.deepEqual(nodeRange(nodeId(a, a + len)), { a, c: a + len });
      }),
    );
    assert.throws(() => nodeId(3n, 3n), RangeError);
    assert.throws(() => nodeId(-1n, 3n), RangeError);
  });

  it("splits at the largest power of two strictly smaller than the node", () => {
    assert.equal(splitPoint(0n, 2n), 1n);
    assert.equal(splitPoint(0n, 3n), 2n);
    assert.equal(splitPoint(0n, 4n), 2n);
    assert.equal(splitPoint(0n, 5n), 4n);
    assert.equal(splitPoint(4n, 7n), 6n);
    assert.equal(splitPoint(0n, 8n), 4n);
    assert.equal(splitPoint(0n, 9n), 8n);
    assert.throws(() => splitPoint(5n, 6n), RangeError);
    assert.equal(ceilLog2(1n), 0);
    assert.equal(ceilLog2(5n), 3);
  });

  it("the tree of 5 leaves is [0,5) = [0,4) + [4,5), [0,4) = [0,2) + [2,4)", () => {
    const nodes = treeNodes(5n).map((node) => `${node.a}-${node.c}`);
    assert.deepEqual(nodes, ["0-5", "0-4", "4-5", "0-2", "2-4", "0-1", "1-2", "2-3", "3-4"]);
  });

  it("N leaves, N − 1 folds, depth ⌈log2 N⌉, children partition their parent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (size) => {
        const n = BigInt(size);
        const nodes = treeNodes(n);
        const leaves = nodes.filter((node) => node.kind === "leaf");
        const folds = nodes.filter((node) => node.kind === "fold");
        assert.equal(leaves.length, size);
        assert.equal(folds.length, size - 1);
        assert.deepEqual(
          leaves.map((leaf) => leaf.a).sort((x, y) => (x < y ? -1 : 1)),
          Array.from({ length: size }, (_, k) => BigInt(k)),
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
          assert.equal(leftSize & (leftSize - 1n), 0n, "left child is a power of two");
          assert.ok(leftSize < fold.c - fold.a && 2n * leftSize >= fold.c - fold.a);
        }
        for (const node of nodes) assert.ok(isTreeNode(n, node.id));
      }),
      { numRuns: 60 },
    );
  });

  it("isTreeNode rejects ranges that are not nodes of the tree", () => {
    assert.equal(isTreeNode(5n, nodeId(1n, 3n)), false);
    assert.equal(isTreeNode(5n, nodeId(0n, 3n)), false);
    assert.equal(isTreeNode(5n, nodeId(4n, 6n)), false);
    assert.equal(isTreeNode(4n, nodeId(2n, 4n)), true);
  });

  it("agrees with the prover's tree (prover/src/folding/tree.ts) on every node id and split", () => {
    for (let size = 1; size <= 70; size++) {
      for (const node of treeNodes(BigInt(size))) {
        assert.equal(node.id, proverTree.nodeId(Number(node.a), Number(node.c)));
        if (node.kind === "fold") {
          assert.equal(splitPoint(node.a, node.c), BigInt(proverTree.splitPoint(Number(node.a), Number(node.c))));
        }
      }
    }
  });
});
