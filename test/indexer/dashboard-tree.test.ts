/**
 * The dashboard's pure part (indexer/lib/dashboard.ts): task states as the page colours them, the fold tree
 * over the shape module (every node owned by the task that proves it), and the earnings series.
 */
import assert from "node:assert/strict";
import { dashState, earningsSeries, jobTree, type LiveTask, openTaskIds } from "../../indexer/lib/dashboard.js";
import { jobProgress, type TaskRow } from "../../indexer/lib/tasks.js";
import { DECISION_TASK, nodeId, treeNodes } from "../../prover/src/tree/shape.js";

const A = "0x00000000000000000000000000000000000000aa" as const;
const B = "0x00000000000000000000000000000000000000bb" as const;
const ZERO = "0x0000000000000000000000000000000000000000";

function row(taskId: bigint, status: string, submitter: `0x${string}` | null, extra: Partial<TaskRow> = {}): TaskRow {
  return {
    taskId,
    status,
    submitter,
    attempt: 0,
    missedAttempts: 0,
    resets: 0,
    disputes: 0,
    availableAt: null,
    ...extra,
  };
}

const live = (assignee: string, state = "open"): LiveTask => ({ state, attempt: 0, assignee, windowEnd: 100n });

describe("dashboard tree (indexer/lib/dashboard.ts)", () => {
  const job = { nLeaves: 5, chunkLog: 1, mode: "task", status: "open" };

  it("maps every task state: waiting, available, assigned, submitted, verified, disputed, reset, closed", () => {
    const rows = [row(nodeId(0, 2), "done", A), row(nodeId(2, 4), "open", null, { resets: 1, submitter: null })];
    const list = jobProgress(job, rows).taskList!;
    const byId = new Map(list.map((t) => [t.taskId, t]));
    const t02 = byId.get(nodeId(0, 2))!;
    const t24 = byId.get(nodeId(2, 4))!;
    const t45 = byId.get(nodeId(4, 5))!;
    const t04 = byId.get(nodeId(0, 4))!;
    assert.equal(dashState(t02, "open", null, 0), "submitted");
    assert.equal(dashState(t02, "verified", null, 0), "verified");
    assert.equal(dashState({ ...t02, state: "paid" }, "open", null, 0), "verified");
    assert.equal(dashState(t02, "open", null, 1), "disputed");
    assert.equal(dashState(t24, "open", live(B), 0), "reset");
    assert.equal(dashState(t45, "open", null, 0), "available");
    assert.equal(dashState(t45, "open", live(ZERO), 0), "available", "no seed block yet: nobody drawn");
    assert.equal(dashState(t45, "open", live(B, "done"), 0), "available", "the view must say open");
    assert.equal(dashState(t45, "open", live(B), 0), "assigned");
    assert.equal(dashState(t04, "open", live(B), 0), "waiting");
    const cancelled = jobProgress({ ...job, status: "cancelled" }, rows).taskList!;
    assert.equal(dashState(cancelled.find((t) => t.taskId === nodeId(4, 5))!, "cancelled", null, 0), "closed");
    assert.deepEqual(openTaskIds(list), [nodeId(2, 4), nodeId(4, 5)]);
  });

  it("puts every node of the shape under the task that proves it, with that task's state and prover", () => {
    const rows = [row(nodeId(0, 2), "done", A), row(nodeId(2, 4), "done", B), row(nodeId(4, 5), "done", A)];
    const list = jobProgress(job, rows).taskList!;
    const tree = jobTree(job, list, new Map([[nodeId(0, 4), live(B)]]), new Map());
    assert.equal(tree.nodes.length, 2 * 5 - 1);
    assert.deepEqual(
      tree.nodes.map((n) => n.id),
      treeNodes(5).map((n) => n.id.toString()),
    );
    const node = (a: number, c: number) => tree.nodes.find((n) => n.id === nodeId(a, c).toString())!;
    // Leaves 0 and 1 belong to chunk [0, 2); leaf 2 to [2, 4); the root is the merge [0, 5).
    assert.deepEqual(
      [node(0, 1).taskId, node(0, 1).state, node(0, 1).prover],
      [nodeId(0, 2).toString(), "submitted", A],
    );
    assert.equal(node(0, 1).taskRoot, false);
    assert.equal(node(0, 2).taskRoot, true);
    assert.deepEqual([node(2, 3).state, node(2, 3).prover], ["submitted", B]);
    assert.deepEqual([node(0, 4).state, node(0, 4).prover, node(0, 4).taskKind], ["assigned", B, "merge"]);
    assert.deepEqual([node(0, 5).state, node(0, 5).prover], ["waiting", null]);
    assert.equal(node(0, 5).parent, null);
    assert.equal(node(4, 5).parent, nodeId(0, 5).toString());
    assert.equal(node(2, 3).parent, nodeId(2, 4).toString());
    assert.equal(tree.decision.state, "waiting");
    assert.equal(tree.tasks.find((t) => t.taskId === nodeId(0, 4).toString())!.assignee, B);
    assert.deepEqual(
      Object.entries(tree.counts).filter(([, n]) => n > 0),
      [
        ["waiting", 2],
        ["assigned", 1],
        ["submitted", 3],
      ],
    );
  });

  it("a verified job colours the whole tree verified; the decision carries its prover", () => {
    const done = { ...job, status: "verified" };
    const ids = [nodeId(0, 2), nodeId(2, 4), nodeId(4, 5), nodeId(0, 4), nodeId(0, 5), DECISION_TASK];
    const list = jobProgress(
      done,
      ids.map((id) => row(id, "done", id === DECISION_TASK ? B : A)),
    ).taskList!;
    const tree = jobTree(done, list, new Map(), new Map([[nodeId(0, 4), 0]]));
    assert.ok(tree.nodes.every((n) => n.state === "verified" && n.prover === A));
    assert.deepEqual([tree.decision.taskId, tree.decision.state, tree.decision.prover], ["decision", "verified", B]);
  });

  it("an optimistic bundle: posted (submitted) in its window, verified once finalized, closed once challenged", () => {
    const shown = (status: string) => {
      const j = { nLeaves: 4, chunkLog: 3, mode: "optimistic", status };
      const tree = jobTree(j, jobProgress(j, []).taskList!, new Map(), new Map());
      assert.equal(tree.chunkLog, 0, "cut in one-leaf chunks whatever the row says");
      assert.equal(tree.nodes.length, 7);
      return [...new Set([...tree.nodes.map((n) => n.state), tree.decision.state])];
    };
    assert.deepEqual(shown("proposed"), ["submitted"]);
    assert.deepEqual(shown("verified"), ["verified"]);
    assert.deepEqual(shown("voided"), ["closed"]);
  });

  it("one-leaf chunks: every fold is a merge and every leaf its own chunk", () => {
    const j = { nLeaves: 3, chunkLog: 0, mode: "task", status: "open" };
    const tree = jobTree(j, jobProgress(j, []).taskList!, new Map(), new Map());
    assert.ok(tree.nodes.every((n) => n.taskRoot));
    assert.deepEqual(
      tree.nodes.map((n) => [n.kind, n.taskKind, n.state]),
      [
        ["fold", "merge", "waiting"],
        ["fold", "merge", "waiting"],
        ["leaf", "chunk", "available"],
        ["leaf", "chunk", "available"],
        ["leaf", "chunk", "available"],
      ],
    );
  });

  it("a large job comes as its task tree: chunk roots and merges, each under the merge that folds it", () => {
    const j = { nLeaves: 100, chunkLog: 2, mode: "task", status: "open" };
    const tree = jobTree(j, jobProgress(j, []).taskList!, new Map(), new Map());
    assert.equal(tree.complete, false);
    assert.equal(tree.nodes.length, 25 + 24);
    assert.ok(tree.nodes.every((n) => n.taskRoot && n.taskId === n.id));
    assert.equal(tree.nodes[0]!.id, nodeId(0, 100).toString());
    assert.equal(tree.nodes[0]!.parent, null);
    const byId = new Map(tree.nodes.map((n) => [n.id, n]));
    for (const n of tree.nodes.slice(1)) {
      const p = byId.get(n.parent!)!;
      assert.equal(p.taskKind, "merge");
      assert.ok(p.a <= n.a && n.c <= p.c && p.depth === n.depth - 1, `[${n.a}, ${n.c}) under [${p.a}, ${p.c})`);
    }
    assert.equal(tree.nodes.filter((n) => n.taskKind === "chunk").length, 25);
    assert.equal(tree.depth, 5, "⌈log2 25⌉ levels of merges above the chunks");
    const small = { nLeaves: 64, chunkLog: 2, mode: "task", status: "open" };
    assert.equal(jobTree(small, jobProgress(small, []).taskList!, new Map(), new Map()).nodes.length, 127);
  });

  it("earnings: cumulative per prover on one time axis, the top earners first", () => {
    const s = earningsSeries(
      [
        { account: A, amount: 5n, timestamp: 20n },
        { account: B, amount: 3n, timestamp: 10n },
        { account: A, amount: 1n, timestamp: 10n },
        { account: B, amount: 4n, timestamp: 30n },
      ],
      8,
    );
    assert.deepEqual(s.x, [10, 20, 30]);
    assert.deepEqual(s.series, [
      { account: B, values: ["3", "3", "7"] },
      { account: A, values: ["1", "6", "6"] },
    ]);
    assert.deepEqual(earningsSeries([{ account: A, amount: 1n, timestamp: 1n }], 0).series, []);
    assert.deepEqual(earningsSeries([]), { x: [], series: [] });
  });
});
