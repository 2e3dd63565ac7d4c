import assert from "node:assert/strict";
import { jobProgress, type TaskLike } from "../../indexer/lib/progress.js";
import { DECISION_TASK, nodeId, treeNodes } from "../../prover/src/tree/shape.js";

const A = "0x00000000000000000000000000000000000000aa" as const;
const B = "0x00000000000000000000000000000000000000bb" as const;

function assigned(taskId: bigint, kind: string): TaskLike {
  return { taskId, kind, status: "assigned", assignee: A, submitter: null, deadline: 100n, reclaims: 0, resets: 0 };
}
function done(row: TaskLike, status = "done"): TaskLike {
  return { ...row, status, submitter: B };
}

/** All 2N task rows of a job of n leaves, assigned. */
function allAssigned(n: number): TaskLike[] {
  return [...treeNodes(n).map((node) => assigned(node.id, node.kind)), assigned(DECISION_TASK, "decision")];
}

describe("indexer/lib/progress (a job's tree progress)", () => {
  it("a fresh job of 5 leaves: nothing done, leaves assigned, folds waiting", () => {
    const p = jobProgress({ nLeaves: 5, mode: "task", status: "open" }, allAssigned(5));
    assert.deepEqual(p.leaves, { done: 0, total: 5 });
    assert.deepEqual(p.folds, { done: 0, total: 4 });
    assert.deepEqual(p.tasks, { done: 0, total: 10 });
    assert.equal(p.depth, 3);
    assert.equal(p.percent, 0);
    assert.deepEqual(p.decision, { done: false, state: "waiting" });
    const states = new Map(p.nodes!.map((node) => [`${node.a}-${node.c}`, node.state]));
    assert.equal(states.get("0-1"), "assigned");
    assert.equal(states.get("0-2"), "waiting");
    assert.equal(states.get("0-5"), "waiting");
    assert.deepEqual(
      p.levels.map((level) => level.nodes),
      [1, 2, 2, 4],
    );
  });

  it("a fold becomes ready when both children are in; done and paid count as done", () => {
    const rows = allAssigned(5).map((row) =>
      row.taskId === nodeId(0, 1) ? done(row) : row.taskId === nodeId(1, 2) ? done(row, "paid") : row,
    );
    const p = jobProgress({ nLeaves: 5, mode: "task", status: "open" }, rows);
    const states = new Map(p.nodes!.map((node) => [`${node.a}-${node.c}`, node.state]));
    assert.equal(states.get("0-1"), "done");
    assert.equal(states.get("1-2"), "paid");
    assert.equal(states.get("0-2"), "ready");
    assert.equal(states.get("2-4"), "waiting");
    assert.deepEqual(p.leaves, { done: 2, total: 5 });
    assert.equal(p.percent, 20);
    assert.deepEqual(p.levels[3], { depth: 3, nodes: 4, done: 2 });
  });

  it("everything done: 100%, the decision done", () => {
    const p = jobProgress(
      { nLeaves: 3, mode: "task", status: "verified" },
      allAssigned(3).map((row) => done(row)),
    );
    assert.equal(p.percent, 100);
    assert.deepEqual(p.tasks, { done: 6, total: 6 });
    assert.equal(p.decision.done, true);
  });

  it("the decision is ready once the root is done", () => {
    const rows = allAssigned(2).map((row) => (row.taskId === DECISION_TASK ? row : done(row)));
    const p = jobProgress({ nLeaves: 2, mode: "task", status: "open" }, rows);
    assert.deepEqual(p.decision, { done: false, state: "ready" });
    assert.equal(p.percent, 75);
  });

  it("a verified bundle has its whole tree done without task rows; nodes=false leaves the list out", () => {
    const p = jobProgress({ nLeaves: 4, mode: "bundle", status: "verified" }, [], false);
    assert.equal(p.nodes, undefined);
    assert.deepEqual(p.folds, { done: 3, total: 3 });
    assert.equal(p.decision.done, true);
    assert.equal(p.percent, 100);
  });

  it("a single-leaf job has no folds and its root is the leaf", () => {
    const p = jobProgress({ nLeaves: 1, mode: "task", status: "open" }, allAssigned(1));
    assert.deepEqual(p.folds, { done: 0, total: 0 });
    assert.equal(p.nodes!.length, 1);
    assert.equal(p.depth, 0);
  });
});
