/**
 * The node's worker pool (prover/src/node/pool.ts): bounded by `workers` and by memory — a task starts only
 * if its estimated peak fits the budget left by the running tasks and the system's free memory, and a task
 * larger than the whole budget never starts. The estimate is checked against the measured peak of a
 * 2^20-constraint fold (docs/prover-core.md: 1155 MB RSS, ≈ 106 MB of it Node's start).
 */
import assert from "node:assert/strict";
import { estimateTaskBytes, WorkerPool } from "../../../prover/src/node/pool.js";

const MB = 1024 * 1024;

describe("node: memory-aware worker pool", () => {
  it("estimates a task's peak from the circuit's size, the chunk size and the decider's size", () => {
    const big = { m: 2 ** 20, nW: 2 ** 20 - 1, deciderConstraints: 0 };
    const merge = estimateTaskBytes(big, "merge", 0);
    const measured = 1155 * MB - 106 * MB;
    assert.ok(Math.abs(merge - measured) / measured < 0.15, `merge ${merge / MB} MB vs measured ${measured / MB} MB`);
    assert.ok(estimateTaskBytes(big, "chunk", 4) > estimateTaskBytes(big, "chunk", 2));
    assert.ok(estimateTaskBytes(big, "chunk", 2) > merge);
    const small = { m: 1024, nW: 1000, deciderConstraints: 100_000 };
    assert.ok(estimateTaskBytes(small, "decision", 2) > estimateTaskBytes(small, "merge", 2));
    assert.ok(
      estimateTaskBytes({ ...small, deciderConstraints: 200_000 }, "decision", 2) >
        estimateTaskBytes(small, "decision", 2),
    );
  });

  it("never starts a task past the workers, the budget, or the free memory; a task over the budget never", () => {
    let free = 10_000;
    const pool = new WorkerPool(3, 1000, () => free);
    const a = pool.acquire(600);
    assert.ok("release" in a);
    assert.deepEqual(pool.acquire(600), { refused: "budget" });
    const b = pool.acquire(300);
    assert.ok("release" in b);
    assert.equal(pool.reservedBytes, 900);
    assert.deepEqual(pool.acquire(1001), { refused: "too large" });
    a.release();
    a.release(); // idempotent
    assert.equal(pool.reservedBytes, 300);
    free = 200;
    assert.deepEqual(pool.acquire(500), { refused: "free memory" });
    free = 10_000;
    const c = pool.acquire(500);
    const d = pool.acquire(100);
    assert.ok("release" in c && "release" in d);
    assert.equal(pool.running, 3);
    assert.deepEqual(pool.acquire(1), { refused: "workers" });
    b.release();
    assert.ok("release" in pool.acquire(1));
  });
});
