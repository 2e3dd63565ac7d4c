import assert from "node:assert/strict";
import { challengeWindow } from "../../indexer/lib/optimistic.js";
import { classifyTask, jobProgress, type TaskRow, taskUnits, taskWork } from "../../indexer/lib/tasks.js";
import { DECISION_TASK, nodeId } from "../../prover/src/tree/shape.js";

const B = "0x00000000000000000000000000000000000000bb" as const;
const done = (taskId: bigint, status = "done"): TaskRow => ({
  taskId,
  status,
  submitter: B,
  attempt: 0,
  missedAttempts: 0,
  resets: 0,
  disputes: 0,
  availableAt: 0n,
});
const PRICES = { leafWeight: 2n, foldWeight: 3n, decisionWeight: 1n, constraints: 10n, deciderConstraints: 1000n };

describe("indexer/lib/tasks (market v2 tasks: chunks, merges, the decision)", () => {
  it("classifies task ids by the shape module: chunks, merges, the decision, and nothing else", () => {
    assert.deepEqual(classifyTask(13, 2, nodeId(4, 8)), { kind: "chunk", a: 4, c: 8 });
    assert.deepEqual(classifyTask(13, 2, nodeId(12, 13)), { kind: "chunk", a: 12, c: 13 });
    assert.deepEqual(classifyTask(13, 2, nodeId(8, 13)), { kind: "merge", a: 8, c: 13 });
    assert.deepEqual(classifyTask(13, 2, DECISION_TASK), { kind: "decision", a: 0, c: 13 });
    assert.equal(classifyTask(13, 2, nodeId(4, 6)), undefined, "a node inside a chunk is no task");
    assert.equal(classifyTask(13, 2, nodeId(1, 3)), undefined, "not a node");
    assert.equal(classifyTask(13, 2, nodeId(0, 14)), undefined, "outside the job");
    assert.equal(classifyTask(13, 2, 5n << 128n), undefined, "malformed id");
  });

  it("work and units as the market counts them", () => {
    assert.deepEqual(taskWork("chunk", 4), { leaves: 4, folds: 3, decisions: 0 });
    assert.deepEqual(taskWork("merge", 8), { leaves: 0, folds: 1, decisions: 0 });
    assert.equal(taskUnits("chunk", 4, PRICES), (4n * 2n + 3n * 3n) * 10n);
    assert.equal(taskUnits("chunk", 1, PRICES), 20n);
    assert.equal(taskUnits("merge", 8, PRICES), 30n);
    assert.equal(taskUnits("decision", 13, PRICES), 1000n);
  });

  it("a fresh job of 13 leaves at 2^2: chunks open, merges and the decision waiting", () => {
    const p = jobProgress({ nLeaves: 13, chunkLog: 2, mode: "task", status: "open" }, []);
    assert.deepEqual(p.chunks, { done: 0, total: 4 });
    assert.deepEqual(p.merges, { done: 0, total: 3 });
    assert.deepEqual(p.tasks, { done: 0, total: 8 });
    assert.equal(p.percent, 0);
    assert.deepEqual(
      p.taskList!.map((t) => `${t.kind}:${t.a}-${t.c}:${t.state}:${t.depth}`),
      [
        "chunk:0-4:open:2",
        "chunk:4-8:open:2",
        "chunk:8-12:open:2",
        "chunk:12-13:open:2",
        "merge:0-8:waiting:1",
        "merge:8-13:waiting:1",
        "merge:0-13:waiting:0",
        "decision:0-13:waiting:0",
      ],
    );
  });

  it("a merge opens when both inputs are done; chunks count their leaves and internal folds", () => {
    const rows = [done(nodeId(0, 4)), done(nodeId(4, 8), "paid"), done(nodeId(8, 12))];
    const p = jobProgress({ nLeaves: 13, chunkLog: 2, mode: "task", status: "open" }, rows);
    const state = new Map(p.taskList!.map((t) => [`${t.a}-${t.c}-${t.kind}`, t.state]));
    assert.equal(state.get("4-8-chunk"), "paid");
    assert.equal(state.get("0-8-merge"), "open");
    assert.equal(state.get("8-13-merge"), "waiting");
    assert.deepEqual(p.leaves, { done: 12, total: 13 });
    assert.deepEqual(p.folds, { done: 9, total: 12 });
    assert.equal(p.percent, Math.round((21 * 1000) / 26) / 10);
  });

  it("the decision opens once the root is done; all done is 100%", () => {
    const all = [nodeId(0, 4), nodeId(4, 8), nodeId(8, 12), nodeId(12, 13), nodeId(0, 8), nodeId(8, 13), nodeId(0, 13)];
    const open = jobProgress(
      { nLeaves: 13, chunkLog: 2, mode: "task", status: "open" },
      all.map((id) => done(id)),
    );
    assert.deepEqual(open.decision, { done: false, state: "open" });
    const verified = jobProgress(
      { nLeaves: 13, chunkLog: 2, mode: "task", status: "verified" },
      [...all, DECISION_TASK].map((id) => done(id, "paid")),
      false,
    );
    assert.equal(verified.percent, 100);
    assert.deepEqual(verified.tasks, { done: 8, total: 8 });
    assert.equal(verified.taskList, undefined);
  });

  it("one-leaf chunks give one chunk per leaf and a merge per fold; a single chunk covers a small job", () => {
    const fine = jobProgress({ nLeaves: 5, chunkLog: 0, mode: "task", status: "open" }, []);
    assert.deepEqual([fine.chunks.total, fine.merges.total], [5, 4]);
    const whole = jobProgress({ nLeaves: 5, chunkLog: 3, mode: "task", status: "open" }, [done(nodeId(0, 5))]);
    assert.deepEqual(
      [whole.chunks, whole.merges],
      [
        { done: 1, total: 1 },
        { done: 0, total: 0 },
      ],
    );
    assert.deepEqual(whole.decision, { done: false, state: "open" });
  });

  it("a closed job's unfinished tasks are closed; a verified bundle is done without rows", () => {
    const cancelled = jobProgress({ nLeaves: 4, chunkLog: 1, mode: "task", status: "voided" }, [done(nodeId(0, 2))]);
    assert.deepEqual(
      cancelled.taskList!.map((t) => t.state),
      ["done", "closed", "closed", "closed"],
    );
    const bundle = jobProgress({ nLeaves: 4, chunkLog: 0, mode: "bundle", status: "verified" }, []);
    assert.equal(bundle.percent, 100);
    assert.deepEqual(bundle.folds, { done: 3, total: 3 });
  });

  it("an optimistic bundle's tree is posted while proposed, done once finalized, closed once challenged", () => {
    const at = (status: string) => jobProgress({ nLeaves: 4, chunkLog: 0, mode: "optimistic", status }, []);
    for (const status of ["proposed", "verified"]) {
      assert.equal(at(status).percent, 100, status);
      assert.ok(at(status).taskList!.every((t) => t.state === "done"));
    }
    assert.equal(at("voided").percent, 0);
    assert.ok(at("voided").taskList!.every((t) => t.state === "closed"));
  });
});

describe("indexer/lib/optimistic (an optimistic bundle's challenge window)", () => {
  const P = "0x00000000000000000000000000000000000000aa" as const;
  const C = "0x00000000000000000000000000000000000000cc" as const;
  const job = (status: string, voidedBy: `0x${string}` | null = null) => ({
    mode: "optimistic",
    status,
    requester: P,
    challengeEnd: 1000n,
    bond: 4n,
    dataHash: `0x${"11".repeat(32)}` as const,
    zN: ["7"],
    voidedBy,
  });

  it("counts the window down against the chain's clock, inclusive of its last second", () => {
    const w = challengeWindow(job("proposed"), 940n)!;
    assert.deepEqual([w.state, w.secondsLeft, w.end, w.chainTime], ["open", 60n, 1000n, 940n]);
    assert.deepEqual([w.proposer, w.challenger, w.bond, w.zN], [P, null, 4n, ["7"]]);
    assert.deepEqual(
      [challengeWindow(job("proposed"), 1000n)!.state, challengeWindow(job("proposed"), 1000n)!.secondsLeft],
      ["open", 0n],
    );
    assert.deepEqual(
      [challengeWindow(job("proposed"), 1001n)!.state, challengeWindow(job("proposed"), 1001n)!.secondsLeft],
      ["ended", 0n],
    );
    const unknown = challengeWindow(job("proposed"), null)!;
    assert.deepEqual([unknown.state, unknown.secondsLeft], ["open", null], "no clock: no count");
  });

  it("says how it ended: finalized, or challenged by whom; nothing for other jobs", () => {
    assert.equal(challengeWindow(job("verified"), 5000n)!.state, "finalized");
    const c = challengeWindow(job("voided", C), 900n)!;
    assert.deepEqual([c.state, c.challenger, c.secondsLeft], ["challenged", C, 0n]);
    assert.equal(challengeWindow({ ...job("verified"), mode: "bundle", challengeEnd: null }, 0n), null);
    assert.equal(challengeWindow({ ...job("open"), mode: "task" }, 0n), null);
  });
});
